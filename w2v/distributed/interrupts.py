"""Ctrl-C in a distributed run: stop at the end of the round in flight, not in the middle of it;
keep it from the local cluster's processes.

A :class:`KeyboardInterrupt` raised wherever the client happens to be (submitting a round's tasks,
inside Dask's own bookkeeping, between the exchange and the applying of a combination) leaves the
round half done: its work is lost, and the client's state of the cluster may be left inconsistent.
A round lasts a fraction of a second to a few seconds, so the client instead remembers the signal
and stops at the next round boundary, where every replica holds the same combined weights and the
model can take them. A second Ctrl-C stops at once, as before.

>>> with StopBetweenRounds() as stop:                                     # doctest: +SKIP
...     for round_ in rounds:
...         run(round_)
...         stop.check()          # raises KeyboardInterrupt here if Ctrl-C came during the round
"""
from __future__ import annotations

import contextlib
import logging
import signal
import threading

logger = logging.getLogger(__name__)



class StopBetweenRounds:
    """Inside ``with``: the first Ctrl-C (SIGINT), if its handler is a Python function (by default
    one that raises :class:`KeyboardInterrupt`), is remembered, and :meth:`check` hands it to that
    handler; a second one goes to it at once, and so does one still remembered as the block ends
    without an exception. An ignored Ctrl-C stays ignored, and nothing changes outside the main
    thread, where Python runs no signal handler. The previous handler is restored on exit.

    SIGTERM is not held: it asks a process to end now, and it comes to a whole process group too
    (a service manager stopping the service), whose worker processes end with it; the run then
    stops at once and keeps its last finished epoch."""

    def __init__(self) -> None:
        self._previous: dict = {}
        self._received: int | None = None

    def __enter__(self) -> "StopBetweenRounds":
        if threading.current_thread() is threading.main_thread():
            handler = signal.getsignal(signal.SIGINT)
            if callable(handler):
                self._previous[signal.SIGINT] = handler
                signal.signal(signal.SIGINT, self._remember)
        return self

    def __exit__(self, kind, value, traceback) -> None:
        if kind is None:
            self.check()   # a Ctrl-C after the last round's check: not lost
        self._restore()

    def _restore(self) -> None:
        for signum, handler in self._previous.items():
            signal.signal(signum, handler)
        self._previous = {}

    def _remember(self, signum, frame) -> None:  # the signal handler
        if self._received is not None:
            self._deliver(signum, frame)   # asked twice: stop now
            return
        self._received = signum
        logger.warning("stopping at the end of the round in flight (Ctrl-C again to stop at once)")

    def _deliver(self, signum, frame) -> None:
        handler = self._previous.get(signum)
        self._restore()
        if handler is not None:
            handler(signum, frame)

    @property
    def requested(self) -> bool:
        """True once a stopping signal came and :meth:`check` has not handed it on yet."""
        return self._received is not None

    def check(self) -> None:
        """Hand a remembered signal to its handler now (Ctrl-C's raises :class:`KeyboardInterrupt`);
        nothing if none came. Call it where the run can stop without losing work."""
        if self._received is not None:
            signum, self._received = self._received, None
            self._deliver(signum, None)


@contextlib.contextmanager
def ctrl_c_held():
    """Inside the block, Ctrl-C waits: it is delivered (a :class:`KeyboardInterrupt` in the main
    thread) as the block ends, and processes started inside never see it.

    For starting the local cluster. A terminal's Ctrl-C goes to the whole process group, the worker
    processes included, even while they start, before :mod:`w2v.distributed._worker_signals` runs in
    them (a ``KeyboardInterrupt`` traceback from each, and a cluster that fails to close). So SIGINT
    is also blocked in the calling thread's signal mask, which the threads and processes started
    inside inherit; this process itself remembers a Ctrl-C that reaches it through another thread
    (:func:`w2v._jit.interrupts_deferred`). Outside the main thread the block changes nothing.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    # multiprocessing starts its resource tracker on first use with SIGINT blocked, then *unblocks*
    # it rather than restoring the mask it found: started inside the block, it would clear the mask
    # of the thread that starts the workers. Started first, it is left running and untouched.
    from multiprocessing import resource_tracker

    from w2v._jit import interrupts_deferred

    resource_tracker.ensure_running()
    with interrupts_deferred():
        before = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
        try:
            yield
        finally:
            signal.pthread_sigmask(signal.SIG_SETMASK, before)

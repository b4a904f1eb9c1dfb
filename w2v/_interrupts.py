"""Ctrl-C held to a safe point: the first one is remembered and raised where the work can stop
without losing any; a second one stops at once.

>>> with HeldCtrlC("stopping at the end of the round") as held:          # doctest: +SKIP
...     for round_ in rounds:
...         run(round_)
...         held.check()          # raises KeyboardInterrupt here if Ctrl-C came during the round

Used where a :class:`KeyboardInterrupt` raised at any instruction would lose work: between the
rounds of a distributed run (:mod:`w2v.distributed.interrupts`) and while ``w2v train`` writes its
outputs. Compiling holds every interrupt until it ends instead (:func:`w2v._jit.interrupts_deferred`).
"""
from __future__ import annotations

import logging
import signal
import threading

logger = logging.getLogger(__name__)


class HeldCtrlC:
    """Inside ``with``: the first Ctrl-C (SIGINT), if its handler is a Python function (by default
    one that raises :class:`KeyboardInterrupt`), is remembered, and :meth:`check` hands it to that
    handler; a second one goes to it at once, and so does one still remembered as the block ends
    without an exception (with one, that exception goes on and the Ctrl-C is dropped: a caller that
    must answer it catches the exception inside the block and calls :meth:`take`). An ignored
    Ctrl-C stays ignored, and nothing changes outside the main
    thread, where Python runs no signal handler. The previous handler is restored on exit.

    SIGTERM is not held: it asks a process to end now (and a service manager sends it to a whole
    process group, whose worker processes end with it)."""

    def __init__(self, waiting: str) -> None:
        """``waiting`` is what the first Ctrl-C logs (a warning): what the work does before it stops."""
        self._waiting = waiting
        self._previous: dict = {}
        self._received: int | None = None

    def __enter__(self) -> "HeldCtrlC":
        if threading.current_thread() is threading.main_thread():
            handler = signal.getsignal(signal.SIGINT)
            if callable(handler):
                self._previous[signal.SIGINT] = handler
                signal.signal(signal.SIGINT, self._remember)
        return self

    def __exit__(self, kind, value, traceback) -> None:
        if kind is None:
            self.check()   # a Ctrl-C after the last check: not lost
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
        logger.warning("%s (Ctrl-C again to stop at once)", self._waiting)

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

    def take(self) -> bool:
        """Whether a Ctrl-C came and waits; it is then forgotten (the caller answers it itself)."""
        received, self._received = self._received, None
        return received is not None

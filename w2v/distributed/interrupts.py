"""Ctrl-C in a distributed run: stop at the end of the round in flight, not in the middle of it;
keep it from the local cluster's processes.

A :class:`KeyboardInterrupt` raised wherever the client happens to be (submitting a round's tasks,
inside Dask's own bookkeeping, between the exchange and the applying of a combination) leaves the
round half done: its work is lost, and the client's state of the cluster may be left inconsistent.
A round lasts a fraction of a second to a few seconds, so the client instead remembers the signal
and stops at the next round boundary, where every replica holds the same combined weights and the
model can take them. A second Ctrl-C stops at once, as before.

The driver holds Ctrl-C to the rounds' ends with :class:`w2v._interrupts.HeldCtrlC`; this module
keeps it from the local cluster's worker processes (:func:`ctrl_c_blocked`, and the preload
:mod:`w2v.distributed._worker_signals`).
"""
from __future__ import annotations

import contextlib
import signal
import threading
from multiprocessing import resource_tracker

from w2v._jit import interrupts_deferred


@contextlib.contextmanager
def ctrl_c_blocked():
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
    resource_tracker.ensure_running()
    with interrupts_deferred():
        before = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
        try:
            yield
        finally:
            signal.pthread_sigmask(signal.SIG_SETMASK, before)

"""Preloaded by the worker processes of w2v's own local cluster (``--local-cluster``): they ignore
Ctrl-C.

A terminal sends Ctrl-C's SIGINT to its whole foreground process group, and the local cluster's
worker processes are in it. Left to Python's default, each would stop with a ``KeyboardInterrupt``
traceback in the middle of its round, and the client, which stops the run itself at the end of the
round (:mod:`w2v.distributed.interrupts`), would find its workers gone and the round's work lost.
The client closes the cluster when it stops, so the workers need not answer the signal themselves.
"""
import signal


def dask_setup(worker) -> None:
    """Dask calls this in each worker process as the worker starts (its main thread)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)

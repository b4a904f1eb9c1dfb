"""Waiting for tasks pinned to workers of a cluster that may lose some of them, and for a first
worker of a cluster that has none yet (:func:`wait_for_a_worker`).

>>> results, lost = collect(client, {worker: future, ...})              # doctest: +SKIP

A Dask task restricted to a worker that left the cluster never finishes (the scheduler keeps it
waiting for that worker), and neither does a task that needs data only a lost worker held; so
:func:`collect` polls the scheduler's list of workers while it waits, and gives a worker a grace
period (:data:`LOST_AFTER_SECONDS`), because a busy worker can miss from that list for a moment.
"""
from __future__ import annotations

import asyncio
import logging
import time

from w2v.distributed.cluster import ClusterError
from w2v.errors import W2VError

#: seconds between checks that the workers of a round are still alive
POLL_SECONDS = 0.25
#: a worker absent from the scheduler's list this long while its task is pending is lost
LOST_AFTER_SECONDS = 5.0
#: seconds to wait for a first worker when the cluster has none (they may still be starting)
WORKER_WAIT_SECONDS = 120.0

logger = logging.getLogger(__name__)


def live_workers(client) -> list[str]:
    """The addresses of the workers the scheduler knows now, sorted."""
    return sorted(scheduler_workers(client))


def scheduler_workers(client) -> dict:
    """The scheduler's workers now (address -> info), asked of the scheduler.

    Not ``client.scheduler_info()``: a Dask client's answer is its cache, which the client's own
    periodic refresh overwrites every 2 s with a summary without workers, and which stays that
    summary while the client's refresh fails (the error is swallowed). Read there, a live cluster
    looked empty in 1 of 1,650 calls on an idle machine (and a CI run counted both live workers of
    its cluster lost). A scheduler that does not answer for :data:`LOST_AFTER_SECONDS` is a
    :class:`ClusterError`. The in-process client (no scheduler) answers ``scheduler_info()`` itself.
    """
    identity = getattr(getattr(client, "scheduler", None), "identity", None)
    if identity is None or not callable(getattr(client, "sync", None)):
        return client.scheduler_info()["workers"]
    deadline = time.monotonic() + LOST_AFTER_SECONDS
    while True:
        try:
            return client.sync(identity, n_workers=-1)["workers"]
        except OSError as error:   # distributed's CommClosedError is one
            if time.monotonic() >= deadline:
                raise ClusterError(f"the Dask scheduler did not answer for {LOST_AFTER_SECONDS:g} s: "
                                   f"{type(error).__name__}: {error}") from error
            time.sleep(POLL_SECONDS)


def wait_for_a_worker(client) -> list[str]:
    """The workers of a cluster that has none yet, once one joins; a one-line :class:`ClusterError`
    if none does within :data:`WORKER_WAIT_SECONDS` (said on stderr first: the wait is silent).

    Parameters
    ----------
    client : distributed.Client
    """
    address = getattr(getattr(client, "scheduler", None), "address", None)
    where = f" at {address}" if address else ""
    logger.warning("the Dask scheduler%s has no worker: waiting up to %g s for a worker to join", where,
                   WORKER_WAIT_SECONDS)
    try:
        client.wait_for_workers(1, timeout=WORKER_WAIT_SECONDS)
    except (TimeoutError, asyncio.TimeoutError):   # distinct classes before Python 3.11
        raise ClusterError(f"no worker joined the Dask scheduler{where} within {WORKER_WAIT_SECONDS:g} s: start "
                           "workers (dask worker ADDRESS) or check that they reach the scheduler") from None
    return live_workers(client)


def collect(client, futures: dict, fetch: bool = True, needed=()):
    """Wait for one task per worker; returns (results by worker, workers lost meanwhile).

    A task on a worker that left the cluster never finishes (its restriction pins it there),
    so the live workers are polled while waiting. ``fetch=False`` returns the finished futures
    themselves (their data stays on the workers). ``needed``: workers holding data the tasks
    depend on; if one of them is lost, the tasks still pending are cancelled and left out of
    both results and lost (the caller redoes that step). A task that fails while ``needed`` is
    given is blamed on a needed worker that has left, or leaves within
    :data:`LOST_AFTER_SECONDS` (a task fetching blocks from a lost worker fails with
    :class:`~w2v.distributed.worker.PeerLost`); otherwise its error is a :class:`ClusterError`.
    """
    try:
        from distributed import wait
    except ImportError:  # an in-process client (w2v.distributed.inprocess) runs without Dask
        wait = None
    results, lost = {}, []
    missing: dict = {}
    failed: dict = {}    # worker -> when its task was first seen failed (see ``needed``)
    pending = dict(futures)
    while pending:
        try:
            if wait is not None:
                wait(list(pending.values()), timeout=POLL_SECONDS, return_when="FIRST_COMPLETED")
        except Exception:
            pass  # timed out, or a future was cancelled: each future's status is read below
        live, blamed = None, False
        if needed:
            live = set(live_workers(client))
            for v in live:
                missing.pop(v, None)
            gone = [v for v in needed if v not in live and v not in lost and _gone_long(missing, v)]
            lost.extend(gone)
            # a needed worker lost either way (gone from the list, or its own task failed or vanished
            # with it below): the tasks still pending may wait on it for ever (a call to a dead
            # worker's block server is never answered), so the caller redoes the step without it
            if any(v in lost for v in needed):
                client.cancel(list(pending.values()))
                break
        for w, future in list(pending.items()):
            if future.status == "finished":
                try:
                    results[w] = _fetch(client, future, w, missing) if fetch else future
                except W2VError:
                    raise
                except Exception:
                    # finished, but the worker died before its result was fetched: the round's
                    # result is gone with it
                    lost.append(w)
            elif future.status == "error":
                error = future.exception()
                if isinstance(error, W2VError):
                    client.cancel(list(pending.values()))
                    raise error
                live = set(live_workers(client)) if live is None else live
                if w in live and needed and any(v in lost for v in needed):
                    blamed = True   # on a needed worker found lost already (its own task failed)
                    break
                if w in live and needed and not _failed_long(failed, w):
                    continue   # a worker it needed may be leaving: the check above then makes it lost
                absent = [v for v in needed if v not in live and v not in lost]
                if w in live and absent:
                    # missing since the failure, but not yet for LOST_AFTER_SECONDS: the failure says why
                    lost.extend(absent)
                    blamed = True
                    break
                if w in live:
                    client.cancel(list(pending.values()))
                    if needed:
                        raise ClusterError(f"a task on {w} failed while every worker it needed stayed in the "
                                           f"cluster: {type(error).__name__}: {error}") from error
                    raise error
                lost.append(w)
            elif future.status == "pending":
                live = set(live_workers(client)) if live is None else live
                if w in live:
                    missing.pop(w, None)
                    continue
                # the scheduler's list can miss a busy worker for a moment: lost only if it stays away
                if not _gone_long(missing, w):
                    continue
                lost.append(w)
                client.cancel([future])
            else:  # cancelled by the scheduler: its worker (or data it needed) is gone
                live = set(live_workers(client)) if live is None else live
                if w in live:
                    client.cancel(list(pending.values()))
                    raise ClusterError(f"the scheduler cancelled the training task on {w}: see the "
                                       "scheduler's log")
                lost.append(w)
            del pending[w]
        if blamed:
            client.cancel(list(pending.values()))
            break
        if failed:
            time.sleep(POLL_SECONDS)   # the failed tasks are done: wait() would not wait for them
    return results, lost


def _failed_long(failed: dict, w) -> bool:
    """Whether the task on ``w``, which failed, did so :data:`LOST_AFTER_SECONDS` ago or more."""
    first = failed.setdefault(w, time.monotonic())
    return time.monotonic() - first >= LOST_AFTER_SECONDS


def absent_workers(client, workers) -> tuple[dict, list]:
    """The scheduler's workers (address -> info) and those of ``workers`` missing from them.

    The scheduler's list can miss workers for a moment, so a worker counts as missing only if it
    stays away for :data:`LOST_AFTER_SECONDS`.
    """
    deadline = time.monotonic() + LOST_AFTER_SECONDS
    while True:
        info = scheduler_workers(client)
        gone = [w for w in workers if w not in info]
        if not gone or time.monotonic() >= deadline:
            return info, gone
        time.sleep(POLL_SECONDS)


class WorkerGone(Exception):
    """The worker holding a finished task's result left the cluster before it was fetched."""


def _fetch(client, future, w, missing: dict):
    """The result of a finished task on ``w``. If ``w`` died before the result was fetched, Dask
    recomputes the task, which its restriction pins to the dead worker, so an unbounded wait would
    never end: wait in slices and give up once ``w`` has left the cluster for good."""
    while True:
        try:
            return future.result(timeout=POLL_SECONDS)
        except (TimeoutError, asyncio.TimeoutError):   # distinct classes before Python 3.11
            if w in live_workers(client):
                missing.pop(w, None)
            elif _gone_long(missing, w):
                raise WorkerGone(w) from None


def _gone_long(missing: dict, w) -> bool:
    """Whether ``w``, absent from the scheduler's list now, has been absent for long enough."""
    first = missing.setdefault(w, time.monotonic())
    return time.monotonic() - first >= LOST_AFTER_SECONDS


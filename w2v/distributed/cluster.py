"""Getting a Dask client: join a running scheduler, or start worker processes on this machine.

>>> with open_client(local_workers=4) as client:              # doctest: +SKIP
...     Word2Vec().fit("corpus.txt", client=client)
"""
from __future__ import annotations

import contextlib
import logging
from typing import Iterator

from w2v._jit import interrupts_deferred
from w2v.distributed.interrupts import ctrl_c_blocked
from w2v.errors import ParameterError, W2VError


class ClusterError(W2VError):
    """The cluster cannot run the training (Dask missing, scheduler unreachable, every worker lost)."""

    exit_code = 1


def _dask():
    try:
        import distributed
    except ImportError:
        err = ClusterError("distributed training needs Dask: pip install 'w2v[distributed]'")
        err.exit_code = 2
        raise err from None
    return distributed


def _check_address(distributed, scheduler: str) -> None:
    """Raise a one-line usage error for an address Dask cannot parse (no port, unknown scheme, a port
    that is not a number or out of range), before any connection: Dask's own ValueError comes with a
    50-line traceback, and an impossible port would only time out."""
    scheme, sep, _ = scheduler.partition("://")
    if sep and scheme not in ("tcp", "tls", "ws", "wss") and scheme in _known_schemes(distributed):
        return  # a transport of Dask's without a host:port form to check here (inproc, ucx)
    try:
        _, port = distributed.comm.get_address_host_port(scheduler)
        if not 0 < port < 65536:
            raise ValueError(f"port {port} is out of range")
    except ValueError as err:
        error = ClusterError(f"the Dask scheduler address {scheduler!r} is malformed ({err}): give one "
                             "like tcp://10.0.0.5:8786")
        error.exit_code = 2
        raise error from None


def _ask_identity(distributed, scheduler: str, timeout: float) -> None:
    """Raise a one-line :class:`ClusterError` unless a Dask scheduler answers at ``scheduler`` within
    ``2 * timeout`` seconds. ``distributed.Client`` bounds only the TCP connection: a server that accepts
    and never answers (a firewall's, a service's that waits for its own protocol) hangs it for ever
    in Dask's handshake, and one that answers something else (an HTTP server) ends in whatever its
    bytes decode to (a MemoryError for a 3 EiB frame). So ask for the scheduler's identity first,
    in a thread of its own (the caller may run an event loop already)."""
    import asyncio
    import concurrent.futures

    async def identity():
        comm = await distributed.comm.connect(scheduler, timeout=timeout)
        try:
            await comm.write({"op": "identity", "reply": True})
            return await comm.read()
        finally:
            comm.abort()

    # Dask's connect gives up after ``timeout`` with an OSError (unreachable); the same again for
    # the answer (without a margin the two deadlines race, and an unreachable port reads as silent)
    bound = 2 * timeout

    def ask():
        return asyncio.run(asyncio.wait_for(identity(), bound))

    pool = concurrent.futures.ThreadPoolExecutor(1)
    try:
        reply = pool.submit(ask).result()
    except (TimeoutError, asyncio.TimeoutError):   # distinct classes before Python 3.11
        answer = f"no answer within {bound:g} s"
    except OSError as err:   # refused, no route, no such host: Dask's connect retried until timeout
        raise ClusterError(f"could not reach the Dask scheduler at {scheduler!r} ({err}): check the "
                           "address and that the scheduler runs") from None
    except ValueError as err:   # an address Dask's transport cannot parse (inproc://x)
        error = ClusterError(f"the Dask scheduler address {scheduler!r} is malformed ({err}): give one "
                             "like tcp://10.0.0.5:8786")
        error.exit_code = 2
        raise error from None
    except Exception as err:  # noqa: BLE001 - bytes of another protocol, decoded as Dask's
        answer = f"{type(err).__name__} decoding its answer"
    else:
        kind = reply.get("type") if isinstance(reply, dict) else None
        if kind == "Scheduler":
            return
        answer = f"it is a Dask {kind}" if isinstance(kind, str) else "an answer of another protocol"
    finally:
        pool.shutdown(wait=False)
    raise ClusterError(f"{scheduler!r} did not answer as a Dask scheduler ({answer}): check the address "
                       "and port (the scheduler's, 8786 by default)")


def check_client(client) -> None:
    """Raise a one-line :class:`ParameterError` unless ``client`` works as a ``distributed.Client``
    (an address or a cluster object failed deep inside with an AttributeError or TypeError).

    Parameters
    ----------
    client : object
        What ``fit(client=...)`` was given.
    """
    if callable(getattr(client, "submit", None)) and callable(getattr(client, "scheduler_info", None)):
        return
    if isinstance(client, str):
        fix = f"give Client({client!r}) (from distributed import Client)"
    elif hasattr(client, "scheduler_info") or hasattr(client, "scheduler_address"):
        fix = "give Client(cluster) for a cluster object (from distributed import Client)"
    else:
        fix = "give a distributed.Client, or client=None to train in this process"
    raise ParameterError(f"client must be a distributed.Client, not a {type(client).__name__}: {fix}")


def _known_schemes(distributed) -> set:
    """The address schemes this Dask knows (its registered transports), or none if that moved."""
    try:
        from distributed.comm.registry import backends
    except ImportError:
        return set()
    return set(backends)


@contextlib.contextmanager
def open_client(scheduler: str | None = None, local_workers: int | None = None,
                threads: int | None = None, timeout: float = 10) -> Iterator:
    """A ``distributed.Client`` for the run, closed (with its local cluster) on exit.

    Parameters
    ----------
    scheduler : str, optional
        Address of a running scheduler, e.g. ``tcp://10.0.0.5:8786``.
    local_workers : int, optional
        Instead: start this many worker processes here (a ``LocalCluster``).
    threads : int, optional
        Threads per local worker process (default 1).
    timeout : float
        Seconds to wait for the scheduler.

    Raises
    ------
    ClusterError
        Dask is not installed or the address is malformed (exit code 2), or the scheduler cannot
        be reached, or what answers there is not a Dask scheduler (within ``2 * timeout``).
    ParameterError
        ``local_workers`` is above :data:`~w2v.models.params.MAX_LOCAL_WORKERS` (1,024).
    """
    from w2v.models.params import MAX_LOCAL_WORKERS

    if local_workers is not None and int(local_workers) > MAX_LOCAL_WORKERS:
        # each is a process: beyond the bound of Word2Vec's threads they only exhaust the machine
        raise ParameterError(f"local_workers={local_workers!r} is invalid: must be at most {MAX_LOCAL_WORKERS:,}")
    distributed = _dask()
    verbose = logging.getLogger().isEnabledFor(logging.INFO)
    if not verbose:
        # Dask logs every connection at INFO on its own handlers: keep stderr for w2v's messages
        logging.getLogger("distributed").setLevel(logging.WARNING)
    with contextlib.ExitStack() as stack:
        if scheduler is not None:
            _check_address(distributed, scheduler)
            _ask_identity(distributed, scheduler, timeout)
            try:
                client = stack.enter_context(distributed.Client(scheduler, timeout=timeout))
            except (OSError, TimeoutError) as err:  # an unreachable address, or no answer in time
                raise ClusterError(f"could not reach the Dask scheduler at {scheduler!r} ({err}): check the "
                                   "address and that the scheduler runs") from None
        else:
            # a terminal's Ctrl-C reaches the cluster's processes too: they start with it blocked and
            # then ignore it (w2v.distributed._worker_signals); the client stops the run at the end
            # of a round and closes them. Ctrl-C while they start stops the run once they have.
            with ctrl_c_blocked():
                cluster = stack.enter_context(distributed.LocalCluster(
                    n_workers=int(local_workers or 1), threads_per_worker=int(threads or 1), processes=True,
                    # the cluster is w2v's own: its processes log only with ``-v``. Otherwise a shutdown
                    # could print a worker's ERROR with a traceback (a heartbeat that meets the closing
                    # scheduler, a known race of Dask's) after a run that succeeded; what goes wrong in
                    # a run reaches w2v as exceptions and lost workers, which it reports itself
                    dashboard_address=None, silence_logs=logging.WARNING if verbose else logging.CRITICAL,
                    # without a dashboard the scheduler still serves HTTP routes, at 8787 unless told:
                    # any free port, so that another cluster's dashboard there brings no warning
                    scheduler_kwargs={"dashboard_address": ":0"},
                    preload=["w2v.distributed._worker_signals"]))
            client = stack.enter_context(distributed.Client(cluster))
            # workers register one by one: a run that started now would use only the first ones
            client.wait_for_workers(int(local_workers or 1), timeout=120)
        try:
            yield client
        except KeyboardInterrupt:
            if not verbose:
                # a wait that Ctrl-C cut short leaves Dask's task for it pending; closing the client
                # ends it with an exception nobody retrieves, which asyncio reports, traceback and
                # all, as the interpreter exits: noise after "interrupted"
                logging.getLogger("asyncio").setLevel(logging.CRITICAL)
            raise
        finally:
            # a Ctrl-C while the cluster closes (a second one, after the one that stopped the run)
            # would cut Dask's close short: worker processes left behind, seconds more to exit
            with interrupts_deferred():
                stack.close()

"""A stand-in for a Dask client whose workers run one after another in this process.

>>> from w2v.distributed import fit_distributed
>>> from w2v.distributed.inprocess import InProcessClient
>>> model = fit_distributed(Word2Vec(epochs=5), "corpus.txt", InProcessClient(8))   # doctest: +SKIP

The driver and the workers run their own code (:mod:`w2v.distributed.driver`,
:mod:`w2v.distributed.worker`); only Dask's scheduling and transport are left out: a task runs when
it is submitted, with its arguments' futures replaced by their values, inside the state of the
worker it is pinned to, and an actor's method calls run inside the state of its worker. The vectors
are the ones a LocalCluster of as many single-threaded workers writes (same seeds, same rounds, same
combination); the time is not. For tests, and for studying the quality of many workers on a small
machine (``scripts/distributed_quality.py --in-process``).
"""
from __future__ import annotations

import contextlib

from w2v.distributed import worker


class Done:
    """A task that ran: its value or its error, read as the driver reads a Dask future."""

    def __init__(self, value=None, error: BaseException | None = None, worker: str | None = None):
        self.value, self.error, self.worker = value, error, worker
        self.status = "error" if error is not None else "finished"

    def result(self, timeout=None):
        if self.error is not None:
            raise self.error
        return self.value

    def exception(self):
        return self.error


class Actor:
    """A handle on an object living in one in-process worker, as a Dask actor handle is: each
    method call runs there (in that worker's state) and returns a :class:`Done`."""

    def __init__(self, client: "InProcessClient", worker: str, instance):
        self._client, self._worker, self._instance = client, worker, instance

    def __getattr__(self, name: str):
        method = getattr(self._instance, name)
        return lambda *args, **kwargs: self._client.submit(method, *args, workers=[self._worker], **kwargs)


def _resolve(value):
    """``value`` with every :class:`Done` in it (also inside lists and tuples) replaced by its result."""
    if isinstance(value, Done):
        return value.result()
    if isinstance(value, (list, tuple)):
        return type(value)(_resolve(v) for v in value)
    return value


class InProcessClient:
    """``n`` single-threaded workers, each with its own state of :mod:`w2v.distributed.worker`.

    Parameters
    ----------
    n : int
        Number of workers.
    """

    def __init__(self, n: int):
        self.names = [f"inprocess://{k}" for k in range(int(n))]
        self.states: dict[str, dict] = {w: {} for w in self.names}

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def scheduler_info(self) -> dict:
        return {"workers": {w: {"nthreads": 1} for w in self.names}}

    def wait_for_workers(self, *args, **kwargs) -> None:
        pass

    def _on(self, w, fn, *args, **kwargs):
        saved, worker._RUNS = worker._RUNS, self.states[w]
        try:
            return fn(*_resolve(args), **{k: _resolve(v) for k, v in kwargs.items()})
        finally:
            worker._RUNS = saved

    def submit(self, fn, *args, workers=None, allow_other_workers=False, pure=True, actor=False,
               **kwargs) -> Done:
        w = (workers or self.names)[0]
        if actor:
            return Done(Actor(self, w, self._on(w, fn, *args, **kwargs)), worker=w)
        try:
            return Done(self._on(w, fn, *args, **kwargs), worker=w)
        except Exception as error:  # as a Dask future holds its task's error
            return Done(error=error, worker=w)

    def map(self, fn, *iterables, workers=None, **kwargs) -> list:
        return [self.submit(fn, *args, workers=workers, **kwargs) for args in zip(*iterables)]

    def scatter(self, values, **kwargs) -> list:
        return list(values)

    def gather(self, futures) -> list:
        return [f.result() for f in futures]

    def cancel(self, futures) -> None:
        pass

    def run(self, fn, *args, workers=None) -> dict:
        return {w: self._on(w, fn, *args) for w in (self.names if workers is None else workers)}

    def close(self) -> None:
        for state in self.states.values():
            with contextlib.suppress(Exception):
                state.clear()

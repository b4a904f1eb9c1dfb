"""The distributed driver's bookkeeping, with a stand-in for the Dask client (no cluster needed)."""
import types

from w2v import Word2Vec
from w2v.distributed.driver import _Run


class _Client:
    """Answers scheduler_info() with the workers it is given, as Dask's client does."""

    def __init__(self, workers):
        self.workers = workers

    def scheduler_info(self):
        return {"workers": {w: {"nthreads": 2} for w in self.workers}}


def test_a_worker_gone_before_the_run_starts_hands_its_ranges_to_the_others():
    # the scheduler restarted a worker under a new address between planning and the run
    model = Word2Vec(dim=4, epochs=1, min_count=1, progress=False, workers=1).fit([["a", "b", "c"]] * 5)
    ranges = [types.SimpleNamespace(path="c.txt", start=i, stop=i + 1) for i in range(4)]
    owner = {0: "tcp://old", 1: "tcp://kept", 2: "tcp://old", 3: "tcp://kept"}
    run = _Run(model, _Client(["tcp://kept", "tcp://new"]), ranges, owner, None, 10_000, 1000, "average", None)
    assert run.active == ["tcp://kept"]
    assert set(run.owner.values()) == {"tcp://kept"}
    assert run.threads == {"tcp://kept": 1}

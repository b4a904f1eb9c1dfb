"""Workers lost at each step of a round (training, combining a block, applying the new master),
on in-process workers (no cluster): the run goes on without them, trains every word of every epoch,
and after every finished round every replica holds the same master."""
import time

import numpy as np
import pytest

from w2v import Word2Vec
from w2v.corpus.demo import write_demo_corpus
from w2v.distributed import waiting
from w2v.distributed.driver import fit_distributed
from w2v.distributed.inprocess import Done, InProcessClient


class _Pending:
    """A task that never finishes (its worker, or a worker holding its inputs, is gone)."""

    status = "pending"

    def result(self, timeout=None):   # an actor's call, as Dask fails it once the worker is gone
        raise RuntimeError("Worker holding Actor was lost")


def _inputs(value):
    if isinstance(value, Done):
        yield value
    elif isinstance(value, (list, tuple)):
        for v in value:
            yield from _inputs(v)


class _LosingClient(InProcessClient):
    """Loses worker ``victim`` when the ``at``-th task named ``task`` is sent to it: from then on
    the worker is absent from the scheduler's list, and tasks on it or needing its data never finish."""

    def __init__(self, n, task, victim, at=1):
        super().__init__(n)
        self.task, self.victim, self.at, self.seen, self.lost = task, self.names[victim], at, 0, set()

    def scheduler_info(self):
        return {"workers": {w: {"nthreads": 1} for w in self.names if w not in self.lost}}

    def submit(self, fn, *args, workers=None, **kwargs):
        w = (workers or self.names)[0]
        if fn.__name__ == self.task and w == self.victim:
            self.seen += 1
            if self.seen == self.at:
                self.lost.add(w)
        if w in self.lost or any(d.worker in self.lost for d in _inputs(args)):
            return _Pending()
        return super().submit(fn, *args, workers=workers, **kwargs)

    def run(self, fn, *args, workers=None):
        return {w: self._on(w, fn, *args) for w in (workers or self.names) if w not in self.lost}


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    path, _ = write_demo_corpus(tmp_path_factory.mktemp("faults"), n_tokens=20_000, seed=4)
    return path


@pytest.mark.parametrize("n_workers", [3, 6])   # 6: skip-gram's replicas at a raised rate, with the balance
@pytest.mark.parametrize("task,victim", [
    ("train_round", 1),     # lost while training: the others' changes are combined, its words redone
    ("take_block", 2),      # lost while its change is handed out: the round is redone without it
    ("combine_block", 0),   # lost while combining its block: the same
    ("apply_round", 0),     # lost first while applying: no replica holds the new master, redone
    ("apply_round", 2),     # lost last while applying: the others hold it, nothing redone
])
def test_a_worker_lost_at_any_step_of_a_round_loses_no_word_and_no_consistency(corpus, task, victim, n_workers,
                                                                                monkeypatch):
    monkeypatch.setattr(waiting, "LOST_AFTER_SECONDS", 0.0)
    client = _LosingClient(n_workers, task, victim, at=3)
    rounds = []

    def on_round(info):
        run_id = next(iter(client.states[info["workers"][0]]))
        replicas = [client.states[w][run_id] for w in info["workers"]]
        for r in replicas[1:]:  # every replica equals the first: they all hold the master
            np.testing.assert_array_equal(r.input_vectors, replicas[0].input_vectors)
            np.testing.assert_array_equal(r.layer.weights, replicas[0].layer.weights)
            for name in ("input", "output"):   # and the momentum of its settling rows
                np.testing.assert_array_equal(r.velocity[name], replicas[0].velocity[name])
        assert replicas[0].settling["input"].size and replicas[0].settling["output"].size
        assert (replicas[0].start is not None) == (n_workers > 4)   # the balance, beyond 4 workers
        rounds.append(info)

    model = fit_distributed(Word2Vec(architecture="skipgram", dim=12, epochs=2, min_count=2, progress=False, seed=3),
                            corpus, client, round_words=1_500, on_round=on_round)
    n_words = len(model.vocab_.encode(corpus))
    assert [h["words"] for h in model.history_] == [n_words] * 2
    assert client.victim in client.lost and any(client.victim in r["lost"] for r in rounds)
    assert model.history_[-1]["workers"] == n_workers - 1
    assert np.isfinite(model.wv_.vectors).all() and model.history_[-1]["loss"] < model.history_[0]["loss"]


class _ScatterLosingClient(InProcessClient):
    """Loses worker ``victim`` just after the first round's training, before the list of the
    workers' block servers reaches them: the scatter fails as Dask's does for a removed worker."""

    def __init__(self, n, victim):
        super().__init__(n)
        self.victim, self.lost = self.names[victim], set()

    def scheduler_info(self):
        return {"workers": {w: {"nthreads": 1} for w in self.names if w not in self.lost}}

    def scatter(self, values, workers=None, **kwargs):
        if not self.lost and workers is not None:
            self.lost.add(self.victim)
        if self.victim in (workers or ()) and self.victim in self.lost:
            raise KeyError(self.victim)
        return super().scatter(values, **kwargs)

    def submit(self, fn, *args, workers=None, **kwargs):
        if (workers or self.names)[0] in self.lost:
            return _Pending()
        return super().submit(fn, *args, workers=workers, **kwargs)

    def run(self, fn, *args, workers=None):
        return {w: self._on(w, fn, *args) for w in (workers or self.names) if w not in self.lost}


def test_a_worker_lost_before_the_list_of_block_servers_reaches_it_is_dropped_and_the_round_redone(corpus,
                                                                                                 monkeypatch):
    monkeypatch.setattr(waiting, "LOST_AFTER_SECONDS", 0.0)
    client = _ScatterLosingClient(3, victim=1)
    model = fit_distributed(Word2Vec(dim=12, epochs=2, min_count=2, progress=False, seed=3), corpus, client,
                            round_words=1_500)
    n_words = len(model.vocab_.encode(corpus))
    assert [h["words"] for h in model.history_] == [n_words] * 2
    assert model.history_[-1]["workers"] == 2


class _SlowToNotice(_LosingClient):
    """As _LosingClient, but the scheduler lists the lost worker for ``delay`` seconds more, so that
    the tasks calling its block server fail before it is missing from the list."""

    def __init__(self, *args, delay, **kwargs):
        super().__init__(*args, **kwargs)
        self.delay, self.lost_at = delay, None

    def submit(self, fn, *args, **kwargs):
        before = set(self.lost)
        out = super().submit(fn, *args, **kwargs)
        if self.lost and not before:
            self.lost_at = time.monotonic()
        return out

    def scheduler_info(self):
        noticed = self.lost_at is not None and time.monotonic() - self.lost_at >= self.delay
        return {"workers": {w: {"nthreads": 1} for w in self.names if not (noticed and w in self.lost)}}


@pytest.mark.parametrize("served", ["take_block", "combined_block"])
@pytest.mark.parametrize("delay", [0.0, 0.3])
def test_a_worker_missing_from_the_list_just_after_the_calls_to_it_failed_is_lost(corpus, monkeypatch, served,
                                                                                 delay):
    monkeypatch.setattr(waiting, "LOST_AFTER_SECONDS", 1.0)
    client = _SlowToNotice(3, served, 2, at=4, delay=delay)
    model = fit_distributed(Word2Vec(dim=12, epochs=1, min_count=2, progress=False, seed=3), corpus, client,
                            round_words=1_500)
    assert model.history_[-1]["workers"] == 2 and client.victim in client.lost

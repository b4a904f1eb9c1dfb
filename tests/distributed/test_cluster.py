"""Training on a LocalCluster of two worker processes: quality, vocabulary, lost workers, resume."""
import logging
import os
import signal
import threading

import numpy as np
import pytest

distributed = pytest.importorskip("distributed")

from w2v.corpus import Vocabulary  # noqa: E402
from w2v.corpus.demo import generate_demo_corpus  # noqa: E402
from w2v.errors import CorpusError  # noqa: E402
from w2v.evaluate import evaluate_analogies  # noqa: E402
from w2v.models.fingerprint import corpus_fingerprint  # noqa: E402
from w2v.models.word2vec import Word2Vec  # noqa: E402


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    folder = tmp_path_factory.mktemp("demo")
    demo = generate_demo_corpus(100_000, seed=0)
    corpus = folder / "demo.txt"
    corpus.write_text("".join(" ".join(s) + "\n" for s in demo.sentences))
    questions = folder / "questions.txt"
    questions.write_text(demo.questions)
    return corpus, questions


def _cluster():
    return distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None,
                                    silence_logs=logging.ERROR)


@pytest.fixture(scope="module")
def client(demo):
    # compile (or load) the kernels here first, so that the worker processes load them from numba's cache
    Word2Vec(dim=8, epochs=1, min_count=1, progress=False).fit([["a", "b", "c"]] * 5)
    with _cluster() as cluster, distributed.Client(cluster) as client:
        # bounded: a worker process that never starts fails the module instead of hanging the suite
        client.wait_for_workers(2, timeout=120)
        yield client


# skip-gram matches one process on the demo; CBOW (twice the learning rate) stays a few points below
@pytest.mark.parametrize("architecture,margin", [("skipgram", 0.05), ("cbow", 0.1)])
def test_two_workers_learn_the_demo_analogies_like_one_process(demo, client, architecture, margin):
    corpus, questions = demo
    # one thread per process and a seed: both runs are reproducible, so the margin is not at the
    # mercy of how Hogwild threads interleave on a busy machine
    params = dict(architecture=architecture, dim=50, epochs=5, progress=False, workers=1, seed=1)
    single = Word2Vec(**params).fit(corpus)
    model = Word2Vec(**params).fit(corpus, client=client, round_words=15_000)
    n_words = len(model.vocab_.encode(corpus))
    assert [h["words"] for h in model.history_] == [n_words] * 5
    assert all(h["workers"] == 2 and h["rounds"] >= 3 for h in model.history_)
    assert all(h["bytes_exchanged"] > 0 for h in model.history_)
    ours = evaluate_analogies(model.wv_, questions).accuracy
    theirs = evaluate_analogies(single.wv_, questions).accuracy
    assert ours > 0.45 and ours > theirs - margin, (ours, theirs)


@pytest.mark.parametrize("architecture", ["skipgram", "cbow"])
@pytest.mark.parametrize("objective", ["hierarchical", "softmax", "nce"])
def test_every_output_layer_trains_on_the_cluster(demo, client, tmp_path, architecture, objective):
    lines = demo[0].read_text().splitlines()[:3000]
    corpus = tmp_path / "small.txt"
    corpus.write_text("\n".join(lines) + "\n")
    params = dict(architecture=architecture, objective=objective, dim=16, epochs=3, min_count=20, sample=0,
                  progress=False)
    Word2Vec(workers=1, **params).fit(corpus)  # compiles this layer's kernel here, for the workers' cache
    model = Word2Vec(**params).fit(corpus, client=client, round_words=3_000)
    losses = [h["loss"] for h in model.history_]
    assert np.isfinite(losses).all() and losses[-1] < losses[0]
    assert [h["words"] for h in model.history_] == [len(model.vocab_.encode(corpus))] * 3


@pytest.mark.parametrize("as_url", [False, True], ids=["path", "file-url"])
def test_the_merged_vocabulary_is_the_single_process_one(demo, client, as_url):
    corpus, _ = demo
    source = corpus.as_uri() if as_url else corpus     # an fsspec URL: the workers read it through fsspec
    model = Word2Vec(dim=8, epochs=1, min_count=3, progress=False).fit(source, client=client)
    single = Vocabulary.build(corpus, min_count=3)
    assert model.vocab_.words == single.words
    assert model.vocab_.counts.tolist() == single.counts.tolist()
    assert model.vocab_.total_words == single.total_words


def test_a_corpus_seen_through_phrases_gets_the_single_process_phrased_vocabulary(demo, client):
    from w2v.corpus.phrases import Phrases

    corpus, _ = demo
    phrases = Phrases(min_count=5, threshold=5.0, scoring="word2phrase").fit(corpus)
    params = dict(dim=8, epochs=1, min_count=3, progress=False, workers=1)
    single = Word2Vec(**params).fit(phrases.transform(corpus))
    assert any("_" in w for w in single.vocab_.words)        # the demo corpus does have phrases
    model = Word2Vec(**params).fit(phrases.transform(corpus), client=client, round_words=20_000)
    assert model.vocab_.words == single.vocab_.words
    assert model.vocab_.counts.tolist() == single.vocab_.counts.tolist()
    assert model._corpus_fingerprint == single._corpus_fingerprint


def test_live_workers_are_asked_of_the_scheduler_not_read_from_the_clients_cache(client, monkeypatch):
    # the client refreshes its cached scheduler_info() every 2 s with a summary without workers; read
    # between that refresh and a reader's own, or when the reader's refresh fails, the cache said
    # the cluster had no worker, and a run on a busy machine took both live workers for lost
    from w2v.distributed.waiting import absent_workers, live_workers

    workers = sorted(client.sync(client.scheduler.identity, n_workers=-1)["workers"])
    assert len(workers) == 2
    summary = client.sync(client.scheduler.identity, n_workers=0)
    assert summary["workers"] == {}                       # what the periodic refresh caches

    async def stale(*args, **kwargs):                     # the reader's refresh fails (an OSError, swallowed)
        client._scheduler_identity = summary

    monkeypatch.setattr(client, "_update_scheduler_info", stale)
    assert client.scheduler_info()["workers"] == {}       # what a reader of the cache would see
    assert live_workers(client) == workers
    info, gone = absent_workers(client, workers)
    assert sorted(info) == workers and gone == []


def test_a_corpus_missing_on_the_workers_is_a_one_line_error(client, tmp_path):
    with pytest.raises(CorpusError) as err:
        Word2Vec(progress=False).fit(tmp_path / "missing.txt", client=client)
    assert "missing.txt" in str(err.value) and "\n" not in str(err.value)


def test_ctrl_c_keeps_the_last_round_and_resume_finishes_the_run(demo, client, tmp_path):
    corpus, _ = demo

    def interrupt(model, record):
        raise KeyboardInterrupt

    model = Word2Vec(dim=16, epochs=3, progress=False, callbacks=[interrupt])
    with pytest.raises(KeyboardInterrupt):
        model.fit(corpus, client=client, round_words=20_000)
    assert model.interrupted_ and model.epochs_trained_ == 1
    # the workers' counts give the fingerprint one process computes from the whole corpus
    assert model._corpus_fingerprint == corpus_fingerprint(model.vocab_.encode(corpus), len(model.vocab_))
    model.save_state(tmp_path / "run.npz")
    resumed = Word2Vec.load_state(tmp_path / "run.npz")
    np.testing.assert_array_equal(resumed.wv_.vectors, model.wv_.vectors)
    resumed.progress = False
    other = tmp_path / "other.txt"
    other.write_text("".join(corpus.read_text().splitlines(keepends=True)[1:]))  # one line less
    with pytest.raises(CorpusError, match="not the corpus this run was trained on"):
        resumed.resume(other, client=client, round_words=20_000)
    assert resumed.epochs_trained_ == 1
    resumed.resume(corpus, client=client, round_words=20_000)
    assert resumed.epochs_trained_ == 3 and [h["epoch"] for h in resumed.history_] == [1, 2, 3]
    assert resumed.history_[1]["alpha"] < resumed.history_[0]["alpha"]
    assert np.isfinite(resumed.wv_.vectors).all()


def test_ctrl_c_mid_round_finishes_that_round_and_keeps_it(demo, client, monkeypatch, caplog):
    # Ctrl-C as the third round's changes are about to be combined: the round is finished and kept
    corpus, _ = demo
    from w2v.distributed import driver, fit_distributed

    events, combine = [], driver._Run._combine

    def interrupted_combine(self, results, n):
        if len(events) == 2:
            os.kill(os.getpid(), signal.SIGINT)
        return combine(self, results, n)

    monkeypatch.setattr(driver._Run, "_combine", interrupted_combine)
    model = Word2Vec(dim=16, epochs=3, progress=False)
    with caplog.at_level(logging.WARNING, logger="w2v"), pytest.raises(KeyboardInterrupt):
        fit_distributed(model, corpus, client, round_words=10_000, on_round=events.append)
    assert len(events) == 3 and model.interrupted_ and model.epochs_trained_ == 0
    assert "stopping at the end of the round" in caplog.text and "could not fetch" not in caplog.text
    assert np.isfinite(model.wv_.vectors).all()
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler


def test_ctrl_c_again_while_the_last_round_is_fetched_still_keeps_the_model(demo, client, monkeypatch, caplog):
    # the warning says "Ctrl-C again to stop at once": a second one while the model fetches the last
    # combined round ended the run as if nothing had been trained (nothing saved)
    corpus, _ = demo
    from w2v.distributed import driver, fit_distributed

    events, pull = [], driver._Run._pull

    def interrupted_pull(self):
        if len(events) >= 2:   # the fetch after the Ctrl-C of round 2
            os.kill(os.getpid(), signal.SIGINT)
        return pull(self)

    monkeypatch.setattr(driver._Run, "_pull", interrupted_pull)

    def on_round(info):
        events.append(info)
        if len(events) == 2:
            os.kill(os.getpid(), signal.SIGINT)

    model = Word2Vec(dim=16, epochs=3, progress=False)
    with caplog.at_level(logging.WARNING, logger="w2v"), pytest.raises(KeyboardInterrupt):
        fit_distributed(model, corpus, client, round_words=10_000, on_round=on_round)
    assert len(events) == 2 and model.interrupted_ and model.wv_ is not None
    assert "stopped fetching the last combined round" in caplog.text
    assert np.isfinite(model.wv_.vectors).all()


# the worker dies in its third round, serving the second of its two parts of the changes, or its
# combined block to the second worker fetching it
@pytest.mark.parametrize("served", ["take_block", "combined_block"])
def test_a_worker_killed_while_the_others_fetch_its_blocks_does_not_hang_the_run(demo, client, served):
    # the survivor's fetch from the dead worker's block server waits for ever unless the driver
    # makes it give up; the nanny restarts the killed process, which the next test needs
    corpus, _ = demo
    victim = sorted(client.scheduler_info()["workers"])[1]

    def die_on_the_fifth_call():   # runs in the victim's process
        from w2v.distributed import worker

        calls, serve = [], getattr(worker, served)

        def dying(*args):
            calls.append(args)
            if len(calls) == 5:
                os.kill(os.getpid(), signal.SIGKILL)
            return serve(*args)

        setattr(worker, served, dying)

    client.run(die_on_the_fifth_call, workers=[victim])
    from w2v.distributed import fit_distributed

    model = Word2Vec(dim=20, epochs=2, progress=False)
    # in a thread, so that a regression fails here instead of hanging the suite
    run = threading.Thread(target=fit_distributed, args=(model, corpus, client), kwargs={"round_words": 10_000},
                           daemon=True)
    run.start()
    run.join(120)
    assert not run.is_alive(), "the run hung after a worker died while its blocks were fetched"
    n_words = len(model.vocab_.encode(corpus))
    assert [h["words"] for h in model.history_] == [n_words] * 2
    assert model.history_[-1]["workers"] == 1 and np.isfinite(model.wv_.vectors).all()
    client.wait_for_workers(2, timeout=120)


def test_a_worker_killed_mid_run_does_not_lose_the_run(demo, client):
    # last in this module: the cluster's nanny restarts the killed process, but the run ignores it
    corpus, questions = demo
    events = []
    pids = client.run(os.getpid)

    def on_round(info):
        events.append(info)
        if info["epoch"] == 1 and info["round"] == 1:
            # a hard crash of one worker process while the next round runs (or just before it starts)
            victim = pids[info["workers"][0]]
            threading.Timer(0.05, os.kill, (victim, signal.SIGKILL)).start()

    from w2v.distributed import fit_distributed

    model = fit_distributed(Word2Vec(dim=50, epochs=3, progress=False), corpus, client,
                            round_words=10_000, on_round=on_round)
    n_words = len(model.vocab_.encode(corpus))
    # every epoch trained every word, the lost worker's share included
    assert [h["words"] for h in model.history_] == [n_words] * 3
    assert any(e["lost"] for e in events)
    assert model.history_[-1]["workers"] == 1
    assert evaluate_analogies(model.wv_, questions).accuracy > 0.3


def test_a_cluster_without_workers_is_a_one_line_error_after_the_wait(tmp_path, monkeypatch, caplog):
    """A scheduler with no worker made fit wait 120 s without a word, then raise Dask's
    WorkerStartTimeoutError with its traceback."""
    import time

    from w2v.distributed import ClusterError, waiting

    corpus = tmp_path / "c.txt"
    corpus.write_text("a b c\n" * 10)
    monkeypatch.setattr(waiting, "WORKER_WAIT_SECONDS", 1.0)
    with distributed.LocalCluster(n_workers=0, processes=False, dashboard_address=None) as cluster, \
            distributed.Client(cluster) as empty:
        start = time.monotonic()
        with caplog.at_level(logging.WARNING, logger="w2v.distributed.waiting"):
            with pytest.raises(ClusterError, match="no worker joined the Dask scheduler .* within 1 s"):
                Word2Vec(dim=8, epochs=1, min_count=1, progress=False).fit(corpus, client=empty)
        assert time.monotonic() - start < 10
    assert "waiting up to 1 s for a worker" in caplog.text

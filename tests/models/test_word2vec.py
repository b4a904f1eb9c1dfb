"""The estimator end to end: learning, all 8 combinations, reproducibility, divergence, state."""
import os
import signal
import sys
import threading
import time

import numpy as np
import pytest

from w2v.corpus.demo import generate_demo_corpus
from w2v.errors import ModelFormatError, TrainingDiverged
from w2v.evaluate import evaluate_analogies
from w2v.models import training
from w2v.models.word2vec import ParameterError, Word2Vec


@pytest.fixture(scope="module")
def demo():
    return generate_demo_corpus(100_000, seed=0)


@pytest.fixture(scope="module")
def small():
    return generate_demo_corpus(30_000, seed=1).sentences


@pytest.mark.parametrize("architecture,objective", [
    ("skipgram", "negative"), ("skipgram", "hierarchical"), ("cbow", "negative"), ("cbow", "hierarchical")])
def test_learns_the_demo_analogies(demo, tmp_path, architecture, objective):
    questions = tmp_path / "questions.txt"
    questions.write_text(demo.questions)
    model = Word2Vec(architecture=architecture, objective=objective, dim=50, epochs=5, workers=2,
                     progress=False).fit(demo.sentences)
    result = evaluate_analogies(model.wv_, questions)
    assert result.questions > 1000
    # chance is about 1 / V (< 0.001); every configuration gets a large share right
    assert result.accuracy > 0.4, result.accuracy


@pytest.mark.parametrize("architecture", ["skipgram", "cbow"])
@pytest.mark.parametrize("objective", ["negative", "hierarchical", "softmax", "nce"])
def test_every_combination_lowers_its_loss(small, architecture, objective):
    model = Word2Vec(architecture=architecture, objective=objective, dim=16, epochs=3, workers=2,
                     min_count=20, sample=0, progress=False).fit(small)
    losses = [h["loss"] for h in model.history_]
    assert len(losses) == 3 and all(np.isfinite(losses))
    assert losses[-1] < losses[0]
    assert model.wv_.vectors.shape == (len(model.vocab_), 16)
    n_words = len(model.vocab_.encode(small))
    assert all(h["words"] == n_words for h in model.history_)


def test_shared_negatives_learn_too(demo, tmp_path):
    questions = tmp_path / "q.txt"
    questions.write_text(demo.questions)
    model = Word2Vec(dim=50, epochs=5, workers=2, progress=False, shared_negatives=True).fit(demo.sentences)
    assert evaluate_analogies(model.wv_, questions).accuracy > 0.4


def test_one_worker_with_a_seed_is_bit_for_bit_reproducible(small):
    def run(seed):
        return Word2Vec(dim=12, epochs=2, workers=1, seed=seed, min_count=10, progress=False).fit(small)

    a, b, c = run(7), run(7), run(8)
    assert np.array_equal(a.wv_.vectors, b.wv_.vectors)
    assert [h["loss_sum"] for h in a.history_] == [h["loss_sum"] for h in b.history_]
    assert not np.array_equal(a.wv_.vectors, c.wv_.vectors)


def test_history_and_callbacks(small):
    seen = []
    model = Word2Vec(dim=8, epochs=2, workers=2, min_count=10, progress=False,
                     callbacks=[lambda m, rec: seen.append((rec["epoch"], m.wv_.vectors.copy()))]).fit(small)
    assert [e for e, _ in seen] == [1, 2]
    assert np.array_equal(seen[-1][1], model.wv_.vectors)
    rec = model.history_[0]
    assert set(rec) >= {"loss", "words", "words_per_second", "seconds", "examples", "alpha"}
    assert isinstance(rec["loss"], float) and rec["words_per_second"] > 0
    # the rate decays linearly to min_alpha over the run
    assert model.history_[0]["alpha"] == pytest.approx(0.025 - (0.025 - 2.5e-6) / 2, rel=1e-3)
    assert model.history_[-1]["alpha"] == pytest.approx(2.5e-6)


def test_a_fitted_model_holds_one_input_matrix_and_copies_it_only_when_read_mid_run(small, monkeypatch):
    # memory: wv_ after training is the trained matrix itself (gensim's model.wv.vectors), and no
    # per-epoch copy is made unless something reads wv_ during the run
    import w2v.vectors

    made = []
    init = w2v.vectors.KeyedVectors.__init__

    def counted(self, words, vectors, counts=None):
        made.append(vectors)
        init(self, words, vectors, counts)

    monkeypatch.setattr(w2v.vectors.KeyedVectors, "__init__", counted)
    model = Word2Vec(dim=8, epochs=3, workers=2, min_count=10, progress=False).fit(small)
    assert len(made) == 1 and model.wv_ is model.wv_
    assert np.shares_memory(model.wv_.vectors, model._input)


def test_vectors_read_during_or_before_training_keep_their_values(small):
    seen = []
    model = Word2Vec(dim=8, epochs=2, workers=2, min_count=10, progress=False,
                     callbacks=[lambda m, rec: seen.append((m.wv_, m.wv_, m.wv_.vectors.copy()))]).fit(small)
    (first, again, first_values), _ = seen
    assert first is again                          # one snapshot per epoch, however often it is read
    assert np.array_equal(first.vectors, first_values)
    assert not np.array_equal(first.vectors, model.wv_.vectors)
    # more training trains a copy: the vectors published before it stay as they were
    published, values = model.wv_, model.wv_.vectors.copy()
    model.partial_fit(small, epochs=1)
    assert np.array_equal(published.vectors, values)
    assert not np.array_equal(model.wv_.vectors, values)
    assert np.shares_memory(model.wv_.vectors, model._input)


def test_defaults_follow_word2vec_c():
    assert Word2Vec().effective_alpha == 0.025
    assert Word2Vec(architecture="cbow").effective_alpha == 0.05
    assert Word2Vec(alpha=0.1).effective_min_alpha == pytest.approx(1e-5)
    assert "cbow" in repr(Word2Vec(architecture="cbow"))


@pytest.mark.parametrize("params", [
    {"architecture": "sg"}, {"objective": "ns"}, {"dim": 0}, {"window": -1}, {"sample": 5},
    {"objective": "nce", "negative": 0}, {"alpha": -1.0}, {"alpha": 0.01, "min_alpha": 0.1}, {"workers": 0}])
def test_invalid_parameters_are_rejected_before_reading(params):
    with pytest.raises(ParameterError):
        Word2Vec(**params).fit("/nonexistent/corpus.txt")


def test_huge_learning_rate_diverges_with_a_message_naming_it(small):
    with pytest.raises(TrainingDiverged, match="learning rate 1e\\+30"):
        Word2Vec(dim=8, epochs=1, alpha=1e30, min_count=10, progress=False, workers=1).fit(small)


def test_vectors_of_a_diverged_training_are_refused_as_a_divergence(small):
    model = Word2Vec(dim=8, epochs=1, alpha=1e30, min_count=10, progress=False, workers=1)
    with pytest.raises(TrainingDiverged):
        model.fit(small)
    with pytest.raises(TrainingDiverged, match="diverged"):
        model.wv_  # not non-finite vectors, nor an error about one word's vector


def test_ctrl_c_after_the_weights_went_non_finite_is_a_divergence(small, monkeypatch):
    # an interrupt lands before the end-of-epoch check: the weights trained so far are not vectors
    # to keep (nor to save: no reader takes them back)
    model = Word2Vec(dim=8, epochs=2, min_count=10, progress=False, workers=1).fit(small)

    def diverge_then_interrupt(trainer, *args, **kwargs):
        trainer.input_vectors[3] = np.nan
        raise KeyboardInterrupt

    monkeypatch.setattr(training.Trainer, "train", diverge_then_interrupt)
    try:
        with pytest.raises(TrainingDiverged, match="non-finite weights"):
            model.fit(small)
    except KeyboardInterrupt:  # caught here: it would stop the whole test session
        pytest.fail("the interrupt propagated as if the non-finite weights were vectors to keep")
    assert model.interrupted_
    with pytest.raises(TrainingDiverged):
        model.wv_


def test_a_set_stop_event_stops_before_training(small):
    model = Word2Vec(dim=8, epochs=1, min_count=10, progress=False, workers=2).fit(small[:50])
    before = model._input.copy()
    plan = training.Plan(architecture="skipgram", shared_negatives=False, cbow_mean=True, window=5, alpha=0.025,
                         min_alpha=2.5e-6, words_planned=10_000, epochs=1, workers=2, seed=1)
    stop = threading.Event()
    stop.set()
    encoded = model.vocab_.encode(small)
    trainer = training.Trainer(plan, model._input, model._layer, model._keep)
    result = trainer.run_epoch(encoded, (0, 0), training.Progress(), stop)
    assert result.interrupted and result.words == 0
    assert np.array_equal(before, model._input)


@pytest.mark.parametrize("where", ["first start, after the launch", "second start, before the launch",
                                   "after every start"])
def test_an_interrupt_while_workers_start_stops_every_launched_one_before_it_propagates(small, monkeypatch, where):
    # Ctrl-C or SIGTERM can land anywhere while the worker threads start, even inside Thread.start
    # (the signal mask of the main thread does not stop another thread from taking the signal, and
    # Python then raises it in the main thread at once): every worker that was launched must be
    # stopped and waited for, or the weights change while they are being saved.
    model = Word2Vec(dim=8, epochs=1, min_count=1, progress=False, workers=2).fit(small)
    plan = training.Plan(architecture="skipgram", shared_negatives=False, cbow_mean=True, window=5, alpha=0.025,
                         min_alpha=2.5e-6, words_planned=10**9, epochs=1, workers=2, seed=1)
    encoded = model.vocab_.encode(small * 40)     # over a million words: seconds of training
    trainer = training.Trainer(plan, model._input, model._layer, model._keep)
    real_chunk, real_start = trainer._run_chunk, threading.Thread.start

    def slow_chunk(*args):
        time.sleep(0.05)        # a worker that was launched is still in its chunk when the interrupt lands
        return real_chunk(*args)

    starts = []

    def start(thread):
        starts.append(thread)
        if where == "second start, before the launch" and len(starts) == 2:
            raise KeyboardInterrupt
        real_start(thread)
        if where == "first start, after the launch" and len(starts) == 1:
            raise KeyboardInterrupt
        if where == "after every start" and len(starts) == plan.workers:
            raise KeyboardInterrupt

    monkeypatch.setattr(trainer, "_run_chunk", slow_chunk)
    monkeypatch.setattr(threading.Thread, "start", start)
    try:
        result = trainer.run_epoch(encoded, (0, 0), training.Progress(), threading.Event())
        assert result.interrupted
    except KeyboardInterrupt:
        pass
    monkeypatch.undo()
    after = model._input.copy()
    time.sleep(0.3)
    assert np.array_equal(after, model._input)     # nobody is still writing the weights


def test_ctrl_c_while_the_kernel_loads_waits_for_the_compiler(small, monkeypatch):
    # numba's compiler calls Python back from LLVM; an interrupt raised inside such a callback is
    # swallowed and leaves the compiler broken (a RuntimeError traceback instead of a clean stop).
    # Ctrl-C during the load is therefore remembered and raised once the compiler returns.
    model = Word2Vec(dim=8, epochs=1, min_count=1, progress=False, workers=1).fit(small[:20])
    plan = training.Plan(architecture="skipgram", shared_negatives=False, cbow_mean=True, window=5, alpha=0.025,
                         min_alpha=2.5e-6, words_planned=1000, epochs=1, workers=1, seed=1)
    trainer = training.Trainer(plan, model._input, model._layer, model._keep)
    finished = []

    def compiling(*args):
        os.kill(os.getpid(), signal.SIGINT)
        time.sleep(0.2)                      # the signal arrives while "compiling"
        finished.append(True)

    monkeypatch.setattr(trainer, "_run_chunk", compiling)
    with pytest.raises(KeyboardInterrupt):
        trainer.load_kernel(model.vocab_.encode(small[:20]))
    assert finished == [True]


def test_a_trainer_knows_when_its_kernel_is_loaded(small):
    # the model trained skip-gram, so that kernel is loaded; CBOW's is once load_kernel ran
    model = Word2Vec(dim=8, epochs=1, min_count=1, progress=False, workers=1).fit(small[:20])
    for architecture in ("skipgram", "cbow"):
        plan = training.Plan(architecture=architecture, shared_negatives=False, cbow_mean=True, window=5,
                             alpha=0.025, min_alpha=2.5e-6, words_planned=1000, epochs=1, workers=1, seed=1)
        trainer = training.Trainer(plan, model._input, model._layer, model._keep)
        if architecture == "cbow":
            trainer.load_kernel(model.vocab_.encode(small[:20]))
        assert trainer.kernel_ready()


def test_interrupted_run_resumes_from_saved_state_exactly(small, tmp_path):
    full = Word2Vec(dim=10, epochs=3, workers=1, min_count=10, progress=False).fit(small)

    def interrupt(model, record):
        if record["epoch"] == 1:
            raise KeyboardInterrupt

    partial = Word2Vec(dim=10, epochs=3, workers=1, min_count=10, progress=False, callbacks=[interrupt])
    with pytest.raises(KeyboardInterrupt):
        partial.fit(small)
    assert partial.epochs_trained_ == 1
    path = tmp_path / "state.npz"
    partial.save_state(path)
    restored = Word2Vec.load_state(path)
    assert restored.get_params() == {**partial.get_params(), "callbacks": ()}  # callbacks are code: not saved
    assert np.array_equal(restored.wv_.vectors, partial.wv_.vectors)
    restored.resume(small)
    assert restored.epochs_trained_ == 3 and len(restored.history_) == 3
    assert np.array_equal(restored.wv_.vectors, full.wv_.vectors)


def test_partial_fit_continues_with_the_same_vocabulary(small):
    model = Word2Vec(dim=8, epochs=1, min_count=10, progress=False, workers=2).fit(small)
    words = list(model.vocab_.words)
    model.partial_fit(small[:200] + [["never-seen-word", "also-unseen"]], epochs=2)
    assert model.vocab_.words == words and len(model.history_) == 3
    assert "never-seen-word" not in model.wv_


def test_unfitted_and_corrupt_state_are_user_errors(tmp_path):
    with pytest.raises(ParameterError, match="not fitted"):
        Word2Vec().partial_fit([["a"]])
    bad = tmp_path / "bad.npz"
    bad.write_bytes(b"not a zip")
    with pytest.raises(ModelFormatError):
        Word2Vec.load_state(bad)


def test_ctrl_c_between_epochs_keeps_the_finished_epochs(small):
    def interrupt_at_second_epoch(model, record):
        if record["epoch"] == 2:
            raise KeyboardInterrupt

    model = Word2Vec(dim=8, epochs=4, min_count=10, progress=False, workers=1,
                     callbacks=[interrupt_at_second_epoch])
    with pytest.raises(KeyboardInterrupt):
        model.fit(small)
    assert model.interrupted_ and model.epochs_trained_ == 2
    assert np.array_equal(model.wv_.vectors, model._input)  # what was trained is published


@pytest.mark.parametrize("epochs", [0, -3, 1.5])
def test_partial_fit_rejects_epochs_that_would_train_nothing(small, epochs):
    model = Word2Vec(dim=8, epochs=1, min_count=10, progress=False, workers=1).fit(small)
    with pytest.raises(ParameterError, match="epochs"):
        model.partial_fit(small, epochs=epochs)
    assert len(model.history_) == 1


def test_state_with_missing_fields_is_a_format_error(small, tmp_path):
    import zipfile

    path = tmp_path / "state.npz"
    Word2Vec(dim=8, epochs=1, min_count=10, progress=False, workers=1).fit(small).save_state(path)
    broken = tmp_path / "broken.npz"
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(broken, "w") as dst:
        for item in src.infolist():
            data = src.read(item)
            if item.filename == "input_vectors.npy":
                continue  # drop one array
            dst.writestr(item, data)
    with pytest.raises(ModelFormatError):
        Word2Vec.load_state(broken)


def test_any_exception_in_a_worker_thread_fails_the_run(small, monkeypatch):
    from w2v.errors import TrainingFailed

    model = Word2Vec(dim=8, epochs=2, min_count=10, progress=False, workers=2)
    real = training.Trainer._run_chunk

    calls = []

    def failing(self, *args):
        calls.append(1)
        if len(calls) == 3:
            raise RuntimeError("disk on fire")
        return real(self, *args)

    monkeypatch.setattr(training.Trainer, "_run_chunk", failing)
    with pytest.raises(TrainingFailed, match="RuntimeError: disk on fire"):
        model.fit(small)


def _file_mapped_kib() -> int:
    import re

    return int(re.search(r"RssFile:\s+(\d+)", open("/proc/self/status").read()).group(1))


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_the_encoded_corpus_does_not_stay_resident_while_training_and_trains_the_same(tmp_path, monkeypatch):
    import w2v.models.fingerprint
    import w2v.models.training

    rng = np.random.default_rng(0)
    words = np.array([f"w{i}" for i in range(400)])
    lines = words[rng.integers(0, 400, size=(150_000, 20))]          # 3M tokens: 12 MB of ids
    corpus = tmp_path / "c.txt"
    corpus.write_text("\n".join(" ".join(line) for line in lines) + "\n")
    params = dict(dim=4, epochs=1, workers=1, min_count=1, progress=False, sample=0)
    Word2Vec(**params).fit(str(corpus))              # loads the kernels first: their pages are not the corpus's
    grown = []
    before = _file_mapped_kib()
    released = Word2Vec(**params, callbacks=[lambda m, rec: grown.append(_file_mapped_kib() - before)]).fit(
        str(corpus))
    assert grown[0] < 4 * 1024                                      # not the 12 MB of ids
    monkeypatch.setattr(w2v.models.training, "release_mapped", lambda *args: 0)
    monkeypatch.setattr(w2v.models.fingerprint, "release_mapped", lambda *args: 0)
    kept = Word2Vec(**params).fit(str(corpus))
    np.testing.assert_array_equal(released.wv_.vectors, kept.wv_.vectors)


@pytest.mark.parametrize("changed", [{"dim": 12}, {"objective": "hierarchical"}, {"architecture": "cbow"},
                                     {"negative": 20, "sample": 0.0, "ns_exponent": -1.0}, {"min_count": 3},
                                     {"tokenizer": "whitespace"}])
def test_parameters_of_the_trained_weights_cannot_change_after_fit(small, tmp_path, changed):
    model = Word2Vec(dim=8, epochs=1, min_count=10, progress=False, workers=1).fit(small)
    before = model.wv_.vectors.copy()
    model.set_params(**changed)
    for call in (lambda: model.partial_fit(small, epochs=1), lambda: model.resume(small),
                 lambda: model.save_state(tmp_path / "s.npz")):
        with pytest.raises(ParameterError, match=f"{', '.join(sorted(changed))}.*fit"):
            call()
    assert len(model.history_) == 1 and np.array_equal(model.wv_.vectors, before)
    assert not (tmp_path / "s.npz").exists()
    model.fit(small[:300])  # a new fit starts afresh with the new parameters
    assert model.wv_.vectors.shape[1] == model.dim


def test_schedule_parameters_may_change_between_training_calls(small, tmp_path):
    model = Word2Vec(dim=8, epochs=1, min_count=10, progress=False, workers=1).fit(small)
    model.set_params(alpha=0.01, window=2, epochs=2, seed=7, workers=2, progress=False, callbacks=[])
    model.partial_fit(small, epochs=1)
    model.save_state(tmp_path / "s.npz")
    restored = Word2Vec.load_state(tmp_path / "s.npz")
    assert (restored.alpha, restored.window, restored.epochs) == (0.01, 2, 2)


def test_resume_refuses_a_schedule_changed_since_the_interrupted_call(small):
    def interrupt(model, record):
        if record["epoch"] == 1:
            raise KeyboardInterrupt

    model = Word2Vec(dim=8, epochs=3, min_count=10, progress=False, workers=1, callbacks=[interrupt])
    with pytest.raises(KeyboardInterrupt):
        model.fit(small)
    model.set_params(alpha=0.5, callbacks=[])
    with pytest.raises(ParameterError, match="alpha.*resume"):
        model.resume(small)
    assert model.epochs_trained_ == 1


@pytest.mark.parametrize("through_a_file", [False, True])
def test_resume_finishes_an_interrupted_partial_fit_with_its_own_epochs(small, tmp_path, through_a_file):
    model = Word2Vec(dim=8, epochs=2, min_count=10, progress=False, workers=1).fit(small)

    def interrupt(m, record):
        if record["epoch"] == 2 + 3:  # the third epoch of the partial_fit call
            raise KeyboardInterrupt

    model.callbacks = [interrupt]
    with pytest.raises(KeyboardInterrupt):
        model.partial_fit(small[:300], epochs=10)
    assert model.epochs_trained_ == 3
    model.callbacks = []
    if through_a_file:
        model.save_state(tmp_path / "s.npz")
        model = Word2Vec.load_state(tmp_path / "s.npz")
    model.resume(small[:300])
    assert model.epochs_trained_ == 10 and len(model.history_) == 2 + 10


def test_resume_after_a_finished_partial_fit_trains_nothing_and_says_so(small, tmp_path, caplog):
    model = Word2Vec(dim=8, epochs=2, min_count=10, progress=False, workers=1).fit(small)
    model.partial_fit(small, epochs=1)
    model.save_state(tmp_path / "s.npz")
    for m in (model, Word2Vec.load_state(tmp_path / "s.npz")):
        with caplog.at_level("WARNING", logger="w2v"):
            m.resume(small)
        assert len(m.history_) == 3 and m.epochs_trained_ == 1
        assert "nothing left to train" in caplog.text
        caplog.clear()


def test_a_state_without_the_call_epochs_resumes_to_the_models_epochs(small, tmp_path):
    from w2v.models.state import load_state, save_state

    model = Word2Vec(dim=8, epochs=2, min_count=10, progress=False, workers=1).fit(small)
    model.save_state(tmp_path / "s.npz")
    arrays, meta = load_state(tmp_path / "s.npz")
    meta.pop("call_epochs", None)  # a state written before it was stored
    meta["epochs_trained"], meta["history"] = 1, meta["history"][:1]
    save_state(tmp_path / "old.npz", arrays, {k: v for k, v in meta.items() if k not in ("format", "version")})
    old = Word2Vec.load_state(tmp_path / "old.npz")
    old.resume(small)
    assert old.epochs_trained_ == 2 and len(old.history_) == 2


def test_save_state_says_why_it_refuses_a_changed_parameter_and_min_count_0_is_1(small, tmp_path):
    model = Word2Vec(dim=8, epochs=1, min_count=1, progress=False, workers=1).fit(small)
    model.set_params(min_count=0)            # the same vocabulary: 0 keeps every word, as 1 does
    model.partial_fit(small, epochs=1)
    model.set_params(dim=9)
    with pytest.raises(ParameterError, match="state saved now would not match"):
        model.save_state(tmp_path / "s.npz")


def test_word2vec_c_s_sentence_end_in_a_given_vocabulary_is_no_training_word(small, tmp_path):
    # word2vec.c's vocabulary files start with "</s> N" (its line ends): there a sentence break, never
    # trained and never drawn as a noise word; here no text holds it, so as a word it took a large share
    # of the noise distribution for a vector nothing trains
    from collections import Counter

    counts = Counter(w for sentence in small for w in sentence)
    path = tmp_path / "vocab.txt"
    path.write_text("</s> 100000\n" + "".join(f"{w} {c}\n" for w, c in counts.most_common()))
    model = Word2Vec(dim=8, epochs=1, min_count=1, progress=False, workers=1).fit(small, vocabulary=path)
    assert "</s>" not in model.wv_.words and len(model.wv_) == len(counts)

"""A tampered trainer state is a ModelFormatError at load, before any compiled kernel sees it."""
import numpy as np
import pytest

from w2v.corpus import Vocabulary
from w2v.errors import ModelFormatError
from w2v.models.state import load_state, save_state
from w2v.models.word2vec import Word2Vec

SENTENCES = [["a", "b", "c", "a", "d", "e", "a", "b", "f", "g", "h"]] * 3


def _saved(tmp_path, objective):
    model = Word2Vec(objective=objective, dim=4, min_count=1, negative=2, progress=False)
    model._initialise(Vocabulary.build(SENTENCES, min_count=1))  # no training: no kernel compiled
    path = tmp_path / f"{objective}.npz"
    model.save_state(path)
    return path


def _tampered(tmp_path, objective, change):
    arrays, meta = load_state(_saved(tmp_path, objective))
    change(arrays)
    path = tmp_path / "tampered.npz"
    save_state(path, arrays, meta)
    return path


def _set(name, value):
    def change(arrays):
        arrays[name] = value(arrays[name]) if callable(value) else value
    return change


def _poke(name, index, value):
    def change(arrays):
        arrays[name] = arrays[name].copy()
        arrays[name][index] = value
    return change


TAMPERINGS = {
    "negative": {
        "alias entries 10^8": _poke("alias", 0, 10**8),
        "negative alias entry": _poke("alias", 1, -1),
        "weights cut to 3 rows": _set("weights", lambda a: a[:3]),
        "keep cut to 3 entries": _set("keep", lambda a: a[:3]),
        "accept above 1": _poke("accept", 0, 7.0),
        "NaN in the weights": _poke("weights", (0, 0), np.nan),
        "inf in the input vectors": _poke("input_vectors", (1, 1), np.inf),
        "NaN in keep": _poke("keep", 0, np.nan),
        "alias missing": lambda arrays: arrays.pop("alias"),
        "alias as floats": _set("alias", lambda a: a.astype(np.float64)),
        "weights of a wrong dim": _set("weights", lambda a: np.zeros((a.shape[0], 5), np.float32)),
        "input vectors cut": _set("input_vectors", lambda a: a[:-1]),
    },
    "nce": {
        "NaN in log_kq": _poke("log_kq", 2, np.nan),
        "log_kq cut": _set("log_kq", lambda a: a[:2]),
        "alias out of range": _poke("alias", 0, 10**8),
    },
    "hierarchical": {
        "points out of range": _poke("points", (0, 0), 10**6),
        "negative points": _poke("points", (0, 0), -3),
        "codes other than 0/1": _poke("codes", (0, 0), 2),
        "lengths beyond the code width": _poke("lengths", 0, 99),
        "negative lengths": _poke("lengths", 0, -1),
        "weights cut to 3 rows": _set("weights", lambda a: a[:3]),
        "points of another width": _set("points", lambda a: a[:, :1]),
    },
    "softmax": {
        "weights cut": _set("weights", lambda a: a[:2]),
        "NaN weights": _poke("weights", (3, 0), np.nan),
    },
}


@pytest.mark.parametrize("objective,what", [(o, w) for o, cases in TAMPERINGS.items() for w in cases])
def test_tampered_state_is_a_format_error(tmp_path, objective, what):
    path = _tampered(tmp_path, objective, TAMPERINGS[objective][what])
    with pytest.raises(ModelFormatError, match="tampered.npz"):
        Word2Vec.load_state(path)


@pytest.mark.parametrize("objective", ["negative", "hierarchical", "softmax", "nce"])
def test_untampered_state_loads_with_the_same_arrays(tmp_path, objective):
    path = _saved(tmp_path, objective)
    arrays, _ = load_state(path)
    model = Word2Vec.load_state(path)
    for name, value in model._layer.state_arrays().items():
        assert np.array_equal(value, arrays[name]) and value.flags.c_contiguous, name


def test_a_state_written_by_the_previous_release_still_loads(tmp_path):
    # the previous release saved every layer's arrays for every objective, empty when unused
    arrays, meta = load_state(_saved(tmp_path, "negative"))
    arrays.update(codes=np.zeros((0, 0), np.uint8), points=np.zeros((0, 0), np.int32),
                  lengths=np.zeros(0, np.int32), log_kq=np.log(2 * np.full(8, 1 / 8)).astype(np.float32))
    path = tmp_path / "old.npz"
    save_state(path, arrays, meta)
    model = Word2Vec.load_state(path)
    assert model._layer.arrays.negative == 2 and np.array_equal(model._layer.arrays.alias, arrays["alias"])


def _with_history_entry(tmp_path, change):
    """A trained-looking state of two epochs whose second history entry ``change`` edits."""
    arrays, meta = load_state(_saved(tmp_path, "negative"))
    meta["history"] = [{"epoch": e, "loss": 3.0 / e, "loss_sum": 30.0, "examples": 10, "words": 40,
                        "seconds": 0.5, "words_per_second": 80.0, "alpha": 0.01} for e in (1, 2)]
    meta["epochs_trained"] = 2
    change(meta["history"][1])
    path = tmp_path / "tampered.npz"
    save_state(path, arrays, meta)
    return path


def _put(key, value):
    return lambda entry: entry.__setitem__(key, value)


def _drop(key):
    return lambda entry: entry.pop(key)


HISTORY_TAMPERINGS = {
    "epoch not a number": (_put("epoch", "x"), "epoch"),
    "epoch a boolean": (_put("epoch", True), "epoch"),
    "epoch 0": (_put("epoch", 0), "epoch"),
    "epoch a float": (_put("epoch", 1.5), "epoch"),
    "loss a string": (_put("loss", "abc"), "loss"),
    "loss infinite": (_put("loss", float("inf")), "loss"),
    "loss NaN": (_put("loss", float("nan")), "loss"),
    "loss missing": (_drop("loss"), "loss"),
    "epoch missing": (_drop("epoch"), "epoch"),
    "words/s missing": (_drop("words_per_second"), "words_per_second"),
    "words/s negative": (_put("words_per_second", -5.0), "words_per_second"),
    "seconds a list": (_put("seconds", [1]), "seconds"),
    "alpha infinite": (_put("alpha", float("-inf")), "alpha"),
    "accuracy a string": (_put("analogy_accuracy", "high"), "analogy_accuracy"),
    "accuracy above 1": (_put("analogy_accuracy", 7.0), "analogy_accuracy"),
}


@pytest.mark.parametrize("what", HISTORY_TAMPERINGS)
def test_a_malformed_history_entry_is_refused_naming_entry_and_field(tmp_path, what):
    change, field = HISTORY_TAMPERINGS[what]
    path = _with_history_entry(tmp_path, change)
    for load in (load_state, Word2Vec.load_state):
        with pytest.raises(ModelFormatError, match=f"tampered.npz.*history.* entry 2.*'{field}'") as err:
            load(path)
        assert "\n" not in str(err.value)


def test_a_well_formed_history_loads_with_optional_fields(tmp_path):
    def add(entry):
        entry.update(analogy_accuracy=None, analogy_questions=0, workers=2, rounds=3, bytes_exchanged=10)

    model = Word2Vec.load_state(_with_history_entry(tmp_path, add))
    assert [r["epoch"] for r in model.history_] == [1, 2] and model.history_[1]["analogy_accuracy"] is None


def _with_meta(tmp_path, change):
    """A saved state whose JSON header ``change`` edits."""
    arrays, meta = load_state(_saved(tmp_path, "negative"))
    change(meta)
    path = tmp_path / "tampered.npz"
    save_state(path, arrays, meta)
    return path


GOOD_HASH = "0" * 64
BAD_CORPUS = {
    "a string": "x",
    "a list": [12, GOOD_HASH],
    "words missing": {"counts_sha256": GOOD_HASH},
    "words negative": {"words": -1, "counts_sha256": GOOD_HASH},
    "words a float": {"words": 1.5, "counts_sha256": GOOD_HASH},
    "words a boolean": {"words": True, "counts_sha256": GOOD_HASH},
    "hash missing": {"words": 12},
    "hash not hexadecimal": {"words": 12, "counts_sha256": "z" * 64},
    "hash cut short": {"words": 12, "counts_sha256": "0" * 63},
}


@pytest.mark.parametrize("what", BAD_CORPUS)
def test_a_corpus_fingerprint_that_is_not_one_is_refused(tmp_path, what):
    # resume compares it with the corpus given; a malformed one would disable or garble that check
    path = _with_meta(tmp_path, lambda meta: meta.__setitem__("corpus", BAD_CORPUS[what]))
    for load in (load_state, Word2Vec.load_state):
        with pytest.raises(ModelFormatError, match="tampered.npz.*header field 'corpus'") as err:
            load(path)
        assert "\n" not in str(err.value)


@pytest.mark.parametrize("corpus", [None, {"words": 12, "counts_sha256": "0123456789abcdef" * 4}])
def test_a_corpus_fingerprint_may_be_null_or_absent(tmp_path, corpus):
    path = _with_meta(tmp_path, lambda meta: meta.__setitem__("corpus", corpus))
    assert Word2Vec.load_state(path)._corpus_fingerprint == corpus
    path = _with_meta(tmp_path, lambda meta: meta.pop("corpus"))   # states written before fingerprints
    assert Word2Vec.load_state(path)._corpus_fingerprint is None


@pytest.mark.parametrize("epochs_trained", [5, 3])
def test_epochs_trained_cannot_be_past_the_history(tmp_path, epochs_trained):
    path = _with_history_entry(tmp_path, lambda entry: None)     # two records, epochs_trained 2
    assert Word2Vec.load_state(path).epochs_trained_ == 2
    arrays, meta = load_state(path)
    meta["epochs_trained"] = epochs_trained
    save_state(path, arrays, meta)
    for load in (load_state, Word2Vec.load_state):
        with pytest.raises(ModelFormatError, match=f"tampered.npz.*'epochs_trained' is {epochs_trained} "
                                                   "but header field 'history' holds 2 epoch records") as err:
            load(path)
        assert "\n" not in str(err.value)


def test_history_records_are_numbered_by_their_place(tmp_path):
    path = _with_history_entry(tmp_path, _put("epoch", 1))
    with pytest.raises(ModelFormatError, match="tampered.npz.*'history' entry 2: 'epoch' must be 2, got 1"):
        Word2Vec.load_state(path)


def test_a_state_saved_after_partial_fit_loads(tmp_path):
    # partial_fit counts its own epochs anew (epochs_trained 1) while the history keeps all three
    sentences = [["a", "b", "c", "d"]] * 50
    model = Word2Vec(dim=4, epochs=2, min_count=1, workers=1, progress=False).fit(sentences)
    model.partial_fit(sentences, epochs=1)
    model.save_state(tmp_path / "s.npz")
    loaded = Word2Vec.load_state(tmp_path / "s.npz")
    assert loaded.epochs_trained_ == 1 and [r["epoch"] for r in loaded.history_] == [1, 2, 3]


def test_a_state_naming_an_unknown_tokenizer_was_written_by_a_newer_w2v(tmp_path):
    # it was refused as "not a complete w2v trainer state (ParameterError: ...)"
    path = _with_meta(tmp_path, lambda meta: meta["params"].__setitem__("tokenizer", "sentencepiece-v9"))
    with pytest.raises(ModelFormatError, match="tokenizer 'sentencepiece-v9'.*newer w2v") as err:
        Word2Vec.load_state(path)
    assert "not a complete" not in str(err.value)

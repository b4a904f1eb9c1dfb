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

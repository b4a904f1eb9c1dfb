"""Files written by the release before the shared container (fa23423) still load and answer alike.

The files in ``tests/data/fa23423`` were written by that release (``make_fixtures.py`` there), and
``expected.json`` holds what it computed from them.
"""
import json
from pathlib import Path

import numpy as np
import pytest

from w2v import KeyedVectors, Word2Vec
from w2v.models.state import load_state
from w2v.ngram import NgramLM

DATA = Path(__file__).parent / "data" / "fa23423"
EXPECTED = json.loads((DATA / "expected.json").read_text())


@pytest.mark.parametrize("mmap", [False, True])
def test_native_vectors_of_the_previous_release_load(mmap):
    kv = KeyedVectors.load(DATA / "vectors_counts.npz", mmap=mmap)
    assert kv.words == EXPECTED["vectors"]["words"]
    np.testing.assert_array_equal(kv.vectors, np.array(EXPECTED["vectors"]["vectors"], dtype=np.float32))
    assert kv.counts.tolist() == [21, 18, 15, 12, 9, 6, 3]
    plain = KeyedVectors.load(DATA / "vectors_nocounts.npz", mmap=mmap)
    assert plain.words == EXPECTED["vectors"]["words"][:3] and plain.counts is None


@pytest.mark.parametrize("method", sorted(EXPECTED["ngram"]))
def test_ngram_models_of_the_previous_release_score_the_same(method):
    lm = NgramLM.load(DATA / f"ngram_{method}.npz")
    assert lm.smoothing_.name == method
    assert [lm.score(p) for p in EXPECTED["ngram_probes"]] == EXPECTED["ngram"][method]


@pytest.mark.parametrize("objective", sorted(EXPECTED["state"]))
def test_trainer_states_of_the_previous_release_load(objective):
    arrays, meta = load_state(DATA / f"state_{objective}.npz")
    assert meta["epochs_trained"] == EXPECTED["state"][objective]["epochs_trained"]
    assert meta["params"]["objective"] == objective
    assert arrays["input_vectors"].shape == (len(meta["words"]), 4)
    model = Word2Vec.load_state(DATA / f"state_{objective}.npz")
    assert model.wv_.words == EXPECTED["state"][objective]["words"]
    np.testing.assert_array_equal(model.wv_.vectors,
                                  np.array(EXPECTED["state"][objective]["vectors"], dtype=np.float32))

"""Window pairs against a brute-force enumeration with the same radii."""
import numpy as np
import pytest

from w2v.corpus import EncodedCorpus, window_pairs


def _brute_force(ids, offsets, window, radii):
    centers, contexts = [], []
    for s in range(len(offsets) - 1):
        lo, hi = offsets[s], offsets[s + 1]
        for i in range(lo, hi):
            r = radii[i]
            for j in range(max(lo, i - r), min(hi, i + r + 1)):
                if j != i:
                    centers.append(ids[i])
                    contexts.append(ids[j])
    return centers, contexts


@pytest.mark.parametrize("window", [1, 2, 5])
@pytest.mark.parametrize("dynamic", [True, False])
def test_matches_brute_force(window, dynamic):
    rng = np.random.default_rng(3)
    lengths = [1, 7, 3, 12, 2, 1, 9]
    offsets = np.concatenate([[0], np.cumsum(lengths)])
    ids = rng.integers(0, 50, size=offsets[-1]).astype(np.int32)
    centers, contexts = window_pairs(ids, offsets, window, rng=42, dynamic=dynamic)
    if dynamic:
        radii = np.random.default_rng(42).integers(1, window + 1, size=len(ids))
    else:
        radii = np.full(len(ids), window)
    exp_c, exp_x = _brute_force(ids, offsets, window, radii)
    assert centers.dtype == np.int32 and contexts.dtype == np.int32
    assert centers.tolist() == exp_c and contexts.tolist() == exp_x


def test_dynamic_window_weights_near_contexts_more():
    ids = np.arange(2000, dtype=np.int32)
    centers, contexts = window_pairs(ids, [0, 2000], window=4, rng=0)
    distance = np.abs(centers.astype(int) - contexts)
    freq = np.bincount(distance, minlength=5)[1:] / 2 / 2000
    np.testing.assert_allclose(freq, [(4 - d + 1) / 4 for d in range(1, 5)], atol=0.03)


def test_encoded_corpus_argument_and_errors():
    enc = EncodedCorpus(ids=np.array([5, 6, 7], dtype=np.int32), offsets=np.array([0, 2, 3]))
    c, x = window_pairs(enc, window=3, rng=0, dynamic=False)
    assert c.tolist() == [5, 6] and x.tolist() == [6, 5]
    with pytest.raises(ValueError):
        window_pairs(np.array([1, 2]), None, 2)
    with pytest.raises(ValueError):
        window_pairs(np.array([1, 2]), [0, 3], 2)
    with pytest.raises(ValueError):
        window_pairs(np.array([1, 2]), [0, 2], 0)

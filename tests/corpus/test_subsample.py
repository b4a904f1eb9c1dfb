"""Subsampling keep probabilities against the formulas."""
import numpy as np
import pytest

from w2v.corpus import keep_probabilities


COUNTS = np.array([50_000, 5_000, 500, 50, 5, 0])


def test_word2vec_rule():
    t = 1e-3
    f = COUNTS[:-1] / COUNTS.sum()
    expected = np.minimum(1.0, np.sqrt(t / f) + t / f)
    keep = keep_probabilities(COUNTS, sample=t)
    assert keep.dtype == np.float32 and keep.shape == COUNTS.shape
    np.testing.assert_allclose(keep[:-1], expected, rtol=1e-6)
    assert keep[-1] == 1.0
    assert keep[0] < 0.2 and keep[3] == 1.0


def test_paper_rule_is_one_minus_discard():
    t = 1e-3
    f = COUNTS[:-1] / COUNTS.sum()
    discard = np.maximum(0.0, 1 - np.sqrt(t / f))
    keep = keep_probabilities(COUNTS, sample=t, rule="paper")
    np.testing.assert_allclose(keep[:-1], 1 - discard, rtol=1e-6)
    # The word2vec rule always keeps at least as much as the paper rule.
    assert np.all(keep_probabilities(COUNTS, t) >= keep)


def test_sample_zero_disables():
    np.testing.assert_array_equal(keep_probabilities(COUNTS, sample=0), np.ones(len(COUNTS), np.float32))


def test_bad_arguments():
    with pytest.raises(ValueError, match="unknown subsampling rule"):
        keep_probabilities(COUNTS, rule="fasttext")
    with pytest.raises(ValueError):
        keep_probabilities(COUNTS, sample=-1)

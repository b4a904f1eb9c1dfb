"""Small corpora for the n-gram tests (in memory; files go to tmp_path)."""
import numpy as np
import pytest

TEN = ["a b", "a b", "a c", "b", "c a", "a", "b c", "a b c", "c", "b a"]


@pytest.fixture
def ten_sentences():
    """Ten sentences over {a, b, c}; counts worked out by hand in test_smoothing.py."""
    return [s.split() for s in TEN]


@pytest.fixture
def random_sentences():
    """300 seeded sentences over 8 words with a skewed distribution: every count-of-count occurs."""
    rng = np.random.default_rng(7)
    words = [f"w{i}" for i in range(8)]
    p = np.array([0.3, 0.2, 0.15, 0.1, 0.1, 0.08, 0.05, 0.02])
    return [[words[i] for i in rng.choice(8, size=rng.integers(1, 7), p=p)] for _ in range(300)]

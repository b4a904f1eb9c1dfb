"""Small hand-made and random vector sets shared by the vectors tests."""
from __future__ import annotations

import numpy as np
import pytest

from w2v.vectors import KeyedVectors

# Axes: royalty, male, female, place, animal. king - man + woman lands exactly on queen.
HAND_MADE = {
    "the": [0.1, 0.1, 0.1, 0.1, 0.1],
    "man": [0.0, 1.0, 0.0, 0.0, 0.0],
    "woman": [0.0, 0.0, 1.0, 0.0, 0.0],
    "king": [1.0, 1.0, 0.0, 0.0, 0.0],
    "queen": [1.0, 0.0, 1.0, 0.0, 0.0],
    "prince": [0.9, 1.0, 0.0, 0.0, 0.1],
    "paris": [0.0, 0.0, 0.0, 1.0, 0.0],
    "rome": [0.0, 0.0, 0.0, 1.0, 0.1],
    "cat": [0.0, 0.0, 0.0, 0.0, 1.0],
    "dog": [0.0, 0.1, 0.0, 0.0, 1.0],
}


@pytest.fixture
def hand_kv() -> KeyedVectors:
    words = list(HAND_MADE)
    counts = np.arange(len(words), 0, -1, dtype=np.int64) * 10
    return KeyedVectors(words, np.array([HAND_MADE[w] for w in words]), counts)


@pytest.fixture
def random_kv() -> KeyedVectors:
    rng = np.random.default_rng(42)
    words = [f"w{i}" for i in range(300)]
    return KeyedVectors(words, rng.normal(size=(300, 16)).astype(np.float32))

"""Vectors with planted analogies and the small question / pair files the evaluation tests read."""
from __future__ import annotations

import numpy as np
import pytest

from w2v import KeyedVectors

COUNTRIES = ["greece", "italy", "france", "spain", "japan"]
CAPITALS = ["athens", "rome", "paris", "madrid", "tokyo"]


@pytest.fixture
def planted_kv() -> KeyedVectors:
    """capital = country + a shared offset (+ small noise), so every capital analogy is solvable."""
    rng = np.random.default_rng(0)
    d = 24
    offset = rng.normal(size=d)
    rows, words = [], []
    for country, capital in zip(COUNTRIES, CAPITALS):
        base = rng.normal(size=d) * 2
        words += [country, capital]
        rows += [base, base + offset + rng.normal(size=d) * 0.05]
    words += [f"filler{i}" for i in range(30)]
    rows += list(rng.normal(size=(30, d)))
    return KeyedVectors(words, np.array(rows, np.float32))


QUESTIONS = """\
: capital-common-countries
athens greece rome italy
Athens Greece paris France
rome italy madrid spain
athens greece atlantis nowhere
this line has five words
: gram-plurals
paris france tokyo japan
madrid spain tokyo japan
greece athens italy rome

tokyo japan madrid spain
"""


@pytest.fixture
def questions_file(tmp_path):
    path = tmp_path / "questions.txt"
    path.write_text(QUESTIONS, encoding="utf-8")
    return path

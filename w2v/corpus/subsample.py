"""Subsampling of frequent words: the probability of keeping each occurrence of a word.

>>> keep_probabilities(np.array([1000, 10, 1]), sample=1e-2)
array([0.1106585, 1.       , 1.       ], dtype=float32)

Very frequent words ("the", "of") carry little information per occurrence, so each occurrence is
kept with a probability that shrinks with the word's frequency ``f = count / total``. With
threshold ``t = sample``:

- ``"word2vec"`` (word2vec.c, gensim, fastText): ``keep = sqrt(t/f) + t/f``, clipped to 1;
- ``"paper"`` (Mikolov et al. 2013, "Distributed Representations of Words and Phrases"):
  discard with probability ``1 - sqrt(t/f)``, i.e. ``keep = sqrt(t/f)``, clipped to 1.

Words with ``f <= t`` are always kept under the paper rule; the word2vec rule keeps every word with
``f`` below about ``2.6 t``. Dropped tokens are removed before windows are formed.
"""
from __future__ import annotations

import numpy as np

#: Names accepted by :func:`keep_probabilities`'s ``rule``.
RULES = ("word2vec", "paper")


def keep_probabilities(counts, sample: float = 1e-3, rule: str = "word2vec") -> np.ndarray:
    """Per-word probability of keeping an occurrence during training.

    Parameters
    ----------
    counts : array_like of int, shape (V,)
        Word counts (the vocabulary's ``counts``); frequencies are ``counts / counts.sum()``.
    sample : float, default 1e-3
        Threshold ``t``; 0 disables subsampling (all ones). 1e-3 is word2vec.c's default; 1e-5
        suits corpora of billions of tokens.
    rule : {"word2vec", "paper"}, default "word2vec"
        Which formula to use (see the module docstring).

    Returns
    -------
    np.ndarray of float32, shape (V,)
        Keep probabilities in ``(0, 1]``; words with count 0 get 1.

    Raises
    ------
    ValueError
        If ``sample`` is negative or not finite, ``rule`` is unknown, or counts are negative.
    """
    if rule not in RULES:
        raise ValueError(f"unknown subsampling rule {rule!r}: use one of {', '.join(RULES)}")
    if not (np.isfinite(sample) and sample >= 0):
        raise ValueError(f"sample must be a finite number >= 0, got {sample!r}")
    counts = np.asarray(counts, dtype=np.float64)
    if np.any(counts < 0):
        raise ValueError("keep_probabilities: counts must be non-negative")
    total = counts.sum()
    if sample == 0 or total == 0:
        return np.ones(counts.shape, dtype=np.float32)
    with np.errstate(divide="ignore"):
        ratio = sample * total / counts          # t / f; inf for unseen words -> kept
    keep = np.sqrt(ratio)
    if rule == "word2vec":
        keep = keep + ratio
    return np.minimum(keep, 1.0).astype(np.float32)

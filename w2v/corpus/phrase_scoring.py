"""Phrase scorers: which counted candidates become phrases.

>>> import numpy as np
>>> scores, joined = score_candidates("word2phrase", np.array([10]), np.array([10]), np.array([10]),
...                                   min_count=5, total_words=1000, vocabulary_size=0, threshold=40)
>>> float(scores[0]), bool(joined[0])                # (10 - 5) / 10 / 10 * 1000
(50.0, True)

Every scorer sees, for a candidate ``a [connectors] b``: ``count_a``, ``count_b`` (unigram counts),
``count_ab`` (how often the candidate occurred), ``min_count``, the number of tokens ``N`` and the
number of distinct counted items ``V``. A candidate becomes a phrase when its score is strictly
above the threshold.

- ``word2phrase`` (word2vec.c's ``word2phrase``, exactly): scored only when ``count_a``,
  ``count_b`` and ``count_ab`` are all at least ``min_count`` (otherwise the score is 0, and it is
  never joined), ``score = (count_ab - min_count) / count_a / count_b * N``, computed in float32
  in that order, as word2vec.c does. Typical thresholds: 100 (word2vec.c's default), 200 then 100
  for two passes.
- ``gensim`` (gensim's default ``original_scorer``): ``(count_ab - min_count) / (count_a * count_b)
  * V`` in float64, where ``V`` is gensim's "vocabulary size": the number of distinct unigrams
  (connector words excluded) plus distinct candidates counted. Its scale is not word2phrase's
  (``V`` is not ``N``): gensim's default threshold is 10.
- ``npmi`` (normalized pointwise mutual information, gensim's ``npmi_scorer``): with
  ``p(x) = count_x / N``, ``log(p(ab) / (p(a) p(b))) / -log(p(ab))`` for candidates counted at
  least ``min_count`` times (else minus infinity). Scores lie in [-1, 1]; so does the threshold.
"""
from __future__ import annotations

import numpy as np

#: scorer names, in the order the CLI lists them
SCORERS = ("word2phrase", "gensim", "npmi")
#: threshold used when none is given
DEFAULT_THRESHOLDS = {"word2phrase": 100.0, "gensim": 10.0, "npmi": 0.5}


def score_candidates(scoring: str, count_ab, count_a, count_b, *, min_count: int, total_words: int,
                     vocabulary_size: int, threshold: float):
    """Scores of counted candidates and which of them become phrases.

    Parameters
    ----------
    scoring : {"word2phrase", "gensim", "npmi"}
    count_ab, count_a, count_b : int64 arrays (M,)
        Candidate count and the unigram counts of its first and last word.
    min_count : int
    total_words : int
        Tokens counted (``N``).
    vocabulary_size : int
        Distinct counted items (``V``, gensim's scorer only).
    threshold : float

    Returns
    -------
    scores : float64 (M,)
    joined : bool (M,)
        ``scores > threshold`` (and, for word2phrase, all three counts >= ``min_count``).
    """
    count_ab = np.asarray(count_ab, dtype=np.int64)
    count_a = np.asarray(count_a, dtype=np.int64)
    count_b = np.asarray(count_b, dtype=np.int64)
    if scoring == "word2phrase":
        # word2vec.c: (pab - min_count) / (real)pa / (real)pb * (real)train_words with real = float
        f32 = np.float32
        with np.errstate(divide="ignore", invalid="ignore"):
            raw = ((count_ab - min_count).astype(f32) / count_a.astype(f32) / count_b.astype(f32)
                   * f32(total_words))
        scored = (count_a >= min_count) & (count_b >= min_count) & (count_ab >= min_count)
        raw = np.where(scored, raw, f32(0))
        return raw.astype(np.float64), scored & (raw > f32(threshold))
    if scoring == "gensim":
        with np.errstate(divide="ignore", invalid="ignore"):
            scores = ((count_ab - min_count).astype(np.float64) / (count_a * count_b).astype(np.float64)
                      * float(vocabulary_size))
        scores = np.where((count_a > 0) & (count_b > 0) & (count_ab > 0), scores, -np.inf)
        return scores, scores > threshold
    if scoring == "npmi":
        n = float(total_words)
        with np.errstate(divide="ignore", invalid="ignore"):
            p_ab = count_ab / n
            scores = np.log(p_ab / ((count_a / n) * (count_b / n))) / -np.log(p_ab)
        scores = np.where((count_ab >= min_count) & (count_ab > 0) & np.isfinite(scores), scores, -np.inf)
        return scores, scores > threshold
    raise ValueError(f"unknown scoring {scoring!r}: choose one of {', '.join(SCORERS)}")

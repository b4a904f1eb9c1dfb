"""Slow, obviously correct phrase detection on lists of strings: what the compiled path is held to.

>>> sentences = [["new", "york", "is", "big"]] * 6
>>> table = detect(sentences, scoring="word2phrase", min_count=5, threshold=0.5)
>>> n, score = table[("new", (), "york")]          # (6 - 5) / 6 / 6 * 24
>>> n, round(score, 4)
(6, 0.6667)
>>> phrase_sentence(["new", "york", "is", "big"], {("is", (), "big"): "is_big"})
['new', 'york', 'is_big']

Counts use Python dictionaries keyed by ``(first word, tuple of connector words, last word)``;
scores are computed one candidate at a time from the formulas in :mod:`w2v.corpus.phrase_scoring`'s
docstring (not from its code); joining walks each sentence left to right.
"""
from __future__ import annotations

import math
from collections import Counter

import numpy as np


def count(sentences, connector_words=frozenset(), across_sentences: bool = False):
    """Unigram and candidate counts.

    Returns
    -------
    unigrams : Counter
        Every token.
    candidates : Counter
        ``(a, connectors, b)`` for each non-connector ``b`` preceded by non-connector ``a`` with only
        connector words between (within a sentence, or anywhere if ``across_sentences``).
    total : int
        Number of tokens.
    """
    unigrams: Counter = Counter()
    candidates: Counter = Counter()
    total = 0
    start, between = None, []
    for sentence in sentences:
        if not across_sentences:
            start, between = None, []
        for word in sentence:
            unigrams[word] += 1
            total += 1
            if word in connector_words:
                if start is not None:
                    between.append(word)
                continue
            if start is not None:
                candidates[(start, tuple(between), word)] += 1
            start, between = word, []
    return unigrams, candidates, total


def score(scoring: str, count_ab: int, count_a: int, count_b: int, min_count: int, total: int,
          vocabulary_size: int) -> float:
    """One candidate's score (``-inf`` or 0 where the scorer does not score it)."""
    if scoring == "word2phrase":
        if min(count_ab, count_a, count_b) < min_count:
            return 0.0
        f = np.float32
        return float(f(count_ab - min_count) / f(count_a) / f(count_b) * f(total))
    if scoring == "gensim":
        return (count_ab - min_count) / float(count_a * count_b) * vocabulary_size
    if scoring == "npmi":
        if count_ab < min_count or count_ab == total:
            return -math.inf
        p_a, p_b, p_ab = count_a / total, count_b / total, count_ab / total
        return math.log(p_ab / (p_a * p_b)) / -math.log(p_ab)
    raise ValueError(scoring)


def detect(sentences, scoring: str, min_count: int, threshold: float, connector_words=frozenset()):
    """The phrases of one pass: ``{(a, connectors, b): (count, score)}`` for scores above ``threshold``."""
    across = scoring == "word2phrase"
    unigrams, candidates, total = count(sentences, connector_words, across)
    vocabulary_size = sum(1 for w in unigrams if w not in connector_words) + len(candidates)
    table = {}
    for key, n in candidates.items():
        a, _, b = key
        s = score(scoring, n, unigrams[a], unigrams[b], min_count, total, vocabulary_size)
        if scoring == "word2phrase":
            joined = min(n, unigrams[a], unigrams[b]) >= min_count and np.float32(s) > np.float32(threshold)
        else:
            joined = s > threshold
        if joined:
            table[key] = (n, s)
    return table


def phrase_sentence(sentence, phrases: dict, connector_words=frozenset()):
    """Join, left to right, each candidate found in ``phrases`` (``{(a, connectors, b): token}``)."""
    out = []
    start, between = None, []
    for word in sentence:
        if word in connector_words:
            if start is None:
                out.append(word)
            else:
                between.append(word)
            continue
        if start is not None:
            token = phrases.get((start, tuple(between), word))
            if token is not None:
                out.append(token)
                start, between = None, []
                continue
            out.append(start)
            out.extend(between)
        start, between = word, []
    if start is not None:
        out.append(start)
        out.extend(between)
    return out


def phrase_corpus(sentences, scoring: str, min_count: int, thresholds, connector_words=frozenset(),
                  delimiter: str = "_"):
    """Run every pass; returns the phrased sentences and one :func:`detect` table per pass."""
    tables = []
    for threshold in thresholds:
        table = detect(sentences, scoring, min_count, threshold, connector_words)
        tokens = {key: delimiter.join((key[0],) + key[1] + (key[2],)) for key in table}
        sentences = [phrase_sentence(s, tokens, connector_words) for s in sentences]
        tables.append(table)
    return sentences, tables

"""What every :class:`~w2v.vectors.KeyedVectors` query is made of: its terms in, ranked words out.

>>> from w2v.vectors_query import ranked, weighted_terms
>>> weighted_terms(["king", ("woman", 0.5)], default=-1.0)       # a bare word weighs ``default``
(['king', 'woman'], [-1.0, 0.5])
>>> ranked(np.array([0.25, 0.75, 0.5]), topn=2, exclude=[1], words=["a", "b", "c"])
[('c', 0.5), ('a', 0.25)]

A query term is a word, a raw vector of ``dim`` real numbers or, in ``most_similar``, a
(term, weight) pair; :func:`weighted_terms` splits the pairs, :func:`query_vector` checks a raw
vector and :func:`unit_vector` scales any vector to length 1 without overflow. The answers are the
best ``topn`` of one score per searched word (:func:`ranked`, :func:`top_k`), searched among the
``restrict_vocab`` most frequent words (:func:`resolve_restrict_vocab`, the one meaning of
``restrict_vocab`` that :mod:`w2v.evaluate` and :mod:`w2v.clusters` share). It works on arrays
and lists only: the words, their rows and the cached unit matrix stay with ``KeyedVectors``.
"""
from __future__ import annotations

import numpy as np

from w2v.errors import W2VError


class QueryError(W2VError, ValueError):
    """A query was given values it cannot use (no words, a bad ``topn`` or ``restrict_vocab``)."""


def top_k(scores: np.ndarray, k: int) -> np.ndarray:
    """Indices of the ``k`` largest ``scores`` (1-D), best first.

    ``argpartition`` selects them in O(N); only those ``k`` are sorted. Equal scores among the
    returned indices are listed lower index first, but which of several scores tied at the
    ``k``-th place is returned is not specified.
    """
    n = len(scores)
    if k >= n:
        candidates = np.arange(n)
    else:
        candidates = np.argpartition(-scores, k - 1)[:k]
    order = np.lexsort((candidates, -scores[candidates]))
    return candidates[order]


def resolve_restrict_vocab(restrict_vocab, vocab_size: int) -> int:
    """Number of words searched: ``restrict_vocab`` capped at ``vocab_size``; ``None`` means all.

    Raises :class:`QueryError` for anything but ``None`` or a positive integer.
    """
    if restrict_vocab is None:
        return vocab_size
    if isinstance(restrict_vocab, bool) or not isinstance(restrict_vocab, (int, np.integer)) \
            or restrict_vocab < 1:
        raise QueryError(f"restrict_vocab must be a positive integer or None, got {restrict_vocab!r}")
    return min(int(restrict_vocab), vocab_size)


def ranked(scores: np.ndarray, topn, exclude, words, shadowed: np.ndarray | None = None):
    """The best ``topn`` words by ``scores``, best first, or ``scores`` itself when ``topn`` is None.

    Parameters
    ----------
    scores : np.ndarray, shape (N,)
        One score per searched word: the first N words of ``words`` (N is ``restrict_vocab``).
    topn : int or None
        How many answers; anything but a positive integer or None is a :class:`QueryError`.
    exclude : iterable of int
        Rows that are never answers (the query words); rows at N or beyond are ignored.
    words : sequence of str, length V >= N
    shadowed : np.ndarray[bool] of shape (V,), optional
        Rows that are never answers either: the later rows of a repeated word.

    Returns
    -------
    list of (str, float), or np.ndarray of shape (N,) when ``topn`` is None
        At most ``topn`` pairs: fewer when fewer words can be answers (a score that is NaN or
        infinite, from a damaged row, is never one).
    """
    if topn is None:
        return scores
    if isinstance(topn, bool) or not isinstance(topn, (int, np.integer)) or topn < 1:
        raise QueryError(f"topn must be a positive integer or None, got {topn!r}")
    scores = scores.astype(np.float32, copy=True)
    # the query words and words whose score is undefined (a non-finite row) are never answers
    candidate = np.isfinite(scores)
    candidate[[i for i in exclude if i < len(scores)]] = False
    if shadowed is not None:
        candidate &= ~shadowed[:len(scores)]
    scores[~candidate] = -np.inf
    k = min(int(topn), int(candidate.sum()))
    if k <= 0:
        return []
    best = top_k(scores, k)
    return [(words[i], float(scores[i])) for i in best]


def unit_vector(vec: np.ndarray) -> np.ndarray:
    """``vec`` (d,) scaled to length 1 (a zero vector stays zero), as float32.

    The length is taken in float64 of the vector divided by its largest magnitude, so that no sum
    of squares overflows (a float32 length of 1e30 times a unit vector is infinite) or underflows
    (1e-30 times one has a float32 length of 0): any finite vector gets its exact direction.
    """
    vec = np.asarray(vec, dtype=np.float64)
    largest = np.abs(vec).max() if vec.size else 0.0
    if largest == 0:
        return vec.astype(np.float32)
    vec = vec / largest
    return (vec / np.linalg.norm(vec)).astype(np.float32)


def query_vector(item, dim: int) -> np.ndarray:
    """A query term that is not a word: checked, and scaled to length 1.

    Parameters
    ----------
    item : array_like of real numbers, shape (dim,)
    dim : int
        Dimensionality of the vectors asked.

    Returns
    -------
    np.ndarray[float32], shape (dim,)

    Raises
    ------
    QueryError
        ``item`` is not real numbers (a (word, weight) pair, which the message points out, strings,
        objects, complex numbers), is not of shape (dim,), or holds NaN or an infinity.
    """
    vec = np.asarray(item)
    if vec.dtype.kind not in "iuf":  # a (word, weight) pair, strings, objects, complex numbers
        shown = repr(item) if len(repr(item)) <= 60 else repr(item)[:57] + "..."
        raise QueryError(f"a query term must be a word or a vector of {dim} real numbers, "
                         f"got {shown}" + (" (only most_similar takes (word, weight) pairs)"
                                           if _is_pair(item) else ""))
    vec = vec.astype(np.float64)
    if vec.shape != (dim,):
        raise QueryError(f"a query vector must have shape ({dim},), got {vec.shape}")
    if not np.isfinite(vec).all():
        raise QueryError("a query vector must hold finite numbers (no NaN or infinity)")
    return unit_vector(vec)


def weighted_terms(items: list, default: float) -> tuple[list, list[float]]:
    """Split most_similar's ``items`` into terms and weights: a (word or vector, weight) pair keeps
    its weight as given, anything else weighs ``default`` (1 in positive, -1 in negative).

    A 2-tuple (or list) is a pair when its first element is a word or an array; one of two numbers
    stays a raw vector of dimension 2.
    """
    terms, weights = [], []
    for item in items:
        if _is_pair(item):
            term, weight = item
            if isinstance(weight, (bool, np.bool_)) or not isinstance(weight, (int, float, np.integer, np.floating)) \
                    or not np.isfinite(weight):
                what = repr(term) if isinstance(term, str) else "a query vector"
                raise QueryError(f"the weight of {what} must be a finite number, got {weight!r}")
            terms.append(term)
            weights.append(float(weight))
        else:
            terms.append(item)
            weights.append(default)
    return terms, weights


def as_list(value) -> list:
    """Query terms as a list: ``None`` is none, a word or an array is one term, else each item is one."""
    if value is None:
        return []
    if isinstance(value, (str, np.ndarray)):
        return [value]
    return list(value)


def _is_pair(item) -> bool:
    """Whether ``item`` is a (word or vector, weight) pair as :meth:`KeyedVectors.most_similar` takes."""
    return isinstance(item, (tuple, list)) and len(item) == 2 and isinstance(item[0], (str, np.ndarray))

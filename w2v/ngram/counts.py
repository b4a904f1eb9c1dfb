"""N-gram counts in sorted integer arrays: every order a table of packed keys, looked up with
``searchsorted``.

>>> enc = encode(vocab, sentences)                        # doctest: +SKIP
>>> counts = NgramCounts.from_ids(enc.ids, order=3, vocab_size=len(vocab))
>>> counts.tables[2].counts                               # raw trigram counts, sorted by key

An n-gram of order ``n >= 2`` is packed as ``key = rank(prefix) * V + last_word``, where
``rank(prefix)`` is the row of its first ``n - 1`` words in the order ``n - 1`` table; order 1 is
dense (row = word id). Because every table is sorted by key, the rows of one context are a
contiguous block, keys stay below ``2**63`` at any order, and the ordering is lexicographic on
the words. Each row also knows the row of its suffix (words ``2..n``) in the order ``n - 1`` table,
which is what continuation counts and interpolation walk along.

N-grams are counted inside sentences padded with a single ``<s>`` and ``</s>``, so an n-gram of
order ``n`` never reaches before the sentence start; KenLM pads with ``n - 1`` copies of ``<s>`` and
then collapses every ``<s> <s> ...`` n-gram onto its suffix that starts at the last ``<s>``, which
gives exactly these tables.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from w2v.ngram.encoding import BOS


@dataclass
class OrderTable:
    """All n-grams of one order.

    Attributes
    ----------
    keys : np.ndarray[int64] (M,)
        Packed keys, sorted ascending (order 1: the word ids ``0..V-1``).
    counts : np.ndarray[int64] (M,)
        Raw counts (order 1: ``<s>`` has count 0, as nothing ever predicts it).
    prefix : np.ndarray[int64] (M,)
        Row of the first ``n - 1`` words in the order ``n - 1`` table (order 1: all 0, the one
        empty context).
    suffix : np.ndarray[int64] (M,)
        Row of the last ``n - 1`` words in the order ``n - 1`` table (order 1: all -1).
    first : np.ndarray[int64] (M,)
        Id of the first word.
    last : np.ndarray[int64] (M,)
        Id of the last word.
    """

    keys: np.ndarray
    counts: np.ndarray
    prefix: np.ndarray
    suffix: np.ndarray
    first: np.ndarray
    last: np.ndarray

    def __len__(self) -> int:
        return int(self.keys.size)


class NgramCounts:
    """Counts of every order ``1..order`` of the ids of one training text.

    Parameters
    ----------
    tables : list of OrderTable
        ``tables[n - 1]`` holds the n-grams of order ``n``.
    vocab_size : int
        ``V``, the multiplier of the packed keys.
    """

    def __init__(self, tables: list[OrderTable], vocab_size: int):
        self.tables = tables
        self.vocab_size = int(vocab_size)

    @property
    def order(self) -> int:
        return len(self.tables)

    @classmethod
    def from_ids(cls, ids: np.ndarray, order: int, vocab_size: int) -> "NgramCounts":
        """Count all n-grams of orders ``1..order`` in an encoded text.

        Parameters
        ----------
        ids : np.ndarray[int64] (T,)
            ``<s> w .. </s> <s> ...`` as made by :func:`w2v.ngram.encoding.encode`.
        order : int
            Highest order ``N``.
        vocab_size : int
            ``V``; every id in ``ids`` must be below it.
        """
        V = int(vocab_size)
        ids = np.asarray(ids, dtype=np.int64)
        unigram_counts = np.bincount(ids, minlength=V).astype(np.int64)
        unigram_counts[BOS] = 0
        words = np.arange(V, dtype=np.int64)
        # order 1 hangs off a single empty context (row 0) and has no lower order (suffix -1)
        tables = [OrderTable(words, unigram_counts, np.zeros(V, dtype=np.int64),
                             np.full(V, -1, dtype=np.int64), words, words)]
        # rows[i] = row of the n-gram of the current order ending at position i, -1 if none
        rows = ids
        not_start = ids[1:] != BOS
        for n in range(2, order + 1):
            # the n-gram ending at i exists when the (n-1)-gram ending at i-1 does and i is not a
            # sentence start (an n-gram never spans two sentences)
            valid = (rows[:-1] >= 0) & not_start
            keys = rows[:-1][valid] * V + ids[1:][valid]
            uniq, inverse, counts = _unique(keys)
            suffix = np.empty(uniq.size, dtype=np.int64)
            suffix[inverse] = rows[1:][valid]
            prefix = uniq // V
            lower = tables[-1]
            tables.append(OrderTable(uniq, counts.astype(np.int64), prefix, suffix,
                                     lower.first[prefix], uniq % V))
            if n < order:
                rows = np.full(ids.size, -1, dtype=np.int64)
                rows[1:][valid] = inverse
        return cls(tables, V)

    def context_totals(self, n: int, values: np.ndarray | None = None) -> np.ndarray:
        """Sum of ``values`` (default: raw counts) of the order-``n`` n-grams per context.

        Parameters
        ----------
        n : int
            Order; contexts are the rows of the order ``n - 1`` table (order 1: one empty context).
        values : np.ndarray (M_n,), optional

        Returns
        -------
        np.ndarray[float64] (n_contexts(n),)
        """
        table = self.tables[n - 1]
        values = table.counts if values is None else values
        return np.bincount(table.prefix, weights=values, minlength=self.n_contexts(n)).astype(np.float64)

    def context_types(self, n: int, mask: np.ndarray | None = None) -> np.ndarray:
        """Number of distinct words following each context (optionally only rows in ``mask``).

        Returns
        -------
        np.ndarray[float64] (M_{n-1},)
        """
        table = self.tables[n - 1]
        prefix = table.prefix if mask is None else table.prefix[mask]
        return np.bincount(prefix, minlength=self.n_contexts(n)).astype(np.float64)

    def n_contexts(self, n: int) -> int:
        """Number of possible contexts of order-``n`` n-grams (rows of order ``n - 1``; 1 for n=1)."""
        return 1 if n == 1 else len(self.tables[n - 2])

    def continuation_counts(self, n: int) -> np.ndarray:
        """Kneser-Ney adjusted counts of order ``n`` (KenLM's ``lmplz`` convention).

        The highest order keeps raw counts; a lower-order n-gram counts the distinct words seen
        to its left, except that one starting with ``<s>`` (which nothing can precede) keeps its
        raw count; the unigram ``<s>`` is 0.

        Returns
        -------
        np.ndarray[int64] (M_n,)
        """
        table = self.tables[n - 1]
        if n == self.order:
            return table.counts.copy()
        left_types = np.bincount(self.tables[n].suffix, minlength=len(table)).astype(np.int64)
        adjusted = np.where(table.first == BOS, table.counts, left_types)
        if n == 1:
            adjusted[BOS] = 0
        return adjusted


def _unique(keys: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``np.unique(keys, return_inverse=True, return_counts=True)`` for non-negative int64 keys.

    When key and position fit together in 63 bits, the position is packed into the low bits so
    a plain ``np.sort`` (SIMD, several times faster than ``argsort``) yields the permutation too.
    """
    n = keys.size
    if n == 0:
        return keys.copy(), keys.copy(), keys.copy()
    pos_bits = max(int(n - 1).bit_length(), 1)
    if int(keys.max()).bit_length() + pos_bits > 63:
        return np.unique(keys, return_inverse=True, return_counts=True)
    packed = np.sort((keys << pos_bits) | np.arange(n, dtype=np.int64))
    order = packed & ((1 << pos_bits) - 1)
    ordered = packed >> pos_bits
    first = np.empty(n, dtype=bool)
    first[0] = True
    np.not_equal(ordered[1:], ordered[:-1], out=first[1:])
    starts = np.flatnonzero(first)
    inverse = np.empty(n, dtype=np.int64)
    inverse[order] = np.cumsum(first) - 1
    counts = np.diff(np.append(starts, n))
    return ordered[starts], inverse, counts


def lookup_rows(tables_keys: list[np.ndarray], ids: np.ndarray, vocab_size: int) -> list[np.ndarray]:
    """Find, for every position and order, the model's row of the n-gram ending there.

    Parameters
    ----------
    tables_keys : list of np.ndarray[int64]
        Sorted keys of each order (``tables_keys[0]`` is the dense ``arange(V)``).
    ids : np.ndarray[int64] (T,)
        Encoded text.
    vocab_size : int

    Returns
    -------
    list of np.ndarray[int64] (T,)
        ``rows[n - 1][i]`` is the row of the order-``n`` n-gram ending at position ``i``, or -1
        when the model does not hold it (or it would span a sentence start).
    """
    V = int(vocab_size)
    rows = [np.asarray(ids, dtype=np.int64)]
    for keys in tables_keys[1:]:
        prev = rows[-1]
        cur = np.full(ids.size, -1, dtype=np.int64)
        valid = np.flatnonzero((prev[:-1] >= 0) & (ids[1:] != BOS))
        if valid.size and keys.size:
            wanted = prev[valid] * V + ids[valid + 1]
            pos = np.searchsorted(keys, wanted)
            pos[pos == keys.size] = 0
            hit = keys[pos] == wanted
            cur[valid[hit] + 1] = pos[hit]
        rows.append(cur)
    return rows

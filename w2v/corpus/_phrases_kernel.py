"""Compiled loops of phrase detection: counting candidate pairs, joining them, writing the text.

Imported only by :mod:`w2v.corpus.phrases`. A candidate is two words ``a`` and ``b`` with a
(possibly empty) run of connector words between them; it is the key ``(a << 32 | b, run)`` of an
open-addressing hash table of two int64 key columns (``key1 == -1`` marks an empty slot). ``run``
spells the connector words in base ``base`` (digits 1..base-1, 0 for no connector), so it is 0 for
a plain bigram.

Every kernel releases the GIL; counting is parallel by partitioning the key space (each worker
walks the whole id stream and keeps only the pairs of its partition), so the workers' tables are
disjoint and no merge step is needed.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np

from w2v._jit import njit, refresh_cache  # numba's, compiling in memory where it cannot cache

_EMPTY = -1
_MULT1 = np.uint64(0x9E3779B97F4A7C15)
_MULT2 = np.uint64(0xC2B2AE3D27D4EB4F)


@njit(nogil=True, cache=True, inline="always")
def _slot(table, key1, key2, shift):
    """Row of ``table`` holding (key1, key2), or the empty row where it belongs."""
    h = np.uint64(key1) * _MULT1 + np.uint64(key2) * _MULT2
    mask = table.shape[0] - 1
    i = np.int64(h >> np.uint64(shift))
    while True:
        k = table[i, 0]
        if k == _EMPTY or (k == key1 and table[i, 1] == key2):
            return i
        i = (i + 1) & mask


@njit(nogil=True, cache=True, inline="always")
def _shift_for(capacity):
    """64 - log2(capacity): the right shift that turns a 64-bit hash into a row index."""
    bits = 0
    while (1 << bits) < capacity:
        bits += 1
    return 64 - bits


@njit(nogil=True, cache=True)
def _empty_table(capacity):
    """``capacity`` rows of (key1, key2, value); one row per cache access rather than three arrays."""
    table = np.zeros((capacity, 3), dtype=np.int64)
    table[:, 0] = _EMPTY
    return table


@njit(nogil=True, cache=True)
def _rehash(table, capacity, min_value):
    """A table of ``capacity`` rows (a power of two) with the rows whose value is >= ``min_value``."""
    new = _empty_table(capacity)
    shift = _shift_for(capacity)
    size = 0
    for r in range(table.shape[0]):
        if table[r, 0] != _EMPTY and table[r, 2] >= min_value:
            j = _slot(new, table[r, 0], table[r, 1], shift)
            new[j, 0] = table[r, 0]
            new[j, 1] = table[r, 1]
            new[j, 2] = table[r, 2]
            size += 1
    return new, shift, size


@njit(nogil=True, cache=True)
def count_pairs(ids, offsets, eligible, connector, base, max_run, across_sentences, part, n_parts,
                max_entries, give_up):
    """Count the candidates of one key partition.

    Parameters
    ----------
    ids : int32 (N,)
        Token ids, sentences concatenated.
    offsets : int64 (S + 1,)
        Sentence boundaries.
    eligible : bool (V,)
        Words that may start or end a candidate (others are skipped: they cannot score).
    connector : int64 (V,)
        0 for an ordinary word, else the connector's digit 1..base-1.
    base, max_run : int
        Connector runs are spelled in ``base``; a run longer than ``max_run`` (it would overflow
        int64) makes the candidate be skipped.
    across_sentences : bool
        Keep the candidate state across sentence ends (word2vec.c's counting pass).
    part, n_parts : int
        This worker keeps the candidates with ``(a * 31 + b) % n_parts == part``.
    max_entries : int
        Pruning bound of this worker's table (see :mod:`w2v.corpus.phrases`).
    give_up : bool
        Stop, instead of pruning, when the table would hold more than ``max_entries``.

    Returns
    -------
    key1, key2, count : int64 arrays (M,)
        The counted candidates (none after giving up).
    min_reduce : int
        1 + the last pruning threshold used (1 if the table was never pruned); 0 after giving up.
    skipped : int
        Candidates of this partition skipped for a run longer than ``max_run``.
    """
    capacity = 1 << 16
    table = _empty_table(capacity)
    shift = _shift_for(capacity)
    size = 0
    min_reduce = 1
    start = -1
    run = 0
    run_len = 0
    skipped = 0
    for s in range(offsets.shape[0] - 1):
        if not across_sentences:
            start = -1
        for pos in range(offsets[s], offsets[s + 1]):
            t = ids[pos]
            c = connector[t]
            if c != 0:
                if start >= 0:
                    run_len += 1
                    if run_len <= max_run:
                        run = run * base + c
                continue
            if start >= 0 and run_len > max_run and eligible[start] and eligible[t] \
                    and (np.int64(start) * 31 + t) % n_parts == part:
                skipped += 1
            elif start >= 0 and eligible[start] and eligible[t] and (np.int64(start) * 31 + t) % n_parts == part:
                key1 = (np.int64(start) << 32) | np.int64(t)
                i = _slot(table, key1, run, shift)
                if table[i, 0] == _EMPTY:
                    table[i, 0] = key1
                    table[i, 1] = run
                    table[i, 2] = 1
                    size += 1
                    if size > max_entries:
                        if give_up:
                            empty = np.empty(0, dtype=np.int64)
                            return empty, empty.copy(), empty.copy(), 0, skipped
                        # word2vec.c's ReduceVocab: forget what was seen at most min_reduce times
                        table, shift, size = _rehash(table, table.shape[0], min_reduce + 1)
                        min_reduce += 1
                    if 2 * size > table.shape[0]:
                        table, shift, size = _rehash(table, 2 * table.shape[0], 0)
                else:
                    table[i, 2] += 1
            start = t
            run = 0
            run_len = 0
    out1 = np.empty(size, dtype=np.int64)
    out2 = np.empty(size, dtype=np.int64)
    outv = np.empty(size, dtype=np.int64)
    j = 0
    for i in range(table.shape[0]):
        if table[i, 0] != _EMPTY:
            out1[j] = table[i, 0]
            out2[j] = table[i, 1]
            outv[j] = table[i, 2]
            j += 1
    return out1, out2, outv, min_reduce, skipped


@njit(nogil=True, cache=True)
def build_lookup(key1, key2, value):
    """A hash table mapping each candidate key to ``value`` (the phrase's token id), and its shift."""
    capacity = 1 << 4
    while capacity < 2 * key1.shape[0] + 2:
        capacity *= 2
    table = _empty_table(capacity)
    shift = _shift_for(capacity)
    for n in range(key1.shape[0]):
        i = _slot(table, key1[n], key2[n], shift)
        table[i, 0] = key1[n]
        table[i, 1] = key2[n]
        table[i, 2] = value[n]
    return table, shift


@njit(nogil=True, cache=True)
def join_pairs(ids, offsets, connector, base, max_run, table, shift):
    """Rewrite the id stream, greedily left to right, replacing each table candidate by its phrase.

    A word that ends a phrase cannot start another one in the same pass; a candidate that is not
    a phrase gives back its first word and connectors unchanged, and its last word starts the next
    candidate (gensim's ``analyze_sentence``; word2phrase's rule when there are no connectors).

    Returns
    -------
    new_ids : int32 (N',)
    new_offsets : int64 (S' + 1,)
        Sentences never become empty, so ``S' == S``.
    """
    out = np.empty(ids.shape[0], dtype=np.int32)
    new_offsets = np.empty(offsets.shape[0], dtype=np.int64)
    new_offsets[0] = 0
    n = 0
    for s in range(offsets.shape[0] - 1):
        begin = offsets[s]
        end = offsets[s + 1]
        start = -1           # position of the candidate's first word
        run = 0
        run_len = 0
        for pos in range(begin, end):
            t = ids[pos]
            c = connector[t]
            if c != 0:
                if start >= 0:
                    run_len += 1
                    if run_len <= max_run:
                        run = run * base + c
                else:
                    out[n] = t
                    n += 1
                continue
            if start >= 0:
                phrase = -1
                if run_len <= max_run:
                    key1 = (np.int64(ids[start]) << 32) | np.int64(t)
                    i = _slot(table, key1, run, shift)
                    if table[i, 0] != _EMPTY:
                        phrase = table[i, 2]
                if phrase >= 0:
                    out[n] = phrase
                    n += 1
                    start = -1
                else:
                    for q in range(start, pos):
                        out[n] = ids[q]
                        n += 1
                    start = pos
            else:
                start = pos
            run = 0
            run_len = 0
        if start >= 0:
            for q in range(start, end):
                out[n] = ids[q]
                n += 1
        new_offsets[s + 1] = n
    return out[:n].copy(), new_offsets


@njit(nogil=True, cache=True)
def render(ids, offsets, arena, starts, ends):
    """The corpus as UTF-8 text: one sentence per line, tokens separated by one space.

    Parameters
    ----------
    ids : int32 (N,)
    offsets : int64 (S + 1,)
        Sentence boundaries of the sentences to render (a slice of the corpus's offsets).
    arena : uint8 (B,)
        The bytes of every word.
    starts, ends : int64 (V,)
        Word ``w`` is ``arena[starts[w]:ends[w]]``.

    Returns
    -------
    uint8 array
        Empty sentences are left out.
    """
    size = 0
    for pos in range(offsets[0], offsets[offsets.shape[0] - 1]):
        t = ids[pos]
        size += ends[t] - starts[t] + 1
    out = np.empty(size, dtype=np.uint8)
    n = 0
    for s in range(offsets.shape[0] - 1):
        for pos in range(offsets[s], offsets[s + 1]):
            t = ids[pos]
            for b in range(starts[t], ends[t]):
                out[n] = arena[b]
                n += 1
            out[n] = 32 if pos + 1 < offsets[s + 1] else 10
            n += 1
    return out


# numba's cache does not follow a call into another module: its cached code is cleared whenever any
# kernel module of the corpus package changes (before anything here is compiled or loaded)
refresh_cache(render, sorted(Path(__file__).parent.glob("_*_kernel.py")))

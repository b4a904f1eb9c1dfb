"""Compiled word table of the corpus scan: an open-addressing hash table from a token's UTF-8 bytes
to its id (first-seen order) and count, grown by doubling, merged across threads, and pruned
while counting by word2vec.c's rule (``max_vocab_size``).

Imported only by the scan (:mod:`w2v.corpus._scan_kernel`, :mod:`w2v.corpus.file_scan`). A table is
the tuple ``(slots, entry_hash, entry_start, entry_length, counts, arena, sizes)``: ``slots`` holds
pairs (hash as int64, word id; id -1 when empty) at a load of at most one half, the ``entry_*``
arrays and ``counts`` one row per word, ``arena`` the words' bytes, ``sizes`` (words, arena bytes
used).
"""
from __future__ import annotations

import numpy as np

from w2v._jit import njit  # numba's, compiling in memory where it cannot cache

_EMPTY = -1
#: pass these, not literals, as arguments: numba compiles a callee again for each literal value
_ZERO = np.int64(0)
#: fields of the pruning state (int64 array), see :func:`new_pruning`
_LIMIT, _THRESHOLD, _PRUNED, _PIECE, _RUN = 0, 1, 2, 3, 4


@njit(nogil=True, cache=True)
def _copy_uint8(dst, dst_start, src, src_start, n):
    for i in range(n):
        dst[dst_start + i] = src[src_start + i]


@njit(nogil=True, cache=True)
def _hash_bytes(word, length):
    h = np.uint64(14695981039346656037)
    for i in range(length):
        h = (h ^ np.uint64(word[i])) * np.uint64(1099511628211)
    return h


@njit(nogil=True, cache=True)
def _rehash(n_slots, entry_hash, counts, n_entries):
    """Slots for ``n_entries`` words (pruned ones left out): pairs (hash as int64, word id), id -1
    when empty."""
    slots = np.empty(2 * n_slots, dtype=np.int64)
    _fill_slots(slots, entry_hash, counts, n_entries)
    return slots


@njit(nogil=True, cache=True)
def _fill_slots(slots, entry_hash, counts, n_entries):
    """Put the words ``0 .. n_entries - 1`` into the empty-made ``slots``, except pruned ones (count 0:
    a word pruned while counting is no longer found, and if it comes back it gets a new id)."""
    for k in range(slots.shape[0]):
        slots[k] = _EMPTY
    mask = np.uint64((slots.shape[0] >> 1) - 1)
    for e in range(n_entries):
        if counts[e] == 0:
            continue
        s = entry_hash[e] & mask
        while slots[2 * s + 1] != _EMPTY:
            s = (s + np.uint64(1)) & mask
        slots[2 * s] = np.int64(entry_hash[e])
        slots[2 * s + 1] = e


@njit(nogil=True, cache=True)
def _grow_entries(entry_hash, entry_start, entry_length, counts):
    size = entry_hash.shape[0] * 2
    h = np.empty(size, dtype=np.uint64)
    s = np.empty(size, dtype=np.int64)
    ln = np.empty(size, dtype=np.int32)
    c = np.zeros(size, dtype=np.int64)
    old = entry_hash.shape[0]
    for e in range(old):
        h[e] = entry_hash[e]
        s[e] = entry_start[e]
        ln[e] = entry_length[e]
        c[e] = counts[e]
    return h, s, ln, c


@njit(nogil=True, cache=True, inline="always")
def _find_word(word, length, h, slots, entry_start, entry_length, arena):
    """Probe for the word in ``word[:length]`` (hash ``h``, from :func:`_hash_bytes`).

    Returns ``(id, slot)``: the word's id and its slot, or -1 and the empty slot where it would go.
    Inlined into the scan's token loop, where a call passing the table arrays costs as much as the
    lookup itself.
    """
    hs = np.int64(h)
    mask = np.uint64((slots.shape[0] >> 1) - 1)
    s = h & mask
    # the hash sits beside the id in the slot, so a probe costs one cache line until it matches
    while True:
        e = slots[2 * s + 1]
        if e == _EMPTY:
            return -1, s
        if slots[2 * s] == hs and entry_length[e] == length:
            start = entry_start[e]
            same = True
            for t in range(length):
                if arena[start + t] != word[t]:
                    same = False
                    break
            if same:
                return e, s
        s = (s + np.uint64(1)) & mask


@njit(nogil=True, cache=True)
def _add_word(word, length, add, slots, entry_hash, entry_start, entry_length, counts, arena, sizes):
    """Id of the word in ``word[:length]``, its count raised by ``add``; a new word gets the next id.

    Returns -1, changing nothing, when a new word does not fit: the caller grows the table
    (:func:`_grown`) and calls again. No array is returned, so the common case costs no reference
    counting.
    """
    h = _hash_bytes(word, length)
    found, s = _find_word(word, length, h, slots, entry_start, entry_length, arena)
    if found >= 0:
        counts[found] += add
        return found
    n_slots = slots.shape[0] >> 1
    e = sizes[0]
    used = sizes[1]
    if e >= entry_hash.shape[0] or used + length > arena.shape[0] or 2 * (e + 1) > n_slots:
        return -1
    _copy_uint8(arena, used, word, _ZERO, length)
    entry_hash[e] = h
    entry_start[e] = used
    entry_length[e] = length
    counts[e] = add
    slots[2 * s] = np.int64(h)
    slots[2 * s + 1] = e
    sizes[0] = e + 1
    sizes[1] = used + length
    return e


@njit(nogil=True, cache=True)
def _grown(slots, entry_hash, entry_start, entry_length, counts, arena, sizes, length):
    """The word table with room for one more word of ``length`` bytes (arrays doubled as needed)."""
    e = sizes[0]
    used = sizes[1]
    if e >= entry_hash.shape[0]:
        entry_hash, entry_start, entry_length, counts = _grow_entries(entry_hash, entry_start, entry_length,
                                                                      counts)
    if used + length > arena.shape[0]:
        bigger = np.empty(max(arena.shape[0] * 2, used + length), dtype=np.uint8)
        _copy_uint8(bigger, _ZERO, arena, _ZERO, used)
        arena = bigger
    if 2 * (e + 1) > slots.shape[0] >> 1:
        slots = _rehash(slots.shape[0], entry_hash, counts, e)
    return slots, entry_hash, entry_start, entry_length, counts, arena, sizes


@njit(nogil=True, cache=True)
def merge_table(table, other):
    """Add the words and counts of the word table ``other`` into ``table``.

    Returns (other_to_table, table): ``other_to_table[e]`` is the id in ``table`` of ``other``'s word ``e``.
    """
    _, _, starts, lens, other_counts, other_arena, other_sizes = other
    slots, entry_hash, entry_start, entry_length, counts, arena, sizes = table
    n = other_sizes[0]
    mapping = np.empty(n, dtype=np.int32)
    word = np.empty(256, dtype=np.uint8)
    for e in range(n):
        # int64 lengths and counts, as the scan passes them: one compiled version of each callee
        length = np.int64(lens[e])
        add = np.int64(other_counts[e])
        if length > word.shape[0]:
            word = np.empty(2 * length, dtype=np.uint8)
        _copy_uint8(word, _ZERO, other_arena, starts[e], length)
        word_id = _add_word(word, length, add, slots, entry_hash, entry_start, entry_length, counts, arena, sizes)
        if word_id < 0:
            slots, entry_hash, entry_start, entry_length, counts, arena, sizes = _grown(
                slots, entry_hash, entry_start, entry_length, counts, arena, sizes, length)
            word_id = _add_word(word, length, add, slots, entry_hash, entry_start, entry_length, counts, arena,
                                sizes)
        mapping[e] = word_id
    return mapping, (slots, entry_hash, entry_start, entry_length, counts, arena, sizes)


@njit(nogil=True, cache=True)
def first_seen_ids(ids, local_to_key, key_to_first, next_id):
    """Rewrite ``ids`` (in place) to first-seen order: the first word met gets 0, the next new one 1, ...

    ``local_to_key`` maps a block's ids to keys shared by all blocks; ``key_to_first`` (-1 for keys not
    met yet) is updated. Returns the next unused id.
    """
    for t in range(ids.shape[0]):
        key = local_to_key[ids[t]]
        first = key_to_first[key]
        if first < 0:
            first = next_id
            key_to_first[key] = first
            next_id += 1
        ids[t] = first
    return next_id


def new_pruning(max_vocab_size, max_sentence_length):
    """The pruning state the scan (:func:`w2v.corpus._scan_kernel.scan_block`) keeps across the blocks
    of one scan: ``max_vocab_size`` (-1: no pruning), the next threshold (starts at 1), words pruned
    so far, the longest sentence, and the tokens of the sentence read so far."""
    limit = -1 if max_vocab_size is None else max_vocab_size
    return np.array([limit, 1, 0, max_sentence_length, 0], dtype=np.int64)


def pruned_any(prune) -> bool:
    """Whether the scan with this pruning state forgot any word."""
    return bool(prune[_PRUNED] > 0)


@njit(nogil=True, cache=True)
def _sentence_ended(prune, sizes):
    """A sentence (or a piece of ``max_sentence_length`` tokens) ended: whether the table must be
    pruned now, i.e. holds more than ``max_vocab_size`` words."""
    if prune[_RUN] == 0:
        return False         # an empty sentence: the readers yield none
    prune[_RUN] = 0
    return sizes[0] - prune[_PRUNED] > prune[_LIMIT]


@njit(nogil=True, cache=True)
def _prune(slots, entry_hash, counts, sizes, prune):
    """word2vec.c's ``ReduceVocab`` over the table: forget every word counted at most ``threshold``
    times (its count becomes 0, it leaves the slots), then raise the threshold by one."""
    threshold = prune[_THRESHOLD]
    for e in range(sizes[0]):
        if 0 < counts[e] <= threshold:
            counts[e] = 0
            prune[_PRUNED] += 1
    prune[_THRESHOLD] = threshold + 1
    _fill_slots(slots, entry_hash, counts, sizes[0])


@njit(nogil=True, cache=True)
def end_of_source(table, prune):
    """A source file ended: its last sentence, if open, ends there (prune if the table is full)."""
    slots, entry_hash, _, _, counts, _, sizes = table
    if prune[_LIMIT] >= 0 and _sentence_ended(prune, sizes):
        _prune(slots, entry_hash, counts, sizes, prune)

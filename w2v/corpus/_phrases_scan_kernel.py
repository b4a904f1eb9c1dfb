"""Compiled white-space tokenizer: UTF-8 bytes to provisional int32 ids in first-seen order.

Imported only by :mod:`w2v.corpus.phrases` (the phrase step's own source of ids until the corpus
pipeline offers one). It cuts tokens exactly where ``str.split()`` does (ASCII white space,
``\\x1c``-``\\x1f`` and the Unicode space characters), ends sentences at ``\\n`` (or, for a
text8-style stream, only every ``max_sentence_length`` tokens) and cuts longer sentences into pieces
of ``max_sentence_length`` tokens, as :class:`~w2v.corpus.LineCorpus` with
:meth:`Tokenizer.whitespace` does. The input must be valid UTF-8 (the caller checks).
"""
from __future__ import annotations

import numpy as np
from numba import njit

_FNV_OFFSET = np.uint64(0xCBF29CE484222325)
_FNV_PRIME = np.uint64(0x100000001B3)
_LOW = np.int64(0xFFFFFFFF)
_HIGH = ~_LOW


@njit(nogil=True, cache=True, inline="always")
def _space_length(buf, i, n):
    """Byte length of the white-space character at ``buf[i]`` as ``str.split`` sees it, else 0."""
    b = buf[i]
    if b < 0x80:
        if b == 32 or (9 <= b <= 13) or (28 <= b <= 31):
            return 1
        return 0
    if b == 0xC2 and i + 1 < n and (buf[i + 1] == 0x85 or buf[i + 1] == 0xA0):
        return 2
    if i + 2 < n:
        b1 = buf[i + 1]
        b2 = buf[i + 2]
        if b == 0xE1 and b1 == 0x9A and b2 == 0x80:                 # U+1680
            return 3
        if b == 0xE2 and b1 == 0x80 and ((0x80 <= b2 <= 0x8A) or b2 == 0xA8 or b2 == 0xA9 or b2 == 0xAF):
            return 3                                                 # U+2000-200A, 2028, 2029, 202F
        if b == 0xE2 and b1 == 0x81 and b2 == 0x9F:                 # U+205F
            return 3
        if b == 0xE3 and b1 == 0x80 and b2 == 0x80:                 # U+3000
            return 3
    return 0


@njit(nogil=True, cache=True)
def scan_whitespace(buf, lines, max_sentence_length):
    """Tokenize ``buf`` on white space into provisional ids.

    Parameters
    ----------
    buf : uint8 (B,)
        The text, valid UTF-8.
    lines : bool
        True: a ``\\n`` ends a sentence; False: text8-style, one stream of tokens.
    max_sentence_length : int
        Sentences are cut into pieces of at most this many tokens.

    Returns
    -------
    ids : int32 (N,)
    offsets : int64 (S + 1,)
    arena : uint8 (A,)
        Every word's bytes, each followed by ``\\n``, in id order (one ``decode().split("\\n")``).
    """
    n = buf.shape[0]
    ids = np.empty(n // 2 + 1, dtype=np.int32)
    offsets = np.empty(n // 2 + 2, dtype=np.int64)
    offsets[0] = 0
    n_sentences = 0
    n_tokens = 0
    length = 0
    capacity = 1 << 16
    # per slot: the hash's high 32 bits (a tag) above id + 1, and where the word's bytes start in
    # a compact arena; a lookup touches its slot and the arena, not the text's first occurrence
    table = np.zeros((capacity, 2), dtype=np.int64)
    arena = np.empty(1 << 16, dtype=np.uint8)
    used = 0
    word_start = np.empty(1 << 12, dtype=np.int64)
    word_hash = np.empty(1 << 12, dtype=np.uint64)
    n_words = 0
    i = 0
    while i < n:
        space = _space_length(buf, i, n)
        if space:
            if lines and buf[i] == 10 and length > 0:
                n_sentences += 1
                offsets[n_sentences] = n_tokens
                length = 0
            i += space
            continue
        j = i
        h = _FNV_OFFSET
        while j < n:
            b = buf[j]
            # printable ASCII is never white space: skip the full test for it
            if (b <= 32 or b >= 127) and _space_length(buf, j, n) != 0:
                break
            h = (h ^ np.uint64(b)) * _FNV_PRIME
            j += 1
        size = j - i
        tag = np.int64(h >> np.uint64(32)) << 32
        mask = capacity - 1
        slot = np.int64(h & np.uint64(mask))
        w = -1
        while True:
            stored = table[slot, 0]
            if stored == 0:
                break
            if (stored & _HIGH) == tag:
                start = table[slot, 1]
                # a stored word of another length fails either the end mark or the byte loop
                if start + size < used and arena[start + size] == 10:
                    same = True
                    for k in range(size):
                        if arena[start + k] != buf[i + k]:
                            same = False
                            break
                    if same:
                        w = (stored & _LOW) - 1
                        break
            slot = (slot + 1) & mask
        if w < 0:
            w = n_words
            if w == word_start.shape[0]:
                word_start = _grown(word_start)
                word_hash = _grown_hash(word_hash)
            while used + size + 1 > arena.shape[0]:
                arena = _grown_bytes(arena)
            word_start[w] = used
            word_hash[w] = h
            for k in range(size):
                arena[used + k] = buf[i + k]
            arena[used + size] = 10
            used += size + 1
            table[slot, 0] = tag | (w + 1)
            table[slot, 1] = word_start[w]
            n_words += 1
            if 2 * n_words > capacity:
                capacity *= 2
                table = _rehash_words(table, word_hash, capacity)
        ids[n_tokens] = w
        n_tokens += 1
        length += 1
        if length == max_sentence_length:
            n_sentences += 1
            offsets[n_sentences] = n_tokens
            length = 0
        i = j
    if length > 0:
        n_sentences += 1
        offsets[n_sentences] = n_tokens
    return ids[:n_tokens].copy(), offsets[:n_sentences + 1].copy(), arena[:used].copy()


@njit(nogil=True, cache=True)
def _rehash_words(table, word_hash, capacity):
    """The word table's rows placed in a table of ``capacity`` slots (by each word's full hash)."""
    new = np.zeros((capacity, 2), dtype=np.int64)
    mask = capacity - 1
    for r in range(table.shape[0]):
        if table[r, 0] != 0:
            slot = np.int64(word_hash[(table[r, 0] & _LOW) - 1] & np.uint64(mask))
            while new[slot, 0] != 0:
                slot = (slot + 1) & mask
            new[slot, 0] = table[r, 0]
            new[slot, 1] = table[r, 1]
    return new


@njit(nogil=True, cache=True)
def _grown(a):
    b = np.empty(2 * a.shape[0], dtype=np.int64)
    b[:a.shape[0]] = a
    return b


@njit(nogil=True, cache=True)
def _grown_bytes(a):
    b = np.empty(2 * a.shape[0], dtype=np.uint8)
    b[:a.shape[0]] = a
    return b


@njit(nogil=True, cache=True)
def _grown_hash(a):
    b = np.empty(2 * a.shape[0], dtype=np.uint64)
    b[:a.shape[0]] = a
    return b

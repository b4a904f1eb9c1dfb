"""Compiled scan of raw UTF-8 bytes into word ids: decode, normalise, tokenize, count, hash.

Imported only by :mod:`w2v.corpus.scan`. One call handles one block of bytes that ends at a safe
point (after an ASCII white-space byte, or at the end of the input), so no token, UTF-8 sequence or
run of sentence-ending punctuation is ever cut between blocks.

The steps mirror :class:`w2v.corpus.Tokenizer` (the readable reference a test holds this to):

1. decode UTF-8 exactly as Python's ``bytes.decode("utf-8", "replace")`` does (one U+FFFD per
   maximal invalid subpart) and, with ``strip_accents``, replace each code point by its NFKD
   decomposition minus the dropped combining marks;
2. with ``lowercase``, ``str.lower`` per code point, including its multi-code-point mapping ('İ' ->
   'i' + U+0307) and its one context rule (a capital sigma at the end of a word becomes 'ς'); then
   with ``normalize_numbers`` every ``\\d`` becomes '0';
3. the token regex ``\\d+(?:[.,]\\d+)+|[^\\W_]+(?:['’\\-][^\\W_]+)*`` (or runs of non-space for the
   white-space tokenizer) as a greedy scan that tries the same alternatives at the same positions
   as ``re.findall``, plus runs of ``.!?…`` as sentence ends when splitting sentences;
4. each token's UTF-8 bytes are looked up in an open-addressing hash table that gives new words the
   next id (first-seen order) and counts every occurrence.

NFKD also reorders runs of combining marks by combining class; that is skipped because it cannot
change a token (no code point with a non-zero combining class is a token character) nor the sigma
rule (every such code point is case-ignorable or uncased); a test checks both facts on all of
Unicode.
"""
from __future__ import annotations

import numpy as np

from w2v._jit import njit  # numba's, compiling in memory where it cannot cache

# flag bits, as in _unicode_tables
_ALNUM, _DECIMAL, _SPACE, _IGNORABLE, _CASED, _STRIPS, _LOWERS = 1, 2, 4, 8, 16, 32, 64
_REPLACEMENT = 0xFFFD
_EMPTY = -1
#: pass these, not literals, as arguments: numba compiles a callee again for each literal value
_ZERO, _ONE = np.int64(0), np.int64(1)


@njit(nogil=True, cache=True)
def _decode(data, i, n):
    """(code point, next index, is_error) of the UTF-8 sequence at ``data[i]``, as Python decodes."""
    b0 = np.int64(data[i])
    if b0 < 0x80:
        return b0, i + 1, False
    if b0 < 0xC2 or b0 > 0xF4:
        return _REPLACEMENT, i + 1, True
    if b0 < 0xE0:
        if i + 1 < n and 0x80 <= data[i + 1] <= 0xBF:
            return ((b0 & 0x1F) << 6) | (np.int64(data[i + 1]) & 0x3F), i + 2, False
        return _REPLACEMENT, i + 1, True
    if b0 < 0xF0:
        lo = 0xA0 if b0 == 0xE0 else 0x80
        hi = 0x9F if b0 == 0xED else 0xBF
        if i + 1 >= n or not (lo <= data[i + 1] <= hi):
            return _REPLACEMENT, i + 1, True
        if i + 2 >= n or not (0x80 <= data[i + 2] <= 0xBF):
            return _REPLACEMENT, i + 2, True
        return (((b0 & 0x0F) << 12) | ((np.int64(data[i + 1]) & 0x3F) << 6)
                | (np.int64(data[i + 2]) & 0x3F)), i + 3, False
    lo = 0x90 if b0 == 0xF0 else 0x80
    hi = 0x8F if b0 == 0xF4 else 0xBF
    if i + 1 >= n or not (lo <= data[i + 1] <= hi):
        return _REPLACEMENT, i + 1, True
    if i + 2 >= n or not (0x80 <= data[i + 2] <= 0xBF):
        return _REPLACEMENT, i + 2, True
    if i + 3 >= n or not (0x80 <= data[i + 3] <= 0xBF):
        return _REPLACEMENT, i + 3, True
    return (((b0 & 0x07) << 18) | ((np.int64(data[i + 1]) & 0x3F) << 12)
            | ((np.int64(data[i + 2]) & 0x3F) << 6) | (np.int64(data[i + 3]) & 0x3F)), i + 4, False


@njit(nogil=True, cache=True)
def _copy_int32(dst, src, n):
    """``dst[:n] = src[:n]`` as a loop: numba compiles slice assignment far more slowly."""
    for i in range(n):
        dst[i] = src[i]


@njit(nogil=True, cache=True)
def _copy_uint8(dst, dst_start, src, src_start, n):
    for i in range(n):
        dst[dst_start + i] = src[src_start + i]


@njit(nogil=True, cache=True)
def _find_key(keys, cp):
    """Index of ``cp`` in the sorted ``keys``, or -1."""
    lo, hi = 0, keys.shape[0]
    while lo < hi:
        mid = (lo + hi) >> 1
        if keys[mid] < cp:
            lo = mid + 1
        else:
            hi = mid
    if lo < keys.shape[0] and keys[lo] == cp:
        return lo
    return -1


@njit(nogil=True, cache=True)
def _decode_into(data, i, n, flags, strip, strip_keys, strip_offsets, strip_data, out, m):
    """Decode ``data[i:n]`` (and strip accents when ``strip``) into ``out[m:]``.

    Stops early when ``out`` may be too small for the next character (NFKD yields up to 18 code
    points); the caller grows it and calls again. Returns (i, m, errors). Arrays are never
    reassigned here: in numba that would add reference counting to every iteration.
    """
    errors = 0
    limit = out.shape[0] - 32
    while i < n and m < limit:
        b = data[i]
        if b < 0x80:
            # ASCII never changes under NFKD
            out[m] = b
            m += 1
            i += 1
            continue
        cp, i, bad = _decode(data, i, n)
        if bad:
            errors += 1
        if strip and flags[cp] & _STRIPS:
            k = _find_key(strip_keys, cp)
            for t in range(strip_offsets[k], strip_offsets[k + 1]):
                out[m] = strip_data[t]
                m += 1
        else:
            out[m] = cp
            m += 1
    return i, m, errors


@njit(nogil=True, cache=True)
def _decode_block(data, n, flags, strip, strip_keys, strip_offsets, strip_data, out):
    """Decode ``data[:n]`` (and strip accents when ``strip``) into ``out``; returns (out, m, errors)."""
    if out.shape[0] < n + 64:
        out = np.empty(n + 64, dtype=np.int32)
    i, m, errors = _decode_into(data, _ZERO, n, flags, strip, strip_keys, strip_offsets, strip_data, out, _ZERO)
    while i < n:
        bigger = np.empty(2 * out.shape[0], dtype=np.int32)
        _copy_int32(bigger, out, m)
        out = bigger
        i, m, more = _decode_into(data, i, n, flags, strip, strip_keys, strip_offsets, strip_data, out, m)
        errors += more
    return out, m, errors


@njit(nogil=True, cache=True)
def _final_sigma(src, i, m, flags):
    """Whether the capital sigma at ``src[i]`` ends a word (CPython's Final_Sigma test)."""
    j = i - 1
    while j >= 0 and flags[src[j]] & _IGNORABLE:
        j -= 1
    if j < 0 or not flags[src[j]] & _CASED:
        return False
    j = i + 1
    while j < m and flags[src[j]] & _IGNORABLE:
        j += 1
    return j == m or not flags[src[j]] & _CASED


@njit(nogil=True, cache=True)
def _lower_into(src, m, flags, numbers, lower_keys, lower_offsets, lower_data, out):
    """``str.lower`` (then digits -> '0' when ``numbers``) of ``src[:m]`` into ``out``; returns the length.

    ``out`` must hold ``2 * m`` code points: no code point lowers to more than two.
    """
    k = 0
    for i in range(m):
        cp = src[i]
        if cp < 0x80:
            if 0x41 <= cp <= 0x5A:
                cp += 32
            elif numbers and 0x30 <= cp <= 0x39:
                cp = 0x30
            out[k] = cp
            k += 1
            continue
        f = flags[cp]
        if cp == 0x3A3:
            out[k] = 0x3C2 if _final_sigma(src, i, m, flags) else 0x3C3
            k += 1
        elif f & _LOWERS:
            t = _find_key(lower_keys, np.int64(cp))  # one type for both callers: one compile
            for u in range(lower_offsets[t], lower_offsets[t + 1]):
                c = lower_data[u]
                if numbers and flags[c] & _DECIMAL:
                    c = 0x30
                out[k] = c
                k += 1
        else:
            out[k] = 0x30 if numbers and f & _DECIMAL else cp
            k += 1
    return k


@njit(nogil=True, cache=True)
def _digits_block(buf, m, flags):
    """Every ``\\d`` of ``buf[:m]`` becomes '0', in place."""
    for i in range(m):
        if flags[buf[i]] & _DECIMAL:
            buf[i] = 0x30


@njit(nogil=True, cache=True)
def _is_joiner(cp):
    return cp == 0x27 or cp == 0x2019 or cp == 0x2D


@njit(nogil=True, cache=True)
def _is_sentence_end(cp):
    return cp == 0x2E or cp == 0x21 or cp == 0x3F or cp == 0x2026


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


@njit(nogil=True, cache=True)
def _add_word(word, length, add, slots, entry_hash, entry_start, entry_length, counts, arena, sizes):
    """Id of the word in ``word[:length]``, its count raised by ``add``; a new word gets the next id.

    Returns -1, changing nothing, when a new word does not fit: the caller grows the table
    (:func:`_grown`) and calls again. No array is returned, so the common case costs no reference
    counting.
    """
    h = _hash_bytes(word, length)
    hs = np.int64(h)
    n_slots = slots.shape[0] >> 1
    mask = np.uint64(n_slots - 1)
    s = h & mask
    # the hash sits beside the id in the slot, so a probe costs one cache line until it matches
    while True:
        e = slots[2 * s + 1]
        if e == _EMPTY:
            break
        if slots[2 * s] == hs and entry_length[e] == length:
            start = entry_start[e]
            same = True
            for t in range(length):
                if arena[start + t] != word[t]:
                    same = False
                    break
            if same:
                counts[e] += add
                return e
        s = (s + np.uint64(1)) & mask
    e = sizes[0]
    used = sizes[1]
    if e >= entry_hash.shape[0] or used + length > arena.shape[0] or 2 * (e + 1) > n_slots:
        return -1
    _copy_uint8(arena, used, word, _ZERO, length)
    entry_hash[e] = h
    entry_start[e] = used
    entry_length[e] = length
    counts[e] = add
    slots[2 * s] = hs
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
def _encode_utf8(cps, a, b, out):
    """UTF-8 bytes of ``cps[a:b]`` into ``out`` (large enough: 4 bytes per code point); returns the length."""
    k = 0
    for i in range(a, b):
        c = cps[i]
        if c < 0x80:
            out[k] = c
            k += 1
        elif c < 0x800:
            out[k] = 0xC0 | (c >> 6)
            out[k + 1] = 0x80 | (c & 0x3F)
            k += 2
        elif c < 0x10000:
            out[k] = 0xE0 | (c >> 12)
            out[k + 1] = 0x80 | ((c >> 6) & 0x3F)
            out[k + 2] = 0x80 | (c & 0x3F)
            k += 3
        else:
            out[k] = 0xF0 | (c >> 18)
            out[k + 1] = 0x80 | ((c >> 12) & 0x3F)
            out[k + 2] = 0x80 | ((c >> 6) & 0x3F)
            out[k + 3] = 0x80 | (c & 0x3F)
            k += 4
    return k


_DONE, _TABLE_FULL, _WORD_TOO_LONG, _PRUNE = 0, 1, 2, 3
#: fields of the pruning state (int64 array), see :func:`new_pruning`
_LIMIT, _THRESHOLD, _PRUNED, _PIECE, _RUN = 0, 1, 2, 3, 4


def new_pruning(max_vocab_size, max_sentence_length):
    """The pruning state :func:`scan_block` keeps across the blocks of one scan: ``max_vocab_size``
    (-1: no pruning), the next threshold (starts at 1), words pruned so far, the longest sentence,
    and the tokens of the sentence read so far."""
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


@njit(nogil=True, cache=True)
def _tokenize(cps, m, whitespace, split, lines, flags, slots, entry_hash, entry_start, entry_length, counts,
              arena, sizes, scratch, ids, lengths, state, prune):
    """Tokenize ``cps[state[0]:m]``, looking words up and counting them, until done or stuck.

    ``state`` (int64: position, tokens, sentences, open sentence length, leading end) is read and
    updated. Returns ``_DONE``, ``_TABLE_FULL`` (a new word does not fit: grow the table and call
    again), ``_WORD_TOO_LONG`` (grow ``scratch``; nothing of the pending token is recorded) or
    ``_PRUNE`` (a sentence ended with the table over ``max_vocab_size``: prune, and call again).
    """
    pruning = prune[_LIMIT] >= 0
    i, n_tokens, n_sentences, open_length, leading_end = state[0], state[1], state[2], state[3], state[4]
    status = _DONE
    while i < m:
        c = cps[i]
        if lines and (c == 0x0A or c == 0x0D):
            if open_length > 0:
                lengths[n_sentences] = open_length
                n_sentences += 1
                open_length = 0
            elif n_tokens == 0:
                leading_end = 1
            i += 1
            if pruning and _sentence_ended(prune, sizes):
                status = _PRUNE
                break
            continue
        start = i
        end = i
        if whitespace:
            # ASCII white space only (space, \t \n \v \f \r), as bytes.split() and word2vec.c:
            # the white-space tokenizer keeps every other character inside its token
            if c == 0x20 or 0x09 <= c <= 0x0D:
                i += 1
                continue
            end = i + 1
            while end < m and not (cps[end] == 0x20 or 0x09 <= cps[end] <= 0x0D):
                end += 1
        else:
            f = flags[c]
            if f & _DECIMAL:
                # the number alternative comes first: digits, then one or more [.,]digits groups
                j = i + 1
                while j < m and flags[cps[j]] & _DECIMAL:
                    j += 1
                groups = 0
                while j + 1 < m and (cps[j] == 0x2E or cps[j] == 0x2C) and flags[cps[j + 1]] & _DECIMAL:
                    j += 2
                    while j < m and flags[cps[j]] & _DECIMAL:
                        j += 1
                    groups += 1
                if groups > 0:
                    end = j
            if end == start and f & _ALNUM:
                j = i + 1
                while j < m and flags[cps[j]] & _ALNUM:
                    j += 1
                while j + 1 < m and _is_joiner(cps[j]) and flags[cps[j + 1]] & _ALNUM:
                    j += 2
                    while j < m and flags[cps[j]] & _ALNUM:
                        j += 1
                end = j
            if end == start:
                if split and _is_sentence_end(c):
                    i += 1
                    while i < m and _is_sentence_end(cps[i]):
                        i += 1
                    if open_length > 0:
                        lengths[n_sentences] = open_length
                        n_sentences += 1
                        open_length = 0
                    elif n_tokens == 0:
                        leading_end = 1
                    if pruning and _sentence_ended(prune, sizes):
                        status = _PRUNE
                        break
                else:
                    i += 1
                continue
        if 4 * (end - start) > scratch.shape[0]:
            status = _WORD_TOO_LONG
            break
        length = _encode_utf8(cps, start, end, scratch)
        # the hit path is written out here: a call passing the table arrays costs as much as the lookup
        h = _hash_bytes(scratch, length)
        hs = np.int64(h)
        mask = np.uint64((slots.shape[0] >> 1) - 1)
        s = h & mask
        word_id = -1
        while True:
            e = slots[2 * s + 1]
            if e == _EMPTY:
                break
            if slots[2 * s] == hs and entry_length[e] == length:
                start_byte = entry_start[e]
                same = True
                for t in range(length):
                    if arena[start_byte + t] != scratch[t]:
                        same = False
                        break
                if same:
                    word_id = e
                    counts[e] += 1
                    break
            s = (s + np.uint64(1)) & mask
        if word_id < 0:
            word_id = _add_word(scratch, length, _ONE, slots, entry_hash, entry_start, entry_length, counts, arena,
                                sizes)
            if word_id < 0:
                status = _TABLE_FULL
                break
        ids[n_tokens] = word_id
        n_tokens += 1
        open_length += 1
        i = end
        if pruning:
            # the readers cut a sentence into pieces of max_sentence_length: each piece is a sentence
            prune[_RUN] += 1
            if prune[_RUN] == prune[_PIECE] and _sentence_ended(prune, sizes):
                status = _PRUNE
                break
    state[0], state[1], state[2], state[3], state[4] = i, n_tokens, n_sentences, open_length, leading_end
    return status


@njit(nogil=True, cache=True)
def scan_block(data, n, whitespace, lowercase, numbers, strip, split, lines, flags,
               strip_keys, strip_offsets, strip_data, lower_keys, lower_offsets, lower_data,
               table, decoded, lowered, ids, lengths, prune):
    """Tokenize ``data[:n]`` into word ids (``ids``) and sentence lengths (``lengths``).

    Parameters
    ----------
    data : np.ndarray of uint8
        The block; it ends at a safe point (see the module docstring).
    whitespace, lowercase, numbers, strip, split, lines : bool
        White-space tokenizer; the :class:`Tokenizer` options; whether a line end (``\\n`` or
        ``\\r``) ends a sentence.
    flags, strip_*, lower_* : np.ndarray
        :class:`~w2v.corpus._unicode_tables.UnicodeTables`.
    table : tuple
        The word table: (slots int64 (hash, id) pairs, entry_hash uint64, entry_start int64,
        entry_length int32, counts int64, arena uint8, sizes int64 [n_words, arena bytes used]);
        returned, possibly with larger arrays.
    decoded, lowered : np.ndarray of int32
        Scratch code-point buffers (grown when needed and returned).
    ids : np.ndarray of int32
        Receives the word id of each token in order (replaced by a larger array when needed).
    lengths : np.ndarray of int32
        Receives the length of each sentence ended in the block; when the block ends inside a
        sentence, its tokens so far are the last entry and ``open`` is True.
    prune : np.ndarray of int64
        :func:`new_pruning`'s state, updated: with a ``max_vocab_size``, the table is pruned after
        every sentence that leaves it with more words (the blocks must come in text order).

    Returns
    -------
    tuple
        (n_tokens, n_sentences, open, leading_end, decode_errors, table, decoded, lowered, ids,
        lengths); ``leading_end`` is True when a sentence end (line end, or sentence punctuation
        when splitting) comes before the block's first token: a sentence left open by the
        previous block ends there.
    """
    decoded, m, errors = _decode_block(data, n, flags, strip and not whitespace, strip_keys, strip_offsets,
                                       strip_data, decoded)
    cps = decoded
    if not whitespace:
        if lowercase:
            if lowered.shape[0] < 2 * m + 8:
                lowered = np.empty(2 * m + 8, dtype=np.int32)
            m = _lower_into(decoded, m, flags, numbers, lower_keys, lower_offsets, lower_data, lowered)
            cps = lowered
        elif numbers:
            _digits_block(decoded, m, flags)
    if ids.shape[0] < m + 1:
        ids = np.empty(m + 1, dtype=np.int32)
    if lengths.shape[0] < m + 2:
        lengths = np.empty(m + 2, dtype=np.int32)
    slots, entry_hash, entry_start, entry_length, counts, arena, sizes = table
    scratch = np.empty(256, dtype=np.uint8)
    state = np.zeros(5, dtype=np.int64)
    while True:
        status = _tokenize(cps, m, whitespace, split, lines, flags, slots, entry_hash, entry_start, entry_length,
                           counts, arena, sizes, scratch, ids, lengths, state, prune)
        if status == _DONE:
            break
        if status == _PRUNE:
            _prune(slots, entry_hash, counts, sizes, prune)
        elif status == _WORD_TOO_LONG:
            scratch = np.empty(2 * scratch.shape[0], dtype=np.uint8)
        else:
            length = 4 * m     # generous: any word of the block fits
            slots, entry_hash, entry_start, entry_length, counts, arena, sizes = _grown(
                slots, entry_hash, entry_start, entry_length, counts, arena, sizes, min(length, 1 << 16))
    n_tokens, n_sentences, open_length = state[1], state[2], state[3]
    is_open = open_length > 0
    if is_open:
        lengths[n_sentences] = open_length
        n_sentences += 1
    table = (slots, entry_hash, entry_start, entry_length, counts, arena, sizes)
    return n_tokens, n_sentences, is_open, state[4] != 0, errors, table, decoded, lowered, ids, lengths


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

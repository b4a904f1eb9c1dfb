"""Compiled scan of raw UTF-8 bytes into word ids: decode, normalise, tokenize, count, hash.

Imported only by :mod:`w2v.corpus.scan` and :mod:`w2v.corpus.file_scan`; the decoding steps live
in :mod:`w2v.corpus._utf8_kernel`, the word table in :mod:`w2v.corpus._word_table_kernel`. One
call handles one block of bytes that ends at a safe point (after an ASCII white-space byte, or at
the end of the input), so no token, UTF-8 sequence or run of sentence-ending punctuation is ever
cut between blocks.

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

from pathlib import Path

import numpy as np

from w2v._jit import njit, refresh_cache  # numba's, compiling in memory where it cannot cache
from w2v.corpus._utf8_kernel import _ALNUM, _DECIMAL, _decode_block, _digits_block, _encode_utf8, _lower_into
from w2v.corpus._word_table_kernel import (_LIMIT, _PIECE, _RUN, _add_word, _find_word, _grown, _hash_bytes,
                                           _prune, _sentence_ended)

#: pass this, not a literal, as an argument: numba compiles a callee again for each literal value
_ONE = np.int64(1)
_DONE, _TABLE_FULL, _WORD_TOO_LONG, _PRUNE = 0, 1, 2, 3


@njit(nogil=True, cache=True)
def _is_joiner(cp):
    return cp == 0x27 or cp == 0x2019 or cp == 0x2D


@njit(nogil=True, cache=True)
def _is_sentence_end(cp):
    return cp == 0x2E or cp == 0x21 or cp == 0x3F or cp == 0x2026


@njit(nogil=True, cache=True)
def _tokenize(cps, m, whitespace, split, lines, flags, slots, entry_hash, entry_start, entry_length, counts,
              arena, sizes, scratch, ids, lengths, state, prune):
    """Tokenize ``cps[state[0]:m]``, looking words up and counting them, until done or stuck.

    ``state`` (int64: position, tokens, sentences, open sentence length, leading end, bytes of the
    word that did not fit) is read and updated. Returns ``_DONE``, ``_TABLE_FULL`` (a new word does
    not fit: grow the table by at least ``state[5]`` bytes and call again), ``_WORD_TOO_LONG`` (grow ``scratch``; nothing of the pending token is recorded) or
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
        # the hit path is inlined (_find_word): a call passing the table arrays costs as much as the lookup
        word_id, _ = _find_word(scratch, length, _hash_bytes(scratch, length), slots, entry_start, entry_length,
                                arena)
        if word_id >= 0:
            counts[word_id] += 1
        else:
            word_id = _add_word(scratch, length, _ONE, slots, entry_hash, entry_start, entry_length, counts, arena,
                                sizes)
            if word_id < 0:
                status = _TABLE_FULL
                state[5] = length  # the caller grows the table by at least this much
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
        The state of :func:`w2v.corpus._word_table_kernel.new_pruning`, updated: with a
        ``max_vocab_size``, the table is pruned after every sentence that leaves it with more words
        (the blocks must come in text order).

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
    state = np.zeros(6, dtype=np.int64)
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
            # room for 64 KB of new words at a time, and at least for the word that did not fit
            # (a longer one never would: the scan looped)
            length = max(min(4 * m, 1 << 16), state[5])
            slots, entry_hash, entry_start, entry_length, counts, arena, sizes = _grown(
                slots, entry_hash, entry_start, entry_length, counts, arena, sizes, length)
    n_tokens, n_sentences, open_length = state[1], state[2], state[3]
    is_open = open_length > 0
    if is_open:
        lengths[n_sentences] = open_length
        n_sentences += 1
    table = (slots, entry_hash, entry_start, entry_length, counts, arena, sizes)
    return n_tokens, n_sentences, is_open, state[4] != 0, errors, table, decoded, lowered, ids, lengths


# numba's cache does not follow a call into another module: its cached code is cleared whenever any
# kernel module of the corpus package changes (before anything here is compiled or loaded)
refresh_cache(scan_block, sorted(Path(__file__).parent.glob("_*_kernel.py")))

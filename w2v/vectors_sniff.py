"""Telling word2vec text rows from binary ones, from the structure of a file's first row.

>>> sniff_rows(cursor, vocab_size, dim)        # after the header: "text" or "binary"  # doctest: +SKIP

A text row is a word and decimal numbers up to a newline; a binary row is a word, a space, exactly
``4 * dim`` bytes of float32 values, optionally a newline, then the next word. Both are measured from
where the first word ends, so a long first word (the most frequent word comes first) changes
nothing. ``cursor`` is :mod:`w2v.vectors_io`'s reader, of which only ``peek(n)`` (the next ``n``
bytes, not consumed) is used. The readers use :func:`is_number`, :func:`values_hold_underscore`
and :func:`plausible_word` too, and :func:`beyond_float32` to name a value too large to store.
"""
from __future__ import annotations

import numpy as np

#: bytes looked at past a start to find the end of a word or of a line
_SNIFF_LIMIT = 1 << 22
_NUMBER_BYTES = frozenset(b"0123456789+-.eEinfaINFA \t\r")
#: control bytes (tab, newline, CR, VT, FF are white space, not these): about one byte in nine of
#: float32 data is one, and text rarely holds any
_CONTROL_BYTES = bytes(range(0, 9)) + bytes(range(14, 32)) + b"\x7f"
# word2vec.c's reader ends a word at a space, a tab or a newline and a C string at NUL, so no word
# it writes holds one (other control bytes it keeps); in a binary file a word holding one is float32
# data read as a word: the rows are misaligned
_WORD_BREAKERS = b"\x00\t\n"


def sniff_rows(cur, vocab_size: int, dim: int) -> str:
    """Tell text rows from binary ones by the structure of the first row (not consumed).

    A text row is a word and decimal numbers up to a newline; a binary row is a word, a space,
    exactly ``4 * dim`` bytes, optionally a newline, then the next word. Both are measured from
    where the word ends, so a long first word (the most frequent word comes first) changes nothing.
    """
    head = cur.peek(4096)
    lead = len(head) - len(head.lstrip(b"\r\n"))  # both readers skip line ends before a word
    head, newline = _peek_find(cur, b"\n", lead)
    first = head[lead:newline] if newline >= 0 else head[lead:]
    values = _number_count(first)
    binary = _binary_row_fits(cur, lead, vocab_size, dim)
    if values is not None:
        # a word and numbers is a text row (when not `dim` of them, a malformed one), unless it is
        # one number and that newline may be a byte of the float32 values of a binary row (a value
        # whose bytes are b"1\n.."); not its high byte, though: the value would be below 1e-32.
        # Two numbers (digits, a space, digits) inside float32 bytes are a one-in-10^8 accident.
        head, space = _peek_find(cur, b" ", lead)
        at = newline - (space + 1)
        if not binary or values > 1 or newline < 0 or at >= 4 * dim or at % 4 == 3:
            return "text"
    if binary:
        # float32 bytes fit the binary layout, but so does much text: a second line of a word and
        # as many numbers (`dim`, or as the first line) says text; binary data hardly ever reads so
        second = _number_count(_second_line(cur, newline)) if newline >= 0 else None
        return "text" if second is not None and second in (dim, values) else "binary"
    # neither layout fits: a malformed file. Float32 data is rarely free of control bytes
    return "binary" if len(first.translate(None, _CONTROL_BYTES)) < len(first) else "text"


def _peek_find(cur, sub: bytes, start: int) -> tuple[bytes, int]:
    """Bytes ahead of ``cur`` (not consumed) that hold ``sub`` at or after ``start``, and its index.

    The window doubles until ``sub`` appears, the stream ends, or ``_SNIFF_LIMIT`` bytes past
    ``start`` were searched (index -1 then).
    """
    n = start + 4096
    while True:
        head = cur.peek(n)
        i = head.find(sub, start)
        if i >= 0 or len(head) < n or n >= start + _SNIFF_LIMIT:
            return head, i
        n = min(2 * n, start + _SNIFF_LIMIT)


def _number_count(line: bytes) -> int | None:
    """How many numbers follow the word of a text row, or None when it is not a word and numbers."""
    parts = line.split()
    if len(parts) < 2 or not all(is_number(p) for p in parts[1:]):
        return None
    return len(parts) - 1


def _second_line(cur, newline: int) -> bytes:
    """The first non-blank line after the newline at ``newline`` (a bounded part of it)."""
    head = cur.peek(newline + 4096)
    start = newline + 1 + len(head[newline + 1:]) - len(head[newline + 1:].lstrip(b"\r\n"))
    head, end = _peek_find(cur, b"\n", start)
    return head[start:end] if end >= 0 else head[start:]


def _binary_row_fits(cur, lead: int, vocab_size: int, dim: int) -> bool:
    """Whether the bytes at ``lead`` read as a binary row: word, space, 4*dim bytes, then a word."""
    head, space = _peek_find(cur, b" ", lead)
    if space < 0 or not plausible_word(head[lead:space]):
        return False
    end = space + 1 + 4 * dim
    head = cur.peek(end + 4096)
    if len(head) < end:
        return False  # too short for the values: at most a truncated binary file
    magnitude = np.abs(np.frombuffer(head[space + 1:end], dtype="<f4"))
    if np.any(((magnitude > 0) & (magnitude < 1e-19)) | ((magnitude > 2e19) & np.isfinite(magnitude))):
        # no vector holds a value whose square leaves float32's range (text bytes read as
        # float32 often do: a newline as the high byte is 1e-32); non-finite ones the reader names
        return False
    after = head[end:]
    if vocab_size == 1:
        return not after.strip()  # the readers take trailing white space only
    skip = len(after) - len(after.lstrip(b"\r\n"))
    if skip == len(after):
        return True  # nothing follows the first row: a binary file cut short
    head, next_space = _peek_find(cur, b" ", end + skip)
    return plausible_word(head[end + skip:next_space] if next_space >= 0 else head[end + skip:])


def plausible_word(word: bytes) -> bool:
    """A word word2vec.c could have written: not empty, no NUL, tab or newline."""
    return bool(word) and len(word.translate(None, _WORD_BREAKERS)) == len(word)


def values_hold_underscore(line: bytes, word: bytes) -> bool:
    """Whether the values after ``word`` (the row's first token) in ``line`` hold a ``_``.

    float() and numpy read "1_0" as 10, so a row converted in one numpy call must be refused
    before it when this holds: no vector writer writes one. Costs one scan for most rows (no
    ``_`` at all); the word itself may hold any (``new_york``).
    """
    return b"_" in line and b"_" in line[line.index(word) + len(word):]


def is_number(token: bytes) -> bool:
    """Whether ``token`` is a decimal number as word2vec writers write one (float() and numpy also
    take "1_0", as 10: a decimal number holds none of that)."""
    if not set(token) <= _NUMBER_BYTES:
        return False
    try:
        float(token)
        return True
    except ValueError:
        return False


#: how the readers describe a finite value that float32 cannot hold
TOO_LARGE_FOR_FLOAT32 = "beyond float32's range (largest magnitude about 3.4e38), in which vectors are stored"


def beyond_float32(token: bytes) -> bool:
    """Whether ``token`` is a number that numpy's float32 cast overflows to an infinity (1e39, but
    not "inf" itself): the readers parse rows under ``np.errstate(over="raise")`` and name it."""
    try:
        with np.errstate(over="raise"):
            np.array([token], dtype=np.float32)
    except FloatingPointError:
        return True
    except ValueError:
        return False
    return False

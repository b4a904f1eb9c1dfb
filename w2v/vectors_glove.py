"""GloVe's header-less text vectors: one ``word v1 ... vd`` line per word, no ``"V d"`` first line.

>>> from w2v.vectors_glove import read_glove, write_glove        # doctest: +SKIP
>>> words, vectors = read_glove("glove.6B.100d.txt", limit=50_000)
>>> write_glove("small.txt", words, vectors)

:func:`w2v.vectors_io.read_vectors` recognises these files by their content (:func:`is_glove_line`:
the first line is a word followed by numbers, not the two integers of a word2vec header), so
every command that reads vectors reads GloVe files too, plain or ``.gz``/``.bz2``/``.xz``.
The first row fixes the dimension; a later row with another number of values is a one-line
error naming its line (and the first row, which may be the odd one out). Values are written
with 9 significant digits, so float32 round-trips exactly; no trailing space, as GloVe writes.
"""
from __future__ import annotations

import os

import numpy as np

from w2v.errors import ModelFormatError
from w2v.fileio import (WORD_DECODE_ERRORS, WORD_ENCODE_ERRORS, atomic_write, decompression_errors, open_binary,
                        row_blocks, shown_name)
from w2v.vectors_sniff import TOO_LARGE_FOR_FLOAT32, beyond_float32, values_hold_underscore

_ROWS_PER_BLOCK = 65_536


def is_glove_line(line: bytes) -> bool:
    """True when ``line`` reads as a GloVe row: a word, then one or more numbers.

    The two integers of a word2vec header (``"71291 200"``) are not a GloVe row, so a
    one-dimensional GloVe file whose first word is an integer and whose value is an integer is
    read as word2vec (the only ambiguous case; :func:`write_glove` never writes it).
    """
    parts = line.split()
    if len(parts) < 2:
        return False
    if len(parts) == 2 and parts[0].isdigit() and parts[1].isdigit():
        return False
    # float(), not the reader's stricter rule: a row of a word and values with a "1_0" among them
    # is still GloVe-shaped, and the reader then names the line and the value
    try:
        [float(p) for p in parts[1:]]
    except ValueError:
        return False
    return True


def read_glove(path: str | os.PathLike, limit: int | None = None) -> tuple[list[str], np.ndarray]:
    """Read a GloVe text file.

    Parameters
    ----------
    path : str or PathLike
    limit : int, optional
        Read only the first ``limit`` words.

    Returns
    -------
    words : list of str
    vectors : np.ndarray[float32], shape (V, d)
    """
    words: list[str] = []
    blocks: list[np.ndarray] = []
    block = None
    dim = None
    first_line = 0
    filled = 0
    # a finite value too large for float32 raises (not numpy's overflow warning and then "not
    # finite" for a value that is); set once for the file, not per row
    with decompression_errors(path, "vector file", ModelFormatError), open_binary(path) as f, \
            np.errstate(over="raise"):
        for number, line in enumerate(f, 1):
            if limit is not None and len(words) >= limit:
                break
            parts = line.split()
            if not parts:
                continue
            if dim is None:
                dim, first_line = len(parts) - 1, number
                if dim < 1:
                    raise ModelFormatError(f"{shown_name(path)}: line {number} holds a word and no values; "
                                           "not a GloVe or word2vec vector file")
            elif len(parts) - 1 != dim:
                raise ModelFormatError(
                    f"{shown_name(path)}: line {number} has {len(parts) - 1} values but line {first_line} has {dim}: "
                    "every GloVe row must have the same number of values (a word holding a space?)")
            if block is None or filled == len(block):
                block = np.empty((_ROWS_PER_BLOCK, dim), dtype=np.float32)
                blocks.append(block)
                filled = 0
            try:
                if values_hold_underscore(line, parts[0]):
                    raise ValueError  # numpy reads "1_0" as 10, as the word2vec text reader refuses
                block[filled] = np.array(parts[1:], dtype=np.float32)
            except FloatingPointError:
                bad = next((p for p in parts[1:] if beyond_float32(p)), b"?")
                word = parts[0].decode("utf-8", "replace")
                raise ModelFormatError(f"{shown_name(path)}: line {number}: value {bad[:30]!r} of word {word!r} is "
                                       f"{TOO_LARGE_FOR_FLOAT32}") from None
            except ValueError:
                bad = next(p for p in parts[1:] if not _is_number(p))
                raise ModelFormatError(f"{shown_name(path)}: line {number}: value {bad[:30]!r} is not a "
                                       "number") from None
            filled += 1
            words.append(parts[0].decode("utf-8", WORD_DECODE_ERRORS))
    if dim is None:
        raise ModelFormatError(f"{shown_name(path)}: holds no vectors (only blank lines)")
    if blocks:
        blocks[-1] = blocks[-1][:filled]
    return words, np.concatenate(blocks) if len(blocks) > 1 else np.ascontiguousarray(blocks[0])


def write_glove(path: str | os.PathLike, words, vectors: np.ndarray) -> None:
    """Write ``words`` and float32 ``vectors`` (V, d) as GloVe text, atomically.

    Words must be non-empty and free of white space (checked by
    :func:`w2v.vectors_io.write_vectors`, the usual entry point). A one-dimensional file whose first
    row would read as a word2vec header (a word of digits, a whole-number value: ``2 1``) gets that
    value written as ``1.0``, so that it reads back as GloVe.
    """
    vectors = np.ascontiguousarray(vectors, dtype=np.float32)
    row_format = " ".join(["%.9g"] * vectors.shape[1])
    with atomic_write(path, "w", encoding="utf-8", errors=WORD_ENCODE_ERRORS) as f:
        for start, stop in row_blocks(len(words), vectors.shape[1]):
            rows = vectors[start:stop].tolist()
            lines = [f"{w} {row_format % tuple(r)}\n" for w, r in zip(words[start:stop], rows)]
            if start == 0 and lines and not is_glove_line(lines[0].encode("utf-8", WORD_ENCODE_ERRORS)):
                # one value that is a whole number after a word of digits ("2 1") reads back as a
                # word2vec header and loses a word: "2 1.0" is the same value and reads as GloVe
                lines[0] = f"{words[0]} {rows[0][0]:.1f}\n"
            f.write("".join(lines))


def _is_number(token: bytes) -> bool:
    """What the reader takes as a value: what float() reads ("inf" too: the caller refuses
    non-finite vectors by name), without its "_" digit separators."""
    if b"_" in token:
        return False
    try:
        float(token)
        return True
    except ValueError:
        return False

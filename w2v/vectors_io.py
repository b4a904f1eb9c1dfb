"""Reading and writing word vectors: word2vec text and binary, and w2v's native ``.npz``.

>>> from w2v.vectors_io import read_vectors, write_vectors        # doctest: +SKIP
>>> words, vectors, counts = read_vectors("GoogleNews-vectors.bin", limit=50_000)
>>> write_vectors("small.npz", words, vectors, counts, format="native")

Formats
-------
``text``
    word2vec.c's ``-binary 0`` layout: a header line ``"V d\\n"``, then per word the word, a space,
    ``d`` values each followed by a space, and ``"\\n"``. Values are written with 9 significant
    digits (word2vec.c uses ``%lf``) so that float32 values round-trip exactly. The reader also
    takes gensim's rows without the trailing space, CRLF line ends and tabs.
``binary``
    word2vec.c's ``-binary 1`` layout: the same header, then per word the UTF-8 word, a space,
    ``d`` little-endian float32 values and ``"\\n"``. The reader also takes gensim's rows with no
    newline after the values.
``native``
    A :mod:`w2v.container` file (an uncompressed zip of ``.npy`` members read without pickle):
    ``meta.npy`` (UTF-8 JSON bytes: format name, version, ``vocab_size``, ``dim``, ``has_counts``),
    ``vectors.npy`` (float32, V x d), ``words_utf8.npy`` + ``word_offsets.npy`` (all words in one
    UTF-8 blob and their code-point offsets) and, when known, ``counts.npy`` (int64). Members are
    *stored*, not deflated, and 64-byte aligned, so ``mmap=True`` maps ``vectors.npy`` in place
    with :class:`numpy.memmap` (one file, no side files, nothing copied).
``glove``
    GloVe's header-less text: one ``word v1 ... vd`` line per word (:mod:`w2v.vectors_glove`).
    fastText's ``.vec`` files are word2vec ``text`` and read as such.

The format is detected from the content, so the extension does not matter: zip magic is native; a
first line that is a word followed by numbers is GloVe; after a header, rows are text when the first
one is a word and decimal numbers up to a newline, binary when it is a word, a space and ``4 * d``
bytes followed by the next word (both measured from where the word ends, so a long first word
changes nothing). ``.gz``, ``.bz2`` and ``.xz`` files are decompressed on the fly for the word2vec
formats. Broken files raise :class:`~w2v.errors.ModelFormatError` naming the row and byte offset
where they break: a header that does not fit the file, rows beyond the header's count (unless
``limit`` is given), a vector holding NaN or an infinity (the message names the word), a text value
beyond float32's range (named as such), a binary row whose word holds a NUL, a tab or a newline
(float32 bytes read as a word: the rows are misaligned), and in native files any header field or
member that disagrees with the others.
Invalid UTF-8 in words is replaced by U+FFFD with a logged warning. A word holding a lone surrogate
(``"\\udcff"``, possible through the Python API) is written in every format as ``surrogatepass``
encodes it and read back as that word (:data:`w2v.fileio.WORD_ENCODE_ERRORS`). Writes are atomic.
Writers that pick the format by file name (:meth:`~w2v.vectors.KeyedVectors.save`, ``w2v train -o``,
``w2v export -o``) ask :func:`format_for_path`: ``.bin`` binary, ``.txt``/``.vec`` text, ``.npz``
native, and never a compressed name.
"""
from __future__ import annotations

import logging
import os
from pathlib import Path

import numpy as np

from w2v._memory import available_memory
from w2v.errors import ModelFormatError
from w2v.fileio import (WORD_DECODE_ERRORS, WORD_ENCODE_ERRORS, atomic_write, check_model_file, decompression_errors,
                        first_unwritable_word, is_compressed, open_binary, row_blocks, shown_name)
from w2v.finite import first_non_finite
from w2v.vectors_glove import is_glove_line, read_glove, write_glove
from w2v.vectors_native import read_native, write_native
from w2v.vectors_sniff import (TOO_LARGE_FOR_FLOAT32, beyond_float32, is_number, plausible_word, sniff_rows,
                               values_hold_underscore)

logger = logging.getLogger(__name__)

FORMATS = ("native", "binary", "text", "glove")
#: file extension -> vector format, for :meth:`~w2v.vectors.KeyedVectors.save` and ``w2v train -o``
FORMAT_BY_EXTENSION = {".bin": "binary", ".txt": "text", ".vec": "text", ".npz": "native"}
_COMPRESSED = (".gz", ".bz2", ".xz")
_CHUNK = 1 << 20
#: rows first allocated for a compressed file (whose size bounds nothing); doubled as needed
_GROW_FROM = 4096


class _Cursor:
    """Buffered reader over a byte stream that knows the absolute offset of every byte it hands out."""

    def __init__(self, f):
        self.f = f
        self.buf = b""
        self.pos = 0
        self.base = 0  # absolute offset of buf[0]
        self.eof = False

    @property
    def offset(self) -> int:
        return self.base + self.pos

    def _more(self, at_least: int = _CHUNK) -> bool:
        if self.eof:
            return False
        if self.pos:
            self.base += self.pos
            self.buf = self.buf[self.pos:]
            self.pos = 0
        data = self.f.read(max(_CHUNK, at_least))
        if not data:
            self.eof = True
            return False
        self.buf += data
        return True

    def read(self, n: int) -> bytes:
        """Next ``n`` bytes (fewer only at the end of the stream)."""
        while len(self.buf) - self.pos < n and self._more(n):
            pass
        out = self.buf[self.pos:self.pos + n]
        self.pos += len(out)
        return out

    def read_until(self, delim: bytes) -> tuple[bytes, bool]:
        """Bytes up to ``delim`` (consumed, not returned) and whether ``delim`` was found."""
        start = self.pos
        while True:
            i = self.buf.find(delim, start)
            if i >= 0:
                out = self.buf[self.pos:i]
                self.pos = i + 1
                return out, True
            start = len(self.buf) - self.pos
            if not self._more():
                out = self.buf[self.pos:]
                self.pos = len(self.buf)
                return out, False
            start = self.pos + start

    def peek(self, n: int) -> bytes:
        while len(self.buf) - self.pos < n and self._more(n):
            pass
        return self.buf[self.pos:self.pos + n]


def detect_format(path: str | os.PathLike) -> str:
    """Tell which vector format ``path`` holds from its content.

    Parameters
    ----------
    path : str or PathLike
        An existing file (word2vec formats may be ``.gz``/``.bz2``/``.xz`` compressed).

    Returns
    -------
    {"native", "binary", "text", "glove"}
    """
    path = _check_file(path)
    with open(path, "rb") as f:
        if f.read(4) == b"PK\x03\x04":
            return "native"
    with decompression_errors(path, "vector file", ModelFormatError), open_binary(path) as f:
        cur = _Cursor(f)
        first_line = cur.peek(_CHUNK).lstrip(b"\r\n").split(b"\n", 1)[0]
        if is_glove_line(first_line):
            return "glove"
        vocab_size, dim = _read_header(cur, path)
        return sniff_rows(cur, vocab_size, dim)


def read_vectors(path: str | os.PathLike, format: str | None = None, limit: int | None = None,
                 mmap: bool = False):
    """Read word vectors from a file.

    Parameters
    ----------
    path : str or PathLike
        File to read.
    format : {"native", "binary", "text", "glove"}, optional
        Skip detection and read this format (default: detect from the content).
    limit : int, optional
        Read only the first ``limit`` words (word2vec files list the most frequent first); a
        positive integer (``numpy`` integers too, not floats or bools).
    mmap : bool
        Native format only: map the vectors read-only instead of reading them into memory.

    Returns
    -------
    words : list of str
        In file order.
    vectors : np.ndarray[float32], shape (V, d)
    counts : np.ndarray[int64] of shape (V,), or None when the file does not store counts.
    """
    path = _check_file(path)
    if format is None:
        format = detect_format(path)
    if format not in FORMATS:
        raise ModelFormatError(f"unknown vector format {format!r}: use one of {', '.join(FORMATS)}")
    # as restrict_vocab and topn: an integer, not a float that happens to be whole (nor a bool)
    if limit is not None and (isinstance(limit, bool) or not isinstance(limit, (int, np.integer)) or limit < 1):
        raise ModelFormatError(f"limit must be a positive integer or None, got {limit!r}")
    limit = None if limit is None else int(limit)
    if mmap and format != "native":
        raise ModelFormatError(f"{shown_name(path)}: mmap=True needs the native format; this file is {format}; "
                               "re-save it with format='native'")
    if format == "native":
        words, vectors, counts = read_native(path, limit, mmap)
        _check_finite(path, words, vectors)
        return words, vectors, counts
    if format == "glove":
        words, vectors = read_glove(path, limit)
        _check_finite(path, words, vectors)
        _check_decoding(path, words)
        return words, vectors, None
    with decompression_errors(path, "vector file", ModelFormatError), open_binary(path) as f:
        cur = _Cursor(f)
        vocab_size, dim = _read_header(cur, path)
        n = vocab_size if limit is None else min(limit, vocab_size)
        # An uncompressed file bounds how many rows it can hold: allocate no more than that, so
        # a corrupt header ("99999999999 300") cannot exhaust memory; the reader then stops at
        # the first missing row, and the message says the header does not fit the file.
        # A compressed file's size says nothing: start small and grow as rows arrive.
        fits = _GROW_FROM if is_compressed(path) else _rows_that_fit(path, cur.offset, dim, format)
        reader = _read_binary_rows if format == "binary" else _read_text_rows
        try:
            words, vectors = reader(cur, path, vocab_size, n, dim, capacity=min(n, fits))
        except ModelFormatError as err:
            if fits >= n or is_compressed(path):
                raise
            raise ModelFormatError(f"{err} (header says {vocab_size} words of {dim} dims but the file "
                                   f"holds only {os.path.getsize(path)} bytes: truncated or not a "
                                   "vector file)") from None
        if limit is None:
            _check_no_more_rows(cur, path, vocab_size)
    _check_finite(path, words, vectors)
    _check_decoding(path, words)
    return words, vectors, None


def format_for_path(path: str | os.PathLike, default: str) -> str:
    """The vector format a file name asks for (:data:`FORMAT_BY_EXTENSION`), else ``default``.

    Parameters
    ----------
    path : str or PathLike
        The file to be written.
    default : {"native", "binary", "text"}
        Format of names with another extension or none.

    Raises
    ------
    ModelFormatError
        For a ``.gz``/``.bz2``/``.xz`` name: vector files are not written compressed, and writing
        plain bytes under such a name would make a file no reader can open.
    """
    suffix = Path(path).suffix.lower()
    if suffix in _COMPRESSED:
        raise ModelFormatError(f"{str(path)!r}: vector files are not written compressed; write "
                               f"{Path(path).stem!r} and compress it (every reader takes {suffix} files)")
    return FORMAT_BY_EXTENSION.get(suffix, default)


#: how messages name the formats whose words are cut at white space
_FORMAT_NAMES = {"binary": "word2vec binary", "text": "word2vec text", "glove": "GloVe"}


def unstorable_word(words, format: str) -> str | None:
    """The first of ``words`` that a vector file of ``format`` cannot store, or ``None``.

    The word2vec and GloVe formats end a word at white space, so an empty word or one holding
    ASCII white space cannot be read back; the native format stores any word. Check before a long
    computation whose result would be written in ``format`` (``w2v train`` does, before training).

    Parameters
    ----------
    words : sequence of str
    format : {"native", "binary", "text", "glove"}
    """
    return None if format == "native" else first_unwritable_word(words)


def write_vectors(path: str | os.PathLike, words, vectors: np.ndarray, counts=None,
                  format: str = "native") -> None:
    """Write word vectors atomically.

    Parameters
    ----------
    path : str or PathLike
        Destination; its folder must exist. Nothing appears there unless the write succeeds.
    words : list of str, length V
    vectors : np.ndarray, shape (V, d)
        Stored as float32.
    counts : np.ndarray[int64], shape (V,), optional
        Kept by the native format only (word2vec and GloVe formats have no place for them).
    format : {"native", "binary", "text", "glove"}
    """
    if format not in FORMATS:
        raise ModelFormatError(f"unknown vector format {format!r}: use one of {', '.join(FORMATS)}")
    vectors = np.ascontiguousarray(vectors, dtype=np.float32)
    if format == "native":
        write_native(path, words, vectors, counts)
        return
    if len(words) != len(vectors):
        raise ModelFormatError(f"{len(words)} words but {len(vectors)} vectors; they must match")
    bad = unstorable_word(words, format)
    if bad is not None:
        raise ModelFormatError(f"word {bad!r} is empty or holds white space, which the {_FORMAT_NAMES[format]} "
                               "format cannot store; save with format='native' (w2v train --format native)")
    if format == "binary":
        _write_binary(path, words, vectors)
    elif format == "glove":
        write_glove(path, words, vectors)
    else:
        _write_text(path, words, vectors)


# ---------------------------------------------------------------- word2vec text / binary reading

def _read_header(cur: _Cursor, path: Path) -> tuple[int, int]:
    line, _ = cur.read_until(b"\n")
    parts = line.split()
    if not line.strip():
        raise ModelFormatError(f"{shown_name(path)}: the file is empty or starts with a blank line "
                               "(byte 0); expected a 'VOCAB_SIZE DIM' header")
    try:
        # ASCII digits only: int() also reads "1_0" as 10
        if len(parts) != 2 or not (parts[0].isdigit() and parts[1].isdigit()):
            raise ValueError
        vocab_size, dim = int(parts[0]), int(parts[1])
    except ValueError:
        raise ModelFormatError(f"{shown_name(path)}: header (row 0, byte 0) must be 'VOCAB_SIZE DIM', got "
                               f"{line[:24]!r}{'...' if len(line) > 24 else ''}; is this a word2vec or w2v vector file?") from None
    if vocab_size < 1 or dim < 1:
        raise ModelFormatError(f"{shown_name(path)}: header (row 0, byte 0) says {vocab_size} words of "
                               f"{dim} dimensions; the file holds no vectors")
    if not is_compressed(path):
        # the shortest row of `dim` values is "w" and " 0" per value (text) or 4 bytes per value
        after_header = os.path.getsize(path) - cur.offset
        if 2 * dim > after_header + 1:
            raise ModelFormatError(f"{shown_name(path)}: header (row 0, byte 0) says {dim} dimensions, but a row of "
                                   f"{dim} values needs at least {2 * dim} bytes and the file holds "
                                   f"{after_header} after the header: the header is corrupt")
    return vocab_size, dim


def _rows_that_fit(path, header_bytes, dim, fmt) -> int:
    """How many vector rows an uncompressed file of this size can hold at most."""
    # shortest rows: binary "w" + " " + 4*dim bytes; text "w" + dim * " 0" + "\n" (last \n optional)
    available = os.path.getsize(path) - header_bytes
    if fmt == "binary":
        return max(available, 0) // (4 * dim + 2)
    return max(available + 1, 0) // (2 * dim + 2)


def _allocate(path, vocab_size, n, dim) -> np.ndarray:
    """An (n, dim) float32 array, or a one-line error when the header asks for too much."""
    try:
        if n * dim * 4 > available_memory():
            raise MemoryError
        return np.empty((n, dim), dtype=np.float32)
    except (MemoryError, ValueError):
        raise ModelFormatError(f"{shown_name(path)}: header says {vocab_size} words of {dim} dims, more than "
                               "fits in memory: the header is corrupt, or pass a limit") from None


def _grow(vectors, path, vocab_size, n, dim) -> np.ndarray:
    """``vectors`` with room for more rows (doubled, at most ``n`` rows)."""
    grown = _allocate(path, vocab_size, min(n, max(2 * len(vectors), 1)), dim)
    grown[:len(vectors)] = vectors
    return grown


def _check_no_more_rows(cur, path, vocab_size) -> None:
    """Refuse rows after the ``vocab_size`` the header announced (white space may follow)."""
    while True:
        chunk = cur.peek(_CHUNK)
        if not chunk:
            return
        stripped = chunk.lstrip()
        if stripped:
            offset = cur.offset + len(chunk) - len(stripped)
            # worded for both audiences: no w2v command has a limit option, Python callers do
            raise ModelFormatError(f"{shown_name(path)}: the header declares {vocab_size} words but more rows follow "
                                   f"(byte offset {offset}): fix the header's word count (to read only "
                                   f"the first {vocab_size} rows, pass limit={vocab_size} in Python)")
        cur.read(len(chunk))


def _read_binary_rows(cur, path, vocab_size, n, dim, capacity=None):
    # ``capacity`` rows are allocated: a file cut short can never fill more than that.
    words = []
    vectors = _allocate(path, vocab_size, n if capacity is None else capacity, dim)
    width = 4 * dim
    for i in range(n):
        if i == len(vectors):
            vectors = _grow(vectors, path, vocab_size, n, dim)
        start = cur.offset
        raw_word, found = cur.read_until(b" ")
        word = raw_word.lstrip(b"\r\n")  # word2vec.c ends rows with \n, gensim does not
        start += len(raw_word) - len(word)
        if not found:
            _truncated(path, i, vocab_size, start, "binary")
        if not word:
            _malformed(path, i, start, "an empty word")
        if not plausible_word(word):
            _malformed(path, i, start, f"the word {word[:30]!r} holds a NUL, tab or newline, which "
                       "no word does: the rows are misaligned (a word with a space in it, or a wrong "
                       "dimension in the header)")
        raw = cur.read(width)
        if len(raw) < width:
            _truncated(path, i, vocab_size, start, "binary")
        words.append(word.decode("utf-8", WORD_DECODE_ERRORS))
        vectors[i] = np.frombuffer(raw, dtype="<f4")
    return words, vectors


def _read_text_rows(cur, path, vocab_size, n, dim, capacity=None):
    # ``capacity`` rows are allocated: a file cut short can never fill more than that.
    words = []
    vectors = _allocate(path, vocab_size, n if capacity is None else capacity, dim)
    i = 0
    # a finite value too large for float32 raises (not numpy's overflow warning and then "not finite"
    # for a value that is): named below. Set once, not per row: entering errstate costs a microsecond
    with np.errstate(over="raise"):
        while i < n:
            start = cur.offset
            line, found = cur.read_until(b"\n")
            parts = line.split()
            if not parts:
                if not found:
                    _truncated(path, i, vocab_size, start, "text")
                continue  # blank lines carry nothing
            if len(parts) != dim + 1:
                _malformed(path, i, start, f"{len(parts) - 1} values where the header says {dim}"
                           + (" (the row may be cut short)" if not found else ""))
            if i == len(vectors):
                vectors = _grow(vectors, path, vocab_size, n, dim)
            try:
                if values_hold_underscore(line, parts[0]):
                    raise ValueError  # numpy reads "1_0" as 10: no word2vec writer writes that
                vectors[i] = np.array(parts[1:], dtype=np.float32)
            except FloatingPointError:
                bad = next((p for p in parts[1:] if beyond_float32(p)), b"?")
                _malformed(path, i, start, f"value {bad[:30]!r} of word {parts[0].decode('utf-8', 'replace')!r} "
                           f"is {TOO_LARGE_FOR_FLOAT32}")
            except ValueError:
                bad = next(p for p in parts[1:] if not is_number(p))
                _malformed(path, i, start, f"value {bad[:30]!r} is not a number")
            words.append(parts[0].decode("utf-8", WORD_DECODE_ERRORS))
            i += 1
    return words, vectors


def _truncated(path, row, vocab_size, offset, fmt):
    raise ModelFormatError(f"{shown_name(path)}: truncated at vector row {row + 1} of {vocab_size} (byte offset "
                           f"{offset}): the {fmt} file ends early; re-save or re-download it")


def _malformed(path, row, offset, what):
    raise ModelFormatError(f"{shown_name(path)}: malformed vector row {row + 1} (byte offset {offset}): {what}")


def _check_decoding(path, words) -> None:
    bad = sum(1 for w in words if "\ufffd" in w)
    if bad:
        logger.warning("%s: %d word(s) held invalid UTF-8; the bad bytes were replaced by U+FFFD",
                       path, bad)


# ---------------------------------------------------------------- word2vec text / binary writing

def _write_binary(path, words, vectors):
    vocab_size, dim = vectors.shape
    little = vectors.astype("<f4", copy=False)
    with atomic_write(path, "wb") as f:
        f.write(f"{vocab_size} {dim}\n".encode("ascii"))
        for start, stop in row_blocks(vocab_size, dim):
            chunk = []
            for w, row in zip(words[start:stop], little[start:stop]):
                chunk += (w.encode("utf-8", WORD_ENCODE_ERRORS), b" ", row.tobytes(), b"\n")
            f.write(b"".join(chunk))


def _write_text(path, words, vectors):
    vocab_size, dim = vectors.shape
    # 9 significant digits make every float32 round-trip exactly; layout as word2vec.c
    row_format = "%.9g " * dim
    with atomic_write(path, "w", encoding="utf-8", errors=WORD_ENCODE_ERRORS) as f:
        f.write(f"{vocab_size} {dim}\n")
        for start, stop in row_blocks(vocab_size, dim):
            rows = vectors[start:stop].tolist()
            f.write("".join(f"{w} {row_format % tuple(r)}\n" for w, r in zip(words[start:stop], rows)))


def _check_finite(path, words, vectors) -> None:
    """Refuse vectors holding NaN or infinities, naming the first word that has one."""
    row = first_non_finite(vectors)
    if row >= 0:
        raise ModelFormatError(f"{shown_name(path)}: the vector of word {words[row]!r} (row {row + 1}) is not finite "
                               "(NaN or infinity): vectors must be finite numbers; the file is corrupt "
                               "or came from a training that diverged")


def _check_file(path) -> Path:
    p = check_model_file(path, "vector file")
    if p.stat().st_size == 0:
        raise ModelFormatError(f"vector file {str(p)!r} is empty")
    return p

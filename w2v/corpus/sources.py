"""Opening a corpus source for reading bytes: files (decompressed by extension), ``-`` and pipes.

>>> with open_text_source("corpus.txt.gz") as stream:     # doctest: +SKIP
...     head = stream.read(1 << 20)

Nothing is ever read twice, so standard input and named pipes work: what was read to look at the
start of a stream (a byte-order mark, the shape of the first block) is handed out again by
:class:`PrefixedStream`. A UTF-8 byte-order mark is skipped; UTF-16 and UTF-32 ones are refused with a
one-line :class:`~w2v.errors.CorpusError`, since their text would otherwise be read as garbage, and so
is text in those encodings without a mark when its first characters are below U+0100 (a NUL byte
beside each: UTF-8 text holds none there).
"""
from __future__ import annotations

import errno
import os
import reprlib
import stat
import sys
from pathlib import Path

from w2v.errors import CorpusError
from w2v.fileio import open_binary


def read_full(stream, size: int) -> bytes:
    """Up to ``size`` bytes, fewer only at the end of the stream (pipes return short reads)."""
    parts = []
    got = 0
    while got < size:
        data = stream.read(size - got)
        if not data:
            break
        parts.append(data)
        got += len(data)
    return b"".join(parts)


def is_standard_input(path) -> bool:
    """True for the string ``-``, the name of standard input.

    Only the string: ``Path("./-")``, which is ``Path("-")``, is how a file named ``-`` is given
    (``w2v vocab ./-``, as ``cat ./-``), and is read as that file.
    """
    return isinstance(path, str) and path == "-"


def corpus_path(source) -> Path:
    """``source`` (a str or PathLike) as a :class:`Path`, or a one-line :class:`CorpusError` for a
    name that can name no file: an empty string (``Path("")`` is ``Path(".")``: the current folder
    would be read as the corpus), one holding a NUL character, or one longer than the system takes
    (``os.stat`` raises ValueError or OSError for those two; a missing file is left to the caller)."""
    if isinstance(source, str) and not source:
        raise CorpusError("the corpus path is empty: give a file or folder (\".\" for the current folder)")
    path = Path(source)
    try:
        os.stat(path)
    except ValueError:
        raise CorpusError(f"corpus {str(path)!r} cannot be a file name: it holds a NUL character") from None
    except OSError as err:
        if err.errno == errno.ENAMETOOLONG:
            raise CorpusError(f"corpus {reprlib.repr(str(path))} cannot be opened: {err.strerror}") from None
    return path


def is_stream(path) -> bool:
    """True for ``-`` (standard input, see :func:`is_standard_input`) and for pipes and character
    devices such as ``/dev/stdin``."""
    if is_standard_input(path):
        return True
    try:
        mode = os.stat(path).st_mode
    except OSError:
        return False
    return stat.S_ISFIFO(mode) or stat.S_ISCHR(mode)


class PrefixedStream:
    """A binary stream whose first bytes were already read: serves them, then the rest."""

    def __init__(self, head: bytes, stream):
        self.head = head
        self.stream = stream

    def read(self, size: int = -1) -> bytes:
        if not self.head:
            return self.stream.read(size)
        if size < 0:
            head, self.head = self.head, b""
            return head + self.stream.read()
        head, self.head = self.head[:size], self.head[size:]
        return head     # a short read, as pipes give: every reader here handles those

    def readinto(self, buffer) -> int:
        data = self.read(len(buffer))
        buffer[:len(data)] = data
        return len(data)

    def close(self) -> None:
        self.stream.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        self.close()


_BYTE_ORDER_MARKS = (
    (b"\x00\x00\xfe\xff", "UTF-32"), (b"\xff\xfe\x00\x00", "UTF-32"),
    (b"\xfe\xff", "UTF-16"), (b"\xff\xfe", "UTF-16"),
)


def _wide_encoding(head: bytes) -> str | None:
    """``"UTF-16LE"`` (``"UTF-16BE"``, ``"UTF-32LE"``, ``"UTF-32BE"``) when the first 4 bytes of a
    text are what two characters below U+0100 (one, for UTF-32) give in that encoding: each beside
    its NUL bytes. UTF-8 text holds no such NULs; read as UTF-8, a wide text gives a word per
    letter (the default tokenizer cuts at NUL) or words full of NULs (the whitespace one).
    """
    if len(head) < 4:
        return None
    nul = [b == 0 for b in head[:4]]
    if nul == [False, True, True, True]:
        return "UTF-32LE"
    if nul == [True, True, True, False]:
        return "UTF-32BE"
    if nul == [False, True, False, True]:
        return "UTF-16LE"
    if nul == [True, False, True, False]:
        return "UTF-16BE"
    return None


def open_text_source(path):
    """Open a corpus file (decompressed by extension) or ``-`` (the string: standard input) for
    reading UTF-8 bytes.

    A UTF-8 byte-order mark is skipped. Nothing is read twice, so pipes work.

    Raises
    ------
    CorpusError
        If the file starts with a UTF-16 or UTF-32 byte-order mark (it would be read as garbage), or
        ``path`` is ``-`` and standard input is closed or has no file descriptor.
    """
    if is_standard_input(path):
        stream = os.fdopen(os.dup(_stdin_descriptor()), "rb")
    else:
        stream = open_binary(path)
    return skip_byte_order_mark(stream, path)


def _stdin_descriptor() -> int:
    """The file descriptor of standard input, or a one-line :class:`CorpusError` when there is none:
    a process started with it closed (``<&-``) has ``sys.stdin`` None, and a program that replaced
    it (a notebook, a test's capture) may hold an object without a descriptor, or a closed one."""
    try:
        return sys.stdin.fileno()
    except (AttributeError, ValueError, OSError):   # None; closed; io.UnsupportedOperation
        raise CorpusError("corpus '-' is standard input, which is closed or not a file this process can "
                          "read: pipe the text into the command, or give the corpus's path") from None


def skip_byte_order_mark(stream, path) -> PrefixedStream:
    """``stream`` (the start of a corpus file's text) past a UTF-8 byte-order mark, if it has one.

    Parameters
    ----------
    stream : binary stream
        Positioned at the first byte of the file's (decompressed) text; closed here if refused.
    path : str or PathLike
        The file, for the message.

    Returns
    -------
    PrefixedStream
        The bytes of ``stream`` after the mark.

    Raises
    ------
    CorpusError
        If the text starts with a UTF-16 or UTF-32 byte-order mark, or with the NUL bytes of ASCII
        text in one of those without a mark (it would be read as garbage).
    """
    head = read_full(stream, 4)
    for mark, encoding in _BYTE_ORDER_MARKS:
        if head.startswith(mark):
            stream.close()
            raise CorpusError(f"corpus {str(path)!r} is {encoding} text (it starts with a byte-order mark): "
                              f"convert it to UTF-8 first, e.g. iconv -f {encoding} -t UTF-8")
    encoding = _wide_encoding(head)
    if encoding is not None:
        stream.close()
        raise CorpusError(f"corpus {str(path)!r} looks like {encoding} text without a byte-order mark (NUL bytes "
                          f"between its first characters): convert it to UTF-8 first, e.g. iconv -f {encoding} "
                          "-t UTF-8")
    if head.startswith(b"\xef\xbb\xbf"):
        head = head[3:]
    return PrefixedStream(head, stream)

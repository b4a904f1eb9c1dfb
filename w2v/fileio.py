"""Opening files the way every part of w2v needs: compressed transparently, written atomically.

>>> with atomic_write("vectors.txt", "w") as f:    # doctest: +SKIP
...     f.write("2 3\\n...")
>>> with open_binary("corpus.txt.gz") as f:        # doctest: +SKIP
...     head = f.read(100)

A file written through :func:`atomic_write` either appears whole under its final name or not at
all: the data goes to a temporary file in the same folder, is flushed to disk, and is renamed over
the target only when the ``with`` block ends without an exception. A target that exists and is not
a regular file (``/dev/null``, a FIFO), or that names an open descriptor (``/dev/stdout``), is
written into directly, never replaced: there what was written before an exception stays.

Every file of words (vectors, vocabularies, word classes, ARPA models) writes a word holding a lone
surrogate (``"\\udcff"``, which the Python API accepts and no UTF-8 text holds) as ``surrogatepass``
encodes it, and reads it back as that word: :data:`WORD_ENCODE_ERRORS`, :data:`WORD_DECODE_ERRORS`.
"""
from __future__ import annotations

import bz2
import codecs
import contextlib
import errno
import gzip
import lzma
import os
import re
import stat
import sys
import tempfile
import zlib
from pathlib import Path
from typing import IO, Iterator

from w2v.errors import CorpusError, W2VError

# Read once at import: os.umask can only be read by setting it, which is not thread-safe.
_UMASK = os.umask(0o022)
os.umask(_UMASK)

_OPENERS = {".gz": gzip.open, ".bz2": bz2.open, ".xz": lzma.open}


def shown_name(path: str | os.PathLike) -> str:
    """``path`` as a text report or an error line shows it: as it is, or, when it holds a character
    that is not printable, quoted and escaped as ``repr`` writes it.

    A newline (or another control character) in a file name would split one name over two lines of
    a report, or drive the terminal; an ordinary name (spaces included) stays unquoted, as before.
    ``--json`` output escapes names itself and does not use this.
    """
    name = os.fspath(path)
    name = os.fsdecode(name) if isinstance(name, bytes) else name
    return name if name.isprintable() else repr(name)


#: what a file argument that cannot be standard input says of ``-`` when no file has that name
NOT_STANDARD_INPUT = "standard input is not accepted for this argument; give a file name"


def _missing_file(what: str, path) -> str:
    """The one-line message for a file ``path`` that does not exist, naming it by ``what``.

    ``-`` (the str) is standard input for a corpus; where a file is needed and no file has that name,
    "'-' does not exist" would read as a missing file, so the message says that standard input is
    not accepted there. ``Path("-")`` is how a file named ``-`` is given and is named as a file.
    """
    if isinstance(path, str) and path == "-":
        return f"{what} '-': {NOT_STANDARD_INPUT}"
    return f"{what} {str(Path(path))!r} does not exist: check the path"


def check_readable(path: str | os.PathLike, what: str = "file", error: type[W2VError] = CorpusError,
                   folder_hint: str = "give a file") -> Path:
    """Return ``path`` as a :class:`Path` or raise a one-line user error.

    Parameters
    ----------
    path : str or PathLike
        The file to check.
    what : str
        How to name the file in the message ("corpus", "vector file", ...).
    error : type of W2VError
        The exception raised (``CorpusError`` for inputs, ``ModelFormatError`` for model files).
    folder_hint : str
        What to tell the user when ``path`` is a folder.
    """
    p = Path(path)
    if not p.exists():
        raise error(_missing_file(what, path))
    if p.is_dir():
        raise error(f"{what} {str(p)!r} is a folder: {folder_hint}")
    if not os.access(p, os.R_OK):
        raise error(f"{what} {str(p)!r} is not readable: check its permissions")
    return p


def open_binary(path: str | os.PathLike) -> IO[bytes]:
    """Open ``path`` for reading bytes, decompressing ``.gz``, ``.bz2`` and ``.xz`` on the fly.

    The compression is chosen by the file's extension. A file of 0 bytes under such a name is a
    stream cut short (``EOFError``, which :func:`decompression_errors` reports as a truncated file)
    for all three, as ``gzip -t``, ``bzip2 -t`` and ``xz -t`` say.
    """
    p = Path(path)
    opener = _OPENERS.get(p.suffix.lower())
    if opener is None:
        return open(p, "rb")
    if opener is gzip.open and _is_empty_file(p):
        # gzip writes at least 20 bytes, even for no text: 0 bytes is a file cut short, which gzip
        # itself refuses ('unexpected end of file') and gzip.open reads as an empty text; refused
        # here with the error bz2 and lzma give for the same (decompression_errors names the file)
        raise EOFError("Compressed file ended before the end-of-stream marker was reached")
    return opener(p, "rb")


def _is_empty_file(path: Path) -> bool:
    try:
        info = os.stat(path)
    except OSError:
        return False       # opening it reports what is wrong
    return stat.S_ISREG(info.st_mode) and info.st_size == 0


def is_url(source) -> bool:
    """True when ``source`` is a string naming a protocol (``scheme://...``): a corpus that a
    cluster's workers read through fsspec (:mod:`w2v.distributed.storage`), not a local path."""
    return isinstance(source, str) and "://" in source


def is_compressed(path: str | os.PathLike) -> bool:
    """True when :func:`open_binary` would decompress ``path`` (its extension is .gz, .bz2 or .xz)."""
    return Path(path).suffix.lower() in _OPENERS


#: What gzip, bz2 and lzma raise on a damaged or cut-short stream (BadGzipFile is an OSError).
#: An OSError is theirs only without an errno: see :func:`_is_bad_data`.
DECOMPRESSION_ERRORS = (OSError, EOFError, lzma.LZMAError, zlib.error)

#: system errors raised when a file is opened (not while its bytes are read)
_OPEN_ERRNOS = frozenset({errno.ENOENT, errno.ELOOP, errno.ENOTDIR, errno.EISDIR, errno.ENAMETOOLONG})


def _is_bad_data(err: BaseException) -> bool:
    # gzip and bz2 raise a plain OSError ("Not a gzipped file", "Invalid data stream") without an
    # errno for bad data in some Python versions, so the errno, not the type, tells them apart from
    # the system's errors (a missing file, a broken link, a link loop, a read error of the disk)
    return not isinstance(err, OSError) or err.errno is None


def _system_error_hint(err: OSError) -> str:
    if err.errno == errno.ELOOP:
        return " (a link loop?)"
    if err.errno == errno.ENOENT and err.filename is not None and os.path.islink(err.filename):
        return " (a broken link?)"
    return ""


@contextlib.contextmanager
def decompression_errors(path, what: str = "file", error: type[W2VError] = CorpusError) -> Iterator[None]:
    """Turn the errors of reading a damaged (compressed) file into one-line ``error``.

    Wrap the code that reads from :func:`open_binary` so that a truncated ``.gz`` or a file
    that is not really gzip reports which file is broken instead of a traceback. An error of the
    system (a missing file, a broken link, a link loop, a failing disk) is named as what it is,
    not as a corrupt file.

    Parameters
    ----------
    path : str, PathLike or callable
        The file named in the message; a zero-argument callable is called when the error
        happens (for readers that go through several files).
    what : str
        How to name the file ("corpus", "vector file", "ARPA file", ...).
    error : type of W2VError
        The exception raised.

    >>> with decompression_errors("v.txt.gz", "vector file", ModelFormatError):  # doctest: +SKIP
    ...     data = open_binary("v.txt.gz").read()
    """
    try:
        yield
    except PermissionError:
        name = path() if callable(path) else repr(str(path))
        raise error(f"{what} {name} cannot be read: permission denied; check its permissions") from None
    except DECOMPRESSION_ERRORS as err:
        name = path() if callable(path) else repr(str(path))
        if not _is_bad_data(err):
            verb = "opened" if err.errno in _OPEN_ERRNOS else "read"
            raise error(f"{what} {name} cannot be {verb}: {err.strerror or err}{_system_error_hint(err)}") from None
        raise error(f"{what} {name} cannot be read ({err}): the file is corrupt or truncated; "
                    "check or re-download it") from None


@contextlib.contextmanager
def atomic_write(path: str | os.PathLike, mode: str = "wb", encoding: str | None = None,
                 errors: str | None = None) -> Iterator[IO]:
    """Write a file so that it appears whole or not at all (a device, a pipe or an open
    descriptor's name such as ``/dev/stdout`` is written into directly instead: see the module's
    docstring).

    Parameters
    ----------
    path : str or PathLike
        Final destination. Its folder must exist.
    mode : {"wb", "w"}
        Binary or text mode.
    encoding : str, optional
        Text encoding (text mode only; default UTF-8).
    errors : str, optional
        Text mode only: how characters the encoding cannot hold are written (default strict; files
        of words give :data:`WORD_ENCODE_ERRORS`).

    Yields
    ------
    file object
        Write to it inside the ``with`` block; on an exception the temporary file is removed and
        a regular destination is left untouched.
    """
    if mode not in ("w", "wb"):
        raise ValueError(f"atomic_write mode must be 'w' or 'wb', not {mode!r}")
    if errors is not None and mode != "w":
        raise ValueError("atomic_write takes errors in text mode ('w') only")
    text = {"encoding": encoding or "utf-8", "errors": errors, "newline": ""}
    target = Path(path)
    descriptor = open_descriptor_named(target)
    if descriptor is not None:
        # /dev/stdout, /dev/fd/N, /proc/self/fd/N: a name of a descriptor this process holds (one a
        # shell redirected to a file is a regular file, so renaming would replace the link itself);
        # write through that descriptor, at its offset, as writing to it would
        for stream in (sys.stdout, sys.stderr):
            with contextlib.suppress(Exception):
                stream.flush()
        with os.fdopen(os.dup(descriptor), mode, **(text if mode == "w" else {})) as f:
            yield f
        return
    if target.exists() and not target.is_file():
        # a device or pipe (/dev/null, /dev/stdout, a FIFO): renaming a file over it would replace
        # the node itself, so write into it; there is nothing to make atomic
        with open(target, mode, **(text if mode == "w" else {})) as f:
            yield f
        return
    folder = target.parent if str(target.parent) else Path(".")
    if not folder.is_dir():
        raise CorpusError(f"folder {str(folder)!r} does not exist: create it first")
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=folder)
    try:
        if mode == "w":
            f = os.fdopen(fd, "w", **text)
        else:
            f = os.fdopen(fd, "wb")
        with f:
            yield f
            f.flush()
            os.fsync(f.fileno())
        # mkstemp creates the file private (0600); give it the mode a plain open() would have.
        os.chmod(tmp, 0o666 & ~_UMASK)
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


def open_descriptor_named(path: str | os.PathLike) -> int | None:
    """The number of this process's open file descriptor that ``path`` names through
    ``/proc/self/fd`` (``/dev/stdout``, ``/dev/fd/2``, ``/proc/self/fd/3``, or a link to one), or
    None for any other path.

    Parameters
    ----------
    path : str or PathLike
    """
    here = re.compile(rf"/proc/(?:self|thread-self|{os.getpid()})(?:/task/\d+)?/fd")
    name = os.path.abspath(path)
    for _ in range(40):     # the kernel's own limit on links followed in one path
        folder, last = os.path.split(name)
        with contextlib.suppress(OSError):
            if here.fullmatch(os.path.realpath(folder)) and last.isascii() and last.isdigit():
                return int(last)
        if not os.path.islink(name):
            return None
        try:
            # onto the folder as the kernel reached it (links in it followed), not normalised: ".."
            # after a link leaves the link's target, not the link's folder
            name = os.path.join(os.path.realpath(folder), os.readlink(name))
        except OSError:
            return None
    return None


#: compression of a written file by its extension: what :func:`open_binary` decompresses
_COMPRESSORS = {".gz": lambda raw, name: gzip.GzipFile(filename=name, mode="wb", fileobj=raw),
                ".bz2": lambda raw, name: bz2.BZ2File(raw, "wb"),
                ".xz": lambda raw, name: lzma.LZMAFile(raw, "wb")}


@contextlib.contextmanager
def compressed_output(raw: IO[bytes], path: str | os.PathLike) -> Iterator[IO[bytes]]:
    """Bytes written to the open binary file ``raw``, compressed when ``path`` ends in .gz, .bz2 or
    .xz (any case), as :func:`open_binary` reads them back.

    ``raw`` is typically the file :func:`atomic_write` yields for ``path``; it is left open (the
    compressed stream's end is written when the block ends), so ``atomic_write`` still flushes and
    renames it. Without such an extension ``raw`` itself is yielded.

    >>> with atomic_write("corpus.txt.gz") as raw, compressed_output(raw, "corpus.txt.gz") as f:  # doctest: +SKIP
    ...     f.write(b"new_york is\\n")
    """
    compressor = _COMPRESSORS.get(Path(path).suffix.lower())
    if compressor is None:
        yield raw
        return
    # the name recorded in a gzip header is the final one, not the temporary file's
    stream = compressor(raw, Path(path).name)
    try:
        yield stream
    except BaseException:
        # closed now, while raw is open (atomic_write removes the file anyway), not by the garbage
        # collector writing into a closed file; the original error is the one to report
        with contextlib.suppress(Exception):
            stream.close()
        raise
    stream.close()


def probe_atomic_write(path: str | os.PathLike) -> None:
    """Create and remove the temporary file :func:`atomic_write` would create for ``path``.

    Call it before a long computation whose result goes to ``path``: a folder where no file can be
    created (read-only, ``/proc``, no permission, no free inode) then fails now, not after the work.
    A target that exists and is not a regular file (a device, a pipe), or names an open descriptor
    (``/dev/stdout``), is not probed: :func:`atomic_write` writes into it, and opening it now would
    wait for a pipe's reader and closing it end the reader's stream. Nothing is left behind and
    ``path`` is untouched.

    Raises
    ------
    OSError
        What creating the file raised.
    """
    target = Path(path)
    descriptor = open_descriptor_named(target)
    if descriptor is not None:
        # written through the descriptor at the end, never replaced: it must be open for writing
        import fcntl  # here: only systems with /proc/self/fd get this far, and fcntl is POSIX's

        try:
            writable = fcntl.fcntl(descriptor, fcntl.F_GETFL) & os.O_ACCMODE != os.O_RDONLY
        except OSError:
            writable = False
        if not writable:
            raise OSError(errno.EBADF, f"{str(path)!r} names descriptor {descriptor}, which is not open for writing")
        return
    if target.exists() and not target.is_file():
        return
    folder = target.parent if str(target.parent) else Path(".")
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=folder)
    os.close(fd)
    os.unlink(tmp)


#: values a writer formats per write: enough that the cost of a write vanishes, few enough that the
#: formatted block (for text, a Python float per value) stays small next to the matrix written
#: (vectors are written at the end of training, when the process is at its largest)
WRITE_BLOCK_VALUES = 1 << 15


def row_blocks(n_rows: int, row_values: int) -> Iterator[tuple[int, int]]:
    """``(start, stop)`` row ranges that cut ``n_rows`` rows of ``row_values`` values each into
    blocks of about :data:`WRITE_BLOCK_VALUES` values (at least one row per block)."""
    rows = max(1, WRITE_BLOCK_VALUES // max(row_values, 1))
    return ((start, min(n_rows, start + rows)) for start in range(0, n_rows, rows))


#: what ends a word in the white-space-separated files (word2vec text and binary, GloVe, vocabulary
#: files): ASCII white space, and NUL, which ends a C string. Other control characters stay in words,
#: as word2vec.c and the whitespace tokenizer keep them
WORD_BREAKS = " \t\n\r\x0b\x0c\x00"
_WORD_BREAK = re.compile(f"[{re.escape(WORD_BREAKS)}]")


#: how every writer of words encodes them to UTF-8 (``str.encode("utf-8", WORD_ENCODE_ERRORS)``, or a
#: text file opened with ``errors=WORD_ENCODE_ERRORS``). A word can hold a lone surrogate (U+D800 to
#: U+DFFF, which no UTF-8 text holds: ``"\udcff"`` given through the Python API); it is written as the
#: three bytes of its code point (ED B3 BF), as the binary and native vector formats always wrote it,
#: not refused with a UnicodeEncodeError. Formats with an escape of their own (JSON, the projector's
#: metadata.tsv, plot labels) write the escape ``\udcff`` instead and stay valid UTF-8
WORD_ENCODE_ERRORS = "surrogatepass"
#: how every reader of a file of words decodes it (``data.decode("utf-8", WORD_DECODE_ERRORS)``): the
#: three bytes :data:`WORD_ENCODE_ERRORS` writes for a lone surrogate read back as that surrogate; any
#: other invalid UTF-8 is one U+FFFD per invalid sequence, as with ``errors="replace"``
WORD_DECODE_ERRORS = "w2v-words"
_SURROGATEPASS = codecs.lookup_error("surrogatepass")
_REPLACE = codecs.lookup_error("replace")


def _decode_word_error(err: UnicodeError):
    if not isinstance(err, UnicodeDecodeError):
        raise err  # a decoding handler only: writers give WORD_ENCODE_ERRORS
    try:
        return _SURROGATEPASS(err)
    except UnicodeDecodeError:  # not an encoded surrogate
        return _REPLACE(err)


codecs.register_error(WORD_DECODE_ERRORS, _decode_word_error)


def first_unwritable_word(words) -> str | None:
    """The first of ``words`` (a sequence of str) that a white-space-separated file cannot hold (an
    empty word, or one holding a character of :data:`WORD_BREAKS`), or ``None`` when all can be."""
    if all(words) and not _WORD_BREAK.search("".join(words)):  # the usual case: one pass in C
        return None
    return next(w for w in words if not w or _WORD_BREAK.search(w))


def check_model_file(path: str | os.PathLike, what: str = "model file") -> Path:
    """Return ``path`` as a :class:`Path` if it is a regular file this process can open.

    Model, vector and vocabulary files are read more than once (sniffed, then parsed), so a FIFO
    or a device cannot be one; a file that cannot be opened is reported as such, not as corrupt.

    Parameters
    ----------
    path : str or PathLike
        The file to check.
    what : str
        How to name the file in the message ("vector file", "language model", ...).

    Raises
    ------
    ModelFormatError
        Missing, a folder, not a regular file, or not readable (the message says which).
    """
    from w2v.errors import ModelFormatError

    return check_regular_file(path, what, ModelFormatError,
                              why=f"a {what} is read more than once, so save it to a file first")


def check_regular_file(path: str | os.PathLike, what: str = "file", error: type[W2VError] = CorpusError,
                       why: str = "it is read whole, so save it to a file first", pipes: bool = False) -> Path:
    """Return ``path`` as a :class:`Path` if it is a regular file this process can open.

    For every input that is not a corpus: model files (:func:`check_model_file`) and the side files
    read whole (analogy questions, word pairs, classes, connector words, held-out text). Only a
    corpus may be a pipe or standard input, because it is streamed; a side file that is a device
    (``/dev/zero``) would fill memory, so it is refused from its type alone, without opening it. A
    pipe is refused too unless ``pipes``: a file read more than once (a model, the questions of
    every epoch) cannot be one, while one read once may (``--pairs <(zcat pairs.gz)``).

    Parameters
    ----------
    path : str or PathLike
        The file to check.
    what : str
        How to name the file in the message: the kind of file ("classes file") or the option that
        gave it ("--pairs").
    error : type of W2VError
        The exception raised (default :class:`CorpusError`, a usage error).
    why : str
        What the message says after "is not a regular file but a FIFO:".
    pipes : bool
        Accept a pipe (FIFO), for a file read once. It is not opened here: that would wait for its
        writer, and closing it would end the writer's stream.

    Raises
    ------
    error
        Missing, a folder, not a regular file, or not readable (the message says which).
    """
    p = Path(path)
    try:
        mode = p.stat().st_mode
    except FileNotFoundError:
        raise error(_missing_file(what, path)) from None
    except PermissionError:
        raise error(f"{what} {str(p)!r} cannot be read: permission denied; check the "
                   "permissions of its folders") from None
    except OSError as err:
        raise error(f"{what} {str(p)!r} cannot be read ({err.strerror or err})") from None
    if stat.S_ISDIR(mode):
        raise error(f"{what} {str(p)!r} is a folder: give the file itself")
    if stat.S_ISFIFO(mode) and pipes:
        if not os.access(p, os.R_OK):
            raise error(f"{what} {str(p)!r} cannot be read: permission denied; check its permissions")
        return p
    if not stat.S_ISREG(mode):
        kind = "a pipe (FIFO)" if stat.S_ISFIFO(mode) else "a device or socket"
        raise error(f"{what} {str(p)!r} is not a regular file but {kind}: {why}")
    try:
        with open(p, "rb"):
            pass
    except PermissionError:
        raise error(f"{what} {str(p)!r} cannot be read: permission denied; check its "
                   "permissions") from None
    except OSError as err:
        raise error(f"{what} {str(p)!r} cannot be read ({err.strerror or err})") from None
    return p

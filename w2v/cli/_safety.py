"""Guards every sub-command shares: never write over an input, print only strict JSON, blame a failed
write on the right file, and stop on SIGTERM exactly as on Ctrl-C.

    refuse_overwrite({"corpus": args.corpus}, {"-o": args.output, "--save-state": args.save_state})
    print(dumps({"similarity": float("nan")}))         # {"similarity": null}
    with writing(args.output, "vocabulary"):
        vocab.save(args.output)

These live in one place so that each command only says *which* paths it reads and writes.
"""
from __future__ import annotations

import contextlib
import json
import math
import os
import signal
import stat
import sys
from typing import Iterator, Mapping

from w2v.errors import OutputError, W2VError

#: exit status after SIGTERM (128 + signal number, what a shell reports for a killed process)
EXIT_TERMINATED = 128 + signal.SIGTERM
#: exit status after Ctrl-C
EXIT_INTERRUPTED = 130


class PathConflictError(W2VError):
    """An output path is also an input, or two outputs are one file (usage error, exit 2)."""


# -- inputs are never destroyed ---------------------------------------------------------------------

def same_file(a, b) -> bool:
    """Whether paths ``a`` and ``b`` name one file: the same inode (hard or symbolic links count)
    when both exist, else the same path once symbolic links and ``..`` are resolved."""
    try:
        if os.path.samefile(a, b):
            return True
    except OSError:  # one of them does not exist (yet)
        pass
    return os.path.realpath(a) == os.path.realpath(b)


def _is_path(value) -> bool:
    # the argument '-' (a str, as the argument types return it) is standard input/output, not a
    # file that could be overwritten; a path object spelled '-' is the file of that name ('./-' on
    # the command line); a stream object given instead of a path has no path to protect
    if isinstance(value, os.PathLike):
        return True
    return isinstance(value, (str, bytes)) and value not in ("", "-", b"", b"-")


def _is_device(path: str) -> bool:
    # /dev/null and terminals take any number of writes and hold nothing to destroy
    try:
        return stat.S_ISCHR(os.stat(path).st_mode)
    except OSError:
        return False


def refuse_overwrite(inputs: Mapping[str, object], outputs: Mapping[str, object]) -> None:
    """Raise :class:`PathConflictError` when an output would replace an input or another output.

    Call it before any work. A folder input (a corpus folder) conflicts with every path its
    listing reads (:func:`w2v.corpus.folders.would_be_read`: not hidden, through links too): an
    existing file there is read as part of the corpus, and a new one would be by the next run on
    that folder (a ``--resume`` among them). An input given as ``"-"`` conflicts with the file
    that standard input reads (``w2v train - -o x.txt < x.txt``), and every output path with the
    file standard output writes to (``--save-vocab x.txt > x.txt``: the report or what ``-o -``
    writes goes there).

    Parameters
    ----------
    inputs, outputs : mapping of str to path or None
        What the command reads and writes, keyed by how the user named it (``"CORPUS"``,
        ``"-o"``, ``"--save-state"``); ``None`` entries are ignored, and so are ``"-"`` outputs.
    """
    ins = [(name, os.fspath(p)) for name, p in inputs.items() if _is_path(p)]
    stdin_read = any(isinstance(p, (str, bytes)) and p in ("-", b"-") for p in inputs.values())
    outs = [(name, os.fspath(p)) for name, p in outputs.items() if _is_path(p) and not _is_device(os.fspath(p))]
    for i, (out_name, out) in enumerate(outs):
        for in_name, src in ins:
            if same_file(out, src):
                raise PathConflictError(f"{out_name} {out!r} is the input {in_name} {src!r}: writing it would "
                                        "destroy what is read; choose another output path")
            if os.path.isdir(src) and _read_from_folder(out, src):
                raise PathConflictError(
                    f"{out_name} {out!r} is inside the corpus folder {in_name} {src!r}, whose files are all read: "
                    + ("writing it would destroy what is read" if os.path.exists(out)
                       else "it would be read as part of the corpus from then on")
                    + "; choose another output path")
        if _is_file_of(sys.stdout, out):
            raise PathConflictError(f"{out_name} {out!r} is standard output, which takes "
                                    + ("what -o - writes" if any(v == "-" for v in outputs.values()) else "the report")
                                    + ": give it a file name")
        if stdin_read and _is_file_of(sys.stdin, out, regular=True):
            raise PathConflictError(f"{out_name} {out!r} is the file read on standard input: writing it would "
                                    "destroy what is read; choose another output path")
        for other_name, other in outs[:i]:
            if same_file(out, other):
                raise PathConflictError(f"{other_name} and {out_name} are the same file {out!r}: "
                                        "give each output its own path")


def _is_file_of(stream, path: str, regular: bool = False) -> bool:
    # whether path is the file or pipe behind stream (stdin, stdout); a device (a terminal,
    # /dev/null) takes any number of outputs, and a stand-in stream has no file; with regular, only
    # a regular file counts
    try:
        held = os.fstat(stream.fileno())
        target = os.stat(path)
    except (AttributeError, OSError, ValueError):
        return False
    kind_ok = stat.S_ISREG(held.st_mode) if regular else not stat.S_ISCHR(held.st_mode)
    return kind_ok and (held.st_dev, held.st_ino) == (target.st_dev, target.st_ino)


def _read_from_folder(path: str, folder: str) -> bool:
    # imported here: the corpus package is not loaded by the commands that read no corpus
    from w2v.corpus.folders import would_be_read

    return would_be_read(path, folder)


# -- strict JSON --------------------------------------------------------------------------------------

def finite_or_none(value):
    """``value`` with every non-finite float (NaN, inf, -inf) replaced by ``None``, recursively
    through dicts, lists and tuples; numpy scalars become Python numbers."""
    if isinstance(value, dict):
        return {key: finite_or_none(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [finite_or_none(item) for item in value]
    if hasattr(value, "item") and callable(value.item) and getattr(value, "ndim", None) == 0:
        value = value.item()  # numpy scalar
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def dumps(value, **kwargs) -> str:
    """JSON text that every strict parser accepts: NaN and infinities are written as ``null``.

    Python's ``json`` writes them as ``NaN`` / ``Infinity``, which is not JSON. Keyword arguments
    go to :func:`json.dumps` (``ensure_ascii=False`` is the default here).
    """
    kwargs.setdefault("ensure_ascii", False)
    return json.dumps(finite_or_none(value), allow_nan=False, **kwargs)


# -- write failures ------------------------------------------------------------------------------------

@contextlib.contextmanager
def writing(path, what: str = "output") -> Iterator[None]:
    """Turn an ``OSError`` raised while writing ``path`` into a one-line :class:`OutputError` that
    names ``path`` (not the temporary file, not another output of the same command).

    Parameters
    ----------
    path : str or PathLike
        The file being written, or ``"-"`` for standard output.
    what : str
        How to name it ("vectors", "trainer state", "model", ...).
    """
    try:
        yield
    except BrokenPipeError:
        raise  # a reader that closed standard output early (``| head``): main() ends quietly
    except OSError as err:
        reason = err.strerror or str(err)
        if path == "-":
            raise OutputError(f"could not write the {what} to standard output: {reason}") from None
        raise OutputError(f"could not write the {what} {os.fspath(path)!r}: {reason}; "
                          "free some space, check the folder's permissions or choose another path") from None


def check_outputs(outputs: Mapping[str, object], before: str = "nothing was done") -> None:
    """Raise a one-line :class:`OutputError` now if one of ``outputs`` could not be created.

    Each is probed the way the atomic writer will write it (:func:`w2v.fileio.probe_atomic_write`),
    so that a long run does not end on a path it can never write.

    Parameters
    ----------
    outputs : mapping of str to path or None
        How the message names each output ("vectors", "trainer state", ...) and its path;
        ``None`` and ``"-"`` entries are skipped.
    before : str
        What the message says was not done yet ("nothing was trained").
    """
    from w2v.fileio import probe_atomic_write

    for what, path in outputs.items():
        if path == "-" and getattr(sys.stdout, "closed", False):
            raise OutputError(f"cannot write the {what} to standard output: it is closed ({before})")
        if not _is_path(path):
            continue
        try:
            probe_atomic_write(path)
        except OSError as err:
            raise OutputError(f"cannot create the {what} {os.fspath(path)!r}: {err.strerror or err}; check the "
                              f"folder's permissions or choose another path ({before})") from None


# -- SIGTERM as Ctrl-C --------------------------------------------------------------------------------

_terminated = False


def _raise_interrupt(signum, frame):
    global _terminated
    _terminated = True
    raise KeyboardInterrupt


@contextlib.contextmanager
def sigterm_as_interrupt() -> Iterator[None]:
    """Inside the block, SIGTERM raises :class:`KeyboardInterrupt` in the main thread as Ctrl-C does,
    so the same code saves what was trained and removes temporary files; :func:`interrupt_status`
    then gives 143 instead of 130. The previous handler is restored on exit."""
    global _terminated
    _terminated = False
    try:
        previous = signal.signal(signal.SIGTERM, _raise_interrupt)
    except ValueError:  # not the main thread: leave signals alone
        yield
        return
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def interrupt_status() -> int:
    """Exit status after a :class:`KeyboardInterrupt`: 143 if it came from SIGTERM, else 130."""
    return EXIT_TERMINATED if _terminated else EXIT_INTERRUPTED


def interrupt_word() -> str:
    """How to say what stopped the run: ``"terminated"`` (SIGTERM) or ``"interrupted"`` (Ctrl-C)."""
    return "terminated" if _terminated else "interrupted"

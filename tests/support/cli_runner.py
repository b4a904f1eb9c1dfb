"""Run the ``w2v`` command line inside the test process, as ``python -m w2v`` would run it.

Starting ``python -m w2v`` costs most of a second (Python, numpy, numba and the cached kernels are
loaded again), so the CLI tests call :func:`w2v.cli.main` here instead and get the same
:class:`subprocess.CompletedProcess` back:

    out = run_cli("neighbors", model, "king", "--json")
    assert out.returncode == 0 and json.loads(out.stdout)

What a separate process would see is set up around the call and undone afterwards: standard
input is a real pipe (the corpus readers read ``-`` through its file descriptor), standard output
and error are captured as bytes, ``SystemExit`` and uncaught exceptions become an exit status (with
the traceback on stderr, so that tests asserting "no traceback" still mean it), and logging,
warnings, thread exceptions, signal handlers, the working directory and ``COLUMNS`` are restored.

Tests about the process itself (signals, environment read at import, a closed or inherited
standard input, ``/dev/stdin``, ``python -m w2v`` being runnable, Dask clusters) keep using
``subprocess``.
"""
from __future__ import annotations

import io
import logging
import os
import signal
import subprocess
import sys
import threading
import traceback
import warnings

from w2v.cli import main

__all__ = ["run_cli"]


class _KeptBytesIO(io.BytesIO):
    """A BytesIO whose bytes can still be read after it is closed: main() closes stderr after a
    BrokenPipeError, and what was written before must still reach the test."""

    kept = b""

    def close(self) -> None:
        if not self.closed:
            self.kept = self.getvalue()
        super().close()

    def value(self) -> bytes:
        return self.kept if self.closed else self.getvalue()


def _output_stream(errors: str) -> tuple[io.TextIOWrapper, _KeptBytesIO]:
    raw = _KeptBytesIO()
    # write_through: text written with print() and bytes written to .buffer (``-o -``) stay in order
    return io.TextIOWrapper(raw, encoding="utf-8", errors=errors, write_through=True), raw


def _stdin_pipe(data: bytes) -> tuple[io.TextIOWrapper, threading.Thread]:
    """A text stream over the read end of an OS pipe that a thread fills with ``data``, then closes.

    A pipe rather than a BytesIO because ``-`` is read through ``sys.stdin.fileno()``, and because it
    is what ``subprocess.run(input=...)`` gives the child.
    """
    read_fd, write_fd = os.pipe()

    def feed() -> None:
        view = memoryview(data)
        try:
            while view:
                view = view[os.write(write_fd, view):]
        except BrokenPipeError:
            pass  # the command stopped reading and its end was closed: as for a real process
        finally:
            os.close(write_fd)

    writer = threading.Thread(target=feed, name="run_cli-stdin", daemon=True)
    writer.start()
    return io.TextIOWrapper(open(read_fd, "rb"), encoding="utf-8"), writer


def _show_warning(message, category, filename, lineno, file=None, line=None) -> None:
    # pytest records warnings instead of printing them; a real process prints them on stderr
    sys.stderr.write(warnings.formatwarning(message, category, filename, lineno, line))


def _decode(data: bytes) -> str:
    # what subprocess.run(text=True) does: decode, then universal newlines (tqdm's "\r" too)
    return data.decode("utf-8").replace("\r\n", "\n").replace("\r", "\n")


def _status(exit_: SystemExit) -> int:
    """The exit status the interpreter gives for ``exit_`` (a non-integer code is printed)."""
    if exit_.code is None:
        return 0
    if isinstance(exit_.code, int):
        return exit_.code
    print(exit_.code, file=sys.stderr)
    return 1


def run_cli(*args, stdin: str | bytes | None = None, cwd=None, text: bool = True) -> subprocess.CompletedProcess:
    """Run ``w2v ARGS...`` in this process and return what ``subprocess.run`` would.

    Parameters
    ----------
    *args : str, int, float or PathLike
        The command line after ``w2v``; each is converted with ``str``.
    stdin : str or bytes, optional
        Standard input (text is encoded as UTF-8). Without it standard input is empty, as it is
        for a child of pytest (which reads fd 0 from /dev/null).
    cwd : str or PathLike, optional
        Working directory for the run; the previous one is restored afterwards.
    text : bool
        ``True``: ``stdout`` and ``stderr`` are str with universal newlines, as with
        ``subprocess.run(text=True)``; ``False``: bytes.

    Returns
    -------
    subprocess.CompletedProcess
        ``args`` (``["w2v", ...]``), ``returncode``, ``stdout`` and ``stderr``.
    """
    argv = [str(a) for a in args]
    data = stdin.encode("utf-8") if isinstance(stdin, str) else (stdin or b"")
    saved_streams = sys.stdin, sys.stdout, sys.stderr
    saved_cwd = os.getcwd()
    saved_sigterm, saved_sigint = signal.getsignal(signal.SIGTERM), signal.getsignal(signal.SIGINT)
    saved_hooks = threading.excepthook, sys.unraisablehook
    saved_columns = os.environ.get("COLUMNS")
    root = logging.getLogger()
    saved_handlers, saved_level = root.handlers[:], root.level

    stdout, stdout_raw = _output_stream("strict")
    stderr, stderr_raw = _output_stream("backslashreplace")  # Python's own error handler for stderr
    stdin_stream, writer = _stdin_pipe(data)
    try:
        # main() calls logging.basicConfig(stream=sys.stderr), which does nothing once the root logger
        # has a handler (pytest's, or an earlier run's): with none, its log lines reach this stderr.
        for handler in saved_handlers:
            root.removeHandler(handler)
        # help is wrapped to COLUMNS, else to the terminal of fd 1: a child writing to a pipe gets 80
        if saved_columns is None:
            os.environ["COLUMNS"] = "80"
        threading.excepthook, sys.unraisablehook = threading.__excepthook__, sys.__unraisablehook__
        if cwd is not None:
            os.chdir(cwd)
        sys.stdin, sys.stdout, sys.stderr = stdin_stream, stdout, stderr
        with warnings.catch_warnings():
            # a fresh interpreter's filters (as documented for the warnings module), printed on stderr
            warnings.resetwarnings()
            for category in (DeprecationWarning, PendingDeprecationWarning, ImportWarning, ResourceWarning):
                warnings.simplefilter("ignore", category)
            warnings.showwarning = _show_warning
            try:
                returncode = main(argv)
            except SystemExit as exit_:
                returncode = _status(exit_)
            except Exception:  # noqa: BLE001 - the interpreter would print it and exit 1
                traceback.print_exc()
                returncode = 1
        for stream in (stdout, stderr):
            if not stream.closed:
                stream.flush()
    finally:
        sys.stdin, sys.stdout, sys.stderr = saved_streams
        stdin_stream.close()  # the feeding thread, if still writing, gets EPIPE and ends
        writer.join()
        os.chdir(saved_cwd)
        threading.excepthook, sys.unraisablehook = saved_hooks
        if saved_columns is None:
            os.environ.pop("COLUMNS", None)
        for handler in root.handlers[:]:
            root.removeHandler(handler)
            handler.close()
        for handler in saved_handlers:
            root.addHandler(handler)
        root.setLevel(saved_level)
        # main() restores SIGTERM itself; this only keeps a broken run from leaking a handler
        if signal.getsignal(signal.SIGTERM) is not saved_sigterm and saved_sigterm is not None:
            signal.signal(signal.SIGTERM, saved_sigterm)
        if signal.getsignal(signal.SIGINT) is not saved_sigint and saved_sigint is not None:
            signal.signal(signal.SIGINT, saved_sigint)

    out, err = stdout_raw.value(), stderr_raw.value()
    if text:
        out, err = _decode(out), _decode(err)
    return subprocess.CompletedProcess(["w2v", *argv], returncode, out, err)

"""A FIFO for tests of code that must refuse it without opening it.

Opening a FIFO for reading blocks until a writer comes, so a test of "a FIFO is refused" would hang,
not fail, where the code still opens it. :func:`released_fifo` makes such a test fail instead: while
the ``with`` block runs, a thread gives end-of-file to any reader that opened the FIFO and waits
longer than ``after`` seconds (the code then sees an empty file and reports the wrong error).

    with released_fifo(tmp_path / "q.fifo") as fifo:
        out = run_cli("evaluate", model, "--analogies", fifo)
"""
from __future__ import annotations

import contextlib
import os
import threading
import time
from pathlib import Path

__all__ = ["released_fifo", "fed_fifo"]


@contextlib.contextmanager
def released_fifo(path, after: float = 3.0):
    """Create a FIFO at ``path`` and yield its :class:`Path`; a reader blocked on it for more than
    ``after`` seconds is given end-of-file, as often as one opens it, until the block ends."""
    path = Path(path)
    os.mkfifo(path)
    done = threading.Event()

    def release():
        start = time.monotonic()
        while not done.wait(0.05):
            if time.monotonic() - start < after:
                continue
            try:
                # succeeds only while a reader has the FIFO open (ENXIO otherwise): closing this
                # writer at once is the reader's end of file
                fd = os.open(path, os.O_WRONLY | os.O_NONBLOCK)
            except OSError:
                continue
            os.close(fd)

    thread = threading.Thread(target=release, daemon=True)
    thread.start()
    try:
        yield path
    finally:
        done.set()
        thread.join(5)


@contextlib.contextmanager
def fed_fifo(path, data: bytes):
    """Create a FIFO at ``path`` whose writer, a thread, gives ``data`` to the first reader, as a
    shell's ``<(...)`` does; yield its :class:`Path`. A writer left waiting (the code never read the
    FIFO) is released at the end of the block."""
    path = Path(path)
    os.mkfifo(path)

    def feed():
        with open(path, "wb") as f:   # waits for the reader
            f.write(data)

    thread = threading.Thread(target=feed, daemon=True)
    thread.start()
    try:
        yield path
    finally:
        if thread.is_alive():  # never opened: a reader of our own lets the writer finish
            fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
            thread.join(5)
            os.close(fd)

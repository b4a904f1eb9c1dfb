"""atomic_write on a path that is not a regular file (a FIFO, /dev/null, /dev/stdout) writes into it
instead of renaming a new file over it: renaming would replace the device node or pipe itself
(for root, ``-o /dev/null`` would replace the system's /dev/null with a regular file)."""
import os
import stat
import threading

from w2v.fileio import atomic_write


def test_atomic_write_to_a_fifo_writes_through_it(tmp_path):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    received = []
    reader = threading.Thread(target=lambda: received.append(open(fifo, "rb").read()), daemon=True)
    reader.start()
    try:
        with atomic_write(fifo, "wb") as f:
            f.write(b"through the pipe")
    finally:
        if reader.is_alive():  # unblock a reader whose writer never opened the FIFO
            with open(fifo, "wb"):
                pass
        reader.join(10)
    assert received == [b"through the pipe"]
    assert stat.S_ISFIFO(os.stat(fifo).st_mode), "the FIFO was replaced by a regular file"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["pipe"]


def test_atomic_write_through_a_symlink_to_a_fifo(tmp_path):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    link = tmp_path / "link"
    link.symlink_to(fifo)
    received = []
    reader = threading.Thread(target=lambda: received.append(open(fifo, "rb").read()), daemon=True)
    reader.start()
    try:
        with atomic_write(link, "w") as f:
            f.write("text")
    finally:
        if reader.is_alive():
            with open(fifo, "wb"):
                pass
        reader.join(10)
    assert received == [b"text"] and link.is_symlink() and stat.S_ISFIFO(os.stat(fifo).st_mode)


def test_a_name_of_an_open_descriptor_is_written_through_that_descriptor(tmp_path):
    # /dev/stdout -> /proc/self/fd/1: with standard output redirected to a file, the name reached a
    # regular file, so a new file was renamed over the link (as root: /dev/stdout itself replaced)
    redirected = tmp_path / "stdout.txt"
    with open(redirected, "wb") as out:
        out.write(b"before ")
        out.flush()
        fd = out.fileno()
        link = tmp_path / "stdout-link"
        link.symlink_to(f"/proc/self/fd/{fd}")
        with atomic_write(link, "wb") as f:
            f.write(b"vectors")
        with atomic_write(f"/proc/self/fd/{fd}", "w") as f:     # the magic name itself, in text mode
            f.write(" and more")
        out.write(b".")
    assert link.is_symlink() and os.readlink(link) == f"/proc/self/fd/{fd}"
    assert redirected.read_bytes() == b"before vectors and more."
    assert sorted(p.name for p in tmp_path.iterdir()) == ["stdout-link", "stdout.txt"]


def test_a_relative_link_to_a_descriptor_is_followed_as_the_kernel_follows_it(tmp_path):
    # "p/../fd/1" with p a link to /proc/self/net: the kernel resolves p first (/proc/<pid>/fd/1),
    # where collapsing ".." in the text gives "fd/1" beside the link
    from w2v.fileio import open_descriptor_named

    (tmp_path / "p").symlink_to("/proc/self/net")
    (tmp_path / "L").symlink_to("p/../fd/1")
    assert open_descriptor_named(tmp_path / "L") == 1
    assert open_descriptor_named(tmp_path / "p") is None


def test_a_name_of_a_descriptor_not_open_for_writing_fails_the_probe(tmp_path):
    # found before the work, not when the result is written
    import errno

    import pytest

    from w2v.fileio import probe_atomic_write

    reader = os.open(os.devnull, os.O_RDONLY)
    closed = os.open(os.devnull, os.O_RDONLY)
    os.close(closed)
    try:
        for fd in (reader, closed):
            with pytest.raises(OSError, match="not open for writing") as err:
                probe_atomic_write(f"/proc/self/fd/{fd}")
            assert err.value.errno == errno.EBADF
    finally:
        os.close(reader)

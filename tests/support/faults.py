"""Write faults injected in-process, for tests of what a command does when a file cannot be written
(a full disk cannot be made on demand).

    disk_full_for(monkeypatch, "v.bin")     # the write of v.bin fails with ENOSPC when flushed
"""
from __future__ import annotations

import errno
import os

__all__ = ["disk_full_for"]


def disk_full_for(monkeypatch, name: str = "") -> None:
    """``os.fsync`` fails with ENOSPC for files whose (temporary) name contains ``name`` (every file
    when empty); the atomic writers flush through it. Linux: the name is read from ``/proc``."""
    real = os.fsync

    def fsync(fd):
        if name in os.readlink(f"/proc/self/fd/{fd}"):
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        return real(fd)

    monkeypatch.setattr(os, "fsync", fsync)

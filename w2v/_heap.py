"""Giving freed heap memory back to the operating system, between phases of a run.

glibc's allocator keeps memory that was freed between blocks still in use (and in the arenas of
threads that have finished) as part of the process, so a phase that allocates and frees a lot
(counting a corpus on several threads) stays in the resident size of the phase after it
(training). ``malloc_trim(0)`` returns every free page of every arena. Other C libraries do not
have it; there :func:`release_freed_memory` does nothing.

>>> release_freed_memory()           # doctest: +SKIP
True
"""
from __future__ import annotations

import ctypes
import ctypes.util


def _find_trim():
    """glibc's ``malloc_trim``, or None."""
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        trim = libc.malloc_trim
    except (OSError, AttributeError):
        return None
    trim.argtypes = [ctypes.c_size_t]
    trim.restype = ctypes.c_int
    return trim


#: glibc's ``malloc_trim``, or None where the C library has none
trim = _find_trim()


def release_freed_memory() -> bool:
    """Return the C heap's free pages to the operating system.

    Returns
    -------
    bool
        True if the allocator was asked (glibc), False where it cannot be (nothing is done).
    """
    if trim is None:
        return False
    trim(0)
    return True

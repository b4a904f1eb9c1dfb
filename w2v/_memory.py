"""Giving memory back to the operating system during a run: what a phase freed, what it has read.

- :func:`release_freed_memory`: glibc's allocator keeps memory that was freed between blocks still
  in use (and in the arenas of threads that have finished) as part of the process, so a phase that
  allocates and frees a lot (counting a corpus on several threads) stays in the resident size of
  the phase after it (training). ``malloc_trim(0)`` returns every free page of every arena. Other C
  libraries do not have it; there it does nothing.
- :func:`release_mapped`: the encoded corpus is a memory map of a temporary file, and every page a
  training thread has read stays in the process's resident size until the map is closed: the whole
  corpus by the end of the first epoch (4 bytes per token: 800 MB for a 1 GB text). Once a chunk is
  trained its pages are released (``madvise(MADV_DONTNEED)``; the data stays in the file and the
  page cache, and a later epoch reads it again).

>>> release_freed_memory()                           # doctest: +SKIP
True
>>> release_mapped(encoded.ids, first, last)         # doctest: +SKIP
"""
from __future__ import annotations

import ctypes
import ctypes.util
import mmap

import numpy as np


def _libc_function(name: str, argtypes, restype):
    """The C library's function ``name``, or None."""
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        function = getattr(libc, name)
    except (OSError, AttributeError):
        return None
    function.argtypes = argtypes
    function.restype = restype
    return function


#: glibc's ``malloc_trim``, or None where the C library has none
trim = _libc_function("malloc_trim", [ctypes.c_size_t], ctypes.c_int)
#: ``madvise``, or None (then mapped pages stay resident until the map is closed)
_madvise = (_libc_function("madvise", [ctypes.c_void_p, ctypes.c_size_t, ctypes.c_int], ctypes.c_int)
            if hasattr(mmap, "MADV_DONTNEED") else None)


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


def is_shared_file_map(array) -> bool:
    """Whether ``array`` is a :class:`numpy.memmap` whose pages the file holds (modes ``r`` and
    ``r+``): only then can its pages be released without losing data (a private or anonymous page
    released would read back as zeros)."""
    return isinstance(array, np.memmap) and array.mode in ("r", "r+")


def release_mapped(array, start: int, stop: int) -> int:
    """Release the whole pages of ``array[start:stop]`` from the resident set (they are read from the
    file again when touched). Nothing happens unless :func:`is_shared_file_map` holds.

    Parameters
    ----------
    array : np.memmap, 1-d
    start, stop : int
        Element range (clamped to the array); pages it shares with the elements around it are kept.

    Returns
    -------
    int
        Bytes released (0 when nothing was).
    """
    if _madvise is None or not is_shared_file_map(array) or array.ndim != 1:
        return 0
    # clamped: a page past the array's end may belong to another mapping
    start, stop = max(int(start), 0), min(int(stop), array.shape[0])
    if stop <= start:
        return 0
    page = mmap.PAGESIZE
    base = array.ctypes.data
    first = -(-(base + start * array.itemsize) // page) * page      # rounded up to a page
    last = (base + stop * array.itemsize) // page * page             # rounded down
    if last <= first or _madvise(first, last - first, mmap.MADV_DONTNEED) != 0:
        return 0
    return last - first

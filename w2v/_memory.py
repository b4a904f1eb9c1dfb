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
- :func:`release_compiler_code`: loading a compiled function (even from numba's cache) runs LLVM,
  whose shared library then has some 70 MB of code and read-only data in the resident set, though
  training never executes it. After each compile or load those pages are released: they stay in
  the page cache (shared with every other numba process), and the next compile reads them again.

>>> release_freed_memory()                           # doctest: +SKIP
True
>>> release_mapped(encoded.ids, first, last)         # doctest: +SKIP
>>> release_compiler_code()                          # doctest: +SKIP
"""
from __future__ import annotations

import ctypes
import ctypes.util
import mmap
import re
import threading

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


#: the compiler's shared libraries, whose pages :func:`release_compiler_code` releases: llvmlite's
#: (LLVM linked in, as in its wheels) and LLVM's own (where llvmlite links it, as in conda's builds)
COMPILER_LIBRARIES = re.compile(r"(^|/)lib(llvmlite|LLVM)[^/]*\.so[^/]*$")
_compiler_ranges: list[tuple[int, int]] | None = None
_ranges_lock = threading.Lock()
#: the first line of a mapping in ``/proc/self/smaps`` (its "Key: value" lines follow, up to the next)
_MAPPING_HEADER = re.compile(r"^([0-9a-f]+)-([0-9a-f]+) (\S{4}) \S+ \S+ \d+[ \t]*(.*)$", re.MULTILINE)
#: the fields that count a mapping's written pages
_WRITTEN_PAGES = re.compile(r"^(?:Private_Dirty|Anonymous):\s+(\d+)", re.MULTILINE)


def clean_read_only_ranges(smaps: str, library: re.Pattern = COMPILER_LIBRARIES) -> list[tuple[int, int]]:
    """The address ranges of ``library``'s mappings that can be dropped from the resident set and
    read back from the file unchanged: not writable, and no page of them written (``Private_Dirty``
    and ``Anonymous`` zero; the relocated read-only data of a shared library is written once by the
    loader, and released it would read back unrelocated).

    Parameters
    ----------
    smaps : str
        The text of ``/proc/self/smaps``.
    library : re.Pattern
        Matched against each mapping's path.

    Returns
    -------
    list of (int, int)
        ``(start, end)`` byte addresses, page-aligned.
    """
    ranges = []
    headers = list(_MAPPING_HEADER.finditer(smaps))
    for k, head in enumerate(headers):
        start, end, perms, path = head.groups()
        if "w" in perms or not library.search(path.strip()):
            continue
        fields = smaps[head.end():headers[k + 1].start() if k + 1 < len(headers) else len(smaps)]
        written = _WRITTEN_PAGES.findall(fields)
        # without the fields (a kernel that does not report them) a mapping is never taken as clean
        if written and all(int(value) == 0 for value in written):
            ranges.append((int(start, 16), int(end, 16)))
    return ranges


def release_compiler_code() -> int:
    """Release the resident pages of the compiler's code and read-only data
    (:func:`clean_read_only_ranges` of LLVM's shared library), which stay in the page cache. Where
    there is no ``/proc/self/smaps`` or no ``madvise``, nothing happens.

    Returns
    -------
    int
        Bytes of address range advised (resident or not; 0 when nothing was).
    """
    global _compiler_ranges
    if _madvise is None:
        return 0
    with _ranges_lock:
        if _compiler_ranges is None:
            # the library stays mapped where it is and its clean pages stay clean: read once
            try:
                with open("/proc/self/smaps") as f:
                    _compiler_ranges = clean_read_only_ranges(f.read())
            except OSError:
                _compiler_ranges = []
        ranges = _compiler_ranges
    return sum(end - start for start, end in ranges if _madvise(start, end - start, mmap.MADV_DONTNEED) == 0)

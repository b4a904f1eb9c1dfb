"""Memory during a run: how much can still be allocated, and giving back to the operating system
what a phase freed or read.

- :func:`available_memory`: available memory plus free swap, which large allocations are checked
  against before they are made (a declared size in a file, a vocabulary's weights).

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
  the page cache (shared with every other numba process) until the system reclaims them, and the
  next compile reads them again.

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
#: the first line of a mapping in ``/proc/self/smaps`` and ``/proc/self/maps`` (in smaps its
#: "Key: value" lines follow, up to the next): start, end, permissions, offset, device, inode, path
_MAPPING_HEADER = re.compile(r"^([0-9a-f]+)-([0-9a-f]+) (\S{4}) (\S+) (\S+) (\d+)[ \t]*(.*)$", re.MULTILINE)
#: the fields that count a mapping's written pages (in memory, or swapped out)
_WRITTEN_PAGES = re.compile(r"^(?:Private_Dirty|Anonymous|Swap):\s+(\d+)", re.MULTILINE)
#: the mappings :func:`release_compiler_code` releases, from its first call (None before)
_compiler_mappings: list[tuple] | None = None


def _read_proc(name: str) -> str:
    """``/proc/self/<name>``, with any file name that is not UTF-8 kept as escapes ("" without /proc)."""
    try:
        with open(f"/proc/self/{name}", "rb") as f:
            return f.read().decode("utf-8", errors="surrogateescape")
    except OSError:
        return ""


def clean_read_only_mappings(smaps: str, library: re.Pattern = COMPILER_LIBRARIES) -> list[tuple]:
    """The mappings of ``library`` that can be dropped from the resident set and read back from the
    file unchanged: not writable, and no page of them written (``Private_Dirty``, ``Anonymous`` and
    ``Swap`` zero; the relocated read-only data of a shared library is written once by the loader,
    and released it would read back unrelocated; a mapping without these fields is never taken).

    Parameters
    ----------
    smaps : str
        The text of ``/proc/self/smaps``.
    library : re.Pattern
        Matched against each mapping's path.

    Returns
    -------
    list of tuple
        ``(start, end, permissions, offset, device, inode)`` of each: addresses as ints (page
        aligned), the rest as in the file (what identifies the mapping in ``/proc/self/maps``).
    """
    mappings = []
    headers = list(_MAPPING_HEADER.finditer(smaps))
    for k, head in enumerate(headers):
        start, end, perms, offset, device, inode, path = head.groups()
        if "w" in perms or not library.search(path.strip()):
            continue
        written = _WRITTEN_PAGES.findall(smaps, head.end(), headers[k + 1].start() if k + 1 < len(headers)
                                         else len(smaps))
        if written and all(int(value) == 0 for value in written):
            mappings.append((int(start, 16), int(end, 16), perms, offset, device, inode))
    return mappings


def release_compiler_code() -> int:
    """Release the resident pages of the compiler's code and read-only data
    (:func:`clean_read_only_mappings` of LLVM's shared library, found at the first call), which stay
    in the page cache. A mapping that is no longer where it was (a library unloaded, its addresses
    reused) is left alone. Where there is no ``/proc`` or no ``madvise``, nothing happens. (A
    debugger's breakpoints in LLVM's code would be released too.)

    Returns
    -------
    int
        Bytes of address range advised (resident or not; 0 when nothing was).
    """
    global _compiler_mappings
    if _madvise is None:
        return 0
    if _compiler_mappings is None:
        # which pages are clean does not change: smaps (slow to read) is read once (again next
        # time if it could not be read); no lock, since two threads computing it get the same list
        smaps = _read_proc("smaps")
        if not smaps:
            return 0
        _compiler_mappings = clean_read_only_mappings(smaps)
    if not _compiler_mappings:
        return 0
    present = {(int(m.group(1), 16), int(m.group(2), 16), *m.group(3, 4, 5, 6))
               for m in _MAPPING_HEADER.finditer(_read_proc("maps"))}
    return sum(end - start for start, end, *rest in _compiler_mappings
               if (start, end, *rest) in present and _madvise(start, end - start, mmap.MADV_DONTNEED) == 0)


def available_memory() -> int:
    """Bytes that can still be allocated: available memory plus free swap (Linux), else unbounded."""
    try:
        with open("/proc/meminfo") as f:
            fields = dict(line.split(":", 1) for line in f)
        return sum(int(fields[k].split()[0]) * 1024 for k in ("MemAvailable", "SwapFree") if k in fields)
    except (OSError, ValueError):
        return 1 << 62

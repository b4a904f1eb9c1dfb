"""How the training kernels are compiled and cached: one decorator for every kernel, numba's
on-disk cache when it can be used, and a guard that keeps the cache consistent with the sources.

- :func:`kernel` is ``numba.njit`` with the options every kernel shares (no GIL, fastmath, numpy's
  error model) and ``cache=True``. When numba finds no writable cache folder (a read-only
  site-packages and no writable home, as in many containers), it compiles in memory instead and
  logs one warning saying how to enable the cache (``NUMBA_CACHE_DIR``).
- numba invalidates a cached function when *its own* source file changes, not when a function it
  calls from another module does; an edited ``_logistic_kernel.py`` would otherwise keep running
  the old compiled code from the cache. :func:`refresh` stores a digest of every kernel module (and
  the numba version) next to the cache and clears the kernels' cache files when it changes.

>>> @kernel()                                         # doctest: +SKIP
... def add(a, b):
...     return a + b
"""
from __future__ import annotations

import contextlib
import hashlib
import logging
from pathlib import Path

import numba

logger = logging.getLogger("w2v.models")

_STAMP = "w2v-kernels.stamp"
#: options of every training kernel: released GIL (worker threads), fastmath (SIMD dot products and
#: updates), and numpy's error model (a division by zero gives inf, which the loss check catches)
KERNEL_OPTIONS = {"nogil": True, "fastmath": True, "error_model": "numpy"}
_warned = False


def kernel(**options):
    """``numba.njit(cache=True)`` with :data:`KERNEL_OPTIONS` (overridden by ``options``), falling back
    to an in-memory compile with one logged warning when numba cannot cache."""
    options = {**KERNEL_OPTIONS, **options}

    def decorate(function):
        try:
            return numba.njit(cache=True, **options)(function)
        except RuntimeError as err:  # numba: "cannot cache function ...: no locator available"
            if "cannot cache" not in str(err):
                raise
            _warn_no_cache()
            return numba.njit(cache=False, **options)(function)

    return decorate


def _warn_no_cache() -> None:
    global _warned
    if not _warned:
        _warned = True
        logger.warning("numba cannot cache the compiled training kernels here (no writable cache folder), so "
                       "every run compiles them again; set NUMBA_CACHE_DIR to a writable folder to cache them")


def refresh(dispatcher) -> None:
    """Clear the cached kernels of this package if any ``_*_kernel.py`` changed since they were cached.

    Parameters
    ----------
    dispatcher : numba dispatcher
        Any kernel of this package (its cache folder is the one checked; nothing happens without one).
    """
    try:
        folder = Path(dispatcher._cache._cache_path)  # numba internals: skip quietly if they move
    except AttributeError:
        return
    sources = sorted(Path(__file__).parent.glob("_*_kernel.py"))
    digest = hashlib.sha256(numba.__version__.encode())
    for path in [Path(__file__), *sources]:
        digest.update(path.name.encode() + path.read_bytes())
    stamp = folder / _STAMP
    with contextlib.suppress(OSError):
        if stamp.read_text() == digest.hexdigest():
            return
    with contextlib.suppress(OSError):
        for cached in folder.glob("_*_kernel.*.nb[ic]"):
            cached.unlink(missing_ok=True)
        folder.mkdir(parents=True, exist_ok=True)
        stamp.write_text(digest.hexdigest())

"""How the training kernels are compiled and cached: one decorator for every kernel, numba's
on-disk cache when it can be used, and a guard that keeps the cache consistent with the sources.

- :func:`kernel` is ``numba.njit`` with the options every kernel shares (no GIL, fastmath, numpy's
  error model) and ``cache=True``, through :func:`w2v._jit.njit`: where numba finds no writable
  cache folder it compiles in memory with one warning saying how to enable the cache.
- numba invalidates a cached function when *its own* source file changes, not when a function it
  calls from another module does; an edited ``_logistic_kernel.py`` would otherwise keep running
  the old compiled code from the cache. :func:`refresh` stores a digest of every kernel module (and
  the numba version) next to the cache and clears the kernels' cache files when it changes
  (:func:`w2v._jit.refresh_cache`; the corpus scan's kernels have the same guard).

>>> @kernel()                                         # doctest: +SKIP
... def add(a, b):
...     return a + b
"""
from __future__ import annotations

from pathlib import Path

from w2v._jit import njit, refresh_cache

#: options of every training kernel: released GIL (worker threads), fastmath (SIMD dot products and
#: updates), and numpy's error model (a division by zero gives inf, which the loss check catches)
KERNEL_OPTIONS = {"nogil": True, "fastmath": True, "error_model": "numpy"}


def kernel(**options):
    """``njit(cache=True)`` with :data:`KERNEL_OPTIONS` (overridden by ``options``)."""
    return njit(cache=True, **{**KERNEL_OPTIONS, **options})


def refresh(dispatcher) -> None:
    """Clear the cached training kernels if this module or any ``_*_kernel.py`` of ``w2v.models``
    changed since they were cached (:func:`w2v._jit.refresh_cache`).

    Parameters
    ----------
    dispatcher : numba dispatcher
        Any kernel of this package (its cache folder is the one checked; nothing happens without one).
    """
    here = Path(__file__)
    refresh_cache(dispatcher, [here, *sorted(here.parent.glob("_*_kernel.py"))])

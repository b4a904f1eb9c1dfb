"""Keeping numba's on-disk cache of the training kernels consistent with their source.

numba invalidates a cached function when *its own* source file changes, not when a function it
inlined from another module does; an edited ``_logistic_kernel.py`` would otherwise keep running
the old compiled code from the cache. :func:`refresh` stores a digest of every kernel module (and
the numba version) next to the cache and clears the kernels' cache files when it changes.

>>> refresh(train_chunk_negative)   # doctest: +SKIP
"""
from __future__ import annotations

import contextlib
import hashlib
from pathlib import Path

import numba

_STAMP = "w2v-kernels.stamp"


def refresh(dispatcher) -> None:
    """Clear the cached kernels of this package if any ``_*_kernel.py`` changed since they were cached.

    Parameters
    ----------
    dispatcher : numba dispatcher
        Any ``cache=True`` kernel of this package (its cache folder is the one checked).
    """
    try:
        folder = Path(dispatcher._cache._cache_path)  # numba internals: skip quietly if they move
    except AttributeError:
        return
    sources = sorted(Path(__file__).parent.glob("_*_kernel.py"))
    digest = hashlib.sha256(numba.__version__.encode())
    for path in sources:
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

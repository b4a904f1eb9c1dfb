"""Buffers that worker threads write constantly, each on cache lines of its own.

>>> buffer = aligned_zeros((10, 100), np.float32)   # doctest: +SKIP
>>> buffer.ctypes.data % 64
0
"""
from __future__ import annotations

import numpy as np


def aligned_zeros(shape, dtype=np.float32) -> np.ndarray:
    """A zeroed C-contiguous array that shares no 64-byte cache line with any other allocation.

    Per-thread buffers and random states are written constantly; small numpy arrays of different
    threads can land on one cache line, and the line would then bounce between cores (false
    sharing), which costs more than the arithmetic.

    Parameters
    ----------
    shape : int or tuple of int
    dtype : numpy dtype, default float32

    Returns
    -------
    ndarray of ``dtype``, shape ``shape``
        Starts on a 64-byte boundary and is followed by at least 64 unused bytes.
    """
    dtype = np.dtype(dtype)
    nbytes = int(np.prod(shape, dtype=np.int64)) * dtype.itemsize
    raw = np.zeros(nbytes + 192, dtype=np.uint8)
    start = 64 + (-raw.ctypes.data) % 64
    return raw[start:start + nbytes].view(dtype).reshape(shape)

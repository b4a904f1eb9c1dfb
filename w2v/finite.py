"""Finding NaN and infinities in large float arrays, memory-mapped ones included, without a temporary
of their size: a file read or a model published must hold finite values only.

>>> first_non_finite(np.array([[1.0, 2.0], [np.nan, 0.0]]))        # doctest: +SKIP
1
"""
from __future__ import annotations

import numpy as np


def first_non_finite(values: np.ndarray, block_rows: int = 1 << 16) -> int:
    """Index of the first row of ``values`` holding NaN or an infinity, or -1 (reads in blocks).

    Parameters
    ----------
    values : np.ndarray (N, ...) or (N,)
        Any float array, memory-mapped ones included (blocks keep the temporary small).
    """
    for start in range(0, values.shape[0], block_rows):
        block = np.asarray(values[start:start + block_rows])
        rows = block.reshape(block.shape[0], -1)
        # a row sum is NaN or infinite when a value is (or, rarely, when it overflows): only
        # those rows are looked at value by value, so the common case is one fast pass
        with np.errstate(over="ignore", invalid="ignore"):
            suspects = np.flatnonzero(~np.isfinite(rows.sum(axis=1)))
        if suspects.size:
            bad = suspects[~np.isfinite(rows[suspects]).all(axis=1)]
            if bad.size:
                return start + int(bad[0])
    return -1

"""Compiled passes of a distributed round over the weights: the rows a round changed and their
change, the sum of the workers' changes of a block of rows, and the projections and rescaling of
:mod:`w2v.distributed.balance`.

Each is one loop where numpy needs several passes and temporaries (a ``(V, dim)`` boolean array
to find the changed rows; a float64 copy of every change for a fancy-indexed ``+=``), which made
them most of a worker's own time in a round. They give bit for bit what the numpy versions in
:mod:`w2v.distributed.combine` give (tests hold them to those): no ``fastmath``, which would let
the compiler assume that no value is NaN (a NaN must count as changed) and reorder the sums.

>>> rows, delta = changed_rows(after, before)                 # doctest: +SKIP
>>> add_rows(total, slot, rows, delta)                        # doctest: +SKIP

The kernels call nothing compiled elsewhere, so numba's own cache check (this file's source and
numba's version) keeps their cache right without the package's guard (``w2v._jit.refresh_cache``).
"""
from __future__ import annotations

import numpy as np

from w2v._jit import njit  # numba's, compiling in memory where it cannot cache


@njit(cache=True, nogil=True)
def changed_rows(after, before):
    """:func:`w2v.distributed.combine.touched_rows` of two float32 ``(V, dim)`` matrices: the
    ascending int32 ids of the rows where ``after`` differs from ``before`` in any component, and
    their float32 change ``after[rows] - before[rows]``."""
    n_rows, dim = after.shape
    changed = np.zeros(n_rows, np.bool_)
    k = 0
    for r in range(n_rows):
        for j in range(dim):
            if after[r, j] != before[r, j]:
                changed[r] = True
                k += 1
                break
    rows = np.empty(k, np.int32)
    delta = np.empty((k, dim), np.float32)
    i = 0
    for r in range(n_rows):
        if changed[r]:
            rows[i] = r
            for j in range(dim):
                delta[i, j] = after[r, j] - before[r, j]
            i += 1
    return rows, delta


@njit(cache=True, nogil=True)
def add_rows(total, slot, rows, delta):
    """``total[slot[rows[i]]] += delta[i]`` for every ``i``, in float64.

    Parameters
    ----------
    total : float64 (u, dim)
        The sums, updated in place.
    slot : int64 (V,)
        Where each row id's sum is in ``total`` (only the ids in ``rows`` are read).
    rows : int32 (k,)
        Row ids, distinct.
    delta : float32 (k, dim)
    """
    dim = delta.shape[1]
    for i in range(rows.shape[0]):
        s = slot[rows[i]]
        for j in range(dim):
            total[s, j] += delta[i, j]


@njit(cache=True, nogil=True)
def divided_float32(total, divisor):
    """``(total / divisor[:, None])`` as float32.

    Parameters
    ----------
    total : float64 (u, dim)
    divisor : float64 (u,)

    Returns
    -------
    float32 (u, dim)
    """
    u, dim = total.shape
    out = np.empty((u, dim), np.float32)
    for i in range(u):
        d = divisor[i]
        for j in range(dim):
            out[i, j] = np.float32(total[i, j] / d)
    return out


@njit(cache=True, nogil=True)
def projections(matrix, u):
    """``matrix @ u`` in float64, each row's sum in a fixed order (the same on every machine): four
    running sums over the columns ``j % 4``, added pairwise (they let the loop overlap its additions
    without the reordering ``fastmath`` would allow).

    Parameters
    ----------
    matrix : float32 (k, dim)
    u : float64 (dim,)

    Returns
    -------
    float64 (k,)
    """
    k, dim = matrix.shape
    out = np.empty(k, np.float64)
    whole = dim - dim % 4
    for r in range(k):
        s0 = s1 = s2 = s3 = 0.0
        for j in range(0, whole, 4):
            s0 += np.float64(matrix[r, j]) * u[j]
            s1 += np.float64(matrix[r, j + 1]) * u[j + 1]
            s2 += np.float64(matrix[r, j + 2]) * u[j + 2]
            s3 += np.float64(matrix[r, j + 3]) * u[j + 3]
        for j in range(whole, dim):
            s0 += np.float64(matrix[r, j]) * u[j]
        out[r] = (s0 + s1) + (s2 + s3)
    return out


@njit(cache=True, nogil=True)
def column_sums(matrix):
    """The float64 sum of each column of a float32 ``(k, dim)`` matrix, rows added in order."""
    k, dim = matrix.shape
    total = np.zeros(dim, np.float64)
    for r in range(k):
        for j in range(dim):
            total[j] += np.float64(matrix[r, j])
    return total


@njit(cache=True, nogil=True)
def add_along(matrix, along, u, c):
    """``matrix[r] += c * along[r] * u`` in place, computed in float64 and stored as float32.

    Parameters
    ----------
    matrix : float32 (k, dim)
    along : float64 (k,)
    u : float64 (dim,)
    c : float
    """
    k, dim = matrix.shape
    for r in range(k):
        coefficient = c * along[r]
        for j in range(dim):
            matrix[r, j] = np.float32(np.float64(matrix[r, j]) + coefficient * u[j])

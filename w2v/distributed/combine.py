"""Combining the workers' changes after a synchronous round: per-row averaging of deltas.

>>> rows, delta = touched_rows(replica_after, replica_before)           # on each worker
>>> union, combined = combine_deltas([(rows_a, delta_a), (rows_b, delta_b)], n_rows=V)
>>> master[union] += combined                                           # on the client

Every worker starts a round from the same weights ``W``; worker ``k`` trains its words and ends at
``W + D_k``, where ``D_k`` is zero outside the rows it touched (``R_k``). The combined weights are

    W'[r] = W[r] + (1 / |K_r|) * sum_{k in K_r} D_k[r],     K_r = {k : r in R_k}

(``rule="mean"``): a row touched by one worker takes that worker's change whole; a row touched by
several takes the mean of their changes, which is the step of one worker, so rows updated by many
workers at once never take an N-fold step from the same stale weights (Spark MLlib's word2vec summed
them before 2019 and diverged at 40-50 partitions). ``rule="sum"`` adds the changes (Hogwild-like,
for comparison). Only touched rows travel: a worker sends ``|R_k|`` rows, and receives the union.
"""
from __future__ import annotations

import numpy as np

RULES = ("average", "mean", "sum")


def touched_rows(after: np.ndarray, before: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The rows that changed in a round and their change.

    Parameters
    ----------
    after, before : float32 (V, dim)

    Returns
    -------
    rows : int32 (k,)
        Ascending ids of the rows where any component differs.
    delta : float32 (k, dim)
        ``after[rows] - before[rows]``.
    """
    rows = np.flatnonzero((after != before).any(axis=1)).astype(np.int32)
    return rows, after[rows] - before[rows]


def combine_deltas(deltas, n_rows: int, rule: str = "mean") -> tuple[np.ndarray, np.ndarray]:
    """Combine the per-worker row changes of one matrix.

    Parameters
    ----------
    deltas : list of (int32 (k_i,), float32 (k_i, dim))
        Each worker's :func:`touched_rows`; rows distinct within one worker.
    n_rows : int
        Rows of the matrix (V, or V - 1 for hierarchical softmax's inner nodes).
    rule : {"mean", "sum"}
        Mean over the workers that touched the row, or the plain sum.

    Returns
    -------
    union : int32 (u,)
        Rows touched by any worker, ascending.
    combined : float32 (u, dim)
        The change to add to those rows (summed in float64).
    """
    if rule not in RULES:
        raise ValueError(f"unknown combination rule {rule!r}: use one of {RULES}")
    deltas = [(np.asarray(r), np.asarray(d)) for r, d in deltas]
    dim = next((d.shape[1] for _, d in deltas if d.ndim == 2), 0)
    total = np.zeros((n_rows, dim), dtype=np.float64)
    touched_by = np.zeros(n_rows, dtype=np.int64)
    for rows, delta in deltas:
        total[rows] += delta  # rows are distinct within one worker, so fancy += adds each once
        touched_by[rows] += 1
    union = np.flatnonzero(touched_by).astype(np.int32)
    combined = total[union]
    if rule == "mean":
        combined /= touched_by[union, None]
    elif rule == "average":
        combined /= len(deltas)
    return union, combined.astype(np.float32)


def exchange_bytes(n_rows: int, dim: int) -> int:
    """Bytes of ``n_rows`` rows sent as int32 ids plus float32 values."""
    return int(n_rows) * (4 + 4 * int(dim))

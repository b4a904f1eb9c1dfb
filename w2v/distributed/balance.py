"""How skip-gram's two matrices share their common direction, kept as one process keeps it.

>>> start = at_start(master_input, master_output)           # every worker, at the start of a round
>>> block_drift = replicas_drift(start, parts, s)            # the worker combining a block
>>> restore(start, input_vectors, output_weights, blocks, sum_of_block_drifts, velocity)   # every worker

The loss sees the input vectors ``H`` (V, dim) and the output weights ``C`` only through the dot
products ``h . c``. So ``H G`` and ``C G^-T``, for any invertible ``G``, have the same loss and the
same predictions but different input vectors, which are what the user gets and what word similarity
is measured on. Which member of that family training ends in is set by its steps: a skip-gram step
changes ``D = H^T H - C^T C`` only in the second order in the learning rate
(``alpha^2 e^2 (c c^T - h h^T)`` for one pair; the first-order terms of the two matrices cancel,
whatever the output layer, since every layer updates ``h`` by ``alpha e c`` and ``c`` by
``alpha e h`` with the same ``e``). A distributed round's combination does not keep that
cancellation (the replicas' changes summed and divided by ``s``, the overshoot of the rows that
settle, their momentum), and at 8 workers the input matrix ends up carrying more of the vectors'
common direction than in one process: the input vectors are more alike (on the benchmark corpus,
seed 1, rounds of 10,000 words: mean cosine of random pairs of the 30,000 most frequent words 0.546
against 0.451) and WS-353 is lower (0.508 against 0.535). CBOW does not have the problem: its step
changes ``D`` in the first order anyway (each context row takes the whole error), and its ``D`` ends
the same at 8 workers as in one process.

The correction, along one direction only (``O(V dim)`` a round): ``u`` is the unit mean of the input
rows of the master at the start of the round, and ``d = |H u|^2 - |C u|^2``. After the combination,
``d`` is set to where one process would have it: its value at the start of the round plus the
replicas' own changes of it (:func:`drift`) divided by ``s^2``, because a replica at ``s`` times the
learning rate makes second-order changes ``s^2`` times as large. It is set by scaling ``H``'s
component along ``u`` by ``lambda`` and ``C``'s by ``1 / lambda`` (:func:`rescale`), which changes
no ``h . c`` (the two rank-one changes cancel in every dot product), with ``lambda^2`` the positive
root of ``a x^2 - t x - b = 0`` (:func:`factor`). The momentum of the settling rows is rescaled with
them. The distributed trainer restores it where the replicas train at a raised rate (``s > 1``: more
than 4 workers at skip-gram's rate); at the plain rate, where the combination is a sum, restoring it
cost analogy accuracy and WS-353 (2 workers: 0.5 points and 0.006, seeds 1-2; 4 workers: 0.3 points
and 0.005, seeds 1-3). Measured (skip-gram, benchmark corpus, 5 epochs, 8 workers in rounds of
10,000 words, seeds 1-5): the full correction of ``D`` (a ``dim x dim`` ``G``, ``O(V dim^2)`` a
round; an experiment) raised WS-353 by 0.009 on average and left analogy accuracy as it was; this
one raised WS-353 by 0.008 and analogy accuracy by 0.6 points on average, by 0.5-0.8 on every seed
(the README's distributed section).

:func:`project` and :func:`rescale` are compiled passes over a matrix
(:mod:`~w2v.distributed._combine_kernel`), held by tests to :func:`project_reference` and
:func:`rescale_reference`. Every worker computes the same ``lambda`` from the same numbers in the
same order (:func:`restore`), so the replicas stay equal to the master.
"""
from __future__ import annotations

import dataclasses
import math

import numpy as np

from w2v.distributed import _combine_kernel


@dataclasses.dataclass(frozen=True)
class Start:
    """The master at the start of a round, along the direction its input vectors share."""

    direction: np.ndarray   # u, float64 (dim,), unit
    input: np.ndarray       # H u, float64 (V,)
    output: np.ndarray      # C u, float64 (rows of the output matrix,)


def at_start(input_vectors: np.ndarray, output_weights: np.ndarray) -> Start | None:
    """:class:`Start` of the master ``(input_vectors, output_weights)``, float32 (V, dim) and
    (V', dim); None when the input vectors share no direction (:func:`direction`)."""
    u = direction(input_vectors)
    if u is None:
        return None
    return Start(u, project(input_vectors, u), project(output_weights, u))


def replicas_drift(start: Start, parts: list, rate: float) -> float:
    """How much the replicas' own changes of some rows changed ``|H u|^2 - |C u|^2``, over ``rate^2``:
    what one process's steps would have changed it by (a replica at ``rate`` times the learning
    rate makes second-order changes ``rate^2`` times as large).

    Parameters
    ----------
    start : Start
    parts : list of dict
        One per replica: ``"input"`` and ``"output"``, each ``(rows, delta)``, int32 (k,) and
        float32 (k, dim) (a block of its change; summed over the blocks, the whole change).
    rate : float
        ``s``, the factor of the replicas' learning rate.
    """
    u = start.direction
    total = sum(drift(start.input, *part["input"], u) - drift(start.output, *part["output"], u) for part in parts)
    return total / float(rate) ** 2


def restore(start: Start, input_vectors: np.ndarray, output_weights: np.ndarray, blocks: list, drift_total: float,
            velocity: dict | None = None) -> float:
    """Scale the new master along ``u`` so that ``|H u|^2 - |C u|^2`` is its value at ``start``
    plus ``drift_total``, in place; the same numbers give the same scaling on every worker.

    Parameters
    ----------
    start : Start
        The master at the start of the round.
    input_vectors, output_weights : float32 (V, dim), (V', dim)
        The new master: ``start``'s except for the rows of ``blocks``, which hold the combined values.
    blocks : list of dict
        ``"input"`` and ``"output"``, each ``(rows, values)``: the combined rows.
    drift_total : float
        :func:`replicas_drift` summed over the blocks.
    velocity : dict, optional
        ``"input"`` and ``"output"``: float32 (h, dim), the settling rows' momentum, scaled with them.

    Returns
    -------
    float
        ``lambda``, the factor of the input matrix's component along ``u`` (1: left as it was).
    """
    u = start.direction
    along = {}
    for name, before in (("input", start.input), ("output", start.output)):
        now = before.copy()            # only the combined rows moved since the start
        for block in blocks:
            rows, values = block[name]
            now[rows] = project(values, u)
        along[name] = now
    target = _dot(start.input, start.input) - _dot(start.output, start.output) + drift_total
    scale = factor(_dot(along["input"], along["input"]), _dot(along["output"], along["output"]), target)
    if scale == 1.0:
        return scale
    for name, matrix, by in (("input", input_vectors, scale), ("output", output_weights, 1.0 / scale)):
        rescale(matrix, along[name], u, by)
        if velocity is not None:
            rescale(velocity[name], project(velocity[name], u), u, by)
    return scale


def _dot(a: np.ndarray, b: np.ndarray) -> float:
    """``a . b`` of two float64 vectors by numpy's pairwise sum: the same on every machine, and
    without BLAS, whose threads took milliseconds to wake for one product of 50,000 values."""
    return float(np.sum(a * b))


def direction(input_vectors: np.ndarray) -> np.ndarray | None:
    """The unit mean of the input vectors, in float64: the direction they share.

    Parameters
    ----------
    input_vectors : float32 (V, dim)

    Returns
    -------
    float64 (dim,) or None
        The column sums (compiled, rows added in order) over their length; None when they are
        zero or not finite (there is no common direction to keep).
    """
    total = _combine_kernel.column_sums(np.ascontiguousarray(input_vectors, dtype=np.float32))
    norm = math.sqrt(_dot(total, total))
    if not math.isfinite(norm) or norm == 0.0:
        return None
    return total / norm


def project(matrix: np.ndarray, u: np.ndarray) -> np.ndarray:
    """Every row's component along ``u`` (compiled; float64 sums in a fixed order).

    Parameters
    ----------
    matrix : float32 (k, dim)
    u : float64 (dim,)

    Returns
    -------
    float64 (k,)
        ``matrix @ u``.
    """
    return _combine_kernel.projections(np.ascontiguousarray(matrix, dtype=np.float32),
                                       np.ascontiguousarray(u, dtype=np.float64))


def project_reference(matrix: np.ndarray, u: np.ndarray) -> np.ndarray:
    """:func:`project` in numpy."""
    return np.asarray(matrix, dtype=np.float64) @ np.asarray(u, dtype=np.float64)


def drift(start: np.ndarray, rows: np.ndarray, delta: np.ndarray, u: np.ndarray) -> float:
    """How much a change of some rows changes ``|M u|^2``.

    Parameters
    ----------
    start : float64 (V,)
        Every row's component along ``u`` before the change (:func:`project`).
    rows : int32 (k,)
        The changed rows, distinct.
    delta : float32 (k, dim)
        Their change.
    u : float64 (dim,)

    Returns
    -------
    float
        ``sum over rows of 2 (m . u)(delta . u) + (delta . u)^2``.
    """
    along = project(delta, u)
    return 2.0 * _dot(start[np.asarray(rows, dtype=np.int64)], along) + _dot(along, along)


def factor(a: float, b: float, target: float) -> float:
    """The ``lambda`` that makes ``|H u|^2 - |C u|^2`` equal ``target`` when ``H``'s component along
    ``u`` is scaled by ``lambda`` and ``C``'s by ``1 / lambda``: ``lambda^2 = x``, the positive root
    of ``a x^2 - target x - b = 0``.

    Parameters
    ----------
    a, b : float
        ``|H u|^2`` and ``|C u|^2``.
    target : float

    Returns
    -------
    float
        ``lambda``; 1 when there is no positive root (``a`` zero, or ``b`` zero and ``target`` not
        positive) or a value is not finite: the matrices are then left as they are.
    """
    if not (a > 0.0 and b >= 0.0 and math.isfinite(a) and math.isfinite(b) and math.isfinite(target)):
        return 1.0
    root = math.sqrt(target * target + 4.0 * a * b)
    # the two forms of the same root: each avoids the cancellation of the other
    x = (target + root) / (2.0 * a) if target >= 0.0 else 2.0 * b / (root - target)
    if not (x > 0.0 and math.isfinite(x)):
        return 1.0
    return math.sqrt(x)


def rescale(matrix: np.ndarray, along: np.ndarray, u: np.ndarray, scale: float) -> None:
    """Scale every row's component along ``u`` by ``scale``, in place (compiled):
    ``matrix[r] += (scale - 1) * along[r] * u``.

    Parameters
    ----------
    matrix : float32 (k, dim), C-contiguous
    along : float64 (k,)
        Each row's component along ``u`` (:func:`project` of ``matrix``).
    u : float64 (dim,)
        A unit vector.
    scale : float
    """
    if matrix.dtype != np.float32 or not matrix.flags.c_contiguous or matrix.ndim != 2:
        raise ValueError(f"a C-contiguous float32 matrix expected, got {matrix.dtype} {matrix.shape}")
    if scale != 1.0:
        _combine_kernel.add_along(matrix, np.ascontiguousarray(along, dtype=np.float64),
                                  np.ascontiguousarray(u, dtype=np.float64), float(scale) - 1.0)


def rescale_reference(matrix: np.ndarray, along: np.ndarray, u: np.ndarray, scale: float) -> np.ndarray:
    """:func:`rescale` in numpy, returning the new matrix."""
    coefficient = (float(scale) - 1.0) * np.asarray(along, dtype=np.float64)
    return (np.asarray(matrix, dtype=np.float64) + coefficient[:, None] * np.asarray(u)[None, :]).astype(np.float32)

"""Combining the workers' changes after a synchronous round.

>>> rows, delta = touched_rows(replica_after, replica_before)           # on each worker
>>> union, combined = combine_deltas([(rows_a, delta_a), (rows_b, delta_b)], n_rows=V, rule="average")
>>> master[union] += combined                                # on the worker combining this block

Every worker starts a round from the same weights ``W``; worker ``k`` of ``n`` trains its words and
ends at ``W + D_k``, where ``D_k`` is zero outside the rows it touched (``R_k``, ``K_r`` the workers
that touched row ``r``). The rules:

- ``"average"``: ``W'[r] = W[r] + (1 / s) * sum_k D_k[r]``, with ``s`` the factor by which the
  replicas' learning rate was raised (``scale``; a worker that did not touch a row contributes a
  zero change, so ``s = n`` is plain model averaging). To first order in the learning rate each
  ``D_k`` is ``s`` times the single-process change of worker ``k``'s words, so the result is the
  sum of the workers' changes at the single-process rate, i.e. what one process would have done
  with all ``n`` shares, for every ``s``. Where the first order fails (a frequent word's row,
  updated thousands of times in a round, settles where its own data puts it), ``n`` settled
  replicas move the row ``n / s`` times as far as one replica moved it. The distributed trainer
  takes ``s = n / 4`` (at least 1): the lower the replicas' rate, the closer their own updates stay
  to the first order (one process at 4 times CBOW's rate loses half its analogy accuracy); and the
  rows that settle within a round (:func:`settling_rows`) take their change with momentum
  (:func:`with_momentum`), which keeps an overshoot of 4 stable where without it 8 / 3 and 4
  diverged (see the README).
- ``"mean"``: ``W'[r] = W[r] + (1 / |K_r|) * sum_{k in K_r} D_k[r]``, per-row averaging over the
  workers that touched the row (Spark MLlib's rule since 2019, when summed updates made it diverge
  at 40-50 partitions). At the plain learning rate this is one worker's step for every row that all
  workers touch: training proceeds as if at ``1 / n`` of the learning rate.
- ``"sum"``: ``W'[r] = W[r] + sum_k D_k[r]``. Right to first order, but ``n`` replicas each moving
  a frequent row to where its data puts it overshoot ``n``-fold, and training diverges unless the
  rounds are very short.

Only touched rows travel: worker ``k`` sends ``|R_k|`` rows and receives the union of all ``R_k``
(and the settling rows every round, nearly all of which a round touches anyway).

:func:`touched_rows` and :func:`combine_deltas` run compiled loops (:mod:`~w2v.distributed._combine_kernel`):
in numpy they took most of a worker's own time in a round (in one process, 2 workers, skip-gram,
rounds of 20,000 words: 12 of the 17 s that the exchanges took over an epoch; 6 s compiled).
Their numpy versions, :func:`touched_rows_reference` and :func:`combine_deltas_reference`, are the
readable statement of the rule, and tests hold the compiled ones to them bit for bit.
"""
from __future__ import annotations

import numpy as np

from w2v.distributed import _combine_kernel

RULES = ("average", "mean", "sum")
#: the largest learning rate a replica trains at under the distributed trainer's "scaled" rule
#: (word2vec's own updates stay stable there; CBOW at 0.4 diverged on the benchmark corpus)
MAX_LOCAL_ALPHA = 0.2
#: how much farther than one replica a combined change may move a row that every replica moved to
#: the same place: the replicas train at ``n / MAX_OVERSHOOT`` times the rate. Stable because the rows
#: that settle take their change through :data:`SETTLED_MOMENTUM` (a heavy ball with momentum ``m``
#: stays stable for steps up to ``2 (1 + m) / (1 - m)`` = 6 times the settling one); without it CBOW
#: at 8 workers stayed stable at 2 and diverged at 8 / 3 and 4
MAX_OVERSHOOT = 4.0
#: the momentum with which the rows that settle within a round take their combined change: each
#: round's change ``U`` of such a row enters as ``A = m A' + (1 - m) U``, ``A'`` the row's change in
#: the round before (block momentum, on those rows only: the others take ``U`` at once)
SETTLED_MOMENTUM = 0.5
#: the overshoot that stays stable without momentum (CBOW at 8 workers with ``s = 4``; 2 workers'
#: plain-rate sum scored as well as one process, and worse with momentum on the demo corpus)
STABLE_OVERSHOOT = 2.0
#: a row settles within a round when it is expected to be updated this many times in one worker's
#: round, counted at the plain rate (:func:`settling_rows`)
SETTLING_UPDATES = 30.0


def replica_rate_factor(n: int, alpha: float) -> float:
    """The factor ``s`` of the replicas' learning rate under the "scaled" rule, for ``n`` workers
    and the learning rate ``alpha``: ``n / MAX_OVERSHOOT``, the lowest rate whose changes, summed
    and divided by it, move a row every replica settled no more than :data:`MAX_OVERSHOOT` times as
    far as one replica moved it, which the momentum of the settling rows keeps stable (the
    replicas' own updates are the more nonlinear the higher their rate: one process of CBOW at 4
    times its rate scores half its analogy accuracy; see the README); at least 1, and never above
    :data:`MAX_LOCAL_ALPHA` (CBOW at 8 x 0.05 diverges on one replica already)."""
    return float(max(1.0, min(n / MAX_OVERSHOOT, MAX_LOCAL_ALPHA / alpha)))


def settled_momentum(n: int, alpha: float) -> float:
    """The momentum of the settling rows under the "scaled" rule for ``n`` workers and the learning
    rate ``alpha``: :data:`SETTLED_MOMENTUM` where a row every replica settled would move more than
    :data:`STABLE_OVERSHOOT` times as far as one replica moved it (from 3 workers on), else 0."""
    overshoot = n / change_divisor(n, replica_rate_factor(n, alpha))
    return SETTLED_MOMENTUM if overshoot > STABLE_OVERSHOOT else 0.0


def change_divisor(n: int, scale: float) -> float:
    """What the sum of ``n`` replicas' changes is divided by, when they trained at ``scale`` times
    the learning rate: ``scale`` (each row then gets its single-process step, to first order), but
    at least ``n / MAX_OVERSHOOT``, so that a row every replica settled moves at most
    :data:`MAX_OVERSHOOT` times as far as one replica moved it."""
    return float(max(scale, n / MAX_OVERSHOOT))


def round_updates(counts: np.ndarray, keep: np.ndarray, round_words: int, window: int, architecture: str,
                  layer, shared_negatives: bool = False) -> dict:
    """How often each row of the two matrices is expected to be updated in one worker's round.

    A word kept by subsampling (``keep``) has on average ``window + 1`` context words (a radius
    drawn from 1..window on both sides). Its input row is updated once per centre word it is a
    context of (both architectures); skip-gram makes one example per (centre, context) pair (one
    per centre with ``shared_negatives``, whose context words share one draw), CBOW one per centre,
    and the output layer says which of its rows an example updates
    (:meth:`w2v.models.output_layers.OutputLayer.expected_row_updates`).

    Parameters
    ----------
    counts : int (V,)
        The vocabulary's counts.
    keep : float (V,)
        Subsampling's keep probabilities.
    round_words : int
    window : int
    architecture : {"skipgram", "cbow"}
    layer : OutputLayer
    shared_negatives : bool

    Returns
    -------
    dict
        ``"input"``: float64 (V,); ``"output"``: float64 (rows of the output matrix,).
    """
    counts = np.asarray(counts, dtype=np.float64)
    kept = float(round_words) * counts / max(counts.sum(), 1.0) * np.asarray(keep, dtype=np.float64)
    contexts = float(window) + 1.0
    per_centre = contexts if architecture == "skipgram" and not shared_negatives else 1.0
    return {"input": kept * contexts,
            "output": layer.expected_row_updates(kept * per_centre, kept.sum() * per_centre)}


def settling_rows(updates: np.ndarray, rate_factor: float = 1.0) -> np.ndarray:
    """The rows that settle within a round: those expected to be updated at least
    :data:`SETTLING_UPDATES` times in it (:func:`round_updates`), an update of a replica at ``s``
    times the learning rate counting ``s`` times.

    How far a row settles in a round grows with its updates times their rate (each moves it a
    fraction of the way, proportional to the rate), so the replicas' rate counts as much as the
    number of updates: with replicas at 4 times the rate (16 workers) and rounds of 5,000 words, the
    rows updated 8-30 times a round settled without momentum and training diverged on the benchmark
    corpus. At 8 workers (``s = 2``) the threshold is 15 updates: on the benchmark corpus, CBOW,
    rounds of 20,000 words, the input rows of the 738 most frequent words.

    Parameters
    ----------
    updates : float (R,)
    rate_factor : float
        ``s``, the factor of the replicas' learning rate (:func:`replica_rate_factor`).

    Returns
    -------
    int32 (h,)
        Ascending row ids.
    """
    at_plain_rate = float(rate_factor) * np.asarray(updates, dtype=np.float64)
    return np.flatnonzero(at_plain_rate >= SETTLING_UPDATES).astype(np.int32)


def with_momentum(rows: np.ndarray, change: np.ndarray, settling: np.ndarray, velocity: np.ndarray,
                  momentum: float = SETTLED_MOMENTUM) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """A combined change in which the settling rows move with momentum (:data:`SETTLED_MOMENTUM`).

    Parameters
    ----------
    rows : int32 (k,)
        Ascending ids of the rows changed this round (:func:`combine_deltas`' ``union``).
    change : float32 (k, dim)
        Their combined change ``U``.
    settling : int32 (h,)
        Ascending ids of the settling rows (:func:`settling_rows`) this combination covers,
        whether changed this round or not.
    velocity : float32 (h, dim)
        Their change in the round before, ``A'`` (zero before the first round).
    momentum : float
        ``m``.

    Returns
    -------
    rows : int32 (u,)
        ``rows`` and ``settling``, ascending.
    change : float32 (u, dim)
        ``U`` for the other rows; ``A = m A' + (1 - m) U`` for the settling ones (``U`` zero where
        no worker changed the row: it keeps moving with its momentum).
    velocity : float32 (h, dim)
        ``A``, the settling rows' change this round.
    """
    rows, settling = np.asarray(rows, dtype=np.int32), np.asarray(settling, dtype=np.int32)
    change, velocity = np.asarray(change, dtype=np.float32), np.asarray(velocity, dtype=np.float32)
    dim = velocity.shape[1] if velocity.ndim == 2 else change.shape[1]
    now = np.zeros((settling.size, dim), dtype=np.float64)
    at = np.searchsorted(rows, settling)
    changed = at < rows.size
    changed[changed] = rows[at[changed]] == settling[changed]
    now[changed] = change[at[changed]]
    moved = (momentum * velocity.astype(np.float64) + (1.0 - momentum) * now).astype(np.float32)
    union = np.union1d(rows, settling).astype(np.int32)
    combined = np.zeros((union.size, dim), dtype=np.float32)
    combined[np.searchsorted(union, rows)] = change
    combined[np.searchsorted(union, settling)] = moved
    return union, combined, moved


def touched_rows(after: np.ndarray, before: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The rows that changed in a round and their change (compiled: one pass over the matrices).

    Parameters
    ----------
    after, before : float32 (V, dim)

    Returns
    -------
    rows : int32 (k,)
        Ascending ids of the rows where any component differs (a NaN differs from everything).
    delta : float32 (k, dim)
        ``after[rows] - before[rows]``.
    """
    after, before = np.asarray(after, dtype=np.float32), np.asarray(before, dtype=np.float32)
    if after.shape != before.shape or after.ndim != 2:
        raise ValueError(f"two matrices of one shape expected, got {after.shape} and {before.shape}")
    return _combine_kernel.changed_rows(after, before)


def touched_rows_reference(after: np.ndarray, before: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """:func:`touched_rows` in numpy (the readable reference the compiled pass is held to)."""
    rows = np.flatnonzero((after != before).any(axis=1)).astype(np.int32)
    return rows, after[rows] - before[rows]


def combine_deltas(deltas, n_rows: int, rule: str = "mean",
                   scale: float | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Combine the per-worker row changes of one matrix (compiled sums, in float64).

    Parameters
    ----------
    deltas : list of (int32 (k_i,), float32 (k_i, dim))
        Each worker's :func:`touched_rows`; rows distinct within one worker.
    n_rows : int
        Rows of the matrix (V, or V - 1 for hierarchical softmax's inner nodes).
    rule : {"average", "mean", "sum"}
        Sum over ``scale``, mean over the workers that touched the row, or the plain sum.
    scale : float, optional
        For ``"average"``: the factor of the replicas' learning rate; by default ``n``, the number
        of workers (of ``deltas``).

    Returns
    -------
    union : int32 (u,)
        Rows touched by any worker, ascending.
    combined : float32 (u, dim)
        The change to add to those rows: the float64 sum of the workers' changes, in their order,
        divided as ``rule`` says (bit for bit :func:`combine_deltas_reference`).
    """
    if rule not in RULES:
        raise ValueError(f"unknown combination rule {rule!r}: use one of {RULES}")
    deltas = [(np.asarray(r, dtype=np.int32), np.asarray(d, dtype=np.float32)) for r, d in deltas]
    dim = next((d.shape[1] for _, d in deltas if d.ndim == 2), 0)
    touched = np.zeros(n_rows, dtype=np.int64)  # how many workers changed each row
    for rows, delta in deltas:
        if rows.size and (rows.min() < 0 or rows.max() >= n_rows):
            raise ValueError(f"row ids must be in [0, {n_rows}), got {rows.min()}..{rows.max()}")
        if delta.shape != (rows.size, dim):
            raise ValueError(f"a worker's change has shape {delta.shape} for {rows.size} rows of {dim} values")
        touched[rows] += 1
    union = np.flatnonzero(touched)
    slot = np.empty(n_rows, dtype=np.int64)
    slot[union] = np.arange(union.size)
    total = np.zeros((union.size, dim), dtype=np.float64)
    for rows, delta in deltas:
        _combine_kernel.add_rows(total, slot, rows, np.ascontiguousarray(delta))
    if rule == "mean":
        divisor = touched[union].astype(np.float64)
    else:
        divisor = np.full(union.size, 1.0 if rule == "sum" else float(len(deltas) if scale is None else scale))
    return union.astype(np.int32), _combine_kernel.divided_float32(total, divisor)


def combine_deltas_reference(deltas, n_rows: int, rule: str = "mean",
                             scale: float | None = None) -> tuple[np.ndarray, np.ndarray]:
    """:func:`combine_deltas` in numpy (the readable reference the compiled sums are held to)."""
    if rule not in RULES:
        raise ValueError(f"unknown combination rule {rule!r}: use one of {RULES}")
    deltas = [(np.asarray(r, dtype=np.int64), np.asarray(d)) for r, d in deltas]
    dim = next((d.shape[1] for _, d in deltas if d.ndim == 2), 0)
    # arrays over the union only: a worker combining one block of the rows touches few of them
    union = np.unique(np.concatenate([rows for rows, _ in deltas])) if deltas else np.zeros(0, np.int64)
    if union.size and (union[0] < 0 or union[-1] >= n_rows):
        raise ValueError(f"row ids must be in [0, {n_rows}), got {union[0]}..{union[-1]}")
    combined = np.zeros((union.size, dim), dtype=np.float64)
    touched_by = np.zeros(union.size, dtype=np.int64)
    for rows, delta in deltas:
        at = np.searchsorted(union, rows)
        combined[at] += delta  # rows are distinct within one worker, so fancy += adds each once
        touched_by[at] += 1
    union = union.astype(np.int32)
    if rule == "mean":
        combined /= touched_by[:, None]
    elif rule == "average":
        combined /= len(deltas) if scale is None else float(scale)
    return union, combined.astype(np.float32)


def exchange_bytes(n_rows: int, dim: int) -> int:
    """Bytes of ``n_rows`` rows sent as int32 ids plus float32 values."""
    return int(n_rows) * (4 + 4 * int(dim))

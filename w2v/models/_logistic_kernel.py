"""Compiled core shared by negative sampling, NCE and hierarchical softmax: independent logistic
losses of a few output rows against a small batch of hidden vectors.

The three layers differ only in which output rows they score, with which 0/1 labels and which logit
offsets (``log k q(w)`` for NCE, zero otherwise); they fill ``rows``, ``labels`` and ``logit_offsets``
and call :func:`logistic_update`. A batch holds one hidden vector per row of ``hidden`` (one, or the
whole window when negatives are shared across it).

>>> loss = logistic_update(hidden, grad_hidden, 1, weights, rows, labels, logit_offsets, 6, True,  # doctest: +SKIP
...                        NO_SATURATION, 0.025, coefficients, likelihood)
"""
from __future__ import annotations

import numpy as np

from w2v.models._kernel_cache import kernel

#: ``saturation`` that never applies (finite: fastmath code may assume there are no infinities)
NO_SATURATION = np.float32(3e38)
#: word2vec.c's MAX_EXP: hierarchical-softmax nodes with ``|logit| >= 6`` are left as they are
HS_SATURATION = np.float32(6.0)


@kernel(inline="always")
def _score(hidden, b, weights, r, offset, label, alpha, dim, saturation):
    """Logit of row ``r`` for hidden vector ``b``: returns (probability of ``label``, step coefficient).

    The coefficient is 0 when ``|logit| >= saturation``."""
    x = np.float32(0.0)
    for j in range(dim):
        x += hidden[b, j] * weights[r, j]
    x -= offset
    e = np.exp(-abs(x))
    near = np.float32(1.0) / (np.float32(1.0) + e)  # s(|x|)
    far = e * near  # s(-|x|), without the cancellation of 1 - s(|x|)
    sig = near if x >= 0 else far
    if label > 0.5:
        p = sig
    else:
        p = far if x >= 0 else near
    if abs(x) >= saturation:
        return p, np.float32(0.0)
    return p, (label - sig) * alpha


@kernel(inline="always")
def _step_row(hidden, grad_hidden, weights, r, c, dim):
    """One hidden vector's step against output row ``r`` with coefficient ``c`` (nothing when 0):
    ``grad_hidden[0] += c * weights[r]``, then ``weights[r] += c * hidden[0]``."""
    if c == 0:
        return
    for j in range(dim):
        w = weights[r, j]
        grad_hidden[0, j] += c * w
        weights[r, j] = w + c * hidden[0, j]


@kernel(inline="always")
def logistic_update(hidden, grad_hidden, n_hidden, weights, rows, labels, logit_offsets, n_rows, distinct, saturation,
                    alpha, coefficients, likelihood, scores_first=False):
    """Score, differentiate and update: one SGD step of a sum of logistic losses.

    Parameters
    ----------
    hidden : float32 (B_max, dim)
        Hidden vectors; the first ``n_hidden`` rows are used.
    grad_hidden : float32 (B_max, dim)
        Receives ``-alpha * dloss/dh`` added to its first ``n_hidden`` rows (the step to apply to
        the input side).
    n_hidden : int
    weights : float32 (R, dim)
        Output rows (``output_weights`` or ``node_weights``), updated in place.
    rows : int32 (T_max,)
        Output rows scored; repeats allowed.
    labels : float32 (T_max,)
        1 for the observed side, 0 for noise (hierarchical softmax: ``1 - code``).
    logit_offsets : float32 (T_max,)
        Subtracted from each logit (``log k q(w)`` for NCE, zero otherwise).
    n_rows : int
        Number of rows used.
    distinct : bool
        True when no row repeats: each row is then scored and updated in one visit (while it is in
        cache, and before another thread writes it again); with repeats, every gradient is
        taken before any row moves, so the step is the exact SGD step either way.
    saturation : float32
        Rows whose ``|logit|`` reaches this are scored (loss) but not updated: word2vec.c's rule
        for hierarchical softmax (6). Pass :data:`NO_SATURATION` to update every row.
    alpha : float32
        Learning rate.
    coefficients : float32 (B_max, T_max)
        Scratch for the step coefficients ``alpha * (label - sigmoid(logit))``.
    likelihood : float64 (B_max,)
        Scratch for the probability of each hidden vector's labels.
    scores_first : bool, default False
        With distinct rows and one hidden vector: score every row before updating any (the same
        steps: no row is scored after it moved, and the hidden vector does not move), so that
        the dot products do not wait on the updates between them. For skip-gram's path through
        the Huffman tree, trained on a thread-local copy: median 1.06x over 18 paired one-thread
        runs. Not for rows other threads write meanwhile, better updated right after they are
        read: CBOW's path (no faster) and negative sampling's few prefetched rows (0.95x) keep
        the interleaved order.

    Returns
    -------
    float64
        Sum over the batch of ``-log p(labels)``.
    """
    dim = hidden.shape[1]
    # the loss of one hidden vector is -log of the product of its rows' probabilities: one log
    # per hidden vector instead of one per row (float64 keeps the product far from underflow)
    for b in range(n_hidden):
        likelihood[b] = 1.0
    if distinct and n_hidden == 1 and scores_first:
        for t in range(n_rows):
            p, c = _score(hidden, 0, weights, rows[t], logit_offsets[t], labels[t], alpha, dim, saturation)
            likelihood[0] *= p
            coefficients[0, t] = c
        for t in range(n_rows):
            _step_row(hidden, grad_hidden, weights, rows[t], coefficients[0, t], dim)
    elif distinct:
        for t in range(n_rows):
            r = rows[t]
            for b in range(n_hidden):
                p, c = _score(hidden, b, weights, r, logit_offsets[t], labels[t], alpha, dim, saturation)
                likelihood[b] *= p
                coefficients[b, t] = c
            if n_hidden == 1:
                _step_row(hidden, grad_hidden, weights, r, coefficients[0, t], dim)
            else:
                for b in range(n_hidden):
                    c = coefficients[b, t]
                    for j in range(dim):
                        grad_hidden[b, j] += c * weights[r, j]
                for b in range(n_hidden):
                    c = coefficients[b, t]
                    for j in range(dim):
                        weights[r, j] += c * hidden[b, j]
    else:
        _update_with_repeats(hidden, grad_hidden, n_hidden, weights, rows, labels, logit_offsets, n_rows, saturation,
                             alpha, coefficients, likelihood)
    loss = 0.0
    for b in range(n_hidden):
        loss -= np.log(likelihood[b])
    return loss


@kernel(inline="always")
def all_distinct(rows, n_rows):
    """Whether ``rows[:n_rows]`` has no repeated value (O(n^2), for the handful of rows of one example)."""
    for a in range(1, n_rows):
        for b in range(a):
            if rows[a] == rows[b]:
                return False
    return True


@kernel()
def _update_with_repeats(hidden, grad_hidden, n_hidden, weights, rows, labels, logit_offsets, n_rows, saturation, alpha,
                         coefficients, likelihood):
    """The rare case of :func:`logistic_update` where a row repeats (a noise word drawn twice): all
    gradients first, then all updates. Its own function, to keep the hot path's compiled code small."""
    dim = hidden.shape[1]
    for t in range(n_rows):
        r = rows[t]
        for b in range(n_hidden):
            p, c = _score(hidden, b, weights, r, logit_offsets[t], labels[t], alpha, dim, saturation)
            likelihood[b] *= p
            coefficients[b, t] = c
    for t in range(n_rows):
        r = rows[t]
        for b in range(n_hidden):
            c = coefficients[b, t]
            for j in range(dim):
                grad_hidden[b, j] += c * weights[r, j]
    for t in range(n_rows):
        r = rows[t]
        for b in range(n_hidden):
            c = coefficients[b, t]
            for j in range(dim):
                weights[r, j] += c * hidden[b, j]

"""Compiled core shared by negative sampling, NCE and hierarchical softmax: independent logistic
losses of a few output rows against a small batch of hidden vectors.

The three layers differ only in which output rows they score, with which 0/1 labels and which logit
offsets (``log k q(w)`` for NCE, zero otherwise); they fill ``rows``, ``labels`` and ``offsets`` and
call :func:`logistic_update`. A batch holds one hidden vector per row of ``hidden`` (one, or the
whole window when negatives are shared across it).

>>> loss = logistic_update(hidden, grad_hidden, 1, weights, rows, labels, offsets, 6, 0.025, g)  # doctest: +SKIP
"""
from __future__ import annotations

import numpy as np
from numba import njit


@njit(nogil=True, cache=True, fastmath=True, error_model="numpy", inline="always")
def logistic_update(hidden, grad_hidden, n_hidden, weights, rows, labels, offsets, n_rows, alpha, g):
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
    offsets : float32 (T_max,)
        Subtracted from each logit.
    n_rows : int
        Number of rows used.
    alpha : float32
        Learning rate.
    g : float32 (B_max, T_max)
        Scratch for the step coefficients.

    Returns
    -------
    float64
        Sum over the batch of ``-log p(label)``.
    """
    dim = hidden.shape[1]
    loss = 0.0
    for b in range(n_hidden):
        # the loss of one hidden vector is -log of the product of its rows' probabilities: one log
        # per hidden vector instead of one per row (float64 keeps the product far from underflow)
        likelihood = 1.0
        for t in range(n_rows):
            r = rows[t]
            x = np.float32(0.0)
            for j in range(dim):
                x += hidden[b, j] * weights[r, j]
            x -= offsets[t]
            e = np.exp(-abs(x))
            near = np.float32(1.0) / (np.float32(1.0) + e)  # s(|x|)
            far = e * near  # s(-|x|), without the cancellation of 1 - s(|x|)
            sig = near if x >= 0 else far
            if labels[t] > 0.5:
                likelihood *= sig
            else:
                likelihood *= (far if x >= 0 else near)
            g[b, t] = (labels[t] - sig) * alpha
        loss -= np.log(likelihood)
    # every gradient is taken at the weights before the step, also when a row repeats
    for t in range(n_rows):
        r = rows[t]
        for b in range(n_hidden):
            c = g[b, t]
            for j in range(dim):
                grad_hidden[b, j] += c * weights[r, j]
    for t in range(n_rows):
        r = rows[t]
        for b in range(n_hidden):
            c = g[b, t]
            for j in range(dim):
                weights[r, j] += c * hidden[b, j]
    return loss

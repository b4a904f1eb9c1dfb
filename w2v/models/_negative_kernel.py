"""Compiled negative-sampling output layer: the observed word against ``negative`` noise words drawn
from the unigram^0.75 alias table (word2vec.c skips a noise word equal to the target; so do we).

>>> loss = negative_update(hidden, grad_hidden, 1, target, weights, accept, alias, 5, *buffers, alpha, state)  # doctest: +SKIP
"""
from __future__ import annotations

import numpy as np
from numba import njit

from w2v.models._logistic_kernel import NO_SATURATION, all_distinct, logistic_update
from w2v.models._random_kernel import alias_draw


@njit(nogil=True, cache=True, fastmath=True, error_model="numpy", inline="always")
def negative_targets(target, negative, accept, alias, state, rows, labels, offsets):
    """Fill ``rows``/``labels``/``offsets`` with the target (label 1) and its noise words (label 0).

    Returns the number of rows filled (``1 + negative`` minus noise draws equal to the target).
    """
    rows[0] = target
    labels[0] = 1.0
    offsets[0] = 0.0
    n = 1
    for _ in range(negative):
        w = alias_draw(state, accept, alias)
        if w == target:
            continue
        rows[n] = w
        labels[n] = 0.0
        offsets[n] = 0.0
        n += 1
    return n


@njit(nogil=True, cache=True, fastmath=True, error_model="numpy", inline="always")
def negative_update(hidden, grad_hidden, n_hidden, target, weights, accept, alias, negative, rows, labels, offsets,
                    g, likelihood, alpha, state):
    """One negative-sampling SGD step for ``n_hidden`` hidden vectors that share target and noise.

    ``weights`` are the ``output_weights`` (V, dim); ``rows``, ``labels``, ``offsets``, ``g`` and
    ``likelihood`` are the thread's scratch buffers; see
    :func:`w2v.models._logistic_kernel.logistic_update` for them. Returns the loss.
    """
    n_rows = negative_targets(target, negative, accept, alias, state, rows, labels, offsets)
    return logistic_update(hidden, grad_hidden, n_hidden, weights, rows, labels, offsets, n_rows,
                           all_distinct(rows, n_rows), NO_SATURATION, alpha, g, likelihood)

"""Compiled negative-sampling output layer: the observed word against ``negative`` noise words drawn
from the unigram^0.75 alias table (word2vec.c skips a noise word equal to the target; so do we).

>>> loss = negative_update(hidden, grad_hidden, 1, target, layer, alpha, state, scratch)  # doctest: +SKIP
"""
from __future__ import annotations

import numpy as np
from numba import njit

from w2v.models._logistic_kernel import logistic_update
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
def negative_update(hidden, grad_hidden, n_hidden, target, layer, alpha, state, scratch):
    """One negative-sampling SGD step for ``n_hidden`` hidden vectors that share target and noise.

    ``layer`` and ``scratch`` are the tuples built by :mod:`w2v.models.training`; see
    :func:`w2v.models._logistic_kernel.logistic_update` for the other arguments. Returns the loss.
    """
    weights, _codes, _points, _lengths, accept, alias, _log_kq, negative = layer
    rows, labels, offsets, g = scratch[2], scratch[3], scratch[4], scratch[5]
    n_rows = negative_targets(target, negative, accept, alias, state, rows, labels, offsets)
    return logistic_update(hidden, grad_hidden, n_hidden, weights, rows, labels, offsets, n_rows, alpha, g)

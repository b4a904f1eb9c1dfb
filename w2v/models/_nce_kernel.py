"""Compiled NCE output layer: like negative sampling, but every logit is corrected by the noise
log-odds ``log(k * q(w))``, which makes ``sigmoid(logit)`` the posterior that ``w`` is data, so the
scores estimate normalised log-probabilities. Noise words equal to the target are kept (each draw
is one of the ``k`` noise samples the estimator assumes).

>>> loss = nce_update(hidden, grad_hidden, 1, target, weights, accept, alias, log_kq, 5, *buffers, alpha, state)  # doctest: +SKIP
"""
from __future__ import annotations

from numba import njit

from w2v.models._logistic_kernel import NO_SATURATION, all_distinct, logistic_update
from w2v.models._random_kernel import alias_draw


@njit(nogil=True, cache=True, fastmath=True, error_model="numpy", inline="always")
def nce_targets(target, negative, accept, alias, log_kq, state, rows, labels, offsets):
    """Fill the target (label 1) and ``negative`` noise words (label 0) with their ``log k q`` offsets."""
    rows[0] = target
    labels[0] = 1.0
    offsets[0] = log_kq[target]
    for n in range(1, negative + 1):
        w = alias_draw(state, accept, alias)
        rows[n] = w
        labels[n] = 0.0
        offsets[n] = log_kq[w]
    return negative + 1


@njit(nogil=True, cache=True, fastmath=True, error_model="numpy", inline="always")
def nce_update(hidden, grad_hidden, n_hidden, target, weights, accept, alias, log_kq, negative, rows, labels, offsets,
               g, likelihood, alpha, state):
    """One NCE SGD step; arguments as :func:`w2v.models._negative_kernel.negative_update`, plus
    ``log_kq`` float32 (V,), the noise log-odds ``log(k q(w))``."""
    n_rows = nce_targets(target, negative, accept, alias, log_kq, state, rows, labels, offsets)
    return logistic_update(hidden, grad_hidden, n_hidden, weights, rows, labels, offsets, n_rows,
                           all_distinct(rows, n_rows), NO_SATURATION, alpha, g, likelihood)

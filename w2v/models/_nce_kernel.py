"""Compiled NCE output layer: like negative sampling, but every logit is corrected by the noise
log-odds ``log(k * q(w))``, which makes ``sigmoid(logit)`` the posterior that ``w`` is data, so the
scores estimate normalised log-probabilities. Noise words equal to the target are kept (each draw
is one of the ``k`` noise samples the estimator assumes).

>>> loss = nce_update(NceArrays(output_weights, accept, alias, log_kq, 5), scratch, 1, target, alpha, state)  # doctest: +SKIP
"""
from __future__ import annotations

from typing import NamedTuple

import numpy as np

from w2v.models._kernel_cache import kernel
from w2v.models._logistic_kernel import NO_SATURATION, all_distinct, logistic_update
from w2v.models._prefetch_kernel import prefetch_rows
from w2v.models._random_kernel import alias_draw


class NceArrays(NamedTuple):
    """What the NCE kernels read and train."""

    #: float32 (V, dim), trained in place
    output_weights: np.ndarray
    #: float32 (V,) and int32 (V,): alias table of the noise distribution q
    accept: np.ndarray
    alias: np.ndarray
    #: float32 (V,): the noise log-odds log(k q(w))
    log_kq: np.ndarray
    #: noise words per example (k)
    negative: int


@kernel(inline="always")
def nce_targets(target, negative, accept, alias, log_kq, state, rows, labels, logit_offsets):
    """Fill the target (label 1) and ``negative`` noise words (label 0) with their ``log k q`` offsets."""
    rows[0] = target
    labels[0] = 1.0
    logit_offsets[0] = log_kq[target]
    for n in range(1, negative + 1):
        w = alias_draw(state, accept, alias)
        rows[n] = w
        labels[n] = 0.0
        logit_offsets[n] = log_kq[w]
    return negative + 1


@kernel(inline="always")
def nce_update(arrays, scratch, n_hidden, target, alpha, state):
    """One NCE SGD step; arguments as :func:`w2v.models._negative_kernel.negative_update`, with
    ``arrays`` a :class:`NceArrays`."""
    rows, labels, logit_offsets = scratch.rows, scratch.labels, scratch.logit_offsets
    n_rows = nce_targets(target, arrays.negative, arrays.accept, arrays.alias, arrays.log_kq, state, rows, labels,
                         logit_offsets)
    prefetch_rows(arrays.output_weights, rows, n_rows)
    return logistic_update(scratch.hidden, scratch.grad_hidden, n_hidden, arrays.output_weights, rows, labels,
                           logit_offsets, n_rows, all_distinct(rows, n_rows), NO_SATURATION, alpha,
                           scratch.coefficients, scratch.likelihood)


NceArrays.update = nce_update

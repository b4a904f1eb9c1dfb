"""Compiled negative-sampling output layer: the observed word against ``negative`` noise words drawn
from the unigram^0.75 alias table (word2vec.c skips a noise word equal to the target; so do we).

>>> loss = negative_update(NegativeArrays(output_weights, accept, alias, 5), scratch, 1, target, alpha, state)  # doctest: +SKIP
"""
from __future__ import annotations

from typing import NamedTuple

import numpy as np

from w2v.models._kernel_cache import kernel
from w2v.models._logistic_kernel import NO_SATURATION, all_distinct, logistic_update
from w2v.models._prefetch_kernel import prefetch_rows
from w2v.models._random_kernel import alias_draw


class NegativeArrays(NamedTuple):
    """What the negative-sampling kernels read and train."""

    #: float32 (V, dim), trained in place
    output_weights: np.ndarray
    #: float32 (V,) and int32 (V,): alias table of the noise distribution
    accept: np.ndarray
    alias: np.ndarray
    #: noise words per example
    negative: int


@kernel(inline="always")
def negative_targets(target, negative, accept, alias, state, rows, labels, logit_offsets):
    """Fill ``rows``/``labels``/``logit_offsets`` with the target (label 1) and its noise words (label 0).

    Returns the number of rows filled (``1 + negative`` minus noise draws equal to the target).
    """
    rows[0] = target
    labels[0] = 1.0
    logit_offsets[0] = 0.0
    n = np.int64(1)  # not a literal 1: numba would compile the callees of ``n`` for that type too
    for _ in range(negative):
        w = alias_draw(state, accept, alias)
        if w == target:
            continue
        rows[n] = w
        labels[n] = 0.0
        logit_offsets[n] = 0.0
        n += 1
    return n


@kernel(inline="always")
def negative_update(arrays, scratch, n_hidden, target, alpha, state):
    """One negative-sampling SGD step for ``n_hidden`` hidden vectors that share target and noise.

    ``arrays`` is a :class:`NegativeArrays`; ``scratch`` the thread's buffers
    (:class:`w2v.models._output_kernel.Scratch`), whose first ``n_hidden`` rows of ``hidden`` are
    the hidden vectors and of ``grad_hidden`` receive their steps. Returns the loss.
    """
    rows, labels, logit_offsets = scratch.rows, scratch.labels, scratch.logit_offsets
    n_rows = negative_targets(target, arrays.negative, arrays.accept, arrays.alias, state, rows, labels, logit_offsets)
    prefetch_rows(arrays.output_weights, rows, n_rows)
    return logistic_update(scratch.hidden, scratch.grad_hidden, n_hidden, arrays.output_weights, rows, labels,
                           logit_offsets, n_rows, all_distinct(rows, n_rows), NO_SATURATION, alpha,
                           scratch.coefficients, scratch.likelihood)


NegativeArrays.update = negative_update

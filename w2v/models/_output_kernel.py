"""Compile-time composition of the output layers: one entry point the architecture kernels call,
dispatching on a small integer that is constant for a whole training run (so the branch is free).

numba's on-disk cache does not survive jitted functions passed as arguments or captured in closures
(their types differ in every process, so every start recompiles); a module-level dispatch keeps
``cache=True`` effective and the second start of training fast.

>>> loss = output_update(NEGATIVE, hidden, grad_hidden, 1, target, *layer_arrays, *buffers, alpha, state)  # doctest: +SKIP
"""
from __future__ import annotations

from numba import njit

from w2v.models._hierarchical_kernel import hierarchical_update
from w2v.models._nce_kernel import nce_update
from w2v.models._negative_kernel import negative_update
from w2v.models._softmax_kernel import softmax_update

#: objective codes, in the order of :data:`w2v.models.training.OBJECTIVES`
NEGATIVE, HIERARCHICAL, SOFTMAX, NCE = 0, 1, 2, 3


@njit(nogil=True, cache=True, fastmath=True, error_model="numpy", inline="always")
def output_update(kind, hidden, grad_hidden, n_hidden, target, weights, codes, points, lengths, accept, alias,
                  log_kq, negative, rows, labels, offsets, g, likelihood, scores, step, alpha, state):
    """Run the update of output layer ``kind`` (see the module constants); returns its loss.

    The arrays are the fields of the layer and scratch tuples of :mod:`w2v.models.training`,
    passed one by one: the architecture kernels unpack the tuples once per center word, not per
    pair (tuple unpacking in the innermost loop costs reference counting).
    """
    if kind == NEGATIVE:
        return negative_update(hidden, grad_hidden, n_hidden, target, weights, accept, alias, negative, rows,
                               labels, offsets, g, likelihood, alpha, state)
    if kind == HIERARCHICAL:
        return hierarchical_update(hidden, grad_hidden, n_hidden, target, weights, codes, points, lengths, rows,
                                   labels, offsets, g, likelihood, alpha)
    if kind == SOFTMAX:
        return softmax_update(hidden, grad_hidden, n_hidden, target, weights, scores, step, alpha)
    return nce_update(hidden, grad_hidden, n_hidden, target, weights, accept, alias, log_kq, negative, rows, labels,
                      offsets, g, likelihood, alpha, state)

"""Compiled hierarchical-softmax output layer: one logistic decision per inner node on the target's
Huffman path, with word2vec.c's target ``1 - code`` for the branch taken.

>>> loss = hierarchical_update(hidden, grad_hidden, 1, target, layer, alpha, state, scratch)  # doctest: +SKIP
"""
from __future__ import annotations

from numba import njit

from w2v.models._logistic_kernel import logistic_update


@njit(nogil=True, cache=True, fastmath=True, error_model="numpy", inline="always")
def hierarchical_update(hidden, grad_hidden, n_hidden, target, layer, alpha, state, scratch):
    """One hierarchical-softmax SGD step; same arguments as the negative-sampling update.

    ``layer[0]`` is ``node_weights`` (V - 1, dim); ``layer[1:4]`` are the Huffman ``codes``,
    ``points`` and ``lengths``. ``state`` is unused (the path is deterministic).
    """
    weights, codes, points, lengths, _accept, _alias, _log_kq, _negative = layer
    rows, labels, offsets, g = scratch[2], scratch[3], scratch[4], scratch[5]
    n_rows = lengths[target]
    for k in range(n_rows):
        rows[k] = points[target, k]
        labels[k] = 1.0 - codes[target, k]
        offsets[k] = 0.0
    return logistic_update(hidden, grad_hidden, n_hidden, weights, rows, labels, offsets, n_rows, alpha, g)

"""Compiled hierarchical-softmax output layer: one logistic decision per inner node on the target's
Huffman path, with word2vec.c's target ``1 - code`` for the branch taken.

As in word2vec.c (and gensim), a node whose ``|logit|`` is 6 or more is saturated and is not
updated (its loss still counts): the step is then within 0.25% of zero when the node is right,
and word2vec.c's learning rates were tuned with the rule in place when it is wrong.

>>> loss = hierarchical_update(hidden, grad_hidden, 1, target, node_weights, codes, points, lengths, *buffers, alpha)  # doctest: +SKIP
"""
from __future__ import annotations

from numba import njit

from w2v.models._logistic_kernel import HS_SATURATION, logistic_update


@njit(nogil=True, cache=True, fastmath=True, error_model="numpy", inline="always")
def hierarchical_update(hidden, grad_hidden, n_hidden, target, weights, codes, points, lengths, rows, labels, offsets,
                        g, likelihood, alpha):
    """One hierarchical-softmax SGD step.

    ``weights`` are the ``node_weights`` (V - 1, dim); ``codes`` uint8 (V, L), ``points`` int32
    (V, L) and ``lengths`` int32 (V,) the Huffman paths; the other arguments as
    :func:`w2v.models._negative_kernel.negative_update`. Returns the loss.
    """
    n_rows = lengths[target]
    for k in range(n_rows):
        rows[k] = points[target, k]
        labels[k] = 1.0 - codes[target, k]
        offsets[k] = 0.0
    # the inner nodes of one path are distinct; saturated nodes are skipped as in word2vec.c
    return logistic_update(hidden, grad_hidden, n_hidden, weights, rows, labels, offsets, n_rows, True,
                           HS_SATURATION, alpha, g, likelihood)

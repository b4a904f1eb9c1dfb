"""Compiled hierarchical-softmax output layer: one logistic decision per inner node on the target's
Huffman path, with word2vec.c's target ``1 - code`` for the branch taken.

As in word2vec.c (and gensim), a node whose ``|logit|`` is 6 or more is saturated and is not
updated (its loss still counts): the step is then within 0.25% of zero when the node is right,
and word2vec.c's learning rates were tuned with the rule in place when it is wrong.

>>> loss = hierarchical_update(hidden, grad_hidden, 1, target, node_weights, codes, points, lengths, *buffers, alpha)  # doctest: +SKIP

Skip-gram trains every context of a center word against the *same* path (the center's), so the
per-pair loop can run on a thread-local copy of the path's rows (:func:`load_path`,
:func:`path_update`, :func:`store_path`): the same sequence of SGD steps, but the shared rows near the
root are written once per center word instead of once per pair. Without this the two threads
keep taking the root's cache lines from each other and two threads train slower than one.
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


@njit(nogil=True, cache=True, fastmath=True, error_model="numpy", inline="always")
def load_path(target, weights, codes, points, lengths, path, path_start, rows, labels, offsets):
    """Copy ``target``'s path rows of ``weights`` into ``path`` (and ``path_start``) and set up the
    local row indices, labels and offsets for :func:`path_update`. Returns the path length."""
    n_rows = lengths[target]
    dim = weights.shape[1]
    for k in range(n_rows):
        r = points[target, k]
        rows[k] = k
        labels[k] = 1.0 - codes[target, k]
        offsets[k] = 0.0
        for j in range(dim):
            v = weights[r, j]
            path[k, j] = v
            path_start[k, j] = v
    return n_rows


@njit(nogil=True, cache=True, fastmath=True, error_model="numpy", inline="always")
def path_update(hidden, grad_hidden, path, rows, labels, offsets, n_rows, g, likelihood, alpha):
    """One hierarchical-softmax SGD step of one hidden vector against the local ``path`` copy."""
    return logistic_update(hidden, grad_hidden, 1, path, rows, labels, offsets, n_rows, True, HS_SATURATION, alpha,
                           g, likelihood)


@njit(nogil=True, cache=True, fastmath=True, error_model="numpy", inline="always")
def store_path(target, weights, points, n_rows, path, path_start):
    """Add what the local steps changed (``path - path_start``) to the shared ``weights`` rows.

    Adding the difference, rather than copying ``path`` over, keeps the other threads' updates
    made to those rows in the meantime (Hogwild)."""
    dim = weights.shape[1]
    for k in range(n_rows):
        r = points[target, k]
        for j in range(dim):
            weights[r, j] += path[k, j] - path_start[k, j]

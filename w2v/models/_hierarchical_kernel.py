"""Compiled hierarchical-softmax output layer: one logistic decision per inner node on the target's
Huffman path, with word2vec.c's target ``1 - code`` for the branch taken.

As in word2vec.c (and gensim), a node whose ``|logit|`` is 6 or more is saturated and is not
updated (its loss still counts): the step is then within 0.25% of zero when the node is right,
and word2vec.c's learning rates were tuned with the rule in place when it is wrong.

>>> loss = hierarchical_update(HierarchicalArrays(node_weights, codes, points, lengths), scratch, 1, target, alpha, state)  # doctest: +SKIP

Skip-gram trains every context of a center word against the *same* path (the center's), so the
per-pair loop runs on a thread-local copy of the path's rows: the output-layer hooks
:func:`load_path` (``begin_target``), :func:`path_update` (``update_target``) and
:func:`store_path` (``end_target``). The same sequence of SGD steps, but the shared rows near the
root are written once per center word instead of once per pair. Without this the two threads keep
taking the root's cache lines from each other and two threads train slower than one. A step
also scores the path for the next context of the window (``score_next``; not after the last
context, nor when the next context is the same word), row by row right after updating it, so a
pair reads each path row once rather than once to score and once to update.
"""
from __future__ import annotations

from typing import NamedTuple

import numpy as np

from w2v.models._kernel_cache import kernel
from w2v.models._logistic_kernel import (HS_SATURATION, logistic_update, score_rows, step_rows,
                                         step_rows_scoring_next)
from w2v.models._prefetch_kernel import prefetch_rows


class HierarchicalArrays(NamedTuple):
    """What the hierarchical-softmax kernels read and train."""

    #: float32 (V - 1, dim): one row per inner node of the Huffman tree, trained in place
    node_weights: np.ndarray
    #: uint8 (V, L): branch (0/1) taken at each step of word w's path
    codes: np.ndarray
    #: int32 (V, L): inner node (row of node_weights) at each step
    points: np.ndarray
    #: int32 (V,): path lengths
    lengths: np.ndarray


@kernel(inline="always")
def hierarchical_update(arrays, scratch, n_hidden, target, alpha, state):
    """One hierarchical-softmax SGD step; arguments as
    :func:`w2v.models._negative_kernel.negative_update`, with ``arrays`` a :class:`HierarchicalArrays`
    (``state`` is unused: no random draws). Returns the loss."""
    rows, labels, logit_offsets = scratch.rows, scratch.labels, scratch.logit_offsets
    codes, points = arrays.codes, arrays.points
    n_rows = arrays.lengths[target]
    # the thread's copies of the nodes nearest the root (w2v.models._hot_kernel): a path runs from
    # the root down and every node's id is below its parent's, so the copied nodes (ids from
    # ``first`` on) are the start of the path, trained first, as they would be in place
    first, n_hot = scratch.hot_range[0], scratch.hot_range[1]
    n_top = 0
    while n_hot > 0 and n_top < n_rows and points[target, n_top] >= first:
        n_top += 1
    # the rest of the path is shared with the other threads, and its unsaturated nodes are written below
    prefetch_rows(arrays.node_weights, points[target, n_top:], n_rows - n_top)
    loss = 0.0
    if n_top > 0:
        for k in range(n_top):
            rows[k] = points[target, k] - first
            labels[k] = 1.0 - codes[target, k]
            logit_offsets[k] = 0.0
        loss += _nodes_update(scratch, n_hidden, scratch.hot_nodes, n_top, alpha)
    for k in range(n_top, n_rows):
        rows[k - n_top] = points[target, k]
        labels[k - n_top] = 1.0 - codes[target, k]
        logit_offsets[k - n_top] = 0.0
    loss += _nodes_update(scratch, n_hidden, arrays.node_weights, n_rows - n_top, alpha)
    return loss


@kernel()
def _nodes_update(scratch, n_hidden, weights, n_rows, alpha):
    """The SGD step of ``n_hidden`` hidden vectors against the inner nodes ``scratch.rows[:n_rows]``
    of ``weights`` (labels in ``scratch.labels``); returns the loss. The nodes of one path are
    distinct; saturated nodes are skipped as in word2vec.c. One hidden vector (CBOW, or a
    skip-gram window of one context with shared negatives) scores the whole path first
    (:func:`w2v.models._logistic_kernel.score_rows`), a batch row by row. Not inlined: compiled
    once for both of :func:`hierarchical_update`'s calls (inlined: 2 s more of first compile for
    1.03x the speed)."""
    if n_hidden == 1:
        score_rows(scratch.hidden, 0, weights, scratch.rows, scratch.labels, scratch.logit_offsets, n_rows,
                   HS_SATURATION, alpha, scratch.coefficients, scratch.likelihood)
        step_rows(scratch.hidden, scratch.grad_hidden, weights, scratch.rows, n_rows, scratch.coefficients)
        return -np.log(scratch.likelihood[0])
    return logistic_update(scratch.hidden, scratch.grad_hidden, n_hidden, weights, scratch.rows, scratch.labels,
                           scratch.logit_offsets, n_rows, True, HS_SATURATION, alpha, scratch.coefficients,
                           scratch.likelihood)


@kernel(inline="always")
def load_path(arrays, scratch, target):
    """Copy ``target``'s path rows of ``node_weights`` into ``scratch.path`` (and ``path_start``) and
    set up the local row indices, labels and logit offsets for :func:`path_update`. The rows are
    prefetched for writing: :func:`store_path` writes them back."""
    weights, codes, points = arrays.node_weights, arrays.codes, arrays.points
    rows, labels, logit_offsets = scratch.rows, scratch.labels, scratch.logit_offsets
    path, path_start = scratch.path, scratch.path_start
    dim = weights.shape[1]
    prefetch_rows(weights, points[target], arrays.lengths[target])
    for k in range(arrays.lengths[target]):
        r = points[target, k]
        rows[k] = k
        labels[k] = 1.0 - codes[target, k]
        logit_offsets[k] = 0.0
        for j in range(dim):
            v = weights[r, j]
            path[k, j] = v
            path_start[k, j] = v


@kernel(inline="always")
def path_update(arrays, scratch, target, alpha, state, scored, score_next):
    """One SGD step of ``scratch.hidden[0]`` against the local copy of ``target``'s path (after
    :func:`load_path`); returns its loss.

    ``scored``: the previous call scored this hidden vector already (its ``score_next``), in row 1
    of ``scratch.coefficients`` and ``scratch.likelihood``. ``score_next``: score
    ``scratch.hidden[1]`` (the next context's input row) with the rows as this step leaves them,
    for the next call (:func:`w2v.models._logistic_kernel.step_rows_scoring_next`)."""
    n_rows = arrays.lengths[target]
    coefficients, likelihood = scratch.coefficients, scratch.likelihood
    if scored:
        for t in range(n_rows):
            coefficients[0, t] = coefficients[1, t]
        likelihood[0] = likelihood[1]
    else:
        score_rows(scratch.hidden, 0, scratch.path, scratch.rows, scratch.labels, scratch.logit_offsets, n_rows,
                   HS_SATURATION, alpha, coefficients, likelihood)
    if score_next:
        step_rows_scoring_next(scratch.hidden, scratch.grad_hidden, scratch.path, scratch.rows, scratch.labels,
                               scratch.logit_offsets, n_rows, HS_SATURATION, alpha, coefficients, likelihood)
    else:
        step_rows(scratch.hidden, scratch.grad_hidden, scratch.path, scratch.rows, n_rows, coefficients)
    return -np.log(likelihood[0])


@kernel(inline="always")
def store_path(arrays, scratch, target):
    """Add what the local steps changed (``path - path_start``) to the shared ``node_weights`` rows.

    Adding the difference, rather than copying ``path`` over, keeps the other threads' updates
    made to those rows in the meantime (Hogwild)."""
    weights, points = arrays.node_weights, arrays.points
    path, path_start = scratch.path, scratch.path_start
    dim = weights.shape[1]
    for k in range(arrays.lengths[target]):
        r = points[target, k]
        for j in range(dim):
            weights[r, j] += path[k, j] - path_start[k, j]


HierarchicalArrays.update = hierarchical_update
HierarchicalArrays.begin_target = load_path
HierarchicalArrays.update_target = path_update
HierarchicalArrays.end_target = store_path

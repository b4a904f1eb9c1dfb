"""Compiled architectures: how the hidden vector is built from input rows and where its step goes.

- skip-gram (as word2vec.c): every context word's input row predicts the center word; per pair, or,
  with ``shared``, the whole window as one batch that shares the center's noise words (Ji et al.
  2016), which turns the window's dot products into one small matrix product.
- CBOW: the mean (``cbow_mean``) or sum of the context rows predicts the center word; the step for
  ``h`` is added to every context row unscaled (word2vec.c's update, also for the mean).

Both call :func:`w2v.models._output_kernel.output_update`, so any architecture trains with any
output layer.

>>> loss, examples = skipgram_center(kind, sentence, n, i, radius, vectors, layer, alpha, state, scratch, False)  # doctest: +SKIP
"""
from __future__ import annotations

from numba import njit

from w2v.models._hierarchical_kernel import load_path, path_update, store_path
from w2v.models._output_kernel import HIERARCHICAL, output_update


@njit(nogil=True, cache=True, fastmath=True, error_model="numpy", inline="always")
def skipgram_center(kind, sentence, n, i, radius, input_vectors, layer, alpha, state, scratch, shared):
    """Train the center word ``sentence[i]`` from its contexts within ``radius``.

    Parameters
    ----------
    kind : int
        Output-layer code (:mod:`w2v.models._output_kernel`).
    sentence : int32 (n_max,)
        Word ids of the current (subsampled) sentence; the first ``n`` are valid.
    n, i, radius : int
    input_vectors : float32 (V, dim)
        Updated in place.
    layer, scratch : tuple
        Output-layer arrays and per-thread buffers (built by :mod:`w2v.models.training`).
    alpha : float32
    state : uint64 (1,)
        The thread's random state.
    shared : bool
        One batch per window with shared noise words instead of one update per pair.

    Returns
    -------
    (float64, int64)
        Summed loss and number of (hidden vector, target) examples.
    """
    weights, codes, points, lengths, accept, alias, log_kq, negative = layer
    hidden, grad, rows, labels, offsets, g, scores, step, contexts, likelihood, path, path_start = scratch
    dim = input_vectors.shape[1]
    center = sentence[i]
    lo = max(0, i - radius)
    hi = min(n, i + radius + 1)
    loss = 0.0
    n_contexts = 0
    for c in range(lo, hi):
        if c != i:
            contexts[n_contexts] = sentence[c]
            n_contexts += 1
    if kind == HIERARCHICAL and not shared:
        # per-pair SGD against a thread-local copy of the center's path (see _hierarchical_kernel)
        n_rows = load_path(center, weights, codes, points, lengths, path, path_start, rows, labels, offsets)
        for k in range(n_contexts):
            w = contexts[k]
            for j in range(dim):
                hidden[0, j] = input_vectors[w, j]
                grad[0, j] = 0.0
            loss += path_update(hidden, grad, path, rows, labels, offsets, n_rows, g, likelihood, alpha)
            for j in range(dim):
                input_vectors[w, j] += grad[0, j]
        store_path(center, weights, points, n_rows, path, path_start)
        return loss, n_contexts
    # one batch of the whole window (shared noise) or batches of one context (per-pair SGD); a
    # single call site keeps the inlined output layer small
    batch = max(n_contexts, 1) if shared else 1
    for first in range(0, n_contexts, batch):
        size = min(batch, n_contexts - first)
        for k in range(size):
            w = contexts[first + k]
            for j in range(dim):
                hidden[k, j] = input_vectors[w, j]
                grad[k, j] = 0.0
        loss += output_update(kind, hidden, grad, size, center, weights, codes, points, lengths, accept, alias,
                              log_kq, negative, rows, labels, offsets, g, likelihood, scores, step, alpha, state)
        for k in range(size):
            w = contexts[first + k]
            for j in range(dim):
                input_vectors[w, j] += grad[k, j]
    return loss, n_contexts


@njit(nogil=True, cache=True, fastmath=True, error_model="numpy", inline="always")
def cbow_center(kind, sentence, n, i, radius, input_vectors, layer, alpha, state, scratch, cbow_mean):
    """Train the center word ``sentence[i]`` from the mean or sum of its contexts within ``radius``.

    Same arguments as :func:`skipgram_center`, with ``cbow_mean`` in place of ``shared``.
    """
    weights, codes, points, lengths, accept, alias, log_kq, negative = layer
    hidden, grad, rows, labels, offsets, g, scores, step, contexts, likelihood, path, path_start = scratch
    dim = input_vectors.shape[1]
    lo = max(0, i - radius)
    hi = min(n, i + radius + 1)
    for j in range(dim):
        hidden[0, j] = 0.0
        grad[0, j] = 0.0
    b = 0
    for c in range(lo, hi):
        if c == i:
            continue
        w = sentence[c]
        contexts[b] = w
        for j in range(dim):
            hidden[0, j] += input_vectors[w, j]
        b += 1
    if b == 0:
        return 0.0, 0
    if cbow_mean:
        inv = 1.0 / b
        for j in range(dim):
            hidden[0, j] *= inv
    loss = output_update(kind, hidden, grad, 1, sentence[i], weights, codes, points, lengths, accept, alias, log_kq,
                             negative, rows, labels, offsets, g, likelihood, scores, step, alpha, state)
    for k in range(b):
        w = contexts[k]
        for j in range(dim):
            input_vectors[w, j] += grad[0, j]
    return loss, 1

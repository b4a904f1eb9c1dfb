"""Compiled architectures: how the hidden vector is built from input rows and where its step goes.

- skip-gram (as word2vec.c): every context word's input row predicts the center word; per pair, or,
  with ``shared``, the whole window as one batch that shares the center's noise words (Ji et al.
  2016), which turns the window's dot products into one small matrix product.
- CBOW: the mean (``cbow_mean``) or sum of the context rows predicts the center word; the step for
  ``h`` is added to every context row unscaled (word2vec.c's update, also for the mean).

Both reach the output layer only through :mod:`w2v.models._output_kernel`, so any architecture
trains with any output layer.

>>> loss, examples = skipgram_center(sentence, n, i, radius, input_vectors, arrays, scratch, alpha, state, None)  # doctest: +SKIP
"""
from __future__ import annotations

from w2v.models._kernel_cache import kernel
from w2v.models._output_kernel import (begin_target, end_target, output_update, output_update_one, scores_ahead,
                                       update_target)


@kernel(inline="always")
def window_contexts(sentence, n, i, radius, contexts):
    """Write the words within ``radius`` of position ``i`` (``i`` itself excluded), left to right,
    into ``contexts``; returns how many there are. Every architecture takes its pairs from here."""
    n_contexts = 0
    for c in range(max(0, i - radius), min(n, i + radius + 1)):
        if c != i:
            contexts[n_contexts] = sentence[c]
            n_contexts += 1
    return n_contexts


@kernel()
def skipgram_center(sentence, n, i, radius, input_vectors, arrays, scratch, alpha, state, shared):
    """Train the center word ``sentence[i]`` from its contexts within ``radius``.

    Parameters
    ----------
    sentence : int32 (n_max,)
        Word ids of the current (subsampled) sentence; the first ``n`` are valid.
    n, i, radius : int
    input_vectors : float32 (V, dim)
        Updated in place.
    arrays : named tuple
        The output layer's arrays (its type selects the layer's kernels).
    scratch : Scratch
        This thread's buffers.
    alpha : float32
    state : uint64 (1,)
        The thread's random state.
    shared : True or None
        ``True``: one batch per window with shared noise words; ``None``: one update per pair.
        (``None``, not ``False``: numba then compiles the per-pair path only.)

    Returns
    -------
    (float64, int64)
        Summed loss and number of (hidden vector, target) examples.
    """
    hidden, grad, contexts = scratch.hidden, scratch.grad_hidden, scratch.contexts
    dim = input_vectors.shape[1]
    center = sentence[i]
    n_contexts = window_contexts(sentence, n, i, radius, contexts)
    loss = 0.0
    if shared is None:
        # per-pair SGD: every context predicts the same center, which the layer may hold locally
        begin_target(arrays, scratch, center)
        ahead = scores_ahead(arrays)
        scored = False
        for k in range(n_contexts):
            w = contexts[k]
            if not scored:
                for j in range(dim):
                    hidden[0, j] = input_vectors[w, j]
            for j in range(dim):
                grad[0, j] = 0.0
            # the layer may score the next pair during this step; not when the next context is this
            # one again, whose row the step is about to change
            score_next = ahead and k + 1 < n_contexts and contexts[k + 1] != w
            if score_next:
                following = contexts[k + 1]
                for j in range(dim):
                    hidden[1, j] = input_vectors[following, j]
            loss += update_target(arrays, scratch, center, alpha, state, scored, score_next)
            for j in range(dim):
                input_vectors[w, j] += grad[0, j]
            if score_next:
                for j in range(dim):
                    hidden[0, j] = hidden[1, j]
            scored = score_next
        end_target(arrays, scratch, center)
        return loss, n_contexts
    if n_contexts == 0:
        return loss, 0
    for k in range(n_contexts):
        w = contexts[k]
        for j in range(dim):
            hidden[k, j] = input_vectors[w, j]
            grad[k, j] = 0.0
    loss += output_update(arrays, scratch, n_contexts, center, alpha, state)
    for k in range(n_contexts):
        w = contexts[k]
        for j in range(dim):
            input_vectors[w, j] += grad[k, j]
    return loss, n_contexts


@kernel()
def cbow_center(sentence, n, i, radius, input_vectors, arrays, scratch, alpha, state, cbow_mean):
    """Train the center word ``sentence[i]`` from the mean or sum of its contexts within ``radius``.

    Same arguments as :func:`skipgram_center`, with ``cbow_mean`` in place of ``shared``.
    """
    hidden, grad, contexts = scratch.hidden, scratch.grad_hidden, scratch.contexts
    dim = input_vectors.shape[1]
    n_contexts = window_contexts(sentence, n, i, radius, contexts)
    if n_contexts == 0:
        return 0.0, 0
    for j in range(dim):
        hidden[0, j] = 0.0
        grad[0, j] = 0.0
    for k in range(n_contexts):
        w = contexts[k]
        for j in range(dim):
            hidden[0, j] += input_vectors[w, j]
    if cbow_mean:
        inv = 1.0 / n_contexts
        for j in range(dim):
            hidden[0, j] *= inv
    loss = output_update_one(arrays, scratch, sentence[i], alpha, state)
    for k in range(n_contexts):
        w = contexts[k]
        for j in range(dim):
            input_vectors[w, j] += grad[0, j]
    return loss, 1

"""Compiled full-softmax output layer: scores of all V words through BLAS (``np.dot``), the largest
subtracted before exponentiating. O(V * dim) per example, so meant for small vocabularies (a few
thousand words); the other layers cost O(log V) or O(negative).

>>> loss = softmax_update(hidden, grad_hidden, 1, target, output_weights, scores, step, alpha)  # doctest: +SKIP
"""
from __future__ import annotations

import numpy as np
from numba import njit


@njit(nogil=True, cache=True, fastmath=True, error_model="numpy")
def softmax_update(hidden, grad_hidden, n_hidden, target, weights, scores, step, alpha):
    """One full-softmax SGD step for ``n_hidden`` hidden vectors predicting the same ``target``.

    ``weights`` are the ``output_weights`` (V, dim); ``scores`` float32 (B_max, V) and ``step``
    float32 (B_max, dim) are scratch. Returns the summed ``-log softmax(weights @ h)[target]``.
    """
    n_words = weights.shape[0]
    # (B, dim) x (dim, V) in one BLAS call
    np.dot(hidden[:n_hidden], weights.T, scores[:n_hidden])
    loss = 0.0
    for b in range(n_hidden):
        top = scores[b, 0]
        for w in range(1, n_words):
            top = max(top, scores[b, w])
        shifted_target = np.float64(scores[b, target] - top)
        total = 0.0
        for w in range(n_words):
            e = np.exp(scores[b, w] - top)
            scores[b, w] = e
            total += e
        loss += np.log(total) - shifted_target
        inv = np.float32(1.0 / total)
        for w in range(n_words):
            scores[b, w] = -alpha * scores[b, w] * inv
        scores[b, target] += alpha
    # step for h from the weights before the update, then the rank-B update of the weights
    np.dot(scores[:n_hidden], weights, step[:n_hidden])
    for b in range(n_hidden):
        for j in range(weights.shape[1]):
            grad_hidden[b, j] += step[b, j]
    for b in range(n_hidden):
        for w in range(n_words):
            c = scores[b, w]
            if c != 0:
                for j in range(weights.shape[1]):
                    weights[w, j] += c * hidden[b, j]
    return loss

"""Compiled full-softmax output layer: scores of all V words through BLAS (``np.dot``), the largest
subtracted before exponentiating. O(V * dim) per example, so meant for small vocabularies (a few
thousand words); the other layers cost O(log V) or O(negative).

>>> loss = softmax_update(SoftmaxArrays(output_weights), scratch, 1, target, alpha, state)  # doctest: +SKIP
"""
from __future__ import annotations

from typing import NamedTuple

import numpy as np

from w2v.models._kernel_cache import kernel


class SoftmaxArrays(NamedTuple):
    """What the full-softmax kernel trains."""

    #: float32 (V, dim), trained in place
    output_weights: np.ndarray


@kernel()
def softmax_update(arrays, scratch, n_hidden, target, alpha, state):
    """One full-softmax SGD step for ``n_hidden`` hidden vectors predicting the same ``target``.

    ``arrays`` is a :class:`SoftmaxArrays`; of ``scratch``
    (:class:`w2v.models._output_kernel.Scratch`) it uses ``hidden``, ``grad_hidden``, ``scores``
    float32 (B_max, V) and ``step`` float32 (B_max, dim); ``state`` is unused (no random draws).
    Returns the summed ``-log softmax(output_weights @ h)[target]``.
    """
    weights = arrays.output_weights
    hidden, grad_hidden, scores, step = scratch.hidden, scratch.grad_hidden, scratch.scores, scratch.step
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


SoftmaxArrays.update = softmax_update

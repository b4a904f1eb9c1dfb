"""Slow, obviously-correct float64 references of word2vec's four output layers and two architectures.

Every formula here is written straight from the equations, in numpy, without any of the tricks the
compiled kernels use. Tests hold the references against central finite differences, and the
compiled kernels against one reference SGD step on the same example.

>>> import numpy as np
>>> rng = np.random.default_rng(0)
>>> h, weights = rng.normal(size=4), rng.normal(size=(6, 4))
>>> loss, grad_h, grad_weights = negative_loss_grad(h, weights, target=2, negatives=[0, 5])

Conventions
-----------
All functions return ``(loss, grad_h, grad_weights)``: the loss of one example (a natural-log
negative log-likelihood, or the negative-sampling / NCE objective), its gradient with respect to the
hidden vector ``h`` (shape ``(dim,)``), and its gradient with respect to the whole output matrix
(same shape as the matrix; rows the example does not touch are zero). A descent step is
``h -= alpha * grad_h`` and ``weights -= alpha * grad_weights``.
"""
from __future__ import annotations

import numpy as np


def _log_sigmoid(x: np.ndarray) -> np.ndarray:
    """``log(1 / (1 + exp(-x)))`` without overflow for large ``|x|``."""
    return -np.logaddexp(0.0, -x)


def _sigmoid(x: np.ndarray) -> np.ndarray:
    return np.exp(_log_sigmoid(x))


def _binary_logistic(h, weights, rows, labels, logit_offsets):
    """Sum of logistic losses of ``label`` given logit ``weights[row] @ h - offset`` over the rows.

    Shared by hierarchical softmax, negative sampling and NCE, which differ only in which rows,
    labels and logit offsets they score.
    """
    h = np.asarray(h, dtype=np.float64)
    weights = np.asarray(weights, dtype=np.float64)
    rows = np.asarray(rows, dtype=np.int64)
    labels = np.asarray(labels, dtype=np.float64)
    logits = weights[rows] @ h - np.asarray(logit_offsets, dtype=np.float64)
    # label * log s(x) + (1 - label) * log s(-x), negated
    loss = -float(np.sum(labels * _log_sigmoid(logits) + (1.0 - labels) * _log_sigmoid(-logits)))
    dlogits = _sigmoid(logits) - labels
    grad_h = dlogits @ weights[rows]
    grad_weights = np.zeros_like(weights)
    np.add.at(grad_weights, rows, np.outer(dlogits, h))
    return loss, grad_h, grad_weights


def softmax_loss_grad(h, output_weights, target):
    """Full softmax: ``-log softmax(output_weights @ h)[target]``.

    Parameters
    ----------
    h : array_like of float, shape (dim,)
        Hidden vector.
    output_weights : array_like of float, shape (V, dim)
        One output row per word.
    target : int
        Index of the word to predict.

    Returns
    -------
    loss : float
    grad_h : ndarray of float64, shape (dim,)
    grad_weights : ndarray of float64, shape (V, dim)

    Notes
    -----
    The largest score is subtracted before exponentiating (``log-sum-exp`` trick), so the result is
    finite for any finite input. Cost is O(V * dim) per example.
    """
    h = np.asarray(h, dtype=np.float64)
    weights = np.asarray(output_weights, dtype=np.float64)
    scores = weights @ h
    shifted = scores - scores.max()
    log_z = np.log(np.sum(np.exp(shifted)))
    loss = float(log_z - shifted[target])
    probs = np.exp(shifted - log_z)
    dscores = probs.copy()
    dscores[target] -= 1.0
    return loss, dscores @ weights, np.outer(dscores, h)


def hierarchical_loss_grad(h, node_weights, codes, points):
    """Hierarchical softmax over a Huffman path, in word2vec.c's convention.

    Parameters
    ----------
    h : array_like of float, shape (dim,)
    node_weights : array_like of float, shape (V - 1, dim)
        One row per inner node of the Huffman tree.
    codes : array_like of int, shape (L,)
        Branches taken from the root down to the target word (0 or 1).
    points : array_like of int, shape (L,)
        Inner node at which each branch is taken.

    Returns
    -------
    loss, grad_h, grad_weights
        ``loss = -sum_k log p(branch k)`` where the probability of the branch at node ``n`` is
        ``sigmoid(node_weights[n] @ h)`` when the target ``1 - code`` is 1 and its complement
        otherwise (word2vec.c: ``g = (1 - code - f) * alpha``).
    """
    codes = np.asarray(codes, dtype=np.float64)
    return _binary_logistic(h, node_weights, points, 1.0 - codes, np.zeros(len(codes)))


def negative_loss_grad(h, output_weights, target, negatives):
    """Negative sampling: ``-log s(u_t . h) - sum_n log s(-u_n . h)``.

    Parameters
    ----------
    h : array_like of float, shape (dim,)
    output_weights : array_like of float, shape (V, dim)
    target : int
        The observed word.
    negatives : sequence of int
        Noise words (already drawn; repeats allowed, each one counts).
    """
    rows = np.concatenate([[target], np.asarray(negatives, dtype=np.int64)])
    labels = np.zeros(len(rows))
    labels[0] = 1.0
    return _binary_logistic(h, output_weights, rows, labels, np.zeros(len(rows)))


def nce_loss_grad(h, output_weights, target, negatives, noise_probabilities):
    """Noise-contrastive estimation with ``k = len(negatives)`` noise words.

    The logit of word ``w`` is ``u_w . h - log(k * q(w))`` (the score minus the log-odds of the
    noise), so that ``s(logit)`` is the posterior probability that ``w`` came from the data rather
    than from ``k`` draws of the noise distribution ``q``; the loss is
    ``-log s(logit_t) - sum_n log s(-logit_n)``.

    Parameters
    ----------
    h : array_like of float, shape (dim,)
    output_weights : array_like of float, shape (V, dim)
    target : int
    negatives : sequence of int
    noise_probabilities : array_like of float, shape (V,)
        The noise distribution ``q`` (sums to 1).
    """
    negatives = np.asarray(negatives, dtype=np.int64)
    k = len(negatives)
    rows = np.concatenate([[target], negatives])
    labels = np.zeros(len(rows))
    labels[0] = 1.0
    logit_offsets = np.log(k * np.asarray(noise_probabilities, dtype=np.float64)[rows])
    return _binary_logistic(h, output_weights, rows, labels, logit_offsets)


def hidden(architecture, input_vectors, input_ids, cbow_mean=True):
    """The hidden vector ``h`` of one example.

    Skip-gram (as in word2vec.c) uses the single input row of a context word to predict the center
    word; CBOW uses the mean (``cbow_mean``) or the sum of the context rows.
    """
    rows = np.asarray(input_vectors, dtype=np.float64)[np.asarray(input_ids, dtype=np.int64)]
    if architecture == "skipgram":
        assert len(rows) == 1
        return rows[0]
    return rows.mean(axis=0) if cbow_mean else rows.sum(axis=0)


def sgd_step(architecture, input_vectors, output_weights, input_ids, loss_grad, alpha, cbow_mean=True):
    """One reference SGD step, in place, on float64 copies the caller passes.

    Parameters
    ----------
    architecture : {"skipgram", "cbow"}
    input_vectors : ndarray of float64, shape (V, dim)
        Updated in place.
    output_weights : ndarray of float64, shape (V or V - 1, dim)
        Updated in place.
    input_ids : sequence of int
        One context word (skip-gram) or the window's context words (CBOW).
    loss_grad : callable
        ``loss_grad(h, output_weights) -> (loss, grad_h, grad_weights)``, one of the functions above
        with its other arguments bound.
    alpha : float
        Learning rate.
    cbow_mean : bool
        CBOW hidden vector is the mean (True) or the sum (False) of the context rows.

    Returns
    -------
    float
        The loss before the step.

    Notes
    -----
    ``grad_h`` is added to every context row unscaled, also for the CBOW mean: that is
    word2vec.c's (and gensim's, for the mean) update, whose learning rates were tuned for it,
    rather than the exact gradient of the mean (which would divide by the number of context
    words). For the sum it is the exact gradient; gensim divides it by the number of context words
    there.
    """
    h = hidden(architecture, input_vectors, input_ids, cbow_mean)
    loss, grad_h, grad_weights = loss_grad(h, output_weights)
    output_weights -= alpha * grad_weights
    for i in input_ids:
        input_vectors[i] -= alpha * grad_h
    return loss

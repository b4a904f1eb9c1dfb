"""Compiled core shared by negative sampling, NCE and hierarchical softmax: independent logistic
losses of a few output rows against a small batch of hidden vectors.

The three layers differ only in which output rows they score, with which 0/1 labels and which logit
offsets (``log k q(w)`` for NCE, zero otherwise); they fill ``rows``, ``labels`` and ``logit_offsets``
and call :func:`logistic_update`. A batch holds one hidden vector per row of ``hidden`` (one, or the
whole window when negatives are shared across it). Hierarchical softmax trains one hidden vector
against a path with :func:`score_rows` and :func:`step_rows` instead (all nodes scored first, their
sigmoids in one vectorized loop), and skip-gram's per-pair loop with :func:`step_rows_scoring_next`.

>>> loss = logistic_update(hidden, grad_hidden, 1, weights, rows, labels, logit_offsets, 6, True,  # doctest: +SKIP
...                        NO_SATURATION, 0.025, coefficients, likelihood)
"""
from __future__ import annotations

import numpy as np

from w2v.models._kernel_cache import kernel
from w2v.models._exp_kernel import exp_negative

#: ``saturation`` that never applies (finite: fastmath code may assume there are no infinities)
NO_SATURATION = np.float32(3e38)
#: word2vec.c's MAX_EXP: hierarchical-softmax nodes with ``|logit| >= 6`` are left as they are
HS_SATURATION = np.float32(6.0)


@kernel(inline="always")
def _score(hidden, b, weights, r, offset, label, alpha, dim, saturation):
    """Logit of row ``r`` for hidden vector ``b``: returns (probability of ``label``, step coefficient).

    The coefficient is 0 when ``|logit| >= saturation``."""
    x = np.float32(0.0)
    for j in range(dim):
        x += hidden[b, j] * weights[r, j]
    x -= offset
    # one row at a time (batches, repeated rows): the C library's expf; exp_negative's polynomial
    # pays only where a loop computes many sigmoids at once (:func:`score_rows`)
    return _probability(x, np.exp(-abs(x)), label, alpha, saturation)


@kernel(inline="always")
def _probability(x, e, label, alpha, saturation):
    """(probability of ``label``, step coefficient) of the logit ``x``, given ``e = exp(-|x|)``."""
    near = np.float32(1.0) / (np.float32(1.0) + e)  # s(|x|)
    far = e * near  # s(-|x|), without the cancellation of 1 - s(|x|)
    sig = near if x >= 0 else far
    if label > 0.5:
        p = sig
    else:
        p = far if x >= 0 else near
    if abs(x) >= saturation:
        return p, np.float32(0.0)
    return p, (label - sig) * alpha


@kernel(inline="always")
def _step_row(hidden, grad_hidden, weights, r, c, dim):
    """One hidden vector's step against output row ``r`` with coefficient ``c`` (nothing when 0):
    ``grad_hidden[0] += c * weights[r]``, then ``weights[r] += c * hidden[0]``."""
    if c == 0:
        return
    for j in range(dim):
        w = weights[r, j]
        grad_hidden[0, j] += c * w
        weights[r, j] = w + c * hidden[0, j]


@kernel(inline="always")
def logistic_update(hidden, grad_hidden, n_hidden, weights, rows, labels, logit_offsets, n_rows, distinct, saturation,
                    alpha, coefficients, likelihood):
    """Score, differentiate and update: one SGD step of a sum of logistic losses.

    Parameters
    ----------
    hidden : float32 (B_max, dim)
        Hidden vectors; the first ``n_hidden`` rows are used.
    grad_hidden : float32 (B_max, dim)
        Receives ``-alpha * dloss/dh`` added to its first ``n_hidden`` rows (the step to apply to
        the input side).
    n_hidden : int
    weights : float32 (R, dim)
        Output rows (``output_weights`` or ``node_weights``), updated in place.
    rows : int32 (T_max,)
        Output rows scored; repeats allowed.
    labels : float32 (T_max,)
        1 for the observed side, 0 for noise (hierarchical softmax: ``1 - code``).
    logit_offsets : float32 (T_max,)
        Subtracted from each logit (``log k q(w)`` for NCE, zero otherwise).
    n_rows : int
        Number of rows used.
    distinct : bool
        True when no row repeats: each row is then scored and updated in one visit (while it is in
        cache, and before another thread writes it again); with repeats, every gradient is
        taken before any row moves, so the step is the exact SGD step either way. (Hierarchical
        softmax with one hidden vector scores a whole path first instead: :func:`score_rows`.)
    saturation : float32
        Rows whose ``|logit|`` reaches this are scored (loss) but not updated: word2vec.c's rule
        for hierarchical softmax (6). Pass :data:`NO_SATURATION` to update every row.
    alpha : float32
        Learning rate.
    coefficients : float32 (B_max, T_max)
        Scratch for the step coefficients ``alpha * (label - sigmoid(logit))``.
    likelihood : float64 (B_max,)
        Scratch for the probability of each hidden vector's labels.
    Returns
    -------
    float64
        Sum over the batch of ``-log p(labels)``.
    """
    dim = hidden.shape[1]
    # the loss of one hidden vector is -log of the product of its rows' probabilities: one log
    # per hidden vector instead of one per row (float64 keeps the product far from underflow)
    for b in range(n_hidden):
        likelihood[b] = 1.0
    if distinct:
        for t in range(n_rows):
            r = rows[t]
            for b in range(n_hidden):
                p, c = _score(hidden, b, weights, r, logit_offsets[t], labels[t], alpha, dim, saturation)
                likelihood[b] *= p
                coefficients[b, t] = c
            if n_hidden == 1:
                _step_row(hidden, grad_hidden, weights, r, coefficients[0, t], dim)
            else:
                for b in range(n_hidden):
                    c = coefficients[b, t]
                    for j in range(dim):
                        grad_hidden[b, j] += c * weights[r, j]
                for b in range(n_hidden):
                    c = coefficients[b, t]
                    for j in range(dim):
                        weights[r, j] += c * hidden[b, j]
    else:
        _update_with_repeats(hidden, grad_hidden, n_hidden, weights, rows, labels, logit_offsets, n_rows, saturation,
                             alpha, coefficients, likelihood)
    loss = 0.0
    for b in range(n_hidden):
        loss -= np.log(likelihood[b])
    return loss


#: fastmath without ``arcp`` (division by a reciprocal): with it the compiler divides differently in
#: the vectorized part of a loop and in its remainder, and a row's step would depend on its position
#: in the path (13 of 64 sigmoids differed in the last bits). :func:`_logits_to_coefficients` is its
#: own function so that these flags hold (a function numba inlines takes its caller's); side by side
#: with the inlined version it ran 0.90-1.03x as fast, and the inlined version compiled 0.7 s longer
_SIGMOID_FASTMATH = {"nnan", "ninf", "nsz", "contract", "reassoc"}


@kernel(inline="always")
def score_rows(hidden, b, weights, rows, labels, logit_offsets, n_rows, saturation, alpha, coefficients, likelihood):
    """Score rows ``rows[:n_rows]`` for hidden vector ``b`` without moving any: fills
    ``coefficients[b, :n_rows]`` and ``likelihood[b]`` (the probability of the labels), for
    :func:`step_rows`. Arguments as :func:`logistic_update`; ``b`` : int, a row of ``hidden``.

    Scoring every row before updating any is the exact SGD step when the rows are distinct and
    the hidden vector does not move in between. The dot products then do not wait on the
    updates, and the sigmoids are one loop without calls (:func:`w2v.models._exp_kernel.exp_negative`)
    that the compiler vectorizes across the rows. Hierarchical softmax's paths use it; measured
    against scoring and updating row by row with the C library's ``expf`` (one thread each, side
    by side, ``Word2Vec._train``, one epoch of the benchmark corpus, 4 pairs each): skip-gram + HS
    (with :func:`step_rows_scoring_next`) 1.22-1.33x, CBOW + HS 0.97-1.15x (median 1.08x).
    Negative sampling keeps the row-by-row order of :func:`logistic_update`: this order gained
    0.97-1.08x there (3 pairs each of CBOW and skip-gram) for 1.5 s more of first compile."""
    dim = hidden.shape[1]
    for t in range(n_rows):
        r = rows[t]
        x = np.float32(0.0)
        for j in range(dim):
            x += hidden[b, j] * weights[r, j]
        coefficients[b, t] = x
    # b as an int64, not a literal: numba would compile the function once per literal value
    _logits_to_coefficients(coefficients, np.int64(b), labels, logit_offsets, n_rows, saturation, alpha, likelihood)


@kernel(fastmath=_SIGMOID_FASTMATH)
def _logits_to_coefficients(coefficients, b, labels, logit_offsets, n_rows, saturation, alpha, likelihood):
    """Replace the logits in ``coefficients[b, :n_rows]`` by the step coefficients and set
    ``likelihood[b]``: one loop without calls, which the compiler vectorizes across rows."""
    lik = 1.0
    for t in range(n_rows):
        x = coefficients[b, t] - logit_offsets[t]
        p, c = _probability(x, exp_negative(abs(x)), labels[t], alpha, saturation)
        lik *= p
        coefficients[b, t] = c
    likelihood[b] = lik


@kernel(inline="always")
def step_rows(hidden, grad_hidden, weights, rows, n_rows, coefficients):
    """Step hidden vector 0 against the distinct rows ``rows[:n_rows]`` with the coefficients
    :func:`score_rows` left in ``coefficients[0]``: ``grad_hidden[0] += c * weights[r]``, then
    ``weights[r] += c * hidden[0]`` (nothing where ``c`` is 0, a saturated row). Arguments as
    :func:`logistic_update`."""
    dim = hidden.shape[1]
    for t in range(n_rows):
        _step_row(hidden, grad_hidden, weights, rows[t], coefficients[0, t], dim)


@kernel(inline="always")
def step_rows_scoring_next(hidden, grad_hidden, weights, rows, labels, logit_offsets, n_rows, saturation, alpha,
                           coefficients, likelihood):
    """:func:`step_rows`, and each row scored for hidden vector 1 right after its step, while the
    row is in registers: ``coefficients[1]`` and ``likelihood[1]`` are then what :func:`score_rows`
    of ``b = 1`` gives after all the steps (a row's step changes no other row).

    Skip-gram's per-pair loop trains every context of a center word against the same path, so the
    next context's scores come with this one's steps, and a pair reads each path row once instead
    of twice. The dot products are summed in another order than :func:`score_rows` sums them
    (equal to float32 rounding, not bit for bit). Arguments as :func:`logistic_update`."""
    dim = hidden.shape[1]
    for t in range(n_rows):
        r = rows[t]
        c = coefficients[0, t]
        x = np.float32(0.0)
        if c == 0:
            for j in range(dim):
                x += hidden[1, j] * weights[r, j]
        else:
            for j in range(dim):
                w = weights[r, j]
                grad_hidden[0, j] += c * w
                w = w + c * hidden[0, j]
                weights[r, j] = w
                x += hidden[1, j] * w
        coefficients[1, t] = x
    _logits_to_coefficients(coefficients, np.int64(1), labels, logit_offsets, n_rows, saturation, alpha, likelihood)


@kernel(inline="always")
def all_distinct(rows, n_rows):
    """Whether ``rows[:n_rows]`` has no repeated value (O(n^2), for the handful of rows of one example)."""
    for a in range(1, n_rows):
        for b in range(a):
            if rows[a] == rows[b]:
                return False
    return True


@kernel()
def _update_with_repeats(hidden, grad_hidden, n_hidden, weights, rows, labels, logit_offsets, n_rows, saturation, alpha,
                         coefficients, likelihood):
    """The rare case of :func:`logistic_update` where a row repeats (a noise word drawn twice): all
    gradients first, then all updates. Its own function, to keep the hot path's compiled code small."""
    dim = hidden.shape[1]
    for t in range(n_rows):
        r = rows[t]
        for b in range(n_hidden):
            p, c = _score(hidden, b, weights, r, logit_offsets[t], labels[t], alpha, dim, saturation)
            likelihood[b] *= p
            coefficients[b, t] = c
    for t in range(n_rows):
        r = rows[t]
        for b in range(n_hidden):
            c = coefficients[b, t]
            for j in range(dim):
                grad_hidden[b, j] += c * weights[r, j]
    for t in range(n_rows):
        r = rows[t]
        for b in range(n_hidden):
            c = coefficients[b, t]
            for j in range(dim):
                weights[r, j] += c * hidden[b, j]

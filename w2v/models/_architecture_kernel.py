"""Compiled architectures: how the hidden vector is built from input rows and where its step goes.

- skip-gram (as word2vec.c): every context word's input row predicts the center word, one update
  per pair (:class:`SkipGram`), or, with shared negatives (:class:`SkipGramShared`), the whole
  window as one batch that shares the center's noise words (Ji et al. 2016), which turns the
  window's dot products into one small matrix product.
- CBOW (:class:`Cbow`): the mean or the sum of the context rows predicts the center word; the step
  for ``h`` is added to every context row unscaled (word2vec.c's update, also for the mean).

Each architecture is a small named tuple whose *type* selects its kernel while numba compiles
(:func:`center_update`, as :mod:`w2v.models._output_kernel` does for output layers): a training
kernel holds the one architecture it runs, so a first run compiles only what it uses. A run-time
flag would make numba compile every branch. Every architecture reaches the output layer only
through :mod:`w2v.models._output_kernel`, so any architecture trains with any output layer.

>>> loss, examples = center_update(SkipGram(), sentence, n, i, radius, input_vectors, arrays, scratch, alpha, state)  # doctest: +SKIP
"""
from __future__ import annotations

from typing import NamedTuple

from numba.extending import overload

from w2v.models._kernel_cache import KERNEL_OPTIONS, kernel
from w2v.models._output_kernel import ONE, begin_target, end_target, output_update, update_target


class SkipGram(NamedTuple):
    """Skip-gram, one SGD step per (context, center) pair (word2vec.c)."""


class SkipGramShared(NamedTuple):
    """Skip-gram, one batch per window sharing the center's noise words."""


class Cbow(NamedTuple):
    """CBOW; ``mean``: the hidden vector is the mean (True) or the sum of the context rows."""

    mean: bool


def architecture(name: str, shared_negatives: bool, cbow_mean: bool) -> NamedTuple:
    """The architecture value the training kernel takes, for ``name`` in ``("skipgram", "cbow")``."""
    if name == "skipgram":
        return SkipGramShared() if shared_negatives else SkipGram()
    if name == "cbow":
        return Cbow(bool(cbow_mean))
    raise ValueError(f"unknown architecture {name!r}")


def center_update(architecture, sentence, n, i, radius, input_vectors, arrays, scratch, alpha, state):
    """Train the center word ``sentence[i]`` by ``architecture`` (compiled code only).

    Parameters
    ----------
    architecture : SkipGram, SkipGramShared or Cbow
        Its type selects the kernel.
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

    Returns
    -------
    (float64, int64)
        Summed loss and number of (hidden vector, target) examples.
    """
    raise NotImplementedError("center_update is only callable from compiled code")


@overload(center_update, jit_options=KERNEL_OPTIONS)
def _center_update(architecture, sentence, n, i, radius, input_vectors, arrays, scratch, alpha, state):
    center = getattr(getattr(architecture, "instance_class", None), "center", None)
    if center is None:
        raise TypeError(f"{architecture} is not an architecture (SkipGram, SkipGramShared or Cbow)")

    def impl(architecture, sentence, n, i, radius, input_vectors, arrays, scratch, alpha, state):
        return center(architecture, sentence, n, i, radius, input_vectors, arrays, scratch, alpha, state)

    return impl


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
def skipgram_center(architecture, sentence, n, i, radius, input_vectors, arrays, scratch, alpha, state):
    """:func:`center_update` for :class:`SkipGram`: every context predicts the same center, which
    the layer may hold locally between the pairs (hierarchical softmax copies its path)."""
    hidden, grad, contexts = scratch.hidden, scratch.grad_hidden, scratch.contexts
    dim = input_vectors.shape[1]
    center = sentence[i]
    n_contexts = window_contexts(sentence, n, i, radius, contexts)
    loss = 0.0
    begin_target(arrays, scratch, center)
    for k in range(n_contexts):
        w = contexts[k]
        for j in range(dim):
            hidden[0, j] = input_vectors[w, j]
            grad[0, j] = 0.0
        loss += update_target(arrays, scratch, center, alpha, state)
        for j in range(dim):
            input_vectors[w, j] += grad[0, j]
    end_target(arrays, scratch, center)
    return loss, n_contexts


@kernel()
def skipgram_shared_center(architecture, sentence, n, i, radius, input_vectors, arrays, scratch, alpha, state):
    """:func:`center_update` for :class:`SkipGramShared`: the window's context rows are one batch."""
    hidden, grad, contexts = scratch.hidden, scratch.grad_hidden, scratch.contexts
    dim = input_vectors.shape[1]
    n_contexts = window_contexts(sentence, n, i, radius, contexts)
    if n_contexts == 0:
        return 0.0, n_contexts
    for k in range(n_contexts):
        w = contexts[k]
        for j in range(dim):
            hidden[k, j] = input_vectors[w, j]
            grad[k, j] = 0.0
    loss = output_update(arrays, scratch, n_contexts, sentence[i], alpha, state)
    for k in range(n_contexts):
        w = contexts[k]
        for j in range(dim):
            input_vectors[w, j] += grad[k, j]
    return loss, n_contexts


@kernel()
def cbow_center(architecture, sentence, n, i, radius, input_vectors, arrays, scratch, alpha, state):
    """:func:`center_update` for :class:`Cbow`."""
    hidden, grad, contexts = scratch.hidden, scratch.grad_hidden, scratch.contexts
    dim = input_vectors.shape[1]
    n_contexts = window_contexts(sentence, n, i, radius, contexts)
    if n_contexts == 0:
        return 0.0, n_contexts
    for j in range(dim):
        hidden[0, j] = 0.0
        grad[0, j] = 0.0
    for k in range(n_contexts):
        w = contexts[k]
        for j in range(dim):
            hidden[0, j] += input_vectors[w, j]
    if architecture.mean:
        inv = 1.0 / n_contexts
        for j in range(dim):
            hidden[0, j] *= inv
    loss = output_update(arrays, scratch, ONE, sentence[i], alpha, state)
    for k in range(n_contexts):
        w = contexts[k]
        for j in range(dim):
            input_vectors[w, j] += grad[0, j]
    return loss, ONE


SkipGram.center = skipgram_center
SkipGramShared.center = skipgram_shared_center
Cbow.center = cbow_center

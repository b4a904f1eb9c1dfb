"""The compiled hot loop: subsampling, dynamic window, forward, gradient and updates for a whole
chunk of sentences of the encoded corpus, in one GIL-free call, and the learning-rate schedule.

>>> words, loss, examples = train_chunk(SkipGram(), ids, sentence_offsets, 0, 10, ...)  # doctest: +SKIP

:func:`train_chunk` is the one loop. numba compiles it once per architecture type and output-layer
type (the types of ``architecture`` and ``arrays``), so each kernel holds its own architecture and
layer only, without a run-time branch on either: a first run compiles what it trains, nothing more.
"""
from __future__ import annotations

import numpy as np

from w2v.models._architecture_kernel import center_update
from w2v.models._kernel_cache import kernel
from w2v.models._random_kernel import below, unit

@kernel()
def learning_rate(alpha_start, alpha_end, words_done, words_planned):
    """The learning rate after ``words_done`` of the run's ``words_planned`` words: linear decay from
    ``alpha_start`` to ``alpha_end`` (word2vec.c's schedule), then constant. The training loop and
    the Python side (progress, history) both use this one function."""
    done = min(1.0, words_done / max(words_planned, 1))
    return alpha_start - (alpha_start - alpha_end) * done


@kernel(inline="always")
def subsample(ids, start, stop, keep, state, sentence):
    """Copy the words ``ids[start:stop]`` that survive subsampling (each kept with probability
    ``keep[w]``) into ``sentence``; returns how many there are."""
    n = np.int64(0)  # not a literal 0: numba would compile the callees of ``n`` for that type too
    for p in range(start, stop):
        w = ids[p]
        k = keep[w]
        if k < 1.0 and unit(state) >= k:
            continue
        sentence[n] = w
        n += 1
    return n


@kernel()
def train_chunk(architecture, ids, sentence_offsets, first, last, input_vectors,
                arrays, scratch, keep, window, alpha_start, alpha_end, words_before, words_planned, state, sentence):
    """Train on sentences ``first .. last - 1`` of an encoded corpus.

    Parameters
    ----------
    architecture : SkipGram, SkipGramShared or Cbow
        See :mod:`w2v.models._architecture_kernel`; its type selects the compiled architecture.
    ids : int32 (N,), sentence_offsets : int64 (S + 1,)
        The encoded corpus; sentence ``s`` is ``ids[sentence_offsets[s]:sentence_offsets[s + 1]]``.
    first, last : int
        Sentence range of this chunk.
    input_vectors : float32 (V, dim)
        Updated in place (shared with other threads, without locks).
    arrays : named tuple
        The output layer's arrays (see :mod:`w2v.models._output_kernel`).
    scratch : Scratch
        This thread's buffers.
    keep : float32 (V,)
        Subsampling keep probabilities.
    window : int
        Maximal radius; each center draws its radius uniformly in ``1..window``.
    alpha_start, alpha_end : float
        Learning rate at the start and end of the whole run.
    words_before : int
        Words (before subsampling) all threads had processed when this chunk started.
    words_planned : int
        Words of the whole run (corpus words x epochs); the rate decays linearly over them.
    state : uint64 (1,)
        This thread's random state.
    sentence : int32 (n_max,)
        Buffer for one subsampled sentence.

    Returns
    -------
    (int64, float64, int64)
        Words read (before subsampling), summed loss, number of examples.
    """
    words = 0
    loss = 0.0
    examples = 0
    for s in range(first, last):
        start = sentence_offsets[s]
        stop = sentence_offsets[s + 1]
        n = subsample(ids, start, stop, keep, state, sentence)
        alpha = np.float32(learning_rate(alpha_start, alpha_end, words_before + words, words_planned))
        words += stop - start
        for i in range(n):
            radius = 1 + below(state, window)
            center_loss, center_examples = center_update(architecture, sentence, n, i, radius, input_vectors, arrays,
                                                         scratch, alpha, state)
            loss += center_loss
            examples += center_examples
    return words, loss, examples

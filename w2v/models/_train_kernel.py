"""The compiled hot loop: subsampling, dynamic window, forward, gradient and updates for a whole
chunk of sentences of the encoded corpus, in one GIL-free call, and the learning-rate schedule.

>>> words, loss, examples = train_chunk(None, None, ids, sentence_offsets, 0, 10, ...)  # skip-gram  # doctest: +SKIP

:func:`train_chunk` is the one loop. numba compiles it once per output-layer type (the type of
``arrays``) and per architecture (the types of ``cbow_mean`` and ``shared_negatives``: an argument
that is ``None`` removes the branches it does not take before anything is compiled), so a kernel
holds the one layer and the one architecture it trains, without a run-time branch on either, and a
first run compiles only what it uses.
"""
from __future__ import annotations

import numpy as np

from w2v.models._architecture_kernel import cbow_center, skipgram_center
from w2v.models._hot_kernel import SYNC_WORDS, sync_rows
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
def train_chunk(cbow_mean, shared_negatives, ids, sentence_offsets, first, last, input_vectors,
                arrays, scratch, keep, window, alpha_start, alpha_end, words_before, words_planned, state, sentence):
    """Train on sentences ``first .. last - 1`` of an encoded corpus.

    Parameters
    ----------
    cbow_mean : bool or None
        ``None`` trains skip-gram; ``True`` or ``False`` trains CBOW with the mean or the sum of
        the context rows as its hidden vector.
    shared_negatives : True or None
        Skip-gram: ``True`` trains one batch per window sharing its noise words, ``None`` one
        update per pair (word2vec.c). ``None`` rather than ``False`` for both: numba prunes the
        branch a ``None`` argument does not take, so only the code that runs is compiled.
    ids : int32 (N,), sentence_offsets : int64 (S + 1,)
        The encoded corpus; sentence ``s`` is ``ids[sentence_offsets[s]:sentence_offsets[s + 1]]``.
    first, last : int
        Sentence range of this chunk.
    input_vectors : float32 (V, dim)
        Updated in place (shared with other threads, without locks).
    arrays : named tuple
        The output layer's arrays (see :mod:`w2v.models._output_kernel`).
    scratch : Scratch
        This thread's buffers. Its copies of the tree's top nodes, if any
        (:mod:`w2v.models._hot_kernel`), are refreshed from the shared rows at the start, merged
        into them every ``SYNC_WORDS`` words and at the end.
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
    # this thread's copies of the tree's top nodes, if any, start from the shared values
    hot = scratch.hot_nodes.shape[0] > 0
    if hot:
        _merge_copies(arrays, scratch)
    unsynced = 0
    for s in range(first, last):
        start = sentence_offsets[s]
        stop = sentence_offsets[s + 1]
        n = subsample(ids, start, stop, keep, state, sentence)
        alpha = np.float32(learning_rate(alpha_start, alpha_end, words_before + words, words_planned))
        words += stop - start
        for i in range(n):
            radius = 1 + below(state, window)
            if cbow_mean is None:
                center_loss, center_examples = skipgram_center(sentence, n, i, radius, input_vectors, arrays, scratch,
                                                               alpha, state, shared_negatives)
            else:
                center_loss, center_examples = cbow_center(sentence, n, i, radius, input_vectors, arrays, scratch,
                                                           alpha, state, cbow_mean)
            loss += center_loss
            examples += center_examples
        if hot:
            unsynced += stop - start
            if unsynced >= SYNC_WORDS:
                _merge_copies(arrays, scratch)
                unsynced = 0
    if hot:
        _merge_copies(arrays, scratch)
    return words, loss, examples


@kernel(inline="always")
def _merge_copies(arrays, scratch):
    """:func:`w2v.models._hot_kernel.sync_rows` of this thread's copies of the tree's top nodes."""
    sync_rows(scratch.hot_lock, arrays[0], scratch.hot_range[0], scratch.hot_nodes, scratch.hot_base)

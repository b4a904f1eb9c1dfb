"""The compiled hot loop: subsampling, dynamic window, forward, gradient and updates for a whole
chunk of sentences of the encoded corpus, in one GIL-free call.

>>> words, loss, examples = CHUNK_KERNELS[NEGATIVE](SKIPGRAM, False, ids, offsets, ...)  # doctest: +SKIP

:func:`train_chunk` is the one generic loop. It is instantiated below once per output layer, with
the layer as a constant: the compiler then drops the other layers' branches, which makes the
per-pair code about 1.5x faster than one kernel that branches on the layer at run time. The
instances are one line each and add no logic.
"""
from __future__ import annotations

import numpy as np
from numba import njit

from w2v.models._architecture_kernel import cbow_center, skipgram_center
from w2v.models._output_kernel import HIERARCHICAL, NCE, NEGATIVE, SOFTMAX
from w2v.models._random_kernel import below, unit

#: architecture codes, in the order of :data:`w2v.models.training.ARCHITECTURES`
SKIPGRAM, CBOW = 0, 1


@njit(nogil=True, cache=True, fastmath=True, error_model="numpy", inline="always")
def train_chunk(architecture, kind, option, ids, offsets, first, last, input_vectors, layer, keep, window,
                alpha_start, alpha_end, words_before, words_planned, state, scratch, sentence):
    """Train on sentences ``first .. last - 1`` of an encoded corpus.

    Parameters
    ----------
    architecture : int
        ``SKIPGRAM`` or ``CBOW``.
    kind : int
        Output-layer code (:mod:`w2v.models._output_kernel`).
    option : bool
        Skip-gram: share noise words across the window; CBOW: mean (True) or sum of the contexts.
    ids : int32 (N,), offsets : int64 (S + 1,)
        The encoded corpus; sentence ``s`` is ``ids[offsets[s]:offsets[s + 1]]``.
    first, last : int
        Sentence range of this chunk.
    input_vectors : float32 (V, dim)
        Updated in place (shared with other threads, without locks).
    layer, scratch : tuple
        Output-layer arrays and this thread's buffers.
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
    span = alpha_start - alpha_end
    for s in range(first, last):
        start = offsets[s]
        stop = offsets[s + 1]
        n = 0
        for p in range(start, stop):
            w = ids[p]
            k = keep[w]
            if k < 1.0 and unit(state) >= k:
                continue
            sentence[n] = w
            n += 1
        done = min(1.0, (words_before + words) / words_planned)
        alpha = np.float32(alpha_start - span * done)
        words += stop - start
        for i in range(n):
            radius = 1 + below(state, window)
            if architecture == SKIPGRAM:
                l, e = skipgram_center(kind, sentence, n, i, radius, input_vectors, layer, alpha, state, scratch, option)
            else:
                l, e = cbow_center(kind, sentence, n, i, radius, input_vectors, layer, alpha, state, scratch, option)
            loss += l
            examples += e
    return words, loss, examples


@njit(nogil=True, cache=True, fastmath=True, error_model="numpy")
def train_chunk_negative(
        architecture, option, ids, offsets, first, last, input_vectors, layer, keep, window, alpha_start, alpha_end,
        words_before, words_planned, state, scratch, sentence):
    """:func:`train_chunk` for the negative output layer."""
    return train_chunk(architecture, NEGATIVE, option, ids, offsets, first, last, input_vectors, layer, keep, window,
                       alpha_start, alpha_end, words_before, words_planned, state, scratch, sentence)


@njit(nogil=True, cache=True, fastmath=True, error_model="numpy")
def train_chunk_hierarchical(
        architecture, option, ids, offsets, first, last, input_vectors, layer, keep, window, alpha_start, alpha_end,
        words_before, words_planned, state, scratch, sentence):
    """:func:`train_chunk` for the hierarchical output layer."""
    return train_chunk(architecture, HIERARCHICAL, option, ids, offsets, first, last, input_vectors, layer, keep, window,
                       alpha_start, alpha_end, words_before, words_planned, state, scratch, sentence)


@njit(nogil=True, cache=True, fastmath=True, error_model="numpy")
def train_chunk_softmax(
        architecture, option, ids, offsets, first, last, input_vectors, layer, keep, window, alpha_start, alpha_end,
        words_before, words_planned, state, scratch, sentence):
    """:func:`train_chunk` for the softmax output layer."""
    return train_chunk(architecture, SOFTMAX, option, ids, offsets, first, last, input_vectors, layer, keep, window,
                       alpha_start, alpha_end, words_before, words_planned, state, scratch, sentence)


@njit(nogil=True, cache=True, fastmath=True, error_model="numpy")
def train_chunk_nce(
        architecture, option, ids, offsets, first, last, input_vectors, layer, keep, window, alpha_start, alpha_end,
        words_before, words_planned, state, scratch, sentence):
    """:func:`train_chunk` for the nce output layer."""
    return train_chunk(architecture, NCE, option, ids, offsets, first, last, input_vectors, layer, keep, window,
                       alpha_start, alpha_end, words_before, words_planned, state, scratch, sentence)


#: output-layer code -> its chunk kernel (arguments as :func:`train_chunk` without ``kind``)
CHUNK_KERNELS = {NEGATIVE: train_chunk_negative, HIERARCHICAL: train_chunk_hierarchical,
                 SOFTMAX: train_chunk_softmax, NCE: train_chunk_nce}

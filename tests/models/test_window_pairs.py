"""The compiled loop's (center, context) pairs against the reference generator
:func:`w2v.corpus.window_pairs`, given the radii the kernel draws."""
import numpy as np
import pytest

from w2v.corpus import window_pairs
from w2v.models._architecture_kernel import window_contexts
from w2v.models._random_kernel import below
from w2v.models._train_kernel import train_chunk
from w2v.models.output_layers import OUTPUT_LAYERS

V, DIM, WINDOW = 20, 4, 3


def _corpus():
    rng = np.random.default_rng(0)
    lengths = [1, 6, 2, 9, 4, 1, 7]
    offsets = np.concatenate([[0], np.cumsum(lengths)]).astype(np.int64)
    return rng.integers(0, V, size=offsets[-1]).astype(np.int32), offsets


def _kernel_radii(seed, n):
    """The radii the chunk loop draws: one ``1 + below(state, window)`` per center, in order (with
    nothing subsampled and a layer that draws no noise words, nothing else uses the generator)."""
    state = np.array([seed], np.uint64)
    return np.array([1 + below(state, WINDOW) for _ in range(n)])


def test_window_contexts_form_the_reference_pairs():
    ids, offsets = _corpus()
    radii = _kernel_radii(7, len(ids))
    contexts = np.zeros(2 * WINDOW, np.int32)
    centers, context_words = [], []
    for s in range(len(offsets) - 1):
        sentence = ids[offsets[s]:offsets[s + 1]]
        for i in range(len(sentence)):
            k = window_contexts(sentence, len(sentence), i, radii[offsets[s] + i], contexts)
            centers += [sentence[i]] * k
            context_words += contexts[:k].tolist()
    ref_centers, ref_contexts = window_pairs(ids, offsets, WINDOW, radii=radii)
    assert centers == ref_centers.tolist() and context_words == ref_contexts.tolist()


@pytest.mark.parametrize("architecture", ["skipgram", "cbow"])
def test_the_chunk_loop_trains_one_example_per_reference_pair(architecture):
    ids, offsets = _corpus()
    layer = OUTPUT_LAYERS["softmax"].create(np.arange(V, 0, -1), DIM, negative=0, ns_exponent=0.75)
    inputs = np.random.default_rng(1).random((V, DIM), dtype=np.float32) - np.float32(0.5)
    state = np.array([7], np.uint64)
    longest = int(np.diff(offsets).max())
    cbow_mean = True if architecture == "cbow" else None      # None: skip-gram
    words, _, examples = train_chunk(cbow_mean, None, ids, offsets, 0, len(offsets) - 1, inputs,
                                     layer.arrays, layer.scratch(DIM, WINDOW), np.ones(V, np.float32), WINDOW,
                                     0.025, 0.0001, 0, len(ids), state, np.zeros(longest, np.int32))
    centers, _ = window_pairs(ids, offsets, WINDOW, radii=_kernel_radii(7, len(ids)))
    assert words == len(ids)
    if architecture == "skipgram":  # one example per pair
        assert examples == len(centers)
    else:  # one example per center with at least one context
        positions = np.repeat(np.arange(len(offsets) - 1), np.diff(offsets))
        assert examples == int(np.sum(np.bincount(positions)[positions] > 1))
    # the generator advanced once per center, so the radii above were the kernel's
    replay = np.array([7], np.uint64)
    for _ in range(len(ids)):
        below(replay, WINDOW)
    assert state[0] == replay[0]


def test_given_radii_must_fit_the_window():
    ids, offsets = _corpus()
    with pytest.raises(ValueError, match="radii"):
        window_pairs(ids, offsets, WINDOW, radii=np.full(len(ids), WINDOW + 1))
    with pytest.raises(ValueError, match="radii"):
        window_pairs(ids, offsets, WINDOW, radii=np.ones(3))

"""How often each row of an output layer is expected to be updated (what the distributed trainer tells
the rows that settle within a round by), held against counts walked word by word and draw by draw."""
import numpy as np
import pytest

from w2v.corpus import noise_distribution
from w2v.models.output_layers import OUTPUT_LAYERS

COUNTS = np.array([900, 400, 350, 120, 60, 7, 5, 1], np.int64)
TARGETS = np.array([9.0, 4.0, 3.5, 1.2, 0.6, 0.07, 0.05, 0.01])


def test_an_inner_node_is_updated_for_every_word_below_it():
    layer = OUTPUT_LAYERS["hierarchical"].create(COUNTS, 4, negative=5, ns_exponent=0.75)
    walked = np.zeros(len(COUNTS) - 1)
    for word, times in enumerate(TARGETS):
        for node in layer.arrays.points[word, :layer.arrays.lengths[word]]:
            walked[node] += times
    np.testing.assert_allclose(layer.expected_row_updates(TARGETS, 20.0), walked)
    assert layer.expected_row_updates(TARGETS, 20.0)[-1] == pytest.approx(TARGETS.sum())   # the root


@pytest.mark.parametrize("objective", ["negative", "nce"])
def test_a_noise_word_row_is_updated_as_target_and_as_noise(objective):
    layer = OUTPUT_LAYERS[objective].create(COUNTS, 4, negative=3, ns_exponent=0.75)
    noise = noise_distribution(COUNTS, 0.75)                  # what the alias table draws
    np.testing.assert_allclose(layer.expected_row_updates(TARGETS, 20.0), TARGETS + 20.0 * 3 * noise, rtol=1e-6)


def test_every_softmax_row_is_updated_by_every_example():
    layer = OUTPUT_LAYERS["softmax"].create(COUNTS, 4, negative=5, ns_exponent=0.75)
    np.testing.assert_array_equal(layer.expected_row_updates(TARGETS, 20.0), np.full(len(COUNTS), 20.0))


def test_a_tree_of_one_word_has_no_inner_node_to_update():
    layer = OUTPUT_LAYERS["hierarchical"].create(np.array([7]), 4, negative=5, ns_exponent=0.75)
    assert layer.expected_row_updates(np.array([3.0]), 3.0).shape == (0,)


"""One compiled update step against one float64 reference SGD step on the same example."""
import re

import numpy as np
import pytest

from w2v.models import reference as ref
from w2v.models._architecture_kernel import cbow_center, skipgram_center
from w2v.models._nce_kernel import nce_targets
from w2v.models._negative_kernel import negative_targets

from .conftest import DIM, NEG, V

OBJECTIVES = ["negative", "hierarchical", "softmax", "nce"]
ALPHA = 0.05


def _draw_noise(objective, layer, state, target):
    """The noise words the kernel will draw from ``state`` (run on a copy of the state)."""
    state = state.copy()
    rows = np.zeros(NEG + 1, np.int32)
    lab = np.zeros(NEG + 1, np.float32)
    off = np.zeros(NEG + 1, np.float32)
    arrays = layer.arrays
    if objective == "negative":
        n = negative_targets(target, arrays.negative, arrays.accept, arrays.alias, state, rows, lab, off)
    else:
        n = nce_targets(target, arrays.negative, arrays.accept, arrays.alias, arrays.log_kq, state, rows, lab, off)
    return list(rows[1:n]), state


def _loss_grad(objective, target, negatives, q, huff):
    codes, points, lengths = huff
    if objective == "negative":
        return lambda h, w: ref.negative_loss_grad(h, w, target, negatives)
    if objective == "nce":
        return lambda h, w: ref.nce_loss_grad(h, w, target, negatives, q)
    if objective == "hierarchical":
        n = lengths[target]
        return lambda h, w: ref.hierarchical_loss_grad(h, w, codes[target, :n], points[target, :n])
    return lambda h, w: ref.softmax_loss_grad(h, w, target)


# center 7 (position 2, radius 2); the second sentence repeats a context word next to itself
SENTENCES = {"distinct": [4, 1, 7, 2, 5], "repeated": [4, 1, 7, 1, 5]}


@pytest.mark.parametrize("objective", OBJECTIVES)
@pytest.mark.parametrize("mode", ["skipgram", "skipgram-shared", "cbow-mean", "cbow-sum"])
@pytest.mark.parametrize("words", SENTENCES)
def test_compiled_step_matches_reference_step(tiny_layers, objective, mode, words):
    rng = np.random.default_rng(OBJECTIVES.index(objective))
    layer, q, huff = tiny_layers(objective, rng)
    inputs = (rng.normal(size=(V, DIM)) * 0.5).astype(np.float32)
    sentence = np.array(SENTENCES[words], np.int32)
    i, radius = 2, 2
    center = int(sentence[i])
    contexts = [int(w) for k, w in enumerate(sentence) if k != i]
    state = np.array([12345], np.uint64)
    scratch = layer.scratch(DIM, 2)

    ref_in = inputs.astype(np.float64)
    ref_out = layer.weights.astype(np.float64)
    ref_state = state.copy()
    expected_loss = 0.0
    noise = objective in ("negative", "nce")
    if mode == "skipgram":
        for c in contexts:  # one pair at a time, fresh noise each
            negs, ref_state = _draw_noise(objective, layer, ref_state, center) if noise else ([], ref_state)
            fn = _loss_grad(objective, center, negs, q, huff)
            expected_loss += ref.sgd_step("skipgram", ref_in, ref_out, [c], fn, ALPHA)
    elif mode == "skipgram-shared":
        # the window is one batch: every context sees the weights before the step and the same noise
        negs, ref_state = _draw_noise(objective, layer, ref_state, center) if noise else ([], ref_state)
        fn = _loss_grad(objective, center, negs, q, huff)
        steps_out = np.zeros_like(ref_out)
        steps_in = np.zeros_like(ref_in)
        for c in contexts:
            loss, gh, gw = fn(ref_in[c], ref_out)
            expected_loss += loss
            steps_out -= ALPHA * gw
            steps_in[c] -= ALPHA * gh
        ref_out += steps_out
        ref_in += steps_in
    else:
        negs, ref_state = _draw_noise(objective, layer, ref_state, center) if noise else ([], ref_state)
        fn = _loss_grad(objective, center, negs, q, huff)
        expected_loss = ref.sgd_step("cbow", ref_in, ref_out, contexts, fn, ALPHA, cbow_mean=(mode == "cbow-mean"))

    alpha = np.float32(ALPHA)
    if mode.startswith("skipgram"):
        loss, examples = skipgram_center(sentence, 5, i, radius, inputs, layer.arrays, scratch, alpha, state,
                                         True if mode == "skipgram-shared" else None)
        assert examples == 4
    else:
        loss, examples = cbow_center(sentence, 5, i, radius, inputs, layer.arrays, scratch, alpha, state,
                                     mode == "cbow-mean")
        assert examples == 1
    assert loss == pytest.approx(expected_loss, rel=1e-5)
    np.testing.assert_allclose(inputs, ref_in, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(layer.weights, ref_out, rtol=1e-5, atol=1e-6)
    assert state[0] == ref_state[0]  # the same number of random draws


def test_negative_sampling_skips_noise_equal_to_target(tiny_layers):
    layer, _, _ = tiny_layers("negative", np.random.default_rng(0))
    accept = np.ones(V, np.float32)
    alias = np.zeros(V, np.int32)
    rows = np.zeros(NEG + 1, np.int32)
    lab = np.zeros(NEG + 1, np.float32)
    off = np.zeros(NEG + 1, np.float32)
    # a noise distribution concentrated on word 3: drawing for target 3 leaves only the target
    accept[:] = 0.0
    alias[:] = 3
    n = negative_targets(3, NEG, accept, alias, np.array([1], np.uint64), rows, lab, off)
    assert n == 1 and rows[0] == 3 and lab[0] == 1.0
    n = negative_targets(2, NEG, accept, alias, np.array([1], np.uint64), rows, lab, off)
    assert n == NEG + 1 and list(rows[1:n]) == [3] * NEG and list(lab[:n]) == [1, 0, 0, 0]


def test_hierarchical_softmax_leaves_saturated_nodes_alone_like_word2vec_c(tiny_layers):
    rng = np.random.default_rng(5)
    layer, _, (codes, points, lengths) = tiny_layers("hierarchical", rng)
    inputs = (rng.normal(size=(V, DIM)) * 0.5).astype(np.float32)
    sentence = np.array([3, 6], np.int32)  # center 6 predicted from context 3
    root = V - 2
    # make the root's logit for word 3's vector far beyond 6
    layer.weights[root] = inputs[3] * (20.0 / float(inputs[3] @ inputs[3]))
    before = layer.weights.copy()
    n = lengths[6]
    expected_loss = ref.hierarchical_loss_grad(inputs[3].astype(np.float64), before.astype(np.float64),
                                               codes[6, :n], points[6, :n])[0]
    scratch = layer.scratch(DIM, 1)
    loss, examples = skipgram_center(sentence, 2, 1, 1, inputs, layer.arrays, scratch, np.float32(ALPHA),
                                     np.array([1], np.uint64), None)
    assert examples == 1
    assert loss == pytest.approx(expected_loss, rel=1e-5)  # the saturated node still counts in the loss
    assert np.array_equal(layer.weights[root], before[root])  # but is not updated
    others = [p for p in points[6, :n] if p != root]
    assert others and all(not np.array_equal(layer.weights[p], before[p]) for p in others)


@pytest.mark.parametrize("dim", [1, 16, 100, 301])
@pytest.mark.parametrize("index_type", [np.int32, np.int64])
def test_prefetching_rows_changes_nothing_for_any_row_width_or_index_type(dim, index_type):
    from w2v._jit import njit
    from w2v.models._prefetch_kernel import prefetch_rows

    @njit
    def prefetch_then_sum(matrix, rows, n_rows):
        prefetch_rows(matrix, rows, n_rows)
        total = 0.0
        for t in range(n_rows):
            total += matrix[rows[t]].sum()
        return total

    matrix = np.random.default_rng(dim).random((7, dim), dtype=np.float32)
    before = matrix.copy()
    rows = np.array([6, 0, 3, 6], dtype=index_type)       # the last row, the first, a repeat
    assert prefetch_then_sum(matrix, rows, 4) == pytest.approx(float(matrix[rows].sum(dtype=np.float64)), rel=1e-5)
    assert prefetch_then_sum(matrix, rows, 0) == 0.0
    np.testing.assert_array_equal(matrix, before)


def _path_example():
    """A path of 12 distinct rows of 30, with a saturated node (row 11), and two hidden vectors."""
    rng = np.random.default_rng(7)
    weights = (rng.normal(size=(30, 100)) * 0.1).astype(np.float32)   # logits of about 1
    hidden = rng.normal(size=(2, 100)).astype(np.float32)
    weights[11] = hidden[0] * 0.2                              # a logit above 6: saturated, left alone
    rows = np.array([3, 11, 29, 0, 17, 8, 21, 5, 14, 26, 2, 19], np.int32)
    labels = rng.integers(0, 2, size=rows.shape[0]).astype(np.float32)
    return weights, hidden, rows, labels, np.zeros(rows.shape[0], np.float32)


def test_scoring_the_path_first_takes_the_same_step_as_scoring_row_by_row():
    from w2v._jit import njit
    from w2v.models._kernel_cache import KERNEL_OPTIONS
    from w2v.models._logistic_kernel import HS_SATURATION, logistic_update, score_rows, step_rows

    @njit(**KERNEL_OPTIONS)                                    # compiled as the kernels are (fastmath)
    def step(hidden, grad_hidden, weights, rows, labels, offsets, n_rows, path_first):
        coefficients = np.zeros((2, rows.shape[0]), np.float32)
        likelihood = np.zeros(2, np.float64)
        alpha = np.float32(0.05)
        if not path_first:
            return logistic_update(hidden, grad_hidden, 1, weights, rows, labels, offsets, n_rows, True,
                                   HS_SATURATION, alpha, coefficients, likelihood)
        score_rows(hidden, 0, weights, rows, labels, offsets, n_rows, HS_SATURATION, alpha, coefficients, likelihood)
        step_rows(hidden, grad_hidden, weights, rows, n_rows, coefficients)
        return -np.log(likelihood[0])

    weights, hidden, rows, labels, offsets = _path_example()
    results = []
    for path_first in (False, True):
        w, g = weights.copy(), np.zeros_like(hidden)
        loss = step(hidden, g, w, rows, labels, offsets, rows.shape[0], path_first)
        results.append((loss, w, g))
    (loss_a, w_a, g_a), (loss_b, w_b, g_b) = results
    # the sigmoids differ in rounding only (exp_negative against the C library's expf)
    assert loss_b == pytest.approx(loss_a, rel=1e-6)
    np.testing.assert_allclose(w_b, w_a, rtol=1e-6, atol=1e-8)
    np.testing.assert_allclose(g_b, g_a, rtol=1e-5, atol=1e-8)
    assert np.array_equal(w_b[11], weights[11]) and not np.array_equal(w_b[3], weights[3])


def test_stepping_the_path_while_scoring_the_next_hidden_vector_equals_doing_one_after_the_other():
    from w2v._jit import njit
    from w2v.models._kernel_cache import KERNEL_OPTIONS
    from w2v.models._logistic_kernel import HS_SATURATION, score_rows, step_rows, step_rows_scoring_next

    @njit(**KERNEL_OPTIONS)
    def run(hidden, grad_hidden, weights, rows, labels, offsets, n_rows, coefficients, likelihood, together):
        alpha = np.float32(0.05)
        score_rows(hidden, 0, weights, rows, labels, offsets, n_rows, HS_SATURATION, alpha, coefficients, likelihood)
        if together:
            step_rows_scoring_next(hidden, grad_hidden, weights, rows, labels, offsets, n_rows, HS_SATURATION, alpha,
                                   coefficients, likelihood)
        else:
            step_rows(hidden, grad_hidden, weights, rows, n_rows, coefficients)
            score_rows(hidden, 1, weights, rows, labels, offsets, n_rows, HS_SATURATION, alpha, coefficients,
                       likelihood)

    weights, hidden, rows, labels, offsets = _path_example()
    results = []
    for together in (False, True):
        w, g = weights.copy(), np.zeros_like(hidden)
        coefficients, likelihood = np.zeros((2, rows.shape[0]), np.float32), np.zeros(2, np.float64)
        run(hidden, g, w, rows, labels, offsets, rows.shape[0], coefficients, likelihood, together)
        results.append((w, g, coefficients, likelihood))
    (w_a, g_a, c_a, l_a), (w_b, g_b, c_b, l_b) = results
    np.testing.assert_array_equal(w_b, w_a)                    # the same steps
    np.testing.assert_array_equal(g_b, g_a)
    np.testing.assert_array_equal(c_b[0], c_a[0])
    # the next hidden vector's scores, of the rows after the steps (summed in another order)
    np.testing.assert_allclose(c_b[1], c_a[1], rtol=1e-5, atol=1e-9)
    assert l_b[1] == pytest.approx(l_a[1], rel=1e-6)
    assert not np.allclose(c_a[1], c_a[0])                     # hidden vector 1 scores differently


def test_a_rows_sigmoid_does_not_depend_on_its_position_in_the_path():
    # a vectorized loop and its scalar remainder must compute the same sigmoid (no reciprocal
    # estimate in one of them), or a row's step would depend on how many rows precede it
    from w2v._jit import njit
    from w2v.models._kernel_cache import KERNEL_OPTIONS
    from w2v.models._logistic_kernel import HS_SATURATION, score_rows

    @njit(**KERNEL_OPTIONS)
    def score(hidden, weights, rows, labels, offsets, n_rows, coefficients, likelihood):
        score_rows(hidden, 0, weights, rows, labels, offsets, n_rows, HS_SATURATION, np.float32(0.05), coefficients,
                   likelihood)

    rng = np.random.default_rng(3)
    weights = (rng.normal(size=(64, 100)) * 0.3).astype(np.float32)
    hidden = rng.normal(size=(1, 100)).astype(np.float32)
    labels = rng.integers(0, 2, size=64).astype(np.float32)
    offsets = np.zeros(64, np.float32)
    rows = np.arange(64, dtype=np.int32)
    together = np.zeros((1, 64), np.float32)
    score(hidden, weights, rows, labels, offsets, 64, together, np.zeros(1))
    alone = np.zeros((1, 64), np.float32)
    for t in range(64):
        one = np.zeros((1, 1), np.float32)
        score(hidden, weights, rows[t:t + 1].copy(), labels[t:t + 1].copy(), offsets[:1].copy(), 1, one, np.zeros(1))
        alone[0, t] = one[0, 0]
    assert np.count_nonzero(together) > 40                     # most rows unsaturated
    np.testing.assert_array_equal(together, alone)


@pytest.mark.parametrize("objective", OBJECTIVES)
def test_only_hierarchical_softmax_scores_the_next_pair_ahead(tiny_layers, objective):
    # without it skip-gram + HS still trains right, only slower: the tests above could not tell
    from w2v._jit import njit
    from w2v.models._output_kernel import scores_ahead

    @njit
    def ahead(arrays):
        return scores_ahead(arrays)

    layer, _, _ = tiny_layers(objective, np.random.default_rng(0))
    assert ahead(layer.arrays) is (objective == "hierarchical")


def test_rows_are_prefetched_for_writing():
    # every caller writes the rows it prefetches: asking for them exclusive saves the second trip
    # a write to a line another core holds would make (llvm.prefetch's second argument: 1 = write)
    import numba

    from w2v.models._prefetch_kernel import prefetch_rows

    @numba.njit
    def prefetch(matrix, rows, n_rows):
        prefetch_rows(matrix, rows, n_rows)

    matrix = np.zeros((3, 16), dtype=np.float32)
    prefetch(matrix, np.array([2, 0], dtype=np.int32), 2)
    calls = [line for ir in prefetch.inspect_llvm().values() for line in ir.splitlines()
             if "call void @llvm.prefetch" in line]
    assert calls and all(re.search(r"i32 1, i32 3, i32 1\)", line) for line in calls), calls

"""The float64 references against central finite differences, and their known values."""
import numpy as np
import pytest

from w2v.models import reference as ref

DIM, V = 5, 7


def _numeric_grad(f, x, eps=1e-6):
    grad = np.zeros_like(x)
    it = np.nditer(x, flags=["multi_index"])
    for _ in it:
        i = it.multi_index
        old = x[i]
        x[i] = old + eps
        up = f()
        x[i] = old - eps
        down = f()
        x[i] = old
        grad[i] = (up - down) / (2 * eps)
    return grad


def _layers(rng):
    q = rng.random(V) + 0.1
    q /= q.sum()
    return {
        "softmax": lambda h, w: ref.softmax_loss_grad(h, w, target=3),
        "hierarchical": lambda h, w: ref.hierarchical_loss_grad(h, w[: V - 1], codes=[1, 0, 1], points=[5, 2, 0]),
        "negative": lambda h, w: ref.negative_loss_grad(h, w, target=3, negatives=[0, 6, 6, 1]),
        "nce": lambda h, w: ref.nce_loss_grad(h, w, 3, [0, 6, 6, 1], q),
    }


@pytest.mark.parametrize("layer", ["softmax", "hierarchical", "negative", "nce"])
def test_gradients_match_finite_differences(layer):
    rng = np.random.default_rng(1)
    fn = _layers(rng)[layer]
    h = rng.normal(size=DIM)
    w = rng.normal(size=(V, DIM))
    loss, grad_h, grad_w = fn(h, w)
    assert np.isfinite(loss) and loss > 0
    np.testing.assert_allclose(grad_h, _numeric_grad(lambda: fn(h, w)[0], h), rtol=1e-6, atol=1e-8)
    num_w = _numeric_grad(lambda: fn(h, w)[0], w)
    rows = grad_w.shape[0]
    np.testing.assert_allclose(grad_w, num_w[:rows], rtol=1e-6, atol=1e-8)


def test_softmax_survives_huge_scores_and_matches_log_softmax():
    h = np.array([1000.0, -3.0])
    w = np.array([[1.0, 0.0], [0.9, 0.0], [0.0, 1.0]])
    loss, grad_h, _ = ref.softmax_loss_grad(h, w, target=1)
    assert np.isfinite(loss) and np.all(np.isfinite(grad_h))
    assert loss == pytest.approx(100.0, rel=1e-9)  # scores 1000 vs 900: -log softmax = 100 (+ e^-100)
    h = np.array([0.3, -0.2])
    scores = w @ h
    expected = -(scores[2] - np.log(np.exp(scores).sum()))
    assert ref.softmax_loss_grad(h, w, 2)[0] == pytest.approx(expected)


def test_hierarchical_follows_word2vec_code_convention():
    # one node, h . w = 0 -> p = 1/2 either way; h . w = 2: code 0 means target 1, p = s(2)
    h = np.array([2.0])
    w = np.array([[1.0]])
    loss0 = ref.hierarchical_loss_grad(h, w, codes=[0], points=[0])[0]
    loss1 = ref.hierarchical_loss_grad(h, w, codes=[1], points=[0])[0]
    assert loss0 == pytest.approx(np.log1p(np.exp(-2.0)))
    assert loss1 == pytest.approx(np.log1p(np.exp(2.0)))


def test_nce_offset_is_log_k_q():
    h = np.zeros(2)
    w = np.zeros((3, 2))
    q = np.array([0.5, 0.25, 0.25])
    # logits are -log(k q): target 0 with k=2 -> logit -log(1) = 0 -> loss log 2 for the target
    loss, _, _ = ref.nce_loss_grad(h, w, 0, [1, 2], q)
    expected = np.log(2.0) + 2 * np.log1p(np.exp(-np.log(0.5)))
    assert loss == pytest.approx(expected)


def test_sgd_step_cbow_mean_lowers_loss_and_touches_only_used_rows():
    rng = np.random.default_rng(3)
    inp = rng.normal(size=(V, DIM))
    out = rng.normal(size=(V, DIM))
    before = inp.copy()
    fn = lambda h, w: ref.negative_loss_grad(h, w, 3, [0, 1])  # noqa: E731
    loss0 = ref.sgd_step("cbow", inp, out, [2, 4], fn, alpha=0.05)
    h = ref.hidden("cbow", inp, [2, 4])
    assert fn(h, out)[0] < loss0
    assert np.array_equal(inp[[0, 1, 3, 5, 6]], before[[0, 1, 3, 5, 6]])

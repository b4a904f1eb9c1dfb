"""The balance of skip-gram's two matrices along their common direction (no cluster)."""
import numpy as np
import pytest

from w2v.distributed import balance
from w2v.models import reference as ref

DIM, V = 6, 9


def _d(input_vectors, output_weights):
    """``D = H^T H - C^T C`` in float64."""
    h, c = np.asarray(input_vectors, np.float64), np.asarray(output_weights, np.float64)
    return h.T @ h - c.T @ c


def _loss_grads(rng):
    q = rng.random(V) + 0.1
    q /= q.sum()
    return {
        "softmax": (V, lambda h, w: ref.softmax_loss_grad(h, w, target=3)),
        "hierarchical": (V - 1, lambda h, w: ref.hierarchical_loss_grad(h, w, codes=[1, 0, 1], points=[5, 2, 0])),
        "negative": (V, lambda h, w: ref.negative_loss_grad(h, w, target=3, negatives=[0, 6, 6, 1])),
        "nce": (V, lambda h, w: ref.nce_loss_grad(h, w, 3, [0, 6, 6, 1], q)),
    }


@pytest.mark.parametrize("layer", ["softmax", "hierarchical", "negative", "nce"])
def test_a_skip_gram_step_changes_the_balance_only_in_the_second_order_and_a_cbow_step_in_the_first(layer):
    # the premise of the correction: halving the rate quarters skip-gram's change of D (second
    # order), and only halves CBOW's (first order: each context row takes the whole error)
    rng = np.random.default_rng(4)
    rows, loss_grad = _loss_grads(rng)[layer]
    h0, c0 = rng.normal(size=(V, DIM)), rng.normal(size=(rows, DIM))

    def change(architecture, ids, alpha):
        h, c = h0.copy(), c0.copy()
        ref.sgd_step(architecture, h, c, ids, loss_grad, alpha)
        return np.abs(_d(h, c) - _d(h0, c0)).max()

    alpha = 1e-3
    assert change("skipgram", [2], alpha) / change("skipgram", [2], alpha / 2) == pytest.approx(4.0, rel=1e-2)
    assert change("cbow", [2, 4, 7], alpha) / change("cbow", [2, 4, 7], alpha / 2) == pytest.approx(2.0, rel=1e-2)


@pytest.mark.parametrize("a, b, target", [(3.0, 2.0, 0.5), (3.0, 2.0, -40.0), (0.5, 7.0, 1e6), (2.0, 0.0, 3.0),
                                          (1e4, 1e4, -1e-3), (4.0, 9.0, 0.0),
                                          # a large negative target: (t + root) / 2a would cancel to 0
                                          (1e3, 1e-3, -1e5), (1.0, 1e-12, -1e6)])
def test_the_factor_reaches_the_target(a, b, target):
    lam = balance.factor(a, b, target)
    assert lam > 0
    assert a * lam ** 2 - b / lam ** 2 == pytest.approx(target, rel=1e-12, abs=1e-9 * (a + b))


@pytest.mark.parametrize("a, b, target", [(0.0, 2.0, 1.0), (2.0, 0.0, -1.0), (2.0, 0.0, 0.0), (np.nan, 1.0, 1.0),
                                          (1.0, 1.0, np.inf)])
def test_without_a_positive_root_the_matrices_are_left_as_they_are(a, b, target):
    assert balance.factor(a, b, target) == 1.0


def test_rescaling_reaches_the_target_and_changes_no_dot_product():
    rng = np.random.default_rng(0)
    h = (rng.normal(size=(50, DIM)) + 0.7).astype(np.float32)
    c = (rng.normal(size=(40, DIM)) - 0.2).astype(np.float32)
    u = balance.direction(h)
    p, q = balance.project(h, u), balance.project(c, u)
    target = float(p @ p - q @ q) * 0.8
    lam = balance.factor(float(p @ p), float(q @ q), target)
    assert abs(lam - 1.0) > 0.01
    dots = h.astype(np.float64) @ c.T.astype(np.float64)
    balance.rescale(h, p, u, lam)
    balance.rescale(c, q, u, 1.0 / lam)
    p, q = balance.project(h, u), balance.project(c, u)
    assert float(p @ p - q @ q) == pytest.approx(target, rel=1e-5)
    np.testing.assert_allclose(h.astype(np.float64) @ c.T.astype(np.float64), dots, rtol=1e-5, atol=1e-5)


def test_the_direction_is_the_unit_mean_and_there_is_none_without_a_mean():
    rng = np.random.default_rng(1)
    h = rng.normal(size=(30, DIM)).astype(np.float32) + np.float32(0.5)
    u = balance.direction(h)
    mean = h.astype(np.float64).mean(axis=0)
    np.testing.assert_allclose(u, mean / np.linalg.norm(mean), rtol=1e-12)
    assert balance.direction(np.zeros((3, DIM), np.float32)) is None
    assert balance.direction(np.array([[1, 2], [-1, -2]], np.float32)) is None
    assert balance.direction(np.array([[np.inf, 0], [1, 1]], np.float32)) is None


@pytest.mark.parametrize("dim", [1, 4, 7, 100])
def test_compiled_projection_and_rescaling_equal_the_numpy_references(dim):
    rng = np.random.default_rng(dim)
    m = rng.normal(size=(33, dim)).astype(np.float32)
    u = rng.normal(size=dim)
    u /= np.linalg.norm(u)
    along = balance.project(m, u)
    np.testing.assert_allclose(along, balance.project_reference(m, u), rtol=1e-12, atol=1e-12)
    expected = balance.rescale_reference(m, along, u, 1.37)
    balance.rescale(m, along, u, 1.37)
    np.testing.assert_array_equal(m, expected)


def test_rescaling_refuses_a_matrix_it_cannot_change_in_place():
    m = np.ones((4, 3), np.float64)
    with pytest.raises(ValueError, match="float32"):
        balance.rescale(m, np.ones(4), np.array([1.0, 0, 0]), 2.0)
    with pytest.raises(ValueError, match="C-contiguous"):
        balance.rescale(np.ones((3, 4), np.float32).T, np.ones(4), np.array([1.0, 0, 0]), 2.0)


def test_the_drift_of_a_change_is_its_change_of_the_squared_projection_and_adds_up_over_blocks():
    rng = np.random.default_rng(2)
    m = rng.normal(size=(20, DIM)).astype(np.float32)
    u = balance.direction(m + np.float32(1.0))
    rows = np.array([0, 3, 4, 9, 13, 19], np.int32)
    delta = rng.normal(size=(len(rows), DIM)).astype(np.float32)
    after = m.astype(np.float64)
    after[rows] += delta
    start = balance.project(m, u)
    whole = balance.drift(start, rows, delta, u)
    assert whole == pytest.approx(float(np.sum((after @ u) ** 2) - np.sum((m.astype(np.float64) @ u) ** 2)),
                                  rel=1e-10)
    for n_blocks in (2, 3, 8):
        parts = [balance.drift(start, rows[rows % n_blocks == j], delta[rows % n_blocks == j], u)
                 for j in range(n_blocks)]
        assert sum(parts) == pytest.approx(whole, rel=1e-12)
    assert balance.drift(start, np.zeros(0, np.int32), np.zeros((0, DIM), np.float32), u) == 0.0


def test_restoring_after_a_combination_reaches_the_drifted_target_whichever_rows_the_blocks_hold():
    rng = np.random.default_rng(5)
    h0 = (rng.normal(size=(12, DIM)) + 0.6).astype(np.float32)
    c0 = rng.normal(size=(10, DIM)).astype(np.float32)
    start = balance.at_start(h0, c0)
    u = start.direction
    # two replicas' changes, split into two blocks by row id as the workers split them
    changes = [{"input": (np.array([0, 3, 5], np.int32), rng.normal(size=(3, DIM)).astype(np.float32)),
                "output": (np.array([1, 2], np.int32), rng.normal(size=(2, DIM)).astype(np.float32))}
               for _ in range(2)]

    def block(part, j):
        return {name: (rows[rows % 2 == j], delta[rows % 2 == j]) for name, (rows, delta) in part.items()}

    rate = 2.0
    drift = sum(balance.replicas_drift(start, [block(part, j) for part in changes], rate) for j in range(2))
    h, c = h0.copy(), c0.copy()
    blocks = []
    for name, matrix in (("input", h), ("output", c)):
        total = np.zeros_like(matrix, dtype=np.float64)
        for part in changes:
            rows, delta = part[name]
            total[rows] += delta
        rows = np.flatnonzero(np.abs(total).sum(axis=1))
        matrix[rows] += (total[rows] / rate).astype(np.float32)
        blocks.append((name, rows.astype(np.int32), matrix[rows].copy()))
    combined = [{name: (rows, values) for name, rows, values in blocks}]
    dots = h.astype(np.float64) @ c.T.astype(np.float64)
    velocity = {"input": rng.normal(size=(2, DIM)).astype(np.float32),
                "output": rng.normal(size=(3, DIM)).astype(np.float32)}
    before_velocity = {name: v.copy() for name, v in velocity.items()}
    lam = balance.restore(start, h, c, combined, drift, velocity)
    assert abs(lam - 1.0) > 1e-3
    d0 = float(start.input @ start.input - start.output @ start.output)
    expected_drift = 0.0
    for part in changes:
        for name, m0, sign in (("input", h0, 1.0), ("output", c0, -1.0)):
            after = m0.astype(np.float64)
            after[part[name][0]] += part[name][1]
            expected_drift += sign * (np.sum((after @ u) ** 2) - np.sum((m0.astype(np.float64) @ u) ** 2))
    d = float(np.sum((h.astype(np.float64) @ u) ** 2) - np.sum((c.astype(np.float64) @ u) ** 2))
    assert d == pytest.approx(d0 + expected_drift / rate ** 2, rel=1e-5)
    np.testing.assert_allclose(h.astype(np.float64) @ c.T.astype(np.float64), dots, rtol=1e-5, atol=1e-5)
    for name, by in (("input", lam), ("output", 1.0 / lam)):
        v = before_velocity[name].astype(np.float64)
        np.testing.assert_allclose(velocity[name], v + (by - 1.0) * np.outer(v @ u, u), rtol=1e-5, atol=1e-6)

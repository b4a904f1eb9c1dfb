"""Thread-private copies of the tree's top nodes (w2v.models._hot_kernel): one thread trains the same
weights bit for bit with or without them, merges add every thread's change, the lock excludes."""
import threading

import numba
import numpy as np
import pytest

from w2v.corpus import build_huffman
from w2v.models._hot_kernel import SYNC_WORDS, sync_rows, try_lock, unlock
from w2v.models.buffers import aligned_zeros
from w2v.models.output_layers import OUTPUT_LAYERS
from w2v.models.training import _kernel  # importing training refreshes a stale kernel cache first

V, DIM, WINDOW, HOT = 60, 8, 3, 12


def _zipf_corpus(n_words, seed=0):
    """Sentences of Zipf-distributed ids (id 0 the most frequent), long enough for several merges."""
    rng = np.random.default_rng(seed)
    p = 1.0 / np.arange(1, V + 1)
    ids = rng.choice(V, size=n_words, p=p / p.sum()).astype(np.int32)
    ends = np.cumsum(rng.integers(5, 40, size=n_words // 5))
    ends = np.concatenate([ends[ends < n_words], [n_words]])
    return ids, np.concatenate([[0], ends]).astype(np.int64)


def _layer(objective="hierarchical"):
    counts = np.sort(np.random.default_rng(1).integers(1, 1000, size=V))[::-1]
    layer = OUTPUT_LAYERS[objective].create(counts, DIM, negative=3, ns_exponent=0.75)
    layer.weights[:] = np.random.default_rng(2).normal(scale=0.3, size=layer.weights.shape)
    return layer


@numba.njit
def _hot_shape(scratch):
    return scratch.hot_nodes.shape[0], scratch.hot_range[0], scratch.hot_range[1]


# (cbow_mean, shared_negatives): CBOW, and skip-gram with one batch per window (both call the layer's
# update, which trains the copies); skip-gram's per-pair loop trains its own copy of each path
ARCHITECTURES = {"cbow": (True, None), "skipgram-shared": (None, True)}


@pytest.mark.parametrize("architecture", sorted(ARCHITECTURES))
def test_one_thread_trains_the_same_weights_with_copies_of_the_top_nodes_bit_for_bit(architecture):
    # the copies must be read and written exactly where the shared rows would be: a step that read
    # a shared top node instead would see a value that lags behind the copy until the next merge
    cbow_mean, shared = ARCHITECTURES[architecture]
    ids, offsets = _zipf_corpus(3 * SYNC_WORDS)
    results = []
    for hot in (0, HOT):
        layer = _layer()
        inputs = np.random.default_rng(3).normal(scale=0.3, size=(V, DIM)).astype(np.float32)
        scratch = layer.scratch(DIM, WINDOW, hot_nodes=hot, lock=aligned_zeros(1, np.int64))
        assert _hot_shape(scratch) == ((hot, V - 1 - hot, hot) if hot else (0, V - 1, 0))
        state = np.array([99], np.uint64)
        words, loss, examples = _kernel.train_chunk(
            cbow_mean, shared, ids, offsets, 0, len(offsets) - 1, inputs, layer.arrays, scratch,
            np.ones(V, np.float32), WINDOW, 0.05, 0.0001, 0, len(ids), state, np.zeros(64, np.int32))
        results.append((inputs, layer.weights.copy(), loss, examples, state[0]))
    (in_a, out_a, loss_a, ex_a, st_a), (in_b, out_b, loss_b, ex_b, st_b) = results
    assert ex_a == ex_b and st_a == st_b
    assert np.array_equal(in_a, in_b) and np.array_equal(out_a, out_b)
    # the loss is summed in two parts per example with copies: equal up to rounding
    assert loss_b == pytest.approx(loss_a, rel=1e-9)


def _scratch_with(layer, hidden, hot_nodes, first):
    from w2v.models._output_kernel import new_scratch

    rows = layer.target_rows()
    return new_scratch(hidden, np.zeros_like(hidden), np.zeros(rows, np.int32), np.zeros(rows, np.float32),
                       np.zeros(rows, np.float32), np.zeros((1, rows), np.float32), np.zeros(1, np.float64),
                       np.zeros(2, np.int32), np.zeros((1, 1), np.float32), np.zeros_like(hidden),
                       np.zeros((rows, DIM), np.float32), np.zeros((rows, DIM), np.float32), hot_nodes,
                       hot_nodes.copy(), np.array([first, hot_nodes.shape[0]], np.int64), np.zeros(1, np.int64))


def test_a_step_trains_the_copies_of_the_top_nodes_and_leaves_their_shared_rows():
    from w2v.models._hierarchical_kernel import hierarchical_update

    layer, reference = _layer(), _layer()
    first, n = layer.hot_node_range(HOT)
    hidden = np.random.default_rng(6).normal(scale=0.3, size=(1, DIM)).astype(np.float32)
    copies = layer.weights[first:].copy()
    target = V - 1          # the rarest word: the longest path, through copied and shared nodes
    path = layer.arrays.points[target, :layer.arrays.lengths[target]]
    assert np.any(path >= first) and np.any(path < first)
    before = layer.weights.copy()
    loss = hierarchical_update(layer.arrays, _scratch_with(layer, hidden, copies, first), 1, target,
                               np.float32(0.05), np.zeros(1, np.uint64))
    expected = hierarchical_update(reference.arrays, _scratch_with(reference, hidden.copy(),
                                                                   np.zeros((0, DIM), np.float32), 0),
                                   1, target, np.float32(0.05), np.zeros(1, np.uint64))
    assert loss == pytest.approx(expected, rel=1e-9)
    top = path[path >= first]
    assert np.array_equal(layer.weights[first:], before[first:])          # shared top rows untouched
    assert np.array_equal(copies[top - first], reference.weights[top])    # the copies took the steps
    rest = path[path < first]
    assert np.array_equal(layer.weights[rest], reference.weights[rest]) and not np.array_equal(
        layer.weights[rest], before[rest])


def test_the_copied_nodes_are_the_start_of_every_path():
    # what hierarchical_update relies on: ids fall along a path, so the top ids form a prefix
    counts = np.sort(np.random.default_rng(5).integers(1, 10**6, size=5000))[::-1]
    tree = build_huffman(counts)
    n_nodes = len(counts) - 1
    first = n_nodes - 256
    for w in range(len(counts)):
        path = tree.points[w, :tree.lengths[w]]
        assert np.all(np.diff(path) < 0)
        top = path >= first
        assert not np.any(top[1:] & ~top[:-1])      # no copied node after a shared one
    assert _layer().hot_node_range(HOT) == (V - 1 - HOT, HOT)
    assert _layer().hot_node_range(10 * V) == (0, V - 1)
    assert _layer("negative").hot_node_range(HOT) == (0, 0)


def test_merges_add_every_threads_change_to_the_shared_rows():
    rng = np.random.default_rng(4)
    shared = rng.normal(size=(30, 5)).astype(np.float32)
    start = shared.copy()
    lock = aligned_zeros(1, np.int64)
    # two threads' copies of rows 24..29, taken before either merges
    a, a_base = shared[24:].copy(), shared[24:].copy()
    b, b_base = shared[24:].copy(), shared[24:].copy()
    da = rng.normal(size=a.shape).astype(np.float32)
    db = rng.normal(size=b.shape).astype(np.float32)
    da[0] = 0  # a row only b changes
    db[1] = 0  # a row only a changes
    a += da
    b += db
    sync_rows(lock, shared, 24, a, a_base)
    sync_rows(lock, shared, 24, b, b_base)
    np.testing.assert_allclose(shared[24:], start[24:].astype(np.float64) + da + db, rtol=1e-6, atol=1e-6)
    # where one thread alone changed an element, the merge wrote that thread's value exactly
    assert np.array_equal(shared[25], (start[25] + da[1]).astype(np.float32))
    assert np.array_equal(shared[24], (start[24] + db[0]).astype(np.float32))
    assert np.array_equal(shared[:24], start[:24])
    # b's merge refreshed its copies with a's change; copy and base agree after a merge
    assert np.array_equal(b, shared[24:]) and np.array_equal(b_base, shared[24:])
    # a merges again without having changed anything: it only takes b's change
    sync_rows(lock, shared, 24, a, a_base)
    assert np.array_equal(a, shared[24:]) and lock[0] == 0


def test_the_spin_lock_excludes_until_released():
    lock = aligned_zeros(1, np.int64)
    assert try_lock(lock)
    assert not try_lock(lock)
    unlock(lock)
    assert try_lock(lock)
    # a merge waits for the lock: it is still waiting while the lock is held
    shared = np.zeros((4, 2), np.float32)
    copies, base = np.ones((2, 2), np.float32), np.zeros((2, 2), np.float32)
    merge = threading.Thread(target=sync_rows, args=(lock, shared, 2, copies, base))
    merge.start()
    merge.join(0.3)
    assert merge.is_alive() and not shared.any()
    unlock(lock)
    merge.join(10)
    assert not merge.is_alive() and np.array_equal(shared[2:], np.ones((2, 2))) and lock[0] == 0


def test_copies_without_a_lock_are_refused():
    with pytest.raises(ValueError, match="lock"):
        _layer().scratch(DIM, WINDOW, hot_nodes=4)


@pytest.mark.parametrize("architecture, objective, workers, copies", [
    ("cbow", "hierarchical", 2, 64), ("cbow", "hierarchical", 8, 64), ("cbow", "hierarchical", 1, 0),
    ("cbow", "hierarchical", 9, 0), ("skipgram", "hierarchical", 2, 0), ("cbow", "negative", 2, 0)])
def test_only_cbow_with_hierarchical_softmax_and_2_to_8_threads_keeps_copies(monkeypatch, architecture, objective,
                                                                              workers, copies):
    from w2v import Word2Vec
    from w2v.models import training

    asked = []
    real = training.OutputLayer.scratch

    def recording(layer, dim, window, hot_nodes=None, lock=None):
        scratch = real(layer, dim, window, hot_nodes=hot_nodes or 0, lock=lock)
        if hot_nodes is not None:   # a training thread's (loading the kernel asks for none)
            asked.append(_hot_shape(scratch)[0])
        return scratch

    monkeypatch.setattr(training.OutputLayer, "scratch", recording)
    sentences = [["a", "b", "c", "d", "a", "b"] * 5] * 20
    Word2Vec(architecture=architecture, objective=objective, dim=4, min_count=1, epochs=1, workers=workers,
             progress=False).fit(sentences)
    n_nodes = 3  # four words
    assert asked and set(asked) == {min(copies, n_nodes)}

"""Huffman tree: prefix-free, optimal lengths, word2vec.c layout."""
import heapq

import numpy as np
import pytest

from w2v.corpus import build_huffman
from w2v.corpus.huffman import MAX_CODE_LENGTH


def _heapq_optimal_cost(counts):
    """Reference: total weighted code length of an optimal prefix code (sum of merge weights)."""
    heap = [int(c) for c in counts]
    heapq.heapify(heap)
    cost = 0
    while len(heap) > 1:
        a, b = heapq.heappop(heap), heapq.heappop(heap)
        cost += a + b
        heapq.heappush(heap, a + b)
    return cost


def _code_strings(tree):
    return [tree.code_of(w) for w in range(len(tree.lengths))]


def test_tiny_case_exact_codes_and_points():
    tree = build_huffman(np.array([10, 6, 3, 1]))
    # Merges: (1,3)->inner 0, (inner0=4, 6)->inner 1, (inner1=10, 10)->inner 2 = root.
    assert _code_strings(tree) == ["1", "01", "001", "000"]
    assert tree.lengths.tolist() == [1, 2, 3, 3]
    assert tree.points[3, :3].tolist() == [2, 1, 0]
    assert tree.points[0, :1].tolist() == [2]
    assert tree.codes.dtype == np.uint8 and tree.points.dtype == np.int32 and tree.lengths.dtype == np.int32
    assert tree.codes.shape == tree.points.shape == (4, 3)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_prefix_free_optimal_and_points_in_range(seed):
    rng = np.random.default_rng(seed)
    counts = np.sort(rng.zipf(1.3, size=500).clip(max=10**6))[::-1]
    tree = build_huffman(counts)
    codes = _code_strings(tree)
    assert len(set(codes)) == len(codes)
    ordered = sorted(codes)
    for a, b in zip(ordered, ordered[1:]):
        assert not b.startswith(a), (a, b)
    # Optimality: same total weighted length as the heapq Huffman construction.
    assert int((tree.lengths * counts).sum()) == _heapq_optimal_cost(counts)
    # Kraft equality: a full binary tree.
    assert sum(2.0 ** -len(c) for c in codes) == pytest.approx(1.0)
    v = len(counts)
    for w in range(v):
        pts = tree.points[w, :tree.lengths[w]]
        assert pts[0] == v - 2
        assert np.all((pts >= 0) & (pts < v - 1))
    # More frequent words never get longer codes.
    assert np.all(np.diff(tree.lengths) >= 0)


def test_points_are_consistent_paths():
    """Two words sharing a code prefix share the inner nodes along it."""
    counts = np.array([50, 40, 30, 20, 10, 5, 5, 2, 1])
    tree = build_huffman(counts)
    by_prefix = {}
    for w in range(len(counts)):
        for k in range(tree.lengths[w]):
            prefix = tree.code_of(w)[:k]
            node = int(tree.points[w, k])
            assert by_prefix.setdefault(prefix, node) == node
    assert len(by_prefix) == len(counts) - 1      # each inner node is reached by one prefix


def test_frequent_words_short_on_skewed_distribution():
    counts = np.array([2 ** (20 - i) for i in range(20)])
    tree = build_huffman(counts)
    assert tree.lengths[0] == 1
    assert tree.lengths.tolist() == list(range(1, 20)) + [19]


def test_unsorted_counts_give_the_same_codes_per_word():
    counts = np.array([3, 10, 1, 6])
    tree = build_huffman(counts)
    sorted_tree = build_huffman(np.array([10, 6, 3, 1]))
    order = [1, 3, 0, 2]
    for rank, w in enumerate(order):
        assert tree.code_of(w) == sorted_tree.code_of(rank)


def test_single_and_two_words():
    one = build_huffman(np.array([7]))
    assert one.lengths.tolist() == [0] and one.codes.shape == (1, 1) and one.n_inner == 0
    two = build_huffman(np.array([5, 5]))
    assert two.lengths.tolist() == [1, 1]
    assert sorted(_code_strings(two)) == ["0", "1"]
    assert two.points[:, 0].tolist() == [0, 0]


def test_bad_input_rejected():
    with pytest.raises(ValueError):
        build_huffman(np.array([], dtype=np.int64))
    with pytest.raises(ValueError):
        build_huffman(np.array([3, -1]))


def test_code_length_bound(monkeypatch):
    import w2v.corpus.huffman as huffman

    monkeypatch.setattr(huffman, "MAX_CODE_LENGTH", 5)
    fib = [1, 1]
    while len(fib) < 10:
        fib.append(fib[-1] + fib[-2])
    with pytest.raises(ValueError, match="exceeds the maximum 5"):
        huffman.build_huffman(np.array(fib[::-1]))
    assert MAX_CODE_LENGTH == 255

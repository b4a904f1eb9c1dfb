"""Small hand-made output layers for the kernel tests (no corpus needed)."""
import numpy as np
import pytest

from w2v.models.output_layers import OUTPUT_LAYERS

V, DIM, NEG = 9, 6, 3


def tiny_huffman(v):
    """A valid (not optimal) binary tree over v leaves in word2vec.c's layout: root = v - 2."""
    # complete tree by repeated pairing: inner node ids assigned from v-2 downward from the root
    # build with a simple heap-free scheme: leaves 0..v-1, combine pairs left to right
    nodes = list(range(v))
    parent, branch = {}, {}
    next_id = 0
    inner_ids = []
    while len(nodes) > 1:
        a, b = nodes.pop(0), nodes.pop(0)
        n = ("i", next_id)
        next_id += 1
        inner_ids.append(n)
        parent[a], branch[a] = n, 0
        parent[b], branch[b] = n, 1
        nodes.append(n)
    # inner node created last is the root: give it row v - 2
    row = {n: (v - 2) - (len(inner_ids) - 1 - k) for k, n in enumerate(inner_ids)}
    row = {n: r for n, r in row.items()}
    lengths = np.zeros(v, np.int32)
    paths = []
    for w in range(v):
        codes, points, x = [], [], w
        while x in parent:
            codes.append(branch[x])
            points.append(row[parent[x]])
            x = parent[x]
        paths.append((codes[::-1], points[::-1]))
        lengths[w] = len(codes)
    L = lengths.max()
    codes = np.zeros((v, L), np.uint8)
    points = np.zeros((v, L), np.int32)
    for w, (c, p) in enumerate(paths):
        codes[w, : len(c)] = c
        points[w, : len(p)] = p
    return codes, points, lengths


@pytest.fixture
def tiny_layers():
    """Factory: ``make(objective, rng) -> (output layer, noise probabilities, Huffman paths)``."""

    def make(objective, rng):
        q = rng.random(V) + 0.2
        q /= q.sum()
        # alias table built here (independently of w2v.corpus) by Vose's method
        accept, alias = _alias(q)
        rows = V - 1 if objective == "hierarchical" else V
        weights = (rng.normal(size=(rows, DIM)) * 0.5).astype(np.float32)
        codes, points, lengths = tiny_huffman(V)
        arrays = {"weights": weights, "codes": codes, "points": points, "lengths": lengths, "accept": accept,
                  "alias": alias, "log_kq": np.log(NEG * q).astype(np.float32)}
        layer = OUTPUT_LAYERS[objective].from_state(arrays, V, DIM, negative=NEG, ns_exponent=0.75)
        return layer, q, (codes, points, lengths)

    return make


def _alias(p):
    n = len(p)
    scaled = p * n
    accept = np.zeros(n)
    alias = np.zeros(n, np.int32)
    small = [i for i in range(n) if scaled[i] < 1]
    large = [i for i in range(n) if scaled[i] >= 1]
    while small and large:
        s, l = small.pop(), large.pop()
        accept[s], alias[s] = scaled[s], l
        scaled[l] -= 1 - scaled[s]
        (small if scaled[l] < 1 else large).append(l)
    for i in small + large:
        accept[i], alias[i] = 1.0, i
    return accept.astype(np.float32), alias

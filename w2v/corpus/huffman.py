"""Huffman tree over the vocabulary, for hierarchical softmax.

Each word is a leaf; its code is the sequence of left/right branches from the root, and its points
are the inner nodes where those branches are taken. Hierarchical softmax scores a word as the
product of one sigmoid per inner node on its path, so frequent words (short codes) are cheap.

>>> tree = build_huffman(np.array([10, 6, 3, 1]))
>>> tree.codes[0, :tree.lengths[0]], tree.points[0, :tree.lengths[0]]
(array([1], dtype=uint8), array([2], dtype=int32))

The construction is the linear-time two-queue method of word2vec.c: leaves are taken from the end
of the descending-sorted counts (smallest first), new inner nodes are appended in increasing weight
order, so the two smallest weights are always at the heads of the two queues. Node numbering,
codes and points are laid out as word2vec.c lays them out (root = ``V - 2``; the second-smallest
child of each merge gets branch 1), so a kernel written against word2vec.c's ``vocab[w].code`` and
``vocab[w].point`` reads these arrays unchanged.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

#: Longest code :func:`build_huffman` accepts. With int64 counts the depth of a Huffman tree cannot
#: exceed ~91 (a deeper tree needs Fibonacci-growing counts beyond 2**63), so this only catches
#: corrupted input; it also keeps ``codes`` a sane size.
MAX_CODE_LENGTH = 255


@dataclass(frozen=True)
class HuffmanTree:
    """Binary codes and inner-node paths of every word.

    Attributes
    ----------
    codes : np.ndarray of uint8, shape (V, L)
        ``codes[w, :lengths[w]]`` are the branches (0 or 1) from the root down to word ``w``;
        entries past ``lengths[w]`` are 0. ``L = max(1, lengths.max())``.
    points : np.ndarray of int32, shape (V, L)
        ``points[w, k]`` is the inner node (a row of ``node_weights``, in ``[0, V - 1)``) at which
        branch ``codes[w, k]`` is taken; ``points[w, 0]`` is the root ``V - 2``. Entries past
        ``lengths[w]`` are 0.
    lengths : np.ndarray of int32, shape (V,)
        Code length of each word (0 only when ``V == 1``: a single word needs no decision).
    """

    codes: np.ndarray
    points: np.ndarray
    lengths: np.ndarray

    @property
    def n_inner(self) -> int:
        """Number of inner nodes, ``V - 1`` (rows of ``node_weights``)."""
        return max(len(self.lengths) - 1, 0)

    def code_of(self, word_id: int) -> str:
        """Code of ``word_id`` as a string of ``0``/``1`` (for debugging and docs)."""
        n = int(self.lengths[word_id])
        return "".join(str(int(b)) for b in self.codes[word_id, :n])


def build_huffman(counts) -> HuffmanTree:
    """Build the Huffman tree of a vocabulary in linear time (after sorting), as word2vec.c does.

    Parameters
    ----------
    counts : array_like of int, shape (V,)
        Non-negative word counts, normally sorted in descending order (as :class:`Vocabulary`
        stores them). Unsorted counts are accepted: they are sorted internally (stable) and the
        result is returned in the original word order.

    Returns
    -------
    HuffmanTree
        Codes, points and lengths; see :class:`HuffmanTree`.

    Raises
    ------
    ValueError
        If ``counts`` is empty, not one-dimensional, negative, or a code would be longer than
        :data:`MAX_CODE_LENGTH`.
    """
    counts = np.asarray(counts)
    if counts.ndim != 1 or counts.size == 0:
        raise ValueError(f"build_huffman needs a non-empty 1-d array of counts, got shape {counts.shape}")
    if np.any(counts < 0):
        raise ValueError("build_huffman: counts must be non-negative")
    vocab_size = counts.size
    if vocab_size == 1:
        zeros = np.zeros((1, 1), dtype=np.uint8)
        return HuffmanTree(codes=zeros, points=np.zeros((1, 1), dtype=np.int32),
                           lengths=np.zeros(1, dtype=np.int32))

    descending = bool(np.all(counts[:-1] >= counts[1:]))
    order = None if descending else np.argsort(-counts.astype(np.float64), kind="stable")
    sorted_counts = counts if order is None else counts[order]

    parent, branch = _merge(sorted_counts.tolist())
    codes, points, lengths = _paths(parent, branch, vocab_size)

    if order is not None:
        # Row i of the sorted build belongs to word order[i].
        codes_out, points_out, lengths_out = (np.empty_like(codes), np.empty_like(points),
                                              np.empty_like(lengths))
        codes_out[order], points_out[order], lengths_out[order] = codes, points, lengths
        codes, points, lengths = codes_out, points_out, lengths_out
    return HuffmanTree(codes=codes, points=points, lengths=lengths)


def _merge(counts: list) -> tuple[np.ndarray, np.ndarray]:
    """Two-queue Huffman merge over descending counts.

    Nodes ``0..V-1`` are the leaves, ``V + a`` the inner node made by merge ``a``. Returns, per
    node, its parent node and the branch bit (1 for the larger of the two merged children).
    """
    vocab_size = len(counts)
    weight = counts + [0] * (vocab_size - 1)
    parent = [0] * (2 * vocab_size - 1)
    branch = [0] * (2 * vocab_size - 1)
    leaf = vocab_size - 1      # next unused leaf, walking towards the frequent end
    inner = vocab_size         # next unused inner node, in creation (= weight) order
    for a in range(vocab_size - 1):
        new = vocab_size + a
        picked = []
        for _ in range(2):
            # Strict '<' prefers an inner node on ties, exactly as word2vec.c, which keeps trees
            # shallow and makes codes identical to the C tool's.
            if leaf >= 0 and (inner >= new or weight[leaf] < weight[inner]):
                picked.append(leaf)
                leaf -= 1
            else:
                picked.append(inner)
                inner += 1
        weight[new] = weight[picked[0]] + weight[picked[1]]
        parent[picked[0]] = new
        parent[picked[1]] = new
        branch[picked[1]] = 1
    return np.asarray(parent, dtype=np.int64), np.asarray(branch, dtype=np.uint8)


def _paths(parent: np.ndarray, branch: np.ndarray, vocab_size: int):
    """Turn parent links into root-first codes and points for every leaf, vectorised by depth."""
    root = 2 * vocab_size - 2
    # Depth by pointer jumping: dist[n] is the distance from n to ancestor[n]; each round doubles
    # the jump, so ~log2(depth) vectorised rounds replace a Python walk over 2V nodes.
    ancestor = parent.copy()
    ancestor[root] = root
    dist = np.ones(2 * vocab_size - 1, dtype=np.int64)
    dist[root] = 0
    while np.any(ancestor != root):
        dist = dist + dist[ancestor]
        ancestor = ancestor[ancestor]
    lengths = dist[:vocab_size].astype(np.int32)
    longest = int(lengths.max())
    if longest > MAX_CODE_LENGTH:
        raise ValueError(
            f"Huffman code of length {longest} exceeds the maximum {MAX_CODE_LENGTH}: "
            "the counts are degenerate (check the vocabulary file)")
    width = max(1, longest)
    codes = np.zeros((vocab_size, width), dtype=np.uint8)
    points = np.zeros((vocab_size, width), dtype=np.int32)
    flat_codes, flat_points = codes.reshape(-1), points.reshape(-1)
    # Walk every leaf up to the root at once, writing each path from its end back to position 0;
    # leaves whose path is finished drop out, so the work is the total code length.
    node = np.arange(vocab_size, dtype=np.int64)
    slot = node * width + lengths - 1
    keep = lengths > 0
    node, slot, remaining = node[keep], slot[keep], lengths[keep].astype(np.int64)
    while node.size:
        up = parent[node]
        flat_codes[slot] = branch[node]
        flat_points[slot] = up - vocab_size
        node, slot, remaining = up, slot - 1, remaining - 1
        keep = remaining > 0
        if not keep.all():
            node, slot, remaining = node[keep], slot[keep], remaining[keep]
    return codes, points, lengths

"""Output layers as units: one object per objective owns its arrays, their initialisation, the names
they are saved under, their validation when loaded, the size of the buffers its kernel needs and
its float64 reference.

>>> layer = OUTPUT_LAYERS["negative"].create(counts, dim=100, negative=5, ns_exponent=0.75)  # doctest: +SKIP
>>> layer.state_arrays()            # what a trainer state saves    # doctest: +SKIP
>>> layer.arrays                    # the named tuple the compiled kernels train  # doctest: +SKIP

A new output layer is a ``_x_kernel.py`` (its arrays as a named tuple with an ``update`` kernel
attached, see :mod:`w2v.models._output_kernel`), a class here, a function in
:mod:`w2v.models.reference` and a line in :data:`OUTPUT_LAYERS`. This module imports its kernels
only when a layer is built, so that the objective names can be read without compiling anything.
"""
from __future__ import annotations

from typing import Callable, ClassVar

import numpy as np

from w2v.errors import ModelFormatError
from w2v.models import reference


class OutputLayer:
    """Base class: an output layer's arrays (:attr:`arrays`, the named tuple its kernels take) and
    what the trainer needs to know about them.

    Subclasses set :attr:`name`, :attr:`reference` and :attr:`saved`, and implement :meth:`create`
    and :meth:`from_state`.
    """

    #: the objective name (``Word2Vec(objective=...)``, ``w2v train --objective``)
    name: ClassVar[str]
    #: the float64 reference ``loss_grad(h, weights, ...) -> (loss, grad_h, grad_weights)``
    reference: ClassVar[Callable]
    #: array name in a trainer state -> field of :attr:`arrays`
    saved: ClassVar[dict[str, str]]
    #: whether the layer draws ``negative`` noise words per example (then at least one is needed)
    draws_noise: ClassVar[bool] = False

    def __init__(self, arrays):
        self.arrays = arrays

    @classmethod
    def create(cls, counts: np.ndarray, dim: int, *, negative: int, ns_exponent: float) -> "OutputLayer":
        """Fresh arrays for a vocabulary with ``counts`` (int64 (V,), descending), zero weights as
        word2vec.c; ``negative`` and ``ns_exponent`` are used by the layers that draw noise."""
        raise NotImplementedError

    @classmethod
    def from_state(cls, arrays: dict, n_words: int, dim: int, *, negative: int, ns_exponent: float) -> "OutputLayer":
        """The layer saved in a trainer state, after checking every array it reads.

        Raises
        ------
        ModelFormatError
            An array is missing, of the wrong type or shape, holds an id out of range or a
            non-finite value (the message says which).
        """
        raise NotImplementedError

    def state_arrays(self) -> dict[str, np.ndarray]:
        """The arrays a trainer state saves, by their saved names."""
        return {name: getattr(self.arrays, field) for name, field in self.saved.items()}

    @property
    def weights(self) -> np.ndarray:
        """The trained matrix (``output_weights`` or ``node_weights``), float32 (rows, dim)."""
        return self.arrays[0]

    def target_rows(self) -> int:
        """Most output rows one example scores (sizes the ``rows`` buffers)."""
        return 1

    def score_width(self) -> int:
        """Width of a row of ``scores`` (the whole vocabulary for full softmax)."""
        return 1

    def path_rows(self) -> int:
        """Rows of one target's local copy (hierarchical softmax's path)."""
        return 1

    def scratch(self, dim: int, window: int, hot_nodes: int = 0, lock: np.ndarray | None = None):
        """Buffers for one worker thread (:class:`w2v.models._output_kernel.Scratch`): batches of up
        to ``2 * window`` hidden vectors of ``dim`` floats.

        ``hot_nodes``: private copies of up to this many of the inner nodes nearest the root of
        hierarchical softmax's tree (:mod:`w2v.models._hot_kernel`; other layers have none), merged
        under ``lock`` (int64 (1,), the same array for every thread of a run; required with them).
        """
        from w2v.models._output_kernel import new_scratch
        from w2v.models.buffers import aligned_zeros

        batch = 2 * int(window)
        rows = self.target_rows()
        first, n_hot = self.hot_node_range(hot_nodes)
        if n_hot and lock is None:
            raise ValueError("private copies of tree nodes need the lock shared by the run's threads")
        return new_scratch(
            aligned_zeros((batch, dim), np.float32),                          # hidden
            aligned_zeros((batch, dim), np.float32),                          # grad_hidden
            aligned_zeros(rows, np.int32),                                    # rows
            aligned_zeros(rows, np.float32),                                  # labels
            aligned_zeros(rows, np.float32),                                  # logit_offsets
            aligned_zeros((batch, rows), np.float32),                         # coefficients
            aligned_zeros(batch, np.float64),                                 # likelihood
            aligned_zeros(batch, np.int32),                                   # contexts
            aligned_zeros((batch if self.score_width() > 1 else 1, self.score_width()), np.float32),  # scores
            aligned_zeros((batch, dim), np.float32),                          # step
            aligned_zeros((self.path_rows(), dim), np.float32),               # path
            aligned_zeros((self.path_rows(), dim), np.float32),               # path_start
            aligned_zeros((n_hot, dim), np.float32),                          # hot_nodes
            aligned_zeros((n_hot, dim), np.float32),                          # hot_base
            np.array([first, n_hot], np.int64),                               # hot_range
            aligned_zeros(1, np.int64) if lock is None else lock,             # hot_lock
        )

    def hot_node_range(self, count: int) -> tuple[int, int]:
        """``(first, n)``: the inner nodes a thread keeps copies of, ids ``first .. first + n - 1``
        (at most ``count``); ``(0, 0)`` for the layers without a tree."""
        return 0, 0

    def expected_row_updates(self, targets: np.ndarray, examples: float) -> np.ndarray:
        """How often each row of :attr:`weights` is expected to be updated in a stretch of training
        of ``examples`` examples in which word ``w`` is the target ``targets[w]`` times: here, where a
        row is a word and only the target's row is updated, ``targets`` itself. What the distributed
        trainer tells the rows that settle within a round by
        (:func:`w2v.distributed.combine.settling_rows`).

        Parameters
        ----------
        targets : float64 (V,)
        examples : float

        Returns
        -------
        float64 (rows,)
        """
        return np.asarray(targets, dtype=np.float64)


def checked_array(arrays: dict, name: str, dtype, shape: tuple, low=None, high=None) -> np.ndarray:
    """``arrays[name]`` as a C-contiguous ``dtype`` array, after checking it.

    Parameters
    ----------
    arrays : dict of str to ndarray
        Arrays read from a file.
    name : str
    dtype : numpy dtype
        What the kernels take; the stored array may be of any dtype of the same family (float, or
        integer for an integer ``dtype``).
    shape : tuple of int or None
        Expected shape, ``None`` for a free length.
    low, high : number, optional
        Inclusive value range.

    Raises
    ------
    ModelFormatError
        Missing, wrong type or shape, non-finite values, values out of range.
    """
    if name not in arrays:
        raise ModelFormatError(f"array {name!r} is missing")
    a = arrays[name]
    dtype = np.dtype(dtype)
    kinds = "fiu" if dtype.kind == "f" else "iu"
    if not isinstance(a, np.ndarray) or a.dtype.kind not in kinds:
        raise ModelFormatError(f"array {name!r} has type {getattr(a, 'dtype', type(a).__name__)}, "
                               f"expected {dtype.name}")
    if a.ndim != len(shape) or any(want is not None and got != want for got, want in zip(a.shape, shape)):
        expected = "(" + ", ".join("any" if s is None else str(s) for s in shape) + ")"
        raise ModelFormatError(f"array {name!r} has shape {a.shape}, expected {expected}")
    if a.size and a.dtype.kind == "f" and not np.isfinite(a).all():
        raise ModelFormatError(f"array {name!r} holds non-finite values")
    if a.size and ((low is not None and a.min() < low) or (high is not None and a.max() > high)):
        raise ModelFormatError(f"array {name!r} holds values outside [{low}, {high}]")
    return np.ascontiguousarray(a, dtype=dtype)


def _noise(counts, ns_exponent):
    from w2v.corpus import AliasTable, noise_distribution

    noise = noise_distribution(counts, ns_exponent)
    return noise, AliasTable.from_probabilities(noise)


def _alias_table(arrays, n_words):
    return (checked_array(arrays, "accept", np.float32, (n_words,), 0.0, 1.0),
            checked_array(arrays, "alias", np.int32, (n_words,), 0, n_words - 1))


def _with_noise_draws(arrays, targets, examples) -> np.ndarray:
    """``targets`` plus the expected draws of each word as noise in ``examples`` examples (the
    distribution the layer's alias table samples from)."""
    from w2v.corpus import AliasTable

    noise = AliasTable(arrays.accept, arrays.alias).probabilities()
    return np.asarray(targets, dtype=np.float64) + float(examples) * int(arrays.negative) * noise


class NegativeSampling(OutputLayer):
    """Negative sampling: the observed word against ``negative`` draws of unigram^0.75 noise."""

    name = "negative"
    reference = staticmethod(reference.negative_loss_grad)
    saved = {"weights": "output_weights", "accept": "accept", "alias": "alias"}
    draws_noise = True

    @classmethod
    def create(cls, counts, dim, *, negative, ns_exponent):
        from w2v.models._negative_kernel import NegativeArrays

        _, table = _noise(counts, ns_exponent)
        return cls(NegativeArrays(np.zeros((len(counts), dim), np.float32), table.accept, table.alias, int(negative)))

    @classmethod
    def from_state(cls, arrays, n_words, dim, *, negative, ns_exponent):
        from w2v.models._negative_kernel import NegativeArrays

        weights = checked_array(arrays, "weights", np.float32, (n_words, dim))
        return cls(NegativeArrays(weights, *_alias_table(arrays, n_words), int(negative)))

    def target_rows(self):
        return self.arrays.negative + 1

    def expected_row_updates(self, targets, examples):
        return _with_noise_draws(self.arrays, targets, examples)


class NoiseContrastive(OutputLayer):
    """Noise-contrastive estimation: negative sampling with logits corrected by ``log(k q(w))``."""

    name = "nce"
    reference = staticmethod(reference.nce_loss_grad)
    saved = {"weights": "output_weights", "accept": "accept", "alias": "alias", "log_kq": "log_kq"}
    draws_noise = True

    @classmethod
    def create(cls, counts, dim, *, negative, ns_exponent):
        from w2v.models._nce_kernel import NceArrays

        noise, table = _noise(counts, ns_exponent)
        log_kq = np.log(int(negative) * noise).astype(np.float32)
        return cls(NceArrays(np.zeros((len(counts), dim), np.float32), table.accept, table.alias, log_kq,
                             int(negative)))

    @classmethod
    def from_state(cls, arrays, n_words, dim, *, negative, ns_exponent):
        from w2v.models._nce_kernel import NceArrays

        weights = checked_array(arrays, "weights", np.float32, (n_words, dim))
        log_kq = checked_array(arrays, "log_kq", np.float32, (n_words,))
        return cls(NceArrays(weights, *_alias_table(arrays, n_words), log_kq, int(negative)))

    def target_rows(self):
        return self.arrays.negative + 1

    def expected_row_updates(self, targets, examples):
        return _with_noise_draws(self.arrays, targets, examples)


class HierarchicalSoftmax(OutputLayer):
    """Hierarchical softmax over word2vec.c's Huffman tree: one logistic decision per inner node."""

    name = "hierarchical"
    reference = staticmethod(reference.hierarchical_loss_grad)
    saved = {"weights": "node_weights", "codes": "codes", "points": "points", "lengths": "lengths"}

    @classmethod
    def create(cls, counts, dim, *, negative, ns_exponent):
        from w2v.corpus import build_huffman
        from w2v.models._hierarchical_kernel import HierarchicalArrays

        tree = build_huffman(counts)
        weights = np.zeros((max(len(counts) - 1, 0), dim), np.float32)
        return cls(HierarchicalArrays(weights, np.ascontiguousarray(tree.codes, np.uint8),
                                      np.ascontiguousarray(tree.points, np.int32),
                                      np.ascontiguousarray(tree.lengths, np.int32)))

    @classmethod
    def from_state(cls, arrays, n_words, dim, *, negative, ns_exponent):
        from w2v.models._hierarchical_kernel import HierarchicalArrays

        n_nodes = max(n_words - 1, 0)
        weights = checked_array(arrays, "weights", np.float32, (n_nodes, dim))
        codes = checked_array(arrays, "codes", np.uint8, (n_words, None), 0, 1)
        depth = codes.shape[1]
        points = checked_array(arrays, "points", np.int32, (n_words, depth))
        lengths = checked_array(arrays, "lengths", np.int32, (n_words,), 0 if n_words < 2 else 1, depth)
        on_path = np.arange(depth)[None, :] < lengths[:, None]
        if on_path.any() and (points[on_path].min() < 0 or points[on_path].max() >= n_nodes):
            raise ModelFormatError(f"array 'points' holds inner nodes outside [0, {n_nodes - 1}]")
        return cls(HierarchicalArrays(weights, codes, points, lengths))

    def target_rows(self):
        return max(self.arrays.codes.shape[1], 1)

    def hot_node_range(self, count):
        # word2vec.c numbers inner nodes as it makes them: the root (on every path) is the last, and
        # the nodes near it, on the paths of the most frequent words, come just before it
        n = max(0, min(int(count), self.weights.shape[0]))
        return self.weights.shape[0] - n, n

    def path_rows(self):
        return self.target_rows()

    def expected_row_updates(self, targets, examples):
        # an inner node is on the path of every word below it; one depth at a time, so that no
        # temporary of the size of the whole tree's paths is made
        targets = np.asarray(targets, dtype=np.float64)
        updates = np.zeros(self.weights.shape[0])
        for depth in range(self.arrays.points.shape[1]):
            deeper = self.arrays.lengths > depth
            updates += np.bincount(self.arrays.points[deeper, depth], weights=targets[deeper],
                                   minlength=self.weights.shape[0])
        return updates


class FullSoftmax(OutputLayer):
    """Full softmax over the whole vocabulary: O(V * dim) per example, for small vocabularies."""

    name = "softmax"
    reference = staticmethod(reference.softmax_loss_grad)
    saved = {"weights": "output_weights"}

    @classmethod
    def create(cls, counts, dim, *, negative, ns_exponent):
        from w2v.models._softmax_kernel import SoftmaxArrays

        return cls(SoftmaxArrays(np.zeros((len(counts), dim), np.float32)))

    @classmethod
    def from_state(cls, arrays, n_words, dim, *, negative, ns_exponent):
        from w2v.models._softmax_kernel import SoftmaxArrays

        return cls(SoftmaxArrays(checked_array(arrays, "weights", np.float32, (n_words, dim))))

    def score_width(self):
        return self.weights.shape[0]

    def expected_row_updates(self, targets, examples):
        # every example updates every row (by its probability)
        return np.full(self.weights.shape[0], float(examples))


#: objective name -> output layer; the order is the one help texts list
OUTPUT_LAYERS: dict[str, type[OutputLayer]] = {
    layer.name: layer for layer in (NegativeSampling, HierarchicalSoftmax, FullSoftmax, NoiseContrastive)}

"""Trained word vectors and the questions you ask them: neighbours, analogies, similarity.

>>> from w2v import KeyedVectors                                   # doctest: +SKIP
>>> kv = KeyedVectors.load("vectors.bin")          # word2vec binary/text or w2v native, detected
>>> kv.most_similar("france", topn=3)
[('spain', 0.78...), ('italy', 0.77...), ('germany', 0.75...)]
>>> kv.analogy("man", "king", "woman")[0]          # man is to king as woman is to ?
('queen', 0.71...)

:class:`KeyedVectors` is a plain object — words, a float32 matrix, optional counts — independent of
the trainer that made it. Words are kept in file/frequency order, so ``restrict_vocab=N`` always
means the same thing: only the N first (most frequent) words are searched as answers.

Every query is one matrix product against the cached unit-normalised matrix and an
``argpartition`` for the top ``topn``; no Python loop runs over the vocabulary. How query terms are
read and answers ranked is :mod:`w2v.vectors_query`.
"""
from __future__ import annotations

import difflib
import itertools
import logging
import os
import types
from typing import Iterable, Mapping, Sequence

import numpy as np

from w2v.errors import UnknownWordError
from w2v.finite import first_non_finite
from w2v.vectors_io import FORMAT_BY_EXTENSION, format_for_path, read_vectors, write_vectors
from w2v.vectors_query import (QueryError, as_list, query_vector, ranked, resolve_restrict_vocab, top_k, unit_vector,
                               weighted_terms)

# FORMAT_BY_EXTENSION and format_for_path live in vectors_io, QueryError, top_k and
# resolve_restrict_vocab in vectors_query; all stay importable from here
__all__ = ["COSMUL_EPSILON", "FORMAT_BY_EXTENSION", "KeyedVectors", "QueryError", "format_for_path",
           "resolve_restrict_vocab", "top_k"]

logger = logging.getLogger(__name__)

#: 3CosMul denominator guard (Levy & Goldberg 2014 use a small epsilon; gensim uses the same 1e-6)
COSMUL_EPSILON = 1e-6


class KeyedVectors:
    """Words with one float32 vector each, in frequency order, and the queries on them.

    Parameters
    ----------
    words : sequence of str, length V
        Vocabulary, most frequent first. A repeated word resolves to its first row.
    vectors : array_like, shape (V, d)
        One row per word; stored as C-contiguous float32 (a float32 memmap is kept, not copied).
        Finite numbers within float32's range only: NaN or an infinity would make answers silently
        wrong, so it is refused (:class:`QueryError` naming the first such word).
    counts : array_like of int64, shape (V,), optional
        Corpus frequencies when known (word2vec files do not store them).

    Attributes
    ----------
    words : list of str
    vectors : np.ndarray[float32], shape (V, d)
        Assigning a new matrix clears the cached unit vectors; after editing it in place call
        :meth:`clear_cache`.
    counts : np.ndarray[int64] of shape (V,), or None
    dim : int
    """

    def __init__(self, words: Sequence[str], vectors, counts=None):
        self._setup(words, vectors, counts, finite_checked=False)

    def _setup(self, words, vectors, counts, finite_checked: bool) -> None:
        """The constructor's work; ``finite_checked`` skips the scan for NaN and infinities where
        the caller made it (:meth:`load`: every reader checks each row)."""
        words = list(words)
        if isinstance(vectors, np.memmap) and vectors.dtype == np.float32:
            array = vectors
        else:
            array = _as_float32(vectors)
        if array.ndim != 2 or array.shape[0] != len(words):
            raise QueryError(f"need a (V, d) matrix with one row per word: got {len(words)} words "
                             f"and an array of shape {array.shape}")
        if not finite_checked:
            _check_finite(words, array, vectors)
        if counts is not None:
            counts = np.asarray(counts, dtype=np.int64)
            if counts.shape != (len(words),):
                raise QueryError(f"counts must have shape ({len(words)},), got {counts.shape}")
        self.words = words
        self.counts = counts
        # first occurrence wins, so a duplicated word keeps its most frequent row
        self.index = dict(zip(reversed(words), range(len(words) - 1, -1, -1)))
        #: rows a repeated word cannot be asked for by (not its first): never an answer either, where
        #: they would be the query word itself; None when no word repeats
        self._shadowed = None
        if len(self.index) != len(words):
            logger.warning("%d repeated word(s) in the vocabulary; each resolves to its first row",
                           len(words) - len(self.index))
            self._shadowed = np.array([self.index[w] != i for i, w in enumerate(words)])
        self._vectors = array
        self._unit = None
        self._buckets = None

    # ------------------------------------------------------------------ container behaviour
    @property
    def vectors(self) -> np.ndarray:
        """The (V, dim) float32 matrix, one row per word in ``words`` order.

        Assigning replaces it (same shape, finite values required); the cached unit vectors follow.
        """
        return self._vectors

    @vectors.setter
    def vectors(self, value) -> None:
        array = _as_float32(value)
        if array.shape != (len(self.words), self.dim):
            raise QueryError(f"new vectors must have shape {self._vectors.shape}, got {array.shape}")
        _check_finite(self.words, array, value)
        self._vectors = array
        self.clear_cache()

    @property
    def dim(self) -> int:
        """Vector dimensionality ``d``."""
        return self._vectors.shape[1]

    def clear_cache(self) -> None:
        """Forget the cached unit-normalised matrix (call after editing :attr:`vectors` in place)."""
        self._unit = None

    @property
    def unit_vectors(self) -> np.ndarray:
        """Rows scaled to length 1 (zero rows stay zero), float32 (V, d), computed once and cached."""
        if self._unit is None:
            unit = np.empty(self._vectors.shape, dtype=np.float32)
            # float64 norms, so huge components do not overflow; in blocks to bound the copy
            for start in range(0, len(unit), 65536):
                block = self._vectors[start:start + 65536].astype(np.float64)
                norms = np.sqrt(np.einsum("ij,ij->i", block, block))[:, None]
                norms[norms == 0] = 1.0
                with np.errstate(invalid="ignore"):  # a non-finite row stays non-finite; queries refuse it
                    unit[start:start + 65536] = block / norms
            self._unit = unit
        return self._unit

    def __len__(self) -> int:
        return len(self.words)

    def __contains__(self, word) -> bool:
        return word in self.index

    def __getitem__(self, word: str) -> np.ndarray:
        return self.vector(word)

    def __repr__(self) -> str:
        return f"KeyedVectors(words={len(self)}, dim={self.dim})"

    def index_of(self, word: str) -> int:
        """Row of ``word``; raises :class:`~w2v.errors.UnknownWordError` with close spellings."""
        try:
            return self.index[word]
        except KeyError:
            raise UnknownWordError(word, self.suggest(word)) from None
        except TypeError:
            raise QueryError(f"words are strings, got {word!r}") from None

    def vector(self, word: str, norm: bool = False) -> np.ndarray:
        """The vector of ``word``, float32 (d,); unit length when ``norm`` (a view, do not edit)."""
        i = self.index_of(word)
        return self.unit_vectors[i] if norm else self._vectors[i]

    def suggest(self, word: str, n: int = 3) -> list[str]:
        """Up to ``n`` vocabulary words spelled like ``word``, best first.

        Differing only in case comes first; then :func:`difflib.get_close_matches` over words of
        similar length sharing the first letter (the 20,000 most frequent such words), so a
        million-word vocabulary answers in a fraction of a second (the buckets are built on the first call).
        """
        if not isinstance(word, str) or not word:
            return []
        if self._buckets is None:
            buckets: dict[str, list[str]] = {}
            for w in self.words:
                buckets.setdefault(w[:1].lower(), []).append(w)
            self._buckets = buckets
        lowered = word.lower()
        same_case = [w for w in self._buckets.get(lowered[:1], ()) if w.lower() == lowered]
        # the most frequent look-alikes are the likely intended words, and capping them keeps
        # difflib (pure Python, ~5 us a word) fast on huge vocabularies
        near = list(itertools.islice(
            (w for w in self._buckets.get(lowered[:1], ()) if abs(len(w) - len(word)) <= 2), 20_000))
        close = difflib.get_close_matches(word, near, n=n, cutoff=0.7)
        return list(dict.fromkeys(same_case + close))[:n]

    # ------------------------------------------------------------------ persistence
    def save(self, path: str | os.PathLike, format: str | None = None) -> None:
        """Write the vectors atomically, in the format the file name asks for.

        Parameters
        ----------
        path : str or PathLike
            Destination. Without ``format``, its extension picks the layout (as
            :meth:`w2v.ngram.NgramLM` writers and gensim users expect): ``.bin`` binary, ``.txt``
            or ``.vec`` text, anything else native.
        format : {"native", "binary", "text", "glove"}, optional
            Overrides the extension. ``native`` keeps counts and loads fastest / memory-maps;
            ``binary`` and ``text`` are word2vec.c's layouts, readable by word2vec tools and gensim;
            ``glove`` is GloVe's header-less text.

        Raises
        ------
        ModelFormatError
            ``path`` ends in ``.gz``, ``.bz2`` or ``.xz``, with or without ``format`` (nothing is
            written compressed; compress the written file instead), or ``format`` is unknown.
        QueryError
            A vector edited in place holds NaN or an infinity (no reader would take the file back).
        """
        # the name is checked with a format too: plain bytes under a .gz name no reader opens
        by_name = format_for_path(path, default="native")
        _check_finite(self.words, self._vectors, self._vectors, "; nothing was written")
        write_vectors(path, self.words, self._vectors, self.counts, format=format if format is not None else by_name)

    @classmethod
    def load(cls, path: str | os.PathLike, format: str | None = None, limit: int | None = None,
             mmap: bool = False) -> "KeyedVectors":
        """Read vectors saved by :meth:`save`, word2vec.c or gensim.

        Parameters
        ----------
        path : str or PathLike
        format : {"native", "binary", "text", "glove"}, optional
            Default: detected from the content (fastText ``.vec`` files are word2vec text).
        limit : int, optional
            Keep only the first ``limit`` words.
        mmap : bool
            Native files only: map the matrix read-only instead of reading it (fast, shared).
        """
        words, vectors, counts = read_vectors(path, format=format, limit=limit, mmap=mmap)
        kv = cls.__new__(cls)
        # read_vectors refused any row that is not finite: a second scan would read a large
        # (memory-mapped) file twice
        kv._setup(words, vectors, counts, finite_checked=True)
        return kv

    # ------------------------------------------------------------------ queries
    def similarity(self, word1: str, word2: str) -> float:
        """Cosine similarity of two words, in [-1, 1]."""
        (first, second), _ = self._terms([word1, word2])
        return float(np.dot(first, second))

    def most_similar(self, positive=None, negative=None, topn: int | None = 10,
                     restrict_vocab: int | None = None):
        """Words closest to the mean of ``positive`` minus ``negative`` unit vectors (3CosAdd).

        Parameters
        ----------
        positive, negative : str or np.ndarray, or a list of them or of (str or np.ndarray, float) pairs
            Words (or raw (d,) vectors) added / subtracted, each normalised to length 1 first.
            A ``(word, weight)`` pair weighs its word by ``weight`` as given, in ``negative`` too
            (gensim 4's convention: only a bare word there weighs -1, so ``("man", -0.5)``
            subtracts half of "man" and ``("man", 0.5)`` adds it); the query is the weighted sum
            of the unit vectors, normalised (gensim's weighted mean, same direction).
        topn : int or None
            How many answers; ``None`` returns the cosine of every searched word instead,
            float32 array of shape (N,).
        restrict_vocab : int, optional
            Search only the N most frequent words (default: all).

        Returns
        -------
        list of (str, float)
            Best first, the query words themselves left out.
        """
        positive, negative = as_list(positive), as_list(negative)
        if not positive and not negative:
            raise QueryError("most_similar needs at least one word")
        items, weights = weighted_terms(positive, 1.0)
        more_items, more_weights = weighted_terms(negative, -1.0)
        terms, exclude = self._terms(items + more_items)
        weights = np.array(weights + more_weights, dtype=np.float64)
        # only the direction counts: weights scaled to at most 1 in magnitude cannot overflow the sum
        largest = np.abs(weights).max()
        query = unit_vector((weights / largest if largest > 0 else weights) @ terms)
        scores = self.unit_vectors[:self._limit(restrict_vocab)] @ query
        return self._ranked(scores, topn, exclude)

    def most_similar_cosmul(self, positive=None, negative=None, topn: int | None = 10,
                            restrict_vocab: int | None = None):
        """Words ranked by 3CosMul (Levy & Goldberg 2014, eq. 4).

        Score of a candidate ``w``: ``prod_p s(w, p) / (prod_n s(w, n) + 1e-6)`` with cosines
        shifted to [0, 1] by ``s = (1 + cos) / 2``. With ``positive=[b, c], negative=[a]`` this
        solves "a is to b as c is to ?". Same parameters and result as :meth:`most_similar`.
        """
        positive, negative = as_list(positive), as_list(negative)
        if not positive:
            raise QueryError("most_similar_cosmul needs at least one positive word")
        terms, exclude = self._terms(positive + negative)
        shifted = (1.0 + self.unit_vectors[:self._limit(restrict_vocab)] @ terms.T) / 2.0
        p = len(positive)
        scores = shifted[:, :p].prod(axis=1) / (shifted[:, p:].prod(axis=1) + COSMUL_EPSILON)
        return self._ranked(scores, topn, exclude)

    def analogy(self, a: str, b: str, c: str, method: str = "add", topn: int = 10,
                restrict_vocab: int | None = None):
        """Answer "``a`` is to ``b`` as ``c`` is to ?".

        Parameters
        ----------
        a, b, c : str
        method : {"add", "mul"}
            3CosAdd (:meth:`most_similar` of b + c - a) or 3CosMul (:meth:`most_similar_cosmul`).
        topn, restrict_vocab
            As in :meth:`most_similar`.
        """
        if method == "add":
            return self.most_similar([b, c], [a], topn=topn, restrict_vocab=restrict_vocab)
        if method == "mul":
            return self.most_similar_cosmul([b, c], [a], topn=topn, restrict_vocab=restrict_vocab)
        raise QueryError(f"analogy method must be 'add' or 'mul', not {method!r}")

    def similar_by_vector(self, vector, topn: int | None = 10, restrict_vocab: int | None = None):
        """Nearest words (by cosine) to a raw vector of shape (d,); nothing is left out."""
        (unit,), _ = self._terms([vector])
        return self._ranked(self.unit_vectors[:self._limit(restrict_vocab)] @ unit, topn, ())

    def doesnt_match(self, words: Iterable[str]) -> str:
        """The word furthest (by cosine) from the normalised mean of all ``words``."""
        words = list(words)
        if not words:
            raise QueryError("doesnt_match needs at least one word")
        rows = self.unit_vectors[self._word_rows(words)]
        mean = rows.mean(axis=0)
        mean /= np.linalg.norm(mean) or 1.0
        return words[int(np.argmin(rows @ mean))]

    # ------------------------------------------------------------------ gensim's names
    # Read-only spellings of gensim 4's KeyedVectors API, so code written for gensim runs
    # unchanged; each is one line over the native method it names.

    @property
    def vector_size(self) -> int:
        """gensim's name of :attr:`dim`."""
        return self.dim

    @property
    def key_to_index(self) -> Mapping[str, int]:
        """gensim's word -> row mapping: a read-only view of the index (edit :attr:`words` instead)."""
        return types.MappingProxyType(self.index)

    @property
    def index_to_key(self) -> list[str]:
        """gensim's row -> word list: :attr:`words` itself (most frequent first; do not edit it)."""
        return self.words

    def get_vector(self, key: str, norm: bool = False) -> np.ndarray:
        """gensim's name of :meth:`vector`: float32 (d,), unit length when ``norm``."""
        return self.vector(key, norm=norm)

    def get_normed_vectors(self) -> np.ndarray:
        """gensim's name of :attr:`unit_vectors`: float32 (V, d), rows of length 1 (zero rows stay 0)."""
        return self.unit_vectors

    def similar_by_word(self, word: str, topn: int | None = 10, restrict_vocab: int | None = None):
        """gensim's name of :meth:`most_similar` for one word."""
        return self.most_similar(word, topn=topn, restrict_vocab=restrict_vocab)

    def distance(self, word1: str, word2: str) -> float:
        """Cosine distance ``1 - similarity(word1, word2)``, in [0, 2] (gensim's ``distance``)."""
        return 1.0 - self.similarity(word1, word2)

    def n_similarity(self, words1: Sequence[str], words2: Sequence[str]) -> float:
        """Cosine similarity of the means of two word sets (gensim's ``n_similarity``).

        As gensim: the raw (not unit-normalised) vectors of each set are averaged, and the cosine
        of the two means is returned.

        Parameters
        ----------
        words1, words2 : sequence of str
            Non-empty word lists (a single string is refused: it is not a list of words).
        """
        means = []
        for words in (words1, words2):
            if isinstance(words, str) or not len(words):
                raise QueryError(f"n_similarity takes two non-empty lists of words, got {words!r}")
            means.append(self._vectors[self._word_rows(words)].astype(np.float64).mean(axis=0))
        norms = np.linalg.norm(means[0]) * np.linalg.norm(means[1])
        return float(np.dot(means[0], means[1]) / norms) if norms > 0 else 0.0

    def rank(self, word1: str, word2: str) -> int:
        """Rank of ``word2`` among the neighbours of ``word1`` (1 = nearest), as gensim's ``rank``.

        One plus the number of words other than ``word1`` strictly closer (by cosine) to ``word1``
        than ``word2`` is. A repeated word counts once, by its first row (its later rows are never
        answers of :meth:`most_similar` either).
        """
        i, j = self._word_rows([word1, word2])
        scores = self.unit_vectors @ self.unit_vectors[i]
        closer = scores > scores[j]
        closer[i] = False
        if self._shadowed is not None:
            closer &= ~self._shadowed
        return int(np.count_nonzero(closer)) + 1

    # ------------------------------------------------------------------ classes and maps
    def cluster(self, k: int, iterations: int = 10, restrict_vocab: int | None = None, seed: int = 1):
        """Word classes by cosine k-means (word2vec.c's ``-classes``); see :func:`w2v.clusters.cluster_vectors`.

        Returns a :class:`~w2v.clusters.WordClasses` (``labels``, ``centroids``, ``save(path)``).
        """
        from w2v.clusters import cluster_vectors

        return cluster_vectors(self, k, iterations=iterations, restrict_vocab=restrict_vocab, seed=seed)

    def plot(self, words=None, method: str = "pca", ax=None, classes=None, top: int = 100, seed: int = 1):
        """Draw ``words`` (default: the ``top`` most frequent) on a labelled 2-D map.

        Needs ``pip install 'w2v[plot]'``. ``method`` is ``"pca"`` or ``"tsne"``; ``classes`` an int
        K (colour by K k-means classes of these words) or class ids; see :func:`w2v.plot.plot_words`.
        Returns the matplotlib Axes (a new pyplot figure when ``ax`` is None).
        """
        from w2v.plot import plot_words

        words = self.words[:top] if words is None else as_list(words)
        return plot_words(self, words, method=method, ax=ax, classes=classes, seed=seed)

    # ------------------------------------------------------------------ helpers
    def _limit(self, restrict_vocab) -> int:
        return resolve_restrict_vocab(restrict_vocab, len(self))

    def _word_rows(self, words) -> list[int]:
        """Rows of ``words``; a word whose vector holds NaN or an infinity (edited in place) is a
        :class:`QueryError`: every answer about it would be silently wrong."""
        rows = [self.index_of(w) for w in words]
        unit = self.unit_vectors
        for word, i in zip(words, rows):
            if not np.isfinite(unit[i]).all():
                raise QueryError(f"the vector of {word!r} is not finite (NaN or infinity): the vectors are "
                                 "damaged; retrain or ask about other words")
        return rows

    def _terms(self, items) -> tuple[np.ndarray, list[int]]:
        """Unit vectors (k, d) for words or raw vectors, and the rows of the words among them."""
        rows, exclude = [], []
        for item in items:
            if isinstance(item, str):
                (i,) = self._word_rows([item])
                exclude.append(i)
                rows.append(self.unit_vectors[i])
            else:
                rows.append(query_vector(item, self.dim))
        return np.stack(rows), exclude

    def _ranked(self, scores: np.ndarray, topn, exclude):
        return ranked(scores, topn, exclude, self.words, self._shadowed)


def _as_float32(values) -> np.ndarray:
    """``values`` as a C-contiguous float32 array; a value beyond float32's range becomes an
    infinity without numpy's overflow warning (:func:`_check_finite` then refuses it by name)."""
    with np.errstate(over="ignore"):
        return np.ascontiguousarray(values, dtype=np.float32)


def _check_finite(words, array: np.ndarray, given, after: str = "") -> None:
    """Refuse a matrix holding NaN or an infinity, naming the first word that has one.

    Parameters
    ----------
    words : sequence of str, length V
    array : np.ndarray[float32], shape (V, d)
        The matrix as stored.
    given : array_like, shape (V, d)
        What the caller passed, before the float32 cast: a finite row there that is not finite in
        ``array`` held a value beyond float32's range (~3.4e38), which the message says.
    after : str
        Appended to the message (what did not happen).
    """
    row = first_non_finite(array)
    if row < 0:
        return
    try:
        original = np.asarray(given[row], dtype=np.float64)
        too_big = bool(np.isfinite(original).all())
    except (TypeError, ValueError, IndexError):
        too_big = False
    what = ("holds a value beyond float32's range (about 3.4e38)" if too_big
            else "is not finite (NaN or infinity)")
    raise QueryError(f"the vector of word {words[row]!r} (row {row + 1}, vectors[{row}]) {what}: "
                     f"vectors must be finite float32 numbers{after}")


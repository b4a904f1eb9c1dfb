"""Word classes: cosine k-means over unit-normalised word vectors (word2vec.c's ``-classes``).

>>> from w2v import KeyedVectors                                   # doctest: +SKIP
>>> classes = KeyedVectors.load("vectors.bin").cluster(500, restrict_vocab=50_000, seed=1)
>>> classes.save("classes.txt")                # "word class_id" per line, as word2vec.c -classes
>>> classes.central_words(topn=5)[0]           # the words nearest the first centroid
[('paris', 0.81...), ('berlin', 0.79...), ...]

The objective is the mean cosine between each word's unit vector and its class centroid, the
centroid being the normalised mean of its members' unit vectors (spherical k-means, Dhillon &
Modha 2001). Both steps of Lloyd's iteration can only raise it: assigning each word to the
centroid of highest cosine, then moving each centroid to its members' normalised mean.

How it differs from word2vec.c (which starts class ``i`` with word ``i mod K`` and compares raw,
unnormalised vectors with the centroids): centroids start from greedy k-means++ seeding (Arthur &
Vassilvitskii 2007; with unit vectors ``||x - c||^2 = 2 (1 - cos)``, so a word is drawn with
probability proportional to ``1 - cos`` to its nearest chosen centroid), the words are
unit-normalised first, and the loop stops early once no word changes class.

Speed: one iteration is one BLAS matrix product (words x dim) @ (dim x K), an ``argmax`` per
row, and a sparse one-hot (K x words) product for the new centroids; nothing loops over words
in Python. k-means++ seeding is sequential in K, so it runs on a random sample of at most
``8 * K`` words (all words when there are fewer).

Measured (``scripts/compare_classes.py`` on skip-gram vectors of the brown + gcide benchmark
corpus, 48,174 words x 100 dims, K = 500, 10 iterations): mean cosine to the own centroid
0.8971 against 0.8949 for word2vec.c's rule, which also leaves 57 of the 500 classes empty.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass

import numpy as np
import scipy.sparse

from w2v.errors import W2VError
from w2v.fileio import WORD_DECODE_ERRORS, WORD_ENCODE_ERRORS, atomic_write, shown_name

#: words per block of the (words x K) score matrix, so memory stays bounded for big vocabularies
_BLOCK_ELEMENTS = 16_000_000
#: k-means++ seeding looks at this many candidate words per class at most
_SEEDING_SAMPLE_PER_CLASS = 8
#: rows per matrix-vector product while seeding (see _distances_after)
_SEEDING_BLOCK = 4096
#: what separates the word from its class id in a classes file (what bytes.split() splits on)
_ASCII_SPACE_CHARS = " \t\n\r\x0b\x0c"
_ASCII_SPACE = re.compile(f"[{re.escape(_ASCII_SPACE_CHARS)}]+")
#: a class id in a classes file, and its range (that of the int32 labels)
_CLASS_ID = re.compile(r"-?[0-9]+")
_CLASS_ID_MIN, _CLASS_ID_MAX = -2 ** 31, 2 ** 31 - 1


class ClusteringError(W2VError, ValueError):
    """Clustering was asked for something impossible (more classes than words, k < 1, ...)."""


@dataclass
class WordClasses:
    """The outcome of :func:`cluster_vectors`: one class per word and the class centroids.

    Attributes
    ----------
    words : list of str, length N
        The clustered words, in vocabulary (frequency) order.
    labels : np.ndarray[int32], shape (N,)
        Class id in ``0 .. k-1`` of each word.
    centroids : np.ndarray[float32], shape (k, d)
        Unit-length normalised mean of each class's unit vectors.
    similarities : np.ndarray[float32], shape (N,)
        Cosine of each word with its class centroid.
    iterations : int
        Lloyd iterations run (fewer than asked when the classes stopped changing).
    """

    words: list
    labels: np.ndarray
    centroids: np.ndarray
    similarities: np.ndarray
    iterations: int

    @property
    def k(self) -> int:
        """Number of classes."""
        return len(self.centroids)

    @property
    def mean_similarity(self) -> float:
        """Mean cosine of a word with its own class centroid (the objective k-means raises)."""
        return float(np.mean(self.similarities, dtype=np.float64))

    @property
    def sizes(self) -> np.ndarray:
        """Words per class, int64 (k,)."""
        return np.bincount(self.labels, minlength=self.k)

    def members(self, class_id: int) -> list[str]:
        """Words of class ``class_id``, most central first."""
        return [w for w, _ in self.central_words(None)[class_id]]

    def central_words(self, topn: int | None = 10) -> list[list[tuple[str, float]]]:
        """For every class, its words with their cosine to the centroid, most central first.

        Parameters
        ----------
        topn : int or None
            Words listed per class (None: all members).

        Returns
        -------
        list of length k of lists of (word, cosine)
        """
        # one sort for all classes: by class, then by descending similarity
        order = np.lexsort((-self.similarities, self.labels))
        bounds = np.searchsorted(self.labels[order], np.arange(self.k + 1))
        out = []
        for c in range(self.k):
            rows = order[bounds[c]:bounds[c + 1]]
            if topn is not None:
                rows = rows[:topn]
            out.append([(self.words[i], float(self.similarities[i])) for i in rows])
        return out

    def to_dict(self, topn: int = 10) -> dict:
        """JSON-ready summary: sizes and the ``topn`` most central words of every class."""
        central = self.central_words(topn)
        sizes = self.sizes
        return {
            "k": self.k, "words": len(self.words), "iterations": self.iterations,
            "mean_similarity": self.mean_similarity,
            "classes": [{"id": c, "size": int(sizes[c]),
                         "central_words": [{"word": w, "similarity": s} for w, s in central[c]]}
                        for c in range(self.k)],
        }

    def save(self, path, format: str = "text") -> None:
        """Write the classes atomically.

        Parameters
        ----------
        path : str or PathLike
        format : {"text", "json"}
            ``text``: word2vec.c's ``-classes`` output, one ``word class_id`` line per word in
            vocabulary order. ``json``: :meth:`to_dict`.
        """
        if format == "json":
            with atomic_write(path, "w") as f:
                f.write(json.dumps(self.to_dict(), indent=1, allow_nan=False) + "\n")
            return
        if format != "text":
            raise ClusteringError(f"classes format must be 'text' or 'json', not {format!r}")
        self._check_words()  # before the file is created
        # a word holding a lone surrogate is written as the vector files write it (read_classes reads it)
        with atomic_write(path, "w", errors=WORD_ENCODE_ERRORS) as f:
            f.writelines(self._lines())

    def lines(self):
        """The text-format lines ``"word class_id\\n"``, in vocabulary order.

        Raises :class:`ClusteringError` (before the first line) when a word is empty or holds
        ASCII white space or NUL, which that format cannot store.
        """
        self._check_words()
        yield from self._lines()

    def _check_words(self) -> None:
        from w2v.fileio import first_unwritable_word

        bad = first_unwritable_word(self.words)
        if bad is not None:
            # no file format holds every word's class otherwise (format='json' is a summary of
            # sizes and central words), so the message names only the in-memory mapping
            raise ClusteringError(f"word {bad!r} is empty or holds white space, which a 'word class_id' "
                                  "classes file cannot store (from Python, the words and labels of "
                                  "cluster_vectors' result hold every word's class)")

    def _lines(self):
        for start in range(0, len(self.words), 10_000):
            chunk = zip(self.words[start:start + 10_000], self.labels[start:start + 10_000].tolist())
            yield "".join(f"{w} {c}\n" for w, c in chunk)


def read_classes(path) -> dict[str, int]:
    """Read a ``word class_id`` file (ours or word2vec.c's ``-classes`` output) into a dict.

    Fields are separated by ASCII white space only, as in the vector files: a no-break space or
    another Unicode space is part of a word. A class id is written in ASCII digits and fits in
    32 bits (-2147483648 to 2147483647; plot draws a word of negative id as one without a class).

    Raises :class:`ClusteringError` naming the first malformed line, or when ``path`` is missing or
    a device (the file is read whole; a pipe is read once, as a file).
    """
    from w2v.fileio import check_regular_file

    classes: dict[str, int] = {}
    # read whole: a device (/dev/zero) would fill memory; a pipe is read once, as a file
    path = check_regular_file(path, "classes file", ClusteringError, pipes=True)
    # invalid UTF-8 is U+FFFD, but a word holding a lone surrogate reads back as save() wrote it
    with open(path, encoding="utf-8", errors=WORD_DECODE_ERRORS) as f:
        for number, line in enumerate(f, 1):
            # ASCII white space only, as the vector readers and word2vec.c: a no-break space is
            # part of a word
            parts = _ASCII_SPACE.split(line.strip(_ASCII_SPACE_CHARS))
            if parts == [""]:
                continue
            # ASCII digits only: int() and isdigit() also take other scripts' digits ("١٢")
            if len(parts) != 2 or not _CLASS_ID.fullmatch(parts[1]):
                raise ClusteringError(f"{shown_name(path)}: line {number} is not 'word class_id': "
                                      f"{line.strip()[:60]!r}")
            class_id = int(parts[1])
            # ids are int32, as WordClasses.labels; a larger one overflowed where the ids are used
            if not _CLASS_ID_MIN <= class_id <= _CLASS_ID_MAX:
                raise ClusteringError(f"{shown_name(path)}: line {number}: class id {parts[1][:30]} is out of range "
                                      f"({_CLASS_ID_MIN} to {_CLASS_ID_MAX})")
            classes.setdefault(parts[0], class_id)
    return classes


def cluster_vectors(kv, k: int, iterations: int = 10, restrict_vocab: int | None = None,
                    seed: int = 1) -> WordClasses:
    """Cluster the words of ``kv`` into ``k`` classes by cosine k-means.

    Parameters
    ----------
    kv : KeyedVectors
    k : int
        Number of classes, 1 <= k <= number of clustered words.
    iterations : int, default 10
        Most Lloyd iterations (word2vec.c runs 10); stops earlier when no word changes class.
    restrict_vocab : int, optional
        Cluster only the N most frequent words (default: all).
    seed : int, default 1
        Seeds the k-means++ draw: the same seed gives the same classes.

    Returns
    -------
    WordClasses
    """
    from w2v.vectors import resolve_restrict_vocab

    n = resolve_restrict_vocab(restrict_vocab, len(kv))
    _check_int("k", k, 1)
    _check_int("iterations", iterations, 1)
    _check_int("seed", seed, 0)
    if k > n:
        raise ClusteringError(f"cannot make {k} classes of {n} words: use k <= {n}")
    unit = kv.unit_vectors[:n]
    labels, centroids, sims, done = spherical_kmeans(unit, k, iterations, np.random.default_rng(seed))
    return WordClasses(list(kv.words[:n]), labels, centroids, sims, done)


def spherical_kmeans(unit: np.ndarray, k: int, iterations: int, rng: np.random.Generator):
    """Cosine k-means of unit rows: k-means++ seeding, then Lloyd iterations.

    Stops when an iteration assigns every row as the one before. Every class keeps at least one
    row (see :func:`class_means`), also when there are fewer distinct rows than ``k``: then some
    classes hold identical rows and share a centroid, where word2vec.c would leave classes empty.

    Parameters
    ----------
    unit : np.ndarray[float32], shape (N, d)
        Unit-length rows (zero rows are allowed and join whichever class they are put in).
    k, iterations : int
    rng : np.random.Generator

    Returns
    -------
    labels : np.ndarray[int32], shape (N,)
    centroids : np.ndarray[float32], shape (k, d)
        Normalised means of the final classes.
    similarities : np.ndarray[float32], shape (N,)
        Cosine of each row with its class centroid.
    iterations : int
        Iterations run.
    """
    centroids = kmeans_plus_plus(unit, k, rng)
    assigned = None
    done = 0
    for done in range(1, iterations + 1):
        new_assigned, _ = assign(unit, centroids)
        # compare assignments, not the labels class_means repaired: with fewer distinct rows than
        # classes the repair differs from the next assignment every time, which then never settles
        changed = assigned is None or not np.array_equal(new_assigned, assigned)
        assigned = new_assigned
        labels = assigned.copy()
        centroids = class_means(unit, labels, k)
        if not changed:
            break
    # similarities to the final centroids (the means of the final labels)
    sims = np.einsum("ij,ij->i", unit, centroids[labels])
    return labels, centroids, sims.astype(np.float32), done


def kmeans_plus_plus(unit: np.ndarray, k: int, rng: np.random.Generator) -> np.ndarray:
    """Greedy k-means++ seeding under cosine distance; returns (k, d) float32 unit centroids.

    Each step draws ``2 + ln k`` candidates with probability proportional to their distance
    ``1 - cos`` to the nearest centroid chosen so far (half the squared Euclidean distance of
    unit rows, so this is k-means++'s D^2 sampling) and keeps the candidate that lowers the
    total distance most, the greedy variant scikit-learn uses: plain k-means++ more often puts
    two seeds in one natural group (on the planted groups of the tests, 6 seeds in 20 against 0).
    """
    n = len(unit)
    size = min(n, _SEEDING_SAMPLE_PER_CLASS * k)
    pool = unit if size == n else unit[np.sort(rng.choice(n, size, replace=False))]
    trials = 2 + int(np.log(k))
    chosen = np.empty(k, dtype=np.int64)
    chosen[0] = rng.integers(size)
    distance = _distances_after(pool, pool[chosen[:1]], np.full(size, np.inf, dtype=np.float32))[0]
    for j in range(1, k):
        cumulative = np.cumsum(distance, dtype=np.float64)
        total = cumulative[-1]
        if total <= 0:  # every candidate coincides with a chosen centroid: take any unchosen one
            taken = np.zeros(size, dtype=bool)
            taken[chosen[:j]] = True
            chosen[j] = np.flatnonzero(~taken)[0]
            continue
        draws = rng.random(trials) * total
        candidates = np.minimum(np.searchsorted(cumulative, draws, side="right"), size - 1)
        after = _distances_after(pool, pool[candidates], distance)
        best = int(np.argmin(after.sum(axis=1, dtype=np.float64)))
        chosen[j] = candidates[best]
        distance = after[best]
        distance[chosen[j]] = 0.0
    return np.ascontiguousarray(pool[chosen], dtype=np.float32)


def _distances_after(pool: np.ndarray, candidates: np.ndarray, distance: np.ndarray) -> np.ndarray:
    """``min(distance, 1 - cos(row, candidate))`` for every candidate and pool row: (trials, size) float32.

    One matrix-vector product per candidate and block of :data:`_SEEDING_BLOCK` rows: OpenBLAS
    runs products that small on one thread, while a matrix-matrix product of the same size goes
    to its threads, which on a busy machine wait for cores (measured, 4,000 rows and 8
    candidates: 0.3 ms as 8 products against 28 ms as one).
    """
    cosines = np.empty((len(candidates), len(pool)), dtype=np.float32)
    for i, candidate in enumerate(candidates):
        for start in range(0, len(pool), _SEEDING_BLOCK):
            np.dot(pool[start:start + _SEEDING_BLOCK], candidate, out=cosines[i, start:start + _SEEDING_BLOCK])
    np.subtract(np.float32(1.0), cosines, out=cosines)
    np.maximum(cosines, np.float32(0.0), out=cosines)
    return np.minimum(distance[None, :], cosines, out=cosines)


def assign(unit: np.ndarray, centroids: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Class of highest cosine for every row (first on ties) and that cosine.

    Parameters
    ----------
    unit : np.ndarray[float32], shape (N, d)
    centroids : np.ndarray[float32], shape (k, d)

    Returns
    -------
    labels : np.ndarray[int32], shape (N,)
    best : np.ndarray[float32], shape (N,)
    """
    n, k = len(unit), len(centroids)
    labels = np.empty(n, dtype=np.int32)
    best = np.empty(n, dtype=np.float32)
    step = max(1, _BLOCK_ELEMENTS // max(k, 1))
    for start in range(0, n, step):
        scores = unit[start:start + step] @ centroids.T
        top = np.argmax(scores, axis=1)
        labels[start:start + step] = top
        best[start:start + step] = scores[np.arange(len(top)), top]
    return labels, best


def class_means(unit: np.ndarray, labels: np.ndarray, k: int) -> np.ndarray:
    """Normalised mean of each class's rows, (k, d) float32; an empty class takes the worst-fitting row.

    The sums are one sparse (k x N) one-hot product with the (N x d) rows. A class left empty
    (rare after k-means++ seeding) is given the row least similar to its own centroid among the
    rows of classes with more than one, the usual repair, so that ``k`` non-empty classes always
    come back (``len(labels) >= k``); ``labels`` is changed in place to say where those rows went.
    """
    n = len(unit)
    onehot = scipy.sparse.csr_matrix((np.ones(n, dtype=np.float32), (labels, np.arange(n))), shape=(k, n))
    sums = np.asarray(onehot @ unit, dtype=np.float64)
    sizes = np.bincount(labels, minlength=k)
    empty = list(np.flatnonzero(sizes == 0))
    if empty:
        norms = np.linalg.norm(sums, axis=1)
        fit = np.einsum("ij,ij->i", unit, (sums / np.maximum(norms, 1e-30)[:, None])[labels])
        for row in np.argsort(fit, kind="stable"):
            if not empty:
                break
            # a row alone in its class stays: moving it would empty that class in turn
            if sizes[labels[row]] > 1:
                c = empty.pop(0)
                sizes[labels[row]] -= 1
                sizes[c] += 1
                sums[labels[row]] -= unit[row]
                sums[c] += unit[row]
                labels[row] = c
    norms = np.linalg.norm(sums, axis=1)
    norms[norms == 0] = 1.0
    return (sums / norms[:, None]).astype(np.float32)


def _check_int(name, value, least):
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < least:
        raise ClusteringError(f"{name} must be an integer of at least {least}, got {value!r}")

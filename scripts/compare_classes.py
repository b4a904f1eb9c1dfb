#!/usr/bin/env python
"""Word classes: w2v's cosine k-means against word2vec.c's ``-classes`` rule, same K and iterations.

    python scripts/compare_classes.py vectors.bin -k 500 --iterations 10 --repeats 3

word2vec.c's rule, implemented here as the reference (vectorised, same arithmetic as its loop):
class ``i`` starts with word ``i mod K``; each iteration sets every centroid to the normalised
sum of its words' *raw* vectors, then moves every word to the centroid of highest dot product
with its raw vector (first on ties); an empty class gets no words again (its centroid is 0/0 in
C, so it never wins). 10 iterations are word2vec.c's fixed count.

Both sets of classes are scored the same way: the mean over words of the cosine between a
word's unit vector and the normalised mean of its class's unit vectors (what w2v maximises),
and also against word2vec.c's own centroids (normalised mean of raw vectors). Times are the
clustering call alone, median of ``--repeats`` runs, vectors already loaded and normalised (wall
clock and CPU time of the process; on a busy machine run it with ``OPENBLAS_NUM_THREADS=1`` too,
as BLAS threads that wait for cores inflate both); ``/usr/bin/time -v w2v classes ...`` gives
the whole process.
"""
from __future__ import annotations

import argparse
import json
import statistics
import time

import numpy as np
import scipy.sparse

from w2v.clusters import cluster_vectors
from w2v.vectors import KeyedVectors


def word2vec_c_classes(raw: np.ndarray, k: int, iterations: int) -> np.ndarray:
    """Labels of word2vec.c's -classes loop on the raw (V, d) vectors."""
    n = len(raw)
    labels = np.arange(n) % k
    for _ in range(iterations):
        onehot = scipy.sparse.csr_matrix((np.ones(n), (labels, np.arange(n))), shape=(k, n))
        sums = np.asarray(onehot @ raw.astype(np.float64))
        norms = np.linalg.norm(sums, axis=1)
        centroids = sums / np.where(norms > 0, norms, 1.0)[:, None]
        scores = raw.astype(np.float64) @ centroids.T
        scores[:, norms == 0] = -np.inf
        labels = np.argmax(scores, axis=1)
    return labels


def mean_cosine(unit: np.ndarray, labels: np.ndarray, k: int, members: np.ndarray) -> float:
    """Mean cosine of each unit row with the normalised mean of ``members`` rows of its class."""
    n = len(unit)
    onehot = scipy.sparse.csr_matrix((np.ones(n), (labels, np.arange(n))), shape=(k, n))
    sums = np.asarray(onehot @ members.astype(np.float64))
    sums /= np.maximum(np.linalg.norm(sums, axis=1), 1e-30)[:, None]
    return float(np.mean(np.einsum("ij,ij->i", unit.astype(np.float64), sums[labels])))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("vectors")
    parser.add_argument("-k", type=int, default=500)
    parser.add_argument("--iterations", type=int, default=10)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()

    kv = KeyedVectors.load(args.vectors)
    unit, raw = kv.unit_vectors, kv.vectors
    times, cpu = [], []
    for _ in range(args.repeats):
        start, start_cpu = time.perf_counter(), time.process_time()
        ours = cluster_vectors(kv, args.k, iterations=args.iterations, seed=args.seed)
        times.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    start = time.perf_counter()
    reference = word2vec_c_classes(raw, args.k, args.iterations)
    reference_seconds = time.perf_counter() - start
    report = {
        "words": len(kv), "dim": kv.dim, "k": args.k, "iterations": args.iterations,
        "w2v": {"seconds_median": statistics.median(times), "seconds": times,
                "cpu_seconds_median": statistics.median(cpu),
                "iterations_run": ours.iterations,
                "mean_cosine_unit_centroid": mean_cosine(unit, ours.labels, args.k, unit),
                "mean_cosine_raw_centroid": mean_cosine(unit, ours.labels, args.k, raw),
                "empty_classes": int(np.sum(np.bincount(ours.labels, minlength=args.k) == 0))},
        "word2vec_c_rule": {"seconds_numpy": reference_seconds,
                            "mean_cosine_unit_centroid": mean_cosine(unit, reference, args.k, unit),
                            "mean_cosine_raw_centroid": mean_cosine(unit, reference, args.k, raw),
                            "empty_classes": int(np.sum(np.bincount(reference, minlength=args.k) == 0))},
    }
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()

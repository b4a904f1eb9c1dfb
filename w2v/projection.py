"""2-D projections of word vectors for maps: PCA (numpy's SVD) and t-SNE (scikit-learn, optional).

>>> from w2v.projection import project_2d                         # doctest: +SKIP
>>> xy = project_2d(kv.unit_vectors[:200], method="pca")         # (200, 2) float64
>>> xy = project_2d(kv.unit_vectors[:200], method="tsne", seed=1)

Both work on whatever rows they are given; :mod:`w2v.plot` passes unit-normalised vectors, so
the map shows cosine geometry (the length of a word2vec vector mostly tracks frequency).
"""
from __future__ import annotations

import numpy as np

from w2v.errors import W2VError
from w2v.extras import require

METHODS = ("pca", "tsne")


def project_2d(vectors: np.ndarray, method: str = "pca", seed: int = 1) -> np.ndarray:
    """Project rows to two dimensions.

    Parameters
    ----------
    vectors : array_like, shape (n, d)
    method : {"pca", "tsne"}
        ``pca``: the first two principal components (centred rows, thin SVD); each axis's sign is
        fixed so that its largest loading is positive, so the map does not flip between runs.
        ``tsne``: scikit-learn's t-SNE with cosine distances, PCA initialisation and a
        perplexity of ``min(30, (n - 1) / 3)`` (it must stay below n). Rows that are all identical
        (vectors of one direction once unit-normalised, or all zero) get PCA's map instead: every
        point at the origin.
    seed : int
        t-SNE's random state.

    Returns
    -------
    np.ndarray[float64], shape (n, 2)
    """
    x = np.asarray(vectors, dtype=np.float64)
    if x.ndim != 2:
        raise W2VError(f"need a (n, d) matrix to project, got shape {x.shape}")
    if method not in METHODS:
        raise W2VError(f"projection method must be 'pca' or 'tsne', not {method!r}")
    n = len(x)
    if n < 3 or x.shape[1] < 2:
        # too few points for a fitted projection: put them on a line, in order
        out = np.zeros((n, 2))
        out[:, 0] = np.arange(n)
        return out
    if method == "pca":
        return _pca(x)
    manifold = require("sklearn.manifold", "t-SNE")
    # identical rows: scikit-learn's PCA initialisation divides by their zero spread and its native
    # code then crashes the process; there is nothing to lay out, and PCA puts them all at one spot
    if not np.ptp(x, axis=0).any():
        return _pca(x)
    tsne = manifold.TSNE(n_components=2, perplexity=min(30.0, (n - 1) / 3.0), init="pca",
                         metric="cosine", random_state=seed)
    return np.asarray(tsne.fit_transform(x), dtype=np.float64)


def _pca(x: np.ndarray) -> np.ndarray:
    centred = x - x.mean(axis=0)
    _, _, vt = np.linalg.svd(centred, full_matrices=False)
    axes = vt[:2]
    signs = np.sign(axes[np.arange(len(axes)), np.argmax(np.abs(axes), axis=1)])
    axes = axes * np.where(signs == 0, 1.0, signs)[:, None]
    out = centred @ axes.T
    if out.shape[1] < 2:
        out = np.hstack([out, np.zeros((len(out), 2 - out.shape[1]))])
    return out

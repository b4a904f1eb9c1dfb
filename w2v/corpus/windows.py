"""Reference generator of (center, context) pairs with word2vec's dynamic window.

>>> ids = np.array([0, 1, 2, 3], dtype=np.int32); offsets = np.array([0, 3, 4])
>>> window_pairs(ids, offsets, window=1, rng=0, dynamic=False)
(array([0, 1, 1, 2], dtype=int32), array([1, 0, 2, 1], dtype=int32))

For each center token a radius ``r`` is drawn uniformly from ``1..window`` (``dynamic=True``, as
word2vec.c does, which weights near contexts more: a context at distance ``d`` is used with
probability ``(window - d + 1) / window``), and every token within ``r`` positions on either side
and in the same sentence is a context. The compiled training loop forms its pairs the same way
(one radius drawn per center, before that center's pairs); ``tests/models/test_window_pairs.py``
holds it against this reference, given the radii the kernel drew (``radii=``). Training does not
call this function.
"""
from __future__ import annotations

import numpy as np


def window_pairs(encoded_or_ids, offsets=None, window: int = 5, rng=None, dynamic: bool = True, radii=None):
    """All (center, context) pairs of an encoded corpus.

    Parameters
    ----------
    encoded_or_ids : EncodedCorpus or array_like of int, shape (N,)
        Token ids; an :class:`~w2v.corpus.vocab.EncodedCorpus` brings its own offsets.
    offsets : array_like of int, shape (S + 1,), optional
        Sentence boundaries: sentence ``s`` is ``ids[offsets[s]:offsets[s+1]]``. Required with a
        plain id array (pass ``[0, N]`` for a single sentence); ignored for an ``EncodedCorpus``
        when ``None``.
    window : int, default 5
        Maximum distance between center and context (word2vec's ``-window``).
    rng : numpy.random.Generator or int or None
        Source of the per-center radii (a seed makes the pairs reproducible).
    dynamic : bool, default True
        Draw the radius uniformly in ``1..window`` per center; ``False`` always uses ``window``.
    radii : array_like of int, shape (N,), optional
        The radius of every center token, in ``1..window`` (instead of drawing them): e.g. the
        radii a trainer drew, to check its pairs.

    Returns
    -------
    centers, contexts : np.ndarray of int32, shape (P,)
        Token ids (not positions). Pairs are ordered by center position, and for each center its
        contexts from left to right. Radii are drawn for every token in order (one draw per token,
        including tokens of one-word sentences), so a seed fixes the output.
    """
    if offsets is None:
        if not hasattr(encoded_or_ids, "offsets"):
            raise ValueError("window_pairs needs offsets with a plain id array (use [0, len(ids)])")
        offsets = encoded_or_ids.offsets
    ids = np.asarray(getattr(encoded_or_ids, "ids", encoded_or_ids))
    offsets = np.asarray(offsets, dtype=np.int64)
    if int(window) < 1:
        raise ValueError(f"window must be at least 1, got {window}")
    window = int(window)
    n = ids.shape[0]
    if offsets.ndim != 1 or offsets.size < 1 or offsets[0] != 0 or offsets[-1] != n or np.any(np.diff(offsets) < 0):
        raise ValueError("offsets must be non-decreasing, start at 0 and end at len(ids)")
    if radii is not None:
        radius = np.asarray(radii, dtype=np.int64)
        if radius.shape != (n,) or (n and (radius.min() < 1 or radius.max() > window)):
            raise ValueError(f"radii must hold one radius in 1..{window} per token")
    elif dynamic:
        radius = np.random.default_rng(rng).integers(1, window + 1, size=n)
    else:
        radius = np.full(n, window, dtype=np.int64)
    sentence = np.repeat(np.arange(offsets.size - 1), np.diff(offsets))

    # Candidate context offsets in left-to-right order; one column each.
    shifts = np.concatenate([np.arange(-window, 0), np.arange(1, window + 1)])
    position = np.arange(n)[:, None] + shifts[None, :]
    inside = (position >= 0) & (position < n)
    clipped = np.clip(position, 0, max(n - 1, 0))
    valid = inside & (np.abs(shifts)[None, :] <= radius[:, None])
    if n:
        valid &= sentence[clipped] == sentence[:, None]
    center_pos = np.broadcast_to(np.arange(n)[:, None], valid.shape)[valid]
    context_pos = clipped[valid]
    return ids[center_pos].astype(np.int32), ids[context_pos].astype(np.int32)

"""Which corpus a model was trained on, in a few bytes: how many of its words the corpus holds and
a hash of each vocabulary word's count. A trainer state stores it, so that resuming on another
corpus (which would silently train a different model) can be refused.

>>> fp = corpus_fingerprint(encoded, len(vocab))             # doctest: +SKIP
>>> mismatch(fp, corpus_fingerprint(other, len(vocab)))      # doctest: +SKIP
'12,040 words of the vocabulary where the state saw 12,041'

The counts are taken from the encoded corpus (not from the vocabulary, whose counts are lower
bounds when ``max_vocab_size`` pruned it), so the same text always gives the same fingerprint;
reordering sentences keeps it, changing a word changes it.
"""
from __future__ import annotations

import hashlib

import numpy as np

from w2v._memory import release_mapped
from w2v.errors import CorpusError

#: ids counted at a time
CHUNK_TOKENS = 1 << 20


def corpus_fingerprint(encoded, vocab_size: int) -> dict:
    """Fingerprint of an encoded corpus.

    Parameters
    ----------
    encoded : EncodedCorpus
        ``ids`` int32 (N,): the corpus as vocabulary ids.
    vocab_size : int
        V, the number of words the ids index.

    Returns
    -------
    dict
        ``{"words": N, "counts_sha256": hex digest of the int64 (V,) count of each id}``:
        JSON-ready.
    """
    ids = np.asarray(encoded.ids)
    counts = np.zeros(int(vocab_size), dtype=np.int64)
    # in chunks: bincount copies int32 ids to int64, which for the whole corpus would be the peak memory of a fit
    for start in range(0, ids.shape[0], CHUNK_TOKENS):
        counts += np.bincount(ids[start:start + CHUNK_TOKENS], minlength=int(vocab_size))
        release_mapped(encoded.ids, start, start + CHUNK_TOKENS)   # read once: not kept resident for training
    return counts_fingerprint(counts)


def counts_fingerprint(counts: np.ndarray) -> dict:
    """The fingerprint of a corpus from the count of each vocabulary id in it, int (V,) (what a
    distributed run sums over its workers' shares)."""
    counts = np.asarray(counts).astype("<i8")
    return {"words": int(counts.sum()), "counts_sha256": hashlib.sha256(counts.tobytes()).hexdigest()}


def mismatch(saved: dict | None, current: dict) -> str | None:
    """How ``current`` differs from ``saved``, or None when they agree (or nothing was saved).

    Parameters
    ----------
    saved : dict or None
        From a trainer state (None for states written before fingerprints were stored).
    current : dict
        Of the corpus given now.
    """
    if not isinstance(saved, dict):
        return None
    if saved.get("words") != current["words"]:
        seen = saved.get("words")
        seen = f"{seen:,}" if isinstance(seen, int) else repr(seen)
        return f"it holds {current['words']:,} words of the vocabulary where the state saw {seen}"
    if saved.get("counts_sha256") != current["counts_sha256"]:
        return "it holds as many words of the vocabulary, but with different counts"
    return None


def check_same_corpus(saved: dict | None, current: dict, name: str, force: bool = False) -> None:
    """Raise :class:`CorpusError` when a run resumed on the corpus called ``name`` would train on
    another corpus than the one it was trained on (unless ``force``).

    Parameters
    ----------
    saved, current : dict or None, dict
        As in :func:`mismatch`.
    name : str
        How the corpus is shown in the message (a quoted path, or "the corpus").
    force : bool
        Train on it anyway (``--force``): nothing is raised.
    """
    difference = mismatch(saved, current)
    if difference and not force:
        raise CorpusError(f"{name} is not the corpus this run was trained on ({difference}): give the same "
                          "corpus, or force it (--force) to train on this one anyway")

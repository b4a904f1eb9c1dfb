"""Saving and loading the full trainer state: one container file (:mod:`w2v.container`) holding
the weight matrices, the vocabulary and a JSON document of parameters and progress. No pickle;
written atomically.

>>> save_state("run.w2v.npz", arrays, meta)          # doctest: +SKIP
>>> arrays, meta = load_state("run.w2v.npz")

:func:`load_state` checks what every trainer state must hold: a JSON object with the version rule
of the container, every member plain numbers whose declared shape and size match the file, and the
header fields of progress with their types and ranges, each epoch record of the history and the
corpus fingerprint included.
What each array must hold for the compiled kernels is checked by the objects that use them;
:mod:`w2v.models.learned` assembles the contents from a Word2Vec and rebuilds one from them.
"""
from __future__ import annotations

import math
import os

import numpy as np

from w2v.container import Layout, open_container, write_container
from w2v.finite import first_non_finite

#: identifies a trainer-state file and its layout version
LAYOUT = Layout(format="w2v-trainer-state", version=1, what="trainer state", title="w2v trainer state",
                remedy="give a file written by Word2Vec.save_state or 'w2v train --save-state'",
                legacy_meta=("meta_json",))
FORMAT = LAYOUT.format
VERSION = LAYOUT.version


def save_state(path: str | os.PathLike, arrays: dict[str, np.ndarray], meta: dict) -> None:
    """Write ``arrays`` and the JSON-serialisable ``meta`` to ``path`` atomically.

    Parameters
    ----------
    path : str or PathLike
        Destination (its folder must exist). Nothing is appended: the name is used as given.
    arrays : dict of str to ndarray
        Numeric arrays only (no object dtype).
    meta : dict
        Parameters, words and progress; stored as UTF-8 JSON inside the archive.
    """
    write_container(path, LAYOUT, meta, arrays)


def load_state(path: str | os.PathLike) -> tuple[dict[str, np.ndarray], dict]:
    """Read a file written by :func:`save_state` (or by w2v before the shared container).

    Returns
    -------
    arrays : dict of str to ndarray
        Every member, in native byte order.
    meta : dict
        The JSON document, ``format`` and ``version`` included.

    Raises
    ------
    ModelFormatError
        If the file is missing, not a trainer state, or damaged (the message says what is wrong).
    """
    with open_container(path, LAYOUT) as box:
        _check_meta(box)
        for name in ("input_vectors", "counts"):
            box.require(box.has_member(name), f"member {name}.npy is missing")
        arrays = {name: box.array(name) for name in box.names}
        for name, array in arrays.items():
            # weights, probabilities and logs of probabilities: a NaN or infinity is damage
            if array.dtype.kind == "f":
                box.require(first_non_finite(array.reshape(-1)) < 0, f"member {name}.npy holds NaN or infinite values")
        if "input_vectors" in arrays:
            box.require(arrays["input_vectors"].dtype.kind == "f",
                        f"member input_vectors.npy has dtype {arrays['input_vectors'].dtype.str}, expected floats")
        words = box.meta.get("words")
        if words is not None and "input_vectors" in arrays:
            shape = arrays["input_vectors"].shape
            box.require(len(shape) == 2 and shape[0] == len(words),
                        f"member input_vectors.npy has shape {shape} for {len(words)} words")
        if words is not None and "counts" in arrays:
            box.require(arrays["counts"].shape == (len(words),) and arrays["counts"].dtype.kind in "iu",
                        f"member counts.npy must hold one integer per word ({len(words)}), "
                        f"has {arrays['counts'].dtype.str} {arrays['counts'].shape}")
            box.require(not np.any(arrays["counts"] < 0), "member counts.npy holds negative counts")
        return arrays, box.meta


def _check_meta(box) -> None:
    """Types and ranges of the header fields every trainer state holds."""
    if "params" in box.meta:
        box.meta_value("params", (dict,), "an object of parameters")
    if "words" in box.meta:
        box.meta_words("words")
    if "history" in box.meta:
        history = box.meta_value("history", (list,), "a list of epoch records")
        box.require(all(isinstance(r, dict) for r in history), "header field 'history' must hold objects")
        for number, record in enumerate(history, start=1):
            _check_record(box, number, record)
            box.require(record["epoch"] == number, f"header field 'history' entry {number}: 'epoch' must be "
                                                   f"{number}, got {record['epoch']}")
    for key, minimum in (("epochs_trained", 0), ("total_words", 0), ("calls", 0), ("min_count_effective", 1)):
        if key in box.meta:
            box.meta_int(key, minimum=minimum)
    if "history" in box.meta and "epochs_trained" in box.meta:
        # every finished epoch appends one record, so resume (which starts at epochs_trained) cannot
        # be past the history; it may be behind it: partial_fit counts its own call's epochs anew,
        # while the history keeps every call's records
        trained, records = box.meta["epochs_trained"], len(box.meta["history"])
        box.require(trained <= records, f"header field 'epochs_trained' is {trained} but header field "
                                        f"'history' holds {records} epoch record{'s' * (records != 1)}")
    # the epochs of the last training call when partial_fit was given its own count (resume finishes it)
    call_epochs = box.meta_value("call_epochs", (int, type(None)), "an integer or null", default=None)
    box.require(call_epochs is None or call_epochs >= 1, f"header field 'call_epochs' must be at least 1, "
                                                         f"got {call_epochs}")
    if call_epochs is not None and "epochs_trained" in box.meta:
        box.require(box.meta["epochs_trained"] <= call_epochs, f"header field 'epochs_trained' is "
                    f"{box.meta['epochs_trained']}, more than the {call_epochs} of header field 'call_epochs'")
    _check_corpus(box)


def _check_corpus(box) -> None:
    """The corpus fingerprint (:mod:`w2v.models.fingerprint`): null or absent in states written
    before it, else an object of a word count and a SHA-256 digest. Resuming compares it with the
    corpus given, so anything else would disable that check or garble its message."""
    fingerprint = box.meta_value("corpus", (dict, type(None)), "an object or null", default=None)
    if fingerprint is None:
        return
    words, digest = fingerprint.get("words"), fingerprint.get("counts_sha256")
    box.require(type(words) is int and words >= 0,
                f"header field 'corpus' must hold 'words', a count of at least 0, got {repr(words)[:40]}")
    box.require(isinstance(digest, str) and len(digest) == 64 and not digest.strip("0123456789abcdef"),
                f"header field 'corpus' must hold 'counts_sha256', 64 hexadecimal digits, got {repr(digest)[:40]}")


#: fields of a history record (what models/training.py, the distributed driver and
#: EvaluateEveryEpoch write): (required, smallest value, largest value, None allowed)
_RECORD_FIELDS = {
    "epoch": (True, 1, None, False), "loss": (True, None, None, False), "words_per_second": (True, 0, None, False),
    "loss_sum": (False, None, None, False), "examples": (False, 0, None, False), "words": (False, 0, None, False),
    "seconds": (False, 0, None, False), "alpha": (False, 0, None, False), "workers": (False, 0, None, False),
    "rounds": (False, 0, None, False), "bytes_exchanged": (False, 0, None, False),
    "analogy_accuracy": (False, 0, 1, True), "analogy_questions": (False, 0, None, True),
}


def _check_record(box, number: int, record: dict) -> None:
    """One epoch record of ``history``: the summary, the curves and a resumed run compute with its
    numbers, so each known field must be a finite number in its range (``epoch`` an integer)."""
    where = f"header field 'history' entry {number}"
    for key, (required, low, high, nullable) in _RECORD_FIELDS.items():
        if key not in record:
            box.require(not required, f"{where} has no {key!r}")
            continue
        value = record[key]
        if value is None and nullable:
            continue
        kinds = (int,) if key == "epoch" else (int, float)
        ok = isinstance(value, kinds) and not isinstance(value, bool) and math.isfinite(value)
        box.require(ok, f"{where}: {key!r} must be {'an integer' if key == 'epoch' else 'a finite number'}, "
                        f"got {repr(value)[:40]}")
        box.require((low is None or value >= low) and (high is None or value <= high),
                    f"{where}: {key!r} must be " + (f"from {low} to {high}" if high is not None else f"at least {low}")
                    + f", got {value}")


__all__ = ["save_state", "load_state", "FORMAT", "VERSION", "LAYOUT"]

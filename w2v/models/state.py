"""Saving and loading the full trainer state: one ``.npz`` file holding the weight matrices, the
vocabulary and a JSON document of parameters and progress. No pickle; written atomically.

>>> save_state("run.w2v.npz", arrays, meta)          # doctest: +SKIP
>>> arrays, meta = load_state("run.w2v.npz")
"""
from __future__ import annotations

import json
import os
import zipfile

import numpy as np

from w2v.errors import ModelFormatError
from w2v.fileio import atomic_write

#: identifies a trainer-state file and its layout version
FORMAT = "w2v-trainer-state"
VERSION = 1


def save_state(path: str | os.PathLike, arrays: dict[str, np.ndarray], meta: dict) -> None:
    """Write ``arrays`` and the JSON-serialisable ``meta`` to ``path`` atomically.

    Parameters
    ----------
    path : str or PathLike
        Destination (its folder must exist). numpy appends nothing: the name is used as given.
    arrays : dict of str to ndarray
        Numeric arrays only (no object dtype).
    meta : dict
        Parameters, words and progress; stored as UTF-8 JSON inside the archive.
    """
    doc = {"format": FORMAT, "version": VERSION, **meta}
    payload = dict(arrays)
    payload["meta_json"] = np.frombuffer(json.dumps(doc).encode("utf-8"), dtype=np.uint8)
    with atomic_write(path, "wb") as f:
        np.savez(f, **payload)


def load_state(path: str | os.PathLike) -> tuple[dict[str, np.ndarray], dict]:
    """Read a file written by :func:`save_state`.

    Returns
    -------
    arrays : dict of str to ndarray
    meta : dict

    Raises
    ------
    ModelFormatError
        If the file is missing, not a trainer state, or damaged.
    """
    if not os.path.isfile(path):
        raise ModelFormatError(f"trainer state {str(path)!r} does not exist: check the path")
    try:
        with np.load(path, allow_pickle=False) as archive:
            arrays = {k: archive[k] for k in archive.files}
        meta = json.loads(arrays.pop("meta_json").tobytes().decode("utf-8"))
    except (OSError, ValueError, KeyError, zipfile.BadZipFile, UnicodeDecodeError) as err:
        raise ModelFormatError(f"{str(path)!r} is not a readable w2v trainer state ({err}): "
                               "give a file written by Word2Vec.save_state or 'w2v train --save-state'") from None
    if meta.get("format") != FORMAT:
        raise ModelFormatError(f"{str(path)!r} is not a w2v trainer state file")
    if meta.get("version") != VERSION:
        raise ModelFormatError(f"{str(path)!r} has trainer-state version {meta.get('version')}, "
                               f"this w2v reads version {VERSION}: retrain or upgrade w2v")
    return arrays, meta

"""Native model files: one ``.npz`` (numpy arrays + a JSON header), never pickle.

>>> lm.save("brown3.lm")                      # doctest: +SKIP
>>> NgramLM.load("brown3.lm").perplexity(test)

Layout: ``meta`` is the UTF-8 JSON header as a ``uint8`` array (format name and version, order,
smoothing name, parameters and fitted values, ``min_count``, the vocabulary); then per order ``n``
``keys_n``, ``logprob_n``, ``logbow_n`` and, for add-k, ``logfloor_n``. The file is written through
:func:`w2v.fileio.atomic_write` and read with ``allow_pickle=False``. :func:`load_model` also accepts an
ARPA file, recognised by its first line.
"""
from __future__ import annotations

import json
import os
import zipfile

import numpy as np

from w2v.errors import ModelFormatError
from w2v.fileio import atomic_write, check_readable, decompression_errors, open_binary
from w2v.ngram.encoding import NgramVocab
from w2v.ngram.tables import BackoffTables

FORMAT = "w2v-ngram"
VERSION = 1


def save_model(lm, path: str | os.PathLike) -> None:
    """Write a fitted :class:`~w2v.ngram.model.NgramLM` to ``path`` (atomically).

    Parameters
    ----------
    lm : NgramLM
        A fitted model.
    path : str or PathLike
        Destination, used as given (no ``.npz`` is appended).
    """
    tables = lm.tables_
    smoothing = lm.smoothing_
    meta = {
        "format": FORMAT,
        "version": VERSION,
        "order": tables.order,
        "smoothing": smoothing.name,
        "params": smoothing.params(),
        "fitted": smoothing.fitted_,
        "min_count": int(lm.min_count),
        "train_tokens": int(getattr(lm, "train_tokens_", 0)),
        "tokenizer": getattr(lm, "tokenizer_", None),
        "words": lm.vocab_.words,
    }
    arrays = {"meta": np.frombuffer(json.dumps(meta).encode("utf-8"), dtype=np.uint8)}
    for n in range(1, tables.order + 1):
        arrays[f"keys_{n}"] = tables.keys[n - 1]
        arrays[f"logprob_{n}"] = tables.logprob[n - 1]
        arrays[f"logbow_{n}"] = tables.logbow[n - 1]
        if tables.logfloor is not None:
            arrays[f"logfloor_{n}"] = tables.logfloor[n - 1]
    with atomic_write(path, "wb") as f:
        np.savez(f, **arrays)


def load_model(path: str | os.PathLike):
    """Read a native model file or an ARPA file into a fitted ``NgramLM``.

    Parameters
    ----------
    path : str or PathLike
        A file written by :func:`save_model`, or an ARPA file (recognised by its ``\\data\\``
        line, compressed or not).

    Raises
    ------
    ModelFormatError
        The file is neither, or is truncated or inconsistent.
    """
    from w2v.ngram.model import from_tables

    p = check_readable(path, "language model")
    with decompression_errors(p, "language model", ModelFormatError), open_binary(p) as f:
        head = f.read(512)
    if head.lstrip().startswith(b"\\data\\"):
        from w2v.ngram.arpa import read_arpa

        return read_arpa(p)
    if not head.startswith(b"PK"):
        raise ModelFormatError(f"{str(p)!r} is neither a w2v n-gram model (.npz) nor an ARPA file")
    try:
        with np.load(p, allow_pickle=False) as data:
            meta = json.loads(bytes(data["meta"]).decode("utf-8"))
            if meta.get("format") != FORMAT:
                raise ModelFormatError(f"{str(p)!r} is not a w2v n-gram model (format {meta.get('format')!r})")
            if meta.get("version") != VERSION:
                raise ModelFormatError(f"{str(p)!r} has n-gram model version {meta.get('version')}, "
                                       f"this w2v reads version {VERSION}: retrain or upgrade")
            order = int(meta["order"])
            keys = [data[f"keys_{n}"] for n in range(1, order + 1)]
            logprob = [data[f"logprob_{n}"] for n in range(1, order + 1)]
            logbow = [data[f"logbow_{n}"] for n in range(1, order + 1)]
            logfloor = None
            if "logfloor_1" in data.files:
                logfloor = [data[f"logfloor_{n}"] for n in range(1, order + 1)]
    except ModelFormatError:
        raise
    except (KeyError, ValueError, OSError, zipfile.BadZipFile, json.JSONDecodeError, UnicodeDecodeError) as err:
        raise ModelFormatError(f"{str(p)!r} is a damaged n-gram model ({err}): save it again") from None
    vocab = NgramVocab(meta["words"])
    if keys[0].size != len(vocab) or any(k.size != lp.size for k, lp in zip(keys, logprob)):
        raise ModelFormatError(f"{str(p)!r} is inconsistent (table sizes do not match): save it again")
    tables = BackoffTables(keys, logprob, logbow, len(vocab), logfloor=logfloor)
    smoothing = _rebuild_smoothing(meta)
    lm = from_tables(vocab, tables, smoothing, int(meta["min_count"]), int(meta.get("train_tokens", 0)))
    lm.tokenizer_ = meta.get("tokenizer")
    return lm


def _rebuild_smoothing(meta: dict):
    from w2v.ngram.smoothing import make_smoothing

    try:
        smoothing = make_smoothing(meta["smoothing"], **(meta.get("params") or {}))
    except (ValueError, TypeError):
        return meta["smoothing"]
    smoothing.fitted_ = meta.get("fitted") or {}
    return smoothing

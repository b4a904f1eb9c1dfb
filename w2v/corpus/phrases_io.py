"""Phrase model files: one ``.npz`` of arrays plus a JSON header, read without pickle.

>>> save_tables("phrases.npz", params, tables, tokenizer="default")        # doctest: +SKIP
>>> params, passes, tokenizer = load_tables("phrases.npz")                    # doctest: +SKIP

Layout: ``meta`` is the UTF-8 JSON header (``format`` ``"w2v-phrases"``, ``version``, the
estimator's parameters, the tokenizer's name, per pass its threshold, token count, vocabulary size and pruning flag, and
``words``: every distinct first word, last word and connector run, the run's words joined by a
space); per pass ``p`` the int64 arrays ``first_p``, ``middle_p``, ``last_p`` (indices into
``words``), ``count_p`` and the float64 ``score_p``. Written through :func:`w2v.fileio.atomic_write`.
"""
from __future__ import annotations

import json
import zipfile

import numpy as np

from w2v.errors import ModelFormatError
from w2v.fileio import atomic_write, check_readable

FORMAT = "w2v-phrases"
VERSION = 1


def save_tables(path, params: dict, tables: list, tokenizer: str | None = None) -> None:
    """Write a fitted model's parameters and phrase tables (atomically).

    Parameters
    ----------
    path : str or PathLike
    params : dict
        JSON-ready constructor parameters (connector words as a sorted list).
    tables : list of PhraseTable
    tokenizer : str, optional
        Name of the tokenizer the phrases were learned with.
    """
    words: dict = {}
    arrays = {}
    passes = []
    for p, table in enumerate(tables):
        arrays[f"first_{p}"] = np.asarray([words.setdefault(x[0], len(words)) for x in table.parts], dtype=np.int64)
        arrays[f"last_{p}"] = np.asarray([words.setdefault(x[-1], len(words)) for x in table.parts], dtype=np.int64)
        arrays[f"middle_{p}"] = np.asarray([words.setdefault(" ".join(x[1:-1]), len(words)) for x in table.parts],
                                           dtype=np.int64)
        arrays[f"count_{p}"] = np.asarray(table.counts, dtype=np.int64)
        arrays[f"score_{p}"] = np.asarray(table.scores, dtype=np.float64)
        passes.append({"threshold": table.threshold, "total_words": table.total_words,
                       "vocabulary_size": table.vocabulary_size, "pruned": table.pruned})
    meta = {"format": FORMAT, "version": VERSION, "params": params, "tokenizer": tokenizer, "passes": passes,
            "words": list(words)}
    arrays["meta"] = np.frombuffer(json.dumps(meta).encode("utf-8"), dtype=np.uint8)
    with atomic_write(path, "wb") as f:
        np.savez(f, **arrays)


def load_tables(path):
    """Read a file written by :func:`save_tables`.

    Returns
    -------
    params : dict
    passes : list of dict
        Per pass: ``parts`` (list of tuple of str), ``counts``, ``scores`` and the header fields.
    tokenizer : str or None

    Raises
    ------
    ModelFormatError
        Missing, not a phrase model, another version, or damaged.
    """
    p = check_readable(path, "phrase model", ModelFormatError)
    name = repr(str(p))
    try:
        with np.load(p, allow_pickle=False) as data:
            meta = json.loads(bytes(data["meta"]).decode("utf-8"))
            if not isinstance(meta, dict) or meta.get("format") != FORMAT:
                raise ModelFormatError(f"{name} is not a w2v phrase model")
            if meta.get("version") != VERSION:
                raise ModelFormatError(f"{name} has phrase model version {meta.get('version')}, this w2v "
                                       f"reads version {VERSION}: learn the phrases again")
            words = meta["words"]
            passes = []
            for n, info in enumerate(meta["passes"]):
                first, middle, last = (data[f"{k}_{n}"] for k in ("first", "middle", "last"))
                counts, scores = data[f"count_{n}"], data[f"score_{n}"]
                if not len(first) == len(last) == len(middle) == len(counts) == len(scores):
                    raise ValueError("table sizes do not match")
                parts = [(words[a],) + tuple(words[m].split()) + (words[b],)
                         for a, m, b in zip(first.tolist(), middle.tolist(), last.tolist())]
                passes.append({"parts": parts, "counts": counts.astype(np.int64), "scores": scores.astype(np.float64),
                               "threshold": float(info["threshold"]), "total_words": int(info["total_words"]),
                               "vocabulary_size": int(info["vocabulary_size"]), "pruned": bool(info["pruned"])})
            tokenizer = meta.get("tokenizer")
            return dict(meta["params"]), passes, tokenizer if isinstance(tokenizer, str) else None
    except ModelFormatError:
        raise
    except (KeyError, IndexError, TypeError, ValueError, OSError, zipfile.BadZipFile,
            json.JSONDecodeError, UnicodeDecodeError) as err:
        raise ModelFormatError(f"{name} is not a readable w2v phrase model ({err}): save it again") from None

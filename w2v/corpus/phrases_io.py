"""Phrase model files: the shared container (:mod:`w2v.container`) of arrays plus a JSON header.

>>> save_tables("phrases.npz", params, tables, tokenizer="default")       # doctest: +SKIP
>>> params, passes, tokenizer = load_tables("phrases.npz")                 # doctest: +SKIP

Layout ``w2v-phrases`` version 1. The JSON header holds the estimator's parameters (``params``,
connector words as a sorted list), the tokenizer's name, per pass its threshold, token count,
vocabulary size and pruning flag (``passes``), and ``words``: every distinct first word, last word
and connector run of the tables (a run's words joined by a space). Per pass ``p`` the members
``first_p``, ``middle_p``, ``last_p`` (int64 indices into ``words``), ``count_p`` (int64) and
``score_p`` (float64), all of one length. Written atomically, read without pickle, every field and
member checked (a damaged file is one :class:`~w2v.errors.ModelFormatError` line).
"""
from __future__ import annotations

import numpy as np

from w2v.container import Layout, open_container, write_container
from w2v.corpus.tokenize import TOKENIZER_NAMES

LAYOUT = Layout(format="w2v-phrases", version=1, what="phrase model", title="w2v phrase model",
                remedy="learn the phrases again (w2v phrases --save-model)")


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
        arrays[f"middle_{p}"] = np.asarray([words.setdefault(" ".join(x[1:-1]), len(words)) for x in table.parts],
                                           dtype=np.int64)
        arrays[f"last_{p}"] = np.asarray([words.setdefault(x[-1], len(words)) for x in table.parts], dtype=np.int64)
        arrays[f"count_{p}"] = np.asarray(table.counts, dtype=np.int64)
        arrays[f"score_{p}"] = np.asarray(table.scores, dtype=np.float64)
        passes.append({"threshold": table.threshold, "total_words": table.total_words,
                       "vocabulary_size": table.vocabulary_size, "pruned": table.pruned})
    meta = {"params": params, "tokenizer": tokenizer, "passes": passes, "words": list(words)}
    write_container(path, LAYOUT, meta, arrays)


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
        Missing, not a phrase model, a newer version or tokenizer, or damaged.
    """
    with open_container(path, LAYOUT) as box:
        params = box.meta_value("params", (dict,), "an object")
        # a name this w2v does not know: a newer one's tokens, which no text read here would match
        tokenizer = box.meta_name("tokenizer", TOKENIZER_NAMES, "the tokenizer", default=None)
        words = box.meta_words("words")
        infos = box.meta_value("passes", (list,), "a list of passes")
        box.require(len(infos) * 5 <= len(box.names),
                    f"header field 'passes' lists {len(infos)} passes but the file holds {len(box.names)} members")
        passes = []
        for p, info in enumerate(infos):
            box.require(isinstance(info, dict), f"pass {p} of header field 'passes' is not an object")
            columns = {k: box.array(f"{k}_{p}", kinds="i", shape=(None,)) for k in ("first", "middle", "last", "count")}
            scores = box.array(f"score_{p}", kinds="f", shape=(None,))
            n = scores.shape[0]
            box.require(all(c.shape[0] == n for c in columns.values()), f"the members of pass {p} differ in length")
            for k in ("first", "middle", "last"):
                c = columns[k]
                box.require(n == 0 or (c.min() >= 0 and c.max() < len(words)),
                            f"member {k}_{p} points outside header field 'words'")
            parts = [(words[a],) + tuple(words[m].split()) + (words[b],)
                     for a, m, b in zip(columns["first"].tolist(), columns["middle"].tolist(), columns["last"].tolist())]
            passes.append({"parts": parts, "counts": columns["count"].astype(np.int64),
                           "scores": scores.astype(np.float64),
                           "threshold": _field(box, info, p, "threshold", (int, float), "a number"),
                           "total_words": _field(box, info, p, "total_words", (int,), "an integer"),
                           "vocabulary_size": _field(box, info, p, "vocabulary_size", (int,), "an integer"),
                           "pruned": _field(box, info, p, "pruned", (bool,), "true or false")})
    return dict(params), passes, tokenizer


def _field(box, info: dict, p: int, key: str, types: tuple, described: str):
    value = info.get(key)
    ok = isinstance(value, types) and (bool in types or not isinstance(value, bool))
    box.require(ok, f"field {key!r} of pass {p} must be {described}, got {str(value)[:40]}")
    return value

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

What the reader accepts is what a save can write, and no more: at least one pass; a finite
threshold and a token count and vocabulary size from 0 to 2 ** 63 - 1 per pass; counts of at least
1 and finite scores; no phrase listed twice in a pass; and phrase words that are tokens of a text:
never empty and without ASCII white space (every tokenizer cuts there; the whitespace tokenizer
cuts nowhere else, so a no-break space, U+3000 or a NUL may be part of a word). A connector run is
its words joined by one space. :func:`save_tables` refuses a model whose words the reader would
refuse (one fitted on token lists holding such tokens), before anything is written.
"""
from __future__ import annotations

import math
import re
from itertools import chain

import numpy as np

from w2v.container import Layout, open_container, write_container
from w2v.corpus.tokenize import TOKENIZER_NAMES
from w2v.errors import ModelFormatError

LAYOUT = Layout(format="w2v-phrases", version=1, what="phrase model", title="w2v phrase model",
                remedy="learn the phrases again (w2v phrases --save-model)")
#: where every tokenizer cuts a text: no token holds one of these (the whitespace tokenizer cuts at
#: these only, as bytes.split() and word2vec.c do)
TOKEN_BREAKS = " \t\n\r\x0b\x0c"
_TOKEN_BREAK = re.compile(f"[{re.escape(TOKEN_BREAKS)}]")
#: the largest token count or vocabulary size a pass reports (they are counted in int64)
_MAX_INT = 2 ** 63 - 1


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

    Raises
    ------
    ModelFormatError
        A phrase has a word that is empty or holds ASCII white space (:func:`load_tables` would
        refuse the file); nothing is written.
    """
    for table in tables:
        bad = _non_token(w for parts in table.parts for w in parts)
        if bad is not None:
            phrase = next(parts for parts in table.parts if bad in parts)
            raise ModelFormatError(f"cannot save the phrase model to {str(path)!r}: the phrase {phrase!r} has the "
                                   f"word {bad!r}, which is empty or holds white space; a phrase model is applied "
                                   "to text, whose tokens are never empty and hold no white space: fit it on "
                                   "token lists without such tokens")
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
        box.require(infos, "header field 'passes' lists no pass (a saved model has one at least)")
        box.require(len(infos) * 5 <= len(box.names),
                    f"header field 'passes' lists {len(infos)} passes but the file holds {len(box.names)} members")
        passes = []
        for p, info in enumerate(infos):
            box.require(isinstance(info, dict), f"pass {p} of header field 'passes' is not an object")
            columns = {k: box.array(f"{k}_{p}", kinds="i", shape=(None,)) for k in ("first", "middle", "last", "count")}
            scores = box.array(f"score_{p}", kinds="f", shape=(None,)).astype(np.float64)
            n = scores.shape[0]
            box.require(all(c.shape[0] == n for c in columns.values()), f"the members of pass {p} differ in length")
            for k in ("first", "middle", "last"):
                c = columns[k]
                box.require(n == 0 or (c.min() >= 0 and c.max() < len(words)),
                            f"member {k}_{p} points outside header field 'words'")
            counts = columns["count"].astype(np.int64)
            box.require(n == 0 or counts.min() >= 1,
                        f"member count_{p}.npy holds a count below 1 ({counts.min() if n else 0}): a phrase was "
                        "counted at least once")
            box.require(np.isfinite(scores).all(), f"member score_{p}.npy holds a NaN or infinite score "
                        "(a phrase's score is above a finite threshold)")
            # a connector run is its words joined by one space (str.split() would also cut at a
            # no-break space, and accept runs no save writes)
            runs = {m: tuple(words[m].split(" ")) if words[m] else () for m in set(columns["middle"].tolist())}
            ends = {i: words[i] for i in set(columns["first"].tolist()) | set(columns["last"].tolist())}
            bad = _non_token(chain(ends.values(), chain.from_iterable(runs.values())))
            box.require(bad is None, f"pass {p} holds a phrase with the word {bad!r}, which is empty or holds "
                        "white space (no token of a text is empty or holds any)")
            parts = [(ends[a],) + runs[m] + (ends[b],)
                     for a, m, b in zip(columns["first"].tolist(), columns["middle"].tolist(), columns["last"].tolist())]
            if len(set(parts)) != len(parts):
                seen: set = set()
                twice = next(x for x in parts if x in seen or seen.add(x))
                raise box.error(f"pass {p} lists the phrase {' '.join(twice)!r} twice")
            passes.append({"parts": parts, "counts": counts, "scores": scores,
                           "threshold": float(_field(box, info, p, "threshold", (int, float), "a finite number",
                                                     _finite)),
                           "total_words": _count_field(box, info, p, "total_words"),
                           "vocabulary_size": _count_field(box, info, p, "vocabulary_size"),
                           "pruned": _field(box, info, p, "pruned", (bool,), "true or false")})
    return dict(params), passes, tokenizer


def _non_token(words) -> str | None:
    """The first of ``words`` (an iterable of str) that no tokenizer makes from a text (an empty
    word, or one holding a character of :data:`TOKEN_BREAKS`), or ``None`` when there is none."""
    words = list(words)
    if all(words) and not _TOKEN_BREAK.search("".join(words)):  # the usual case: one pass in C
        return None
    return next(w for w in words if not w or _TOKEN_BREAK.search(w))


def _field(box, info: dict, p: int, key: str, types: tuple, described: str, valid=None):
    value = info.get(key)
    ok = isinstance(value, types) and (bool in types or not isinstance(value, bool))
    box.require(ok and (valid is None or valid(value)),
                f"field {key!r} of pass {p} must be {described}, got {str(value)[:40]}")
    return value


def _finite(value) -> bool:
    """Whether the JSON number ``value`` is a finite float (10 ** 400, an integer, is not one)."""
    try:
        return math.isfinite(float(value))
    except OverflowError:
        return False


def _count_field(box, info: dict, p: int, key: str) -> int:
    return _field(box, info, p, key, (int,), f"an integer from 0 to {_MAX_INT:,}", lambda v: 0 <= v <= _MAX_INT)

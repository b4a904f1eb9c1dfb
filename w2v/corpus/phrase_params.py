"""Checking the parameters of :class:`w2v.corpus.phrases.Phrases`: types, bounds, and one threshold
per pass, before any text is read.

>>> thresholds, connectors = checked(Phrases(threshold=[10, 5]))     # doctest: +SKIP
([10.0, 5.0], ())
"""
from __future__ import annotations

import numpy as np

from w2v.corpus.phrase_scoring import DEFAULT_THRESHOLDS, SCORERS
from w2v.errors import ParameterError

#: gensim 4's ``ENGLISH_CONNECTOR_WORDS``: words that may sit inside a phrase without being scored
ENGLISH_CONNECTOR_WORDS = frozenset("a an the for of with without at from to in on by and or".split())
#: more passes than any phrase length worth joining (each pass joins pairs into longer phrases)
MAX_PASSES = 1_000
#: counting threads, as for training (``w2v.models.params.BOUNDS["workers"]``)
MAX_WORKERS = 1_024
#: the largest integer parameter: what int64 holds (as the CLI's ``positive_int``)
_MAX_INT = 2 ** 63 - 1


def checked(p) -> tuple[list[float], tuple[str, ...]]:
    """The thresholds, one per pass, and the sorted connector words of the phrase model ``p``.

    Parameters
    ----------
    p : Phrases
        Its constructor parameters are read.

    Raises
    ------
    ParameterError
        Naming the first invalid parameter.
    """
    def bad(name, what):
        raise ParameterError(f"{name}={getattr(p, name)!r} is invalid: {what}")

    # counting and scoring are compiled over int64: a larger integer would overflow there
    for name in ("min_count", "passes", "max_vocab_size", "workers", "max_sentence_length"):
        value = getattr(p, name)
        if _is_int(value) and value > _MAX_INT:
            bad(name, f"must be at most {_MAX_INT:,}")
    # far more passes or threads than any use only exhaust memory (a list per pass, per thread)
    for name, high in (("passes", MAX_PASSES), ("workers", MAX_WORKERS)):
        value = getattr(p, name)
        if _is_int(value) and value > high:
            bad(name, f"must be at most {high:,}")

    if p.scoring not in SCORERS:
        bad("scoring", f"choose one of {', '.join(SCORERS)}")
    if not _is_int(p.min_count) or p.min_count < 1:
        bad("min_count", "must be a whole number >= 1")
    if p.passes is not None and (not _is_int(p.passes) or p.passes < 1):
        bad("passes", "must be a whole number >= 1")
    given = p.threshold
    if given is None:
        values = [DEFAULT_THRESHOLDS[p.scoring]]
    elif isinstance(given, (int, float, np.integer, np.floating)) and not isinstance(given, bool):
        values = [_float(given)]
    elif isinstance(given, (list, tuple, np.ndarray)) and len(given) > 0:
        values = list(given)
        if not all(isinstance(v, (int, float, np.integer, np.floating)) and not isinstance(v, bool)
                   for v in values):
            bad("threshold", "must be a number or a list of numbers")
        values = [_float(v) for v in values]
    else:
        bad("threshold", "must be a number or a non-empty list of numbers, one per pass")
    passes = p.passes if p.passes is not None else len(values)
    if len(values) == 1:
        values = values * passes
    elif len(values) != passes:
        raise ParameterError(f"passes={passes} but {len(values)} thresholds were given: give one "
                             "threshold per pass, or one for all passes")
    for v in values:
        if not np.isfinite(v):
            bad("threshold", "must be finite")
        if p.scoring == "npmi" and not -1 <= v <= 1:
            bad("threshold", "npmi scores lie in [-1, 1]: give a threshold in that range (e.g. 0.5)")
        if p.scoring == "word2phrase" and v < 0:
            bad("threshold", "must be >= 0 for word2phrase (word2vec.c would join every pair)")
    if not isinstance(p.delimiter, str) or not p.delimiter or any(c.isspace() for c in p.delimiter):
        bad("delimiter", "must be a non-empty string without white space")
    if p.max_vocab_size is not None and (not _is_int(p.max_vocab_size) or p.max_vocab_size < 1):
        bad("max_vocab_size", "must be a whole number >= 1 (or None: no bound)")
    if p.workers is not None and (not _is_int(p.workers) or p.workers < 1):
        bad("workers", "must be a whole number >= 1")
    if not _is_int(p.max_sentence_length) or p.max_sentence_length < 1:
        bad("max_sentence_length", "must be a whole number >= 1")
    connectors = p.connector_words
    if connectors is None:
        connectors = ()
    elif isinstance(connectors, str):
        if connectors != "english":
            bad("connector_words", "give a collection of words or \"english\"")
        connectors = ENGLISH_CONNECTOR_WORDS
    elif not all(isinstance(w, str) and w and not any(c.isspace() for c in w) for w in connectors):
        bad("connector_words", "must be words (non-empty strings without white space)")
    return values, tuple(sorted(set(connectors)))


def plain(value):
    """``value`` with numpy numbers made Python numbers (an array or a list of them a list).

    Anything else is returned as the same object: scikit-learn's ``clone`` checks that the
    constructor keeps its parameters as given.
    """
    if isinstance(value, (np.integer, np.floating, np.bool_)):
        return value.item()
    if isinstance(value, np.ndarray):
        return value.tolist()
    if isinstance(value, (list, tuple)) and any(isinstance(v, (np.generic, np.ndarray)) for v in value):
        return [plain(v) for v in value]
    return value


def _float(value) -> float:
    """``value`` as a float; an integer beyond the float range (10 ** 400) is infinite, not an
    OverflowError (it is then refused as not finite)."""
    try:
        return float(value)
    except OverflowError:
        return float("inf") if value > 0 else float("-inf")


def _is_int(value) -> bool:
    return isinstance(value, (int, np.integer)) and not isinstance(value, bool)

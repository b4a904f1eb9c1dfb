"""Exceptions a user can act on.

Every error that comes from bad input (a missing file, an empty corpus, a corrupt model, an unknown
word, a diverging learning rate) is a :class:`W2VError` whose message is one line saying what went
wrong and what to do next. The CLI prints that line and exits with ``exit_code``; anything else is a
bug and keeps its traceback.

>>> raise CorpusError("corpus.txt is empty: give a file with at least one word")
Traceback (most recent call last):
...
w2v.errors.CorpusError: corpus.txt is empty: give a file with at least one word
"""
from __future__ import annotations


class W2VError(Exception):
    """Base class of user-facing errors; ``str(err)`` is the one-line message."""

    #: exit status the CLI uses for this error (2: bad input or usage, 1: runtime failure)
    exit_code = 2


class CorpusError(W2VError):
    """A corpus could not be read or holds nothing usable (missing, empty, nothing above min_count)."""


class ModelFormatError(W2VError):
    """A model or vector file is missing, truncated, malformed or of an unknown format."""


class UnknownWordError(W2VError, KeyError):
    """A queried word is not in the vocabulary.

    Subclasses :class:`KeyError` so ``except KeyError`` keeps working, but prints as a sentence
    (``KeyError`` alone would print the repr of its argument).

    Parameters
    ----------
    word : str
        The word that was asked for.
    suggestions : sequence of str, optional
        Close spellings from the vocabulary, best first.
    """

    def __init__(self, word: str, suggestions=()):
        self.word = word
        self.suggestions = list(suggestions)
        msg = f"word {word!r} is not in the vocabulary"
        if self.suggestions:
            msg += "; did you mean " + ", ".join(repr(s) for s in self.suggestions) + "?"
        super().__init__(msg)

    def __str__(self) -> str:
        return self.args[0]


class OutputError(W2VError):
    """A result could not be written (folder not writable, disk full)."""

    exit_code = 1


class TrainingDiverged(W2VError):
    """Training produced a non-finite loss or weights; nothing was written."""

    exit_code = 1


class TrainingFailed(W2VError):
    """Training stopped because a worker thread failed (e.g. out of memory); nothing was written."""

    exit_code = 1

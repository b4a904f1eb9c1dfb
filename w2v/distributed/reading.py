"""What the workers of a distributed run read: a corpus at a path every worker sees.

>>> source = corpus_source("corpus.txt", model)      # path, tokenizer, max sentence length, phrases
>>> check_workers_can_read("-")                      # ParameterError: only this process reads it
"""
from __future__ import annotations

import dataclasses
import os

from w2v.corpus.sources import is_stream


@dataclasses.dataclass(frozen=True)
class CorpusSource:
    """What the workers need to read the corpus: where it is and how to tokenize it."""

    path: str                     # a path every worker sees, or an fsspec URL
    tokenizer: object
    max_length: int               # max_sentence_length
    phrases: object = None        # a fitted Phrases joined while reading (w2v.corpus.PhrasedCorpus)


def check_workers_can_read(corpus) -> None:
    """Raise a one-line :class:`ParameterError` if ``corpus`` is a path only this process can read.

    That is ``-`` (standard input) and any pipe or device: ``/dev/stdin``, a named pipe, a shell's
    ``<(...)`` (``/dev/fd/N``). One process reads them as a stream; a worker, even one on this
    machine, would find another process's pipe (or none) there and read an empty corpus or a
    missing one. :func:`~w2v.distributed.fit_distributed` checks this; the CLI calls it before
    starting a cluster.

    Parameters
    ----------
    corpus : str, PathLike or corpus object
        What was given to train on (anything but a path passes).
    """
    if isinstance(corpus, (str, os.PathLike)) and is_stream(corpus):
        path = os.fspath(corpus)
        what = "standard input" if path == "-" else f"{path!r}, a pipe or device"
        raise _refusal(f"{what}, which only this process reads")


def _refusal(what: str):
    """The error for a corpus the workers cannot read: ``what`` says what it is."""
    from w2v.errors import ParameterError

    return ParameterError(f"distributed training reads files where the workers are: give a file or folder "
                          f"path that every worker sees (or an fsspec URL), not {what}")


def corpus_source(corpus, model) -> CorpusSource:
    """Where and how the workers read ``corpus``: a path (with ``model``'s tokenizer), a file
    corpus (a LineCorpus, Text8Corpus or FolderCorpus, with its own), or either seen through
    phrases (a PhrasedCorpus); anything else, and a path only this process reads, is refused
    with a one-line :class:`ParameterError`."""
    from w2v.corpus import readers
    from w2v.corpus.phrase_join import PhrasedCorpus

    phrases, max_length = None, 10000
    if isinstance(corpus, PhrasedCorpus):
        phrases, corpus = corpus.phrases, corpus.source
        max_length = phrases.max_sentence_length
    check_workers_can_read(corpus)
    if isinstance(corpus, (str, os.PathLike)):
        return CorpusSource(os.fspath(corpus), model._make_tokenizer(), max_length, phrases)
    if isinstance(corpus, (readers.LineCorpus, readers.Text8Corpus, readers.FolderCorpus)):
        return CorpusSource(os.fspath(corpus.path), corpus.tokenizer, corpus.max_sentence_length, phrases)
    raise _refusal(f"a {type(corpus).__name__}")

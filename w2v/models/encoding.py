"""Encoding a corpus for training into memory-mapped temporary files, so that the trainer's memory
stays O(V x dim) whatever the corpus length.

>>> encoded = encode_to_disk(vocab, open_corpus("big-corpus.txt"))    # doctest: +SKIP
>>> len(encoded), encoded.n_sentences

A thin front to the corpus pipeline (:func:`w2v.corpus.pipeline.encode_with_vocabulary`), the one
encoder of the package: the ids and offsets live in nameless temporary files in the temporary
folder (``TMPDIR``), memory-mapped; the files have no name (they are unlinked on creation), so
nothing is left behind even if the process is killed, and the operating system pages them in and
out as training walks through the corpus.
"""
from __future__ import annotations

from w2v.corpus import EncodedCorpus


def encode_to_disk(vocab, corpus, max_sentence_length: int = 10000, workers: int = 1,
                   progress: bool = False, engine: str = "auto", rewrite=None) -> EncodedCorpus:
    """Encode ``corpus`` with ``vocab`` into memory-mapped int32 ids and int64 sentence offsets.

    Parameters
    ----------
    vocab : Vocabulary
    corpus : path, corpus object or list of list of str
        Anything :func:`w2v.corpus.open_corpus` accepts.
    max_sentence_length : int
        Longer sentences (after dropping out-of-vocabulary tokens) are cut into pieces.
    workers : int, default 1
        Threads that read and tokenize files.
    progress : bool, default False
        A progress bar on stderr while files are read.
    engine : {"auto", "compiled", "python"}
        Which path reads a file corpus (:func:`w2v.corpus.scan.choose_engine`).
    rewrite : callable, optional
        ``rewrite(scan) -> scan`` before encoding, e.g. a fitted :class:`~w2v.corpus.Phrases`'s
        ``rewrite_scan`` (:mod:`w2v.corpus.pipeline`).

    Returns
    -------
    EncodedCorpus
        ``ids`` int32 (N,) and ``offsets`` int64 (S + 1,), both memory maps (private to this process). Out-of-
        vocabulary tokens and empty sentences are dropped.
    """
    from w2v.corpus.pipeline import encode_with_vocabulary

    return encode_with_vocabulary(corpus, vocab, workers=workers, max_sentence_length=max_sentence_length,
                                  progress=progress, engine=engine, rewrite=rewrite)

"""Encoding a corpus for training into memory-mapped temporary files, so that the trainer's memory
stays O(V x dim) whatever the corpus length; and the encodings a :class:`~w2v.models.word2vec.Word2Vec`
asks for, read with its tokenizer, threads and progress bar.

>>> encoded = encode_to_disk(vocab, open_corpus("big-corpus.txt"))    # doctest: +SKIP
>>> vocab, encoded = count_and_encode(Word2Vec(min_count=1), "corpus.txt")  # doctest: +SKIP
>>> len(encoded), encoded.n_sentences

:func:`encode_to_disk` is a thin front to the corpus pipeline
(:func:`w2v.corpus.pipeline.encode_with_vocabulary`), the one encoder of the package: the ids and
offsets live in nameless temporary files in the temporary folder (``TMPDIR``), memory-mapped; the
files have no name (they are unlinked on creation), so nothing is left behind even if the process is
killed, and the operating system pages them in and out as training walks through the corpus.

The model's training calls each need the corpus encoded their own way: ``fit`` counts and encodes
it in one pass (:func:`count_and_encode`) or encodes it with a vocabulary given to it
(:func:`given_vocabulary`, :func:`encode`); ``partial_fit`` encodes it with the fitted vocabulary
(:func:`encode`); ``resume`` encodes it as the interrupted call did (:func:`encode_as_fitted`).
"""
from __future__ import annotations

import numpy as np

from w2v.corpus import EncodedCorpus
from w2v.errors import CorpusError


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


def count_and_encode(model, corpus) -> tuple:
    """Count the vocabulary of ``corpus`` and encode it, in one pass
    (:func:`w2v.corpus.pipeline.build_and_encode`), as ``model.fit`` does without a vocabulary.

    Parameters
    ----------
    model : Word2Vec
        Gives the tokenizer, ``min_count``, ``max_vocab_size``, the threads and the progress bar.
    corpus : path, corpus object or list of list of str
        Anything :func:`w2v.corpus.open_corpus` accepts, or a corpus seen through phrases.

    Returns
    -------
    vocab : Vocabulary
    encoded : EncodedCorpus
        ``ids`` int32 (N,) and ``offsets`` int64 (S + 1,).
    """
    from w2v.corpus import open_corpus
    from w2v.corpus.pipeline import build_and_encode

    # a corpus seen through phrases (w2v.corpus.phrases.PhrasedCorpus) is scanned as its source and its
    # phrases are joined on the provisional ids (stage 2 of the pipeline)
    rewrite = getattr(corpus, "rewrite_scan", None)
    source = open_corpus(corpus if rewrite is None else corpus.source, tokenizer=model._make_tokenizer())
    return build_and_encode(source, min_count=model.effective_min_count, max_vocab_size=model.max_vocab_size,
                            workers=model.effective_workers, progress=bool(model.progress), rewrite=rewrite)


def encode(model, corpus, vocab=None) -> EncodedCorpus:
    """``corpus`` encoded with ``vocab``, or with the model's fitted ``vocab_`` when it is None.

    A corpus seen through phrases is read here as the phrased token lists it yields.

    Parameters
    ----------
    model : Word2Vec
        Gives the tokenizer, the threads, the progress bar and (``vocab`` None) the vocabulary.
    corpus : path, corpus object or list of list of str
    vocab : Vocabulary, optional
        A vocabulary given to ``fit`` (see :func:`given_vocabulary`).

    Returns
    -------
    EncodedCorpus
        ``ids`` int32 (N,) and ``offsets`` int64 (S + 1,).

    Raises
    ------
    CorpusError
        No word of the corpus is in the vocabulary: there would be nothing to train on.
    """
    from w2v.corpus import open_corpus

    whose = "the model's vocabulary" if vocab is None else "the given vocabulary"
    encoded = encode_to_disk(model.vocab_ if vocab is None else vocab,
                             open_corpus(corpus, tokenizer=model._make_tokenizer()),
                             workers=model.effective_workers, progress=bool(model.progress))
    if len(encoded) == 0:
        raise CorpusError(f"no word of the corpus is in {whose}: nothing to train on")
    return encoded


def encode_as_fitted(model, corpus) -> EncodedCorpus:
    """``corpus`` encoded as the model's ``fit`` encoded it, for ``resume``.

    Counting under ``max_vocab_size`` drops the occurrences a word had before it was pruned, also
    when the word comes back and is kept, which encoding with the vocabulary alone would keep:
    a pruned vocabulary is counted again, and that encoding is used when it gives the same words.

    Parameters
    ----------
    model : Word2Vec
        A fitted model.
    corpus : path, corpus object or list of list of str

    Returns
    -------
    EncodedCorpus
        ``ids`` int32 (N,) and ``offsets`` int64 (S + 1,).
    """
    if model.vocab_.pruned and model.max_vocab_size is not None:
        vocab, encoded = count_and_encode(model, corpus)
        if vocab.words == model.vocab_.words:
            return encoded
    return encode(model, corpus)


def given_vocabulary(model, vocabulary):
    """``vocabulary`` (or the file it names) without its words below the model's ``min_count``, and
    without word2vec.c's sentence end ``</s>``.

    ``</s>`` is the first line of word2vec.c's vocabulary files, counting its line ends: a sentence
    break there, never trained nor drawn as a noise word; no text here holds it, so as a word it
    would take a large share of the noise for a vector nothing trains.

    Parameters
    ----------
    model : Word2Vec
        Gives ``min_count``.
    vocabulary : Vocabulary or path
        A :class:`w2v.corpus.Vocabulary`, or a file :meth:`~w2v.corpus.Vocabulary.load` reads.

    Returns
    -------
    Vocabulary
        The words kept, in their order, with their counts.

    Raises
    ------
    CorpusError
        No word is counted ``min_count`` times or more.
    """
    from w2v.corpus import Vocabulary

    if not isinstance(vocabulary, Vocabulary):
        vocabulary = Vocabulary.load(vocabulary)
    words = np.asarray(vocabulary.words, dtype=object)
    keep = (vocabulary.counts >= model.effective_min_count) & (words != "</s>")
    if not keep.any():
        raise CorpusError(f"no word of the given vocabulary is counted min_count={model.min_count} times or more")
    return Vocabulary([w for w, k in zip(vocabulary.words, keep.tolist()) if k], vocabulary.counts[keep],
                      total_words=vocabulary.total_words,
                      min_count=max(model.effective_min_count, vocabulary.min_count),
                      pruned=vocabulary.pruned)

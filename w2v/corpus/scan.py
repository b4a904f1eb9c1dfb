"""Stage 1 of the corpus pipeline: one pass from a corpus to provisional word ids and counts.

>>> scan = scan_corpus("corpus.txt", workers=2)             # doctest: +SKIP
>>> scan.total_tokens, len(scan.words), scan.words.word(0)   # doctest: +SKIP
(5620343, 161529, 'the')

The pipeline (:func:`w2v.corpus.pipeline.build_and_encode` runs it) has three separable stages:

1. :func:`scan_corpus` (this module): the text is read once; every token gets a *provisional* id,
   the order in which words are first seen (the first word of the corpus is 0), and the ids go
   to a nameless temporary file while the counts accumulate. The result, a :class:`ScanResult`,
   holds the id stream, the sentence offsets, the provisional word table, the counts, the number
   of tokens and of undecodable bytes.
2. optional rewrites of the provisional id stream (e.g. joining phrases): any function from a
   :class:`ScanResult` to a new one (see :func:`w2v.corpus.pipeline.build_and_encode`);
3. :func:`w2v.corpus.pipeline.finalize_vocabulary` (``min_count``, ``max_final_vocab``, sort) and
   :func:`w2v.corpus.pipeline.remap_to_vocabulary` (one vectorised pass from provisional to final
   ids that drops out-of-vocabulary tokens).

Files and folders are scanned by compiled code on ``workers`` threads (:mod:`w2v.corpus.file_scan`);
the result does not depend on the number of workers. In-memory lists of token lists, any
other iterable corpus take the Python path (:func:`_scan_sentences`), which produces the same
:class:`ScanResult`; so does ``max_vocab_size`` pruning on either path (compiled, it scans on one
thread: the rule follows the text sentence by sentence). Small files take the Python path too,
because it is faster for them (see :func:`choose_engine`): the compiled scan pays for loading its kernels (about
0.35 s) and, the first time ever, for compiling them (about 6 s of CPU).

Sentences are what the readers of :mod:`w2v.corpus.readers` yield: a line (or, text8-style, the
whole stream) cut at sentence ends when the tokenizer splits sentences, and into consecutive pieces
of at most ``max_sentence_length`` tokens. Memory is bounded by the block size, the word tables
and one int32 per token on disk, whatever the corpus length.
"""
from __future__ import annotations

import logging

import numpy as np

from w2v._jit import is_cached
from w2v.corpus import _scan_kernel
from w2v.corpus.file_scan import SCAN_BLOCK, input_bytes, scan_files
from w2v.corpus.readers import FolderCorpus, LineCorpus, StreamCorpus, Text8Corpus, _Corpus, describe, open_corpus
from w2v.corpus.scan_result import ScanResult, WordTable, new_scan_files
from w2v.corpus.tokenize import Tokenizer

logger = logging.getLogger(__name__)

#: Tokens handled per chunk when streaming ids between files (bounded memory).
CHUNK_TOKENS = 1 << 20
#: Below these input sizes the Python path finishes first. Measured on 2 cores: the Python path
#: reads about 8 MB/s of text; the compiled one costs about 0.35 s to load its kernels from numba's
#: cache (break-even near 3 MB), or about 6 s of CPU to compile them on a first run (near 45 MB;
#: a lower bound keeps the Python path's own wait, without a progress bar, to a few seconds).
PYTHON_PATH_BYTES = 4 << 20
PYTHON_PATH_BYTES_UNCOMPILED = 24 << 20
ENGINES = ("auto", "compiled", "python")


def choose_engine(corpus, engine: str = "auto") -> str:
    """``"compiled"`` or ``"python"``: which path :func:`scan_corpus` takes for ``corpus``.

    Parameters
    ----------
    corpus : corpus object
        As returned by :func:`w2v.corpus.open_corpus`.
    engine : {"auto", "compiled", "python"}
        ``"auto"``: the Python path for anything the compiled scan cannot read (in-memory lists,
        other iterables, a :class:`Tokenizer` subclass) and for plain files smaller than
        :data:`PYTHON_PATH_BYTES` (:data:`PYTHON_PATH_BYTES_UNCOMPILED` while the compiled scan is
        not yet in numba's cache); the compiled scan otherwise, including for standard input,
        pipes and compressed files, whose size is not known in advance.
    """
    if engine not in ENGINES:
        raise ValueError(f"engine must be one of {ENGINES}, not {engine!r}")
    # a Tokenizer subclass may tokenize differently: only the Tokenizer itself has a compiled twin
    readable = ((isinstance(corpus, (LineCorpus, Text8Corpus, FolderCorpus, StreamCorpus))
                 or hasattr(corpus, "byte_sources"))
                and type(corpus.tokenizer) is Tokenizer)
    if not readable or engine == "python":
        return "python"
    if engine == "compiled":
        return "compiled"
    size = input_bytes(corpus)
    if size is None:
        return "compiled"
    limit = PYTHON_PATH_BYTES if is_cached(_scan_kernel.scan_block) else PYTHON_PATH_BYTES_UNCOMPILED
    return "python" if size < limit else "compiled"


def scan_corpus(corpus, workers: int = 1, max_vocab_size: int | None = None,
                block_size: int = SCAN_BLOCK, progress: bool = False, engine: str = "auto") -> ScanResult:
    """Read ``corpus`` once into provisional ids, sentence offsets, words and counts.

    Parameters
    ----------
    corpus : path, corpus object or list of list of str
        Anything :func:`w2v.corpus.open_corpus` accepts.
    workers : int, default 1
        Threads that tokenize and count (files and folders).
    max_vocab_size : int, optional
        Prune rare words while counting so that at most this many distinct words are held (see
        :func:`_scan_sentences` for the exact rule); a file is then scanned on one thread.
    block_size : int
        Bytes per block handed to a worker.
    progress : bool, default False
        A progress bar on stderr while files are read (shown only when that takes over a second).
    engine : {"auto", "compiled", "python"}, default "auto"
        Which path reads a file corpus (see :func:`choose_engine`); both give the same result.

    Returns
    -------
    ScanResult
    """
    name = describe(corpus)
    corpus = open_corpus(corpus)
    compiled = choose_engine(corpus, engine) == "compiled"
    if compiled:
        result = scan_files(corpus, max(1, int(workers)), int(block_size), progress=progress,
                            max_vocab_size=max_vocab_size)
    else:
        result = _scan_sentences(corpus, max_vocab_size)
    result.name = name
    if result.pruned:
        logger.info("max_vocab_size=%d: %d distinct words were pruned while counting", max_vocab_size,
                    int(np.count_nonzero(result.counts == 0)))
    if result.decode_errors and compiled:      # the readers the Python path iterates have warned already
        logger.warning("%s: replaced %d invalid UTF-8 byte sequence(s) with U+FFFD", name, result.decode_errors)
    return result


def _scan_sentences(corpus: _Corpus, max_vocab_size: int | None) -> ScanResult:
    """Stage 1 over any corpus yielding token lists (the readers, lists, iterables).

    With ``max_vocab_size``: after each sentence, while more than ``max_vocab_size`` distinct words
    are held, every word counted at most ``threshold`` times is forgotten and ``threshold`` grows by
    one (starting at 1), as word2vec.c's ``ReduceVocab``. A forgotten word's occurrences so far are
    dropped from the corpus (its provisional id gets count 0); if it is seen again it starts afresh
    under a new id, and its count from then on decides whether it is kept.
    """
    index: dict[str, int] = {}
    words: list[str] = []
    counts: list[int] = []
    id_file, offset_file = new_scan_files()
    ids: list[int] = []
    ends: list[int] = []
    written = 0
    n_sentences = 0
    threshold = 1
    pruned = False
    for sentence in corpus:
        if not sentence:
            continue
        for word in sentence:
            i = index.get(word)
            if i is None:
                i = index[word] = len(words)
                words.append(word)
                counts.append(1)
            else:
                counts[i] += 1
            ids.append(i)
        ends.append(written + len(ids))
        n_sentences += 1
        if max_vocab_size is not None and len(index) > max_vocab_size:
            for word, i in list(index.items()):
                if counts[i] <= threshold:
                    del index[word]
                    counts[i] = 0
                    pruned = True
            threshold += 1
        if len(ids) >= CHUNK_TOKENS:
            np.asarray(ids, dtype=np.int32).tofile(id_file)
            np.asarray(ends, dtype=np.int64).tofile(offset_file)
            written += len(ids)
            ids, ends = [], []
    np.asarray(ids, dtype=np.int32).tofile(id_file)
    np.asarray(ends, dtype=np.int64).tofile(offset_file)
    written += len(ids)
    counts_array = np.asarray(counts, dtype=np.int64)
    return ScanResult(id_file, offset_file, written, n_sentences, WordTable.from_words(words), counts_array,
                      total_tokens=written, decode_errors=int(getattr(corpus, "decode_errors", 0) or 0),
                      pruned=pruned, sentences_cut=isinstance(corpus, (LineCorpus, Text8Corpus, FolderCorpus,
                                                                       StreamCorpus)))




__all__ = ["ScanResult", "WordTable", "scan_corpus"]

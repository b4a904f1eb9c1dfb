"""The corpus pipeline: text to a final vocabulary and int32 ids in one read of the text.

>>> vocab, encoded = build_and_encode("corpus.txt", min_count=5, workers=2)    # doctest: +SKIP
>>> len(vocab), len(encoded), encoded.n_sentences                               # doctest: +SKIP

Stages, each usable alone:

1. :func:`w2v.corpus.scan.scan_corpus`: provisional ids (first-seen order), sentence offsets,
   provisional word table and counts, in nameless temporary files;
2. optional rewrites of the provisional stream (``rewrite`` below, e.g. phrases): a function
   ``ScanResult -> ScanResult``;
3. :func:`finalize_vocabulary`: ``min_count``, ``max_final_vocab``, words sorted by descending count
   (ties by code-point order), giving the :class:`~w2v.corpus.Vocabulary` and a provisional -> final
   id map (-1 for dropped words); :func:`vocabulary_map` gives the same map for a vocabulary that
   already exists (``partial_fit``, :meth:`Vocabulary.encode`);
4. :func:`remap_to_vocabulary`: one vectorised pass, in chunks, that turns provisional ids into final
   ids in place, drops out-of-vocabulary tokens and empty sentences and returns the memory-mapped
   :class:`~w2v.corpus.EncodedCorpus` the trainer reads.

This is the only encoder: :meth:`Vocabulary.build`, :meth:`Vocabulary.encode`,
:func:`w2v.models.encoding.encode_to_disk` and ``Word2Vec.fit`` all run these stages.
"""
from __future__ import annotations

import logging
import tempfile

import numpy as np

from w2v.corpus import scan as _scan
from w2v.corpus.scan import scan_corpus
from w2v.corpus.scan_result import ScanResult, map_file, split_long
from w2v.corpus.vocab import EncodedCorpus, Vocabulary
from w2v.errors import CorpusError

logger = logging.getLogger(__name__)


def _check_limits(min_count, max_vocab_size, max_final_vocab) -> None:
    if int(min_count) < 0:
        raise ValueError(f"min_count must be at least 0 (0 keeps every word, as 1), got {min_count}")
    if max_vocab_size is not None and int(max_vocab_size) < 1:
        raise ValueError(f"max_vocab_size must be at least 1, got {max_vocab_size}")
    if max_final_vocab is not None and int(max_final_vocab) < 1:
        raise ValueError(f"max_final_vocab must be at least 1, got {max_final_vocab}")


def no_word_kept(name: str, min_count: int, tokens: int, most: int, pruned: bool,
                 max_vocab_size: int | None) -> CorpusError:
    """The error for a corpus none of whose words reaches ``min_count``.

    Parameters
    ----------
    name : str
        The corpus, as messages name it.
    min_count : int
        The effective bound.
    tokens : int
        Tokens read.
    most : int
        The count of the most frequent word left (after pruning, if any).
    pruned, max_vocab_size
        Whether pruning under ``max_vocab_size`` dropped words while counting (and so their counts).
    """
    if not pruned:
        return CorpusError(f"no word of {name} occurs at least {min_count} times ({tokens:,} tokens, most frequent "
                           f"word seen {most} times): lower --min-count or give a larger corpus")
    bound = f"max_vocab_size={max_vocab_size}" if max_vocab_size is not None else "max_vocab_size"
    if most == 0:
        # every word was dropped while counting, not by min_count: a smaller min_count cannot help
        return CorpusError(f"pruning under {bound} while counting left no word of {name} ({tokens:,} tokens): "
                           "raise --max-vocab-size or leave it out")
    return CorpusError(f"no word of {name} occurs at least {min_count} times after pruning under {bound} while "
                       f"counting ({tokens:,} tokens, the most frequent word left counted {most} times): lower "
                       "--min-count, or raise --max-vocab-size (pruning drops the counts of the words it removes)")


def finalize_vocabulary(scan: ScanResult, min_count: int = 5, max_final_vocab: int | None = None,
                        max_vocab_size: int | None = None) -> tuple[Vocabulary, np.ndarray]:
    """The final vocabulary of a scan, and the map from provisional to final ids.

    Parameters
    ----------
    scan : ScanResult
    min_count : int, default 5
        Drop words seen fewer times; 0 keeps every word, as 1 does (word2vec.c's and gensim's).
    max_final_vocab : int, optional
        Keep at most this many words by raising ``min_count`` as little as needed (ties at the
        boundary are all dropped, so fewer words may remain).
    max_vocab_size : int, optional
        The bound the scan pruned under, named when pruning left no word to keep.

    Returns
    -------
    vocab : Vocabulary
        Words by descending count, ties broken by code-point order (the same as UTF-8 byte order).
    final_ids : np.ndarray of int32, shape (V_provisional,)
        Final id of each provisional id, -1 for a dropped word.

    Raises
    ------
    CorpusError
        If the corpus has no tokens, or no word reaches the (effective) ``min_count``.
    """
    name = scan.name or "(corpus)"
    if scan.total_tokens == 0:
        raise CorpusError(f"corpus {name} has no words: give a text file (or folder) with some text")
    counts = scan.counts
    min_count = max(1, int(min_count))
    effective = min_count
    kept = np.flatnonzero(counts >= effective)
    if max_final_vocab is not None and kept.shape[0] > max_final_vocab:
        descending = np.sort(counts[kept])[::-1]
        effective = max(effective, int(descending[max_final_vocab]) + 1)
        kept = np.flatnonzero(counts >= effective)
        logger.info("max_final_vocab=%d: raised min_count to %d", max_final_vocab, effective)
    if kept.shape[0] == 0:
        most = int(counts.max()) if counts.shape[0] else 0
        if max_final_vocab is not None and effective > min_count:
            raise CorpusError(
                f"max_final_vocab={max_final_vocab} keeps no word of {name} (the most frequent "
                f"words tie at count {most}): raise --max-final-vocab")
        raise no_word_kept(name, effective, scan.total_tokens, most, scan.pruned, max_vocab_size)
    encoded = scan.words.many_word_bytes(kept)
    # rank by the words' bytes, then a stable sort by descending count keeps that order for ties
    by_word = sorted(range(kept.shape[0]), key=encoded.__getitem__)
    rank = np.empty(kept.shape[0], dtype=np.int64)
    rank[by_word] = np.arange(kept.shape[0])
    order = np.lexsort((rank, -counts[kept]))
    kept = kept[order]
    words = [encoded[i].decode("utf-8", "surrogatepass") for i in order.tolist()]
    vocab = Vocabulary(words, counts[kept], total_words=scan.total_tokens, min_count=effective,
                       pruned=scan.pruned)
    vocab.decode_errors = scan.decode_errors
    vocab.n_sentences = scan.n_sentences
    final_ids = np.full(counts.shape[0], -1, dtype=np.int32)
    final_ids[kept] = np.arange(kept.shape[0], dtype=np.int32)
    return vocab, final_ids


def vocabulary_map(scan: ScanResult, vocab: Vocabulary) -> np.ndarray:
    """Provisional -> final id map (int32, -1 for words outside ``vocab``) for an existing vocabulary."""
    get = vocab.index.get
    return np.fromiter((get(w, -1) for w in scan.words.words()), dtype=np.int32, count=len(scan.words))


def remap_to_vocabulary(scan: ScanResult, final_ids: np.ndarray, max_sentence_length: int = 10000) -> EncodedCorpus:
    """Turn the provisional id stream of ``scan`` into final ids, in place, in chunks.

    Tokens whose final id is -1 are dropped, then empty sentences; sentences longer than
    ``max_sentence_length`` (possible only for in-memory corpora, which the scan does not cut) are
    cut into consecutive pieces. ``scan`` is consumed: its id file becomes the encoded corpus.

    Parameters
    ----------
    scan : ScanResult
    final_ids : np.ndarray of int32, shape (V_provisional,)
    max_sentence_length : int, default 10000

    Returns
    -------
    EncodedCorpus
        ``ids`` int32 (N,) and ``offsets`` int64 (S + 1,), memory-mapped from nameless temporary files.
    """
    if int(max_sentence_length) < 1:
        raise ValueError(f"max_sentence_length must be at least 1, got {max_sentence_length}")
    limit = int(max_sentence_length)
    final_ids = np.asarray(final_ids, dtype=np.int32)
    id_file = scan.id_file
    new_offsets = tempfile.TemporaryFile()
    np.zeros(1, dtype=np.int64).tofile(new_offsets)
    offset_file = scan.offset_file
    offset_file.flush()
    written = 0
    n_sentences = 0
    s = 0
    S = scan.n_sentences
    while s < S:
        # sentence ends are read in chunks too: a memory map would count every page it touched
        offset_file.seek(8 * s)
        offsets = np.fromfile(offset_file, dtype=np.int64, count=min(S - s, _scan.CHUNK_TOKENS) + 1)
        # as many whole sentences as fit in a chunk of tokens (at least one)
        stop = int(np.searchsorted(offsets, offsets[0] + _scan.CHUNK_TOKENS, side="right")) - 1
        stop = min(max(stop, 1), offsets.shape[0] - 1)
        first, last = int(offsets[0]), int(offsets[stop])
        id_file.seek(4 * first)
        ids = np.fromfile(id_file, dtype=np.int32, count=last - first)
        mapped = final_ids[ids]
        keep = mapped >= 0
        starts = offsets[:stop] - first
        lengths = np.add.reduceat(keep.astype(np.int64), starts)
        lengths = split_long(lengths[lengths > 0], limit)
        id_file.seek(4 * written)
        mapped[keep].tofile(id_file)
        if lengths.shape[0]:
            (written + np.cumsum(lengths)).tofile(new_offsets)
        written += int(lengths.sum())
        n_sentences += lengths.shape[0]
        s += stop
    id_file.truncate(4 * written)
    id_file.flush()
    new_offsets.flush()
    encoded = EncodedCorpus(ids=map_file(id_file, np.int32, written), offsets=map_file(new_offsets, np.int64, n_sentences + 1))
    if n_sentences == 0:
        encoded = EncodedCorpus(ids=np.zeros(0, dtype=np.int32), offsets=np.zeros(1, dtype=np.int64))
    scan.close()
    new_offsets.close()
    return encoded


def build_and_encode(corpus, min_count: int = 5, max_vocab_size: int | None = None,
                     max_final_vocab: int | None = None, workers: int = 1, max_sentence_length: int = 10000,
                     rewrite=None, progress: bool = False, engine: str = "auto") -> tuple[Vocabulary, EncodedCorpus]:
    """Read ``corpus`` once and return its vocabulary and its encoded form.

    Parameters
    ----------
    corpus : path, corpus object or list of list of str
        Anything :func:`w2v.corpus.open_corpus` accepts, including ``-`` and pipes.
    min_count, max_final_vocab : see :func:`finalize_vocabulary`
    max_vocab_size : int, optional
        Bound on distinct words while counting (see :func:`w2v.corpus.scan._scan_sentences`).
    workers : int, default 1
        Scanning threads.
    max_sentence_length : int, default 10000
    rewrite : callable, optional
        ``rewrite(scan) -> scan``, applied to the provisional stream before the vocabulary is
        final (e.g. joining phrases).
    progress : bool, default False
        A progress bar on stderr while files are read.
    engine : {"auto", "compiled", "python"}, default "auto"
        Which path reads a file corpus (:func:`w2v.corpus.scan.choose_engine`); the result is the same.

    Returns
    -------
    (Vocabulary, EncodedCorpus)
    """
    _check_limits(min_count, max_vocab_size, max_final_vocab)
    scan = scan_corpus(corpus, workers=workers, max_vocab_size=max_vocab_size, progress=progress, engine=engine)
    if rewrite is not None:
        scan = rewrite(scan)
    try:
        vocab, final_ids = finalize_vocabulary(scan, min_count, max_final_vocab, max_vocab_size)
    except BaseException:
        scan.close()
        raise
    return vocab, remap_to_vocabulary(scan, final_ids, max_sentence_length)


def build_vocabulary(corpus, min_count: int = 5, max_vocab_size: int | None = None,
                     max_final_vocab: int | None = None, workers: int = 1, progress: bool = False) -> Vocabulary:
    """The vocabulary of ``corpus`` alone (stages 1 and 3); see :func:`build_and_encode`."""
    _check_limits(min_count, max_vocab_size, max_final_vocab)
    scan = scan_corpus(corpus, workers=workers, max_vocab_size=max_vocab_size, progress=progress)
    try:
        return finalize_vocabulary(scan, min_count, max_final_vocab, max_vocab_size)[0]
    finally:
        scan.close()


def encode_with_vocabulary(corpus, vocab: Vocabulary, workers: int = 1, max_sentence_length: int = 10000,
                           progress: bool = False, engine: str = "auto", rewrite=None) -> EncodedCorpus:
    """Encode ``corpus`` with an existing vocabulary (words outside it are dropped); ``engine`` and
    ``rewrite`` (e.g. joining phrases) as in :func:`build_and_encode`."""
    if int(max_sentence_length) < 1:
        raise ValueError(f"max_sentence_length must be at least 1, got {max_sentence_length}")
    scan = scan_corpus(corpus, workers=workers, progress=progress, engine=engine)
    if rewrite is not None:
        scan = rewrite(scan)
    try:
        final_ids = vocabulary_map(scan, vocab)
    except BaseException:
        scan.close()
        raise
    return remap_to_vocabulary(scan, final_ids, max_sentence_length)

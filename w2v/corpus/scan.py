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

Files and folders are scanned by compiled code (:mod:`w2v.corpus._scan_kernel`) on ``workers``
threads: a reader thread reads (and decompresses) blocks of about a MiB cut after an ASCII
white-space byte, workers tokenize and count them with the GIL released, each with its own word
table; the tables are then merged and every block's ids rewritten into first-seen order, in text
order, so the result does not depend on the number of workers. In-memory lists of token lists, any
other iterable corpus, and ``max_vocab_size`` pruning take the Python path (:func:`_scan_sentences`),
which produces the same :class:`ScanResult`.

Sentences are what the readers of :mod:`w2v.corpus.readers` yield: a line (or, text8-style, the
whole stream) cut at sentence ends when the tokenizer splits sentences, and into consecutive pieces
of at most ``max_sentence_length`` tokens. Memory is bounded by the block size, the word tables
and one int32 per token on disk, whatever the corpus length.
"""
from __future__ import annotations

import logging
import queue
import tempfile
import threading
from dataclasses import dataclass, field

import numpy as np

from w2v.corpus import _scan_kernel as kernel
from w2v.corpus._unicode_tables import unicode_tables
from w2v.corpus.tokenize import Tokenizer
from w2v.corpus.readers import (BLOCK_SIZE, FolderCorpus, LineCorpus, StreamCorpus, Text8Corpus, _Corpus,
                                _cut_point, _head_is_text8, _read_full, describe, open_corpus,
                                open_text_source)
from w2v.errors import CorpusError
from w2v.fileio import decompression_errors

logger = logging.getLogger(__name__)

#: Tokens handled per chunk when streaming ids between files (bounded memory).
CHUNK_TOKENS = 1 << 20


class WordTable:
    """Words by provisional id, as UTF-8 bytes in one arena.

    Parameters
    ----------
    arena : np.ndarray of uint8
        Concatenated UTF-8 bytes.
    starts : np.ndarray of int64, shape (V,)
    lengths : np.ndarray of int32, shape (V,)
        Word ``i`` is ``arena[starts[i]:starts[i] + lengths[i]]``.
    """

    def __init__(self, arena: np.ndarray, starts: np.ndarray, lengths: np.ndarray):
        self.arena = arena
        self.starts = starts
        self.lengths = lengths
        self._bytes = None

    @classmethod
    def from_words(cls, words) -> "WordTable":
        """A table of Python strings (in id order)."""
        encoded = [w.encode("utf-8", "surrogatepass") for w in words]
        lengths = np.fromiter(map(len, encoded), dtype=np.int64, count=len(encoded))
        starts = np.zeros(len(encoded), dtype=np.int64)
        if len(encoded):
            np.cumsum(lengths[:-1], out=starts[1:])
        arena = np.frombuffer(b"".join(encoded), dtype=np.uint8)
        return cls(arena, starts, lengths.astype(np.int32))

    def __len__(self) -> int:
        return int(self.starts.shape[0])

    def word_bytes(self, i: int) -> bytes:
        """UTF-8 bytes of word ``i``."""
        return self.many_word_bytes([i])[0]

    def many_word_bytes(self, ids=None) -> list[bytes]:
        """UTF-8 bytes of the words of ``ids`` (default: all, in id order)."""
        if self._bytes is None:
            self._bytes = self.arena.tobytes()     # slicing bytes is far cheaper than slicing an array
        whole = self._bytes
        starts = self.starts if ids is None else self.starts[np.asarray(ids, dtype=np.int64)]
        lengths = self.lengths if ids is None else self.lengths[np.asarray(ids, dtype=np.int64)]
        return [whole[a:a + n] for a, n in zip(starts.tolist(), lengths.tolist())]

    def word(self, i: int) -> str:
        """Word ``i``."""
        return self.word_bytes(i).decode("utf-8", "surrogatepass")

    def words(self, ids=None) -> list[str]:
        """The words of ``ids`` (default: all, in id order)."""
        return [b.decode("utf-8", "surrogatepass") for b in self.many_word_bytes(ids)]


@dataclass
class ScanResult:
    """What :func:`scan_corpus` learned in one pass (stage 1 of the pipeline).

    Attributes
    ----------
    id_file, offset_file : file objects
        Nameless temporary files: int32 provisional ids (N,), int64 sentence ends with a leading 0
        (S + 1,). Read them through :attr:`ids` / :attr:`offsets`.
    n_tokens, n_sentences : int
        N and S.
    words : WordTable
        Word of each provisional id (V words, first-seen order).
    counts : np.ndarray of int64, shape (V,)
        Occurrences of each provisional id (0 for words pruned by ``max_vocab_size``).
    total_tokens : int
        Tokens read (N, including those of pruned words).
    decode_errors : int
        Invalid UTF-8 sequences replaced by U+FFFD.
    pruned : bool
        Whether ``max_vocab_size`` pruning dropped words.
    sentences_cut : bool
        Whether sentences are already cut at ``max_sentence_length`` (files); in-memory sentences
        are cut after out-of-vocabulary tokens are dropped, as before.
    """

    id_file: object
    offset_file: object
    n_tokens: int
    n_sentences: int
    words: WordTable
    counts: np.ndarray
    total_tokens: int
    decode_errors: int = 0
    pruned: bool = False
    sentences_cut: bool = True
    name: str = ""
    _maps: dict = field(default_factory=dict, repr=False)

    @property
    def ids(self) -> np.ndarray:
        """Provisional ids, int32 (N,), memory-mapped."""
        return _map(self.id_file, np.int32, self.n_tokens)

    @property
    def offsets(self) -> np.ndarray:
        """Sentence ends, int64 (S + 1,) starting at 0, memory-mapped."""
        return _map(self.offset_file, np.int64, self.n_sentences + 1)

    def close(self) -> None:
        """Release the temporary files (memory maps made from them stay valid)."""
        self.id_file.close()
        self.offset_file.close()


def _map(f, dtype, n: int) -> np.ndarray:
    if n == 0:
        return np.zeros(0, dtype=dtype)
    f.flush()
    # the mapping keeps the data reachable after the (already unlinked) file is closed
    return np.memmap(f, dtype=dtype, mode="r+", shape=(n,))


#: Bytes per block handed to a worker: small enough that the per-worker buffers (about 20 bytes per
#: byte of block) stay at a few MB, large enough that a kernel call costs nothing in comparison.
SCAN_BLOCK = 1 << 18


def scan_corpus(corpus, workers: int = 1, max_vocab_size: int | None = None,
                block_size: int = SCAN_BLOCK) -> ScanResult:
    """Read ``corpus`` once into provisional ids, sentence offsets, words and counts.

    Parameters
    ----------
    corpus : path, corpus object or list of list of str
        Anything :func:`w2v.corpus.open_corpus` accepts.
    workers : int, default 1
        Threads that tokenize and count (files and folders).
    max_vocab_size : int, optional
        Prune rare words while counting so that at most this many distinct words are held (see
        :func:`_scan_sentences` for the exact rule); takes the Python path.
    block_size : int
        Bytes per block handed to a worker.

    Returns
    -------
    ScanResult
    """
    name = describe(corpus)
    corpus = open_corpus(corpus)
    # a Tokenizer subclass may tokenize differently: only the Tokenizer itself has a compiled twin
    compiled = (isinstance(corpus, (LineCorpus, Text8Corpus, FolderCorpus, StreamCorpus))
                and type(corpus.tokenizer) is Tokenizer)
    if compiled and max_vocab_size is None:
        result = _scan_files(corpus, max(1, int(workers)), int(block_size))
    else:
        result = _scan_sentences(corpus, max_vocab_size)
    result.name = name
    if result.decode_errors:
        logger.warning("%s: replaced %d invalid UTF-8 byte sequence(s) with U+FFFD", name, result.decode_errors)
    return result


# -- Python path ------------------------------------------------------------------------------

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
    id_file = tempfile.TemporaryFile()
    offset_file = tempfile.TemporaryFile()
    np.zeros(1, dtype=np.int64).tofile(offset_file)
    ids: list[int] = []
    ends: list[int] = []
    written = 0
    n_sentences = 0
    threshold = 1
    pruned_words = 0
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
                    pruned_words += 1
            threshold += 1
        if len(ids) >= CHUNK_TOKENS:
            np.asarray(ids, dtype=np.int32).tofile(id_file)
            np.asarray(ends, dtype=np.int64).tofile(offset_file)
            written += len(ids)
            ids, ends = [], []
    np.asarray(ids, dtype=np.int32).tofile(id_file)
    np.asarray(ends, dtype=np.int64).tofile(offset_file)
    written += len(ids)
    if pruned_words:
        logger.info("max_vocab_size=%d: pruned %d distinct words while counting (final threshold %d)",
                    max_vocab_size, pruned_words, threshold - 1)
    counts_array = np.asarray(counts, dtype=np.int64)
    return ScanResult(id_file, offset_file, written, n_sentences, WordTable.from_words(words), counts_array,
                      total_tokens=written, decode_errors=int(getattr(corpus, "decode_errors", 0) or 0),
                      pruned=pruned_words > 0, sentences_cut=isinstance(corpus, (LineCorpus, Text8Corpus,
                                                                                  FolderCorpus, StreamCorpus)))


# -- compiled path ----------------------------------------------------------------------------

def _new_table():
    return (np.full(2 << 12, -1, dtype=np.int64), np.zeros(1 << 10, dtype=np.uint64),
            np.zeros(1 << 10, dtype=np.int64), np.zeros(1 << 10, dtype=np.int32),
            np.zeros(1 << 10, dtype=np.int64), np.zeros(1 << 14, dtype=np.uint8), np.zeros(2, dtype=np.int64))


@dataclass
class _Block:
    index: int
    data: bytes
    closes: bool           # the block ends its source file: its last sentence is complete
    lines: bool


@dataclass
class _BlockResult:
    worker: int
    offset: int            # first token in the worker's id file
    n_tokens: int
    lengths: np.ndarray    # int32 sentence lengths (the last one open when ``open``)
    open: bool
    leading_end: bool      # a sentence end before the first token closes the previous block's open one
    closes: bool
    decode_errors: int


class _Worker:
    """One scanning thread's word table, scratch buffers and id file."""

    def __init__(self, number: int, tokenizer):
        self.number = number
        self.table = _new_table()
        self.decoded = np.zeros(0, dtype=np.int32)
        self.lowered = np.zeros(0, dtype=np.int32)
        self.ids = np.zeros(0, dtype=np.int32)
        self.lengths = np.zeros(0, dtype=np.int32)
        self.id_file = tempfile.TemporaryFile()
        self.written = 0
        tok = tokenizer
        self.options = (tok.name == "whitespace", tok.lowercase, tok.numbers == "normalize", tok.strip_accents,
                        tok.split_sentences and tok.name != "whitespace")

    def scan(self, block: _Block, tables) -> _BlockResult:
        data = np.frombuffer(block.data, dtype=np.uint8)
        whitespace, lowercase, numbers, strip, split = self.options
        (n_tokens, n_sentences, is_open, leading_end, errors, self.table, self.decoded, self.lowered, self.ids,
         self.lengths) = kernel.scan_block(
            data, data.shape[0], whitespace, lowercase, numbers, strip, split, block.lines, tables.flags,
            tables.strip_keys, tables.strip_offsets, tables.strip_data, tables.lower_keys,
            tables.lower_offsets, tables.lower_data, self.table, self.decoded, self.lowered,
            self.ids, self.lengths)
        offset = self.written
        self.ids[:n_tokens].tofile(self.id_file)
        self.written += n_tokens
        return _BlockResult(self.number, offset, n_tokens, self.lengths[:n_sentences].copy(), bool(is_open),
                            bool(leading_end), block.closes, int(errors))


def _sources(corpus):
    """(path, lines or None for 'decide from the first block') for each file of ``corpus``."""
    if isinstance(corpus, FolderCorpus):
        return [(f, True) for f in corpus.files]
    if isinstance(corpus, StreamCorpus):
        corpus.claim()
        return [(corpus.path, None)]
    return [(corpus.path, isinstance(corpus, LineCorpus))]


def _read_blocks(corpus, block_size: int, emit) -> None:
    """Read every source of ``corpus`` and hand blocks cut after ASCII white space to ``emit``."""
    index = 0
    for path, lines in _sources(corpus):
        with decompression_errors(lambda: repr(str(path)), "corpus"), open_text_source(path) as stream:
            carry = b""
            first = True
            while True:
                # full reads even from pipes; the first read is the readers' BLOCK_SIZE sniff
                data = _read_full(stream, max(block_size, BLOCK_SIZE) if first else block_size)
                if lines is None:
                    lines = not _head_is_text8(data[:BLOCK_SIZE])
                first = False
                if not data:
                    break
                data = carry + data if carry else data
                while len(data) >= block_size:
                    cut = _cut_point(data[:block_size])
                    if cut < 0:
                        cut = _cut_point(data)       # a word longer than a block: take it whole
                        if cut < 0:
                            break
                    emit(_Block(index, data[:cut], False, lines))
                    index += 1
                    data = data[cut:]
                carry = data
            emit(_Block(index, carry, True, bool(lines)))
            index += 1


def _scan_files(corpus, workers: int, block_size: int) -> ScanResult:
    tables = unicode_tables()
    tokenizer = corpus.tokenizer
    pool = [_Worker(w, tokenizer) for w in range(workers)]
    results: dict[int, _BlockResult] = {}
    if workers == 1:
        def emit(block):
            results[block.index] = pool[0].scan(block, tables)
        _read_blocks(corpus, block_size, emit)
    else:
        _scan_threaded(corpus, pool, tables, block_size, results)
    try:
        result = _assemble(corpus, pool, results)
    finally:
        for worker in pool:
            worker.id_file.close()
    return result


class _Stopped(Exception):
    """A worker failed: the reader stops reading."""


def _scan_threaded(corpus, pool, tables, block_size, results) -> None:
    """The calling thread reads blocks and feeds the workers; the first error anywhere stops all."""
    blocks: queue.Queue = queue.Queue(maxsize=2 * len(pool))
    errors: list[BaseException] = []
    stop = threading.Event()
    done = object()

    def work(worker):
        while True:
            block = blocks.get()
            if block is done or stop.is_set():
                return
            try:
                results[block.index] = worker.scan(block, tables)
            except BaseException as err:      # reported by the calling thread
                errors.append(err)
                stop.set()
                return

    def put(block):
        while not stop.is_set():
            try:
                blocks.put(block, timeout=0.1)
                return
            except queue.Full:
                continue
        raise _Stopped

    threads = [threading.Thread(target=work, args=(w,), daemon=True) for w in pool]
    for t in threads:
        t.start()
    try:
        _read_blocks(corpus, block_size, put)
    except _Stopped:
        pass
    except BaseException as err:             # Ctrl-C or a read error: stop the workers, then raise
        errors.insert(0, err)
        stop.set()
    finally:
        for _ in threads:
            while any(t.is_alive() for t in threads):
                try:
                    blocks.put(done, timeout=0.1)
                    break
                except queue.Full:
                    continue
        for t in threads:
            t.join()
    if errors:
        raise errors[0]


def _assemble(corpus, pool, results) -> ScanResult:
    """Merge the workers' tables, write the ids in first-seen order and the sentence offsets."""
    limit = corpus.max_sentence_length
    id_file = tempfile.TemporaryFile()
    offset_file = tempfile.TemporaryFile()
    np.zeros(1, dtype=np.int64).tofile(offset_file)
    if len(pool) == 1:
        # one worker wrote its ids in text order and first-seen order already
        table = pool[0].table
        maps = None
        id_file = pool[0].id_file
        pool[0].id_file = tempfile.TemporaryFile()
    else:
        # the other workers' words go into the first worker's table (one table less in memory)
        table = pool[0].table
        maps = [np.arange(int(table[6][0]), dtype=np.int32)]
        for worker in pool[1:]:
            mapping, table = kernel.merge_table(table, worker.table)
            worker.table = None
            maps.append(mapping)
        key_to_first = np.full(int(table[6][0]), -1, dtype=np.int32)
    next_id = 0
    written = 0
    emitted = 0          # tokens of the sentences written so far
    n_sentences = 0
    carry = 0            # tokens of a sentence left open at the end of the previous block
    errors = 0
    for index in range(len(results)):
        r = results[index]
        errors += r.decode_errors
        if r.n_tokens and maps is not None:
            worker = pool[r.worker]
            worker.id_file.seek(4 * r.offset)
            ids = np.fromfile(worker.id_file, dtype=np.int32, count=r.n_tokens)
            next_id = kernel.first_seen_ids(ids, maps[r.worker], key_to_first, next_id)
            ids.tofile(id_file)
        lengths = r.lengths.astype(np.int64)
        if carry and (r.leading_end or not lengths.shape[0]) and (r.leading_end or r.closes):
            lengths = np.concatenate([[carry], lengths])
            carry = 0
        elif carry and lengths.shape[0]:
            lengths[0] += carry
            carry = 0
        if r.open and not r.closes:
            carry = int(lengths[-1])
            lengths = lengths[:-1]
        lengths = _split_long(lengths, limit)
        if lengths.shape[0]:
            ends = emitted + np.cumsum(lengths)
            ends.tofile(offset_file)
            emitted = int(ends[-1])
        written += r.n_tokens
        n_sentences += lengths.shape[0]
    _, _, starts, word_lengths, counts, arena, sizes = table
    n_words = int(sizes[0])
    starts, word_lengths, counts = starts[:n_words], word_lengths[:n_words], counts[:n_words]
    if maps is not None:
        order = np.empty(n_words, dtype=np.int64)
        order[key_to_first] = np.arange(n_words)
        starts, word_lengths, counts = starts[order], word_lengths[order], counts[order]
    words = WordTable(arena[:int(sizes[1])], starts.copy(), word_lengths.copy())
    return ScanResult(id_file, offset_file, written, n_sentences, words, counts.copy(), total_tokens=written,
                      decode_errors=errors)


def _split_long(lengths: np.ndarray, limit: int) -> np.ndarray:
    """Replace every length above ``limit`` by pieces of ``limit`` and a remainder, in order."""
    if lengths.size == 0 or lengths.max() <= limit:
        return lengths
    pieces = -(-lengths // limit)
    out = np.full(int(pieces.sum()), limit, dtype=np.int64)
    last = np.cumsum(pieces) - 1
    out[last] = lengths - (pieces - 1) * limit
    return out

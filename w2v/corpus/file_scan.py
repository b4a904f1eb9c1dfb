"""Stage 1 for files: the compiled scan on worker threads (see :func:`scan_files`).

>>> scan = scan_files(LineCorpus("corpus.txt"), workers=2)   # doctest: +SKIP

The calling thread reads (and decompresses) the files in blocks of about :data:`SCAN_BLOCK` bytes
cut after an ASCII white-space byte; ``workers`` threads tokenize and count the blocks with the
compiled kernel of :mod:`w2v.corpus._scan_kernel`, each with its own word table and its own
temporary id file, the GIL released. Afterwards the tables are merged and every block's ids are
rewritten, in text order, to first-seen order, so the result is the same for any number of workers
and any block size. A sentence cut by a block end is joined with its continuation; sentences are
then cut into pieces of ``max_sentence_length`` tokens, exactly as the readers cut them. With
``max_vocab_size`` one thread scans, pruning its table after each sentence (the rule of
:func:`w2v.corpus.scan._scan_sentences`, which follows the text in order).
"""
from __future__ import annotations

import functools
import os
import queue
import sys
import tempfile
import threading
from dataclasses import dataclass

import numpy as np

from w2v.corpus import _scan_kernel as kernel
from w2v.corpus import _word_table_kernel as table_kernel
from w2v.corpus._unicode_tables import unicode_tables
from w2v.corpus.blocks import cut_point
from w2v.corpus.readers import BLOCK_SIZE, FolderCorpus, LineCorpus, StreamCorpus, _head_is_text8
from w2v.corpus.scan_result import ScanResult, WordTable, new_scan_files, split_long
from w2v.corpus.sources import is_standard_input, open_text_source, read_full
from w2v.fileio import decompression_errors, is_compressed

#: Bytes per block handed to a worker: small enough that the per-worker buffers (about 20 bytes per
#: byte of block) stay at a few MB, large enough that a kernel call costs nothing in comparison.
SCAN_BLOCK = 1 << 18
#: At most this many scanning threads: each holds a word table of its own (tens of MB for a large
#: vocabulary), and eight already read faster than most disks deliver.
MAX_SCAN_WORKERS = 8


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
    n_lengths: int         # sentence lengths in the worker's length file (the last one open when ``open``)
    lengths_offset: int    # first of them in that file
    open: bool
    leading_end: bool      # a sentence end before the first token closes the previous block's open one
    closes: bool
    decode_errors: int


class _Worker:
    """One scanning thread's word table, scratch buffers and id file."""

    def __init__(self, number: int, tokenizer, pruning):
        self.number = number
        self.table = _new_table()
        self.pruning = pruning
        self.decoded = np.zeros(0, dtype=np.int32)
        self.lowered = np.zeros(0, dtype=np.int32)
        self.ids = np.zeros(0, dtype=np.int32)
        self.lengths = np.zeros(0, dtype=np.int32)
        self.id_file = tempfile.TemporaryFile()
        # sentence lengths go to disk too: kept in memory they would grow with the corpus
        self.length_file = tempfile.TemporaryFile()
        self.written = 0
        self.lengths_written = 0
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
            self.ids, self.lengths, self.pruning)
        if block.closes:
            table_kernel.end_of_source(self.table, self.pruning)
        offset = self.written
        self.ids[:n_tokens].tofile(self.id_file)
        self.written += n_tokens
        self.lengths[:n_sentences].tofile(self.length_file)
        lengths_offset = self.lengths_written
        self.lengths_written += n_sentences
        return _BlockResult(self.number, offset, n_tokens, int(n_sentences), lengths_offset, bool(is_open),
                            bool(leading_end), block.closes, int(errors))


def _sources(corpus, claim: bool = True):
    """``(name, open, lines)`` for each source of ``corpus``: ``open()`` gives a binary stream of
    its text, ``lines`` is None for 'decide from the first block'.

    A corpus may list its own sources with a ``byte_sources()`` method (byte ranges of files, as
    :class:`w2v.distributed.shards.RangeCorpus` does). A stream is marked as read (``claim``), so
    that a second pass is refused.
    """
    own = getattr(corpus, "byte_sources", None)
    if own is not None:
        return own()
    if isinstance(corpus, FolderCorpus):
        return [(f, functools.partial(open_text_source, f), True) for f in corpus.files]
    if isinstance(corpus, StreamCorpus):
        if claim:
            corpus.claim()
        return [(corpus.path, functools.partial(open_text_source, corpus.path), None)]
    return [(corpus.path, functools.partial(open_text_source, corpus.path), isinstance(corpus, LineCorpus))]


def _read_blocks(corpus, block_size: int, emit, on_read=None) -> None:
    """Read every source of ``corpus`` and hand blocks cut after ASCII white space to ``emit``.

    ``on_read(n)`` is told how many bytes each read returned (for a progress bar).
    """
    index = 0
    for path, opener, lines in _sources(corpus):
        with decompression_errors(lambda: repr(str(path)), "corpus"), opener() as stream:
            carry = b""
            first = True
            while True:
                # full reads even from pipes; the first read is the readers' BLOCK_SIZE sniff
                data = read_full(stream, max(block_size, BLOCK_SIZE) if first else block_size)
                if lines is None:
                    lines = not _head_is_text8(data[:BLOCK_SIZE])
                first = False
                if not data:
                    break
                if on_read is not None:
                    on_read(len(data))
                data = carry + data if carry else data
                while len(data) >= block_size:
                    cut = cut_point(data[:block_size])
                    if cut < 0:
                        cut = cut_point(data)       # a word longer than a block: take it whole
                        if cut < 0:
                            break
                    emit(_Block(index, data[:cut], False, lines))
                    index += 1
                    data = data[cut:]
                carry = data
            emit(_Block(index, carry, True, bool(lines)))
            index += 1


def input_bytes(corpus) -> int | None:
    """Bytes of text in ``corpus`` (a file corpus), or None when that is not known in advance
    (standard input, pipes, compressed files)."""
    own = getattr(corpus, "byte_count", None)
    if own is not None:
        return own()
    paths = [path for path, _, _ in _sources(corpus, claim=False)]
    plain = all(not is_standard_input(p) and not is_compressed(p) and os.path.isfile(p) for p in paths)
    return sum(os.path.getsize(p) for p in paths) if plain else None


def _reading_bar(corpus, enabled: bool):
    """A tqdm bar over the bytes read, shown only when reading takes more than a second."""
    if not enabled:
        return None
    from tqdm.auto import tqdm

    total = input_bytes(corpus)
    return tqdm(total=total, unit="B", unit_scale=True, desc="reading corpus", file=sys.stderr, delay=1.0,
                leave=False, dynamic_ncols=True)


def scan_files(corpus, workers: int = 1, block_size: int = SCAN_BLOCK, progress: bool = False,
               max_vocab_size: int | None = None) -> ScanResult:
    """Stage 1 over a file corpus (:class:`LineCorpus`, :class:`Text8Corpus`, :class:`FolderCorpus`
    or :class:`StreamCorpus` with a plain :class:`Tokenizer`).

    Parameters
    ----------
    corpus : corpus object
    workers : int, default 1
        Scanning threads (with 1, the calling thread scans); at most :data:`MAX_SCAN_WORKERS`.
    block_size : int
        Bytes per block.
    progress : bool, default False
        Show a progress bar on stderr over the bytes read (only if reading takes over a second).
    max_vocab_size : int, optional
        Prune rare words while counting, by the rule of :func:`w2v.corpus.scan._scan_sentences`.
        That rule follows the text sentence by sentence, so one thread scans.

    Returns
    -------
    ScanResult
    """
    tables = unicode_tables()
    tokenizer = corpus.tokenizer
    workers = 1 if max_vocab_size is not None else max(1, min(int(workers), MAX_SCAN_WORKERS))
    pool = [_Worker(w, tokenizer, table_kernel.new_pruning(max_vocab_size, corpus.max_sentence_length))
            for w in range(workers)]
    results: dict[int, _BlockResult] = {}
    bar = _reading_bar(corpus, progress)
    on_read = None if bar is None else bar.update
    try:
        if workers == 1:
            def emit(block):
                results[block.index] = pool[0].scan(block, tables)
            _read_blocks(corpus, block_size, emit, on_read)
        else:
            _scan_threaded(corpus, pool, tables, block_size, results, on_read)
        result = _assemble(corpus, pool, results)
        result.pruned = table_kernel.pruned_any(pool[0].pruning)
    finally:
        if bar is not None:
            bar.close()
        for worker in pool:
            worker.id_file.close()
            worker.length_file.close()
    return result


class _Stopped(Exception):
    """A worker failed: the reader stops reading."""


def _scan_threaded(corpus, pool, tables, block_size, results, on_read=None) -> None:
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
        _read_blocks(corpus, block_size, put, on_read)
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
    id_file, offset_file = new_scan_files()
    if len(pool) == 1:
        # one worker wrote its ids in text order and first-seen order already
        table = pool[0].table
        maps = None
        id_file.close()
        id_file = pool[0].id_file
        pool[0].id_file = tempfile.TemporaryFile()
    else:
        # the other workers' words go into the first worker's table (one table less in memory)
        table = pool[0].table
        maps = [np.arange(int(table[6][0]), dtype=np.int32)]
        for worker in pool[1:]:
            mapping, table = table_kernel.merge_table(table, worker.table)
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
            next_id = table_kernel.first_seen_ids(ids, maps[r.worker], key_to_first, next_id)
            ids.tofile(id_file)
        worker = pool[r.worker]
        worker.length_file.seek(4 * r.lengths_offset)
        lengths = np.fromfile(worker.length_file, dtype=np.int32, count=r.n_lengths).astype(np.int64)
        if carry and (r.leading_end or not lengths.shape[0]) and (r.leading_end or r.closes):
            lengths = np.concatenate([[carry], lengths])
            carry = 0
        elif carry and lengths.shape[0]:
            lengths[0] += carry
            carry = 0
        if r.open and not r.closes:
            carry = int(lengths[-1])
            lengths = lengths[:-1]
        lengths = split_long(lengths, limit)
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



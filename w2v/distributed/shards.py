"""Cutting corpus files into byte ranges that workers read, count and encode on their own.

>>> ranges = plan_ranges("corpus.txt", pieces=8)                       # doctest: +SKIP
>>> counts, tokens, sentences, pruned = count_ranges(ranges[:4])       # on one worker
>>> encoded = encode_to_disk(vocab, RangeCorpus(ranges[:4]))           # w2v.models.encoding

A range is ``[start, end)`` of a file's bytes, cut where the file has no meaning: the nominal
bounds are moved forward to just after the next newline (files with one sentence per line) or the
next ASCII white-space byte (text8-style files, one token stream). Both ends of a range move by the
same rule, so the ranges of a file tile it exactly: every line (or token) is read by exactly one
range, whichever worker reads it. Compressed files cannot be entered in the middle and are one
range each. Reading a range reuses the corpus readers' block tokenizer (:mod:`w2v.corpus.blocks`),
so a line yields the same tokens as in a single-process run; only text8-style pseudo-sentences may
be cut at other places (at range starts).
"""
from __future__ import annotations

import dataclasses
import functools
import os
from collections import Counter, defaultdict

import numpy as np

from w2v.corpus import blocks, readers
from w2v.corpus.sources import skip_byte_order_mark
from w2v.corpus.tokenize import Tokenizer
from w2v.distributed import storage
from w2v.errors import CorpusError
from w2v.fileio import decompression_errors

#: how a file is cut and read: one sentence per line, one token stream (text8), or whole (compressed)
LINES, TOKENS, WHOLE = "lines", "tokens", "whole"
_WHITE = b" \n\t\r\x0b\x0c"


@dataclasses.dataclass(frozen=True)
class ByteRange:
    """Nominal bytes ``[start, end)`` of ``path``, read as ``mode`` (the actual ends are aligned)."""

    path: str
    start: int
    end: int
    mode: str


def plan_ranges(source, pieces: int) -> list[ByteRange]:
    """Cut the files of ``source`` into about ``pieces`` byte ranges of similar size.

    Parameters
    ----------
    source : str or PathLike
        A corpus file or folder, as :func:`w2v.corpus.open_corpus` reads it, or an fsspec URL of one
        (:mod:`w2v.distributed.storage`).
    pieces : int
        Wanted number of ranges over all files (a compressed file is always one range).

    Returns
    -------
    list of ByteRange
        In file order, then byte order.
    """
    files = storage.list_files(source)
    per_piece = max(1, -(-sum(size for _, size in files) // max(1, int(pieces))))
    ranges = []
    for file, size in files:
        if storage.is_compressed(file):
            ranges.append(ByteRange(file, 0, size, WHOLE))
            continue
        mode = TOKENS if storage.looks_like_text8(file) else LINES
        n = max(1, -(-size // per_piece))
        bounds = [size * k // n for k in range(n + 1)]
        ranges.extend(ByteRange(file, a, b, mode) for a, b in zip(bounds[:-1], bounds[1:]) if b > a)
    return ranges


def _aligned(f, position: int, size: int, separators: bytes) -> int:
    """The first byte at or after ``position`` that starts a line (or token): just after a separator."""
    if position <= 0:
        return 0
    if position >= size:
        return size
    f.seek(position - 1)
    offset = position - 1
    while True:
        block = f.read(1 << 16)
        if not block:
            return size
        hits = [i for i in (block.find(bytes([s])) for s in separators) if i >= 0]
        if hits:
            return offset + min(hits) + 1
        offset += len(block)


class _RangeStream:
    """A read-only binary stream over the aligned bytes of one range (what the block readers take)."""

    def __init__(self, byte_range: ByteRange):
        self._file = storage.open_raw(byte_range.path)
        size = self._file.seek(0, os.SEEK_END)
        separators = b"\n" if byte_range.mode == LINES else _WHITE
        start = _aligned(self._file, byte_range.start, size, separators)
        self._left = max(0, _aligned(self._file, byte_range.end, size, separators) - start)
        self._file.seek(start)

    def read(self, n: int = -1) -> bytes:
        n = self._left if n is None or n < 0 else min(n, self._left)
        data = self._file.read(n)
        self._left -= len(data)
        return data

    def close(self) -> None:
        self._file.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def _open_range(r: ByteRange):
    """A binary stream of the text of range ``r`` (a whole compressed file decompressed).

    The range at the start of a file is checked as one process checks the file: a UTF-8
    byte-order mark is skipped, a UTF-16 or UTF-32 one refused (one-line :class:`CorpusError`).
    """
    if r.mode == WHOLE:
        return skip_byte_order_mark(storage.open_decompressed(r.path), r.path)
    stream = _RangeStream(r)
    # only a file's first range can hold its mark: the others start after a newline or white space
    return skip_byte_order_mark(stream, r.path) if r.start == 0 else stream


class RangeCorpus(readers._Corpus):
    """The sentences of a list of byte ranges, in order: a corpus object like the readers' ones.

    Parameters
    ----------
    ranges : list of ByteRange
    tokenizer : Tokenizer, optional
    max_sentence_length : int, default 10000
    """

    def __init__(self, ranges, tokenizer: Tokenizer | None = None, max_sentence_length: int = 10000):
        super().__init__(tokenizer, max_sentence_length)
        self.ranges = list(ranges)

    def _name(self) -> str:
        return f"{len(self.ranges)} byte ranges of {self.ranges[0].path!r}" if self.ranges else "no byte ranges"

    def byte_sources(self) -> list:
        """``(name, open, lines)`` of each range: what the compiled scan reads
        (:func:`w2v.corpus.file_scan.scan_files`); a text8-style range is one token stream."""
        return [(r.path, functools.partial(_open_range, r), r.mode != TOKENS) for r in self.ranges]

    def byte_count(self) -> int | None:
        """Bytes of the ranges (about: their ends are aligned when read), None with a compressed file."""
        if any(r.mode == WHOLE for r in self.ranges):
            return None
        return sum(r.end - r.start for r in self.ranges)

    def _sentences(self):
        for r in self.ranges:
            self._reading = repr(r.path)
            with decompression_errors(r.path, "corpus"):
                with _open_range(r) as stream:
                    reader = blocks.stream_tokens if r.mode == TOKENS else blocks.stream_lines
                    yield from reader(self, stream, readers.BLOCK_SIZE)


def count_ranges(ranges, tokenizer: Tokenizer | None = None, max_sentence_length: int = 10000,
                 max_vocab_size: int | None = None, workers: int = 1,
                 engine: str = "auto", phrases=None) -> tuple[dict[str, int], int, int, bool]:
    """Count the words of some byte ranges (one worker's share of the vocabulary pass).

    Parameters
    ----------
    ranges : list of ByteRange
    tokenizer : Tokenizer, optional
    max_sentence_length : int, default 10000
    max_vocab_size : int, optional
        Prune as :meth:`w2v.corpus.Vocabulary.build` does, on this share alone (counts are then
        lower bounds, as in a single process); :func:`merge_vocabulary` bounds the sum again.
    workers : int, default 1
        Threads that read and tokenize.
    engine : {"auto", "compiled", "python"}
        Which path reads the ranges (:func:`w2v.corpus.scan.choose_engine`); both count the same.
    phrases : Phrases, optional
        A fitted :class:`~w2v.corpus.Phrases` whose phrases are joined before counting.

    Returns
    -------
    counts : dict of str to int
    tokens : int
        Tokens read.
    sentences : int
    pruned : bool
        Whether ``max_vocab_size`` dropped words of this share.
    """
    from w2v.corpus.scan import scan_corpus

    scan = scan_corpus(RangeCorpus(ranges, tokenizer, max_sentence_length), workers=workers,
                       max_vocab_size=max_vocab_size, engine=engine)
    if phrases is not None:
        scan = phrases.rewrite_scan(scan)
    try:
        seen = np.flatnonzero(scan.counts)  # pruning leaves words counted zero times in the table
        words = scan.words.many_word_bytes(seen)
        counts = {w.decode("utf-8", "surrogatepass"): int(c) for w, c in zip(words, scan.counts[seen].tolist())}
        return counts, int(scan.total_tokens), int(scan.n_sentences), bool(scan.pruned)
    finally:
        scan.close()


def count_on_workers(client, ranges, owner: dict, source, min_count: int, max_vocab_size: int | None):
    """The vocabulary of the corpus, counted by each worker on its own ranges and merged here.

    Parameters
    ----------
    client : distributed.Client
    ranges : list of ByteRange
        The corpus cut by :func:`plan_ranges`.
    owner : dict of int to str
        Range index -> the worker that reads it.
    source : w2v.distributed.reading.CorpusSource
        The corpus path, tokenizer, sentence length and phrases.
    min_count, max_vocab_size : int
        As :func:`merge_vocabulary` takes them.
    """
    by_worker = defaultdict(list)
    for rid, w in owner.items():
        by_worker[w].append(ranges[rid])
    # counting keeps no state, so the scheduler may rerun a lost worker's share elsewhere
    futures = [client.submit(count_ranges, share, source.tokenizer, source.max_length, max_vocab_size,
                             phrases=source.phrases, workers=[w], allow_other_workers=True, pure=False)
               for w, share in by_worker.items()]
    return merge_vocabulary(client.gather(futures), min_count, repr(source.path), max_vocab_size)


def merge_vocabulary(shares, min_count: int, name: str = "the corpus", max_vocab_size: int | None = None):
    """One vocabulary from the counts of every worker's share, as :meth:`Vocabulary.build` makes it.

    Parameters
    ----------
    shares : iterable of (dict of str to int, int, int, bool)
        What :func:`count_ranges` returned on each worker.
    min_count : int
    name : str
        The corpus, for messages.
    max_vocab_size : int, optional
        Bound on the words kept while counting. Each share was pruned alone, so their union may
        hold up to one bound per worker: the summed counts are pruned again by word2vec.c's rule
        (forget the words counted at most ``t`` times, ``t`` = 1, 2, ... until the bound holds).
        The words kept can differ from one process's, whose pruning follows the whole text in
        order; the vocabulary says it was pruned either way.

    Returns
    -------
    Vocabulary
        Words of count >= ``min_count``, sorted by descending count then by the word, so the ids
        equal those of a single-process run on the same text (without ``max_vocab_size``).

    Raises
    ------
    CorpusError
        No token at all, or no word reaches ``min_count``.
    """
    from w2v.corpus import Vocabulary

    counter: Counter = Counter()
    total = sentences = 0
    pruned = False
    for counts, tokens, n, share_pruned in shares:
        counter.update(counts)
        total += tokens
        sentences += n
        pruned = pruned or share_pruned
    if total == 0:
        raise CorpusError(f"corpus {name} has no words: give a text file (or folder) with some text")
    threshold = 1
    while max_vocab_size is not None and len(counter) > max_vocab_size:
        counter = Counter({w: c for w, c in counter.items() if c > threshold})
        threshold += 1
        pruned = True
    kept = sorted(((w, c) for w, c in counter.items() if c >= min_count), key=lambda wc: (-wc[1], wc[0]))
    if not kept:
        from w2v.corpus.pipeline import no_word_kept

        raise no_word_kept(name, min_count, total, max(counter.values(), default=0), pruned, max_vocab_size)
    vocab = Vocabulary([w for w, _ in kept], [c for _, c in kept], total_words=total, min_count=min_count,
                       pruned=pruned)
    vocab.n_sentences = sentences
    return vocab


def check_encoded_counts(vocab, encoded_counts, name) -> None:
    """Refuse a corpus that changed between the workers' counting and their encoding: they read it
    twice (one process reads it once), and every occurrence counted is encoded, so the encoded id
    counts equal the vocabulary's counts unless the text changed. Not checked after pruning
    (``max_vocab_size``), where a word's count restarts when it is pruned and counted again, as in
    word2vec.c.

    Parameters
    ----------
    vocab : Vocabulary
        The vocabulary :func:`merge_vocabulary` made from the workers' counts.
    encoded_counts : int64 (V,)
        Occurrences of each id over every encoded range.
    name : str or PathLike
        The corpus, for the message.

    Raises
    ------
    CorpusError
        The counts differ.
    """
    if vocab.pruned or np.array_equal(encoded_counts, vocab.counts):
        return
    counted, encoded = int(np.sum(vocab.counts)), int(np.sum(encoded_counts))
    raise CorpusError(f"the corpus {str(name)!r} changed while it was read: the workers counted {counted:,} "
                      f"occurrences of its vocabulary's words, then encoded {encoded:,}"
                      + (" with other frequencies" if counted == encoded else "")
                      + "; train again once it no longer changes")

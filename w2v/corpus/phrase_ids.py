"""The token stream the phrase step works on: provisional int32 ids, sentence offsets, a word table.

>>> tokens = token_ids([["new", "york", "is"], ["in", "new", "york"]])
>>> tokens.words, tokens.ids.tolist(), tokens.offsets.tolist()
(['new', 'york', 'is', 'in'], [0, 1, 2, 3, 0, 1], [0, 3, 6])

Ids are given in first-seen order (nothing is dropped: phrase counting needs every token). This
module is the phrase step's one source of ids: a plain text file read with the white-space
tokenizer goes through a compiled scanner; anything else (other tokenizers, compressed files,
folders, in-memory lists) is read by the corpus readers and interned in Python.
"""
from __future__ import annotations

import codecs
import mmap
import os
import threading
from array import array
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from w2v.corpus.readers import LineCorpus, Text8Corpus, open_corpus


@dataclass
class TokenIds:
    """A corpus as one flat id array with sentence boundaries and the words the ids stand for.

    Attributes
    ----------
    ids : np.ndarray of int32, shape (N,)
        Token ids, sentences concatenated.
    offsets : np.ndarray of int64, shape (S + 1,)
        Sentence ``s`` is ``ids[offsets[s]:offsets[s + 1]]``; no sentence is empty.
    words : list of str
        ``words[i]`` is the token with id ``i``; distinct.
    """

    ids: np.ndarray
    offsets: np.ndarray
    words: list
    _index: dict | None = field(default=None, repr=False)

    @property
    def index(self) -> dict:
        """``word -> id`` (built on first use)."""
        if self._index is None:
            self._index = {w: i for i, w in enumerate(self.words)}
        return self._index

    def intern(self, word: str) -> int:
        """The id of ``word``, appending it to :attr:`words` if it is new."""
        index = self.index
        i = index.get(word)
        if i is None:
            i = index[word] = len(self.words)
            self.words.append(word)
        return i

    @property
    def n_sentences(self) -> int:
        """Number of sentences ``S``."""
        return int(self.offsets.shape[0] - 1)

    def sentences(self):
        """Yield every sentence as a list of str."""
        words, ids, offsets = self.words, self.ids, self.offsets
        for s in range(self.n_sentences):
            yield [words[i] for i in ids[offsets[s]:offsets[s + 1]].tolist()]


def token_ids(corpus, max_sentence_length: int = 10000, workers: int | None = None) -> TokenIds:
    """Read ``corpus`` once into a :class:`TokenIds`.

    Parameters
    ----------
    corpus : path, corpus object or list of list of str
        Anything :func:`w2v.corpus.open_corpus` accepts.
    max_sentence_length : int
        Longer sentences of a file are cut into pieces (as the corpus readers do).
    workers : int, optional
        Threads of the compiled scan (default: all cores); a file is cut at line ends.

    Returns
    -------
    TokenIds
    """
    corpus = open_corpus(corpus, max_sentence_length=max_sentence_length)
    fast = _fast_path(corpus, workers or os.cpu_count() or 1)
    if fast is not None:
        return fast
    index: dict = {}
    add = index.setdefault
    ids = array("i")
    ends = array("q", [0])
    for sentence in corpus:
        if sentence:
            ids.extend([add(w, len(index)) for w in sentence])
            ends.append(len(ids))
    return TokenIds(np.frombuffer(ids, dtype=np.int32).copy() if ids else np.zeros(0, np.int32),
                    np.frombuffer(ends, dtype=np.int64).copy(), list(index), index)


def _fast_path(corpus, workers: int) -> TokenIds | None:
    """The compiled scan for an uncompressed file read with the white-space tokenizer, else None."""
    if type(corpus) not in (LineCorpus, Text8Corpus) or corpus.tokenizer.name != "whitespace":
        return None
    path = Path(corpus.path)
    if path.suffix in (".gz", ".bz2", ".xz") or path.stat().st_size == 0:
        return None
    with open(path, "rb") as f, mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ) as data:
        if not _valid_utf8(data):
            return None          # the readers replace invalid bytes by U+FFFD; leave that to them
        return _scan_mapped(data, type(corpus) is LineCorpus, corpus.max_sentence_length, workers)


def _valid_utf8(data) -> bool:
    """Whether ``data`` (bytes-like) is valid UTF-8, checked in bounded pieces."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    step = 1 << 24
    try:
        for start in range(0, len(data), step):
            decoder.decode(data[start:start + step])
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True


def _scan_mapped(data, lines: bool, max_sentence_length: int, workers: int) -> TokenIds:
    """Scan a memory-mapped file on ``workers`` threads (pieces cut at line ends) and merge the pieces."""
    from w2v.corpus._phrases_scan_kernel import scan_whitespace

    buf = np.frombuffer(data, dtype=np.uint8)
    # a text8-style stream is cut into pieces counted from its start: scan it in one piece
    cuts = _line_cuts(data, workers if lines else 1)
    parts: list = [None] * (len(cuts) - 1)

    def scan(k: int) -> None:
        parts[k] = scan_whitespace(buf[cuts[k]:cuts[k + 1]], lines, max_sentence_length)

    threads = [threading.Thread(target=scan, args=(k,)) for k in range(1, len(parts))]
    for t in threads:
        t.start()
    scan(0)
    for t in threads:
        t.join()
    del buf
    if any(p is None for p in parts):
        raise RuntimeError("a scanning thread failed")
    words = parts[0][2].tobytes().decode("utf-8").split("\n")[:-1]
    index = {w: i for i, w in enumerate(words)}
    ids, offsets = [parts[0][0]], [parts[0][1]]
    shift = parts[0][1][-1]
    for part_ids, part_offsets, arena in parts[1:]:
        # local ids -> global ids, new words appended in first-seen order
        local = arena.tobytes().decode("utf-8").split("\n")[:-1]
        mapping = np.empty(len(local), dtype=np.int32)
        for i, w in enumerate(local):
            g = index.get(w)
            if g is None:
                g = index[w] = len(words)
                words.append(w)
            mapping[i] = g
        ids.append(mapping[part_ids])
        offsets.append(part_offsets[1:] + shift)
        shift += part_offsets[-1]
    return TokenIds(np.concatenate(ids), np.concatenate(offsets), words, index)


def _line_cuts(data, pieces: int) -> list:
    """Byte positions cutting ``data`` into about ``pieces`` parts, each cut just after a ``\\n``."""
    cuts = [0]
    for k in range(1, pieces):
        newline = data.find(b"\n", max(cuts[-1], len(data) * k // pieces))
        if newline < 0:
            break
        cuts.append(newline + 1)
    cuts.append(len(data))
    return sorted(set(cuts))

"""The result of stage 1 of the corpus pipeline: provisional ids, sentence offsets, words, counts.

>>> scan = scan_corpus("corpus.txt")                  # doctest: +SKIP
>>> scan.words.word(int(scan.ids[0])), scan.counts[:3]  # doctest: +SKIP

Made by :func:`w2v.corpus.scan.scan_corpus`; read by the later stages of
:mod:`w2v.corpus.pipeline` and by anything that rewrites the provisional stream before the
vocabulary is final (e.g. phrases): such a rewrite returns a new :class:`ScanResult`, which
:func:`new_scan_files` and :func:`map_file` help to build.
"""
from __future__ import annotations

import tempfile
from dataclasses import dataclass

import numpy as np


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

    @property
    def ids(self) -> np.ndarray:
        """Provisional ids, int32 (N,), memory-mapped."""
        return map_file(self.id_file, np.int32, self.n_tokens)

    @property
    def offsets(self) -> np.ndarray:
        """Sentence ends, int64 (S + 1,) starting at 0, memory-mapped."""
        return map_file(self.offset_file, np.int64, self.n_sentences + 1)

    def close(self) -> None:
        """Release the temporary files (memory maps made from them stay valid)."""
        self.id_file.close()
        self.offset_file.close()


def map_file(f, dtype, n: int) -> np.ndarray:
    if n == 0:
        return np.zeros(0, dtype=dtype)
    f.flush()
    # the mapping keeps the data reachable after the (already unlinked) file is closed
    return np.memmap(f, dtype=dtype, mode="r+", shape=(n,))


def new_scan_files():
    """Two nameless temporary files for an id stream and its sentence ends (the leading 0 written)."""
    id_file = tempfile.TemporaryFile()
    offset_file = tempfile.TemporaryFile()
    np.zeros(1, dtype=np.int64).tofile(offset_file)
    return id_file, offset_file


def split_long(lengths: np.ndarray, limit: int) -> np.ndarray:
    """Replace every length above ``limit`` by pieces of ``limit`` and a remainder, in order."""
    if lengths.size == 0 or lengths.max() <= limit:
        return lengths
    pieces = -(-lengths // limit)
    out = np.full(int(pieces.sum()), limit, dtype=np.int64)
    last = np.cumsum(pieces) - 1
    out[last] = lengths - (pieces - 1) * limit
    return out

"""The token stream the phrase step works on: provisional int32 ids, sentence offsets, a word table.

>>> tokens = token_ids([["new", "york", "is"], ["in", "new", "york"]])
>>> tokens.words, tokens.ids.tolist(), tokens.offsets.tolist()
(['new', 'york', 'is', 'in'], [0, 1, 2, 3, 0, 1], [0, 3, 6])

Ids are given in first-seen order (nothing is dropped: phrase counting needs every token). The ids
come from stage 1 of the corpus pipeline (:func:`w2v.corpus.scan.scan_corpus`: compiled, on worker
threads, for files); :func:`to_scan` turns a rewritten stream back into a scan for the later stages
(the phrase step is stage 2 of :mod:`w2v.corpus.pipeline`).
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from w2v.corpus.readers import open_corpus
from w2v.corpus.scan import scan_corpus

if TYPE_CHECKING:
    from w2v.corpus.scan_result import ScanResult


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


def token_ids(corpus, max_sentence_length: int = 10000, workers: int | None = None,
              progress: bool = False) -> TokenIds:
    """Read ``corpus`` once into a :class:`TokenIds` (stage 1 of :mod:`w2v.corpus.pipeline`).

    Parameters
    ----------
    corpus : path, corpus object or list of list of str
        Anything :func:`w2v.corpus.open_corpus` accepts.
    max_sentence_length : int
        Longer sentences of a file are cut into pieces (as the corpus readers do).
    workers : int, optional
        Scanning threads (default: all cores).
    progress : bool, default False
        A progress bar on stderr while files are read.

    Returns
    -------
    TokenIds
        Its ids and offsets are memory maps of the scan's nameless temporary files.
    """
    return from_scan(scan_corpus(open_corpus(corpus, max_sentence_length=max_sentence_length),
                                 workers=workers or os.cpu_count() or 1, progress=progress))


def from_scan(scan) -> TokenIds:
    """The :class:`TokenIds` of a :class:`~w2v.corpus.scan_result.ScanResult` (which it closes)."""
    tokens = TokenIds(scan.ids, scan.offsets, scan.words.words())
    scan.close()          # the memory maps stay valid
    return tokens


def to_scan(tokens: TokenIds, like) -> "ScanResult":
    """A :class:`~w2v.corpus.scan_result.ScanResult` holding ``tokens``, for the pipeline's later stages.

    Parameters
    ----------
    tokens : TokenIds
    like : ScanResult
        The scan ``tokens`` were made from: its name, decode errors and flags are kept, and the
        words it pruned (count 0) stay pruned.
    """
    from w2v.corpus.scan_result import ScanResult, WordTable, new_scan_files

    id_file, offset_file = new_scan_files()
    np.asarray(tokens.ids, dtype=np.int32).tofile(id_file)
    np.asarray(tokens.offsets[1:], dtype=np.int64).tofile(offset_file)
    counts = np.bincount(tokens.ids, minlength=len(tokens.words)).astype(np.int64)
    if like.pruned:
        old = np.asarray(like.counts)
        counts[:old.shape[0]][old == 0] = 0
    return ScanResult(id_file=id_file, offset_file=offset_file, n_tokens=int(tokens.ids.shape[0]),
                      n_sentences=tokens.n_sentences, words=WordTable.from_words(tokens.words), counts=counts,
                      total_tokens=int(tokens.ids.shape[0]), decode_errors=like.decode_errors, pruned=like.pruned,
                      sentences_cut=like.sentences_cut, name=like.name)

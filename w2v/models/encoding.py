"""Encoding a corpus for training into memory-mapped temporary files, so that the trainer's memory
stays O(V x dim) whatever the corpus length.

>>> encoded = encode_to_disk(vocab, open_corpus("big-corpus.txt"))    # doctest: +SKIP
>>> len(encoded), encoded.n_sentences

The ids and offsets go to nameless temporary files in the temporary folder (``TMPDIR``), written
in blocks of about a million tokens and memory-mapped; the files have no name (they are unlinked on
creation), so nothing is left behind even if the process is killed, and the operating system pages
them in and out as training walks through the corpus.
"""
from __future__ import annotations

import tempfile

import numpy as np

from w2v.corpus import EncodedCorpus

#: tokens buffered in Python lists before a block is written
_BLOCK = 1 << 20


def encode_to_disk(vocab, corpus, max_sentence_length: int = 10000) -> EncodedCorpus:
    """Encode ``corpus`` with ``vocab`` into memory-mapped int32 ids and int64 sentence offsets.

    Parameters
    ----------
    vocab : Vocabulary
    corpus : corpus object
        Re-iterable of token lists (from :func:`w2v.corpus.open_corpus`).
    max_sentence_length : int
        Longer sentences (after dropping out-of-vocabulary tokens) are cut into pieces.

    Returns
    -------
    EncodedCorpus
        ``ids`` int32 (N,) and ``offsets`` int64 (S + 1,), both memory maps (private to this process). Out-of-
        vocabulary tokens and empty sentences are dropped, as :meth:`Vocabulary.encode` does.
    """
    get = vocab.index.get
    with tempfile.TemporaryFile() as id_file, tempfile.TemporaryFile() as offset_file:
        ids: list[int] = []
        ends: list[int] = []
        written = 0
        np.zeros(1, dtype=np.int64).tofile(offset_file)
        for sentence in corpus:
            kept = [i for i in map(get, sentence) if i is not None]
            for start in range(0, len(kept), max_sentence_length):
                piece = kept[start:start + max_sentence_length]
                ids.extend(piece)
                ends.append(written + len(ids))
            if len(ids) >= _BLOCK:
                np.asarray(ids, dtype=np.int32).tofile(id_file)
                np.asarray(ends, dtype=np.int64).tofile(offset_file)
                written += len(ids)
                ids, ends = [], []
        np.asarray(ids, dtype=np.int32).tofile(id_file)
        np.asarray(ends, dtype=np.int64).tofile(offset_file)
        written += len(ids)
        id_file.flush()
        offset_file.flush()
        n_offsets = offset_file.tell() // 8
        id_map = _map(id_file, np.int32, written)
        offset_map = _map(offset_file, np.int64, n_offsets)
    return EncodedCorpus(ids=id_map, offsets=offset_map)


def _map(f, dtype, n: int) -> np.ndarray:
    if n == 0:
        return np.zeros(0, dtype=dtype)
    # the mapping keeps the data reachable after the (already unlinked) file is closed
    return np.memmap(f, dtype=dtype, mode="r+", shape=(n,))

"""Corpus pipeline: text -> tokens -> vocabulary -> int32 ids, plus the tables training samples from.

>>> from w2v.corpus.pipeline import build_and_encode
>>> vocab, encoded = build_and_encode("corpus.txt", min_count=5, workers=2)  # doctest: +SKIP
>>> vocab = Vocabulary.build("corpus.txt", min_count=5)                      # doctest: +SKIP

Modules: :mod:`~w2v.corpus.pipeline` (text read once: scan, optional rewrites, final vocabulary,
remap to final ids), :mod:`~w2v.corpus.scan` (stage 1: the compiled, multi-threaded scan of files
into provisional ids and counts; kernels in ``_scan_kernel``, ``_utf8_kernel`` and
``_word_table_kernel``, Unicode tables in ``_unicode_tables``), :mod:`~w2v.corpus.tokenize`
(Tokenizer, the readable reference the compiled scan is tested against), :mod:`~w2v.corpus.readers`
(streaming readers, ``open_corpus``), :mod:`~w2v.corpus.blocks` (the readers' blocks of bytes cut
into sentences), :mod:`~w2v.corpus.vocab` (Vocabulary, EncodedCorpus),
:mod:`~w2v.corpus.subsample` (keep probabilities), :mod:`~w2v.corpus.noise` (noise distribution,
alias table), :mod:`~w2v.corpus.huffman` (Huffman codes for hierarchical softmax),
:mod:`~w2v.corpus.windows` (reference window-pair generator).
"""
from w2v.corpus.huffman import HuffmanTree, build_huffman
from w2v.corpus.noise import AliasTable, noise_distribution
from w2v.corpus.readers import (FolderCorpus, LineCorpus, ListCorpus, StreamCorpus, Text8Corpus,
                                open_corpus)
from w2v.corpus.subsample import keep_probabilities
from w2v.corpus.tokenize import Tokenizer
from w2v.corpus.vocab import EncodedCorpus, Vocabulary
from w2v.corpus.windows import window_pairs

__all__ = [
    "AliasTable", "EncodedCorpus", "FolderCorpus", "HuffmanTree", "LineCorpus", "ListCorpus",
    "StreamCorpus", "Text8Corpus", "Tokenizer", "Vocabulary", "build_huffman", "keep_probabilities",
    "noise_distribution", "open_corpus", "window_pairs",
]

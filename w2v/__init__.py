"""w2v: word2vec (skip-gram / CBOW with negative sampling, hierarchical softmax, full softmax or NCE)
correct to the equations and at compiled speed, plus an n-gram language-model baseline.

>>> from w2v import Word2Vec                                  # doctest: +SKIP
>>> model = Word2Vec(architecture="skipgram", objective="negative").fit("corpus.txt")
>>> model.wv_.most_similar("king", topn=5)

Heavy sub-modules (numba kernels) are imported on first use of the names below.
"""
from __future__ import annotations

import importlib

from w2v._version import __version__

# public name -> module that defines it; resolved lazily so ``import w2v`` stays cheap
_LAZY = {
    "Word2Vec": "w2v.models.word2vec",
    "KeyedVectors": "w2v.vectors",
    "Vocabulary": "w2v.corpus.vocab",
    "Tokenizer": "w2v.corpus.tokenize",
    "NgramLM": "w2v.ngram",
    "Phrases": "w2v.corpus.phrases",
}

__all__ = ["__version__", *_LAZY]


def __getattr__(name: str):
    if name in _LAZY:
        value = getattr(importlib.import_module(_LAZY[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'w2v' has no attribute {name!r}")

"""Count-based n-gram language models: the baseline word embeddings are compared against.

>>> from w2v.ngram import NgramLM
>>> lm = NgramLM(order=3, smoothing="modified-kneser-ney").fit(train_sentences)   # doctest: +SKIP
>>> lm.perplexity(test_sentences), lm.generate(20, seed=0)

Modules: :mod:`~w2v.ngram.encoding` (vocabulary, ``<s>``/``</s>`` id stream),
:mod:`~w2v.ngram.counts` (n-gram tables as sorted packed integer keys),
:mod:`~w2v.ngram.smoothing` (the smoothing base class, MLE, add-k, Jelinek-Mercer, Witten-Bell),
:mod:`~w2v.ngram.kneser_ney` (Kneser-Ney and modified Kneser-Ney as KenLM's ``lmplz``),
:mod:`~w2v.ngram.tables` (ARPA-form model and vectorised scoring), :mod:`~w2v.ngram.model`
(``NgramLM``), :mod:`~w2v.ngram.arpa` and :mod:`~w2v.ngram.persist` (files).
"""
from w2v.ngram.arpa import read_arpa, write_arpa
from w2v.ngram.model import NgramLM, PerplexityResult
from w2v.ngram.smoothing import SMOOTHING_NAMES, make_smoothing

__all__ = ["NgramLM", "PerplexityResult", "SMOOTHING_NAMES", "make_smoothing", "read_arpa", "write_arpa"]

"""Count-based n-gram language models: the baseline word embeddings are compared against.

>>> from w2v.ngram import NgramLM
>>> lm = NgramLM(order=3, smoothing="modified-kneser-ney").fit(train_sentences)   # doctest: +SKIP
>>> lm.perplexity(test_sentences), lm.generate(20, seed=0)

Modules, each importing only those before it: :mod:`~w2v.ngram.encoding` (vocabulary,
``<s>``/``</s>`` id sequence), :mod:`~w2v.ngram.counts` (n-gram tables as sorted packed integer keys),
:mod:`~w2v.ngram.tables` (ARPA-form model and vectorised scoring), :mod:`~w2v.ngram.smoothing`
(the smoothing base class, MLE, Jelinek-Mercer, Witten-Bell), :mod:`~w2v.ngram.kneser_ney`
(Kneser-Ney and modified Kneser-Ney as KenLM's ``lmplz``), :mod:`~w2v.ngram.add_k` (add-k, its own
small model), :mod:`~w2v.ngram.methods` (the methods by name), :mod:`~w2v.ngram.arpa` and
:mod:`~w2v.ngram.persist` (files, read into plain data), :mod:`~w2v.ngram.inputs` (token lists
checked, paths read, the tokenizer recorded), :mod:`~w2v.ngram.perplexity` (``PerplexityResult``, from
per-token scores, with :mod:`~w2v.ngram.zeros` saying why an ARPA file's perplexity is infinite),
:mod:`~w2v.ngram.model` (``NgramLM``, which assembles).
"""
from w2v.ngram.methods import SMOOTHING_NAMES, make_smoothing
from w2v.ngram.model import NgramLM, PerplexityResult, read_arpa, write_arpa

__all__ = ["NgramLM", "PerplexityResult", "SMOOTHING_NAMES", "make_smoothing", "read_arpa", "write_arpa"]

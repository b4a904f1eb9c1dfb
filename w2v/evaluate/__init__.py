"""Intrinsic evaluation of word vectors: analogy questions and word-pair similarity.

>>> from w2v import KeyedVectors                                   # doctest: +SKIP
>>> from w2v.evaluate import evaluate_analogies, evaluate_word_pairs
>>> kv = KeyedVectors.load("vectors.bin")
>>> evaluate_analogies(kv).accuracy, evaluate_word_pairs(kv).spearman
(0.41..., 0.62...)

Both follow gensim 4.4's ``evaluate_word_analogies`` / ``evaluate_word_pairs`` semantics (same
question counts, accuracy and correlations on the same vectors) and default to the bundled
Google analogy set and WordSim-353. ``restrict_vocab=N`` means: only the N most frequent words
count, as question words and as answers; it is reported with every result.
"""
from w2v.evaluate._common import EvaluationError, EvaluationFileError
from w2v.evaluate.analogies import AnalogyResult, SectionResult, evaluate_analogies
from w2v.evaluate.per_epoch import EvaluateEveryEpoch
from w2v.evaluate.word_pairs import WordPairsResult, evaluate_word_pairs

__all__ = [
    "evaluate_analogies",
    "evaluate_word_pairs",
    "EvaluateEveryEpoch",
    "AnalogyResult",
    "SectionResult",
    "WordPairsResult",
    "EvaluationError",
    "EvaluationFileError",
]

"""Perplexity of a scored text: :class:`PerplexityResult`, what ``NgramLM.evaluate`` reports, and
how it is computed from the log10 probability of every token.

>>> scores = lm.tables_.score_ids(encoded.ids)                                 # doctest: +SKIP
>>> result = perplexity_result(scores, encoded, lm.smoothing_.name, lm.tables_, lm.vocab_.words)
>>> result.perplexity, result.tokens, result.oov

KenLM's conventions: ``<s>`` is never scored, every ``</s>`` is, and unknown words are scored as
``<unk>`` and counted in ``tokens``. One token of probability 0 makes the perplexity infinite; the
result then says why (for a model read from an ARPA file, :mod:`w2v.ngram.zeros` finds out which
entries of the file did it).
"""
from __future__ import annotations

import math
from dataclasses import asdict, dataclass

import numpy as np

from w2v.errors import ModelFormatError
from w2v.ngram.encoding import BOS
from w2v.ngram.zeros import arpa_zero_reason


@dataclass
class PerplexityResult:
    """What :meth:`NgramLM.evaluate <w2v.ngram.model.NgramLM.evaluate>` measured.

    Attributes
    ----------
    perplexity : float
        ``10 ** (-log10_prob / tokens)``; ``inf`` when some token has probability 0.
    tokens : int
        Scored tokens: words plus one ``</s>`` per sentence (KenLM counts the same way).
    oov : int
        Tokens not in the vocabulary, scored as ``<unk>`` and included in ``tokens``.
    sentences : int
        Non-empty sentences scored.
    log10_prob : float
        Total log10 probability.
    zero_prob : int
        Tokens with probability 0 (only possible with ``mle``).
    reason : str
        Why the perplexity is infinite, empty otherwise.
    """

    perplexity: float
    tokens: int
    oov: int
    sentences: int
    log10_prob: float
    zero_prob: int = 0
    reason: str = ""

    def to_dict(self) -> dict:
        """JSON-able dict (``perplexity`` is ``float('inf')`` when infinite)."""
        return asdict(self)


#: the highest log10 probability a scored token may have: 0 (a probability of 1) plus the rounding of
#: an ARPA file's six-decimal probabilities and back-off weights
MAX_LOG10_PROB = 1e-3


def perplexity_result(scores: np.ndarray, encoded, method: str, tables, words) -> PerplexityResult:
    """The perplexity of a text from the score of each of its ids.

    Parameters
    ----------
    scores : np.ndarray[float64] (T,)
        log10 p of every id of ``encoded.ids`` as the model scored them (``tables.score_ids``),
        ``<s>`` included (dropped here).
    encoded : EncodedText
        The text scored: ``ids`` int64 (T,), and its sentence and out-of-vocabulary counts.
    method : str
        The model's smoothing name (``"arpa"`` for a model read from an ARPA file), named in the
        reason of an infinite perplexity.
    tables : BackoffTables
        The model's tables, read only to explain the zeros of an ARPA file.
    words : list of str
        The model's vocabulary (``encoded.ids`` index it).

    Returns
    -------
    PerplexityResult

    Raises
    ------
    ModelFormatError
        A token gets a probability above 1: only a read ARPA file's broken back-off weights can do
        that, and a perplexity below 1 would follow.
    """
    scores = scores[encoded.ids != BOS]
    lifted = scores > MAX_LOG10_PROB
    if lifted.any():
        # only a read ARPA file's back-off weights can do this; a perplexity below 1 would follow
        raise ModelFormatError(f"the model gives {int(lifted.sum())} of {scores.size} tokens a probability "
                               f"above 1 (log10 up to {float(scores.max()):.3g}): its back-off weights are "
                               "broken")
    zero = int(np.count_nonzero(np.isneginf(scores)))
    total = float(scores.sum())
    tokens = encoded.n_tokens
    reason = ""
    if zero:
        ppl = math.inf
        if method == "arpa":
            reason = arpa_zero_reason(tables, words, encoded.ids, tokens)
        else:
            reason = (f"{zero} of {tokens} tokens have probability 0 under "
                      f"{method} (n-grams unseen in training); use a smoothed method")
    else:
        ppl = float(10.0 ** (-total / tokens))
    return PerplexityResult(ppl, tokens, encoded.n_oov, encoded.n_sentences, total, zero, reason)

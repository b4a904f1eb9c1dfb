"""Word-pair similarity: how well cosine similarity ranks pairs the way people do (WordSim-353).

>>> from w2v.evaluate import evaluate_word_pairs                   # doctest: +SKIP
>>> r = evaluate_word_pairs(kv)                   # bundled WordSim-353, 30,000 most frequent words
>>> round(r.spearman, 3), round(r.oov_ratio, 3)
(0.653, 0.017)

Each line is ``word1<TAB>word2<TAB>score``; lines starting with ``#`` and lines that do not parse
are skipped, as gensim's ``evaluate_word_pairs`` does. A pair with a word outside the N most
frequent is out of vocabulary: left out of the correlations and counted in ``oov_ratio``.
"""
from __future__ import annotations

import logging
import math
from dataclasses import asdict, dataclass

import numpy as np

from w2v.evaluate._common import EvaluationError, EvaluationFileError, read_text, restricted_vocab, split_lines
from w2v.fileio import shown_name

logger = logging.getLogger(__name__)


@dataclass
class WordPairsResult:
    """Correlations between model cosines and human scores.

    Attributes
    ----------
    spearman, pearson : float or None
        Rank and linear correlation over the pairs whose words are both known; None when
        undefined (all human scores or all model similarities equal), see ``reason``.
    spearman_pvalue, pearson_pvalue : float or None
        Two-sided p-values (scipy); None with the correlations, and where scipy has none for a
        defined correlation (Spearman's of two pairs).
    oov_ratio : float
        Fraction (0..1) of pairs left out for unknown words; gensim reports this times 100.
    pairs : int
        Pairs used.
    oov : int
        Pairs left out.
    restrict_vocab : int
        Number of most frequent words that counted as known.
    reason : str or None
        Why the correlations are None; None when they are defined.
    malformed : int
        Lines left out because they are not ``word1<delimiter>word2<delimiter>score``.
    """

    spearman: float | None
    pearson: float | None
    spearman_pvalue: float | None
    pearson_pvalue: float | None
    oov_ratio: float
    pairs: int
    oov: int
    restrict_vocab: int
    reason: str | None = None
    malformed: int = 0

    def to_dict(self) -> dict:
        """Plain JSON-ready dict of every field."""
        return asdict(self)


def evaluate_word_pairs(kv, path=None, restrict_vocab: int | None = 30000,
                        case_insensitive: bool = True, delimiter: str = "\t") -> WordPairsResult:
    """Correlate cosine similarities with human similarity judgements.

    Parameters
    ----------
    kv : KeyedVectors
    path : str or PathLike, optional
        Pairs file; default the bundled WordSim-353 (``w2v.data.WORD_PAIRS``).
    restrict_vocab : int or None
        Only the N most frequent words count as known (default 30,000; ``None``: all).
    case_insensitive : bool
        Compare upper-cased words; the most frequent case variant's vector is used.
    delimiter : str
        Field separator.

    Returns
    -------
    WordPairsResult
    """
    from scipy import stats

    from w2v.data import WORD_PAIRS

    path, text = read_text(path, WORD_PAIRS, "word-pair")
    lookup, n = restricted_vocab(kv, restrict_vocab, case_insensitive)
    first, second, gold = [], [], []
    oov = malformed = 0
    for line_no, line in enumerate(split_lines(text), 1):
        if not line or line.startswith("#"):
            continue
        parts = line.split(delimiter)
        try:
            if len(parts) != 3:
                raise ValueError
            score = float(parts[2])
            if not math.isfinite(score):  # float() takes "nan" and "inf"; no human score is either
                raise ValueError
        except ValueError:
            logger.info("%s: skipping line %d, not 'word1%sword2%sscore'", path, line_no,
                        delimiter, delimiter)
            malformed += 1
            continue
        a, b = (parts[0].upper(), parts[1].upper()) if case_insensitive else (parts[0], parts[1])
        if a not in lookup or b not in lookup:
            oov += 1
            continue
        first.append(lookup[a])
        second.append(lookup[b])
        gold.append(score)
    if not gold and not oov:
        raise EvaluationFileError(f"{shown_name(path)}: holds no "
                                  f"'word1{_show(delimiter)}word2{_show(delimiter)}score' line"
                                  + (f" ({malformed} malformed lines)" if malformed else " (it is empty)"))
    if malformed:
        logger.warning("%s: skipped %d malformed lines (not 'word1%sword2%sscore')", path, malformed,
                       _show(delimiter), _show(delimiter))
    if not gold:
        raise EvaluationError(f"{shown_name(path)}: no word pair to score ({oov} pairs had unknown words); "
                              "check the file format (word1<TAB>word2<TAB>score) and restrict_vocab")
    if len(gold) < 2:
        raise EvaluationError(f"{shown_name(path)}: only {len(gold)} usable word pair ({oov} had unknown words); "
                              "a correlation needs at least 2: give more pairs or raise restrict_vocab")
    unit = kv.unit_vectors
    model = np.einsum("ij,ij->i", unit[first], unit[second]).astype(np.float64)
    gold = np.asarray(gold, dtype=np.float64)
    common = dict(oov_ratio=oov / (len(gold) + oov), pairs=len(gold), oov=oov, restrict_vocab=n,
                  malformed=malformed)
    # A correlation with a constant is undefined (scipy returns NaN): say why instead.
    reason = ("a word of a pair has a non-finite vector (NaN or infinity)" if not np.isfinite(model).all() else
              "every human score is the same" if np.ptp(gold) == 0 else
              "the model gives every pair the same similarity" if np.ptp(model) == 0 else None)
    if reason is not None:
        return WordPairsResult(spearman=None, pearson=None, spearman_pvalue=None, pearson_pvalue=None,
                               reason=f"correlation undefined: {reason}", **common)
    spearman = stats.spearmanr(gold, model)
    pearson = stats.pearsonr(gold, model)
    return WordPairsResult(
        spearman=float(spearman[0]), pearson=float(pearson[0]),
        spearman_pvalue=_p_value(spearman[1]), pearson_pvalue=_p_value(pearson[1]), **common,
    )


def _p_value(value) -> float | None:
    """scipy's p-value as a float, None where scipy gives NaN (no p-value for so few pairs)."""
    value = float(value)
    return None if np.isnan(value) else value


def _show(delimiter: str) -> str:
    return "<TAB>" if delimiter == "\t" else delimiter

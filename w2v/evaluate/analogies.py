"""Analogy questions ("a is to b as c is to d") in the questions-words format of word2vec.

>>> from w2v.evaluate import evaluate_analogies                    # doctest: +SKIP
>>> r = evaluate_analogies(kv, restrict_vocab=30000)              # bundled Google set
>>> r.accuracy, r.questions, r.skipped
(0.402..., 11520, 8024)
>>> r.sections["capital-common-countries"].accuracy

The file has ``: section`` header lines followed by ``a b c d`` lines. Semantics are gensim 4.4's
``evaluate_word_analogies``: a question counts only if all four words are among the N most
frequent (others are *skipped*); the answer is the best of those N words other than the three
question words (3CosAdd, or 3CosMul with ``method="mul"``); with ``case_insensitive`` words are
compared upper-cased and a case variant of a question word is never an answer. Lines that are
not four words are ignored (not counted at all).

Questions are answered in batches: one matrix product of the distinct question words (of the
whole file, or of a run of questions when the table would pass ~128 MB) with the N searched
words, cosines combined per question (3CosAdd ranks ``cos(w, b) + cos(w, c) -
cos(w, a)``, the same order as the cosine to the normalised ``b + c - a``), then an argmax.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass, field

import numpy as np

from w2v.evaluate._common import EvaluationError, EvaluationFileError, read_text, restricted_vocab, split_lines
from w2v.fileio import shown_name
from w2v.finite import first_non_finite
from w2v.vectors import COSMUL_EPSILON, top_k

logger = logging.getLogger(__name__)

#: score elements per batch (questions x searched words): 4 MB of float32 stays in cache
_BATCH_ELEMENTS = 1_000_000
#: cosine-table elements (distinct question words x searched words) per group, ~128 MB of float32
_TABLE_ELEMENTS = 32_000_000
#: gensim looks at this many candidates before giving up on case variants of question words
_GENSIM_TOPN = 5


@dataclass
class SectionResult:
    """Counts of one ``: section`` of the question file.

    Attributes
    ----------
    correct : int
    questions : int
        Questions asked (all four words known).
    skipped : int
        Questions left out because a word is outside the N most frequent.
    """

    correct: int = 0
    questions: int = 0
    skipped: int = 0

    @property
    def accuracy(self) -> float:
        """``correct / questions``, 0.0 when no question was asked (as gensim)."""
        return self.correct / self.questions if self.questions else 0.0

    def to_dict(self) -> dict:
        """JSON-ready dict: ``accuracy``, ``correct``, ``questions`` and ``skipped``."""
        return {"accuracy": self.accuracy, "correct": self.correct, "questions": self.questions,
                "skipped": self.skipped}


@dataclass
class AnalogyResult:
    """Outcome of :func:`evaluate_analogies`.

    Attributes
    ----------
    accuracy : float
        Correct / questions over all sections (0.0 if none was asked).
    correct, questions, skipped : int
        Totals; ``questions + skipped`` is the number of well-formed lines.
    malformed : int
        Lines left out because they are not four words (nor a ``: section`` header).
    sections : dict of str to SectionResult
        In file order.
    semantic_accuracy, syntactic_accuracy : float or None
        Accuracy over sections whose name does not / does start with ``gram`` (the Google set's
        naming); ``None`` when there are no such questions.
    restrict_vocab : int
        Number of most frequent words searched.
    method : {"add", "mul"}
    """

    accuracy: float
    correct: int
    questions: int
    skipped: int
    sections: dict[str, SectionResult] = field(default_factory=dict)
    semantic_accuracy: float | None = None
    syntactic_accuracy: float | None = None
    restrict_vocab: int = 0
    method: str = "add"
    malformed: int = 0

    def to_dict(self) -> dict:
        """JSON-ready dict: ``accuracy``, ``questions``, ``skipped``, ``sections`` and the rest."""
        return {
            "accuracy": self.accuracy, "questions": self.questions, "skipped": self.skipped,
            "sections": {name: s.to_dict() for name, s in self.sections.items()},
            "correct": self.correct, "semantic_accuracy": self.semantic_accuracy,
            "syntactic_accuracy": self.syntactic_accuracy, "restrict_vocab": self.restrict_vocab,
            "method": self.method, "malformed": self.malformed,
        }


def evaluate_analogies(kv, path=None, restrict_vocab: int | None = 30000, method: str = "add",
                       case_insensitive: bool = True) -> AnalogyResult:
    """Accuracy of the vectors on analogy questions.

    Parameters
    ----------
    kv : KeyedVectors
        Words in frequency order.
    path : str or PathLike, optional
        Questions-words file; default the bundled Google set (``w2v.data.ANALOGIES``).
    restrict_vocab : int or None
        N: questions need all four words among the N most frequent, and answers are searched
        among them (default 30,000, as word2vec's compute-accuracy; ``None``: all words).
    method : {"add", "mul"}
        3CosAdd (vector offset, gensim's and word2vec's method) or 3CosMul (Levy & Goldberg 2014).
    case_insensitive : bool
        Compare upper-cased words, using the most frequent case variant's vector.

    Returns
    -------
    AnalogyResult

    Raises
    ------
    EvaluationError
        ``method`` is unknown, the file is unusable (:class:`EvaluationFileError`), or a question
        word's vector holds NaN or an infinity (edited in place; such a row that no question uses
        is only never an answer, as in :meth:`~w2v.vectors.KeyedVectors.most_similar`).
    """
    _check_method(method)
    lookup, n = restricted_vocab(kv, restrict_vocab, case_insensitive)
    path, (names, sections, rows, owner, malformed) = _read_questions(path, lookup, case_insensitive)
    if rows.size:
        keys = [w.upper() for w in kv.words[:n]] if case_insensitive else kv.words[:n]
        canonical = np.fromiter((lookup[k] for k in keys), dtype=np.int64, count=n)
        # a repeated word's later rows are never answers (the word resolves to its first row)
        never = None if kv._shadowed is None else kv._shadowed[:n]
        unit = kv.unit_vectors[:n]
        if first_non_finite(unit) >= 0:
            never = _refuse_non_finite(kv, unit, rows, never)
        right = _solve(unit, rows, canonical, method, never)
        counts = np.bincount(owner[right], minlength=len(sections))
        for section, correct in zip(sections, counts):
            section.correct = int(correct)
    result = _summarise(names, sections, n, method)
    result.malformed = malformed
    if malformed:
        logger.warning("%s: skipped %d malformed lines (not four words)", path, malformed)
    return result


def _check_method(method) -> None:
    if method not in ("add", "mul"):
        raise EvaluationError(f"analogy method must be 'add' or 'mul', not {method!r}")


def check_questions(path=None) -> None:
    """Raise :class:`EvaluationFileError` now if ``path`` (default: the bundled Google set) is not a
    usable questions-words file (missing, not a regular file, no ``: section`` header, no question):
    before a long training that evaluates it after every epoch, not at its first epoch's end."""
    _read_questions(path, {}, True)


def _read_questions(path, lookup, case_insensitive):
    """The file's path and :func:`_parse` of its text; an unusable file is an EvaluationFileError."""
    from w2v.data import ANALOGIES

    path, text = read_text(path, ANALOGIES, "analogy")
    parsed = _parse(path, text, lookup, case_insensitive)
    _, sections, _, _, malformed = parsed
    if not sections:
        raise EvaluationFileError(f"{shown_name(path)}: no ': section' header found; is this a questions-words file?")
    if sum(s.questions + s.skipped for s in sections) == 0:
        raise EvaluationFileError(f"{shown_name(path)}: holds no analogy questions ('a b c d' lines"
                                  + (f"; {malformed} malformed lines)" if malformed else ")"))
    return path, parsed


def _parse(path, text, lookup, case_insensitive):
    """Section names, per-section counters, question rows (m, 4) int64, their section ids and the
    number of malformed lines."""
    names, sections, rows, owner = [], [], [], []
    malformed = 0
    for line_no, line in enumerate(split_lines(text), 1):
        if line.startswith(": "):
            name = line.lstrip(": ").strip()
            while name in names:  # keep repeated headers apart
                name += "'"
            names.append(name)
            sections.append(SectionResult())
            continue
        words = line.split()
        if not words:
            continue
        if not sections:
            raise EvaluationFileError(f"{shown_name(path)}: line {line_no} comes before any ': section' header")
        if len(words) != 4:
            logger.info("%s: skipping line %d, not four words", path, line_no)
            malformed += 1
            continue
        if case_insensitive:
            words = [w.upper() for w in words]
        found = [lookup.get(w) for w in words]
        if None in found:
            sections[-1].skipped += 1
            continue
        sections[-1].questions += 1
        rows.append(found)
        owner.append(len(sections) - 1)
    return (names, sections, np.array(rows, dtype=np.int64).reshape(-1, 4),
            np.array(owner, dtype=np.int64), malformed)


def _refuse_non_finite(kv, unit: np.ndarray, rows: np.ndarray, never: np.ndarray | None) -> np.ndarray:
    """Rows never to answer, given that some searched rows hold NaN or an infinity (vectors edited
    in place): such a row is never an answer, as in :meth:`~w2v.vectors.KeyedVectors.most_similar`
    (argmax would take its NaN score for the best); a question that uses one cannot be answered,
    an :class:`EvaluationError` naming its word."""
    finite = np.isfinite(unit).all(axis=1)
    used = ~finite[rows]
    if used.any():
        word = kv.words[int(rows[np.nonzero(used)][0])]
        raise EvaluationError(f"the vector of {word!r}, a word of an analogy question, is not finite (NaN "
                              "or infinity): no accuracy can be computed; retrain or repair the vectors")
    return ~finite if never is None else never | ~finite


def _solve(unit: np.ndarray, rows: np.ndarray, canonical: np.ndarray, method: str,
           never: np.ndarray | None = None) -> np.ndarray:
    """Boolean (m,): whether each question (rows of a, b, c, d) is answered right.

    ``unit`` (N, d) float32 holds the searched unit vectors, ``rows`` (m, 4) int64 the questions'
    rows, ``canonical`` (N,) int64 the row each searched row answers as, and ``never`` (N,) bool
    (optional) the rows that are never an answer.
    """
    n = unit.shape[0]
    batch = max(1, _BATCH_ELEMENTS // n)
    right = np.zeros(len(rows), dtype=bool)
    for start, stop in _groups(rows, max(64, _TABLE_ELEMENTS // n)):
        distinct = np.unique(rows[start:stop, :3])
        cosines = unit[distinct] @ unit.T  # the one matrix product of this group of questions
        if method == "mul":  # 3CosMul works on cosines shifted to [0, 1]
            cosines += 1.0
            cosines *= 0.5
        for first in range(start, stop, batch):
            block = rows[first:min(first + batch, stop)]
            scores = _combine(cosines, np.searchsorted(distinct, block[:, :3]), method)
            scores[np.arange(len(block))[:, None], block[:, :3]] = -np.inf
            if never is not None:
                scores[:, never] = -np.inf
            predicted = canonical[np.argmax(scores, axis=1)]
            right[first:first + len(block)] = predicted == block[:, 3]
            # An answer that is a case variant of a question word (e.g. "Paris" when asked
            # "paris") is skipped the way gensim does it; rare, so done per question.
            clash = (predicted[:, None] == block[:, :3]).any(axis=1)
            for q in np.flatnonzero(clash):
                right[first + q] = _gensim_pick(scores[q], canonical, block[q]) == block[q, 3]
    return right


def _groups(rows: np.ndarray, max_words: int):
    """Consecutive runs of questions using at most ``max_words`` distinct words (file order keeps
    a section's few words together: the whole Google set uses ~900)."""
    start, seen = 0, set()
    for i, question in enumerate(rows[:, :3].tolist()):
        seen.update(question)
        if len(seen) > max_words and i > start:
            yield start, i
            start, seen = i, set(question)
    yield start, len(rows)


def _combine(table: np.ndarray, positions: np.ndarray, method: str) -> np.ndarray:
    """Scores (batch, N) of every searched word for each question.

    ``table`` holds cosines (add) or shifted cosines ``(1 + cos) / 2`` (mul) of the distinct
    question words; ``positions`` (batch, 3) are the table rows of each question's a, b, c.
    """
    a, b, c = positions[:, 0], positions[:, 1], positions[:, 2]
    scores = table[b]
    if method == "add":
        scores += table[c]
        scores -= table[a]
        return scores
    scores *= table[c]
    scores /= table[a] + COSMUL_EPSILON
    return scores


def _gensim_pick(scores: np.ndarray, canonical: np.ndarray, question: np.ndarray):
    """Answer as gensim picks it: first of the top 5 that is not a variant of a question word.

    If all five are variants, gensim keeps the last one (which can then equal ``d``); if there
    is no candidate at all, there is no answer.
    """
    ignore = set(question[:3].tolist())
    predicted = None
    for i in top_k(scores, min(_GENSIM_TOPN, len(scores))):
        if scores[i] == -np.inf:
            break
        predicted = int(canonical[i])
        if predicted not in ignore:
            break
    return predicted


def _summarise(names, sections, n, method) -> AnalogyResult:
    def accuracy(selected):
        asked = sum(s.questions for s in selected)
        return sum(s.correct for s in selected) / asked if asked else None

    semantic = [s for name, s in zip(names, sections) if not name.startswith("gram")]
    syntactic = [s for name, s in zip(names, sections) if name.startswith("gram")]
    correct = sum(s.correct for s in sections)
    questions = sum(s.questions for s in sections)
    skipped = sum(s.skipped for s in sections)
    if questions == 0:
        logger.warning("no analogy question has all four words among the %d most frequent", n)
    return AnalogyResult(
        accuracy=correct / questions if questions else 0.0, correct=correct, questions=questions,
        skipped=skipped, sections=dict(zip(names, sections)), semantic_accuracy=accuracy(semantic),
        syntactic_accuracy=accuracy(syntactic), restrict_vocab=n, method=method,
    )

"""A training callback that records analogy accuracy after every epoch.

>>> from w2v import Word2Vec                                       # doctest: +SKIP
>>> from w2v.evaluate import EvaluateEveryEpoch
>>> model = Word2Vec(epochs=10, callbacks=[EvaluateEveryEpoch()]).fit("corpus.txt")
>>> [round(r["analogy_accuracy"], 3) for r in model.history_]
[0.21, 0.30, 0.34, ...]

Each epoch's ``history_`` record gains ``analogy_accuracy`` and ``analogy_questions``, so the
numbers are saved with the trainer state and drawn by :func:`w2v.curves.plot_history`
(``w2v train --evaluate-every-epoch --plot-history curves.png``). The evaluation runs between
epochs and is not counted in the epoch's ``seconds`` or ``words_per_second``.
"""
from __future__ import annotations

import logging

from w2v.evaluate._common import EvaluationError, EvaluationFileError
from w2v.evaluate.analogies import _check_method, check_questions, evaluate_analogies
from w2v.fileio import check_regular_file
from w2v.vectors import resolve_restrict_vocab

logger = logging.getLogger(__name__)


class EvaluateEveryEpoch:
    """Callback ``(model, record)`` adding the analogy accuracy of ``model.wv_`` to ``record``.

    Parameters
    ----------
    questions : str or PathLike, optional
        Questions-words file (default: the bundled Google analogy set).
    restrict_vocab : int or None, default 30000
        As in :func:`w2v.evaluate.evaluate_analogies`.
    method : {"add", "mul"}, default "add"
        3CosAdd or 3CosMul.

    Attributes
    ----------
    results : list of AnalogyResult
        One per evaluated epoch, in order.
    """

    def __init__(self, questions=None, restrict_vocab: int | None = 30000, method: str = "add"):
        # settings are checked now: a bad restrict_vocab stopped the training at its first epoch's
        # end, and an unknown method read as "no question yet" skipped every evaluation
        resolve_restrict_vocab(restrict_vocab, 0)
        _check_method(method)
        # a file that can never be used fails here, before training; one whose words the vectors do
        # not know yet is only a warning at each epoch's end (below). It is read after every
        # epoch, so a pipe (read once) cannot be it
        if questions is not None:
            check_regular_file(questions, "questions file", EvaluationFileError,
                               why="it is read after every epoch, so save it to a file first")
        check_questions(questions)
        self.questions = questions
        self.restrict_vocab = restrict_vocab
        self.method = method
        self.results = []

    def __call__(self, model, record: dict) -> None:
        try:
            result = evaluate_analogies(model.wv_, self.questions, restrict_vocab=self.restrict_vocab,
                                        method=self.method)
        except EvaluationError as err:
            # no question in the vocabulary yet is not a reason to stop training
            logger.warning("epoch %s: analogy evaluation skipped: %s", record.get("epoch"), err)
            record["analogy_accuracy"] = None
            record["analogy_questions"] = 0
            return
        self.results.append(result)
        # no question asked (all words unknown so far) is no accuracy, not an accuracy of 0
        record["analogy_accuracy"] = result.accuracy if result.questions else None
        record["analogy_questions"] = result.questions
        logger.info("epoch %s: analogy accuracy %.4f on %d questions", record.get("epoch"),
                    result.accuracy, result.questions)

    def __repr__(self) -> str:
        return (f"EvaluateEveryEpoch(questions={self.questions!r}, restrict_vocab={self.restrict_vocab!r}, "
                f"method={self.method!r})")

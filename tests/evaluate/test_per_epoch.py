"""EvaluateEveryEpoch: its settings are checked when it is made, before any training."""
from __future__ import annotations

import pytest

from w2v.errors import W2VError
from w2v.evaluate import EvaluateEveryEpoch, EvaluationError


@pytest.mark.parametrize("restrict_vocab", [0, -5, 2.5, "10", True])
def test_a_bad_restrict_vocab_is_refused_before_training(restrict_vocab):
    # it was first used at the end of the first epoch: the training stopped there with the error
    with pytest.raises(W2VError, match="restrict_vocab must be a positive integer or None"):
        EvaluateEveryEpoch(restrict_vocab=restrict_vocab)


def test_an_unknown_method_is_refused_before_training():
    # its EvaluationError was taken for "no question in the vocabulary yet": a warning after every
    # epoch, each accuracy None, and the training finished as if nothing was wrong
    with pytest.raises(EvaluationError, match="'add' or 'mul'"):
        EvaluateEveryEpoch(method="max")


def test_good_settings_are_kept():
    callback = EvaluateEveryEpoch(restrict_vocab=None, method="mul")
    assert (callback.restrict_vocab, callback.method) == (None, "mul")

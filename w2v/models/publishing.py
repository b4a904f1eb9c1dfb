"""How a :class:`~w2v.models.word2vec.Word2Vec` hands out its trained input vectors as ``wv_``
without holding a second copy of its largest matrix.

>>> publish(model)                # after an epoch: nothing is copied yet          # doctest: +SKIP
>>> vectors = published(model)    # a callback reads wv_: a copy, made at this first read
>>> publish(model, final=True)    # the call ends: wv_ holds the trained matrix itself

The model keeps two attributes for this: ``_wv``, the published
:class:`~w2v.vectors.KeyedVectors` (None: made from ``_input`` when read), and ``_wv_is_input``,
whether those vectors hold ``_input`` itself. At the end of a training call ``wv_`` takes the matrix
(gensim's ``model.wv.vectors`` convention, one matrix less in memory), so the next call trains a
copy (:func:`own_input`) and vectors read before keep their values. The local training call and the
distributed driver (:mod:`w2v.distributed.driver`) publish through the model's ``_publish``,
``_publish_interrupted`` and ``_own_input``, which are the functions here.
"""
from __future__ import annotations

from w2v.finite import first_non_finite
from w2v.models import training


def published(model):
    """The vectors ``model.wv_`` returns: the published ones, or a copy of ``_input`` made now.

    Parameters
    ----------
    model : Word2Vec

    Returns
    -------
    KeyedVectors
        The vocabulary's words and counts, and float32 (V, dim) vectors.

    Raises
    ------
    AttributeError
        The model is not fitted (so ``hasattr(model, "wv_")`` is False).
    TrainingDiverged
        The input vectors hold NaN or an infinity (:func:`check_weights`).
    """
    if model._wv is None:
        if model.__dict__.get("_input") is None:
            raise AttributeError("wv_: this Word2Vec is not fitted yet")
        check_weights(model)
        from w2v.vectors import KeyedVectors

        model._wv = KeyedVectors(model.vocab_.words, model._input.copy(), model.vocab_.counts)
    return model._wv


def publish(model, final: bool = False) -> None:
    """Make ``wv_`` the vectors trained so far.

    Mid-run (``final`` False) nothing is copied until ``wv_`` is read: a copy of the matrix
    per epoch would raise the peak memory by a third for nothing. At the end of a training call
    (``final``), ``wv_`` takes the matrix itself; :func:`own_input` must then run before
    anything trains it again.

    Parameters
    ----------
    model : Word2Vec
        Holds ``vocab_`` and ``_input`` float32 (V, dim).
    final : bool, default False
        The training call has ended.
    """
    from w2v.vectors import KeyedVectors

    # the previous snapshot goes first (unless the caller holds it): two would raise the peak memory
    model._wv = None
    model._wv_is_input = bool(final)
    if final:
        model._wv = KeyedVectors(model.vocab_.words, model._input, model.vocab_.counts)


def check_weights(model) -> None:
    """Raise :class:`~w2v.errors.TrainingDiverged` when the input vectors hold NaN or an infinity.

    Each epoch ends with this check, so only a training call that diverged (or was stopped by
    Ctrl-C before its epoch's check) leaves such weights: they are no vectors (KeyedVectors
    refuses them, and no reader would take a file of them back).

    Parameters
    ----------
    model : Word2Vec
    """
    if first_non_finite(model._input) >= 0:
        raise training._diverged(model.effective_alpha, "weights")


def publish_interrupted(model) -> None:
    """On Ctrl-C: mark the run interrupted and make ``wv_`` what was trained, unless the
    weights went non-finite before the interrupt (then :class:`~w2v.errors.TrainingDiverged`, not
    vectors).

    Parameters
    ----------
    model : Word2Vec
    """
    model.interrupted_ = True
    publish(model)
    check_weights(model)
    publish(model, final=True)


def own_input(model) -> None:
    """Before a training call: if ``wv_`` holds the model's matrix, train a copy of it, so that
    vectors published before keep their values (the old matrix is freed with them once no one
    holds them).

    Parameters
    ----------
    model : Word2Vec
    """
    if model._wv_is_input:
        model._input = model._input.copy()
    publish(model)

"""gensim's habits met by :class:`~w2v.models.word2vec.Word2Vec`: its argument names turned into
one-line errors that say what to write here, and its callback objects called at the same points.

>>> refusal("vector_size", 50)
"vector_size= is gensim's argument: use dim=50"
>>> class Printer:                       # a gensim CallbackAny2Vec subclass looks like this
...     def on_epoch_end(self, model):
...         print(len(model.history_))
>>> check_callbacks([Printer(), lambda model, record: None])   # accepted: nothing raised
"""
from __future__ import annotations

from w2v.errors import ParameterError

#: gensim's Word2Vec arguments that have another name or place here -> what to write instead
GENSIM_ARGUMENTS = {
    "sentences": "the corpus goes to fit(): Word2Vec(...).fit(sentences)",
    "corpus_iterable": "the corpus goes to fit(): Word2Vec(...).fit(sentences)",
    "corpus_file": "the corpus goes to fit(): Word2Vec(...).fit('corpus.txt')",
    "vector_size": "use dim={value!r}",
    "size": "use dim={value!r}",
    "sg": "use architecture='skipgram' (sg=1) or architecture='cbow' (sg=0)",
    "hs": "use objective='hierarchical' (hs=1, negative=0) or objective='negative' (hs=0)",
    "iter": "use epochs={value!r}",
    "compute_loss": "the loss is always computed: see history_ after fit",
    "max_final_vocab": "use fit(corpus, vocabulary=Vocabulary.build(corpus, max_final_vocab=N))",
    "trim_rule": "filter the token lists before fit",
}

#: gensim's Word2Vec methods that have another name here -> what to call instead
GENSIM_METHODS = {
    "build_vocab": "fit(sentences) counts the vocabulary and trains in one call (Vocabulary.build(sentences) "
                   "alone counts it; fit(sentences, vocabulary=...) trains those words)",
    "train": "fit(sentences) trains a new model; partial_fit(sentences, epochs=...) trains a fitted one further",
    "get_latest_training_loss": "the loss of every epoch is in history_ (history_[-1]['loss'])",
    "save": "save_state('model.npz') saves the trainer; wv_.save('vectors.bin') the vectors",
}

#: the epoch hooks of gensim's CallbackAny2Vec that training calls, in the order it calls them
CALLBACK_HOOKS = ("on_train_begin", "on_epoch_begin", "on_epoch_end", "on_train_end")


def refusal(name: str, value) -> str | None:
    """The message refusing gensim's argument ``name=value``, or None if ``name`` is not one of them."""
    if name not in GENSIM_ARGUMENTS:
        return None
    return f"{name}= is gensim's argument: " + GENSIM_ARGUMENTS[name].format(value=value)


class GensimMethodError(ParameterError, AttributeError):
    """A gensim method (``build_vocab``, ``train``, ...) was asked of a Word2Vec: the message names
    the call to make instead (an ``AttributeError`` too, so ``hasattr`` is False)."""


def refuse_method(name: str):
    """Raise the :class:`GensimMethodError` for gensim's method ``name`` (a key of :data:`GENSIM_METHODS`)."""
    raise GensimMethodError(f"Word2Vec has no {name}() (gensim's method): " + GENSIM_METHODS[name])


def check_callbacks(callbacks) -> str | None:
    """Why ``callbacks`` cannot be called during training, or None when every entry can.

    Parameters
    ----------
    callbacks : sequence
        Functions ``f(model, record)`` and/or objects with any of :data:`CALLBACK_HOOKS`.
    """
    if isinstance(callbacks, (str, bytes)) or not hasattr(callbacks, "__iter__") \
            or any(hasattr(callbacks, hook) for hook in CALLBACK_HOOKS):
        return f"callbacks must be a list, got {callbacks!r}: write callbacks=[...]"
    for i, callback in enumerate(callbacks):
        if not (callable(callback) or any(callable(getattr(callback, h, None)) for h in CALLBACK_HOOKS)):
            return (f"callbacks[{i}] ({type(callback).__name__}) is neither a function callback(model, record) "
                    "nor an object with on_epoch_end(model) (gensim's CallbackAny2Vec)")
    return None


def notify(model, callbacks, hook: str, record: dict | None = None) -> None:
    """Call ``hook(model)`` on every callback object that has it; plain functions get
    ``(model, record)`` at ``on_epoch_end`` only."""
    for callback in callbacks:
        method = getattr(callback, hook, None)
        if callable(method):
            method(model)
        elif hook == "on_epoch_end" and not any(hasattr(callback, h) for h in CALLBACK_HOOKS):
            callback(model, record)

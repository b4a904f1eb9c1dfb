"""A :class:`~w2v.models.word2vec.Word2Vec`'s learned state: the arrays it trains (input vectors,
keep probabilities, output layer), its vocabulary and the bookkeeping of its training calls. Set up
fresh for ``fit``, turned into the contents of a trainer state, and rebuilt from one.

>>> initialise(model, vocab)                                     # doctest: +SKIP
>>> save_state("run.w2v.npz", *state_contents(model))            # w2v.models.state writes the file
>>> model = model_from_state(Word2Vec, *load_state("run.w2v.npz"))

The three are side by side because they set the same attributes: one learned here is one more
for each of them. The file itself (the container, the header fields every state must hold) is
:mod:`w2v.models.state`, which knows nothing of the model; what each array must hold for the
compiled kernels is checked here and by the output layer that reads it, before a kernel can see it.
The model class is a parameter, not an import: ``Word2Vec.load_state`` passes itself.
"""
from __future__ import annotations

import numpy as np

from w2v.errors import ModelFormatError
from w2v.models.output_layers import OUTPUT_LAYERS, checked_array


def initialise(model, vocab) -> None:
    """Fresh weights and sampling tables for ``vocab`` (word2vec.c's initialisation), and no
    training call yet.

    Parameters
    ----------
    model : Word2Vec
        Gives ``seed``, ``dim``, ``sample``, ``objective``, ``negative`` and ``ns_exponent``.
    vocab : Vocabulary
        V words with their counts.

    Notes
    -----
    ``_input`` becomes float32 (V, dim), uniform in ±0.5/dim; ``_keep`` float32 (V,), the
    subsampling keep probabilities; ``_layer`` the output layer with zero output weights.
    """
    from w2v.corpus import keep_probabilities

    rng = np.random.default_rng(model.seed)
    # uniform in +-0.5/dim: small enough that early dot products sit in the linear part of the sigmoid;
    # in place, so that no temporary of the matrix's size raises the peak memory
    model._input = rng.random((len(vocab), model.dim), dtype=np.float32)
    model._input -= np.float32(0.5)
    model._input /= np.float32(model.dim)
    model._keep = keep_probabilities(vocab.counts, model.sample).astype(np.float32)
    model._layer = OUTPUT_LAYERS[model.objective].create(vocab.counts, model.dim, negative=model.negative,
                                                         ns_exponent=model.ns_exponent)
    model.vocab_ = vocab
    model.history_ = []
    model.epochs_trained_ = 0
    model.interrupted_ = False
    model._calls = 0
    model._trained_params = model._current_params()
    model._call_epochs = None
    model._publish()


def state_contents(model) -> tuple[dict[str, np.ndarray], dict]:
    """What a trainer state of ``model`` holds (``Word2Vec.save_state`` writes it).

    Parameters
    ----------
    model : Word2Vec
        A fitted model (its parameters are not checked here: ``save_state`` refuses changed ones).

    Returns
    -------
    arrays : dict of str to ndarray
        ``input_vectors`` float32 (V, dim), ``counts`` int (V,), ``keep`` float32 (V,) and the
        output layer's arrays (:meth:`~w2v.models.output_layers.OutputLayer.state_arrays`).
    meta : dict
        JSON-serialisable: the parameters (all but ``callbacks``, which are code), the words, the
        history and the progress of the training calls, the corpus fingerprint.
    """
    vocab = model.vocab_
    arrays = {"input_vectors": model._input, "counts": vocab.counts, "keep": model._keep,
              **model._layer.state_arrays()}
    meta = {"params": {name: getattr(model, name) for name in model._PARAMS}, "words": vocab.words,
            "history": model.history_,
            "epochs_trained": model.epochs_trained_, "total_words": vocab.total_words,
            "min_count_effective": vocab.min_count, "vocabulary_pruned": vocab.pruned,
            "calls": model._calls, "call_epochs": model._call_epochs,
            "corpus": getattr(model, "_corpus_fingerprint", None)}
    return arrays, meta


def model_from_state(cls, arrays: dict[str, np.ndarray], meta: dict):
    """The model of a loaded state, every array checked before a kernel can see it.

    Parameters
    ----------
    cls : type
        The model class (``Word2Vec``), built with the saved parameters.
    arrays, meta
        As :func:`w2v.models.state.load_state` returns them.

    Returns
    -------
    Word2Vec
        Fitted, with ``wv_`` published from the saved input vectors.

    Raises
    ------
    ModelFormatError
        An array of the wrong type, shape or range, or a tokenizer this w2v does not know.
    KeyError, TypeError, ValueError
        A field is missing or of the wrong type (``Word2Vec.load_state`` names the file).
    """
    from w2v.corpus import Vocabulary
    from w2v.corpus.tokenize import TOKENIZER_NAMES

    tokenizer = meta["params"].get("tokenizer", "default")
    if isinstance(tokenizer, str) and tokenizer not in TOKENIZER_NAMES:
        # a name this w2v does not know: a newer one's, whose tokens resuming here would not match
        raise ModelFormatError(f"it names the tokenizer {tokenizer[:40]!r}, which this w2v does not know "
                               f"({', '.join(TOKENIZER_NAMES)}): a newer w2v wrote it; upgrade w2v")
    model = cls(**meta["params"])
    model.check_params()
    pruned = meta.get("vocabulary_pruned", False)  # absent from states written before it was stored
    if not isinstance(pruned, bool):
        raise TypeError(f"vocabulary_pruned must be true or false, got {pruned!r}")
    vocab = Vocabulary(meta["words"], arrays["counts"], total_words=meta["total_words"],
                       min_count=meta["min_count_effective"], pruned=pruned)
    size, dim = len(vocab), int(model.dim)
    model.vocab_ = vocab
    model._input = checked_array(arrays, "input_vectors", np.float32, (size, dim))
    model._keep = checked_array(arrays, "keep", np.float32, (size,), 0.0, 1.0)
    model._layer = OUTPUT_LAYERS[model.objective].from_state(
        arrays, size, dim, negative=model.negative, ns_exponent=model.ns_exponent)
    model.history_ = list(meta["history"])
    model.epochs_trained_ = int(meta["epochs_trained"])
    model.interrupted_ = False
    model._calls = int(meta.get("calls", 0))
    model._corpus_fingerprint = meta.get("corpus")
    model._trained_params = model._current_params()
    model._call_epochs = meta.get("call_epochs")  # absent (today's None) from states written before it
    model._publish()
    return model

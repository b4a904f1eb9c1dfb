"""The word2vec estimator: skip-gram or CBOW, with negative sampling, hierarchical softmax, full
softmax or NCE, trained by compiled Hogwild SGD.

>>> from w2v import Word2Vec
>>> model = Word2Vec(architecture="skipgram", objective="negative", epochs=5).fit("corpus.txt")  # doctest: +SKIP
>>> model.wv_.most_similar("king", topn=3)                                                       # doctest: +SKIP
>>> [round(h["loss"], 3) for h in model.history_]                                               # doctest: +SKIP
[3.012, 2.744, 2.651, 2.597, 2.561]

Training more
-------------
- :meth:`Word2Vec.partial_fit` continues training the fitted model on (more) text: the vocabulary
  stays as it is (words it does not know are skipped) and the learning rate restarts at ``alpha``
  and decays to ``min_alpha`` over the words of that call.
- :meth:`Word2Vec.save_state` / :meth:`Word2Vec.load_state` / :meth:`Word2Vec.resume` save the
  whole trainer and finish an interrupted :meth:`fit` or :meth:`partial_fit`: the epochs of that
  call not yet completed are trained on the same corpus with the original learning-rate schedule.
"""
from __future__ import annotations

import inspect
import logging
import os

import numpy as np

from w2v._memory import release_freed_memory
from w2v.errors import ModelFormatError, ParameterError
from w2v.fileio import shown_name
from w2v.models import compat, encoding, learned, params, publishing, training
from w2v.models.fingerprint import check_same_corpus, corpus_fingerprint
from w2v.models.params import CALL_SCHEDULE, FIXED_AFTER_FIT
from w2v.models.state import load_state, save_state


logger = logging.getLogger(__name__)


class NotFittedError(ParameterError, AttributeError):
    """A learned attribute was asked for before :meth:`Word2Vec.fit` (also an ``AttributeError``,
    so ``hasattr(model, "wv")`` is simply False)."""


class Word2Vec:
    """word2vec word embeddings, scikit-learn style: parameters here, learning in :meth:`fit`.

    Parameters
    ----------
    architecture : {"skipgram", "cbow"}, default "skipgram"
        Skip-gram predicts the center word from each context word (better for rare words); CBOW
        predicts it from the mean/sum of the context (several times faster).
    objective : {"negative", "hierarchical", "softmax", "nce"}, default "negative"
        Output layer: negative sampling, hierarchical softmax over a Huffman tree, full softmax
        (O(V) per example: small vocabularies only) or noise-contrastive estimation.
    dim : int, default 100
        Vector size.
    window : int, default 5
        Maximal context radius; each center word draws its radius uniformly from 1..window
        (at most 10,000: see :mod:`w2v.models.params` for every bound and why).
    min_count : int, default 5
        Words seen fewer times are dropped before training; 0 means the same as 1 (word2vec.c's and
        gensim's convention).
    max_vocab_size : int, optional
        Bound on distinct words held while counting (see :meth:`w2v.corpus.Vocabulary.build`).
    sample : float, default 1e-3
        Subsampling threshold for frequent words (0 disables); keep probability
        ``sqrt(t/f) + t/f`` as word2vec.c.
    negative : int, default 5
        Noise words per example (negative sampling and NCE); at most 1,000.
    ns_exponent : float, default 0.75
        Exponent of the unigram noise distribution, in [-10, 10].
    alpha : float, optional
        Initial learning rate; default 0.025 for skip-gram and 0.05 for CBOW (word2vec.c).
    min_alpha : float, optional
        Final learning rate, reached linearly over all words of all epochs; default ``alpha * 1e-4``.
    epochs : int, default 5
        Passes over the corpus.
    workers : int, optional
        Training threads (default: the number of CPU cores). With 1 worker and a fixed ``seed``
        training is bit-for-bit reproducible; with more, threads update shared weights without
        locks (Hogwild) and results vary slightly from run to run.
    seed : int, default 1
        Seeds the initial vectors and every thread's random generator.
    cbow_mean : bool, default True
        CBOW hidden vector is the mean (True) or the sum of the context vectors.
    progress : bool, default True
        Show a progress bar on stderr.
    callbacks : sequence, default ()
        Functions called as ``callback(model, record)`` at the end of every epoch, where
        ``record`` is the epoch's entry of ``history_`` and ``model.wv_`` holds the vectors so far;
        or gensim-style objects (``gensim.models.callbacks.CallbackAny2Vec``), whose
        ``on_train_begin``, ``on_epoch_begin``, ``on_epoch_end`` and ``on_train_end`` methods are
        called with the model (batch hooks are not: training runs in compiled chunks).
    shared_negatives : bool, default False
        Skip-gram only: all context words of a center word share one draw of noise words (and the
        hierarchical-softmax path), and are updated as one small batch (Ji et al. 2016). Faster;
        compare the quality on your data (``scripts/benchmark.py`` prints both).
    tokenizer : {"default", "whitespace"}, default "default"
        How text files are cut into words: ``"default"`` lowercases and keeps runs of letters and
        digits (inner ``'`` and ``-`` kept, other punctuation and ``_`` dropped); ``"whitespace"``
        splits on white space only and keeps every token as written (``C++``, ``new_york``,
        ``Paris``), for text tokenized beforehand; with either, bytes that are not UTF-8 become
        U+FFFD (a warning counts them). In-memory token lists are used as given.

    Every parameter is keyword-only (``Word2Vec(dim=50)``); the corpus goes to :meth:`fit`.
    gensim's argument names (``vector_size``, ``sg``, ``hs``, ``sentences``, ...) are refused with
    the name to use here.

    Attributes
    ----------
    wv_ : KeyedVectors
        The learned input vectors. After training, its ``vectors`` are the model's trained matrix
        itself, not a copy (gensim's ``model.wv.vectors`` convention, one matrix less in memory);
        a later training call trains a copy, so vectors read before it keep their values. Read
        during training (a callback), it is a copy made at the first read after each epoch.
    vocab_ : Vocabulary
    history_ : list of dict
        One record per epoch: ``epoch``, ``loss`` (mean loss per example, float64), ``loss_sum``,
        ``examples``, ``words`` (before subsampling), ``seconds``, ``words_per_second``, ``alpha``
        (learning rate at the end of the epoch).
    epochs_trained_ : int
        Completed epochs of the current run.
    interrupted_ : bool
        True when the last training call was stopped by Ctrl-C (``wv_`` holds what was trained).
    """

    def __new__(cls, *args, **params):
        # Here, not in __init__, so that __init__'s signature stays the plain keyword list that
        # scikit-learn introspects; gensim's habits fail at once, with the spelling to use.
        if args:
            raise ParameterError(f"Word2Vec takes keyword parameters only, got {len(args)} positional "
                                 "argument(s); the corpus goes to fit(): Word2Vec(dim=100).fit(sentences)")
        for name, value in params.items():
            if compat.refusal(name, value):
                raise ParameterError(compat.refusal(name, value))
        return super().__new__(cls)

    def __init__(self, *, architecture="skipgram", objective="negative", dim=100, window=5, min_count=5,
                 max_vocab_size=None, sample=1e-3, negative=5, ns_exponent=0.75, alpha=None,
                 min_alpha=None, epochs=5, workers=None, seed=1, cbow_mean=True, progress=True,
                 callbacks=(), shared_negatives=False, tokenizer="default"):
        self.architecture = architecture
        self.objective = objective
        self.dim = dim
        self.window = window
        self.min_count = min_count
        self.max_vocab_size = max_vocab_size
        self.sample = sample
        self.negative = negative
        self.ns_exponent = ns_exponent
        self.alpha = alpha
        self.min_alpha = min_alpha
        self.epochs = epochs
        self.workers = workers
        self.seed = seed
        self.cbow_mean = cbow_mean
        self.progress = progress
        self.callbacks = callbacks
        self.shared_negatives = shared_negatives
        self.tokenizer = tokenizer

    # gensim's methods, which are named otherwise here: asked for, each says what to call (a property
    # raising an AttributeError, not __getattr__, which would hide NotFittedError's message)
    build_vocab = property(lambda self: compat.refuse_method("build_vocab"))
    train = property(lambda self: compat.refuse_method("train"))
    get_latest_training_loss = property(lambda self: compat.refuse_method("get_latest_training_loss"))
    save = property(lambda self: compat.refuse_method("save"))

    #: the parameters a trainer state file keeps (all but ``callbacks``, which are code)
    _PARAMS = ("architecture", "objective", "dim", "window", "min_count", "max_vocab_size", "sample",
               "negative", "ns_exponent", "alpha", "min_alpha", "epochs", "workers", "seed", "cbow_mean",
               "progress", "shared_negatives", "tokenizer")
    def get_params(self, deep: bool = True) -> dict:
        """The constructor parameters as a dict (scikit-learn's contract, so ``clone`` works).

        Parameters
        ----------
        deep : bool, default True
            Accepted for scikit-learn; no parameter is itself an estimator, so both give the same.
        """
        return {**{name: getattr(self, name) for name in self._PARAMS}, "callbacks": self.callbacks}

    def set_params(self, **params) -> "Word2Vec":
        """Set constructor parameters by name (scikit-learn's contract) and return ``self``.

        Takes effect at the next :meth:`fit`; unknown names raise :class:`ParameterError`. On a
        fitted model, :meth:`partial_fit`, :meth:`resume` and :meth:`save_state` refuse changed
        parameters that made its weights and vocabulary (``architecture``, ``objective``, ``dim``,
        ``min_count``, ``max_vocab_size``, ``sample``, ``negative``, ``ns_exponent``,
        ``tokenizer``); :meth:`resume` (and :meth:`save_state` mid-run) also refuses a changed
        schedule of the unfinished call (``window``, ``alpha``, ``min_alpha``, ``seed``,
        ``cbow_mean``, ``shared_negatives``). ``epochs``, ``workers``, ``progress`` and
        ``callbacks`` may always change.

        Parameters
        ----------
        **params
            Parameter names and their new values.
        """
        valid = self.get_params()
        for name, value in params.items():
            if name not in valid:
                hint = compat.refusal(name, value) or "valid: " + ", ".join(sorted(valid))
                raise ParameterError(f"Word2Vec has no parameter {name!r}; {hint}")
            setattr(self, name, value)
        return self

    # -- gensim's names (read-only) -----------------------------------------------------------

    @property
    def wv(self):
        """gensim's name of :attr:`wv_` (the trained :class:`~w2v.vectors.KeyedVectors`)."""
        if getattr(self, "wv_", None) is None:
            raise NotFittedError("this Word2Vec is not fitted yet: call fit(corpus) first")
        return self.wv_

    @property
    def vector_size(self) -> int:
        """gensim's name of the ``dim`` parameter."""
        return self.dim

    def _notify(self, hook: str, record: dict | None = None) -> None:
        compat.notify(self, self.callbacks, hook, record)

    def _make_tokenizer(self):
        from w2v.corpus import Tokenizer

        return Tokenizer.whitespace() if self.tokenizer == "whitespace" else Tokenizer()

    def __repr__(self) -> str:
        defaults = Word2Vec().get_params()
        changed = [f"{k}={v!r}" for k, v in self.get_params().items() if v != defaults[k]]
        return f"Word2Vec({', '.join(changed)})"

    # -- resolved parameters ------------------------------------------------------------------

    @property
    def effective_alpha(self) -> float:
        """``alpha``, or its default for the architecture (0.025 skip-gram, 0.05 CBOW)."""
        if self.alpha is not None:
            return float(self.alpha)
        return 0.05 if self.architecture == "cbow" else 0.025

    @property
    def effective_min_alpha(self) -> float:
        """``min_alpha``, or ``effective_alpha * 1e-4``."""
        return float(self.min_alpha) if self.min_alpha is not None else self.effective_alpha * 1e-4

    @property
    def effective_min_count(self) -> int:
        """``min_count``, at least 1 (0 keeps every word, as 1 does)."""
        return max(1, int(self.min_count))

    @property
    def effective_workers(self) -> int:
        """``workers``, or the number of CPU cores."""
        return int(self.workers) if self.workers is not None else max(1, os.cpu_count() or 1)

    def check_params(self) -> None:
        """Raise :class:`ParameterError` naming the first invalid parameter (called by ``fit``; cheap,
        so front ends can call it before reading any text). Types, bounds and the memory the model
        needs for one word are checked: see :mod:`w2v.models.params`."""
        params.check(self)
        if self.tokenizer not in ("default", "whitespace"):
            raise ParameterError(f"tokenizer={self.tokenizer!r} is invalid: use 'default' or 'whitespace'")
        problem = compat.check_callbacks(self.callbacks)
        if problem is not None:
            raise ParameterError(f"callbacks={self.callbacks!r} is invalid: {problem}")

    # -- training -----------------------------------------------------------------------------

    def fit(self, corpus, vocabulary=None, client=None, round_words: int | None = None) -> "Word2Vec":
        """Build the vocabulary of ``corpus``, initialise the weights and train ``epochs`` passes.

        Parameters
        ----------
        corpus : path, corpus object or list of list of str
            Anything :func:`w2v.corpus.open_corpus` accepts, ``-`` and pipes included: it is read
            once, counted and encoded in the same pass (:mod:`w2v.corpus.pipeline`); files go
            through ``tokenizer``. With ``client``: a file or folder path that every worker sees, or an fsspec URL
            (``s3://bucket/corpus/``, see :mod:`w2v.distributed.storage`).
        vocabulary : Vocabulary or path, optional
            Train these words instead of counting the corpus (word2vec.c's ``-read-vocab``): a
            :class:`w2v.corpus.Vocabulary` or a file :meth:`~w2v.corpus.Vocabulary.load` reads.
            Its words counted fewer than ``min_count`` times are dropped, and corpus tokens
            outside it are skipped.
        client : distributed.Client, optional
            Train data-parallel on this Dask cluster (``pip install 'w2v[distributed]'``; see
            :mod:`w2v.distributed`); ``workers`` is then the threads per Dask worker.
        round_words : int, optional
            With ``client``: words each worker trains between two combinations of the weights.

        Returns
        -------
        Word2Vec
            ``self``, with ``wv_``, ``vocab_`` and ``history_`` set.

        Raises
        ------
        CorpusError
            Empty corpus, or no word reaches ``min_count``.
        TrainingDiverged
            Non-finite loss or weights (lower ``alpha``), also when Ctrl-C lands after the weights
            went non-finite; ``wv_`` then raises it too.
        KeyboardInterrupt
            On Ctrl-C, after the threads stopped; ``wv_`` then holds what was trained.
        """
        self.check_params()
        if client is not None:
            from w2v.distributed import fit_distributed
            given = None if vocabulary is None else encoding.given_vocabulary(self, vocabulary)
            return fit_distributed(self, corpus, client, round_words=round_words, vocabulary=given)
        if vocabulary is None:
            vocab, encoded = encoding.count_and_encode(self, corpus)
        else:
            vocab = encoding.given_vocabulary(self, vocabulary)
            encoded = encoding.encode(self, corpus, vocab)
        params.check_memory(self, len(vocab))  # before the weights are allocated
        self._initialise(vocab)
        self._corpus_fingerprint = corpus_fingerprint(encoded, len(vocab))
        self._train(encoded, first_epoch=0, epochs=self.epochs)
        return self

    def partial_fit(self, corpus, epochs: int | None = None) -> "Word2Vec":
        """Continue training a fitted model on ``corpus`` (the same text or new text).

        The vocabulary is not extended: words outside it are skipped. The learning rate restarts at
        ``alpha`` and decays to ``min_alpha`` over the words of this call, as a fresh run would;
        ``history_`` gets one more record per epoch. The schedule's parameters (``window``,
        ``alpha``, ``min_alpha``, ``seed``, ``cbow_mean``, ``shared_negatives``) may differ from the
        previous call's; those that made the weights and the vocabulary (``dim``, ``objective``, ...:
        see :meth:`set_params`) may not, which is a :class:`ParameterError`.

        Parameters
        ----------
        corpus : path, corpus object or list of list of str
        epochs : int, optional
            Passes over ``corpus`` (default ``self.epochs``).
        """
        self._require_fitted()
        self.check_params()
        params.refuse_changed(self, FIXED_AFTER_FIT, "partial_fit")
        if epochs is not None and (not isinstance(epochs, (int, np.integer)) or isinstance(epochs, bool)
                                   or not 1 <= epochs <= params.BOUNDS["epochs"][1]):
            raise ParameterError(f"epochs must be a whole number >= 1, got {epochs!r}")
        self._calls += 1
        encoded = encoding.encode(self, corpus)
        self._corpus_fingerprint = corpus_fingerprint(encoded, len(self.vocab_))  # what resume must match
        self._trained_params = self._current_params()
        # what resume must finish: this call's own count (None: the model's epochs, as fit's)
        self._call_epochs = None if epochs is None else int(epochs)
        self._train(encoded, first_epoch=0, epochs=self._planned_epochs())
        return self

    def resume(self, corpus, force: bool = False, client=None, round_words: int | None = None) -> "Word2Vec":
        """Finish a run that stopped early (Ctrl-C, or saved with :meth:`save_state` mid-run).

        Trains epochs ``epochs_trained_ .. epochs - 1`` of the interrupted call on ``corpus`` (give
        the same corpus as the interrupted :meth:`fit` or :meth:`partial_fit`) with the original
        learning-rate schedule; an epoch that was interrupted is trained again from its start.
        ``epochs`` is the count :meth:`partial_fit` was given, else the model's ``epochs`` (raise
        it to train a finished :meth:`fit` further). When the call had finished, nothing is
        trained and a warning is logged.

        Parameters
        ----------
        corpus : path, corpus object or list of list of str
        force : bool, default False
            Train even when ``corpus`` is not the one the run was trained on (its fingerprint, the
            count of each vocabulary word, differs from the one saved); otherwise that is a
            :class:`CorpusError`. A distributed run checks it too, from the workers' counts.
        client, round_words
            As in :meth:`fit`.

        Raises
        ------
        ParameterError
            A parameter other than ``epochs``, ``workers``, ``progress`` and ``callbacks`` was changed
            since the interrupted call (:meth:`set_params`): the run would not be the one it finishes.
        """
        self._require_fitted()
        self.check_params()
        params.refuse_changed(self, FIXED_AFTER_FIT, "resume")
        planned = self._planned_epochs()
        finished = self.epochs_trained_ >= planned
        if finished:
            # nothing is trained; in one process the corpus is still checked (and the CLI writes its
            # outputs), a cluster is not called at all
            logger.warning("nothing left to train: the last training call had finished its %d epoch%s (resume "
                           "finishes an interrupted call)", planned, "s" * (planned != 1))
        else:
            params.refuse_changed(self, CALL_SCHEDULE, "resume")
        if client is not None:
            if finished:
                return self
            if planned != self.epochs:
                raise ParameterError(f"the interrupted call was partial_fit(epochs={planned}), which a cluster "
                                     "does not resume: resume it without client")
            from w2v.distributed import fit_distributed
            return fit_distributed(self, corpus, client, round_words=round_words, resume=True, force=force)
        encoded = encoding.encode_as_fitted(self, corpus)
        current = corpus_fingerprint(encoded, len(self.vocab_))
        name = f"{os.fspath(corpus)!r}" if isinstance(corpus, (str, os.PathLike)) else "the corpus"
        check_same_corpus(getattr(self, "_corpus_fingerprint", None), current, name, force)
        if finished:
            return self
        self._corpus_fingerprint = current
        self._train(encoded, first_epoch=self.epochs_trained_, epochs=planned)
        return self

    def _require_fitted(self) -> None:
        if getattr(self, "vocab_", None) is None:
            raise ParameterError("this Word2Vec is not fitted yet: call fit(corpus) first")

    # kept a method: the distributed driver (and tests) call model._initialise(vocab)
    _initialise = learned.initialise

    #: epochs the last training call planned when it was not the model's ``epochs`` (partial_fit's)
    _call_epochs = None

    def _planned_epochs(self) -> int:
        """Epochs of the last training call, which :meth:`resume` finishes."""
        return int(self.epochs) if self._call_epochs is None else self._call_epochs

    def _current_params(self) -> dict:
        return {name: getattr(self, name) for name in self._PARAMS}

    #: the published vectors (None: made from ``_input`` when read) and whether they are ``_input``
    #: itself: see :mod:`w2v.models.publishing`
    _wv = None
    _wv_is_input = False

    @property
    def wv_(self):
        """The learned input vectors (see the class's Attributes)."""
        return publishing.published(self)

    # kept methods: the distributed driver publishes through them too, around its own epochs
    _publish = publishing.publish
    _publish_interrupted = publishing.publish_interrupted
    _own_input = publishing.own_input

    def _train(self, encoded, first_epoch: int, epochs: int) -> None:
        """Train epochs ``first_epoch .. epochs - 1`` on ``encoded`` (the rate decays over all of them)."""
        n_words = len(encoded)
        plan = training.Plan(
            architecture=self.architecture, shared_negatives=bool(self.shared_negatives),
            cbow_mean=bool(self.cbow_mean), window=int(self.window), alpha=self.effective_alpha,
            min_alpha=self.effective_min_alpha, words_planned=max(1, n_words * epochs), epochs=epochs,
            workers=self.effective_workers, seed=int(self.seed))
        self._own_input()
        # what reading the corpus freed (its threads' word tables) would otherwise stay resident all run
        release_freed_memory()
        trainer = training.Trainer(plan, self._input, self._layer, self._keep, progress_bar=bool(self.progress))
        self.interrupted_ = False
        self.epochs_trained_ = first_epoch
        logger.info("training %s + %s on %d words x %d epochs (from epoch %d), %d threads",
                    self.architecture, self.objective, n_words, epochs, first_epoch + 1, plan.workers)
        try:
            self._notify("on_train_begin")
            trainer.train(encoded, first_epoch, self._calls, self.history_, on_epoch_end=self._epoch_done,
                          on_epoch_begin=lambda: self._notify("on_epoch_begin"))
            self._publish(final=True)
            self._notify("on_train_end")
        except KeyboardInterrupt:
            # wherever Ctrl-C lands (inside an epoch, between epochs, in a callback), wv_ holds
            # what was trained and interrupted_ tells the caller to keep it
            self._publish_interrupted()
            raise

    def _epoch_done(self, record: dict) -> None:
        """After each epoch: publish the vectors so far, then run the user's callbacks."""
        self.epochs_trained_ += 1
        self._publish()
        self._notify("on_epoch_end", record)

    # -- persistence --------------------------------------------------------------------------

    def save_state(self, path: str | os.PathLike) -> None:
        """Save the whole trainer (weights, vocabulary, parameters, history) to one ``.npz`` file.

        The file holds numeric arrays and a JSON document only (no pickle) and is written
        atomically. :meth:`load_state` reads it back; :meth:`resume` then finishes the run.
        Parameters changed since training that the saved weights do not match (see
        :meth:`set_params`) are a :class:`ParameterError`: such a state would not load, or would
        resume another run.

        Parameters
        ----------
        path : str or PathLike
            Destination (its folder must exist).
        """
        self._require_fitted()
        unfinished = self.epochs_trained_ < self._planned_epochs()
        params.refuse_changed(self, FIXED_AFTER_FIT + (CALL_SCHEDULE if unfinished else ()), "save_state")
        save_state(path, *learned.state_contents(self))

    @classmethod
    def load_state(cls, path: str | os.PathLike) -> "Word2Vec":
        """Read a trainer saved by :meth:`save_state` (``callbacks`` are not saved: set them again)."""
        arrays, meta = load_state(path)
        try:
            return learned.model_from_state(cls, arrays, meta)
        except ModelFormatError as err:
            raise ModelFormatError(f"{shown_name(path)}: not a usable w2v trainer state: {err}") from None
        except (KeyError, TypeError, ValueError) as err:
            raise ModelFormatError(f"{shown_name(path)}: not a complete w2v trainer state "
                                   f"({type(err).__name__}: {err}); save it again with --save-state") from None


# __new__ takes (*args, **params) only to turn gensim habits into clear errors; help() and IDEs
# should show the real keyword parameters
Word2Vec.__signature__ = inspect.signature(Word2Vec.__init__).replace(
    parameters=list(inspect.signature(Word2Vec.__init__).parameters.values())[1:])

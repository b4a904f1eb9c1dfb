"""``NgramLM``: the count-based language model estimator, p(w_t | previous n-1 words).

>>> lm = NgramLM(order=3, smoothing="modified-kneser-ney").fit(train_sentences)   # doctest: +SKIP
>>> lm.perplexity(test_sentences)
336.85
>>> lm.score(["the", "jury", "said"])          # log10 p, <s> ... </s> included like KenLM
>>> " ".join(lm.generate(20, seed=1))

Conventions (KenLM's): every sentence is wrapped in ``<s> ... </s>``; ``</s>`` is predicted and
counted as a token, ``<s>`` never is; training words seen fewer than ``min_count`` times and words
unknown at scoring time are the ordinary word ``<unk>`` (its tokens are counted in perplexity, and
reported as ``oov``). Scores are log10. Empty sentences are skipped by ``fit`` and ``evaluate``.

A sentence is a list of tokens, never a string: a string where a token list belongs raises
:class:`~w2v.ngram.inputs.TokenListError` with the call to write instead (a string would otherwise be read as a
sequence of one-character words). The same questions asked the way other toolkits ask them:

- KenLM ``model.score("the cat", bos=True, eos=True)``: ``lm.score("the cat".split())``
- KenLM ``model.perplexity("the cat")``: ``lm.perplexity([["the", "cat"]])``
- nltk.lm ``lm.score("cat", ["the"])``: ``lm.prob("cat", ["the"])``
- nltk.lm ``lm.logscore("cat", ["the"])``: ``lm.logprob("cat", ["the"])`` (log10 here, log2 in nltk)
"""
from __future__ import annotations

import copy
import logging
import math
import os
from typing import Iterator, Sequence

import numpy as np

from w2v.errors import CorpusError, ModelFormatError, W2VError
from w2v.ngram.arpa import read_arpa_tables, write_arpa_tables
from w2v.ngram.counts import NgramCounts
from w2v.ngram.encoding import BOS, EOS, UNK, NgramVocab, build_and_encode, encode
from w2v.ngram.inputs import (TokenListError, check_context, check_sentence, check_word, corpus_reader, materialise,
                              recorded_tokenizer)
from w2v.ngram.methods import make_smoothing, rebuild_smoothing
from w2v.ngram.perplexity import PerplexityResult, perplexity_result
from w2v.ngram.persist import ModelHeader, is_arpa_file, read_model_file, write_model_file
from w2v.ngram.smoothing import Smoothing
from w2v.ngram.tables import MAX_ORDER, BackoffTables

__all__ = ["NgramLM", "PerplexityResult", "TokenListError", "read_arpa", "write_arpa"]

logger = logging.getLogger(__name__)


class NgramLM:
    """Back-off / interpolated n-gram language model over numpy count tables.

    Parameters
    ----------
    order : int
        ``n``: the model conditions on the previous ``n - 1`` words (default 3, a trigram); at
        most ``MAX_ORDER`` (100: far beyond useful, since long n-grams are almost never seen twice,
        and costly: scoring keeps 8 bytes per token and order). Files of a higher order are
        refused when read.
    smoothing : str or Smoothing
        ``"mle"``, ``"add-k"``, ``"interpolated"`` (Jelinek-Mercer), ``"witten-bell"``,
        ``"kneser-ney"`` or ``"modified-kneser-ney"`` (the default, the best of them and KenLM's
        ``lmplz``), or a configured :class:`w2v.ngram.smoothing.Smoothing` object.
    min_count : int
        Training words seen fewer times become ``<unk>`` (default 2: singletons train ``<unk>``).
    k : float
        Pseudo-count of ``add-k`` (default 1, Laplace); ignored by other methods.

    Attributes
    ----------
    vocab_ : NgramVocab
        Words by id: ``<unk>``, ``<s>``, ``</s>``, then by descending training count.
    tables_ : BackoffTables
        The fitted model in ARPA form.
    smoothing_ : Smoothing
        The smoothing object, with learned values in ``smoothing_.fitted_``.
    train_tokens_ : int
        Training tokens (words plus ``</s>``).
    tokenizer_ : str or None
        Name of the tokenizer the training text went through, as ``w2v ngram train --tokenizer``
        names it: ``"default"`` for a path, the name of a corpus object's tokenizer when it is
        ``Tokenizer()`` or ``Tokenizer.whitespace()``; None for token lists and for a tokenizer
        configured otherwise (no name reproduces it). Native model files keep it, so scoring can
        read text the same way; ARPA files have no place for it.
    """

    def __init__(self, order: int = 3, smoothing: str | Smoothing = "modified-kneser-ney",
                 min_count: int = 2, k: float = 1.0):
        self.order = order
        self.smoothing = smoothing
        self.min_count = min_count
        self.k = k

    def __repr__(self) -> str:
        return (f"NgramLM(order={self.order}, smoothing={self.smoothing!r}, "
                f"min_count={self.min_count}, k={self.k})")

    # ------------------------------------------------------------------ fitting
    def _make_smoothing(self) -> Smoothing:
        if isinstance(self.smoothing, Smoothing):
            # fit() must not change the object the caller configured (scikit-learn's rule)
            return copy.deepcopy(self.smoothing)
        params = {"k": self.k} if self.smoothing == "add-k" else {}
        try:
            return make_smoothing(self.smoothing, **params)
        except ValueError as err:
            raise W2VError(str(err)) from None

    def check_params(self) -> None:
        """Raise a one-line :class:`W2VError` for an invalid ``order``, ``min_count``, smoothing
        parameter (``k``, lambdas, discounts) or one that does not fit the order (called by
        :meth:`fit`; cheap, so front ends call it before opening any text)."""
        if not isinstance(self.order, (int, np.integer)) or not 1 <= self.order <= MAX_ORDER:
            raise W2VError(f"order must be an integer from 1 to {MAX_ORDER}, got {self.order!r}")
        if not isinstance(self.min_count, (int, np.integer)) or self.min_count < 1:
            raise W2VError(f"min_count must be an integer >= 1, got {self.min_count!r}")
        try:
            self._make_smoothing().check_order(self.order)
        except ValueError as err:
            raise W2VError(str(err)) from None

    def fit(self, sentences, heldout=None) -> "NgramLM":
        """Count n-grams and estimate the smoothed model.

        Parameters
        ----------
        sentences : iterable of list of str, or path
            Tokenised training sentences, or anything :func:`w2v.corpus.open_corpus` accepts. A
            path is read with the default tokenizer, and ``tokenizer_`` records which one read the
            text (see the class's attributes).
        heldout : iterable of list of str, or path, optional
            Held-out sentences for methods with fitted parameters (``interpolated``). A path is read
            as the training text was, with the tokenizer (and ``max_sentence_length``) of the
            corpus object given as ``sentences`` (held-out text tokenized otherwise would not hold
            the training words); after a path or token lists, with the default tokenizer. When
            omitted, every tenth training sentence is held out to fit them, and the final counts
            use all sentences.

        Returns
        -------
        self
        """
        self.check_params()
        smoothing = self._make_smoothing()
        tokenizer = recorded_tokenizer(sentences)
        reader = corpus_reader(sentences)
        sentences = materialise(sentences, "fit")
        vocab, encoded = build_and_encode(sentences, self.min_count)
        counts = NgramCounts.from_ids(encoded.ids, self.order, len(vocab))
        if smoothing.uses_heldout:
            if heldout is not None:
                fit_counts = counts
                heldout_ids = encode(vocab, materialise(heldout, "fit", reader)).ids
            else:
                # parameters fitted on text the counts have not seen, then re-used with all counts
                fit_counts = NgramCounts.from_ids(
                    encode(vocab, [s for i, s in enumerate(sentences) if i % 10 != 9]).ids,
                    self.order, len(vocab))
                heldout_ids = encode(vocab, sentences[9::10]).ids
            try:
                smoothing.fit_heldout(fit_counts, heldout_ids)
            except ValueError as err:
                raise CorpusError(f"{err}: give more sentences or pass held-out text "
                                  "(heldout=..., or --heldout on the command line)") from None
        self.vocab_ = vocab
        self.smoothing_ = smoothing
        self.tables_ = smoothing.estimate(counts)
        self.train_tokens_ = encoded.n_tokens
        self.tokenizer_ = tokenizer
        logger.info("fitted %d-gram %s model: %d words, %s n-grams", self.order, smoothing.name,
                    len(vocab), [len(k) for k in self.tables_.keys])
        return self

    def _check_fitted(self) -> None:
        if not hasattr(self, "tables_"):
            raise W2VError("this NgramLM is not fitted yet: call fit(sentences) or NgramLM.load(path)")

    # ------------------------------------------------------------------ scoring
    def _ids(self, words: Sequence[str]) -> np.ndarray:
        get = self.vocab_.index.get
        return np.array([get(w, 0) for w in words], dtype=np.int64)

    def logprob(self, word: str, context: Sequence[str] = ()) -> float:
        """log10 p(word | context).

        Parameters
        ----------
        word : str
            The predicted word (``"</s>"`` for the sentence end; unknown words are ``<unk>``).
        context : sequence of str
            Previous words, oldest first; start it with ``"<s>"`` for a sentence start.

        Raises
        ------
        TokenListError
            ``word`` is not a string or ``context`` is a string.
        """
        check_word(word, context, "logprob")
        self._check_fitted()
        ids = self._ids(list(context)[-(self.tables_.order - 1):] + [word]
                           if self.tables_.order > 1 else [word])
        if ids[-1] == BOS:
            return -math.inf
        return float(self.tables_.score_ids(ids)[-1])

    def prob(self, word: str, context: Sequence[str] = ()) -> float:
        """p(word | context) (see :meth:`logprob`); nltk.lm's ``score(word, context)``."""
        check_word(word, context, "prob")
        return 10.0 ** self.logprob(word, context)

    def full_scores(self, sentence: Sequence[str], bos: bool = True, eos: bool = True):
        """Per-token ``(log10 p, n-gram length, oov)`` like KenLM's ``full_scores``.

        Unknown words are scored as ``<unk>``, and so is a literal ``<s>`` or ``</s>`` in the
        sentence (as in :meth:`evaluate`).

        Parameters
        ----------
        sentence : list of str
        bos, eos : bool
            Start from ``<s>`` / score a final ``</s>``.

        Returns
        -------
        list of (float, int, bool)

        Raises
        ------
        TokenListError
            ``sentence`` is a string, or ``bos``/``eos`` are not booleans.
        """
        check_sentence(sentence, bos, eos, "full_scores")
        self._check_fitted()
        words = (["<s>"] if bos else []) + list(sentence) + (["</s>"] if eos else [])
        inner = self._ids(sentence)
        # a literal <s> or </s> inside the sentence is no boundary: <unk>, as encode() (and so
        # evaluate) maps it
        inner[(inner == BOS) | (inner == EOS)] = UNK
        ids = np.concatenate([[BOS] if bos else [], inner, [EOS] if eos else []]).astype(np.int64)
        scores, lengths = self.tables_.score_ids(ids, return_order=True)
        start = 1 if bos else 0
        oov = [w not in self.vocab_.index for w in words]
        return [(float(scores[i]), int(lengths[i]), oov[i]) for i in range(start, len(words))]

    def score(self, sentence: Sequence[str], bos: bool = True, eos: bool = True) -> float:
        """Total log10 probability of one tokenised sentence (KenLM's ``score``, on a token list).

        Parameters
        ----------
        sentence : list of str
            One sentence, tokenised (``text.split()`` for white-space separated text).
        bos, eos : bool
            Start from ``<s>`` / score a final ``</s>``.
        """
        check_sentence(sentence, bos, eos, "score")
        return float(sum(s for s, _, _ in self.full_scores(sentence, bos, eos)))

    def evaluate(self, sentences) -> PerplexityResult:
        """Score a whole text at once (vectorised) and report its perplexity.

        Parameters
        ----------
        sentences : iterable of list of str, or path
            Tokenised sentences (or anything :func:`w2v.corpus.open_corpus` accepts).

        Returns
        -------
        PerplexityResult
        """
        self._check_fitted()
        encoded = encode(self.vocab_, materialise(sentences, "evaluate"))
        if encoded.n_sentences == 0:
            raise CorpusError("the text to score holds no words: give at least one non-empty sentence")
        result = perplexity_result(self.tables_.score_ids(encoded.ids), encoded, self.smoothing_.name,
                                   self.tables_, self.vocab_.words)
        if result.zero_prob:
            logger.warning("perplexity is infinite: %s", result.reason)
        return result

    def perplexity(self, sentences) -> float:
        """Perplexity of a text (``inf``, with a logged reason, if a token has probability 0).

        Parameters
        ----------
        sentences : iterable of list of str, or path
            As :meth:`evaluate`.
        """
        return self.evaluate(materialise(sentences, "perplexity")).perplexity

    def next_word_distribution(self, context: Sequence[str] = ("<s>",)) -> np.ndarray:
        """p(w | context) for every word of ``vocab_.words``.

        Parameters
        ----------
        context : sequence of str
            Previous words, oldest first; ``"<s>"`` first for a sentence start.

        Returns
        -------
        np.ndarray[float64] (V,)
            Sums to 1; the entry of ``<s>`` is 0.
        """
        check_context(context, "next_word_distribution")
        self._check_fitted()
        return self.tables_.distribution(self._ids(list(context)))

    def generate(self, n_words: int = 50, seed: int | None = None,
                 context: Sequence[str] | None = None) -> list[str]:
        """Sample ``n_words`` tokens; each ``"</s>"`` ends a sentence and the next starts afresh.

        Parameters
        ----------
        n_words : int
            Tokens to draw (``</s>`` included).
        seed : int, optional
            Seed of the random generator (reproducible output).
        context : sequence of str, optional
            Words the text continues from, oldest first: start it with ``"<s>"`` to continue from a
            sentence start, else the words are read as the middle of a sentence (as in
            :meth:`logprob`). Default (or empty): a sentence start.
        """
        if context is not None:
            check_context(context, "generate")  # here, not in the generator: refused at the call
        return list(self.iter_generate(n_words, seed=seed, context=context))

    def iter_generate(self, n_words: int = 50, seed: int | None = None,
                      context: Sequence[str] | None = None) -> Iterator[str]:
        """Yield the tokens :meth:`generate` returns, one at a time as they are drawn (same seed, same
        tokens), so that a caller can print them as they come or stop early.

        Parameters
        ----------
        n_words, seed, context
            As in :meth:`generate`.
        """
        if context is not None:
            check_context(context, "generate")
        self._check_fitted()
        rng = np.random.default_rng(seed)
        # <s> only where the caller put it: a context without it continues a sentence in its middle
        history = list(self._ids(list(context))) if context else [BOS]
        for _ in range(int(n_words)):
            # a read ARPA file's weights may overflow (10 ** 1e30) or leave no word: checked below
            with np.errstate(over="ignore", invalid="ignore"):
                probs = self.tables_.distribution(np.array(history, dtype=np.int64))
                cdf = np.cumsum(probs)
            total = cdf[-1]
            if not (np.isfinite(total) and total > 0):
                after = " ".join(self.vocab_.words[w] for w in history)
                raise ModelFormatError(f"the model's probabilities after {after!r} sum to {total:g}, not to a "
                                       "distribution: its back-off weights or probabilities are broken")
            word = min(int(np.searchsorted(cdf, rng.random() * total, side="right")), len(probs) - 1)
            # rounding may put the draw at the very end, past the last word that can follow: step
            # back over the words of probability 0 there (elsewhere the cdf rises at the word drawn)
            while probs[word] <= 0:
                word -= 1
            yield self.vocab_.words[word]
            history = [BOS] if word == EOS else (history + [word])[-max(self.tables_.order - 1, 1):]

    # ------------------------------------------------------------------ persistence
    def save(self, path: str | os.PathLike) -> None:
        """Write the model as one ``.npz`` file (arrays + JSON metadata, no pickle), atomically.

        Parameters
        ----------
        path : str or PathLike
            Destination, used as given (no ``.npz`` suffix is added).
        """
        self._check_fitted()
        smoothing = self.smoothing_
        header = ModelHeader(smoothing=smoothing.name, params=smoothing.params(), fitted=smoothing.fitted_,
                             min_count=int(self.min_count), train_tokens=int(getattr(self, "train_tokens_", 0)),
                             tokenizer=getattr(self, "tokenizer_", None))
        write_model_file(path, header, self.vocab_.words, self.tables_)

    @classmethod
    def load(cls, path: str | os.PathLike) -> "NgramLM":
        """Read a model saved by :meth:`save`, or an ARPA file (detected from the content).

        A saved model comes back with the constructor parameters it was saved with (``order``,
        ``min_count``, the smoothing method with add-k's ``k`` or explicit lambdas or discounts),
        so that a refit estimates the same model; ``k`` is saved for add-k only (the other
        methods ignore it). A model read from an ARPA file has ``smoothing="arpa"``.

        Parameters
        ----------
        path : str or PathLike

        Raises
        ------
        ModelFormatError
            The file is neither, or is damaged.
        """
        if is_arpa_file(path):
            return cls.from_arpa(path)
        vocab, tables, header = read_model_file(path)  # checks what rebuild_smoothing reads
        smoothing = rebuild_smoothing(header.smoothing, header.params, header.fitted, tables.order)
        if smoothing is None:
            # a method (or a parameter of one) this w2v does not know, a newer one's: the tables still score
            smoothing = _Loaded(header.smoothing)
        lm = _assemble(vocab, tables, smoothing, header.min_count, header.train_tokens)
        lm.smoothing, lm.k = _constructor_smoothing(smoothing, lm.k)
        lm.tokenizer_ = header.tokenizer
        return lm

    def to_arpa(self, path: str | os.PathLike, max_dense_entries: int | None = None) -> None:
        """Write the model as a standard ARPA file (log10 probabilities and back-off weights).

        Exact for every method (add-k by listing every word after every seen context, refused
        with :class:`~w2v.errors.ModelFormatError` when that exceeds ``max_dense_entries``,
        default 5 million n-grams).
        """
        self._check_fitted()
        tables = self.tables_.as_backoff(max_dense_entries, self.smoothing_.name)
        write_arpa_tables(path, self.vocab_.words, tables)

    @classmethod
    def from_arpa(cls, path: str | os.PathLike) -> "NgramLM":
        """Read an ARPA file into a model that scores exactly as the file says.

        The model has ``smoothing_.name == "arpa"``: it can be scored, sampled, saved and
        written back to ARPA, but not re-estimated.
        """
        vocab, tables = read_arpa_tables(path)
        return _assemble(vocab, tables, _Loaded("arpa"), min_count=1)


def read_arpa(path: str | os.PathLike) -> NgramLM:
    """Read an ARPA file into an :class:`NgramLM` (same as :meth:`NgramLM.from_arpa`)."""
    return NgramLM.from_arpa(path)


def write_arpa(lm: NgramLM, path: str | os.PathLike, max_dense_entries: int | None = None) -> None:
    """Write a fitted model as an ARPA file (same as :meth:`NgramLM.to_arpa`)."""
    lm.to_arpa(path, max_dense_entries)


def _assemble(vocab: NgramVocab, tables: BackoffTables, smoothing: Smoothing, min_count: int,
              train_tokens: int = 0) -> NgramLM:
    """A fitted :class:`NgramLM` from what a file held."""
    lm = NgramLM(order=tables.order, smoothing=smoothing.name, min_count=min_count)
    lm.vocab_ = vocab
    lm.tables_ = tables
    lm.smoothing_ = smoothing
    lm.train_tokens_ = train_tokens
    lm.tokenizer_ = None
    return lm


def _constructor_smoothing(smoothing: Smoothing, k: float) -> tuple[str | Smoothing, float]:
    """The ``smoothing`` and ``k`` parameters of an :class:`NgramLM` that estimates as ``smoothing``
    (read from a file) does: its name, with add-k's ``k``, when the name alone makes it; else an
    unfitted copy configured with its parameters (explicit lambdas or discounts). ``k`` is kept for
    other methods, which ignore it."""
    if isinstance(smoothing, _Loaded):
        return smoothing.name, k
    params = smoothing.params()
    if smoothing.name == "add-k":
        return smoothing.name, params["k"]
    if params == make_smoothing(smoothing.name).params():
        return smoothing.name, k
    return make_smoothing(smoothing.name, **params), k


class _Loaded(Smoothing):
    """Stand-in smoothing of a model read from a file whose estimator is not rebuilt (ARPA)."""

    def __init__(self, name: str):
        super().__init__()
        self.name = name

    def interpolation(self, counts, n):
        raise W2VError(f"a model read as {self.name!r} cannot be re-estimated: fit a new NgramLM")

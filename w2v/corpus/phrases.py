"""Phrase detection (word2vec.c's ``word2phrase``, gensim's ``Phrases``): "new york" -> ``new_york``.

>>> from w2v import Phrases
>>> phrases = Phrases(threshold=[200, 100]).fit("corpus.txt")        # doctest: +SKIP
>>> phrases.phrase_table()[:2]                                       # doctest: +SKIP
[('los_angeles', 212, 3310.4), ('new_york_times', 95, 2711.9)]
>>> next(iter(phrases.transform("corpus.txt")))                      # doctest: +SKIP
['the', 'new_york_times', 'said']

A pass counts every token and every *candidate*: two adjacent words ``a b`` of a sentence, or, with
``connector_words``, two words with only connector words between them ("bank of america"). Each
candidate is scored (:mod:`w2v.corpus.phrase_scoring`: ``word2phrase``, ``gensim``, ``npmi``) and
those scoring above the pass's threshold become phrases. Then each sentence is rewritten left to
right: a phrase's words are replaced by one token, its parts joined by ``delimiter``; the word that
ends a phrase cannot start another in the same pass, so one pass makes phrases of two words (plus
connectors). A later pass counts the output of the one before, so ``new_york`` + ``times`` can become
``new_york_times`` (the paper's recipe: two passes, thresholds 200 then 100).

Exactness with word2vec.c. With ``scoring="word2phrase"`` a pass makes exactly ``word2phrase``'s
joins on white-space-tokenized text, including one quirk of its counting: word2vec.c also counts
the pair formed by the last word of a line and the first word of the next (no join is ever made
across a line end). That scorer reproduces it; the others count within sentences only. Known
differences: word2vec.c truncates words to 59 bytes and keys a pair by the string ``a_b`` (so a
token that already contains ``_`` shares its count with a pair); here pairs are pairs of ids.
Lines longer than ``max_sentence_length`` tokens (10,000) are cut into pieces, and no phrase spans
a cut (word2phrase has no cut: it may join the pair there); written out, each piece is a line and
empty lines are left out, so the text has fewer or more lines than word2phrase's.

Counting runs in compiled code over int32 ids, a candidate packed into an int64 key (plus the run
of connector words), on ``workers`` threads, each owning one partition of the keys. Memory is
bounded by ``max_vocab_size``: when the table holds more than ``max_vocab_size`` candidates, every
candidate counted at most ``min_reduce`` times so far is dropped, and ``min_reduce`` (starting at 1)
grows by one each time (word2vec.c's and gensim's rule: one table following the text in order;
unigram counts stay exact). What survives depends on the order of the whole text, so when a worker's
partition reaches ``max_vocab_size // workers`` candidates the pass is counted again on one thread
in one table: the result never depends on ``workers``, and below the bound counting stays parallel.
Pruned counts are lower bounds; ``pruned`` in a pass's table says whether it happened. Candidates
whose words are below ``min_count`` are not stored at all for ``word2phrase`` and ``npmi`` (they
cannot score); ``gensim`` needs them all, to know its vocabulary size.
"""
from __future__ import annotations

import logging
import os
import threading
from dataclasses import dataclass
from itertools import chain

import numpy as np

from w2v.corpus.phrase_ids import TokenIds, token_ids
from w2v.corpus.phrase_ids import from_scan, to_scan
from w2v.corpus.readers import FolderCorpus, LineCorpus, StreamCorpus, Text8Corpus, open_corpus
from w2v.corpus.phrase_join import (PhrasedCorpus, PhrasedSentences, _Applier, connector_codes, decode_run, join,
                                    keys_of, longest_run)
from w2v.corpus.phrase_params import ENGLISH_CONNECTOR_WORDS, checked, plain as _plain
from w2v.corpus.phrase_scoring import score_candidates
from w2v.errors import ModelFormatError, ParameterError

__all__ = ["ENGLISH_CONNECTOR_WORDS", "PhraseTable", "Phrases"]

logger = logging.getLogger(__name__)


@dataclass
class PhraseTable:
    """The phrases one pass learned, sorted by descending score (ties by phrase).

    Attributes
    ----------
    parts : list of tuple of str
        ``(first word, *connector words, last word)`` of each phrase.
    phrases : list of str
        The parts joined by the delimiter: the token that replaces them.
    counts : int64 (P,)
        How often each candidate was counted.
    scores : float64 (P,)
    threshold : float
    total_words, vocabulary_size : int
        ``N`` and ``V`` of the scorers: tokens, and distinct unigrams (connectors excluded) plus
        distinct candidates counted. ``V`` equals gensim's ``len(phrases.vocab)`` for the ``gensim``
        scorer; the others skip candidates of words below ``min_count``, so their ``V`` is smaller.
    pruned : bool
        ``max_vocab_size`` was reached while counting (counts are lower bounds).
    """

    parts: list
    phrases: list
    counts: np.ndarray
    scores: np.ndarray
    threshold: float
    total_words: int
    vocabulary_size: int
    pruned: bool

    def __len__(self) -> int:
        return len(self.phrases)


class Phrases:
    """Collocation detector and rewriter, scikit-learn style.

    Parameters
    ----------
    min_count : int, default 5
        Minimum count (its meaning per scorer is in :mod:`w2v.corpus.phrase_scoring`).
    threshold : float or sequence of float, optional
        A candidate becomes a phrase when its score is above this. One value per pass, or one value
        for all passes. Default: 100 for ``word2phrase``, 10 for ``gensim``, 0.5 for ``npmi``.
    scoring : {"word2phrase", "gensim", "npmi"}, default "word2phrase"
    passes : int, optional
        Number of passes (default: the number of thresholds given, else 1; at most 1,000).
    delimiter : str, default "_"
        Joins the parts of a phrase.
    connector_words : iterable of str or "english", optional
        Words that may sit inside a phrase without being scored ("bank of america" ->
        ``bank_of_america``); never the first or last word of one. ``"english"`` is
        :data:`ENGLISH_CONNECTOR_WORDS`. Default none, as word2vec.c and gensim. A candidate key
        holds a run of at most ``log(2 ** 62) / log(len(connector_words) + 1)`` of them (15 for
        ``"english"``, 6 for 1,000 words): a longer run is neither counted nor joined (gensim counts
        it), with one logged warning that says how many candidates were skipped.
    max_vocab_size : int, default 40,000,000
        Bound on candidates held while counting (see the module docstring; gensim's default).
        Beyond ``max_vocab_size // workers`` candidates in a worker's share, a pass is counted on
        one thread, so that pruning gives the same phrases whatever ``workers`` is.
    workers : int, optional
        Counting threads (default: all cores; at most 1,024, as for training).
    max_sentence_length : int, default 10000
        Longer sentences of a file are cut into pieces.

    Attributes
    ----------
    tables_ : list of PhraseTable
        One per pass, after :meth:`fit`.
    connector_words_ : tuple of str
        The connector words used, sorted.
    tokenizer_ : str or None
        Name of the tokenizer the training files were read with (``"default"``, ``"whitespace"``),
        None for in-memory corpora. Apply the model to text tokenized the same way.
    """

    def __init__(self, *, min_count: int = 5, threshold=None, scoring: str = "word2phrase", passes=None,
                 delimiter: str = "_", connector_words=None, max_vocab_size: int | None = 40_000_000,
                 workers: int | None = None, max_sentence_length: int = 10000):
        # numpy numbers are kept as Python numbers: the saved model's JSON header and the repr take them
        self.min_count = _plain(min_count)
        self.threshold = _plain(threshold)
        self.scoring = scoring
        self.passes = _plain(passes)
        self.delimiter = delimiter
        self.connector_words = connector_words
        self.max_vocab_size = _plain(max_vocab_size)
        self.workers = _plain(workers)
        self.max_sentence_length = _plain(max_sentence_length)

    def __repr__(self) -> str:
        return (f"Phrases(min_count={self.min_count!r}, threshold={self.threshold!r}, scoring={self.scoring!r}, "
                f"passes={self.passes!r}, delimiter={self.delimiter!r})")

    _PARAMS = ("min_count", "threshold", "scoring", "passes", "delimiter", "connector_words", "max_vocab_size",
               "workers", "max_sentence_length")

    def get_params(self, deep: bool = True) -> dict:
        """The constructor parameters, as a dict (``deep`` is accepted for scikit-learn and ignored)."""
        return {name: getattr(self, name) for name in self._PARAMS}

    def set_params(self, **params) -> "Phrases":
        """Change constructor parameters (checked when :meth:`fit` runs); returns ``self``."""
        for name, value in params.items():
            if name not in self._PARAMS:
                raise ParameterError(f"Phrases has no parameter {name!r}: choose from {', '.join(self._PARAMS)}")
            setattr(self, name, _plain(value))
        return self

    # -- parameters -----------------------------------------------------------------------------

    @property
    def thresholds(self) -> list:
        """One threshold per pass, after :meth:`check_params` rules (defaults filled in)."""
        return self._checked()[0]

    def check_params(self) -> None:
        """Raise :class:`~w2v.errors.ParameterError` naming the first invalid parameter."""
        self._checked()

    def _checked(self):
        return checked(self)

    # -- learning -------------------------------------------------------------------------------

    def fit(self, corpus) -> "Phrases":
        """Learn the phrases of every pass from ``corpus``.

        Parameters
        ----------
        corpus : path, corpus object or list of list of str
            Anything :func:`w2v.corpus.open_corpus` accepts; read once.

        Returns
        -------
        Phrases
            ``self``, with ``tables_`` set.
        """
        self.fit_transform_ids(corpus)
        return self

    def fit_transform_ids(self, corpus, progress=None) -> TokenIds:
        """:meth:`fit`, returning the phrased corpus of the last pass as a :class:`TokenIds`.

        Parameters
        ----------
        corpus : path, corpus object, list of list of str, or TokenIds
        progress : callable, optional
            Called with a short stage name ("reading", "pass 1: counting", ...) as each stage starts.
        """
        thresholds, connectors = self._checked()
        note = progress or (lambda stage: None)
        self.tokenizer_ = None
        if isinstance(corpus, TokenIds):
            tokens = corpus
        else:
            note("reading")
            corpus = open_corpus(corpus, max_sentence_length=self.max_sentence_length)
            if isinstance(corpus, (LineCorpus, Text8Corpus, FolderCorpus, StreamCorpus)):
                self.tokenizer_ = corpus.tokenizer.name
            tokens = token_ids(corpus, self.max_sentence_length, self.workers)
        self.connector_words_ = connectors
        self.tables_ = []
        self._applier = None
        self._skipped = []
        for number, threshold in enumerate(thresholds, start=1):
            note(f"pass {number}: counting")
            table, key1, key2 = self._learn(tokens, threshold)
            self.tables_.append(table)
            note(f"pass {number}: joining")
            tokens = join(tokens, key1, key2, table.phrases, connectors)
        if any(self._skipped):
            # a key cannot spell such a run (int64): gensim counts these candidates, this cannot
            first = next(n for n, k in enumerate(self._skipped, start=1) if k)
            logger.warning("connector words: skipped %s candidate(s) in pass %d (%s in all passes) with more than "
                           "%d connector words in a row, the most a phrase holds with %d connector words; they are "
                           "neither counted nor joined", f"{self._skipped[first - 1]:,}", first,
                           f"{sum(self._skipped):,}", longest_run(len(connectors)), len(connectors))
        return tokens

    def _learn(self, tokens: TokenIds, threshold: float):
        """Count, score and select one pass's phrases in the id space of ``tokens``."""
        from w2v.corpus import _phrases_kernel as kernel

        connectors = self.connector_words_
        n_words = len(tokens.words)
        unigrams = np.bincount(tokens.ids, minlength=n_words).astype(np.int64)
        connector, base, max_run = connector_codes(tokens, connectors)
        if self.scoring == "gensim":
            eligible = np.ones(n_words, dtype=np.bool_)
        else:
            eligible = unigrams >= self.min_count
        workers = self.workers or os.cpu_count() or 1
        limit = self.max_vocab_size or np.iinfo(np.int64).max
        results: list = [None] * workers

        def count(part: int) -> None:
            # the workers' partitions are disjoint: while each holds at most limit // workers
            # candidates, one table of them all never held more than limit (pruning never started)
            results[part] = kernel.count_pairs(tokens.ids, tokens.offsets, eligible, connector, base, max_run,
                                               self.scoring == "word2phrase", part, workers,
                                               max(1, limit // workers), workers > 1)

        _run_threads(count, workers)
        if any(r[3] == 0 for r in results):
            # a worker reached its share: pruning depends on the order of the whole text, so count
            # again in one table on one thread (word2vec.c's and gensim's rule), whatever `workers` is
            results = [kernel.count_pairs(tokens.ids, tokens.offsets, eligible, connector, base, max_run,
                                          self.scoring == "word2phrase", 0, 1, limit, False)]
        key1 = np.concatenate([r[0] for r in results])
        key2 = np.concatenate([r[1] for r in results])
        counts = np.concatenate([r[2] for r in results])
        pruned = any(r[3] > 1 for r in results)
        self._skipped.append(sum(int(r[4]) for r in results))
        first, last = key1 >> 32, key1 & 0xFFFFFFFF
        distinct = int(np.count_nonzero(unigrams[connector == 0]))
        vocabulary_size = distinct + int(key1.shape[0])
        scores, joined = score_candidates(self.scoring, counts, unigrams[first], unigrams[last],
                                          min_count=self.min_count, total_words=int(tokens.ids.shape[0]),
                                          vocabulary_size=vocabulary_size, threshold=threshold)
        keep = np.flatnonzero(joined)
        words = tokens.words
        parts = [(words[a],) + decode_run(r, base, connectors) + (words[b],)
                 for a, b, r in zip(first[keep].tolist(), last[keep].tolist(), key2[keep].tolist())]
        phrases = [self.delimiter.join(p) for p in parts]
        order = sorted(range(len(keep)), key=lambda i: (-scores[keep[i]], phrases[i]))
        table = PhraseTable(parts=[parts[i] for i in order], phrases=[phrases[i] for i in order],
                            counts=counts[keep][order], scores=scores[keep][order], threshold=float(threshold),
                            total_words=int(tokens.ids.shape[0]), vocabulary_size=vocabulary_size, pruned=pruned)
        order = np.asarray(order, dtype=np.int64)
        return table, key1[keep][order] if len(keep) else key1[:0], key2[keep][order] if len(keep) else key2[:0]

    # -- results --------------------------------------------------------------------------------

    def phrase_table(self, pass_index: int | None = None) -> list:
        """Learned phrases as ``(phrase, count, score)``, highest score first.

        Parameters
        ----------
        pass_index : int, optional
            One pass (0-based); default all passes together.
        """
        self._require_fitted()
        tables = self.tables_ if pass_index is None else [self.tables_[pass_index]]
        rows = [(p, int(c), float(s)) for t in tables for p, c, s in zip(t.phrases, t.counts.tolist(),
                                                                          t.scores.tolist())]
        return sorted(rows, key=lambda row: (-row[2], row[0]))

    def transform(self, corpus) -> "PhrasedCorpus":
        """``corpus`` with the learned phrases joined, as a re-iterable of token lists.

        Parameters
        ----------
        corpus : path, corpus object or list of list of str

        Returns
        -------
        PhrasedCorpus
            Each iteration reads ``corpus`` again and yields one ``list[str]`` per sentence.
        """
        self._require_fitted()
        return PhrasedCorpus(self, corpus)

    def transform_ids(self, tokens: TokenIds) -> TokenIds:
        """Join the learned phrases in a corpus already read into ids (every pass, in order).

        Parameters
        ----------
        tokens : TokenIds
            Its word table gains the phrase tokens (and any word of the model it lacked).

        Returns
        -------
        TokenIds
            New ids and offsets over the same (extended) word table.
        """
        self._require_fitted()
        for table in self.tables_:
            key1, key2 = keys_of(tokens, table.parts, self.connector_words_)
            tokens = join(tokens, key1, key2, table.phrases, self.connector_words_)
        return tokens

    def rewrite_scan(self, scan):
        """Stage 2 of :mod:`w2v.corpus.pipeline`: join the learned phrases in a scan's provisional ids.

        Parameters
        ----------
        scan : ScanResult
            From :func:`w2v.corpus.scan.scan_corpus` (closed here).

        Returns
        -------
        ScanResult
            The phrased stream, its word table (with the phrase tokens) and counts.
        """
        return to_scan(self.transform_ids(from_scan(scan)), like=scan)

    def __getitem__(self, sentence):
        """The learned phrases joined, as gensim's ``phrases[sentence]`` and ``phrases[corpus]``.

        A sentence (a list of str) gives a new list of str. A corpus (an iterable of token lists)
        gives an iterable of phrased sentences, one per sentence given, phrased lazily while it is
        iterated: re-iterable if the corpus is, read once if it is an iterator.
        """
        self._require_fitted()
        if isinstance(sentence, str):
            raise TypeError("give a sentence as a list of tokens, e.g. text.split()")
        items = iter(sentence)
        first = next(items, None)
        if items is sentence and first is not None:  # an iterator: put back what was peeked
            sentence = chain([first], items)
        if first is not None and not isinstance(first, (str, bytes)) and hasattr(first, "__iter__"):
            return PhrasedSentences(self, sentence)
        if getattr(self, "_applier", None) is None:
            self._applier = _Applier(self)
        return self._applier.apply([list(sentence)])[0]

    def _require_fitted(self) -> None:
        if getattr(self, "tables_", None) is None:
            raise ParameterError("this Phrases is not fitted yet: call fit(corpus) first")

    # -- persistence ----------------------------------------------------------------------------

    def save(self, path) -> None:
        """Write the fitted model to ``path`` (one ``.npz``: arrays + a JSON header; no pickle).

        See :mod:`w2v.corpus.phrases_io` for the layout.

        Raises
        ------
        ModelFormatError
            A phrase has a word that is empty or holds white space (only token lists give such
            tokens; no text read from a file does): the file would be refused when loaded.
        """
        from w2v.corpus.phrases_io import save_tables

        self._require_fitted()
        # attributes assigned directly bypass __init__'s conversion
        params = {name: _plain(value) for name, value in self.get_params().items()}
        params["connector_words"] = list(self.connector_words_)
        save_tables(path, params, self.tables_, tokenizer=self.tokenizer_)

    @classmethod
    def load(cls, path) -> "Phrases":
        """Read a model written by :meth:`save`.

        Raises
        ------
        ModelFormatError
            Not a phrase model, another version, or damaged.
        """
        from w2v.corpus.phrases_io import load_tables

        params, passes, tokenizer = load_tables(path)
        try:
            model = cls(**params)
            _, connectors = model._checked()
            if any(w not in connectors for p in passes for parts in p["parts"] for w in parts[1:-1]):
                raise ParameterError("a phrase has inner words that are not its connector words")
            if any(parts[0] in connectors or parts[-1] in connectors for p in passes for parts in p["parts"]):
                # counting never starts or ends a candidate at a connector word
                raise ParameterError("a phrase starts or ends with a connector word")
        except (TypeError, ParameterError) as err:
            raise ModelFormatError(f"phrase model {str(path)!r} is damaged: its parameters are invalid ({err}); "
                                   "learn the phrases again (w2v phrases --save-model)") from None
        # a run longer than a key can spell would overflow int64 when the phrases are applied
        limit = longest_run(len(connectors))
        for p in passes:
            for parts in p["parts"]:
                if len(parts) - 2 > limit:
                    raise ModelFormatError(
                        f"phrase model {str(path)!r} is damaged: a phrase of {parts[0]!r} and {parts[-1]!r} has "
                        f"{len(parts) - 2} connector words between them, but with {len(connectors)} connector "
                        f"words a phrase holds at most {limit}; learn the phrases again (w2v phrases --save-model)")
        model.connector_words_ = connectors
        model.tokenizer_ = tokenizer
        model._applier = None
        model.tables_ = [PhraseTable(phrases=[model.delimiter.join(x) for x in p["parts"]], **p) for p in passes]
        return model


def _run_threads(work, n: int) -> None:
    """Run ``work(0) .. work(n - 1)`` on ``n`` threads (the kernels release the GIL)."""
    if n == 1:
        work(0)
        return
    errors: list = []

    def guarded(i):
        try:
            work(i)
        except BaseException as err:  # re-raised in the calling thread
            errors.append(err)

    threads = [threading.Thread(target=guarded, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if errors:
        raise errors[0]

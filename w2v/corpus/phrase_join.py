"""Rewriting token streams with learned phrases: the compiled join, phrased corpora, phrased text.

>>> phrased = PhrasedCorpus(fitted_phrases, "corpus.txt")    # doctest: +SKIP
>>> next(iter(phrased))                                       # doctest: +SKIP
['the', 'new_york_times', 'said']

A phrase is looked up by its candidate key: ``(first id << 32 | last id, run)`` where ``run`` spells
the connector words between them in base ``len(connectors) + 1`` (0 when there are none). Works on
any object with the fitted attributes of :class:`~w2v.corpus.phrases.Phrases` (``tables_``,
``connector_words_``, ``max_sentence_length``); the estimator imports this module, not the reverse.
"""
from __future__ import annotations

from itertools import chain

import numpy as np

from w2v.corpus.phrase_ids import TokenIds
from w2v.fileio import WORD_ENCODE_ERRORS, atomic_write, compressed_output, is_url

#: tokens rendered to text per chunk when writing
_RENDER_TOKENS = 1 << 22


class PhrasedCorpus:
    """A corpus seen through a fitted :class:`Phrases`: re-iterable, one phrased token list per sentence.

    Iterating it phrases batches of sentences; the corpus pipeline (``Word2Vec.fit``) instead scans
    :attr:`source` in compiled code and joins the phrases on the id stream (:meth:`rewrite_scan`).

    Parameters
    ----------
    phrases : Phrases
        A fitted :class:`~w2v.corpus.phrases.Phrases`.
    corpus : path, corpus object or list of list of str
        Or the URL of a corpus (``s3://...``), which only a cluster's workers read
        (:mod:`w2v.distributed`): it is kept as given.
    batch : int
        Sentences joined per call of the compiled rewriter.
    """

    def __init__(self, phrases, corpus, batch: int = 4096):
        from w2v.corpus.readers import open_corpus

        self.phrases = phrases
        self.corpus = (corpus if is_url(corpus)
                       else open_corpus(corpus, max_sentence_length=phrases.max_sentence_length))
        self.batch = batch

    @property
    def source(self):
        """The corpus read (the corpus pipeline scans it and then calls :meth:`rewrite_scan`)."""
        return self.corpus

    def rewrite_scan(self, scan):
        """Join the phrases in a scan of :attr:`source` (stage 2 of :mod:`w2v.corpus.pipeline`)."""
        return self.phrases.rewrite_scan(scan)

    def __repr__(self) -> str:
        return f"PhrasedCorpus({self.phrases!r}, {self.corpus!r})"

    def __iter__(self):
        if isinstance(self.corpus, str):
            from w2v.errors import CorpusError

            raise CorpusError(f"corpus {self.corpus!r} is a URL, which the workers of a cluster read "
                              "(Word2Vec.fit(..., client=...)): copy it here to read it in this process")
        applier = _Applier(self.phrases)
        batch: list = []
        for sentence in self.corpus:
            batch.append(sentence)
            if len(batch) == self.batch:
                yield from applier.apply(batch)
                batch = []
        if batch:
            yield from applier.apply(batch)


class PhrasedSentences:
    """``phrases[corpus]``, as gensim: one phrased token list per sentence of ``sentences``, in order.

    Unlike :class:`PhrasedCorpus`, the sentences are taken as given (an empty one gives an empty
    one, a long one is not split), so that the output lines up with the input. Re-iterable when
    ``sentences`` is; an iterator is read once.

    Parameters
    ----------
    phrases : Phrases
        A fitted :class:`~w2v.corpus.phrases.Phrases`.
    sentences : iterable of iterable of str
    batch : int
        Sentences joined per call of the compiled rewriter.
    """

    def __init__(self, phrases, sentences, batch: int = 4096):
        self.phrases = phrases
        self.sentences = sentences
        self.batch = batch

    def __repr__(self) -> str:
        return f"PhrasedSentences({self.phrases!r}, {self.sentences!r})"

    def __iter__(self):
        applier = _Applier(self.phrases)
        batch: list = []
        for sentence in self.sentences:
            if isinstance(sentence, (str, bytes)):
                # a string would be phrased as a sequence of characters
                raise TypeError(f"a corpus must yield token lists, got the string {sentence[:40]!r}")
            batch.append(sentence if isinstance(sentence, list) else list(sentence))
            if len(batch) == self.batch:
                yield from applier.apply(batch)
                batch = []
        if batch:
            yield from applier.apply(batch)


class _Applier:
    """A fitted model's tables in the id space of one growing word table (the model's words first)."""

    def __init__(self, phrases):
        from w2v.corpus import _phrases_kernel as kernel

        self.kernel = kernel
        self.lexicon = TokenIds(np.zeros(0, np.int32), np.zeros(1, np.int64), [])
        for word in phrases.connector_words_:
            self.lexicon.intern(word)
        self.connectors = phrases.connector_words_
        self.passes = []
        for table in phrases.tables_:
            key1, key2 = keys_of(self.lexicon, table.parts, self.connectors)
            values = np.asarray([self.lexicon.intern(p) for p in table.phrases], dtype=np.int64)
            self.passes.append(kernel.build_lookup(key1, key2, values))
        self._codes = None

    def apply(self, sentences: list) -> list:
        """Phrase a list of sentences (lists of str); returns new lists."""
        index, words = self.lexicon.index, self.lexicon.words
        flat = list(chain.from_iterable(sentences))
        # Python-level work per distinct word of the batch only; per token only C-level maps
        for w in [w for w in set(flat) if w not in index]:
            index[w] = len(words)
            words.append(w)
        ids = np.fromiter(map(index.__getitem__, flat), dtype=np.int32, count=len(flat))
        offsets = np.zeros(len(sentences) + 1, dtype=np.int64)
        np.cumsum(np.fromiter(map(len, sentences), dtype=np.int64, count=len(sentences)), out=offsets[1:])
        if self._codes is None or self._codes[0].shape[0] < len(words):
            self._codes = connector_codes(self.lexicon, self.connectors, size=2 * len(words))
        connector, base, max_run = self._codes
        for table, shift in self.passes:
            ids, offsets = self.kernel.join_pairs(ids, offsets, connector, base, max_run, table, shift)
        out = list(map(words.__getitem__, ids.tolist()))
        bounds = offsets.tolist()
        return [out[a:b] for a, b in zip(bounds, bounds[1:])]


def write_tokens(tokens: TokenIds, path) -> int:
    """Write ``tokens`` as text (atomically): one sentence per line, tokens separated by one space.

    A ``path`` ending in .gz, .bz2 or .xz is written compressed, as every corpus reader expects of
    such a name.

    Returns
    -------
    int
        Bytes of text written (before compression, for a compressed name).
    """
    from w2v.corpus import _phrases_kernel as kernel

    # a word holding a lone surrogate (Python API tokens) as the vector files write it; the corpus
    # readers read those bytes as any invalid UTF-8 (U+FFFD)
    encoded = [w.encode("utf-8", WORD_ENCODE_ERRORS) for w in tokens.words]
    lengths = np.fromiter(map(len, encoded), dtype=np.int64, count=len(encoded))
    ends = np.cumsum(lengths)
    arena = np.frombuffer(b"".join(encoded), dtype=np.uint8)
    starts = ends - lengths
    offsets = tokens.offsets
    written = 0
    with atomic_write(path, "wb") as raw, compressed_output(raw, path) as f:
        s = 0
        while s < len(offsets) - 1:
            # whole sentences of about _RENDER_TOKENS tokens at a time: memory bounded by the chunk
            stop = int(np.searchsorted(offsets, offsets[s] + _RENDER_TOKENS, side="right")) - 1
            stop = min(max(stop, s + 1), len(offsets) - 1)
            text = kernel.render(tokens.ids, offsets[s:stop + 1], arena, starts, ends)
            f.write(text.data)
            written += int(text.shape[0])
            s = stop
    return written


def connector_codes(tokens: TokenIds, connectors, size: int | None = None):
    """Per-id connector digit (0: ordinary word, int64 of at least ``size`` ids), the base runs are
    spelled in, and the longest run that fits in int64."""
    codes = np.zeros(max(size or 0, len(tokens.words)), dtype=np.int64)
    for digit, word in enumerate(connectors, start=1):
        i = tokens.index.get(word)
        if i is not None:
            codes[i] = digit
    return codes, len(connectors) + 1, longest_run(len(connectors))


def longest_run(n_connectors: int) -> int:
    """The most connector words a candidate key can spell with ``n_connectors`` connector words.

    A run is a number in base ``n_connectors + 1`` held in an int64 (kept below 2 ** 62); a longer
    run cannot be a key (2 ** 62 when there are no connectors: any length, runs are always empty).
    """
    base = n_connectors + 1
    if base == 1:
        return 2 ** 62
    max_run = 0
    while base ** (max_run + 1) < 2 ** 62:
        max_run += 1
    return max_run


def decode_run(run: int, base: int, connectors) -> tuple:
    """The connector words a run spells."""
    digits = []
    while run:
        run, d = divmod(run, base)
        digits.append(connectors[d - 1])
    return tuple(reversed(digits))


def keys_of(lexicon: TokenIds, parts: list, connectors):
    """Candidate keys of phrases given by their parts, interning the words into ``lexicon``."""
    digit = {w: d for d, w in enumerate(connectors, start=1)}
    base = len(connectors) + 1
    key1 = np.empty(len(parts), dtype=np.int64)
    key2 = np.zeros(len(parts), dtype=np.int64)
    for n, p in enumerate(parts):
        key1[n] = (lexicon.intern(p[0]) << 32) | lexicon.intern(p[-1])
        run = 0
        for w in p[1:-1]:
            run = run * base + digit[w]
        key2[n] = run
    return key1, key2



def join(tokens: TokenIds, key1, key2, phrases: list, connectors) -> TokenIds:
    """Rewrite ``tokens`` with one pass's phrases.

    Parameters
    ----------
    tokens : TokenIds
        Gains the phrase tokens in its word table.
    key1, key2 : int64 (P,)
        Candidate keys of the phrases, in ``tokens``' id space.
    phrases : list of str
        The token of each phrase.
    connectors : tuple of str
        The connector words, sorted (their order gives their digits).
    """
    from w2v.corpus import _phrases_kernel as kernel

    values = np.asarray([tokens.intern(p) for p in phrases], dtype=np.int64)
    table, shift = kernel.build_lookup(key1, key2, values)
    connector, base, max_run = connector_codes(tokens, connectors)
    ids, offsets = kernel.join_pairs(tokens.ids, tokens.offsets, connector, base, max_run, table, shift)
    return TokenIds(ids, offsets, tokens.words, tokens._index)

"""A fitted n-gram model as ARPA-shaped arrays, and vectorised scoring over whole texts.

>>> tables.score_stream(encoded.stream)          # doctest: +SKIP
array([nan, -1.2, -0.7, ..])                     # log10 p per position, NaN at every <s>

Every order keeps its sorted packed keys (see :mod:`w2v.ngram.counts`), ``logprob`` = log10 of the
final (already interpolated) p(w | context) of each stored n-gram, and ``logbow`` = log10 of the
weight that multiplies the next lower order for words the context was never followed by. That is
the ARPA back-off form: every interpolated model (Jelinek-Mercer, Witten-Bell, Kneser-Ney) is
exactly such a model, so one scorer serves them all and the ARPA file is an exact copy.

Add-k is the exception: in a seen context an unseen word gets the constant
``k / (C(c) + k V)``, which no back-off weight times a lower order reproduces. Its tables carry
``logfloor`` (log10 of that constant per context) and are scored by :meth:`score_stream` along the
floor rule instead (:func:`w2v.ngram.arpa.dense_backoff` turns them into a plain back-off model by
listing every word after every seen context).
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from w2v.ngram.counts import lookup_rows
from w2v.ngram.encoding import BOS


@dataclass
class BackoffTables:
    """Per-order arrays of a fitted model (``n`` from 1 to ``order``; lists indexed ``n - 1``).

    Attributes
    ----------
    keys : list of np.ndarray[int64] (M_n,)
        Sorted packed n-gram keys; ``keys[0]`` is ``arange(V)``.
    logprob : list of np.ndarray[float64] (M_n,)
        log10 p(last word | first n-1 words); ``-inf`` for impossible events (``<s>`` as a word,
        MLE zeros).
    logbow : list of np.ndarray[float64] (M_n,)
        log10 back-off weight of the n-gram used as a context (0 when it is never a context);
        the highest order has none (an empty array).
    vocab_size : int
        ``V`` (including ``<unk>``, ``<s>``, ``</s>``).
    logfloor : list of np.ndarray[float64] or None
        Add-k only: log10 probability of an unseen word after each n-gram as context, NaN when
        the n-gram is never a context.
    """

    keys: list
    logprob: list
    logbow: list
    vocab_size: int
    logfloor: list | None = field(default=None)

    @property
    def order(self) -> int:
        return len(self.keys)

    @property
    def is_backoff(self) -> bool:
        """True when the tables are a plain ARPA back-off model."""
        return self.logfloor is None

    def score_stream(self, stream: np.ndarray, return_order: bool = False):
        """log10 p of every position of an encoded text given its history in the sentence.

        Parameters
        ----------
        stream : np.ndarray[int64] (T,)
            ``<s> w .. </s> <s> ...``; a history may also start without ``<s>`` (a bare context).

        return_order : bool
            Also return the length of the n-gram each probability was read from.

        Returns
        -------
        logprob : np.ndarray[float64] (T,)
            NaN at ``<s>`` positions (never predicted), ``-inf`` for zero probabilities.
        ngram_length : np.ndarray[int64] (T,)
            Only with ``return_order``: 1..N (0 at ``<s>`` positions), like KenLM's
            ``full_scores``.
        """
        stream = np.asarray(stream, dtype=np.int64)
        rows = lookup_rows(self.keys, stream, self.vocab_size)
        result = np.full(stream.size, np.nan)
        done = stream == BOS
        acc = np.zeros(stream.size)
        length = np.zeros(stream.size, dtype=np.int64)
        for n in range(self.order, 0, -1):
            r = rows[n - 1]
            hit = ~done & (r >= 0)
            result[hit] = acc[hit] + self.logprob[n - 1][r[hit]]
            length[hit] = n
            done |= hit
            if n == 1:
                break
            # the context of length n-1 ends one position earlier, in the same sentence
            ctx = np.full(stream.size, -1, dtype=np.int64)
            ctx[1:] = rows[n - 2][:-1]
            ctx[stream == BOS] = -1
            use = ~done & (ctx >= 0)
            if self.logfloor is None:
                acc[use] += self.logbow[n - 2][ctx[use]]
            else:
                floor = np.full(stream.size, np.nan)
                floor[use] = self.logfloor[n - 2][ctx[use]]
                seen = use & ~np.isnan(floor)
                result[seen] = floor[seen]
                length[seen] = n
                done |= seen
        return (result, length) if return_order else result

    def distribution(self, context: np.ndarray) -> np.ndarray:
        """The whole next-word distribution after ``context``.

        Parameters
        ----------
        context : np.ndarray[int64] (k,)
            Word ids of the history, oldest first (start with ``BOS`` for a sentence start).

        Returns
        -------
        np.ndarray[float64] (V,)
            p(w | context) for every id; ``p[BOS]`` is 0 and the rest sums to 1.
        """
        V = self.vocab_size
        context = np.asarray(context, dtype=np.int64)
        context = context[context.size - min(context.size, self.order - 1):]
        probs = 10.0 ** self.logprob[0]
        for n in range(2, self.order + 1):
            if context.size < n - 1:
                break
            row = self._row(context[context.size - (n - 1):])
            if row < 0:
                continue
            lo, hi = np.searchsorted(self.keys[n - 1], [row * V, (row + 1) * V])
            if self.logfloor is None:
                probs = probs * 10.0 ** self.logbow[n - 2][row]
            elif not np.isnan(self.logfloor[n - 2][row]):
                probs = np.full(V, 10.0 ** self.logfloor[n - 2][row])
                probs[BOS] = 0.0
            words = self.keys[n - 1][lo:hi] % V
            probs[words] = 10.0 ** self.logprob[n - 1][lo:hi]
        return probs

    def _row(self, ngram: np.ndarray) -> int:
        """Row of an n-gram (word ids) in its order's table, or -1."""
        if ngram.size == 0:
            return -1
        row = int(ngram[0])
        for k in range(1, ngram.size):
            if ngram[k] == BOS:
                return -1
            keys = self.keys[k]
            key = row * self.vocab_size + int(ngram[k])
            pos = int(np.searchsorted(keys, key))
            if pos >= keys.size or keys[pos] != key:
                return -1
            row = pos
        return row

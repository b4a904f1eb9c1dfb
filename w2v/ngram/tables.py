"""A fitted n-gram model as ARPA-shaped arrays, and vectorised scoring over whole texts.

>>> tables.score_ids(encoded.ids)          # doctest: +SKIP
array([nan, -1.2, -0.7, ..])                     # log10 p per position, NaN at every <s>

Every order keeps its sorted packed keys (see :mod:`w2v.ngram.counts`), ``logprob`` = log10 of the
final (already interpolated) p(w | context) of each stored n-gram, and ``logbow`` = log10 of the
weight that multiplies the next lower order for words the context was never followed by. That is
the ARPA back-off form: every interpolated model (Jelinek-Mercer, Witten-Bell, Kneser-Ney) is
exactly such a model, so one scorer serves them all and the ARPA file is an exact copy.

A model that is not of this form (add-k, :mod:`w2v.ngram.add_k`) subclasses
:class:`BackoffTables`: it names its extra per-order arrays in ``FIELDS``, overrides the two
places where an unseen word meets a seen context, and says how it is written out as a plain
back-off model (:meth:`BackoffTables.as_backoff`). Files store every field of ``FIELDS`` per order,
so readers and writers need not know which model they hold.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from w2v.ngram.counts import lookup_rows
from w2v.ngram.encoding import BOS


#: log10 probabilities above this are refused when read (rounding can leave p a hair above 1)
LOGPROB_TOLERANCE = 1e-6
#: highest order of a model, fitted or read from a file (KenLM's default build stops at 6): far beyond
#: useful, and every order costs, whatever its tables hold: scoring (and fitting) keeps one array of
#: the text's length per order (:func:`~w2v.ngram.counts.lookup_rows`), 8 bytes per token and order
MAX_ORDER = 100


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
    """

    keys: list
    logprob: list
    logbow: list
    vocab_size: int

    #: the per-order arrays a file stores, in order
    FIELDS = ("keys", "logprob", "logbow")

    @property
    def order(self) -> int:
        return len(self.keys)

    @classmethod
    def field_length(cls, field: str, n: int, order: int, size: int) -> int:
        """Length of ``field`` at order ``n`` of ``order`` when order ``n`` holds ``size`` n-grams."""
        return 0 if field == "logbow" and n == order else size

    @classmethod
    def find_problem(cls, fields: dict, vocab_size: int) -> tuple[str, int, str] | None:
        """The first inconsistency of per-order arrays read from a file, or None.

        Parameters
        ----------
        fields : dict of str to list of np.ndarray
            Every name of ``FIELDS`` to its arrays for orders 1..N, lengths already checked
            against :meth:`field_length`.
        vocab_size : int

        Returns
        -------
        (field, n, problem) or None
            ``problem`` completes "the n-grams' <field> ...".
        """
        rows = vocab_size
        for n, keys in enumerate(fields["keys"], start=1):
            if n == 1 and not np.array_equal(keys, np.arange(vocab_size)):
                return "keys", 1, f"must be 0..{vocab_size - 1}, one per word"
            if keys.size and (keys[0] < 0 or keys[-1] >= rows * vocab_size):
                return "keys", n, f"hold ids outside 0..{rows * vocab_size - 1}"
            if keys.size > 1 and np.any(keys[1:] <= keys[:-1]):
                return "keys", n, "are not sorted in increasing order"
            rows = keys.size
        for n, (logprob, logbow) in enumerate(zip(fields["logprob"], fields["logbow"]), start=1):
            if np.any(np.isnan(logprob)) or np.any(logprob > LOGPROB_TOLERANCE):
                return "logprob", n, "hold NaN or positive log10 probabilities (p > 1)"
            if np.any(np.isnan(logbow)) or np.any(np.isposinf(logbow)):
                return "logbow", n, "hold NaN or infinite back-off weights"
        return None

    def as_backoff(self, max_entries: int | None = None, name: str = "") -> "BackoffTables":
        """These tables as a plain back-off model (ARPA's form): themselves."""
        return self

    def score_ids(self, ids: np.ndarray, return_order: bool = False):
        """log10 p of every position of an encoded text given its history in the sentence.

        Parameters
        ----------
        ids : np.ndarray[int64] (T,)
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
        ids = np.asarray(ids, dtype=np.int64)
        rows = lookup_rows(self.keys, ids, self.vocab_size)
        result = np.full(ids.size, np.nan)
        done = ids == BOS
        acc = np.zeros(ids.size)
        length = np.zeros(ids.size, dtype=np.int64)
        for n in range(self.order, 0, -1):
            r = rows[n - 1]
            hit = ~done & (r >= 0)
            result[hit] = acc[hit] + self.logprob[n - 1][r[hit]]
            length[hit] = n
            done |= hit
            if n == 1:
                break
            # the context of length n-1 ends one position earlier, in the same sentence
            ctx = np.full(ids.size, -1, dtype=np.int64)
            ctx[1:] = rows[n - 2][:-1]
            ctx[ids == BOS] = -1
            use = ~done & (ctx >= 0)
            self._unseen_after_context(n, ctx, use, acc, result, length, done)
        return (result, length) if return_order else result

    def _unseen_after_context(self, n, ctx, use, acc, result, length, done) -> None:
        """Positions ``use`` miss order ``n`` but their context (rows ``ctx`` of order n-1) was
        seen: the back-off rule adds its weight and goes one order down."""
        acc[use] += self.logbow[n - 2][ctx[use]]

    def _lower_after_context(self, probs: np.ndarray, n: int, row: int) -> np.ndarray:
        """The distribution after seen context ``row`` (order n-1) for words it was never
        followed by, from the lower order's ``probs``."""
        return probs * 10.0 ** self.logbow[n - 2][row]

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
            probs = self._lower_after_context(probs, n, row)
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

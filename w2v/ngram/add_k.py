"""Add-k (Lidstone; k=1 Laplace) smoothing: its own small model, since it is not a back-off model.

>>> tables = AddK(k=0.5).estimate(counts)            # doctest: +SKIP
>>> tables.score_ids(ids)

p(w | c) = (C(c, w) + k) / (C(c) + k V) in the longest context c seen in training, where V counts
the vocabulary plus ``</s>`` (``<s>`` is never predicted). In a seen context every unseen word gets
the same constant ``k / (C(c) + k V)``, which no back-off weight times a lower order reproduces, so
:class:`AddKTables` keeps that constant per context (``logfloor``) and scores with it. Written as
ARPA it is spelled out exactly (every word after every seen context) by :meth:`AddKTables.as_backoff`,
refused beyond :data:`DENSE_LIMIT` n-grams.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from w2v.errors import ModelFormatError
from w2v.ngram.encoding import BOS
from w2v.ngram.smoothing import Smoothing
from w2v.ngram.tables import LOGPROB_TOLERANCE, BackoffTables

#: most n-grams written to spell out an add-k model exactly as a back-off model
DENSE_LIMIT = 5_000_000


@dataclass
class AddKTables(BackoffTables):
    """:class:`BackoffTables` plus, per order, the log10 probability of an unseen word after each
    n-gram used as a context.

    Attributes
    ----------
    logfloor : list of np.ndarray[float64] (M_n,)
        ``log10(k / (C(c) + k V))`` for every n-gram ``c`` of order n that is a context; NaN when
        it is never followed by a word (and at the highest order). ``logbow`` is all zeros.
    """

    logfloor: list = None

    FIELDS = BackoffTables.FIELDS + ("logfloor",)

    @classmethod
    def find_problem(cls, fields, vocab_size):
        problem = super().find_problem(fields, vocab_size)
        if problem is not None:
            return problem
        keys = fields["keys"]
        for n, floor in enumerate(fields["logfloor"], start=1):
            if np.any(floor > LOGPROB_TOLERANCE) or np.any(np.isinf(floor)):
                return "logfloor", n, "hold infinite or positive log10 probabilities (p > 1)"
            # a floor exists exactly for the n-grams that some (n+1)-gram continues
            is_context = np.zeros(floor.size, dtype=bool)
            if n < len(keys):
                is_context[keys[n] // vocab_size] = True
            if np.any(np.isnan(floor) == is_context):
                return "logfloor", n, "must be a number exactly for the n-grams that are contexts"
        return None

    def _unseen_after_context(self, n, ctx, use, acc, result, length, done) -> None:
        floor = np.full(ctx.size, np.nan)
        floor[use] = self.logfloor[n - 2][ctx[use]]
        seen = use & ~np.isnan(floor)
        result[seen] = floor[seen]
        length[seen] = n
        done |= seen

    def _lower_after_context(self, probs, n, row):
        floor = self.logfloor[n - 2][row]
        if np.isnan(floor):
            return probs
        probs = np.full(self.vocab_size, 10.0 ** floor)
        probs[BOS] = 0.0
        return probs

    def as_backoff(self, max_entries: int | None = None, name: str = "add-k") -> BackoffTables:
        """The exact back-off model: every seen context lists every word.

        Where training never saw the pair, the word gets the context's floor probability, so
        the back-off rule is only ever used from unseen contexts, with weight 1: exactly add-k's
        "longest seen context" rule.

        Parameters
        ----------
        max_entries : int, optional
            Refuse (``ModelFormatError``) when the result would hold more n-grams than this
            (default :data:`DENSE_LIMIT`).
        name : str
            Method name for the message.
        """
        max_entries = DENSE_LIMIT if max_entries is None else max_entries
        V = self.vocab_size
        outcomes = np.array([w for w in range(V) if w != BOS], dtype=np.int64)
        seen = [np.flatnonzero(~np.isnan(f)) for f in self.logfloor[:-1]]
        needed = V + sum(c.size for c in seen) * outcomes.size
        if needed > max_entries:
            raise ModelFormatError(f"{name} smoothing is not a back-off model: writing it exactly as ARPA "
                                   f"needs {needed:,} n-grams (every word after every seen context), more "
                                   f"than the limit of {max_entries:,}; save it in the native format instead "
                                   "(not .arpa)")
        keys, logprob = [self.keys[0]], [self.logprob[0]]
        new_row = np.arange(V, dtype=np.int64)                  # old row -> new row, order n-1
        for n in range(2, self.order + 1):
            ctx_old = seen[n - 2]
            ctx_new = new_row[ctx_old]
            order_keys = (ctx_new[:, None] * V + outcomes[None, :]).ravel()
            probs = np.repeat(self.logfloor[n - 2][ctx_old], outcomes.size)
            old = self.keys[n - 1]
            rekeyed = new_row[old // V] * V + old % V
            new_row = np.searchsorted(order_keys, rekeyed)
            probs[new_row] = self.logprob[n - 1]
            keys.append(order_keys)
            logprob.append(probs)
        logbow = [np.zeros(k.size) for k in keys[:-1]] + [np.empty(0)]
        return BackoffTables(keys, logprob, logbow, V)


class AddK(Smoothing):
    """Additive (Lidstone) smoothing; ``k=1`` is Laplace.

    p(w | c) = (C(c, w) + k) / (C(c) + k V) in the longest context c seen in training, where V
    counts the vocabulary plus ``</s>``. Not a back-off model: ARPA output lists every word after
    every seen context, which is only possible for small models.

    Parameters
    ----------
    k : float
        Pseudo-count added to every event (default 1, Laplace); finite and > 0.
    """

    name = "add-k"
    tables_class = AddKTables

    def __init__(self, k: float = 1.0):
        super().__init__()
        if not (k > 0 and math.isfinite(k)):
            raise ValueError(f"add-k needs a finite k > 0, got {k}")
        self.k = float(k)

    def params(self):
        return {"k": self.k}

    def interpolation(self, counts, n):
        # add-k is built directly in estimate(); alpha/gamma would describe it only for order 1
        raise NotImplementedError

    def estimate(self, counts) -> AddKTables:
        V = counts.vocab_size
        outcomes = V - 1                     # every word but <s>
        # in log10, over counts scaled by s: k (V - 1) overflows for a huge k (1e308) and k / (C + kV)
        # underflows to 0 for a tiny one (1e-320), where the answers are uniform and a finite floor
        scale = max(self.k, 1.0)
        k, log_scale = self.k / scale, np.log10(scale)
        keys, logprob, logfloor = [], [], []
        for n in range(1, counts.order + 1):
            table = counts.tables[n - 1]
            totals = counts.context_totals(n)
            log_denom = log_scale + np.log10(totals / scale + k * outcomes)
            probs = log_scale + np.log10(table.counts / scale + k) - log_denom[table.prefix]
            if n == 1:
                probs[BOS] = -np.inf
            keys.append(table.keys)
            logprob.append(probs)
            if n > 1:
                floor = np.log10(self.k) - log_denom
                floor[totals == 0] = np.nan
                logfloor.append(floor)
        logfloor.append(np.full(len(keys[-1]), np.nan))
        logbow = [np.zeros(k.size) for k in keys[:-1]] + [np.empty(0)]
        return AddKTables(keys, logprob, logbow, V, logfloor=logfloor)

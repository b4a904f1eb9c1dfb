"""Smoothing methods: small classes on one abstract base that turn counts into back-off tables.

>>> smoothing = WittenBell()
>>> tables = smoothing.estimate(counts)             # doctest: +SKIP

Every method except add-k (:mod:`w2v.ngram.add_k`) is an *interpolated* model,

    p(w | c) = alpha(c, w) + gamma(c) * p(w | c'),        c' = c without its oldest word,

with ``alpha = 0`` for unseen ``(c, w)``, ``gamma(c) = 1`` for a context never seen, and the
unigram level interpolated with the uniform distribution over the vocabulary plus ``</s>``
(``<s>`` is never predicted). A subclass only says what ``alpha`` and ``gamma`` are at one order
(:meth:`Smoothing.interpolation`); :meth:`Smoothing.estimate` does the recursion once for all of
them and returns the ARPA form (log10 probabilities of the stored n-grams and back-off weights).

=====================  =====================================================================
``mle``                alpha = C(c,w)/C(c), gamma = 0: unseen events get probability 0
``add-k``              (C(c,w)+k)/(C(c)+kV) in the longest seen context, see :mod:`w2v.ngram.add_k`
``interpolated``       Jelinek-Mercer, alpha = lambda_n C(c,w)/C(c), gamma = 1 - lambda_n, with
                       one lambda per order fitted on held-out text
``witten-bell``        alpha = C(c,w)/(C(c)+T(c)), gamma = T(c)/(C(c)+T(c)), T(c) = distinct
                       words after c
``kneser-ney``         see :mod:`w2v.ngram.kneser_ney`
=====================  =====================================================================

The methods are looked up by name in :mod:`w2v.ngram.methods`.
"""
from __future__ import annotations

import logging
from abc import ABC, abstractmethod

import numpy as np

from w2v.ngram.counts import NgramCounts, lookup_rows
from w2v.ngram.encoding import BOS
from w2v.ngram.tables import BackoffTables

logger = logging.getLogger(__name__)


def is_number(value) -> bool:
    """Whether ``value`` (read from JSON) is an int or a float, not a bool."""
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def log10_or_minus_inf(x: np.ndarray) -> np.ndarray:
    """log10 of probabilities, ``-inf`` for 0 without a warning."""
    with np.errstate(divide="ignore"):
        return np.log10(x)


class Smoothing(ABC):
    """Base of all smoothing methods.

    Subclasses set ``name``, store their parameters in ``__init__`` and implement
    :meth:`interpolation`. Learned values (discounts, lambdas) go to ``self.fitted_`` (a dict of
    JSON-able values) so a saved model can report them.
    """

    name = ""
    #: whether :meth:`fit_heldout` needs held-out text
    uses_heldout = False
    #: the kind of tables :meth:`estimate` returns (and a saved model is read into)
    tables_class = BackoffTables
    #: the keys :meth:`interpolation` or :meth:`fit_heldout` may set in ``fitted_``
    FITTED: tuple = ()

    def __init__(self):
        self.fitted_: dict = {}

    def params(self) -> dict:
        """Constructor parameters (JSON-able), to rebuild the object from a saved model."""
        return {}

    def fit_heldout(self, counts: NgramCounts, heldout_ids: np.ndarray | None) -> None:
        """Fit parameters on held-out text before :meth:`estimate` (default: nothing to fit)."""

    def check_order(self, order: int) -> None:
        """Raise a one-line ``ValueError`` when the given parameters do not fit a model of ``order``
        (e.g. one value per order, but not ``order`` of them); default: nothing to check.

        Parameters
        ----------
        order : int
            The model's order N.
        """

    def check_fitted(self, fitted: dict, order: int) -> None:
        """Raise a one-line ``ValueError`` when ``fitted`` (learned values read from a file, keys
        among :attr:`FITTED`) holds what no fit of a model of ``order`` sets; default: nothing is
        learned, nothing to check.

        Parameters
        ----------
        fitted : dict
            JSON values, by key.
        order : int
            The model's order N.
        """

    @abstractmethod
    def interpolation(self, counts: NgramCounts, n: int) -> tuple[np.ndarray, np.ndarray]:
        """The method's two quantities at order ``n``.

        Parameters
        ----------
        counts : NgramCounts
            Training counts.
        n : int
            Order, 1..N.

        Returns
        -------
        alpha : np.ndarray[float64] (M_n,)
            Discounted weight of every stored n-gram.
        gamma : np.ndarray[float64] (counts.n_contexts(n),)
            Weight of the lower order for every context (only read for contexts that have at
            least one n-gram; order 1 has the single empty context, and its lower order is the
            uniform distribution).
        """

    def estimate(self, counts: NgramCounts) -> BackoffTables:
        """Run the interpolation recursion and return the ARPA-form tables.

        Parameters
        ----------
        counts : NgramCounts

        Returns
        -------
        BackoffTables
        """
        self.check_order(counts.order)
        V = counts.vocab_size
        uniform = np.full(V, 1.0 / (V - 1))
        uniform[BOS] = 0.0
        keys, logprob, logbow = [], [], []
        lower = uniform
        for n in range(1, counts.order + 1):
            table = counts.tables[n - 1]
            alpha, gamma = self.interpolation(counts, n)
            has_words = counts.context_types(n) > 0
            gamma = np.where(has_words, gamma, 1.0)
            lower_at = uniform if n == 1 else lower[table.suffix]
            probs = alpha + gamma[table.prefix] * lower_at
            if n == 1:
                probs[BOS] = 0.0
            keys.append(table.keys)
            logprob.append(log10_or_minus_inf(probs))
            if n > 1:
                logbow.append(log10_or_minus_inf(gamma))
            lower = probs
        logbow.append(np.empty(0))
        return BackoffTables(keys, logprob, logbow, V)

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in self.params().items())
        return f"{type(self).__name__}({args})"


class MLE(Smoothing):
    """Maximum likelihood: relative frequencies, zero for anything unseen.

    A context never seen in training falls back to its longest seen suffix (otherwise p(.|c)
    would not be a distribution at all); an unseen word in a seen context has probability 0, so
    a test text with one gets infinite perplexity.
    """

    name = "mle"

    def interpolation(self, counts, n):
        table = counts.tables[n - 1]
        totals = counts.context_totals(n)
        alpha = table.counts / np.maximum(totals, 1)[table.prefix]
        return alpha, np.zeros(counts.n_contexts(n))


class WittenBell(Smoothing):
    """Interpolated Witten-Bell: the lower order gets weight T(c) / (C(c) + T(c))."""

    name = "witten-bell"

    def interpolation(self, counts, n):
        table = counts.tables[n - 1]
        totals = counts.context_totals(n)
        types = counts.context_types(n, table.counts > 0)
        denom = np.maximum(totals + types, 1)
        return table.counts / denom[table.prefix], types / denom


class JelinekMercer(Smoothing):
    """Interpolated (Jelinek-Mercer) smoothing with one lambda per order.

    Parameters
    ----------
    lambdas : sequence of float, optional
        Weight of the maximum-likelihood estimate at orders 1..N, each in [0, 1] (one per order of
        the model; a ``ValueError`` otherwise). When omitted they are fitted on
        held-out text by maximising its likelihood, one order at a time (a bounded scalar
        optimisation, two sweeps from order 1 up).
    """

    name = "interpolated"
    uses_heldout = True
    FITTED = ("lambdas",)

    def __init__(self, lambdas=None):
        super().__init__()
        self.lambdas = None if lambdas is None else [float(x) for x in lambdas]
        # a weight outside [0, 1] makes the mixture no distribution (negative or NaN probabilities)
        bad = [x for x in self.lambdas or [] if not 0 <= x <= 1]
        if bad:
            raise ValueError(f"interpolated smoothing needs lambdas in [0, 1], got {bad[0]}")

    def params(self):
        return {"lambdas": self.lambdas}

    def check_order(self, order):
        if self.lambdas is not None and len(self.lambdas) != order:
            raise ValueError(f"interpolated smoothing of order {order} needs {order} lambdas (one per order), "
                             f"got {len(self.lambdas)}")

    def check_fitted(self, fitted, order):
        if "lambdas" in fitted:
            lambdas = fitted["lambdas"]
            if not (isinstance(lambdas, list) and all(is_number(x) for x in lambdas)):
                raise ValueError(f"interpolated smoothing's fitted lambdas must be a list of numbers, got "
                                 f"{str(lambdas)[:40]}")
            JelinekMercer(lambdas).check_order(order)

    def _lambdas(self, order):
        lambdas = self.fitted_.get("lambdas") or self.lambdas
        if lambdas is None:
            return [0.5] * order
        if len(lambdas) != order:
            raise ValueError(f"interpolated smoothing needs {order} lambdas, got {len(lambdas)}")
        return lambdas

    def interpolation(self, counts, n):
        lam = self._lambdas(counts.order)[n - 1]
        table = counts.tables[n - 1]
        totals = counts.context_totals(n)
        alpha = lam * table.counts / np.maximum(totals, 1)[table.prefix]
        return alpha, np.full(counts.n_contexts(n), 1.0 - lam)

    def fit_heldout(self, counts, heldout_ids):
        """Fit one interpolation weight per order on held-out text (unless ``lambdas`` were given).

        Coordinate ascent on the held-out log-likelihood: two sweeps over the orders, each weight
        set by a bounded scalar search with the others fixed; the result goes to
        ``fitted_["lambdas"]``. An order at which no held-out token has a context seen in training
        says nothing about its weight, which keeps its start value 0.5.
        """
        if self.lambdas is not None:
            self.fitted_["lambdas"] = list(self.lambdas)
            return
        from scipy.optimize import minimize_scalar  # only this method needs scipy (0.3 s import)

        if heldout_ids is None or heldout_ids.size == 0:
            raise ValueError("interpolated smoothing needs held-out text to fit its lambdas")
        N, V = counts.order, counts.vocab_size
        ids = np.asarray(heldout_ids, dtype=np.int64)
        rows = lookup_rows([t.keys for t in counts.tables], ids, V)
        target = ids != BOS
        # per order: ML probability of each held-out token and whether its context was seen
        ml, seen = [], []
        for n in range(1, N + 1):
            totals = counts.context_totals(n)
            r = rows[n - 1]
            if n == 1:
                ctx = np.zeros(ids.size, dtype=np.int64)
            else:
                ctx = np.full(ids.size, -1, dtype=np.int64)
                ctx[1:] = rows[n - 2][:-1]
                ctx[~target] = -1
            ctx_total = np.where(ctx >= 0, totals[np.maximum(ctx, 0)], 0.0)
            count = np.where(r >= 0, counts.tables[n - 1].counts[np.maximum(r, 0)], 0)
            ml.append((count / np.maximum(ctx_total, 1))[target])
            seen.append((ctx_total > 0)[target])
        uniform = 1.0 / (V - 1)

        def loglik(lams):
            p = np.full(ml[0].size, uniform)
            for n in range(N):
                mixed = lams[n] * ml[n] + (1 - lams[n]) * p
                p = np.where(seen[n], mixed, p)
            return float(np.sum(np.log(p)))

        lams = [0.5] * N
        # an order no held-out token has a seen context at leaves the likelihood flat in its lambda:
        # the search would return an arbitrary end of its interval (0 or 1 smoothing), so it keeps
        # the neutral start value
        informed = [n for n in range(N) if seen[n].any()]
        for _ in range(2):
            for n in informed:
                def objective(x, n=n):
                    trial = list(lams)
                    trial[n] = x
                    return -loglik(trial)
                lams[n] = float(minimize_scalar(objective, bounds=(1e-6, 1 - 1e-6), method="bounded",
                                                options={"xatol": 1e-5}).x)
        logger.info("interpolated lambdas fitted on %d held-out tokens: %s", ml[0].size, lams)
        self.fitted_["lambdas"] = lams

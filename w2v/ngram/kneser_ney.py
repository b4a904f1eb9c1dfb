"""Interpolated Kneser-Ney and modified Kneser-Ney, with KenLM ``lmplz``'s conventions.

>>> tables = ModifiedKneserNey().estimate(counts)      # doctest: +SKIP

What is counted (:meth:`w2v.ngram.counts.NgramCounts.continuation_counts`): the highest order
uses raw counts; a lower-order n-gram uses its number of distinct left neighbours, except that one
starting with ``<s>`` keeps its raw count (nothing can precede ``<s>``). Then at every order

    p(w | c) = (a(c w) - D(a(c w))) / S(c) + gamma(c) p(w | c'),
    S(c) = sum_x a(c x),    gamma(c) = sum_x D(a(c x)) / S(c),

where ``a`` are those adjusted counts, and the unigrams are interpolated with the uniform
distribution over the vocabulary plus ``</s>`` (``<unk>`` included, ``<s>`` excluded), which is
where an ``<unk>`` that training never saw gets its probability.

Discounts come from the count-of-counts ``t_k`` (number of n-grams of that order with adjusted
count k), per order. ``kneser-ney`` uses one discount ``D = t1 / (t1 + 2 t2)``; ``modified-kneser-ney``
(Chen & Goodman 1998) uses three, with ``Y = t1 / (t1 + 2 t2)``:
``D1 = 1 - 2Y t2/t1``, ``D2 = 2 - 3Y t3/t2``, ``D3+ = 3 - 4Y t4/t3``. When a tiny corpus makes them
undefined or out of range, the method falls back to KenLM's ``--discount_fallback`` values
(0.5, 1, 1.5; 0.5 for plain Kneser-Ney) and logs a warning.
"""
from __future__ import annotations

import logging

import numpy as np

from w2v.ngram.counts import NgramCounts
from w2v.ngram.smoothing import Smoothing, is_number

logger = logging.getLogger(__name__)

FALLBACK_DISCOUNTS = (0.5, 1.0, 1.5)


def count_of_counts(adjusted: np.ndarray, upto: int = 4) -> np.ndarray:
    """``t[k - 1]`` = number of entries equal to ``k``, for k = 1..upto.

    Parameters
    ----------
    adjusted : np.ndarray[int64] (M,)
    upto : int

    Returns
    -------
    np.ndarray[int64] (upto,)
    """
    return np.bincount(np.clip(adjusted, 0, upto + 1), minlength=upto + 2)[1:upto + 1].astype(np.int64)


def modified_discounts(t: np.ndarray) -> tuple[float, float, float] | None:
    """Chen & Goodman's D1, D2, D3+ from count-of-counts ``t`` (k=1..4), or None if undefined."""
    t1, t2, t3, t4 = (float(x) for x in t[:4])
    if min(t1, t2, t3) <= 0:
        return None
    y = t1 / (t1 + 2 * t2)
    d = (1 - 2 * y * t2 / t1, 2 - 3 * y * t3 / t2, 3 - 4 * y * t4 / t3)
    # KenLM's validity rule: 0 <= D_k <= k
    if not all(0 <= dk <= k for k, dk in enumerate(d, start=1)):
        return None
    return d


class _KneserNeyBase(Smoothing):
    """Shared estimation; subclasses only choose the discounts of one order."""

    FITTED = ("discounts",)

    def __init__(self, discounts=None):
        super().__init__()
        self.discounts = None if discounts is None else [self._check(d) for d in discounts]

    def params(self):
        return {"discounts": self.discounts}

    def _check(self, d):
        return d

    def check_order(self, order):
        if self.discounts is not None and len(self.discounts) != order:
            raise ValueError(f"{self.name} of order {order} needs {order} discounts (one per order), "
                             f"got {len(self.discounts)}")

    def check_fitted(self, fitted, order):
        if "discounts" not in fitted:
            return
        # what interpolation() sets: {"1": [D1, D2, D3+], ..., "N": [...]}, checked as given ones are
        by_order = fitted["discounts"]
        expected = [str(n) for n in range(1, order + 1)]
        if not (isinstance(by_order, dict) and sorted(by_order, key=lambda k: (len(k), k)) == expected):
            keys = sorted(by_order) if isinstance(by_order, dict) else by_order
            raise ValueError(f"{self.name}'s fitted discounts must hold discounts of orders 1 to {order} "
                             f"(\"1\" to \"{order}\"), got {str(keys)[:40]}")
        for n in expected:
            d = by_order[n]
            if not (isinstance(d, list) and len(d) == 3 and all(is_number(x) for x in d)):
                raise ValueError(f"{self.name}'s fitted discounts of order {n} must be (D1, D2, D3+), got "
                                 f"{str(d)[:40]}")
            self._check_fitted_discounts(d)

    def _check_fitted_discounts(self, d: list) -> None:
        raise NotImplementedError

    def _order_discounts(self, t: np.ndarray, n: int) -> tuple[float, float, float]:
        raise NotImplementedError

    def interpolation(self, counts: NgramCounts, n: int):
        table = counts.tables[n - 1]
        adjusted = counts.continuation_counts(n)
        if self.discounts is not None:
            d = self.discounts[n - 1]
            d = (d, d, d) if np.isscalar(d) else tuple(d)
        else:
            d = self._order_discounts(count_of_counts(adjusted), n)
        self.fitted_.setdefault("discounts", {})[str(n)] = list(d)
        by_count = np.array([0.0, d[0], d[1], d[2]])
        discount = by_count[np.minimum(adjusted, 3)]
        totals = counts.context_totals(n, adjusted)
        safe = np.maximum(totals, 1e-300)
        alpha = (adjusted - discount) / safe[table.prefix]
        gamma = np.bincount(table.prefix, weights=discount, minlength=counts.n_contexts(n)) / safe
        return alpha, gamma


class KneserNey(_KneserNeyBase):
    """Interpolated Kneser-Ney with one discount per order, ``D = t1 / (t1 + 2 t2)``.

    Parameters
    ----------
    discounts : sequence of float, optional
        One discount per order 1..N instead of the count-of-counts estimate.
    """

    name = "kneser-ney"

    def _check(self, d):
        d = float(d)
        if not 0 <= d <= 1:
            raise ValueError(f"a Kneser-Ney discount must be in [0, 1], got {d}")
        return d

    def _check_fitted_discounts(self, d):
        for x in d:
            self._check(x)

    def _order_discounts(self, t, n):
        t1, t2 = float(t[0]), float(t[1])
        if t1 <= 0:
            logger.warning("kneser-ney: no singletons at order %d; using discount 0.5", n)
            return (0.5,) * 3
        d = t1 / (t1 + 2 * t2)
        return (d, d, d)


class ModifiedKneserNey(_KneserNeyBase):
    """Modified Kneser-Ney (Chen & Goodman): discounts D1, D2, D3+ per order, as KenLM ``lmplz``.

    Parameters
    ----------
    discounts : sequence of (float, float, float), optional
        (D1, D2, D3+) per order 1..N instead of the count-of-counts estimate.
    """

    name = "modified-kneser-ney"

    def _check(self, d):
        d = [float(x) for x in d]
        if len(d) != 3 or not all(0 <= dk <= k for k, dk in enumerate(d, start=1)):
            raise ValueError(f"modified Kneser-Ney needs (D1, D2, D3+) with 0 <= Dk <= k, got {d}")
        return d

    def _check_fitted_discounts(self, d):
        self._check(d)

    def _order_discounts(self, t, n):
        d = modified_discounts(t)
        if d is None:
            logger.warning("modified-kneser-ney: count-of-counts %s at order %d give no valid "
                           "discounts (corpus too small); using KenLM's fallback %s",
                           t.tolist(), n, FALLBACK_DISCOUNTS)
            return FALLBACK_DISCOUNTS
        return d

"""The smoothing methods by name: the one registry the model and the file reader look them up in.

>>> make_smoothing("add-k", k=0.5)
AddK(k=0.5)
>>> SMOOTHING_NAMES[-1]
'modified-kneser-ney'

A new method is a :class:`~w2v.ngram.smoothing.Smoothing` subclass with a ``name``, and one entry
in :data:`SMOOTHING_CLASSES`; its name comes from the class.
"""
from __future__ import annotations

import inspect
import json

from w2v.ngram.add_k import AddK
from w2v.ngram.kneser_ney import KneserNey, ModifiedKneserNey
from w2v.ngram.smoothing import MLE, JelinekMercer, Smoothing, WittenBell, is_number
from w2v.ngram.tables import BackoffTables

#: method name -> class, in the order the methods are listed to users
SMOOTHING_CLASSES: dict[str, type[Smoothing]] = {
    cls.name: cls for cls in (MLE, AddK, JelinekMercer, WittenBell, KneserNey, ModifiedKneserNey)}
#: every method name
SMOOTHING_NAMES = tuple(SMOOTHING_CLASSES)


def make_smoothing(name: str, **params) -> Smoothing:
    """Build a smoothing method from its name.

    Parameters
    ----------
    name : {"mle", "add-k", "interpolated", "witten-bell", "kneser-ney", "modified-kneser-ney"}
    **params
        Parameters of that method (``k`` for add-k, ``lambdas`` for interpolated, ``discounts``
        for the Kneser-Ney methods).

    Raises
    ------
    ValueError
        An unknown name (the message lists the known ones) or a bad parameter value.
    """
    if name not in SMOOTHING_CLASSES:
        raise ValueError(f"unknown smoothing {name!r}; choose one of {', '.join(SMOOTHING_NAMES)}")
    return SMOOTHING_CLASSES[name](**params)


def tables_class(name: str) -> type[BackoffTables]:
    """The tables a model estimated by method ``name`` is held in (plain back-off for others,
    such as a model read from an ARPA file)."""
    cls = SMOOTHING_CLASSES.get(name)
    return BackoffTables if cls is None else cls.tables_class


class SavedValueError(ValueError):
    """A value of a saved model's header that no save writes; ``field`` names the header field."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field


def rebuild_smoothing(name: str, params: dict, fitted: dict, order: int) -> Smoothing | None:
    """The smoothing method a saved model was estimated with, made with its parameters and holding
    its learned values, after checking them against what a fit of a model of ``order`` writes.

    Parameters
    ----------
    name : str
        The method's name.
    params : dict
        Its constructor parameters, as saved (JSON values).
    fitted : dict
        Its learned values, as saved.
    order : int
        The model's order.

    Returns
    -------
    Smoothing or None
        None when this w2v does not know the method, one of its parameters or learned values (a
        newer w2v wrote them; the saved tables still score).

    Raises
    ------
    SavedValueError
        A parameter or learned value no save writes (out of range, of another type, not one per
        order); its ``field`` is ``"params"`` or ``"fitted"``.
    """
    cls = SMOOTHING_CLASSES.get(name)
    if (cls is None or not set(params) <= set(inspect.signature(cls).parameters)
            or not set(fitted) <= set(cls.FITTED)):
        return None
    for key, value in params.items():
        if not _plain(value):
            raise SavedValueError("params", f"{key} must be null, a number or a list of numbers (as a save "
                                            f"writes it), got {_short(value)}")
    try:
        smoothing = cls(**params)
        smoothing.check_order(order)
    except (ValueError, OverflowError) as err:
        raise SavedValueError("params", str(err)) from None
    except TypeError as err:  # a number where a list belongs, or the other way round
        raise SavedValueError("params", f"{name} smoothing cannot be made from {_short(params)} ({err})") from None
    try:
        smoothing.check_fitted(fitted, order)
    except (ValueError, OverflowError) as err:
        raise SavedValueError("fitted", str(err)) from None
    smoothing.fitted_ = fitted
    return smoothing


def _plain(value, top: bool = True) -> bool:
    """Whether ``value`` is what a save writes for a parameter: a number, a list of numbers or of
    lists of them, or (as a whole) null."""
    if value is None:
        return top
    if isinstance(value, list):
        return all(_plain(x, False) for x in value)
    return is_number(value)


def _short(value) -> str:
    """``value`` as JSON, at most 60 characters."""
    text = json.dumps(value)
    return text if len(text) <= 60 else text[:57] + "..."

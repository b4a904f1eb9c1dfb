"""The smoothing methods by name: the one registry the model and the file reader look them up in.

>>> make_smoothing("add-k", k=0.5)
AddK(k=0.5)
>>> SMOOTHING_NAMES[-1]
'modified-kneser-ney'

A new method is a :class:`~w2v.ngram.smoothing.Smoothing` subclass with a ``name``, and one entry
in :data:`SMOOTHING_CLASSES`; its name comes from the class.
"""
from __future__ import annotations

from w2v.ngram.add_k import AddK
from w2v.ngram.kneser_ney import KneserNey, ModifiedKneserNey
from w2v.ngram.smoothing import MLE, JelinekMercer, Smoothing, WittenBell
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

"""Optional dependencies: import them where they are needed, or say how to install them.

>>> from w2v.extras import require                                # doctest: +SKIP
>>> manifold = require("sklearn.manifold", "t-SNE")

The ``plot`` extra (``pip install 'w2v[plot]'``) brings matplotlib and scikit-learn; the core
install never needs them, and a command that does exits 2 with a one-line message naming the extra.
"""
from __future__ import annotations

from w2v.errors import W2VError


class MissingExtraError(W2VError):
    """An optional dependency (the ``plot`` extra) is needed and not installed."""


def require(module: str, what: str):
    """Import ``module`` or raise :class:`MissingExtraError` saying how to install it.

    Parameters
    ----------
    module : str
        A module of matplotlib or scikit-learn (``"matplotlib"``, ``"sklearn.manifold"``).
    what : str
        What needs it, for the message ("plotting", "t-SNE").
    """
    import importlib

    top = module.split(".")[0]
    package = {"sklearn": "scikit-learn"}.get(top, top)
    try:
        return importlib.import_module(module)
    except ImportError:
        raise MissingExtraError(f"{what} needs {package}, which is not installed: "
                                "pip install 'w2v[plot]'") from None

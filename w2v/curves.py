"""Training curves: loss, words/s and (when recorded) analogy accuracy per epoch.

>>> from w2v.curves import plot_history, read_history          # doctest: +SKIP
>>> axes = plot_history(model.history_)                         # or read_history("run.npz")
>>> axes[0].figure.savefig("curves.png")

The records are those of ``Word2Vec.history_`` (also kept in a saved trainer state): ``epoch``,
``loss``, ``words_per_second`` and, when :class:`w2v.evaluate.EvaluateEveryEpoch` ran as a
callback (``w2v train --evaluate-every-epoch``), ``analogy_accuracy``. An accuracy that stops
rising while the loss still falls is the sign that more epochs no longer help.
"""
from __future__ import annotations

import os

import numpy as np

from w2v.errors import ModelFormatError, W2VError
from w2v.extras import require
from w2v.fileio import shown_name


def read_history(path: str | os.PathLike) -> list[dict]:
    """The per-epoch records saved in a trainer state (``w2v train --save-state``)."""
    from w2v.models.state import load_state

    _, meta = load_state(path)
    history = meta.get("history")
    if not isinstance(history, list) or not all(isinstance(r, dict) for r in history):
        raise ModelFormatError(f"{shown_name(path)}: the trainer state holds no per-epoch history")
    return history


def plot_history(history: list[dict], axes=None):
    """Draw the per-epoch curves of ``history``.

    Parameters
    ----------
    history : list of dict
        ``Word2Vec.history_`` records (``epoch``, ``loss``, ``words_per_second``, optionally
        ``analogy_accuracy``).
    axes : sequence of matplotlib Axes, optional
        One per panel: loss, words/s, and analogy accuracy when any record has it. Default: a
        new pyplot figure with those panels stacked.

    Returns
    -------
    list of matplotlib Axes
    """
    require("matplotlib", "plotting")
    if not history:
        raise W2VError("no epoch has been trained yet: the history is empty")
    epochs = np.array([r.get("epoch", i + 1) for i, r in enumerate(history)], dtype=float)
    panels = [("loss", "mean loss per example", "tab:red"),
              ("words_per_second", "words / s", "tab:blue")]
    if any(r.get("analogy_accuracy") is not None for r in history):
        panels.append(("analogy_accuracy", "analogy accuracy", "tab:green"))
    if axes is None:
        import matplotlib.pyplot as plt

        _, axes = plt.subplots(len(panels), 1, sharex=True, figsize=(8, 2.6 * len(panels)))
    axes = list(np.atleast_1d(axes))
    if len(axes) < len(panels):
        raise W2VError(f"plot_history draws {len(panels)} panels but got {len(axes)} axes")
    for ax, (key, label, colour) in zip(axes, panels):
        values = np.array([np.nan if r.get(key) is None else float(r[key]) for r in history])
        ax.plot(epochs, values, marker="o", color=colour)
        ax.set_ylabel(label)
        ax.grid(True, alpha=0.3)
        if key == "analogy_accuracy":
            best = int(np.nanargmax(values)) if np.isfinite(values).any() else None
            if best is not None:
                ax.annotate(f"best {values[best]:.3f} (epoch {epochs[best]:g})", (epochs[best], values[best]),
                            xytext=(0, -14), textcoords="offset points", ha="center", fontsize=8)
    axes[len(panels) - 1].set_xlabel("epoch")
    axes[len(panels) - 1].set_xticks(epochs if len(epochs) <= 20 else axes[len(panels) - 1].get_xticks())
    axes[0].set_title(f"training history, {len(history)} epoch{'s' if len(history) != 1 else ''}")
    return axes[:len(panels)]


def history_panels(history: list[dict]) -> int:
    """Number of panels :func:`plot_history` draws for ``history`` (2, or 3 with analogy accuracy)."""
    return 3 if any(r.get("analogy_accuracy") is not None for r in history) else 2

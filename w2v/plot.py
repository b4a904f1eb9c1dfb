"""Word maps: words as labelled points of a 2-D projection, coloured by class when asked.

>>> from w2v import KeyedVectors                                   # doctest: +SKIP
>>> kv = KeyedVectors.load("vectors.bin")
>>> ax = kv.plot(["paris", "france", "rome", "italy"], method="pca")   # matplotlib Axes
>>> ax.figure.savefig("map.png")

matplotlib (and scikit-learn, for t-SNE) come with the optional extra ``pip install 'w2v[plot]'``;
they are imported inside the functions that draw, so ``import w2v`` never needs them. Labels are
placed greedily: each tries positions around its point (right, above, left, below, ... at growing
distance) and takes the first that overlaps no label placed before and no other point; when
none is free it takes the least-overlapping one. That keeps a few hundred labels readable
without an iterative layout library.
"""
from __future__ import annotations

import io
import os
import re
from pathlib import Path
from typing import Sequence

import numpy as np

from w2v.errors import OutputError, W2VError
from w2v.fileio import atomic_write, shown_name
from w2v.extras import require
from w2v.projection import project_2d

#: image formats written by :func:`save_figure`, chosen by the file's extension
IMAGE_FORMATS = ("png", "svg", "pdf")
#: default picture size in pixels (at 100 dpi)
DEFAULT_SIZE = (1200, 900)
_DPI = 100
_FONT_SIZE = 9.0
# label positions tried around a point: unit direction, in order of preference
_DIRECTIONS = ((1, 0), (0, 1), (-1, 0), (0, -1), (1, 1), (-1, 1), (-1, -1), (1, -1))
_RADII = (4.0, 10.0, 18.0)  # points between the marker and the label
# what a label cannot show as it is: control characters, and what XML (SVG) or the fonts cannot hold
_UNDRAWABLE = re.compile("[\x00-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")


def new_figure(size: tuple[int, int] = DEFAULT_SIZE, rows: int = 1, sharex: bool = False):
    """A matplotlib Figure of ``size`` pixels (at 100 dpi), not tied to pyplot or a GUI, and its axes.

    Parameters
    ----------
    size : (int, int)
        Width and height in pixels.
    rows : int
        Axes stacked vertically.
    sharex : bool
        Whether those axes share the x axis.

    Returns
    -------
    (Figure, Axes or array of Axes)
    """
    require("matplotlib", "plotting")
    from matplotlib.figure import Figure

    fig = Figure(figsize=(size[0] / _DPI, size[1] / _DPI), dpi=_DPI)
    axes = fig.subplots(rows, 1, sharex=sharex)
    return fig, axes


def save_figure(fig, path: str | os.PathLike) -> None:
    """Write ``fig`` atomically as PNG, SVG or PDF (by the extension of ``path``), at its own pixel size.

    Raises :class:`~w2v.errors.W2VError` for another extension, :class:`~w2v.errors.OutputError`
    when the file cannot be written.
    """
    import matplotlib

    fmt = image_format(path)
    buffer = io.BytesIO()
    # SVG keeps words as <text> (searchable, editable, smaller) instead of glyph outlines
    with matplotlib.rc_context({"svg.fonttype": "none"}):
        fig.savefig(buffer, format=fmt, dpi=_DPI)
    try:
        with atomic_write(path, "wb") as f:
            f.write(buffer.getvalue())
    except OSError as err:
        raise OutputError(f"could not write {shown_name(path)}: {err.strerror or err}") from None


def image_format(path: str | os.PathLike) -> str:
    """``png``, ``svg`` or ``pdf`` from the extension of ``path``; anything else is a one-line error."""
    fmt = Path(path).suffix.lower().lstrip(".")
    if fmt not in IMAGE_FORMATS:
        raise W2VError(f"cannot tell the image format of {str(path)!r}: end the name in "
                       f".png, .svg or .pdf")
    return fmt


def plot_words(kv, words: Sequence[str], method: str = "pca", ax=None, classes=None, seed: int = 1,
               title: str | None = None):
    """Draw ``words`` of ``kv`` as labelled points of a 2-D projection of their unit vectors.

    Parameters
    ----------
    kv : KeyedVectors
    words : sequence of str
        Words to draw (unknown words raise :class:`~w2v.errors.UnknownWordError`).
    method : {"pca", "tsne"}
        See :func:`w2v.projection.project_2d`.
    ax : matplotlib Axes, optional
        Where to draw; default a new figure from :mod:`matplotlib.pyplot` (so it shows in a
        notebook).
    classes : int, sequence of int, dict of str to int, or WordClasses, optional
        Colour the points by class: an int ``K`` clusters these words into K classes (cosine
        k-means, :func:`w2v.clusters.cluster_vectors`); otherwise one class id per word, or a
        mapping / :class:`~w2v.clusters.WordClasses` looked up by word (words without a class
        are grey).
    seed : int
        Seed of t-SNE and of the k-means when ``classes`` is an int.
    title : str, optional

    Returns
    -------
    matplotlib Axes
    """
    require("matplotlib", "plotting")
    words = list(dict.fromkeys(words))
    if not words:
        raise W2VError("nothing to plot: give words, a number of top words or a word's neighbours")
    rows = np.array([kv.index_of(w) for w in words])
    unit = kv.unit_vectors[rows]
    xy = project_2d(unit, method=method, seed=seed)
    labels = _class_ids(kv, words, rows, classes, seed)
    if ax is None:
        import matplotlib.pyplot as plt

        _, ax = plt.subplots(figsize=(DEFAULT_SIZE[0] / _DPI, DEFAULT_SIZE[1] / _DPI))
    colours = _colours(labels)
    ax.scatter(xy[:, 0], xy[:, 1], s=18, color=colours, edgecolors="none", zorder=2)
    _set_limits(ax, xy)
    place_labels(ax, xy, words, colours if labels is not None else None)
    ax.set_xticks([])
    ax.set_yticks([])
    name = "PCA" if method == "pca" else "t-SNE"
    # parse_math=False: a "$" in a title is a dollar, not the start of matplotlib's mathtext
    ax.set_title(drawable(title) or f"{len(words)} words, {name} of unit vectors"
                 + (f", {len(set(labels[labels >= 0].tolist()))} classes" if labels is not None else ""),
                 parse_math=False)
    return ax


def place_labels(ax, xy: np.ndarray, texts: Sequence[str], colours=None) -> list:
    """Label the points ``xy`` (n, 2) of ``ax`` with ``texts``, avoiding overlaps where possible.

    The axes' limits must be final (label boxes are computed in display coordinates). Texts are
    drawn literally (a ``$`` is not mathtext), control characters as escapes (see :func:`drawable`).
    Returns the matplotlib ``Annotation`` objects.
    """
    to_pixels = ax.transData.transform
    points = to_pixels(np.asarray(xy, dtype=np.float64))
    scale = ax.figure.dpi / 72.0
    height = _FONT_SIZE * 1.25 * scale
    marker = 3.0 * scale
    # every point is an obstacle, so labels do not cover other points
    markers = np.column_stack([points - marker, points + marker])
    placed = np.empty((0, 4))
    area = ax.get_window_extent()
    annotations = []
    for i, text in enumerate(texts):
        text = drawable(text)
        width = _FONT_SIZE * 0.62 * scale * max(len(text), 1)
        best, best_overlap = None, np.inf
        obstacles = np.vstack([placed, np.delete(markers, i, axis=0)])
        for radius in _RADII:
            for dx, dy in _DIRECTIONS:
                box = _label_box(points[i], dx, dy, radius * scale, width, height)
                overlap = _overlap(box, obstacles) + _outside(box, area)
                if overlap < best_overlap:
                    best, best_overlap = (dx, dy, radius), overlap
                if overlap == 0:
                    break
            if best_overlap == 0:
                break
        dx, dy, radius = best
        placed = np.vstack([placed, _label_box(points[i], dx, dy, radius * scale, width, height)])
        ha = {1: "left", 0: "center", -1: "right"}[dx]
        va = {1: "bottom", 0: "center", -1: "top"}[dy]
        # words are drawn as they are: "$x$" is not mathtext (and "$$" would not even parse)
        annotations.append(ax.annotate(
            text, xy[i], xytext=(dx * radius, dy * radius), textcoords="offset points", ha=ha, va=va,
            fontsize=_FONT_SIZE, color="black" if colours is None else _darker(colours[i]), zorder=3,
            parse_math=False))
    return annotations


def drawable(text: str | None) -> str | None:
    """``text`` with each control character (C0, DEL, C1), lone surrogate (U+D800 to U+DFFF) and
    XML's non-characters U+FFFE/U+FFFF shown as a ``\\xNN`` / ``\\uNNNN`` escape; ``None`` stays
    ``None``.

    A word may hold them (word2vec files keep control characters in words; a word of the Python
    API or a file written from one may hold a lone surrogate), but an SVG holding them is not XML,
    a tab or newline would move the rest of a label elsewhere, and matplotlib's fonts take no lone
    surrogate (a TypeError in every image format).
    """
    if text is None:
        return None
    return _UNDRAWABLE.sub(lambda m: _escape(ord(m.group())), text)


def _escape(code: int) -> str:
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def _label_box(point, dx, dy, offset, width, height) -> np.ndarray:
    """Display-space box (x0, y0, x1, y1) of a label anchored ``offset`` away from ``point``."""
    x = point[0] + dx * offset
    y = point[1] + dy * offset
    x0 = x if dx > 0 else (x - width if dx < 0 else x - width / 2)
    y0 = y if dy > 0 else (y - height if dy < 0 else y - height / 2)
    return np.array([x0, y0, x0 + width, y0 + height])


def _overlap(box: np.ndarray, others: np.ndarray) -> float:
    if not len(others):
        return 0.0
    w = np.minimum(box[2], others[:, 2]) - np.maximum(box[0], others[:, 0])
    h = np.minimum(box[3], others[:, 3]) - np.maximum(box[1], others[:, 1])
    return float(np.sum(np.clip(w, 0, None) * np.clip(h, 0, None)))


def _outside(box: np.ndarray, area) -> float:
    inside_w = max(0.0, min(box[2], area.x1) - max(box[0], area.x0))
    inside_h = max(0.0, min(box[3], area.y1) - max(box[1], area.y0))
    return float((box[2] - box[0]) * (box[3] - box[1]) - inside_w * inside_h)


def _set_limits(ax, xy: np.ndarray) -> None:
    low, high = xy.min(axis=0), xy.max(axis=0)
    span = np.where(high - low > 0, high - low, 1.0)
    # room for the labels: more on the right, where they go first
    ax.set_xlim(low[0] - 0.06 * span[0], high[0] + 0.14 * span[0])
    ax.set_ylim(low[1] - 0.06 * span[1], high[1] + 0.06 * span[1])


def _class_ids(kv, words, rows, classes, seed):
    """One class id per word (-1: none), or None when not colouring."""
    if classes is None:
        return None
    from w2v.clusters import WordClasses, cluster_vectors

    if isinstance(classes, (int, np.integer)) and not isinstance(classes, bool):
        from w2v.vectors import KeyedVectors

        subset = KeyedVectors(words, kv.vectors[rows])
        k = min(int(classes), len(words))
        return cluster_vectors(subset, k, seed=seed).labels.astype(np.int64)
    if isinstance(classes, WordClasses):
        classes = dict(zip(classes.words, classes.labels.tolist()))
    if isinstance(classes, dict):
        return np.array([classes.get(w, -1) for w in words], dtype=np.int64)
    ids = np.asarray(classes, dtype=np.int64)
    if ids.shape != (len(words),):
        raise W2VError(f"classes must give one id per word: {len(words)} words, {ids.size} ids")
    return ids


def _colours(labels):
    """RGBA (n, 4) colours by class id from tab20 (grey for -1), or one colour without classes."""
    import matplotlib

    if labels is None:
        return matplotlib.colors.to_rgba("tab:blue")
    palette = matplotlib.colormaps["tab20"].colors
    colours = np.array([matplotlib.colors.to_rgba(palette[(2 * c) % 20 + (2 * c) // 20 % 2])
                        if c >= 0 else (0.6, 0.6, 0.6, 1.0) for c in labels.tolist()])
    return colours


def _darker(colour):
    rgba = np.asarray(colour, dtype=float)
    return tuple(np.r_[rgba[:3] * 0.6, 1.0])

"""Vectors for other tools: TensorBoard's Embedding Projector files.

>>> from w2v.export import write_projector                      # doctest: +SKIP
>>> write_projector(kv, "projector/", classes=kv.cluster(50))
>>> # then load projector/tensors.tsv and metadata.tsv at projector.tensorflow.org,
>>> # or point TensorBoard (--logdir projector) at projector_config.pbtxt

Files written (each atomically) into the folder:

``tensors.tsv``
    One row per word, the ``d`` values separated by tabs (7 significant digits), no header.
``metadata.tsv``
    A header ``word<TAB>count`` (``<TAB>class`` with classes), then one row per word in the
    same order; the count is empty when the vectors do not know it. A tab, newline or backslash
    inside a word is written as ``\\t``, ``\\n``, ``\\\\`` so that rows stay aligned, and a lone
    surrogate (a word of the Python API, ``"\\udcff"``), which UTF-8 cannot hold, as ``\\udcff``.
``projector_config.pbtxt``
    The projector's text-protobuf config naming the two files (paths relative to the folder).

Conversions between vector formats (word2vec binary/text, GloVe, native) are
:meth:`KeyedVectors.save` with ``format=``; ``w2v export -o OUT --format F`` is its command.
"""
from __future__ import annotations

import os
from pathlib import Path

import numpy as np

from w2v.errors import OutputError, W2VError
from w2v.fileio import atomic_write, row_blocks

PROJECTOR_FILES = ("tensors.tsv", "metadata.tsv", "projector_config.pbtxt")
#: a tab or line end would break the rows, a lone surrogate (U+D800 to U+DFFF) is no UTF-8 text
_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r",
                          **{chr(c): f"\\u{c:04x}" for c in range(0xD800, 0xE000)}})


def write_projector(kv, folder: str | os.PathLike, classes=None, tensor_name: str = "w2v") -> list[Path]:
    """Write Embedding Projector files for ``kv`` into ``folder`` (created if missing; its parent must exist).

    Parameters
    ----------
    kv : KeyedVectors
        Every word of ``kv`` is written, in order (restrict first: ``KeyedVectors(kv.words[:n], ...)``).
    folder : str or PathLike
    classes : WordClasses, dict of str to int, or sequence of int, optional
        Adds a ``class`` column (empty for words without a class).
    tensor_name : str
        Name the projector shows for the tensor.

    Returns
    -------
    list of Path
        The files written.
    """
    folder = Path(folder)
    try:
        folder.mkdir(exist_ok=True)
    except OSError as err:
        raise OutputError(f"cannot create folder {str(folder)!r}: {err.strerror or err}") from None
    class_column = _class_column(kv, classes)
    paths = [folder / name for name in PROJECTOR_FILES]
    try:
        with atomic_write(paths[0], "w") as f:
            row = "\t".join(["%.7g"] * kv.dim) + "\n"
            for start, stop in row_blocks(len(kv), kv.dim):
                f.write("".join(row % tuple(r) for r in kv.vectors[start:stop].tolist()))
        with atomic_write(paths[1], "w") as f:
            f.write("word\tcount" + ("\tclass" if class_column is not None else "") + "\n")
            counts = [""] * len(kv) if kv.counts is None else [str(c) for c in kv.counts.tolist()]
            for i, word in enumerate(kv.words):
                extra = "" if class_column is None else "\t" + class_column[i]
                f.write(f"{word.translate(_ESCAPES)}\t{counts[i]}{extra}\n")
        with atomic_write(paths[2], "w") as f:
            f.write("embeddings {\n"
                    f'  tensor_name: "{tensor_name}"\n'
                    '  tensor_path: "tensors.tsv"\n'
                    '  metadata_path: "metadata.tsv"\n'
                    "}\n")
    except OSError as err:
        raise OutputError(f"could not write into {str(folder)!r}: {err.strerror or err}") from None
    return paths


def _class_column(kv, classes):
    if classes is None:
        return None
    from w2v.clusters import WordClasses

    if isinstance(classes, WordClasses):
        classes = dict(zip(classes.words, classes.labels.tolist()))
    if isinstance(classes, dict):
        return [str(classes[w]) if w in classes else "" for w in kv.words]
    ids = np.asarray(classes).tolist()
    if len(ids) != len(kv):
        raise W2VError(f"classes must give one id per word: {len(kv)} words, {len(ids)} ids")
    return [str(c) for c in ids]

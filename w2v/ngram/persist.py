"""Native model files: one :mod:`w2v.container` file (numpy arrays + a JSON header), never pickle.

>>> write_model_file("brown3.lm", header, lm.tables_)            # what lm.save does   # doctest: +SKIP
>>> vocab, tables, header = read_model_file("brown3.lm")          # what NgramLM.load assembles

Layout: the JSON header holds the format name and version, ``order``, the ``smoothing`` name, its
``params`` and ``fitted`` values, ``min_count``, ``train_tokens``, ``tokenizer`` and the vocabulary
(``words``); then per order ``n`` one member ``<field>_n`` for every field the tables class names
(``keys_n``, ``logprob_n``, ``logbow_n``, and whatever a model of another form adds). The reader
returns plain data and checks every part of it first: header field types and ranges, the
vocabulary, member dtypes and lengths, keys sorted and within range, no NaN or log10 probability
above 0, no NaN or infinity among the method's parameters and learned values, and for a method
this w2v knows, parameters and learned values a fit of it can write (see
:func:`w2v.ngram.methods.rebuild_smoothing`). A tokenizer this w2v does not know (a newer one wrote
the file) is refused: text read with another would be scored as other tokens.
"""
from __future__ import annotations

import math
import os
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from w2v.container import Layout, open_container, write_container
from w2v.corpus.tokenize import TOKENIZER_NAMES
from w2v.errors import ModelFormatError
from w2v.fileio import check_model_file, check_readable, decompression_errors, is_compressed, open_binary
from w2v.ngram.arpa import cr_only_message, is_cr_only_arpa
from w2v.ngram.encoding import NgramVocab
from w2v.ngram.methods import SavedValueError, rebuild_smoothing, tables_class
from w2v.ngram.tables import MAX_ORDER, BackoffTables

LAYOUT = Layout(format="w2v-ngram", version=1, what="language model", title="w2v n-gram model",
                remedy="save it again")
FORMAT = LAYOUT.format
VERSION = LAYOUT.version
#: the largest integer a float holds; a larger one in a JSON header overflows when read as a float
_MAX_FLOAT_INT = int(sys.float_info.max)


@dataclass
class ModelHeader:
    """What a native model file says besides its tables.

    Attributes
    ----------
    smoothing : str
        Method name (``"arpa"`` for a model read from an ARPA file).
    params : dict
        Constructor parameters of the method.
    fitted : dict
        Its learned values (discounts, lambdas).
    min_count : int
    train_tokens : int
    tokenizer : str or None
    """

    smoothing: str
    params: dict
    fitted: dict
    min_count: int
    train_tokens: int = 0
    tokenizer: str | None = None


#: how :meth:`NgramLM.save`'s caller gets a compressed ARPA file instead (the command line passes
#: its own: there the name chooses the format)
_SAVE_ARPA_HINT = "use to_arpa(path) for a compressed ARPA file (save writes the native format only)"


def check_native_name(path: str | os.PathLike, arpa_hint: str = _SAVE_ARPA_HINT) -> None:
    """Refuse a native model name ending in ``.gz``, ``.bz2`` or ``.xz``: the file would not be
    compressed, and the reader, which decompresses by extension, would take it for a corrupt one.

    Parameters
    ----------
    path : str or PathLike
        Where a native model is to be written.
    arpa_hint : str
        How to write a compressed ARPA file instead, for the message; by default the Python
        API's answer, ``to_arpa``.

    Raises
    ------
    ModelFormatError
        The name ends in a compression extension (any case).
    """
    if is_compressed(path):
        raise ModelFormatError(f"{str(path)!r}: native n-gram models are not compressed, and a name ending in "
                               f"{Path(path).suffix} would be read as a compressed file: {arpa_hint}, or drop "
                               "the extension")


def write_model_file(path: str | os.PathLike, header: ModelHeader, words: list, tables: BackoffTables) -> None:
    """Write a fitted model's parts to ``path`` (atomically).

    Parameters
    ----------
    path : str or PathLike
        Destination, used as given (no ``.npz`` is appended); a name ending in ``.gz``, ``.bz2``
        or ``.xz`` is refused (:func:`check_native_name`).
    header : ModelHeader
    words : list of str
        The vocabulary by id.
    tables : BackoffTables
        Every field of ``tables.FIELDS`` is stored per order.
    """
    check_native_name(path)
    meta = {"order": tables.order, "smoothing": header.smoothing, "params": header.params,
            "fitted": header.fitted, "min_count": int(header.min_count),
            "train_tokens": int(header.train_tokens), "tokenizer": header.tokenizer, "words": list(words)}
    arrays = {f"{field}_{n}": getattr(tables, field)[n - 1]
              for n in range(1, tables.order + 1) for field in tables.FIELDS}
    write_container(path, LAYOUT, meta, arrays)


#: longest piece of a line read at once while looking for an ARPA file's ``\\data\\`` line
_LINE_PIECE = 1 << 16


def _first_arpa_line(f) -> bytes:
    """The first line of the binary stream ``f`` that is neither blank nor a ``#`` comment, without
    a leading UTF-8 byte order mark and surrounding spaces (b"" at the end of the file). KenLM skips
    such lines before ``\\data\\``; lines are read in bounded pieces, so a file without line ends
    is not read whole."""
    in_comment, first = False, True
    while True:
        piece = f.readline(_LINE_PIECE)
        if not piece:
            return b""
        if first:
            piece, first = piece.removeprefix(b"\xef\xbb\xbf"), False
        ends = piece.endswith(b"\n")
        if in_comment:  # the rest of a long comment line
            in_comment = not ends
            continue
        text = piece.strip(b" \t\r\n")
        if text.startswith(b"#"):
            in_comment = not ends
        elif text:
            return text


def is_arpa_file(path: str | os.PathLike) -> bool:
    """Whether ``path`` holds an ARPA file (its ``\\data\\`` line after any blank or ``#`` lines and a
    UTF-8 byte order mark, as KenLM reads it; compressed or not) rather than a native model; a file
    that is neither is a one-line error.

    Raises
    ------
    CorpusError
        The file does not exist or is a folder.
    ModelFormatError
        It cannot be read, or it is neither kind of model.
    """
    p = check_readable(path, "language model")
    check_model_file(p, "language model")
    with decompression_errors(p, "language model", ModelFormatError), open_binary(p) as f:
        if f.read(2) == b"PK":  # a zip archive (no ARPA file can start so)
            return False
        f.seek(0)
        if _first_arpa_line(f) == b"\\data\\":
            return True
        f.seek(0)
        # the whole start of the file read as one line: say why rather than "neither"
        if is_cr_only_arpa(f.read(_LINE_PIECE)):
            raise ModelFormatError(cr_only_message(str(p)))
    raise ModelFormatError(f"{str(p)!r} is neither a w2v n-gram model (.npz) nor an ARPA file")


def read_model_file(path: str | os.PathLike) -> tuple[NgramVocab, BackoffTables, ModelHeader]:
    """Read and check a native model file.

    Parameters
    ----------
    path : str or PathLike
        A file written by :func:`write_model_file`.

    Returns
    -------
    vocab : NgramVocab
    tables : BackoffTables
        Of the class the smoothing method estimates (``AddKTables`` for add-k).
    header : ModelHeader

    Raises
    ------
    ModelFormatError
        The file is not a w2v n-gram model, or any part of it is missing or inconsistent (the
        message names the header field or member).
    """
    with open_container(path, LAYOUT) as box:
        # the bound fit() keeps: every order costs memory when scoring, whatever its members hold
        order = box.meta_int("order", minimum=1, maximum=MAX_ORDER)
        cls = tables_class(box.meta_value("smoothing", (str,), "a method name"))
        # every order needs its members: a huge order is refused before any loop over it
        box.require(order <= len(box.names),
                    f"header field 'order' is {order} but the file holds {len(box.names)} members")
        header = ModelHeader(
            smoothing=box.meta["smoothing"],
            params=box.meta_value("params", (dict, type(None)), "an object", default=None) or {},
            fitted=box.meta_value("fitted", (dict, type(None)), "an object", default=None) or {},
            min_count=box.meta_int("min_count", minimum=1),
            train_tokens=box.meta_int("train_tokens", minimum=0, default=0),
            tokenizer=box.meta_name("tokenizer", TOKENIZER_NAMES, "the tokenizer", default=None))
        for field in ("params", "fitted"):
            found = _non_finite(getattr(header, field))
            if found is not None:
                where, value = found
                raise box.error(f"header field {field!r} holds {value} at {where}, and a saved model's numbers "
                                "are finite")
        try:
            rebuild_smoothing(header.smoothing, header.params, header.fitted, order)
        except SavedValueError as err:
            raise box.error(f"header field {err.field!r}: {err}") from None
        try:
            vocab = NgramVocab(box.meta_words("words"))
        except ValueError as err:
            raise box.error(f"header field 'words': {err}") from None
        fields: dict[str, list] = {field: [] for field in cls.FIELDS}
        for n in range(1, order + 1):
            keys = box.array(f"keys_{n}", kinds="i", shape=(None,))
            fields["keys"].append(keys.astype(np.int64, copy=False))
            for field in cls.FIELDS[1:]:
                length = cls.field_length(field, n, order, keys.size)
                fields[field].append(box.array(f"{field}_{n}", kinds="f", shape=(length,))
                                     .astype(np.float64, copy=False))
        problem = cls.find_problem(fields, len(vocab))
        if problem is not None:
            field, n, what = problem
            raise box.error(f"member {field}_{n}.npy: the {n}-grams' {field} {what}")
    return vocab, cls(**fields, vocab_size=len(vocab)), header


def _non_finite(value, where: str = ""):
    """``(where, text)`` of the first NaN, infinity or integer beyond the float range in the JSON
    ``value`` (its path, as ``discounts['1'][0]``, and the number as text), or None."""
    if isinstance(value, dict):
        items = ((f"{where}[{k!r}]" if where else str(k), v) for k, v in value.items())
    elif isinstance(value, list):
        items = ((f"{where}[{i}]", v) for i, v in enumerate(value))
    else:
        if isinstance(value, float) and not math.isfinite(value):
            return where, repr(value)
        if isinstance(value, int) and not isinstance(value, bool) and abs(value) > _MAX_FLOAT_INT:
            text = str(value)
            return where, text if len(text) <= 24 else f"{text[:12]}... ({len(text)} digits)"
        return None
    for key, item in items:
        found = _non_finite(item, key)
        if found is not None:
            return found
    return None

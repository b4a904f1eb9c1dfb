"""What both evaluations share: the error type, the restricted vocabulary and reading the set."""
from __future__ import annotations

import os
import re
from pathlib import Path

from w2v.errors import W2VError
from w2v.fileio import check_regular_file, decompression_errors, open_binary
from w2v.vectors import resolve_restrict_vocab


class EvaluationError(W2VError):
    """An evaluation file is missing or unusable, or no question could be asked of the vectors."""


class EvaluationFileError(EvaluationError):
    """An evaluation file cannot be used at all: missing, a folder, unreadable, empty or malformed
    (as opposed to a usable file none of whose words the vectors know)."""


def restricted_vocab(kv, restrict_vocab, case_insensitive: bool) -> tuple[dict[str, int], int]:
    """Map each lookup key of the N most frequent words to its row.

    Parameters
    ----------
    kv : KeyedVectors
    restrict_vocab : int or None
        N; ``None`` means the whole vocabulary.
    case_insensitive : bool
        Keys are upper-cased words; when several case variants exist the most frequent one
        (lowest row) is used, as gensim does.

    Returns
    -------
    lookup : dict of str to int
    n : int
        Number of words searched, ``min(restrict_vocab, len(kv))``.
    """
    n = resolve_restrict_vocab(restrict_vocab, len(kv))
    words = kv.words[:n]
    keys = [w.upper() for w in words] if case_insensitive else words
    # reversed so that the first (most frequent) variant of a key is the one kept
    return dict(zip(reversed(keys), range(n - 1, -1, -1))), n


def read_text(path, default_name: str, what: str) -> tuple[Path, str]:
    """Text of an evaluation file (UTF-8, invalid bytes replaced, a leading byte-order mark dropped as
    editors on Windows write one; ``.gz``, ``.bz2`` or ``.xz`` decompressed); ``path=None`` is the
    bundled set."""
    if path is None:
        from w2v.data import data_path

        path = data_path(default_name)
    # read whole: a device (/dev/zero) would fill memory; a pipe is read once, as a file
    path = check_regular_file(os.fspath(path), f"{what} file", EvaluationFileError, pipes=True)
    # .gz, .bz2 and .xz are decompressed (by extension, as gensim's evaluate_* and w2v's other readers)
    with decompression_errors(path, f"{what} file", EvaluationFileError), open_binary(path) as f:
        return path, f.read().decode("utf-8-sig", errors="replace")


def split_lines(text: str) -> list[str]:
    """Lines of an evaluation file ended by LF, CR LF or a lone CR (not the other Unicode breaks
    :meth:`str.splitlines` knows, which may sit inside a word)."""
    return re.split(r"\r\n|\r|\n", text)

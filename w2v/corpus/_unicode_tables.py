"""Per-code-point tables that let compiled code tokenize exactly as the regex :class:`Tokenizer` does.

>>> tables = unicode_tables()                       # doctest: +SKIP
>>> bool(tables.flags[ord("é")] & ALNUM)             # doctest: +SKIP
True

Every property is read from Python itself (the ``re`` module's ``\\w``, ``\\d`` and ``\\s``,
``str.lower``, ``unicodedata.normalize``), never from a hand-written list, so the tables follow the
Unicode version of the running Python. They are computed for the code points that are assigned
somewhere (below :data:`_COVERED_END` and the variation-selector/tag plane); every other code point
is private use or unassigned, which has none of the properties (a test checks this on all of them).
Building takes a few tenths of a second, so the result is cached next to this module (in
``__pycache__``, as numba caches kernels) keyed by the Python and Unicode versions.

Flags (bits of ``flags[cp]``):

- ``ALNUM``: ``[^\\W_]`` (a token character), ``DECIMAL``: ``\\d``, ``SPACE``: ``\\s`` (``str.split``);
- ``IGNORABLE`` and ``CASED``: the two properties ``str.lower`` reads to decide whether a capital
  sigma ends a word (``CASED`` here means cased and not case-ignorable, the only combination the
  rule looks at);
- ``STRIPS`` / ``LOWERS``: the code point changes under accent stripping (NFKD, then the combining
  marks :class:`Tokenizer` drops are removed) / under ``str.lower``; the replacement sequences are
  in ``strip_*`` / ``lower_*`` (sorted keys, CSR offsets and data).
"""
from __future__ import annotations

import logging
import os
import re
import sys
import tempfile
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import numpy as np

logger = logging.getLogger(__name__)

ALNUM, DECIMAL, SPACE, IGNORABLE, CASED, STRIPS, LOWERS = 1, 2, 4, 8, 16, 32, 64
N_CODE_POINTS = 0x110000
#: code points at and above this (outside the tag/variation-selector block) are private use or unassigned
_COVERED_END = 0x31350
_TAGS = (0xE0000, 0xE01F0)
_TABLE_VERSION = 1
_SIGMA, _FINAL_SIGMA = "\u03a3", "\u03c2"


@dataclass(frozen=True)
class UnicodeTables:
    """Flags per code point and the two replacement maps (see the module docstring)."""

    flags: np.ndarray          # uint8 (0x110000,)
    strip_keys: np.ndarray     # int32 (K,) sorted
    strip_offsets: np.ndarray  # int32 (K + 1,)
    strip_data: np.ndarray     # int32
    lower_keys: np.ndarray
    lower_offsets: np.ndarray
    lower_data: np.ndarray


_TABLES: UnicodeTables | None = None


def unicode_tables() -> UnicodeTables:
    """The tables, built once per process (read from the on-disk cache when it is there)."""
    global _TABLES
    if _TABLES is None:
        _TABLES = _load_cached() or _build_and_cache()
    return _TABLES


def _covered_code_points() -> np.ndarray:
    ranges = [np.arange(0, 0xD800), np.arange(0xE000, _COVERED_END), np.arange(*_TAGS)]
    cps = np.concatenate(ranges)
    return cps[cps != 0x0A]        # "\n" separates the probes below; its flags are set by hand


def _mask(pattern: str, text: str) -> np.ndarray:
    """Boolean per character of ``text``: does the one-character regex ``pattern`` match it."""
    # \x01 marks a match; text never holds \x01 itself (code point 1 is left out by the caller)
    marked = re.sub(pattern, "\x01", text)
    return np.frombuffer(marked.encode("utf-32-le"), dtype=np.uint32) == 1


def _replacements(cps: np.ndarray, pieces: list[str]):
    """CSR map of the code points whose piece differs from the character itself."""
    keys, offsets, data = [], [0], []
    for cp, piece in zip(cps.tolist(), pieces):
        if len(piece) != 1 or ord(piece) != cp:
            keys.append(cp)
            data.extend(map(ord, piece))
            offsets.append(len(data))
    return (np.asarray(keys, dtype=np.int32), np.asarray(offsets, dtype=np.int32),
            np.asarray(data, dtype=np.int32))


def build_tables() -> UnicodeTables:
    """Compute the tables from the running Python (no cache)."""
    from w2v.corpus.tokenize import _MARKS_RE

    cps = _covered_code_points()
    cps = cps[cps != 1]
    chars = "".join(map(chr, cps.tolist()))
    flags = np.zeros(N_CODE_POINTS, dtype=np.uint8)
    flags[cps[_mask(r"[^\W_]", chars)]] |= ALNUM
    flags[cps[_mask(r"\d", chars)]] |= DECIMAL
    flags[cps[_mask(r"\s", chars)]] |= SPACE
    flags[0x0A] |= SPACE
    # A capital sigma is final when the nearest non-ignorable character before it is cased and the
    # nearest after it is not. ("A" + x + Σ) lowers to a final sigma iff x is ignorable or cased;
    # (x + Σ) iff x is cased and not ignorable.
    ends_a = [p[-1] == _FINAL_SIGMA for p in "\n".join("A" + c + _SIGMA for c in chars).lower().split("\n")]
    ends_b = [p[-1] == _FINAL_SIGMA for p in "\n".join(c + _SIGMA for c in chars).lower().split("\n")]
    ends_a, ends_b = np.array(ends_a), np.array(ends_b)
    flags[cps[ends_a & ~ends_b]] |= IGNORABLE
    flags[cps[ends_b]] |= CASED
    joined = "\n".join(chars)
    stripped = _MARKS_RE.sub("", unicodedata.normalize("NFKD", joined)).split("\n")
    lowered = joined.lower().split("\n")
    strip = _replacements(cps, stripped)
    lower = _replacements(cps, lowered)
    flags[strip[0]] |= STRIPS
    flags[lower[0]] |= LOWERS
    return UnicodeTables(flags, *strip, *lower)


def _cache_path() -> Path:
    tag = f"unicode-tables-v{_TABLE_VERSION}-py{sys.version_info[0]}{sys.version_info[1]}-u{unicodedata.unidata_version}.npz"
    return Path(__file__).parent / "__pycache__" / tag


def _load_cached() -> UnicodeTables | None:
    path = _cache_path()
    try:
        with np.load(path, allow_pickle=False) as data:
            tables = UnicodeTables(**{name: data[name] for name in UnicodeTables.__dataclass_fields__})
    except (OSError, KeyError, ValueError):
        return None
    if tables.flags.shape != (N_CODE_POINTS,) or tables.flags.dtype != np.uint8:
        return None
    return tables


def _build_and_cache() -> UnicodeTables:
    tables = build_tables()
    path = _cache_path()
    try:
        path.parent.mkdir(exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
        with os.fdopen(fd, "wb") as f:
            np.savez(f, **{name: getattr(tables, name) for name in UnicodeTables.__dataclass_fields__})
        os.replace(tmp, path)
    except OSError as err:       # a read-only install: rebuild in every process instead
        logger.debug("cannot cache the Unicode tables in %s: %s", path.parent, err)
    return tables

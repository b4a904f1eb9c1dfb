"""ARPA back-off files: write back-off tables, read them back (ours, KenLM's or SRILM's).

>>> write_arpa_tables("brown3.arpa", lm.vocab_.words, lm.tables_)     # doctest: +SKIP
>>> vocab, tables = read_arpa_tables("brown3.arpa")                   # what NgramLM.from_arpa uses

The readers and writers here deal in plain data (the vocabulary and
:class:`~w2v.ngram.tables.BackoffTables`); :class:`~w2v.ngram.model.NgramLM` assembles a model from
them (``NgramLM.from_arpa``, ``lm.to_arpa``).
The format (one section per order, ``log10 p <TAB> w1 .. wn [<TAB> log10 backoff]``) is what
KenLM, SRILM and most decoders read. As in KenLM, lines end at ``\\n`` and fields are separated by
spaces and tabs only, so a word may hold any other character (a no-break space, U+2028); a word
that is empty or holds a space, tab, ``\\r`` or ``\\n`` cannot be written and is refused. Every
interpolated model is exactly a back-off model: the file stores the final interpolated probability
of each seen n-gram and the interpolation weight of each context as its back-off weight (a model of
another form is turned into one by its tables' ``as_backoff`` first). Numbers are written with
Python's shortest round-trip repr, so reading the file back gives bit-identical scores. Log10 of 0
(``<s>``, which is never predicted, and the zero back-off weights of ``mle``) is written as ``-99``,
the ARPA convention, and read back as ``-inf``.
"""
from __future__ import annotations

import bz2
import contextlib
import gc
import gzip
import io
import logging
import lzma
import os
import re
from itertools import chain
from operator import itemgetter
from pathlib import Path

import numpy as np

from w2v.errors import ModelFormatError
from w2v.fileio import (WORD_DECODE_ERRORS, WORD_ENCODE_ERRORS, atomic_write, check_model_file, check_readable,
                        decompression_errors, open_binary)
from w2v.ngram.encoding import BOS, SPECIALS, UNK, NgramVocab
from w2v.ngram.tables import MAX_ORDER, BackoffTables

logger = logging.getLogger(__name__)

#: ARPA's stand-in for log10(0)
LOG_ZERO = -99.0
#: what separates the fields of a line (KenLM's ARPA delimiters; lines end at \n only); every
#: other character, Unicode spaces and line separators included, belongs to a word
FIELD_SPACES = " \t\r"
_FIELD_SPACE = re.compile(f"[{FIELD_SPACES}]+")
#: a character str.split() or str.splitlines() would break at but an ARPA file does not
_OTHER_SPACE = re.compile(r"[^\S \t\r\n]")
#: what a written word may not hold: the field separators and the line end
_UNWRITABLE = re.compile(r"[ \t\r\n]")
#: compression of a written file by its extension: what the reader (open_binary) decompresses
_COMPRESSORS = {".gz": lambda raw, name: gzip.GzipFile(filename=name, mode="wb", fileobj=raw),
                ".bz2": lambda raw, name: bz2.BZ2File(raw, "wb"),
                ".xz": lambda raw, name: lzma.LZMAFile(raw, "wb")}
#: the names an ARPA file is written under (any case)
ARPA_SUFFIXES = (".arpa",) + tuple(".arpa" + ext for ext in _COMPRESSORS)


def is_arpa_name(path: str | os.PathLike) -> bool:
    """Whether ``path`` names an ARPA file: it ends in ``.arpa``, ``.arpa.gz``, ``.arpa.bz2`` or
    ``.arpa.xz``, in any case.

    Parameters
    ----------
    path : str or PathLike
    """
    return str(path).lower().endswith(ARPA_SUFFIXES)


@contextlib.contextmanager
def _text_output(raw, path):
    """UTF-8 text written to the binary file ``raw``, compressed when ``path`` ends in .gz, .bz2 or
    .xz; ``raw`` itself is left open (``atomic_write`` flushes and renames it)."""
    compressor = _COMPRESSORS.get(Path(path).suffix.lower())
    stream = raw if compressor is None else compressor(raw, Path(path).name)
    # a word holding a lone surrogate is written as the vector files write it (the reader reads it back)
    text = io.TextIOWrapper(stream, encoding="utf-8", errors=WORD_ENCODE_ERRORS, newline="")
    try:
        yield text
        text.flush()
    finally:
        text.detach()  # closing the wrapper would close raw
        if compressor is not None:
            stream.close()  # writes the compressed stream's end; raw stays open


def _numbers(values: np.ndarray) -> list[str]:
    values = np.where(values <= LOG_ZERO, LOG_ZERO, values)
    return list(map(repr, values.tolist()))


def write_arpa_tables(path: str | os.PathLike, words: list, tables: BackoffTables) -> None:
    """Write back-off tables as an ARPA file (atomically).

    Parameters
    ----------
    path : str or PathLike
        Destination; compressed when it ends in ``.gz``, ``.bz2`` or ``.xz`` (any case), as the
        reader decompresses.
    words : list of str
        The vocabulary by id (``<unk>``, ``<s>``, ``</s>`` first).
    tables : BackoffTables
        A plain back-off model (``tables.as_backoff()`` of any fitted model).

    Raises
    ------
    ModelFormatError
        A word is empty or holds a space, tab, ``\\r`` or ``\\n`` (it would not read back as one word).
    """
    V = tables.vocab_size
    bad = _unwritable_word(words)
    if bad is not None:
        raise ModelFormatError(f"word {bad!r} cannot be written to an ARPA file, whose words are separated by "
                               "spaces and tabs (a word there is not empty and holds no space, tab, \\r or "
                               "\\n): save the model in the native format instead (not .arpa)")
    with atomic_write(path, "wb") as raw, _text_output(raw, path) as f:
        f.write("\\data\\\n")
        for n in range(1, tables.order + 1):
            f.write(f"ngram {n}={tables.keys[n - 1].size}\n")
        names = words
        for n in range(1, tables.order + 1):
            keys = tables.keys[n - 1]
            if n > 1:
                prefix, last = (keys // V).tolist(), (keys % V).tolist()
                names = [names[p] + " " + words[w] for p, w in zip(prefix, last)]
            f.write(f"\n\\{n}-grams:\n")
            probs = _numbers(tables.logprob[n - 1])
            if n == tables.order:
                f.writelines(f"{p}\t{gram}\n" for p, gram in zip(probs, names))
            else:
                bows = tables.logbow[n - 1]
                bow_text = _numbers(bows)
                f.writelines(f"{p}\t{gram}\t{b}\n" if bow != 0 else f"{p}\t{gram}\n"
                             for p, gram, b, bow in zip(probs, names, bow_text, bows.tolist()))
        f.write("\n\\end\\\n")


def _unwritable_word(words) -> str | None:
    """The first of ``words`` an ARPA file cannot hold (empty, or with a space, tab, \\r or \\n)."""
    if all(words) and not _UNWRITABLE.search("".join(words)):  # the usual case: one pass in C
        return None
    return next(w for w in words if not w or _UNWRITABLE.search(w))


def _split_fields(lines: list[str]) -> list[list[str]]:
    """The fields of every line, separated by runs of :data:`FIELD_SPACES` only."""
    if not _OTHER_SPACE.search("".join(lines)):
        return list(map(str.split, lines))  # the usual case: str.split() breaks at the same places, in C
    return [_FIELD_SPACE.split(line.strip(FIELD_SPACES)) for line in lines]


def read_arpa_tables(path: str | os.PathLike) -> tuple[NgramVocab, BackoffTables]:
    """Read an ARPA file into a vocabulary and tables that score exactly as the file says.

    The vocabulary is the file's unigrams (``<unk>`` is added with probability 0 if the file has
    none); words are re-numbered with ``<unk>``, ``<s>``, ``</s>`` first. ``<s>`` is never
    predicted: a probability the file gives it (as a unigram, or as the last word of an n-gram) is
    read as 0, as KenLM does; its back-off weights are kept.

    Parameters
    ----------
    path : str or PathLike
        An ARPA file (``.gz``/``.bz2``/``.xz`` decompressed on the fly).

    Returns
    -------
    vocab : NgramVocab
    tables : BackoffTables

    Raises
    ------
    ModelFormatError
        Missing header or sections, counts that disagree with the header, an n-gram whose prefix
        is missing, unknown words in higher orders, unparsable numbers, NaN, log10
        probabilities above 0, or an order above ``MAX_ORDER`` (100, as for fitting).
    """
    p = check_readable(path, "ARPA file")
    check_model_file(p, "ARPA file")
    name = str(p)
    # millions of small lists and strings: the cyclic collector would rescan them over and over
    gc_was_enabled = gc.isenabled()
    gc.disable()
    try:
        return _read(p, name)
    finally:
        if gc_was_enabled:
            gc.enable()


def _read(p, name):
    sections = _sections(p)
    probs1, words1, bows1 = _columns(name, 1, *sections[0])
    words_in_file = list(words1[0])
    for special in SPECIALS[1:]:
        if special not in words_in_file:
            raise ModelFormatError(f"{name!r} has no {special} unigram: it is not a sentence-level ARPA model")
    if len(set(words_in_file)) != len(words_in_file):
        _refuse_duplicate(name, words_in_file)
    specials = set(SPECIALS)
    vocab = NgramVocab(list(SPECIALS) + [w for w in words_in_file if w not in specials])
    V = len(vocab)
    index = vocab.index
    logprob1 = np.full(V, -np.inf)
    bow1 = np.zeros(V)
    ids = np.fromiter(map(index.__getitem__, words_in_file), dtype=np.int64, count=len(words_in_file))
    if np.unique(ids).size != ids.size:
        raise ModelFormatError(f"{name!r} lists some 1-gram twice")
    logprob1[ids] = probs1
    bow1[ids] = bows1
    keys, logprob, logbow = [np.arange(V, dtype=np.int64)], [logprob1], [bow1]
    for n, (first_line, lines) in enumerate(sections[1:], start=2):
        probs, columns, bows = _columns(name, n, first_line, lines)
        try:
            gram_ids = [np.fromiter(map(index.__getitem__, col), dtype=np.int64, count=len(col))
                        for col in columns]
        except KeyError as err:
            raise ModelFormatError(f"{name!r}: the {n}-grams use {err.args[0]!r}, which is not a unigram") from None
        rows = gram_ids[0]
        for k in range(1, n - 1):
            rows = _find(keys[k], rows * V + gram_ids[k])
            if np.any(rows < 0):
                bad = int(np.flatnonzero(rows < 0)[0])
                gram = [columns[j][bad] for j in range(n)]
                raise ModelFormatError(f"{name!r}: the {n}-gram {' '.join(gram)!r} has no prefix "
                                       f"{' '.join(gram[:k + 1])!r} in the file")
        order_keys = rows * V + gram_ids[n - 1]
        sort = np.argsort(order_keys, kind="stable")
        order_keys = order_keys[sort]
        if order_keys.size > 1 and np.any(order_keys[1:] == order_keys[:-1]):
            raise ModelFormatError(f"{name!r} lists some {n}-gram twice")
        keys.append(order_keys)
        logprob.append(probs[sort])
        logbow.append(bows[sort])
    logbow[-1] = np.empty(0)
    problem = BackoffTables.find_problem({"keys": keys, "logprob": logprob, "logbow": logbow}, V)
    if problem is not None:
        field, n, what = problem
        column = {"keys": "n-grams", "logprob": "log10 probabilities", "logbow": "back-off weights"}[field]
        raise ModelFormatError(f"{name!r}: the {column} of the \\{n}-grams: section {what}")
    tables = BackoffTables(keys, logprob, logbow, V)
    # <s> is never predicted: whatever probability a file lists for it as the last word of an n-gram
    # is ignored, as KenLM does (scoring never asks for it, and generate would emit it as a word)
    for n in range(tables.order):
        tables.logprob[n][tables.keys[n] % V == BOS] = -np.inf
    if "<unk>" not in words_in_file:
        tables.logprob[0][UNK] = -np.inf
    return vocab, tables


def _refuse_duplicate(name: str, words: list[str]) -> None:
    """Raise the one-line error naming the first unigram ``words`` lists twice (and, when invalid
    UTF-8 made it so, saying that)."""
    seen: set[str] = set()
    word = next(w for w in words if w in seen or seen.add(w))
    hint = ""
    if "\ufffd" in word:
        hint = (": bytes that are not UTF-8 were replaced by U+FFFD, which made distinct words one; the file "
                "is not UTF-8 (convert it, e.g. iconv -f latin1 -t utf-8)")
    raise ModelFormatError(f"{name!r} lists the 1-gram {word!r} twice{hint}")


def _plain_numbers(fields) -> bool:
    """Whether number fields that float() read are ASCII without ``_``: float() also reads "1_0"
    as 10 and other scripts' digits (Arabic-Indic, full-width) as ours, which no ARPA writer
    writes. One C-level pass over the joined fields, however many there are."""
    text = "".join(fields)
    return text.isascii() and "_" not in text


def _refuse_number(name: str, n: int, first_line: int, lines: list[str]) -> None:
    """Raise the one-line error naming the first number field of ``lines`` that is not a number."""
    for i, fields in enumerate(_split_fields(lines)):
        named = [("log10 probability", fields[0])]
        if len(fields) == n + 2:
            named.append(("back-off weight", fields[-1]))
        for what, value in named:
            try:
                float(value)
            except ValueError:
                pass
            else:
                if _plain_numbers(value):
                    continue
            raise ModelFormatError(f"{name!r} line {first_line + i}: the {what} {value[:30]!r} is not a number")
    # not reached (a section refused above holds such a field); kept so that a miss still says why
    raise ModelFormatError(f"{name!r}: unparsable number in the \\{n}-grams: section")


def _find(keys: np.ndarray, wanted: np.ndarray) -> np.ndarray:
    pos = np.searchsorted(keys, wanted)
    pos[pos == keys.size] = 0
    return np.where(keys[pos] == wanted, pos, -1) if keys.size else np.full(wanted.size, -1)


def _decode(name: str, data: bytes) -> str:
    """``data`` as UTF-8 (without a leading byte order mark); invalid sequences are replaced by
    U+FFFD with a logged warning that counts them, as the corpus readers do, except the bytes the
    writer gives a word holding a lone surrogate, read as that word (:data:`w2v.fileio.WORD_DECODE_ERRORS`)."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("utf-8-sig", errors="surrogatepass")  # only words holding lone surrogates
    except UnicodeDecodeError as err:
        text = data.decode("utf-8-sig", errors=WORD_DECODE_ERRORS)
        # U+FFFD characters genuinely present in the file are not errors
        replaced = text.count("\ufffd") - data.count("\ufffd".encode())
        logger.warning("%r: replaced %d invalid UTF-8 byte sequence(s) with U+FFFD (the first at byte %d): "
                       "the file is not UTF-8, and words that differ only there are read as one",
                       name, replaced, err.start)
        return text


def is_cr_only_arpa(head: bytes) -> bool:
    """Whether ``head``, the start of a file, is an ARPA file whose lines end in ``\\r`` alone (classic
    Mac OS): no ``\\n`` in it, and its first line split at ``\\r`` that is neither blank nor a ``#``
    comment is ``\\data\\``. Neither w2v nor KenLM reads such a file; this tells the user why."""
    if b"\n" in head or b"\r" not in head:
        return False
    for line in head.removeprefix(b"\xef\xbb\xbf").split(b"\r"):
        line = line.strip(b" \t")
        if line and not line.startswith(b"#"):
            return line == b"\\data\\"
    return False


def cr_only_message(name: str) -> str:
    """The one-line refusal of an ARPA file :func:`is_cr_only_arpa` recognises."""
    return (f"{name!r} is an ARPA file whose lines end in \\r (CR only), which w2v (like KenLM) does not "
            "read: convert the line ends to \\n first, e.g. tr '\\r' '\\n' < old.arpa > new.arpa")


def _sections(path) -> list[tuple[int, list[str]]]:
    """The lines of each ``\\n-grams:`` section, checked against the ``\\data\\`` header, each with
    the line number (from 1) of its first line."""
    name = str(path)
    with decompression_errors(path, "ARPA file", ModelFormatError), open_binary(path) as raw:
        data = raw.read()
    # lines end at \n (KenLM's rule; a \r before it is a field separator): splitlines() would also
    # break inside words at U+2028, U+0085, \x0b ..; a leading byte order mark is no part of the text
    lines = _decode(name, data).split("\n")
    try:
        at = next(i for i, line in enumerate(lines) if line.strip(FIELD_SPACES) == "\\data\\") + 1
    except StopIteration:
        if is_cr_only_arpa(data[:1 << 16]):
            raise ModelFormatError(cr_only_message(name)) from None
        raise ModelFormatError(f"{name!r} is not an ARPA file (no \\data\\ line)") from None
    declared: dict[int, int] = {}
    while at < len(lines):
        line = lines[at].strip(FIELD_SPACES)
        if line.startswith("ngram "):
            try:
                n, count = line[6:].split("=")
                # int() also reads "1_0" as 10 and other scripts' digits; a negative count would
                # run the sections into each other
                if not line.isascii() or "_" in line or int(count) < 0:
                    raise ValueError
                order = int(n)
            except ValueError:
                raise ModelFormatError(f"{name!r} line {at + 1}: bad header line {line!r}") from None
            if order > MAX_ORDER:
                # refused at its header line: every order costs memory when scoring, whatever its
                # section holds (and the check below would build a list of every order up to it)
                raise ModelFormatError(f"{name!r} line {at + 1}: the header declares order {order}; w2v reads and "
                                       f"fits models of order at most {MAX_ORDER} (scoring keeps 8 bytes per token "
                                       "and order)")
            if order in declared:  # a second count would replace the first without a word
                raise ModelFormatError(f"{name!r} line {at + 1}: 'ngram {order}=' is declared twice")
            declared[order] = int(count)
        elif line or declared:
            break
        at += 1
    if not declared or sorted(declared) != list(range(1, max(declared) + 1)):
        raise ModelFormatError(f"{name!r}: the \\data\\ header must declare ngram 1=.. up to the order")
    sections = []
    for n in range(1, max(declared) + 1):
        while at < len(lines) and not lines[at].strip(FIELD_SPACES):
            at += 1
        if at >= len(lines):
            raise ModelFormatError(f"{name!r} ends before the \\{n}-grams: section")
        if lines[at].strip(FIELD_SPACES) != f"\\{n}-grams:":
            raise ModelFormatError(f"{name!r} line {at + 1}: expected \\{n}-grams:, "
                                   f"found {lines[at].strip(FIELD_SPACES)!r}")
        begin = at + 1
        end = begin + declared[n]
        body = lines[begin:end]
        # the section must hold exactly the declared number of lines, then a blank or a marker
        if len(body) < declared[n] or any(not line.strip(FIELD_SPACES) for line in body[-1:]) or \
                (end < len(lines) and not _ends_section(lines[end])):
            found = next((i for i, line in enumerate(lines[begin:], start=0) if _ends_section(line)),
                         len(lines) - begin)
            raise ModelFormatError(f"{name!r}: header declares {declared[n]} {n}-grams, the section has {found}")
        sections.append((begin + 1, body))
        at = end
    while at < len(lines) and not lines[at].strip(FIELD_SPACES):
        at += 1
    if at >= len(lines) or lines[at].strip(FIELD_SPACES) != "\\end\\":
        found = "the end of the file" if at >= len(lines) else repr(lines[at].strip(FIELD_SPACES)[:40])
        raise ModelFormatError(f"{name!r}: expected \\end\\ after the \\{max(declared)}-grams: section, "
                               f"found {found}: the file is truncated or has an undeclared section")
    return sections


def _ends_section(line: str) -> bool:
    """Whether ``line`` is blank or a marker (``\\2-grams:``, ``\\end\\``)."""
    line = line.lstrip(FIELD_SPACES)
    return not line or line.startswith("\\")


def _columns(name: str, n: int, first_line: int, lines: list[str]):
    """Split one section into (logprob (M,), n word columns, logbow (M,)), C-level where it counts.

    ``first_line`` is the line number of ``lines[0]``, for messages.
    """
    if not lines:  # an order with no n-grams (e.g. a high order on a small text)
        return np.empty(0), [() for _ in range(n)], np.empty(0)
    fields = _split_fields(lines)
    widths = np.fromiter(map(len, fields), dtype=np.int64, count=len(fields))
    if np.any((widths != n + 1) & (widths != n + 2)):
        bad = int(np.flatnonzero((widths != n + 1) & (widths != n + 2))[0])
        raise ModelFormatError(f"{name!r}: a {n}-gram line needs {n + 1} or {n + 2} fields, "
                               f"found {widths[bad]} in {lines[bad].strip()!r}")
    flat = list(chain.from_iterable(fields))
    starts = np.concatenate(([0], np.cumsum(widths)[:-1]))
    pick = lambda positions: itemgetter(*positions.tolist())(flat) if positions.size > 1 else \
        tuple(flat[i] for i in positions.tolist())
    has_bow = widths == n + 2
    prob_fields = pick(starts)
    bow_fields = pick(starts[has_bow] + n + 1) if np.any(has_bow) else ()
    try:
        probs = np.array(prob_fields, dtype=np.float64).reshape(-1)
        bows = np.zeros(len(lines))
        if bow_fields:
            bows[has_bow] = np.array(bow_fields, dtype=np.float64).reshape(-1)
        plain = _plain_numbers(prob_fields) and _plain_numbers(bow_fields)
    except ValueError:
        plain = False
    if not plain:
        _refuse_number(name, n, first_line, lines)
    probs[probs <= LOG_ZERO] = -np.inf
    bows[bows <= LOG_ZERO] = -np.inf
    columns = [pick(starts + 1 + j) for j in range(n)]
    return probs, columns, bows

"""ARPA back-off files: write a fitted model, read one back (ours, KenLM's or SRILM's).

>>> lm.to_arpa("brown3.arpa")                       # doctest: +SKIP
>>> same = read_arpa("brown3.arpa")                 # scores exactly as lm does

The format (one section per order, ``log10 p <TAB> w1 .. wn [<TAB> log10 backoff]``) is what
KenLM, SRILM and most decoders read. Every method here except add-k is an interpolated model and
so exactly a back-off model: the file stores the final interpolated probability of each seen n-gram
and the interpolation weight of each context as its back-off weight. Numbers are written with
Python's shortest round-trip repr, so reading the file back gives bit-identical scores. Log10 of 0
(``<s>``, which is never predicted, and the zero back-off weights of ``mle``) is written as ``-99``,
the ARPA convention, and read back as ``-inf``.
"""
from __future__ import annotations

import os

import numpy as np

from w2v.errors import ModelFormatError
from w2v.fileio import atomic_write, check_readable, open_binary
from w2v.ngram.encoding import SPECIALS, UNK, NgramVocab
from w2v.ngram.tables import BackoffTables

#: ARPA's stand-in for log10(0)
LOG_ZERO = -99.0


def _numbers(values: np.ndarray) -> list[str]:
    values = np.where(values <= LOG_ZERO, LOG_ZERO, values)
    return list(map(repr, values.tolist()))


def write_arpa(lm, path: str | os.PathLike) -> None:
    """Write a fitted ``NgramLM`` as an ARPA file (atomically).

    Raises
    ------
    ModelFormatError
        For ``add-k``, which is not a back-off model (in a seen context every unseen word gets
        the same probability, which no back-off weight times the lower order reproduces).
    """
    tables: BackoffTables = lm.tables_
    if not tables.is_backoff:
        raise ModelFormatError(f"{lm.smoothing_.name} smoothing is not a back-off model and cannot be "
                               "written as ARPA: use witten-bell, interpolated or kneser-ney, or save() it")
    V = tables.vocab_size
    words = lm.vocab_.words
    with atomic_write(path, "w") as f:
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
                f.writelines(f"{p}\t{g}\n" for p, g in zip(probs, names))
            else:
                bows = tables.logbow[n - 1]
                bow_text = _numbers(bows)
                f.writelines(f"{p}\t{g}\t{b}\n" if bow != 0 else f"{p}\t{g}\n"
                             for p, g, b, bow in zip(probs, names, bow_text, bows.tolist()))
        f.write("\n\\end\\\n")


def read_arpa(path: str | os.PathLike):
    """Read an ARPA file into an ``NgramLM`` that scores exactly as the file says.

    The vocabulary is the file's unigrams (``<unk>`` is added with probability 0 if the file has
    none); words are re-numbered with ``<unk>``, ``<s>``, ``</s>`` first.

    Raises
    ------
    ModelFormatError
        Missing header or sections, counts that disagree with the header, an n-gram whose prefix
        is missing, unknown words in higher orders, or unparsable numbers.
    """
    from w2v.ngram.model import from_tables

    p = check_readable(path, "ARPA file")
    sections = _parse(p)
    name = str(p)
    uni_words, uni_prob, uni_bow = sections[0]
    words_in_file = [w[0] for w in uni_words]
    for special in SPECIALS[1:]:
        if special not in words_in_file:
            raise ModelFormatError(f"{name!r} has no {special} unigram: it is not a sentence-level ARPA model")
    others = [w for w in words_in_file if w not in SPECIALS]
    vocab = NgramVocab(list(SPECIALS) + others)
    V = len(vocab)
    index = vocab.index
    logprob1 = np.full(V, -np.inf)
    bow1 = np.zeros(V)
    ids = np.fromiter((index[w] for w in words_in_file), dtype=np.int64, count=len(words_in_file))
    logprob1[ids] = uni_prob
    bow1[ids] = uni_bow
    keys, logprob, logbow = [np.arange(V, dtype=np.int64)], [logprob1], [bow1]
    for n, (grams, probs, bows) in enumerate(sections[1:], start=2):
        try:
            gram_ids = np.array([[index[w] for w in g] for g in grams], dtype=np.int64).reshape(len(grams), n)
        except KeyError as err:
            raise ModelFormatError(f"{name!r}: the {n}-grams use {err.args[0]!r}, which is not a unigram") from None
        rows = gram_ids[:, 0]
        for k in range(1, n - 1):
            rows = _find(keys[k], rows * V + gram_ids[:, k])
            if np.any(rows < 0):
                bad = grams[int(np.flatnonzero(rows < 0)[0])]
                raise ModelFormatError(f"{name!r}: the {n}-gram {' '.join(bad)!r} has no prefix "
                                       f"{' '.join(bad[:k + 1])!r} in the file")
        order_keys = rows * V + gram_ids[:, n - 1]
        sort = np.argsort(order_keys, kind="stable")
        order_keys = order_keys[sort]
        if order_keys.size > 1 and np.any(order_keys[1:] == order_keys[:-1]):
            raise ModelFormatError(f"{name!r} lists some {n}-gram twice")
        keys.append(order_keys)
        logprob.append(probs[sort])
        logbow.append(bows[sort])
        # a back-off weight for a context needs the context to exist: it always does here, as
        # the n-grams themselves are the contexts of the next order
    logbow[-1] = np.empty(0)
    tables = BackoffTables(keys, logprob, logbow, V)
    if "<unk>" not in words_in_file:
        tables.logprob[0][UNK] = -np.inf
    return from_tables(vocab, tables, "arpa", min_count=1)


def _find(keys: np.ndarray, wanted: np.ndarray) -> np.ndarray:
    pos = np.searchsorted(keys, wanted)
    pos[pos == keys.size] = 0
    return np.where(keys[pos] == wanted, pos, -1) if keys.size else np.full(wanted.size, -1)


def _parse(path) -> list:
    """Sections as ``[(list of word tuples, logprob float64 (M,), logbow float64 (M,)), ...]``."""
    name = str(path)
    with open_binary(path) as raw:
        lines = raw.read().decode("utf-8", errors="replace").splitlines()
    it = iter(enumerate(lines, start=1))
    declared: dict[int, int] = {}
    for lineno, line in it:
        if line.strip() == "\\data\\":
            break
    else:
        raise ModelFormatError(f"{name!r} is not an ARPA file (no \\data\\ line)")
    for lineno, line in it:
        line = line.strip()
        if not line:
            if declared:
                break
            continue
        if not line.startswith("ngram "):
            break
        try:
            n, count = line[6:].split("=")
            declared[int(n)] = int(count)
        except ValueError:
            raise ModelFormatError(f"{name!r} line {lineno}: bad header line {line!r}") from None
    if not declared or sorted(declared) != list(range(1, max(declared) + 1)):
        raise ModelFormatError(f"{name!r}: the \\data\\ header must declare ngram 1=.. up to the order")
    sections = []
    for n in range(1, max(declared) + 1):
        for lineno, line in it:
            if line.strip():
                break
        else:
            raise ModelFormatError(f"{name!r} ends before the \\{n}-grams: section")
        if line.strip() != f"\\{n}-grams:":
            raise ModelFormatError(f"{name!r} line {lineno}: expected \\{n}-grams:, found {line.strip()!r}")
        grams, probs, bows = [], [], []
        for lineno, line in it:
            fields = line.split()
            if not fields:
                break
            if len(fields) not in (n + 1, n + 2):
                raise ModelFormatError(f"{name!r} line {lineno}: a {n}-gram line needs {n + 1} or "
                                       f"{n + 2} fields, found {len(fields)}")
            probs.append(fields[0])
            grams.append(tuple(fields[1:n + 1]))
            bows.append(fields[n + 1] if len(fields) == n + 2 else "0")
        if len(grams) != declared[n]:
            raise ModelFormatError(f"{name!r}: header declares {declared[n]} {n}-grams, the section has {len(grams)}")
        try:
            prob_arr = np.array(probs, dtype=np.float64)
            bow_arr = np.array(bows, dtype=np.float64)
        except ValueError:
            raise ModelFormatError(f"{name!r}: unparsable number in the \\{n}-grams: section") from None
        prob_arr[prob_arr <= LOG_ZERO] = -np.inf
        bow_arr[bow_arr <= LOG_ZERO] = -np.inf
        sections.append((grams, prob_arr, bow_arr))
    return sections

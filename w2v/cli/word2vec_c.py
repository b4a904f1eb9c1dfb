"""word2vec.c's command line, translated into ``w2v train``'s ordinary options.

A line that gives ``-train`` (anywhere: word2vec.c reads its flags in any order) is word2vec.c's
dialect, with word2vec.c's meanings and defaults, so a script written for word2vec.c runs with
``./word2vec`` replaced by ``w2v train`` (or ``w2v``)::

    w2v train -train text8 -output vectors.bin -cbow 1 -size 200 -window 8 -negative 25 -hs 0 \\
        -sample 1e-4 -threads 20 -binary 1 -iter 15

=================  =====================  ===========================================
word2vec.c         w2v train              word2vec.c's default, as translated
=================  =====================  ===========================================
-train FILE        CORPUS                 (required)
-output FILE       -o FILE                (required)
-size N            --dim N                100
-window N          --window N             5
-sample F          --sample F             1e-3
-hs 0|1            --objective            0 (no hierarchical softmax)
-negative N        --negative N           5 (negative sampling)
-threads N         --workers N            12 in word2vec.c; here: all cores
-iter N            --epochs N             5
-min-count N       --min-count N          5
-alpha F           --alpha F              0.05 CBOW, 0.025 skip-gram (as ours)
-cbow 0|1          --arch skipgram|cbow   1 (CBOW)
-binary 0|1        --format text|binary   0 (text), whatever the file name
-save-vocab FILE   --save-vocab FILE
-read-vocab FILE   --read-vocab FILE
-classes K         --classes K            0 (see below)
-debug N           --quiet when N is 0    2
=================  =====================  ===========================================

With ``-classes K`` word2vec.c writes K word classes *instead of* the vectors; w2v writes the
vectors to ``-output`` and the classes beside them (``OUT`` with ``.classes.txt``, the same
``word class_id`` lines). Tokens are cut at white space and kept as they are (``--tokenizer whitespace``), as word2vec.c
reads them. ``-hs 1`` with ``-negative`` above 0 trains both output layers in word2vec.c; w2v trains
one, so that combination is an error saying which flags to give. A flag given twice takes its first
value, as word2vec.c's ``ArgPos`` does.
"""
from __future__ import annotations

import argparse

from w2v.errors import W2VError


class DialectError(W2VError):
    """A word2vec.c command line that cannot be translated (unknown flag, bad value, -hs with -negative)."""


#: word2vec.c flag -> (w2v option, kind of value)
_SIMPLE = {
    "-output": ("-o", str),
    "-size": ("--dim", int),
    "-window": ("--window", int),
    "-sample": ("--sample", float),
    "-threads": ("--workers", int),
    "-iter": ("--epochs", int),
    "-min-count": ("--min-count", int),
    "-alpha": ("--alpha", float),
    "-save-vocab": ("--save-vocab", str),
    "-read-vocab": ("--read-vocab", str),
    "-classes": ("--classes", int),
}
_SWITCHES = ("-hs", "-cbow", "-binary", "-debug", "-negative")
FLAGS = ("-train", *_SIMPLE, *_SWITCHES)


def is_word2vec_c(argv: list[str]) -> bool:
    """True for ``train ... -train ...`` and for ``-FLAG ... -train ...`` (word2vec.c's line after its
    program name, its flags in any order, as word2vec.c reads them)."""
    if argv[:1] == ["train"]:
        return "-train" in argv[1:]
    return argv[:1] != [] and argv[0] in FLAGS and "-train" in argv


def translate(argv: list[str], parser: argparse.ArgumentParser | None = None) -> list[str]:
    """Return ``argv`` in ``w2v train``'s ordinary options if it is word2vec.c's dialect, else unchanged.

    Parameters
    ----------
    argv : list of str
        The command line after the program name (``["train", "-train", "c.txt", ...]``).
    parser : argparse.ArgumentParser, optional
        The ``w2v`` parser; used to tell whether an option the translation needs (``--classes``)
        exists in this version.

    Raises
    ------
    DialectError
        A flag w2v does not know, a flag without its value, a value that is not a number, or
        ``-hs 1`` together with ``-negative`` above 0.
    """
    if not is_word2vec_c(argv):
        return argv
    rest = argv[1:] if argv[0] == "train" else argv
    values: dict[str, str] = {}
    i = 0
    while i < len(rest):
        flag = rest[i]
        if flag in ("-h", "--help"):
            return ["train", "--help"]
        if flag not in FLAGS:
            raise DialectError(f"{flag!r} is not a word2vec.c flag that w2v train knows; it takes "
                               + " ".join(FLAGS) + " (or the ordinary options: w2v train --help)")
        if i + 1 >= len(rest):
            raise DialectError(f"word2vec.c flag {flag} needs a value")
        values.setdefault(flag, rest[i + 1])  # word2vec.c's ArgPos finds the first occurrence
        i += 2
    if "-output" not in values:
        raise DialectError("-output FILE is missing: word2vec.c's line needs -train FILE and -output FILE")

    out = ["train", values.pop("-train"), "--tokenizer", "whitespace"]
    hs = _number(values, "-hs", 0, int) != 0
    negative = _number(values, "-negative", 5, int)
    if negative < 0:
        raise DialectError(f"-negative must be 0 or more, got {negative}")
    if hs and negative > 0:
        raise DialectError(f"-hs 1 with -negative {negative} would train hierarchical softmax and negative "
                           "sampling together (word2vec.c does); w2v trains one: give -hs 1 -negative 0 for "
                           f"hierarchical softmax or -hs 0 -negative {negative} for negative sampling")
    if not hs and negative == 0:
        raise DialectError("-hs 0 with -negative 0 leaves no output layer to train: give -hs 1 -negative 0 "
                           "(hierarchical softmax) or -negative 5 (negative sampling)")
    out += ["--objective", "hierarchical"] if hs else ["--objective", "negative", "--negative", str(negative)]
    out += ["--arch", "cbow" if _number(values, "-cbow", 1, int) else "skipgram"]
    out += ["--format", "binary" if _number(values, "-binary", 0, int) else "text"]
    if _number(values, "-debug", 2, int) == 0:
        out.append("--quiet")
    for flag, (option, kind) in _SIMPLE.items():
        if flag in values:
            if option == "--classes" and parser is not None and not _has_option(parser, "train", option):
                raise DialectError("-classes (word classes by k-means) is not available in this version of "
                                   "w2v train; leave it out to write vectors")
            if kind is not str:
                _number(values, flag, None, kind)
            out += [option, values[flag]]
    return out


def _number(values: dict, flag: str, default, kind):
    """The value of ``flag`` as ``kind`` (``default`` when absent); a one-line error when not a number."""
    if flag not in values:
        return default
    try:
        return kind(values[flag])
    except ValueError:
        what = "an integer" if kind is int else "a number"
        raise DialectError(f"word2vec.c flag {flag} takes {what}, got {values[flag]!r}") from None


def _has_option(parser: argparse.ArgumentParser, command: str, option: str) -> bool:
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction) and command in action.choices:
            return option in action.choices[command]._option_string_actions
    return False

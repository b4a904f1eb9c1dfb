"""``w2v neighbors|analogy|similarity``: ask trained vectors questions from the shell.

    w2v neighbors vectors.bin france -n 5
    w2v analogy vectors.bin man king woman --json       # man is to king as woman is to ?
    w2v similarity vectors.bin cat dog
    w2v neighbors vectors.bin                           # interactive, like word2vec.c's ./distance

MODEL is any vector file ``KeyedVectors.load`` reads (w2v native, word2vec binary or text; the
format is detected). Without words, ``neighbors`` and ``analogy`` read queries from standard input
until end of file (Ctrl-D), as word2vec.c's ``distance`` and ``word-analogy`` do: the prompt goes to
stderr, answers to stdout, and an unknown word is reported without ending the session.
"""
from __future__ import annotations

import argparse
import re
import sys

from w2v.cli._args import HelpFormatter, json_text, positive_int, print_json
from w2v.errors import W2VError

_EXIT_WORD = "EXIT"
#: a query word: a run of anything but ASCII white space (what str.split() would also cut at
#: Unicode spaces, which vector files keep inside words)
_WORD = re.compile(r"[^ \t\n\r\x0b\x0c]+")


def register(subparsers) -> None:
    """Add ``neighbors``, ``analogy`` and ``similarity`` to the ``w2v`` parser."""
    fmt = HelpFormatter
    p = subparsers.add_parser(
        "neighbors", help="nearest words by cosine (word2vec.c: distance)", formatter_class=fmt,
        description="Print the words closest to WORD (several words: to the sum of their unit "
                    "vectors). With no word, answer queries read from stdin until end of file.")
    p.add_argument("model", help="vector file (w2v native, word2vec binary or text)")
    p.add_argument("words", nargs="*", metavar="WORD", help="query word(s); none: interactive prompt")
    _common_options(p)
    p.set_defaults(func=_neighbors)

    p = subparsers.add_parser(
        "analogy", help="A is to B as C is to ? (word2vec.c: word-analogy)", formatter_class=fmt,
        description="Answer 'A is to B as C is to ?' with the words closest to B - A + C "
                    "(3CosAdd) or by 3CosMul. With no words, read 'A B C' lines from stdin until end of file.")
    p.add_argument("model", help="vector file (w2v native, word2vec binary or text)")
    p.add_argument("words", nargs="*", metavar="A B C", help="the three words; none: interactive prompt")
    p.add_argument("--mul", action="store_true", help="use 3CosMul (Levy & Goldberg 2014) instead of 3CosAdd")
    _common_options(p)
    p.set_defaults(func=_analogy)

    p = subparsers.add_parser("similarity", help="cosine similarity of two words", formatter_class=fmt,
                              description="Print the cosine similarity of W1 and W2, in [-1, 1].")
    p.add_argument("model", help="vector file (w2v native, word2vec binary or text)")
    p.add_argument("word1", metavar="W1")
    p.add_argument("word2", metavar="W2")
    p.add_argument("--json", action="store_true",
                   help='print {"word1": .., "word2": .., "similarity": ..}')
    p.set_defaults(func=_similarity)


def _common_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("-n", "--topn", type=positive_int, default=10, help="number of answers")
    p.add_argument("--restrict-vocab", type=positive_int, default=None,
                   help="search only the N most frequent words; default: all words")
    p.add_argument("--json", action="store_true",
                   help='print [{"word": .., "similarity": ..}, ...] (interactive: one line per query, '
                        '{"error": ..} for one that cannot be answered)')


def _load(path):
    from w2v.vectors import KeyedVectors

    return KeyedVectors.load(path)


def _neighbors(args) -> int:
    kv = _load(args.model)

    def ask(words):
        return kv.most_similar(positive=words, topn=args.topn, restrict_vocab=args.restrict_vocab)

    if not args.words:
        return _interactive(ask, "Enter word or sentence (EXIT to break): ", None, args.json)
    _print(ask(args.words), args.json)
    return 0


def _analogy(args) -> int:
    from w2v.vectors import QueryError

    kv = _load(args.model)
    method = "mul" if args.mul else "add"

    def ask(words):
        return kv.analogy(*words, method=method, topn=args.topn, restrict_vocab=args.restrict_vocab)

    if not args.words:
        return _interactive(ask, "Enter three words A B C, for 'A is to B as C is to ?' (EXIT to break): ",
                            3, args.json)
    if len(args.words) != 3:
        raise QueryError(f"analogy takes three words A B C, got {len(args.words)}; "
                         "give none for the interactive prompt")
    _print(ask(args.words), args.json)
    return 0


def _similarity(args) -> int:
    kv = _load(args.model)
    value = kv.similarity(args.word1, args.word2)
    if args.json:
        print_json({"word1": args.word1, "word2": args.word2, "similarity": value})
    else:
        print(f"{value:.6f}")
    return 0


def _interactive(ask, prompt: str, n_words: int | None, as_json: bool) -> int:
    """Answer one query per stdin line until EOF or EXIT; bad queries are reported, not fatal."""
    from w2v.vectors import QueryError

    if sys.stdin is None:  # started with stdin closed (``<&-``)
        raise QueryError("no words given and standard input is closed: give words on the command line")
    while True:
        print(prompt, end="", file=sys.stderr, flush=True)
        line = _read_line()
        if not line:
            print(file=sys.stderr)
            return 0
        # ASCII white space only, as in the vector files: a no-break space is part of a word
        words = _WORD.findall(line)
        if not words:
            continue
        if words == [_EXIT_WORD]:
            return 0
        if n_words is not None and len(words) != n_words:
            _refuse(f"need {n_words} words, got {len(words)}", as_json)
            continue
        try:
            results = ask(words)
        except W2VError as err:
            _refuse(str(err), as_json, label="error: ")
            continue
        _print(results, as_json)  # a query may fail and the loop go on; a failed write to stdout may not
        if not as_json:
            print()
        sys.stdout.flush()


def _read_line() -> str:
    """The next line of standard input ("" at its end), read as the files of words are: the bytes
    they hold for a word with a lone surrogate are that word, other invalid UTF-8 is U+FFFD (a
    strict stdin, a UTF-8 locale's, ended in a UnicodeDecodeError; the C locale's made each invalid
    byte a surrogate of its own, so such a word was never found)."""
    from w2v.fileio import WORD_DECODE_ERRORS

    buffer = getattr(sys.stdin, "buffer", None)
    if buffer is None:  # a stream of text given by a Python caller
        return sys.stdin.readline()
    return buffer.readline().decode("utf-8", WORD_DECODE_ERRORS)


def _refuse(reason: str, as_json: bool, label: str = "") -> None:
    """A query that cannot be answered: ``label + reason`` on stderr and, with ``--json``, an
    ``{"error": reason}`` line on stdout, so that a script's answers stay one line per query."""
    print(label + reason, file=sys.stderr)
    if as_json:
        print(json_text({"error": reason}), flush=True)


def _print(results, as_json: bool) -> None:
    if as_json:
        print_json([{"word": w, "similarity": s} for w, s in results])
        return
    width = max((len(w) for w, _ in results), default=0)
    for word, sim in results:
        print(f"{word:<{width}}  {sim:.6f}")

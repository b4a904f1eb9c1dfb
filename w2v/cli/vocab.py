"""``w2v vocab``: build the vocabulary of a corpus and report on it.

Reads the corpus once (file, folder, .gz/.bz2/.xz, or - for standard input), tokenizes and counts
words on all cores, and prints how many tokens were read and kept, the vocabulary size, the most
frequent words, the number of undecodable bytes and the speed. With -o the vocabulary is saved as
text (word2vec.c's -save-vocab format plus a header line).
"""
from __future__ import annotations

import argparse
import os
import sys
import time

from w2v.cli import _args, _safety
from w2v.fileio import shown_name


def register(subparsers) -> None:
    """Add the ``vocab`` sub-command."""
    p = subparsers.add_parser(
        "vocab",
        help="count the words of a corpus, report the vocabulary, optionally save it",
        description=__doc__.split("\n\n")[1],
        formatter_class=_args.HelpFormatter,
    )
    p.add_argument("corpus", metavar="CORPUS", type=_args.input_file("corpus"),
                   help="text file (one sentence per line, or one huge text8-style line), folder, "
                        ".gz/.bz2/.xz file, or - for standard input")
    p.add_argument("--min-count", type=_args.non_negative_int, default=5,
                   help="drop words seen fewer times; 0 keeps every word, as 1 (word2vec.c: -min-count)")
    p.add_argument("--max-vocab-size", type=_args.positive_int, default=None,
                   help="bound on distinct words held while counting; rare words are pruned as in "
                        "word2vec.c, making counts approximate")
    p.add_argument("--max-final-vocab", type=_args.positive_int, default=None,
                   help="keep at most this many words by raising --min-count as little as needed")
    _args.add_tokenizer_option(p)
    p.add_argument("--numbers", choices=["keep", "normalize"], default="keep",
                   help="'normalize' maps every digit to 0 (default tokenizer only)")
    p.add_argument("--workers", type=_args.positive_int, default=None,
                   help="threads that tokenize and count (default: all CPU cores)")
    p.add_argument("-o", "--output", type=_args.output_file("output"), default=None, metavar="VOCAB.txt",
                   help="save the vocabulary here, or - for standard output (word2vec.c: -save-vocab)")
    p.add_argument("--top", type=_args.non_negative_int, default=20, help="most frequent words to show")
    _args.add_json_option(p, "the report")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Build, report, optionally save. Returns the exit status."""
    from w2v.corpus import Tokenizer, open_corpus

    _safety.refuse_overwrite({"CORPUS": args.corpus}, {"-o": args.output})
    from w2v.corpus.pipeline import build_vocabulary

    if args.output == _args.STDIO and args.json:
        print("w2v vocab: error: --json and -o (standard output) would both write there: choose one",
              file=sys.stderr)
        return 2
    if args.tokenizer == "whitespace":
        if args.numbers != "keep":
            print("w2v vocab: --numbers applies to the default tokenizer only; ignored", file=sys.stderr)
        tokenizer = Tokenizer.whitespace()
    else:
        tokenizer = Tokenizer(numbers=args.numbers)
    # before reading: an output that cannot be created would otherwise fail after all the counting
    _safety.check_outputs({"vocabulary": args.output})
    start = time.perf_counter()
    corpus = open_corpus(args.corpus, tokenizer=tokenizer)
    workers = args.workers or max(1, os.cpu_count() or 1)
    vocab = build_vocabulary(corpus, min_count=args.min_count, max_vocab_size=args.max_vocab_size,
                             max_final_vocab=args.max_final_vocab, workers=workers, progress=True)
    seconds = time.perf_counter() - start
    if args.output is not None:
        with _safety.writing(args.output, "vocabulary"):
            _args.write_output(args.output, vocab.save)
        if args.output != _args.STDIO:
            print(f"vocabulary written to {shown_name(args.output)}", file=sys.stderr)
    print(f"read {vocab.total_words:,} tokens in {seconds:.1f} s "
          f"({vocab.total_words / max(seconds, 1e-9):,.0f} tokens/s)", file=sys.stderr)
    if args.output == _args.STDIO:
        return 0  # the vocabulary is the result on stdout; a report after it would break the file

    top = [(w, int(c)) for w, c in zip(vocab.words[:args.top], vocab.counts[:args.top].tolist())]
    report = {
        "corpus": str(args.corpus),
        "tokenizer": tokenizer.name,
        "sentences": vocab.n_sentences,
        "tokens_read": vocab.total_words,
        "tokens_kept": vocab.retained_words,
        "vocabulary_size": len(vocab),
        "min_count": vocab.min_count,
        "pruned": vocab.pruned,
        "decode_errors": vocab.decode_errors,
        "seconds": round(seconds, 3),
        "tokens_per_second": round(vocab.total_words / max(seconds, 1e-9)),
        "top_words": [{"word": w, "count": c} for w, c in top],
        "output": None if args.output is None else str(args.output),
    }
    if args.json:
        _args.print_json(report, indent=2)
        return 0
    kept_share = vocab.retained_words / vocab.total_words
    lines = [
        f"corpus:          {shown_name(args.corpus)}",
        f"sentences:       {vocab.n_sentences:,}",
        f"tokens read:     {vocab.total_words:,}",
        f"tokens kept:     {vocab.retained_words:,} ({kept_share:.1%})",
        f"vocabulary size: {len(vocab):,} words with count >= {vocab.min_count}"
        + (" (raised by --max-final-vocab)" if vocab.min_count > max(1, args.min_count) else ""),
        f"decode errors:   {vocab.decode_errors:,}"
        + (" (invalid UTF-8 bytes replaced)" if vocab.decode_errors else ""),
    ]
    if vocab.pruned:
        lines.append("pruned:          yes (--max-vocab-size reached; counts are lower bounds)")
    if top:
        lines.append(f"top {len(top)} words:")
        width = max(len(w) for w, _ in top)
        lines.extend(f"  {rank:>4}  {w:<{width}}  {c:>12,}" for rank, (w, c) in enumerate(top, start=1))
    print("\n".join(lines))
    return 0

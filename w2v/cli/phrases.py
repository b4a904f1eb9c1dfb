"""``w2v phrases CORPUS -o OUT``: join collocations ("new york" -> ``new_york``), word2vec.c's word2phrase.

    w2v phrases corpus.txt -o phrased.txt                                 # one pass, threshold 100
    w2v phrases corpus.txt -o phrased.txt --threshold 200 100 --save-model phrases.npz
    w2v phrases corpus.txt -o phrased.txt --scoring gensim --connector-words english
    w2v train corpus.txt -o vectors.bin --phrases phrases.npz             # apply while training

The output has one sentence per line, tokens separated by one space. Train on it with the
white-space tokenizer (the default tokenizer splits words at ``_``), or give the saved model to
``w2v train --phrases`` so that no phrased copy has to be written.
"""
from __future__ import annotations

import argparse
import sys
import time

from w2v.cli import _safety
from w2v.cli._args import (STDIO, add_tokenizer_option, input_file, output_file, positive_int, print_json,
                           write_output)
from w2v.errors import CorpusError
from w2v.fileio import shown_name


def _number(text: str) -> float:
    try:
        return float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number, got {text!r}") from None


def register(subparsers) -> None:
    """Add the ``phrases`` sub-command."""
    from w2v.corpus.phrase_scoring import DEFAULT_THRESHOLDS, SCORERS

    p = subparsers.add_parser(
        "phrases", help="join frequent word pairs into phrase tokens (new_york), as word2phrase",
        description="Join collocations into phrase tokens (new york -> new_york), as word2vec.c's "
        "word2phrase or gensim's Phrases. Each pass scores adjacent word pairs and joins those above its "
        "threshold; a second pass builds longer phrases (new_york_times). Train on OUT with the white-space "
        "tokenizer, or give --save-model's file to 'w2v train --phrases'.",
        formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    p.add_argument("corpus", type=input_file("corpus"), metavar="CORPUS",
                   help="text file (one sentence per line), folder, .gz/.bz2/.xz, or - for standard input [-train]")
    p.add_argument("-o", "--output", type=output_file("output"), required=True, metavar="OUT",
                   help="phrased corpus to write, compressed when it ends in .gz/.bz2/.xz ('-', /dev/stdout: "
                        "standard output) [-output]")
    p.add_argument("--threshold", type=_number, nargs="+", default=None, metavar="T",
                   help="score a pair must exceed, one per pass (or one for all passes); default "
                   + ", ".join(f"{v:g} for {k}" for k, v in DEFAULT_THRESHOLDS.items()) + " [-threshold]")
    p.add_argument("--passes", type=positive_int, default=None,
                   help="passes over the corpus (default: one per threshold given, else 1)")
    p.add_argument("--min-count", type=positive_int, default=5, help="minimum count of words and pairs [-min-count]")
    p.add_argument("--scoring", choices=SCORERS, default="word2phrase",
                   help="word2phrase: word2vec.c's score (x tokens); gensim: gensim's default "
                   "(x distinct items, other scale); npmi: normalized PMI in [-1, 1]")
    p.add_argument("--connector-words", default=None, metavar="english|FILE",
                   help="words allowed inside a phrase without being scored (bank_of_america): "
                   "'english' (a, the, of, ...) or a file with one word per line")
    p.add_argument("--delimiter", default="_", help="joins the words of a phrase")
    add_tokenizer_option(p, extra="; learn with the tokenizer you will train with (whitespace: as word2phrase)")
    p.add_argument("--max-vocab-size", type=positive_int, default=40_000_000,
                   help="bound on word pairs held while counting (rare pairs are pruned beyond it, as "
                   "word2phrase; a corpus that comes near it is counted on one thread, so that the result "
                   "does not depend on --workers)")
    p.add_argument("--workers", type=positive_int, default=None, help="counting threads (default: all cores)")
    p.add_argument("--save-model", type=output_file("phrase model", stdout=False), default=None, metavar="M",
                   help="also save the learned phrases, for 'w2v train --phrases M'")
    p.add_argument("--top", type=int, default=10, help="best-scoring phrases to list")
    p.add_argument("--json", action="store_true", help="print the report as JSON")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.set_defaults(func=handle)


def handle(args) -> int:
    """Learn the phrases, write the phrased corpus (and the model), report on stdout."""
    from w2v.corpus import Tokenizer, open_corpus
    from w2v.corpus.phrase_join import write_tokens
    from w2v.corpus.phrases import Phrases

    # -o /dev/stdout (or stdout's own file) arrives as "-" (_args.output_file): the report goes to stderr
    if args.json and args.output == STDIO:
        print("w2v phrases: error: --json and -o (standard output) would both write to standard output: choose one",
              file=sys.stderr)
        return 2
    connector_file = args.connector_words if args.connector_words not in (None, "english") else None
    _safety.refuse_overwrite({"CORPUS": args.corpus, "--connector-words": connector_file},
                             {"-o": args.output, "--save-model": args.save_model})
    model = Phrases(min_count=args.min_count, threshold=args.threshold, scoring=args.scoring,
                    passes=args.passes, delimiter=args.delimiter,
                    connector_words=_connector_words(args.connector_words),
                    max_vocab_size=args.max_vocab_size, workers=args.workers)
    model.check_params()
    # before reading: an output that cannot be created would otherwise fail after all the counting
    _safety.check_outputs({"phrased corpus": args.output, "phrase model": args.save_model})
    tokenizer = Tokenizer.whitespace() if args.tokenizer == "whitespace" else Tokenizer()
    corpus = open_corpus(args.corpus, tokenizer=tokenizer)
    start = time.perf_counter()
    stages = ["reading"] + [f"pass {n}: {what}" for n in range(1, len(model.thresholds) + 1)
                            for what in ("counting", "joining")] + ["writing"]
    bar = _StageBar(stages, enabled=not args.quiet)
    try:
        tokens = model.fit_transform_ids(corpus, progress=bar.stage)
        if len(tokens.ids) == 0:
            raise CorpusError(f"corpus {str(args.corpus)!r} has no tokens: give a file with text")
        bar.stage("writing")
        # each write is blamed on its own output: an OSError names the temporary file, or nothing
        sizes = []
        with _safety.writing(args.output, "phrased corpus"):
            write_output(args.output, lambda path: sizes.append(write_tokens(tokens, path)))
        size = sizes[0]
        if args.save_model is not None:
            with _safety.writing(args.save_model, "phrase model"):
                model.save(args.save_model)
    finally:
        bar.close()
    seconds = time.perf_counter() - start
    report = {
        "corpus": str(args.corpus), "output": str(args.output),
        "model": None if args.save_model is None else str(args.save_model),
        "scoring": model.scoring, "min_count": model.min_count, "tokenizer": tokenizer.name,
        "passes": [{"threshold": t.threshold, "phrases": len(t), "tokens_counted": t.total_words,
                    "pruned": t.pruned} for t in model.tables_],
        "tokens_written": int(len(tokens.ids)), "bytes_written": size, "seconds": round(seconds, 3),
        "top_phrases": [{"phrase": p, "count": c, "score": s} for p, c, s in model.phrase_table()[:max(args.top, 0)]],
    }
    if args.json:
        print_json(report, indent=2)
        return 0
    name = "standard output" if args.output == STDIO else shown_name(args.output)
    lines = [f"wrote {name}: {report['tokens_written']:,} tokens in {seconds:.1f} s"]
    for n, t in enumerate(model.tables_, start=1):
        lines.append(f"pass {n}: threshold {t.threshold:g}, {len(t):,} phrases from {t.total_words:,} tokens"
                     + (" (pruned: counts are lower bounds)" if t.pruned else ""))
    if args.save_model is not None:
        lines.append(f"wrote phrase model {shown_name(args.save_model)}")
    if report["top_phrases"]:
        lines.append(f"top {len(report['top_phrases'])} phrases (count, score):")
        width = max(len(r["phrase"]) for r in report["top_phrases"])
        lines.extend(f"  {r['phrase']:<{width}}  {r['count']:>10,}  {r['score']:>12.4g}" for r in report["top_phrases"])
    # with -o -, stdout holds the phrased text: the summary goes to stderr
    print("\n".join(lines), file=sys.stderr if args.output == STDIO else sys.stdout)
    return 0


def _connector_words(value):
    """None, "english", or the words of a file (one per line, blank lines and # comments skipped)."""
    if value is None or value == "english":
        return value
    from w2v.fileio import check_regular_file

    # read whole: a device (/dev/zero) would fill memory; a pipe is read once, as a file
    path = check_regular_file(value, "--connector-words file", pipes=True)
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise CorpusError(f"connector-words file {value!r} is not UTF-8 text") from None
    words = [w for line in text.splitlines() for w in line.split() if not line.lstrip().startswith("#")]
    if not words:
        raise CorpusError(f"connector-words file {value!r} has no words: one word per line, or 'english'")
    return words


class _StageBar:
    """A tqdm bar over the stages (reading, counting and joining per pass, writing) on stderr."""

    def __init__(self, stages: list, enabled: bool):
        self._bar = None
        self._done = -1
        if enabled:
            from tqdm.auto import tqdm

            self._bar = tqdm(total=len(stages), unit="stage", file=sys.stderr, dynamic_ncols=True,
                             leave=False, bar_format="{desc}{n_fmt}/{total_fmt} stages [{elapsed}]")

    def stage(self, name: str) -> None:
        """Mark the previous stage done and show ``name``."""
        if self._bar is None:
            return
        if self._done >= 0:
            self._bar.update(1)
        self._done += 1
        self._bar.set_description(name, refresh=True)

    def close(self) -> None:
        """Remove the bar."""
        if self._bar is not None:
            self._bar.close()
            self._bar = None

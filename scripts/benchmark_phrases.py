"""Phrase vectors: train on a corpus with and without phrases and compare phrase-analogy accuracy.

    python scripts/benchmark_phrases.py corpus.txt --phrase-questions questions-phrases.txt \\
        --word-questions questions-words.txt --thresholds 200 100 --epochs 5 --workers 2

The corpus is text with one sentence per line and tokens separated by white space (e.g. the file
``scripts/benchmark.py`` prepares). Steps: ``w2v phrases`` (white-space tokenizer, the paper's two
passes by default), timed as a whole process; then the same word2vec run on the unphrased and on the
phrased corpus; then each vector set on the phrase analogies (``questions-phrases.txt``, phrases
written with ``_``; over all words and over the 30,000 most frequent) and on the word analogies
(30,000). Coverage is the share of questions whose four words (phrases) have vectors; "question
phrases" counts the distinct phrases of the question file that have a vector. Prints a table, or
JSON with ``--json``.
"""
from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("corpus")
    parser.add_argument("--phrase-questions", required=True, help="questions-phrases.txt")
    parser.add_argument("--word-questions", default=None, help="questions-words.txt (default: the bundled copy)")
    parser.add_argument("--thresholds", type=float, nargs="+", default=[200.0, 100.0])
    parser.add_argument("--min-count", type=int, default=5)
    parser.add_argument("--arch", choices=("skipgram", "cbow"), default="skipgram")
    parser.add_argument("--dim", type=int, default=100)
    parser.add_argument("--epochs", type=int, default=5)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--workdir", default=None)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()

    from w2v.corpus import LineCorpus, Tokenizer
    from w2v.evaluate import EvaluationError, evaluate_analogies
    from w2v.models.word2vec import Word2Vec

    workdir = Path(args.workdir or tempfile.mkdtemp(prefix="phrase-bench-"))
    phrased, model_path = workdir / "phrased.txt", workdir / "phrases.npz"
    began = time.perf_counter()
    result = subprocess.run([sys.executable, "-m", "w2v", "phrases", args.corpus, "-o", str(phrased), "--json",
                             "--quiet", "--tokenizer", "whitespace", "--min-count", str(args.min_count),
                             "--threshold", *map(str, args.thresholds), "--save-model", str(model_path),
                             "--workers", str(args.workers)], capture_output=True, text=True)
    if result.returncode != 0:
        sys.exit(result.stderr)
    phrase_seconds = time.perf_counter() - began
    phrase_report = json.loads(result.stdout)

    # the distinct phrases of the question file (compared case-insensitively, as the evaluation does)
    question_phrases = {w.upper() for line in Path(args.phrase_questions).read_text(encoding="utf-8").splitlines()
                        if not line.startswith(":") for w in line.split() if "_" in w}
    runs = {}
    for name, path in (("unphrased", Path(args.corpus)), ("phrased", phrased)):
        model = Word2Vec(architecture=args.arch, dim=args.dim, epochs=args.epochs, workers=args.workers,
                         seed=args.seed, min_count=args.min_count, progress=False)
        began = time.perf_counter()
        model.fit(LineCorpus(path, tokenizer=Tokenizer.whitespace()))
        seconds = time.perf_counter() - began
        kv = model.wv_
        known = {w.upper() for w in kv.words}
        row = {"train_seconds": round(seconds, 1), "vocabulary": len(kv.words),
               "phrase_tokens_in_vocabulary": sum("_" in w for w in kv.words),
               "question_phrases_with_vectors": sum(p in known for p in question_phrases),
               "question_phrases": len(question_phrases)}
        for label, questions, restrict in (("phrases_all", args.phrase_questions, None),
                                           ("phrases_30k", args.phrase_questions, 30000),
                                           ("words_30k", args.word_questions, 30000)):
            try:
                r = evaluate_analogies(kv, questions, restrict_vocab=restrict)
            except EvaluationError:        # no question has all its words in the vocabulary
                row[label] = {"accuracy": 0.0, "correct": 0, "questions": 0, "coverage": 0.0}
                continue
            total = r.questions + r.skipped
            row[label] = {"accuracy": r.accuracy, "correct": r.correct, "questions": r.questions,
                          "coverage": r.questions / total if total else 0.0}
        runs[name] = row

    report = {"corpus": args.corpus, "thresholds": args.thresholds, "min_count": args.min_count,
              "phrases_seconds_whole_process": round(phrase_seconds, 2),
              "phrases_per_pass": [p["phrases"] for p in phrase_report["passes"]],
              "settings": {"arch": args.arch, "dim": args.dim, "epochs": args.epochs, "workers": args.workers,
                           "seed": args.seed},
              "runs": runs}
    if args.json:
        print(json.dumps(report, indent=2))
        return 0
    print(f"w2v phrases (thresholds {args.thresholds}): {phrase_seconds:.1f} s whole process, "
          f"phrases per pass {report['phrases_per_pass']}")
    print(f"{'corpus':<10} {'vocab':>8} {'phrases':>8} {'question phrases':>17}  {'phrase analogies (all words)':>30}  "
          f"{'phrase analogies @30k':>24}  {'word analogies @30k':>28}")
    for name, row in runs.items():
        cells = [f"{row[k]['accuracy']:.3f} ({row[k]['correct']}/{row[k]['questions']}, cov {row[k]['coverage']:.1%})"
                 for k in ("phrases_all", "phrases_30k", "words_30k")]
        known = f"{row['question_phrases_with_vectors']}/{row['question_phrases']}"
        print(f"{name:<10} {row['vocabulary']:>8,} {row['phrase_tokens_in_vocabulary']:>8,} {known:>17}  "
              f"{cells[0]:>30}  {cells[1]:>24}  {cells[2]:>28}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

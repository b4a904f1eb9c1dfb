"""Hold ``w2v phrases --scoring word2phrase`` to word2vec.c's ``word2phrase``: same joins, same tokens, and time both.

    gcc word2phrase.c -o /tmp/word2phrase -lm -pthread -O3 -march=native -funroll-loops
    python scripts/compare_word2phrase.py /tmp/word2phrase corpus.txt --threshold 100 --min-count 5 --runs 3

``word2phrase.c`` is in https://github.com/tmikolov/word2vec. Both programs run as whole processes
(text file in, phrased file out) under ``/usr/bin/time -v``, alternating, ``--runs`` times each; the
script prints the median wall time, CPU time (user + system) and peak memory of each and their
ratios (on a shared machine the CPU time is the steadier figure), then compares the two
outputs token by token (word2phrase writes a space before every line's first token; tokens and line
structure are what count) and lists the first differences if any. Exit status 1 if they differ.
"""
from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path


def timed(command: list) -> tuple:
    """Run ``command`` under ``/usr/bin/time -v``; return (wall seconds, peak RSS in MB, user + system CPU seconds)."""
    result = subprocess.run(["/usr/bin/time", "-v", *command], stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, text=True)
    if result.returncode != 0:
        sys.exit(f"failed ({result.returncode}): {' '.join(command)}\n{result.stderr[-2000:]}")
    wall = re.search(r"Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): (\S+)", result.stderr).group(1)
    seconds = sum(float(part) * 60 ** i for i, part in enumerate(reversed(wall.split(":"))))
    rss = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", result.stderr).group(1)) / 1024
    cpu = sum(float(re.search(rf"{kind} time \(seconds\): (\S+)", result.stderr).group(1)) for kind in ("User", "System"))
    return seconds, rss, cpu


def lines_of_tokens(path: Path):
    with open(path, "rb") as f:
        for line in f:
            tokens = line.split()
            if tokens:
                yield tokens


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("word2phrase", help="path of a word2phrase binary built from word2vec.c")
    parser.add_argument("corpus", help="text file, one sentence per line, tokens separated by white space")
    parser.add_argument("--threshold", type=float, default=100.0)
    parser.add_argument("--min-count", type=int, default=5)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--workdir", default=None, help="where the two outputs go (default: a temporary folder)")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()

    workdir = Path(args.workdir or tempfile.mkdtemp(prefix="phrases-"))
    theirs, ours = workdir / "word2phrase.txt", workdir / "w2v.txt"
    commands = {
        "word2phrase": [args.word2phrase, "-train", args.corpus, "-output", str(theirs),
                        "-threshold", str(args.threshold), "-min-count", str(args.min_count), "-debug", "0"],
        "w2v": [sys.executable, "-m", "w2v", "phrases", args.corpus, "-o", str(ours), "--tokenizer", "whitespace",
                "--scoring", "word2phrase", "--threshold", str(args.threshold), "--min-count", str(args.min_count),
                "--workers", str(args.workers), "--quiet"],
    }
    subprocess.run(commands["w2v"], check=True, stdout=subprocess.DEVNULL)   # compile/cache the kernels once
    runs: dict = {name: [] for name in commands}
    for _ in range(args.runs):
        for name, command in commands.items():
            runs[name].append(timed(command))
    summary = {name: {"wall_s": statistics.median(r[0] for r in rs), "peak_rss_mb": max(r[1] for r in rs),
                      "cpu_s": statistics.median(r[2] for r in rs), "runs_s": [round(r[0], 2) for r in rs]}
               for name, rs in runs.items()}
    summary["speedup"] = summary["word2phrase"]["wall_s"] / summary["w2v"]["wall_s"]
    # each run's own ratio: runs alternate, so neighbours share the machine's load
    summary["paired_speedups"] = [round(a[0] / b[0], 2) for a, b in zip(runs["word2phrase"], runs["w2v"])]
    summary["cpu_ratio"] = summary["word2phrase"]["cpu_s"] / summary["w2v"]["cpu_s"]

    differences = []
    joins = {"word2phrase": 0, "w2v": 0}
    n_lines = 0
    for n_lines, (a, b) in enumerate(zip(lines_of_tokens(theirs), lines_of_tokens(ours)), start=1):
        joins["word2phrase"] += sum(b"_" in t for t in a)
        joins["w2v"] += sum(b"_" in t for t in b)
        if a != b and len(differences) < 10:
            differences.append({"line": n_lines, "word2phrase": b" ".join(a).decode(errors="replace")[:200],
                                "w2v": b" ".join(b).decode(errors="replace")[:200]})
    same_length = sum(1 for _ in lines_of_tokens(theirs)) == sum(1 for _ in lines_of_tokens(ours))
    summary.update({"lines_compared": n_lines, "tokens_with_delimiter": joins, "identical": not differences and same_length,
                    "first_differences": differences,
                    "commands": {name: " ".join(map(str, c)) for name, c in commands.items()}})
    if args.json:
        print(json.dumps(summary, indent=2))
    else:
        for name in commands:
            s = summary[name]
            print(f"{name:>12}: median {s['wall_s']:.2f} s wall (runs {s['runs_s']}), {s['cpu_s']:.2f} s CPU "
                  f"(user + system), peak {s['peak_rss_mb']:.0f} MB")
        print(f"{'speedup':>12}: {summary['speedup']:.2f}x (median wall / median wall; paired runs "
              f"{summary['paired_speedups']}); CPU time ratio {summary['cpu_ratio']:.2f}x")
        print(f"{'identical':>12}: {summary['identical']} ({n_lines:,} lines; tokens containing '_': "
              f"word2phrase {joins['word2phrase']:,}, w2v {joins['w2v']:,})")
        for d in differences:
            print(f"  line {d['line']}:\n    word2phrase: {d['word2phrase']}\n    w2v:         {d['w2v']}")
    if not args.workdir:
        for f in (theirs, ours):
            os.unlink(f)
        os.rmdir(workdir)
    return 0 if summary["identical"] else 1


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python
"""Benchmark w2v's word2vec against gensim, trained with identical settings in the same run.

For each configuration (architecture x objective) both trainers run in fresh subprocesses,
alternating (w2v, gensim, then gensim, w2v, ...), so load on the machine hits both alike. Each run
writes its vectors in word2vec binary format; the parent evaluates every file written with
``w2v.evaluate``: analogy accuracy over the 30,000 most frequent words and WordSim-353 Spearman.

    python scripts/benchmark.py ../shared/data/brown.txt ../shared/data/gcide.txt \\
        --configs sg-ns,cbow-ns,sg-hs,cbow-hs --repeats 1 --workdir /tmp/w2v-bench

Tokenization (done once, cached in the work folder): lowercase, accents removed (NFKD, then
non-ASCII dropped), tokens are runs of ``[a-z0-9'-]`` containing a letter or digit, one input line
is one sentence. On brown.txt + gcide.txt that gives 5,620,343 tokens and 48,485 words at
min_count 5. Both trainers then read the same space-separated file.

words/s is in-vocabulary corpus words x epochs divided by the training time (vocabulary building
excluded for both). The two pipelines split their work differently: w2v reads and encodes the
corpus once before training (not in ``train s``), gensim re-reads and splits the file in every epoch
inside ``train()``. ``total s`` is therefore also printed: the whole fit from the text file to
trained vectors (w2v: vocabulary, encoding and training; gensim: ``build_vocab`` and ``train``).
Peak memory is the child process's maximal resident set.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import resource
import statistics
import subprocess
import sys
import time
import unicodedata
from pathlib import Path

CONFIGS = {
    "sg-ns": ("skipgram", "negative"),
    "cbow-ns": ("cbow", "negative"),
    "sg-hs": ("skipgram", "hierarchical"),
    "cbow-hs": ("cbow", "hierarchical"),
}
_TOKEN = re.compile(r"[a-z0-9'-]+")
_ALNUM = re.compile(r"[a-z0-9]")


def tokenize_line(line: str) -> list[str]:
    """Lowercase, strip accents, keep runs of ``[a-z0-9'-]`` holding a letter or digit."""
    text = unicodedata.normalize("NFKD", line)
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).lower()
    text = text.encode("ascii", "ignore").decode("ascii")
    return [t for t in _TOKEN.findall(text) if _ALNUM.search(t)]


def prepare(sources: list[Path], workdir: Path) -> tuple[Path, int]:
    """Tokenize ``sources`` into one space-separated file (cached); return it and its token count."""
    key = "|".join(f"{p.resolve()}:{p.stat().st_size}:{p.stat().st_mtime_ns}" for p in sources)
    out = workdir / f"corpus-{hashlib.sha1(key.encode()).hexdigest()[:12]}.txt"
    meta = out.with_suffix(".json")
    if out.exists() and meta.exists():
        return out, json.loads(meta.read_text())["tokens"]
    tokens = 0
    tmp = out.with_suffix(".tmp")
    with open(tmp, "w", encoding="ascii") as f:
        for src in sources:
            with open(src, encoding="utf-8", errors="replace") as lines:
                for line in lines:
                    toks = tokenize_line(line)
                    if toks:
                        tokens += len(toks)
                        f.write(" ".join(toks) + "\n")
    os.replace(tmp, out)
    meta.write_text(json.dumps({"tokens": tokens, "sources": [str(p) for p in sources]}))
    return out, tokens


# ---------------------------------------------------------------------------------------- children

def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def child_w2v(cfg: dict, corpus: Path, out: Path) -> dict:
    from w2v.corpus import LineCorpus, Tokenizer
    from w2v.models.word2vec import Word2Vec

    params = dict(architecture=cfg["architecture"], objective=cfg["objective"], dim=cfg["dim"],
                  window=cfg["window"], min_count=cfg["min_count"], sample=cfg["sample"],
                  negative=cfg["negative"], alpha=cfg["alpha"], min_alpha=cfg["min_alpha"],
                  epochs=cfg["epochs"], workers=cfg["workers"], seed=cfg["seed"],
                  shared_negatives=cfg["shared_negatives"], progress=False)
    # load (or, on a fresh install, compile) the kernel outside the timed training
    Word2Vec(**{**params, "min_count": 1, "epochs": 1}).fit([["warm", "up", "the", "kernel"]] * 3)
    model = Word2Vec(**params)
    began = time.perf_counter()
    model.fit(LineCorpus(corpus, tokenizer=Tokenizer.whitespace()))
    total = time.perf_counter() - began
    model.wv_.save(out, format="binary")
    seconds = sum(h["seconds"] for h in model.history_)
    words = sum(h["words"] for h in model.history_)
    return {"seconds": seconds, "total_seconds": total, "words": words, "vocab": len(model.vocab_),
            "peak_mb": _peak_mb()}


def child_gensim(cfg: dict, corpus: Path, out: Path) -> dict:
    import logging

    from gensim.models import Word2Vec as GensimWord2Vec
    from gensim.models.word2vec import LineSentence

    logging.disable(logging.WARNING)
    hs = cfg["objective"] == "hierarchical"
    model = GensimWord2Vec(vector_size=cfg["dim"], window=cfg["window"], min_count=cfg["min_count"],
                           sample=cfg["sample"], sg=int(cfg["architecture"] == "skipgram"), hs=int(hs),
                           negative=0 if hs else cfg["negative"], alpha=cfg["alpha"], min_alpha=cfg["min_alpha"],
                           epochs=cfg["epochs"], workers=cfg["workers"], seed=cfg["seed"], cbow_mean=1)
    sentences = LineSentence(str(corpus), max_sentence_length=10000)
    began_total = time.perf_counter()
    model.build_vocab(sentences)
    began = time.perf_counter()
    model.train(sentences, total_examples=model.corpus_count, epochs=cfg["epochs"])
    seconds = time.perf_counter() - began
    total = time.perf_counter() - began_total
    model.wv.save_word2vec_format(str(out), binary=True)
    words = sum(model.wv.get_vecattr(w, "count") for w in model.wv.index_to_key) * cfg["epochs"]
    return {"seconds": seconds, "total_seconds": total, "words": int(words), "vocab": len(model.wv),
            "peak_mb": _peak_mb()}


def run_child(impl: str, cfg: dict, corpus: Path, out: Path) -> dict:
    cmd = [sys.executable, __file__, "--child", impl, "--child-config", json.dumps(cfg), "--child-corpus",
           str(corpus), "--child-out", str(out)]
    proc = subprocess.run(cmd, capture_output=True, text=True)
    if proc.returncode != 0:
        raise SystemExit(f"{impl} run failed:\n{proc.stderr[-3000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


# ---------------------------------------------------------------------------------------- parent

def evaluate(path: Path, questions, wordsim) -> tuple[float, float]:
    from w2v.evaluate import evaluate_analogies, evaluate_word_pairs
    from w2v.vectors import KeyedVectors

    kv = KeyedVectors.load(path)
    analogy = evaluate_analogies(kv, questions, restrict_vocab=30000)
    pairs = evaluate_word_pairs(kv, wordsim, restrict_vocab=30000)
    return analogy.accuracy, pairs.spearman


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    p.add_argument("corpus", nargs="*", type=Path, help="raw text files, concatenated (one line = one sentence)")
    p.add_argument("--configs", default="sg-ns,cbow-ns,sg-hs,cbow-hs", help=f"comma-separated of {list(CONFIGS)}")
    p.add_argument("--dim", type=int, default=100)
    p.add_argument("--window", type=int, default=5)
    p.add_argument("--min-count", type=int, default=5)
    p.add_argument("--sample", type=float, default=1e-3)
    p.add_argument("--negative", type=int, default=5)
    p.add_argument("--epochs", type=int, default=5)
    p.add_argument("--workers", type=int, default=2)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--repeats", type=int, default=1, help="runs per trainer and configuration (medians reported)")
    p.add_argument("--shared-negatives", action="store_true", help="w2v skip-gram: shared noise words per window")
    p.add_argument("--no-gensim", action="store_true", help="train w2v only")
    p.add_argument("--questions", default=None, help="analogy questions (default: the bundled Google set)")
    p.add_argument("--wordsim", default=None, help="word pairs (default: the bundled WordSim-353)")
    p.add_argument("--workdir", type=Path, default=Path("/tmp/w2v-benchmark"))
    p.add_argument("--json", action="store_true", help="also print all runs as JSON")
    p.add_argument("--child", help=argparse.SUPPRESS)
    p.add_argument("--child-config", help=argparse.SUPPRESS)
    p.add_argument("--child-corpus", help=argparse.SUPPRESS)
    p.add_argument("--child-out", help=argparse.SUPPRESS)
    args = p.parse_args(argv)

    if args.child:
        fn = child_w2v if args.child == "w2v" else child_gensim
        print(json.dumps(fn(json.loads(args.child_config), Path(args.child_corpus), Path(args.child_out))))
        return 0
    if not args.corpus:
        p.error("give at least one corpus file")
    unknown = [name for name in args.configs.split(",") if name not in CONFIGS]
    if unknown:
        p.error(f"unknown configuration(s) {', '.join(unknown)}: choose from {', '.join(CONFIGS)}")
    impls = ["w2v"]
    if not args.no_gensim:
        try:
            import gensim  # noqa: F401

            impls.append("gensim")
        except ImportError:
            print("gensim is not importable: benchmarking w2v alone", file=sys.stderr)
    args.workdir.mkdir(parents=True, exist_ok=True)
    began = time.perf_counter()
    corpus, tokens = prepare(args.corpus, args.workdir)
    print(f"corpus {corpus}: {tokens:,} tokens (prepared in {time.perf_counter() - began:.1f} s)", file=sys.stderr)

    all_runs = []
    for name in args.configs.split(","):
        architecture, objective = CONFIGS[name]
        alpha = 0.05 if architecture == "cbow" else 0.025
        cfg = {"architecture": architecture, "objective": objective, "dim": args.dim, "window": args.window,
               "min_count": args.min_count, "sample": args.sample, "negative": args.negative, "alpha": alpha,
               "min_alpha": alpha * 1e-4, "epochs": args.epochs, "workers": args.workers, "seed": args.seed,
               "shared_negatives": bool(args.shared_negatives)}
        rows = {impl: [] for impl in impls}
        for r in range(args.repeats):
            order = impls if r % 2 == 0 else impls[::-1]
            for impl in order:
                out = args.workdir / f"{name}-{impl}-{r}.bin"
                res = run_child(impl, cfg, corpus, out)
                res["analogy"], res["spearman"] = evaluate(out, args.questions, args.wordsim)
                res["words_per_second"] = res["words"] / res["seconds"]
                rows[impl].append(res)
                all_runs.append({"config": name, "impl": impl, **res})
                print(f"  {name} {impl} run {r + 1}: {res['words_per_second']:,.0f} words/s, "
                      f"analogy {res['analogy']:.3f}, ws353 {res['spearman']:.3f}", file=sys.stderr)
        label = name + (" shared-neg" if args.shared_negatives and architecture == "skipgram" else "")
        print(f"\n{label}: dim {args.dim}, window {args.window}, min_count {args.min_count}, sample {args.sample}, "
              f"negative {0 if objective == 'hierarchical' else args.negative}, {args.epochs} epochs, "
              f"{args.workers} workers, {args.repeats} run(s) each (medians)")
        print(f"{'trainer':8} {'words/s':>12} {'train s':>8} {'total s':>8} {'peak MB':>8} {'analogy':>8} "
              f"{'ws353':>7} {'vocab':>7}")
        med = {}
        for impl in impls:
            runs = rows[impl]
            med[impl] = {k: statistics.median(x[k] for x in runs)
                         for k in ("words_per_second", "seconds", "total_seconds", "peak_mb", "analogy", "spearman")}
            m = med[impl]
            print(f"{impl:8} {m['words_per_second']:>12,.0f} {m['seconds']:>8.1f} {m['total_seconds']:>8.1f} "
                  f"{m['peak_mb']:>8.0f} "
                  f"{m['analogy']:>8.3f} {m['spearman']:>7.3f} {runs[0]['vocab']:>7}")
        if "gensim" in med:
            a, g = med["w2v"], med["gensim"]
            print(f"{'ratio':8} {a['words_per_second'] / g['words_per_second']:>11.2f}x "
                  f"{a['seconds'] / g['seconds']:>8.2f} {a['total_seconds'] / g['total_seconds']:>8.2f} "
                  f"{a['peak_mb'] / g['peak_mb']:>8.2f} "
                  f"{a['analogy'] - g['analogy']:>+8.3f} {a['spearman'] - g['spearman']:>+7.3f}")
        sys.stdout.flush()
    if args.json:
        print(json.dumps(all_runs, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())

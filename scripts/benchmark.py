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
Peak memory is each measured process's own maximal resident set from its start (VmHWM; not
``ru_maxrss``, which on Linux starts a child at its parent's size). ``start MB`` is what a process
that only starts the library holds at its end (``STARTUP``: w2v with numba's code generator set up
by one cached function, gensim with its Cython extensions; the resident size, not the peak: w2v
releases LLVM's code pages once the function is loaded), and ``above`` the whole process's peak
minus it: what the run itself adds (for w2v including LLVM's pages while the run's own kernels
load, about 60 MB until they are released, when that is where its peak falls).

The headline is the whole process, as a user times it: ``w2v train CORPUS -o OUT`` against a
gensim script that trains with ``corpus_file`` (gensim's fastest path) and writes the same binary
file, each run in a fresh process from start to exit, at ``--process-epochs`` (default 1 and 5),
with the speed-up ``gensim s / w2v s`` as its own column. The corpus pipeline gets its own table:
w2v's vocabulary + encoding time (``build_and_encode``, the text read once on ``--workers``
threads), tokenize + count throughput in MB/s per worker (``scan_corpus`` alone), beside gensim's
``build_vocab(corpus_file=...)``.
"""
from __future__ import annotations

import argparse
import dataclasses
import hashlib
import json
import os
import re
import resource
import statistics
import subprocess
import sys
import tempfile
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
    """This process's peak resident size in MB, counted from its own start.

    Not ``ru_maxrss``: on Linux a child starts with its parent's resident size at the fork as its
    maximum, so every child of a large benchmark process would report at least that size."""
    try:
        with open("/proc/self/status") as status:
            return next(int(line.split()[1]) for line in status if line.startswith("VmHWM:")) / 1024.0
    except (OSError, StopIteration):
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


#: run first in a measured Python process: its own peak (VmHWM, as ``_peak_mb`` reads it) goes to a
#: file at exit
_PEAK_PRELUDE = """
import atexit, os, runpy, sys
def _report():
    with open("/proc/self/status") as status:
        kib = next(int(line.split()[1]) for line in status if line.startswith("VmHWM:"))
    with open(os.environ["BENCHMARK_PEAK_FILE"], "w") as out:
        out.write(repr(kib / 1024.0))
atexit.register(_report)
how, target, sys.argv = sys.argv[1], sys.argv[2], sys.argv[2:]
if how == "-c":
    sys.argv[0] = "-c"
    exec(compile(target, "<string>", "exec"), {"__name__": "__main__"})
elif how == "-m":
    runpy.run_module(target, run_name="__main__", alter_sys=True)
else:
    runpy.run_path(target, run_name="__main__")
"""


@dataclasses.dataclass
class Measured:
    """A finished process: wall seconds, its own peak RSS in MB, exit code and output."""

    seconds: float
    peak_mb: float
    returncode: int
    stdout: str
    stderr: str


def measure_process(cmd: list[str]) -> Measured:
    """Run the Python command ``cmd`` (``[sys.executable, "-m", module, ...]``, ``[..., "-c", code,
    ...]`` or ``[..., script, ...]``) from start to exit and measure it (the peak is read from
    ``/proc``: NaN on systems without it).

    The process may write bytecode even where ``PYTHONDONTWRITEBYTECODE`` is set: an installed
    package has its ``.pyc`` files, but a source checkout whose environment forbids writing them
    compiles every module of the package again in every process (0.1 s of each w2v run), which
    no user of an installed w2v pays."""
    if cmd[0] != sys.executable or len(cmd) < 2:
        raise ValueError(f"not a command of this Python: {cmd[:2]}")
    how = [] if cmd[1] in ("-c", "-m") else ["script"]
    with tempfile.TemporaryDirectory() as folder:
        peak_file = Path(folder) / "peak"
        env = {name: value for name, value in os.environ.items() if name != "PYTHONDONTWRITEBYTECODE"}
        env["BENCHMARK_PEAK_FILE"] = str(peak_file)
        args = [sys.executable, "-c", _PEAK_PRELUDE] + how + cmd[1:]
        began = time.perf_counter()
        proc = subprocess.run(args, capture_output=True, text=True, env=env)
        seconds = time.perf_counter() - began
        peak = float(peak_file.read_text()) if peak_file.exists() else float("nan")
    return Measured(seconds, peak, proc.returncode, proc.stdout, proc.stderr)


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


def child_pipeline(cfg: dict, corpus: Path, out: Path) -> dict:
    """Time w2v's corpus pipeline: the scan alone, then vocabulary + encoding (kernels warmed up first)."""
    from w2v.corpus import LineCorpus
    from w2v.corpus.pipeline import build_and_encode
    from w2v.corpus.scan import scan_corpus

    warm = out.with_suffix(".warm.txt")
    warm.write_text("warm up the kernels\n")
    build_and_encode(LineCorpus(warm), min_count=1, workers=cfg["workers"], engine="compiled")
    began = time.perf_counter()
    scan = scan_corpus(LineCorpus(corpus), workers=cfg["workers"])
    scan_seconds = time.perf_counter() - began
    scan.close()
    began = time.perf_counter()
    vocab, encoded = build_and_encode(LineCorpus(corpus), min_count=cfg["min_count"], workers=cfg["workers"])
    seconds = time.perf_counter() - began
    return {"scan_seconds": scan_seconds, "seconds": seconds, "bytes": corpus.stat().st_size,
            "tokens": vocab.total_words, "vocab": len(vocab), "peak_mb": _peak_mb()}


def child_gensim_file(cfg: dict, corpus: Path, out: Path) -> dict:
    """gensim with ``corpus_file``: build_vocab and train timed apart, then the binary file written."""
    import logging

    from gensim.models import Word2Vec as GensimWord2Vec

    logging.disable(logging.WARNING)
    hs = cfg["objective"] == "hierarchical"
    model = GensimWord2Vec(vector_size=cfg["dim"], window=cfg["window"], min_count=cfg["min_count"],
                           sample=cfg["sample"], sg=int(cfg["architecture"] == "skipgram"), hs=int(hs),
                           negative=0 if hs else cfg["negative"], alpha=cfg["alpha"], min_alpha=cfg["min_alpha"],
                           epochs=cfg["epochs"], workers=cfg["workers"], seed=cfg["seed"], cbow_mean=1)
    began = time.perf_counter()
    model.build_vocab(corpus_file=str(corpus))
    vocab_seconds = time.perf_counter() - began
    began = time.perf_counter()
    model.train(corpus_file=str(corpus), total_examples=model.corpus_count,
                total_words=model.corpus_total_words, epochs=cfg["epochs"])
    seconds = time.perf_counter() - began
    model.wv.save_word2vec_format(str(out), binary=True)
    words = sum(model.wv.get_vecattr(w, "count") for w in model.wv.index_to_key) * cfg["epochs"]
    return {"vocab_seconds": vocab_seconds, "seconds": seconds, "words": int(words), "vocab": len(model.wv)}


def scaled_corpus(corpus: Path, copies: int, workdir: Path) -> Path:
    """``copies`` concatenated copies of ``corpus``, the lines of each shuffled with its own seed (cached)."""
    import random

    out = workdir / f"{corpus.stem}-x{copies}.txt"
    if out.exists() and out.stat().st_size > 0:
        return out
    lines = corpus.read_bytes().splitlines(keepends=True)
    tmp = out.with_suffix(".tmp")
    with open(tmp, "wb") as f:
        for copy in range(copies):
            random.Random(copy).shuffle(lines)
            f.writelines(lines)
    os.replace(tmp, out)
    return out


def run_process(impl: str, cfg: dict, corpus: Path, out: Path) -> dict:
    """One whole process from start to exit: wall seconds and its own peak RSS (from wait4)."""
    if impl == "w2v":
        cmd = [sys.executable, "-m", "w2v", "train", str(corpus), "-o", str(out), "--arch", cfg["architecture"],
               "--objective", cfg["objective"], "--dim", str(cfg["dim"]), "--window", str(cfg["window"]),
               "--min-count", str(cfg["min_count"]), "--sample", str(cfg["sample"]),
               "--alpha", str(cfg["alpha"]),
               "--epochs", str(cfg["epochs"]), "--workers", str(cfg["workers"]), "--seed", str(cfg["seed"]),
               "--quiet"]
        # w2v train refuses options that do nothing: noise words only where they are drawn, shared
        # negatives for skip-gram only
        if cfg["objective"] != "hierarchical":
            cmd += ["--negative", str(cfg["negative"])]
        if cfg["shared_negatives"] and cfg["architecture"] == "skipgram":
            cmd.append("--shared-negatives")
    else:
        cmd = [sys.executable, __file__, "--child", "gensim-file", "--child-config", json.dumps(cfg),
               "--child-corpus", str(corpus), "--child-out", str(out)]
    done = measure_process(cmd)
    if done.returncode != 0:
        raise SystemExit(f"{impl} process failed:\n{done.stderr[-3000:]}")
    stdout = done.stdout
    res = {"process_seconds": done.seconds, "peak_mb": done.peak_mb}
    if impl == "w2v":
        speed = re.search(r"([\d,]+) words/s", stdout)
        res["words_per_second"] = float(speed.group(1).replace(",", "")) if speed else float("nan")
    else:
        child = json.loads(stdout.strip().splitlines()[-1])
        res["words_per_second"] = child["words"] / child["seconds"]
        res["vocab_seconds"] = child["vocab_seconds"]
    return res


#: what each library costs before it reads a word: the interpreter, the library and its compiled code
#: (w2v: numba and one function from numba's cache, whose first load sets up LLVM's code generator,
#: a fixed cost of every numba program; gensim: its Cython training extensions)
STARTUP = {
    "w2v": "import w2v.models.word2vec\nfrom w2v.corpus import _word_table_kernel as k\nimport numpy as np\n"
           "k.first_seen_ids(np.zeros(1, np.int32), np.zeros(1, np.int32), np.full(1, -1, np.int32), 0)",
    "gensim": "import gensim.models\nfrom gensim.models import word2vec_corpusfile, word2vec_inner",
}


#: run at the end of a start-up process: its resident size then (VmRSS, MB) on the last line
_PRINT_RESIDENT = """
with open("/proc/self/status") as _status:
    print(next(int(line.split()[1]) for line in _status if line.startswith("VmRSS:")) / 1024.0)
"""


def startup_resident(impl: str) -> float:
    """Resident MB at the end of a process that starts ``impl`` and trains nothing (median of three;
    NaN on systems without ``/proc``)."""
    sizes = []
    for _ in range(3):
        done = subprocess.run([sys.executable, "-c", STARTUP[impl] + _PRINT_RESIDENT],
                              capture_output=True, text=True)
        if done.returncode != 0:
            if "/proc/self/status" in done.stderr:
                return float("nan")
            raise SystemExit(f"{impl} start-up process failed: {done.stderr[-2000:]}")
        sizes.append(float(done.stdout.strip().splitlines()[-1]))
    return statistics.median(sizes)


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


def _in_process(args, impls, corpus: Path, all_runs: list) -> None:
    """The in-process comparison: training words/s, training and whole-fit seconds, gensim with LineSentence."""
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
    p.add_argument("--process-epochs", default="1,5",
                   help="epochs of the whole-process runs (comma-separated); quality is read at --epochs")
    p.add_argument("--pipeline-scale", default=None, metavar="COPIES",
                   help="also time vocabulary + encoding on these numbers of shuffled copies of the corpus "
                        "(e.g. 1,8,32: 32 copies of the 31 MB benchmark corpus are 1 GB)")
    p.add_argument("--pipeline-scale-only", action="store_true", help="stop after the pipeline tables")
    p.add_argument("--in-process", action="store_true",
                   help="also run the in-process comparison (training words/s, train s, total s; gensim "
                        "with LineSentence)")
    p.add_argument("--json", action="store_true", help="also print all runs as JSON")
    p.add_argument("--child", help=argparse.SUPPRESS)
    p.add_argument("--child-config", help=argparse.SUPPRESS)
    p.add_argument("--child-corpus", help=argparse.SUPPRESS)
    p.add_argument("--child-out", help=argparse.SUPPRESS)
    args = p.parse_args(argv)

    if args.child:
        children = {"w2v": child_w2v, "gensim": child_gensim, "gensim-file": child_gensim_file,
                    "pipeline": child_pipeline}
        fn = children[args.child]
        print(json.dumps(fn(json.loads(args.child_config), Path(args.child_corpus), Path(args.child_out))))
        return 0
    if not args.corpus:
        p.error("give at least one corpus file")
    unknown = [name for name in args.configs.split(",") if name not in CONFIGS]
    if unknown:
        p.error(f"unknown configuration(s) {', '.join(unknown)}: choose from {', '.join(CONFIGS)}")
    try:
        process_epochs = sorted({int(e) for e in args.process_epochs.split(",")})
    except ValueError:
        p.error(f"--process-epochs takes comma-separated whole numbers, got {args.process_epochs!r}")
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
    base = {"dim": args.dim, "window": args.window, "min_count": args.min_count, "sample": args.sample,
            "negative": args.negative, "epochs": args.epochs, "workers": args.workers, "seed": args.seed,
            "shared_negatives": bool(args.shared_negatives)}
    pipeline = [run_child("pipeline", base, corpus, args.workdir / "pipeline") for _ in range(args.repeats)]
    pipe = {k: statistics.median(r[k] for r in pipeline) for k in ("scan_seconds", "seconds", "peak_mb")}
    mb = pipeline[0]["bytes"] / 1e6
    print(f"\ncorpus pipeline, {mb:.1f} MB, {pipeline[0]['tokens']:,} tokens, {args.workers} workers "
          f"({args.repeats} run(s), medians)")
    print(f"  w2v tokenize + count (scan_corpus): {pipe['scan_seconds']:.2f} s = "
          f"{mb / pipe['scan_seconds'] / args.workers:.1f} MB/s per worker")
    print(f"  w2v vocabulary + encoding (build_and_encode): {pipe['seconds']:.2f} s")
    all_runs.append({"config": "pipeline", "impl": "w2v", **pipe})
    sys.stdout.flush()
    if args.pipeline_scale:
        print(f"\nvocabulary + encoding as the corpus grows ({args.workers} workers; peak RSS of the process)")
        print(f"{'copies':>6} {'MB':>8} {'tokens':>13} {'seconds':>8} {'MB/s':>7} {'peak MB':>8}")
        for copies in sorted({int(c) for c in args.pipeline_scale.split(",")}):
            big = scaled_corpus(corpus, copies, args.workdir)
            r = run_child("pipeline", base, big, args.workdir / "pipeline")
            size = r["bytes"] / 1e6
            print(f"{copies:>6} {size:>8.0f} {r['tokens']:>13,} {r['seconds']:>8.1f} {size / r['seconds']:>7.1f} "
                  f"{r['peak_mb']:>8.0f}")
            all_runs.append({"config": f"pipeline-x{copies}", "impl": "w2v", **r})
            sys.stdout.flush()
        if args.pipeline_scale_only:
            return 0

    for name in args.configs.split(","):
        architecture, objective = CONFIGS[name]
        alpha = 0.05 if architecture == "cbow" else 0.025
        cfg = {**base, "architecture": architecture, "objective": objective, "alpha": alpha,
               "min_alpha": alpha * 1e-4}
        rows = {impl: {e: [] for e in process_epochs} for impl in impls}
        quality_epochs = args.epochs if args.epochs in process_epochs else process_epochs[-1]
        # one untimed process on a tiny corpus first, so that no timed run pays for compiling kernels
        warm = args.workdir / "warm-up.txt"
        warm.write_text("the quick brown fox jumps over the lazy dog\n" * 20)
        run_process("w2v", {**cfg, "epochs": 1, "min_count": 1}, warm, args.workdir / "warm-up.bin")
        startup = {impl: startup_resident(impl) for impl in impls}
        for r in range(args.repeats):
            for epochs in process_epochs:
                order = impls if (r + epochs) % 2 == 0 else impls[::-1]
                for impl in order:
                    out = args.workdir / f"{name}-{impl}-e{epochs}-{r}.bin"
                    res = run_process(impl, {**cfg, "epochs": epochs}, corpus, out)
                    if epochs == quality_epochs:
                        res["analogy"], res["spearman"] = evaluate(out, args.questions, args.wordsim)
                    rows[impl][epochs].append(res)
                    all_runs.append({"config": name, "impl": impl, "epochs": epochs, **res})
                    print(f"  {name} {impl} {epochs} epoch(s) run {r + 1}: {res['process_seconds']:.1f} s, "
                          f"{res['peak_mb']:.0f} MB", file=sys.stderr)
        label = name + (" shared-neg" if args.shared_negatives and architecture == "skipgram" else "")
        print(f"\n{label}: whole process from the text file to the written vectors; dim {args.dim}, window "
              f"{args.window}, min_count {args.min_count}, sample {args.sample}, negative "
              f"{0 if objective == 'hierarchical' else args.negative}, {args.workers} workers, "
              f"{args.repeats} run(s) each (medians); quality after {quality_epochs} epochs")
        heads = "".join(f"{f'proc s @{e}':>11}" for e in process_epochs)
        print(f"{'trainer':8} {'vocab+enc s':>11} {'words/s':>11}{heads} {'peak MB':>8} {'start MB':>8} "
              f"{'above':>6} {'analogy':>8} {'ws353':>7}")
        med = {}
        for impl in impls:
            q = rows[impl][quality_epochs]
            med[impl] = {e: statistics.median(x["process_seconds"] for x in rows[impl][e]) for e in process_epochs}
            vocab_s = pipe["seconds"] if impl == "w2v" else statistics.median(x["vocab_seconds"] for x in q)
            speed = statistics.median(x["words_per_second"] for x in q)
            peak = max(x["peak_mb"] for e in process_epochs for x in rows[impl][e])
            cols = "".join(f"{med[impl][e]:>11.1f}" for e in process_epochs)
            print(f"{impl:8} {vocab_s:>11.2f} {speed:>11,.0f}{cols} {peak:>8.0f} {startup[impl]:>8.0f} "
                  f"{peak - startup[impl]:>6.0f} {statistics.median(x['analogy'] for x in q):>8.3f} "
                  f"{statistics.median(x['spearman'] for x in q):>7.3f}")
        if "gensim" in med:
            ratios = "".join(f"{med['gensim'][e] / med['w2v'][e]:>10.2f}x" for e in process_epochs)
            print(f"{'speed-up':8} {'':>11} {'':>11}{ratios}   (gensim s / w2v s, whole process)")
        sys.stdout.flush()

    if args.in_process:
        _in_process(args, impls, corpus, all_runs)
    if args.json:
        print(json.dumps(all_runs, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())

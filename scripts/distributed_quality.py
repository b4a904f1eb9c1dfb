"""Quality and speed of distributed training against single-process training, on one machine.

    python scripts/distributed_quality.py CORPUS --questions questions-words.txt --wordsim wordsim353.tsv \
        --workers 1 2 4 8 --rounds 50000 200000 --archs skipgram cbow --epochs 5 --json results.jsonl

For each architecture (negative sampling) it trains once in a single process (2 threads), then on
a LocalCluster of N worker processes for every N of ``--workers`` and every round size of
``--rounds`` (words per worker between combinations), plus Spark MLlib's rule for contrast (one
combination per epoch, the mean of the changes), and prints analogy accuracy (30k most frequent
words, 3CosAdd) and WS-353 Spearman. On a 2-core machine the processes time-share: the quality is
what counts, not the time. ``--speed`` instead times ``--local-cluster 2`` against 2 threads in one
process and prints the constants of the README's scaling model.
"""
from __future__ import annotations

import argparse
import contextlib
import json
import logging
import sys
import time

SPARK = 10**12  # a round longer than any shard: one combination per epoch


def _score(model, questions, wordsim):
    from w2v.evaluate import evaluate_analogies, evaluate_word_pairs

    return (evaluate_analogies(model.wv_, questions, restrict_vocab=30000).accuracy,
            evaluate_word_pairs(model.wv_, wordsim).spearman)


def _row(out, **fields):
    print(json.dumps(fields), file=out, flush=True)
    a, w = fields.get("analogy"), fields.get("ws353")
    shown = "diverged" if a is None else f"analogy {100 * a:5.1f}%  WS-353 {w:.3f}"
    print(f"{fields['arch']:8s} {fields['mode']:8s} workers {fields['workers']:>2}  round {fields['round']:>12}  "
          f"{shown}  {fields['seconds']:7.1f} s", file=sys.stderr, flush=True)


def _cluster(n: int, in_process: bool):
    if in_process:
        from w2v.distributed.inprocess import InProcessClient

        return contextlib.nullcontext(), InProcessClient(n)
    from distributed import Client, LocalCluster

    cluster = LocalCluster(n_workers=n, threads_per_worker=1, processes=True, dashboard_address=None,
                           silence_logs=logging.ERROR)
    return cluster, Client(cluster)


def quality(args, out) -> None:
    from w2v import Word2Vec
    from w2v.errors import TrainingDiverged

    params = dict(epochs=args.epochs, seed=args.seed, progress=False)
    for arch in [] if args.no_single else args.archs:
        began = time.perf_counter()
        # one thread, as each worker trains: the same settings, and a run that repeats bit for bit
        single = Word2Vec(architecture=arch, workers=1, **params).fit(args.corpus)
        a, w = _score(single, args.questions, args.wordsim)
        _row(out, arch=arch, mode="single", workers=1, round=0, analogy=a, ws353=w,
             seconds=time.perf_counter() - began)
    for n in args.workers:
        cluster, client = _cluster(n, args.in_process)
        with cluster, client:
            for arch in args.archs:
                runs = [("rounds", r, args.rule) for r in args.rounds]
                if n > 1 and not args.no_spark:
                    runs.append(("spark", SPARK, "mean"))
                for mode, round_words, rule in runs:
                    from w2v.distributed import fit_distributed

                    began = time.perf_counter()
                    try:
                        model = fit_distributed(Word2Vec(architecture=arch, **params), args.corpus, client,
                                                round_words=round_words, rule=rule)
                        a, w = _score(model, args.questions, args.wordsim)
                        extra = {"rounds": sum(h["rounds"] for h in model.history_),
                                 "bytes": sum(h["bytes_exchanged"] for h in model.history_)}
                    except TrainingDiverged:
                        a = w = None
                        extra = {}
                    _row(out, arch=arch, mode=mode, rule=rule, workers=n, round=round_words, analogy=a, ws353=w,
                         seconds=time.perf_counter() - began, **extra)


def speed(args, out) -> None:
    """Words/s of 2 local worker processes against 2 threads in one process, and the model's constants."""
    from distributed import Client, LocalCluster

    from w2v import Word2Vec
    from w2v.distributed import fit_distributed

    params = dict(architecture=args.archs[0], epochs=args.epochs, seed=args.seed, progress=False)
    began = time.perf_counter()
    single = Word2Vec(workers=2, **params).fit(args.corpus)
    whole = time.perf_counter() - began
    words = sum(h["words"] for h in single.history_)
    train = sum(h["seconds"] for h in single.history_)
    print(json.dumps({"mode": "threads", "workers": 2, "fit_seconds": whole, "train_words_per_second": words / train}),
          file=out, flush=True)
    one = Word2Vec(workers=1, **dict(params, epochs=1)).fit(args.corpus)
    per_word = one.history_[0]["seconds"] / one.history_[0]["words"]
    print(json.dumps({"mode": "one thread", "seconds_per_word": per_word}), file=out, flush=True)
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None,
                      silence_logs=logging.ERROR) as cluster, Client(cluster) as client:
        for round_words in args.rounds:
            rounds = []
            began = time.perf_counter()
            model = fit_distributed(Word2Vec(**params), args.corpus, client, round_words=round_words,
                                    on_round=lambda info: rounds.append(time.perf_counter()))
            whole = time.perf_counter() - began
            words = sum(h["words"] for h in model.history_)
            train = sum(h["seconds"] for h in model.history_)
            n_rounds = sum(h["rounds"] for h in model.history_)
            gaps = sorted(b - a for a, b in zip(rounds, rounds[1:]))
            print(json.dumps({
                "mode": "local-cluster", "workers": 2, "round": round_words, "fit_seconds": whole,
                "train_words_per_second": words / train, "rounds": n_rounds,
                "bytes_per_round": sum(h["bytes_exchanged"] for h in model.history_) / n_rounds,
                "median_round_seconds": gaps[len(gaps) // 2] if gaps else None}), file=out, flush=True)
        print(json.dumps({"mode": "scheduler", "seconds_per_task": _task_seconds(client),
                          "seconds_per_peer_call": _peer_call_seconds(client)}), file=out, flush=True)
    print(json.dumps({"mode": "balance", "seconds_per_round": _balance_seconds(model)}), file=out, flush=True)


def _balance_seconds(model, workers: int = 8, repeats: int = 20) -> float:
    """A worker's own seconds per round for skip-gram's balance of its two matrices (at more than 4
    workers, :mod:`w2v.distributed.balance`), at this model's size: the start of a round, the drift
    of the block it combines, and the restoring. Timed here on the trained matrices, with every row
    changed by every worker (the bound: most rows of both matrices change in every round)."""
    import numpy as np

    from w2v.distributed import balance

    h, c = model._input.copy(), model._layer.weights.copy()
    rows_h, rows_c = np.arange(len(h), dtype=np.int32), np.arange(len(c), dtype=np.int32)
    mine_h, mine_c = rows_h[rows_h % workers == 0], rows_c[rows_c % workers == 0]
    parts = [{"input": (mine_h, h[mine_h] * np.float32(1e-3)), "output": (mine_c, c[mine_c] * np.float32(1e-3))}
             for _ in range(workers)]
    blocks = [{"input": (rows_h, h.copy()), "output": (rows_c, c.copy())}]
    began = time.perf_counter()
    for _ in range(repeats):
        start = balance.at_start(h, c)
        drift = balance.replicas_drift(start, parts, workers / 4)
        balance.restore(start, h, c, blocks, drift)
    return (time.perf_counter() - began) / repeats


def _noop(i):
    return i


def _task_seconds(client, tasks: int = 2000) -> float:
    """Seconds per small task pinned to a worker, submitted one by one as the driver submits a round's
    tasks (client and scheduler time together)."""
    from distributed import wait

    workers = sorted(client.scheduler_info()["workers"])
    best = float("inf")
    for _ in range(2):
        began = time.perf_counter()
        futures = [client.submit(_noop, i, workers=[workers[i % len(workers)]], allow_other_workers=False,
                                 pure=False) for i in range(tasks)]
        wait(futures)
        best = min(best, (time.perf_counter() - began) / tasks)
    return best


class _Echo:
    """A block server's stand-in: answers a call at once (what is left is the cost of a call)."""

    def take_block(self, i):
        return i


def _calls(server, calls: int) -> float:
    """Seconds per call of ``calls`` calls to ``server`` asked at once, as a combining worker asks."""
    began = time.perf_counter()
    for call in [server.take_block(i) for i in range(calls)]:
        call.result()
    return (time.perf_counter() - began) / calls


def _peer_call_seconds(client, calls: int = 2000) -> float:
    """Seconds per call from a task on one worker to the actor of another, as a worker fetches the
    parts of the block it combines, and the combined blocks, from the others' block servers."""
    workers = sorted(client.scheduler_info()["workers"])
    server = client.submit(_Echo, workers=[workers[1]], actor=True, pure=False).result()
    return min(client.submit(_calls, server, calls, workers=[workers[0]], pure=False).result() for _ in range(2))


def predict(path: str, workers=(8, 32, 128), gbit: float = 10.0) -> None:
    """The scaling model, from the constants a ``--speed`` run wrote to ``path`` (JSON lines).

    One round of ``r`` words per worker on ``n`` workers costs
    ``T(n) = r * c + B(r) * (beta + 1 / bandwidth) + 2 * n * tau_peer + 3 * n * tau + b``: ``c``
    seconds per word on one worker thread; ``B(r)`` bytes each worker sends and receives per round (its
    changed rows, the blocks it combines, the combined blocks), which does not grow with ``n``
    because every worker combines one block of the rows; ``beta`` a worker's own seconds per byte
    (serialising, combining, applying), measured at 2 local workers as ``(round time - r * c -
    scheduling) / B``; ``tau_peer`` the seconds per call from a worker to another's block server (a
    worker asks all ``n`` servers at once, twice a round: for its block of their changes, then for
    their combined blocks; each server answers ``2 n`` calls); ``tau`` the scheduler's seconds per
    task (a round is ``n`` training tasks, ``n`` combinations and ``n`` applications); ``b`` a
    worker's seconds per round for skip-gram's balance of its two matrices, beyond 4 workers.
    Throughput is ``n * r / T(n)``.
    """
    rows = [json.loads(line) for line in open(path)]
    c = next(r["seconds_per_word"] for r in rows if r["mode"] == "one thread")
    tau = next((r["seconds_per_task"] for r in rows if r["mode"] == "scheduler"), 0.0)
    tau_peer = next((r.get("seconds_per_peer_call", 0.0) for r in rows if r["mode"] == "scheduler"), 0.0)
    # skip-gram's balance: a worker's own time per round where the replicas train at a raised rate
    balanced = next((r["seconds_per_round"] for r in rows if r["mode"] == "balance"), 0.0)
    bandwidth = gbit * 1e9 / 8
    for r in (r for r in rows if r["mode"] == "local-cluster" and r.get("median_round_seconds")):
        b = r["bytes_per_round"] / r["workers"]
        n0 = r["workers"]
        beta = max(0.0, (r["median_round_seconds"] - r["round"] * c - 2 * n0 * tau_peer - 3 * n0 * tau) / b)
        print(f"round {r['round']:,} words: c = {c * 1e6:.3f} us/word, B = {b / 1e6:.1f} MB/worker/round, "
              f"round {r['median_round_seconds']:.2f} s, beta = {beta * 1e9:.2f} ns/byte, tau = {tau * 1e3:.2f} ms, "
              f"tau_peer = {tau_peer * 1e3:.2f} ms, balance {balanced * 1e3:.1f} ms")
        for n in workers:
            exchange = b * (beta + 1 / bandwidth)
            scheduling = 2 * n * tau_peer + 3 * n * tau
            balance = balanced if n > 4 else 0.0   # skip-gram (the --speed run) at its own rate: s > 1
            t = r["round"] * c + exchange + scheduling + balance
            # smallest round with communication and scheduling <= 20% of it
            need = 4 * (exchange + scheduling) / c
            print(f"  {n:4d} workers on {gbit:g} Gbit/s: {n * r['round'] / t / 1e6:7.2f}M words/s predicted, "
                  f"exchange {100 * exchange / t:4.0f}%, scheduling {100 * scheduling / t:4.0f}% and balance "
                  f"{100 * balance / t:3.0f}% of a round; <= 20% needs rounds of {need / 1e6:.1f}M words")


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0],
                                formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    p.add_argument("corpus", help="training text, one sentence per line (a path every worker sees)")
    p.add_argument("--questions", required=True, help="analogy questions (questions-words.txt format)")
    p.add_argument("--wordsim", required=True, help="WS-353 word pairs (tab-separated)")
    p.add_argument("--workers", type=int, nargs="+", default=[1, 2, 4, 8])
    p.add_argument("--rounds", type=int, nargs="+", default=[50_000, 200_000], help="words per worker per round")
    p.add_argument("--archs", nargs="+", default=["skipgram", "cbow"], choices=["skipgram", "cbow"])
    p.add_argument("--rule", default="scaled", help="combination rule of the rounds")
    p.add_argument("--no-single", action="store_true", help="skip the single-process baseline")
    p.add_argument("--epochs", type=int, default=5)
    p.add_argument("--seed", type=int, default=1, help="seed of every run (single-process and distributed)")
    p.add_argument("--no-spark", action="store_true", help="skip Spark's once-per-epoch rule")
    p.add_argument("--in-process", action="store_true",
                   help="run the workers one after another in this process (same vectors, no Dask; faster "
                        "on a small machine, for quality only)")
    p.add_argument("--speed", action="store_true", help="time --local-cluster 2 against 2 threads instead")
    p.add_argument("--json", default=None, help="also append one JSON line per run to this file")
    p.add_argument("--predict", default=None, metavar="SPEED_JSONL",
                   help="print the scaling model's predictions from a --speed run's JSON lines and exit")
    args = p.parse_args(argv)
    if args.predict:
        predict(args.predict)
        return 0
    out = open(args.json, "a") if args.json else open("/dev/null", "w")
    with out:
        (speed if args.speed else quality)(args, out if args.json else sys.stdout)
    return 0


if __name__ == "__main__":
    sys.exit(main())

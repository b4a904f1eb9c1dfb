"""Skip-gram + negative sampling: per-pair updates against shared negatives, quality side by side.

    python scripts/compare_shared_negatives.py --seeds 1 2 3 --tokens 100000 300000
    python scripts/compare_shared_negatives.py --seeds 1 2 3 --corpus ../shared/data/brown.txt

For each seed, one model per update rule is trained with the same settings (one worker, so that a
seed fixes the run) on the generated demo corpus at each ``--tokens`` size (scored on its own
analogy questions) and, with ``--corpus``, on a real text file (scored on the bundled Google
analogies at 30k words and WordSim-353). The table shows what decides the default of
``Word2Vec(shared_negatives=...)`` for skip-gram + negative sampling; on the benchmark corpus with
two workers, ``scripts/benchmark.py --configs sg-ns --no-gensim [--shared-negatives] --seed S`` gives
the same comparison with whole-process timings.
"""
from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

from w2v import Word2Vec
from w2v.corpus.demo import write_demo_corpus
from w2v.evaluate import evaluate_analogies, evaluate_word_pairs


def _train(corpus: Path, shared: bool, seed: int, epochs: int, workers: int) -> tuple[Word2Vec, float]:
    began = time.perf_counter()
    model = Word2Vec(architecture="skipgram", objective="negative", shared_negatives=shared, seed=seed,
                     epochs=epochs, workers=workers, progress=False).fit(str(corpus))
    return model, time.perf_counter() - began


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    p.add_argument("--seeds", type=int, nargs="+", default=[1, 2, 3])
    p.add_argument("--tokens", type=int, nargs="*", default=[100_000, 300_000],
                   help="demo corpus sizes (generated with the same seed as training)")
    p.add_argument("--corpus", type=Path, default=None, help="a real text file, scored on Google analogies + WS-353")
    p.add_argument("--epochs", type=int, default=5)
    p.add_argument("--workers", type=int, default=1)
    args = p.parse_args(argv)

    print(f"{'corpus':<22} {'seed':>4}  {'per-pair':>18}  {'shared':>18}  {'seconds pp/sh':>14}")
    with tempfile.TemporaryDirectory() as tmp:
        for n_tokens in args.tokens:
            for seed in args.seeds:
                folder = Path(tmp, f"demo-{n_tokens}-{seed}")
                corpus, questions = write_demo_corpus(folder, n_tokens=n_tokens, seed=seed)
                scores, seconds = [], []
                for shared in (False, True):
                    model, took = _train(corpus, shared, seed, args.epochs, args.workers)
                    result = evaluate_analogies(model.wv_, questions, restrict_vocab=len(model.wv_))
                    scores.append(f"{result.accuracy:.3f}")
                    seconds.append(took)
                print(f"{'demo ' + str(n_tokens):<22} {seed:>4}  {scores[0]:>18}  {scores[1]:>18}  "
                      f"{seconds[0]:>6.1f}/{seconds[1]:<6.1f}", flush=True)
        if args.corpus is not None:
            for seed in args.seeds:
                scores, seconds = [], []
                for shared in (False, True):
                    model, took = _train(args.corpus, shared, seed, args.epochs, args.workers)
                    analogy = evaluate_analogies(model.wv_, restrict_vocab=30_000).accuracy
                    pairs = evaluate_word_pairs(model.wv_).spearman
                    scores.append(f"{analogy:.3f} / {pairs:.3f}")
                    seconds.append(took)
                print(f"{args.corpus.name[:22]:<22} {seed:>4}  {scores[0]:>18}  {scores[1]:>18}  "
                      f"{seconds[0]:>6.1f}/{seconds[1]:<6.1f}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())

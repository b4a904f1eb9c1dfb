"""Check with gensim that word2vec really learns the demo corpus's planted analogies.

Developer tool, run before (and beside) w2v's own trainers exist; gensim is not a w2v dependency::

    python scripts/check_demo_learnability.py                      # default 300k tokens
    python scripts/check_demo_learnability.py --tokens 100000 --seeds 0 1 2

For each seed and architecture (skip-gram and CBOW, both with negative sampling) it prints the
overall and per-section analogy accuracy (gensim's ``evaluate_word_analogies`` on the demo question
file), the training time, and a few nearest neighbours.
"""
from __future__ import annotations

import argparse
import logging
import sys
import tempfile
import time
from pathlib import Path

from w2v.corpus.demo import write_demo_corpus

try:
    from gensim.models import Word2Vec
    from gensim.models.word2vec import LineSentence
except ImportError:  # pragma: no cover - developer tool
    sys.exit("this script needs gensim (pip install gensim); it is not a dependency of w2v")

PROBES = ("paris", "king", "cats", "walked", "bigger")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0],
                                     formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    parser.add_argument("--tokens", type=int, default=300_000)
    parser.add_argument("--seeds", type=int, nargs="+", default=[0])
    parser.add_argument("--dim", type=int, default=100)
    parser.add_argument("--epochs", type=int, default=5)
    parser.add_argument("--window", type=int, default=5)
    parser.add_argument("--min-count", type=int, default=5)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--alpha", type=float, default=0.025, help="skip-gram starting learning rate")
    parser.add_argument("--cbow-alpha", type=float, default=0.05,
                        help="CBOW starting learning rate (word2vec.c's and w2v's CBOW default; gensim's is 0.025)")
    parser.add_argument("--neighbours", action="store_true", help="print nearest neighbours of a few words")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING)
    with tempfile.TemporaryDirectory() as tmp:
        for seed in args.seeds:
            corpus, questions = write_demo_corpus(Path(tmp) / str(seed), n_tokens=args.tokens, seed=seed)
            for name, sg, alpha in (("skipgram", 1, args.alpha), ("cbow", 0, args.cbow_alpha)):
                start = time.perf_counter()
                model = Word2Vec(LineSentence(str(corpus)), vector_size=args.dim, window=args.window,
                                 min_count=args.min_count, sg=sg, negative=5, hs=0, epochs=args.epochs,
                                 workers=args.workers, seed=seed, alpha=alpha)
                seconds = time.perf_counter() - start
                score, sections = model.wv.evaluate_word_analogies(str(questions))
                per = " ".join(f"{s['section']}={len(s['correct']) / max(1, len(s['correct']) + len(s['incorrect'])):.2f}"
                               for s in sections[:-1])
                print(f"tokens={args.tokens} seed={seed} {name:8s} vocab={len(model.wv)} "
                      f"train={seconds:.1f}s accuracy={score:.3f} | {per}")
                if args.neighbours:
                    for word in PROBES:
                        near = ", ".join(w for w, _ in model.wv.most_similar(word, topn=5))
                        print(f"    {word}: {near}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Check w2v's evaluation against gensim 4.4 on real vectors, and time the Google analogy set.

    python scripts/check_evaluation.py --corpus /work/shared/data/brown.txt \\
        --analogies /work/shared/data/questions-words.txt --pairs /work/shared/data/wordsim353.tsv

Trains gensim skip-gram quickly on the corpus (lowercased, simple regex tokens), saves the vectors
in word2vec binary, then on that same file compares ``w2v.evaluate.evaluate_analogies`` (question
count and accuracy, several ``restrict_vocab`` values, case-sensitive too) and
``evaluate_word_pairs`` (Spearman, Pearson, OOV) with gensim's ``evaluate_word_analogies`` /
``evaluate_word_pairs``, and times w2v's load + whole analogy set. gensim is needed only here.
"""
from __future__ import annotations

import argparse
import re
import sys
import tempfile
import time
from pathlib import Path

_TOKEN = re.compile(r"[a-z0-9]+(?:['-][a-z0-9]+)*")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0],
                                     formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    parser.add_argument("--corpus", required=True, type=Path, help="one sentence per line")
    parser.add_argument("--analogies", required=True, type=Path, help="questions-words file")
    parser.add_argument("--pairs", required=True, type=Path, help="WordSim-353 style TSV")
    parser.add_argument("--min-count", type=int, default=1, help="gensim min_count (1 gives ~50k words on Brown)")
    parser.add_argument("--epochs", type=int, default=3)
    parser.add_argument("--vectors", type=Path, default=None,
                        help="skip training and use this word2vec binary file")
    args = parser.parse_args(argv)
    try:
        from gensim.models import KeyedVectors as GensimKV
        from gensim.models import Word2Vec as GensimW2V
    except ImportError:
        print("this check needs gensim: pip install gensim", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory(prefix="w2v-check-") as workdir:
        return _check(args, Path(workdir), GensimKV, GensimW2V)


def _check(args, workdir: Path, GensimKV, GensimW2V) -> int:
    from w2v.evaluate import evaluate_analogies, evaluate_word_pairs
    from w2v.vectors import KeyedVectors

    path = args.vectors
    if path is None:
        with open(args.corpus, encoding="utf-8") as f:
            sentences = [_TOKEN.findall(line.lower()) for line in f]
        t = time.perf_counter()
        model = GensimW2V(sentences, vector_size=100, window=5, min_count=args.min_count, sg=1,
                          negative=5, epochs=args.epochs, workers=2, seed=1)
        print(f"gensim trained {len(model.wv)} words in {time.perf_counter() - t:.1f} s")
        path = workdir / "vectors.bin"
        model.wv.save_word2vec_format(str(path), binary=True)

    t = time.perf_counter()
    kv = KeyedVectors.load(path)
    loaded = time.perf_counter() - t
    ours = evaluate_analogies(kv, args.analogies, restrict_vocab=30000)
    total = time.perf_counter() - t
    print(f"w2v: load {len(kv)} x {kv.dim} binary {loaded:.2f} s; load + Google set at N=30000 "
          f"{total:.2f} s ({ours.questions} asked, {ours.skipped} skipped)")

    gkv = GensimKV.load_word2vec_format(str(path), binary=True)
    ok = True
    for restrict, case_insensitive in [(30000, True), (10000, True), (len(kv), True), (30000, False)]:
        t = time.perf_counter()
        score, sections = gkv.evaluate_word_analogies(str(args.analogies), restrict_vocab=restrict,
                                                      case_insensitive=case_insensitive)
        g_time = time.perf_counter() - t
        g_asked = len(sections[-1]["correct"]) + len(sections[-1]["incorrect"])
        t = time.perf_counter()
        r = evaluate_analogies(kv, args.analogies, restrict_vocab=restrict,
                               case_insensitive=case_insensitive)
        w_time = time.perf_counter() - t
        g_sections = {s["section"]: len(s["correct"]) for s in sections[:-1]}
        same = (g_asked == r.questions and abs(score - r.accuracy) < 1e-12
                and all(g_sections[name] == s.correct for name, s in r.sections.items()))
        ok &= same
        print(f"analogies N={restrict} case_insensitive={case_insensitive}: gensim {score:.6f} of "
              f"{g_asked} ({g_time:.1f} s) | w2v {r.accuracy:.6f} of {r.questions} ({w_time:.2f} s)"
              f" | {'EQUAL' if same else 'DIFFERENT'}")
    for restrict in (30000, len(kv)):
        pearson, spearman, oov = gkv.evaluate_word_pairs(str(args.pairs), restrict_vocab=restrict)
        r = evaluate_word_pairs(kv, args.pairs, restrict_vocab=restrict)
        diff = max(abs(spearman[0] - r.spearman), abs(pearson[0] - r.pearson),
                   abs(oov - 100 * r.oov_ratio))
        ok &= diff < 1e-3
        print(f"word pairs N={restrict}: gensim spearman {spearman[0]:.6f} pearson {pearson[0]:.6f} "
              f"oov {oov:.3f}% | w2v {r.spearman:.6f} {r.pearson:.6f} {100 * r.oov_ratio:.3f}% | "
              f"max diff {diff:.2e}")
    print("ALL EQUAL" if ok else "MISMATCH")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())

"""Hold ``Phrases(scoring="gensim")`` (and ``npmi``) to gensim 4's ``Phrases`` on the same corpus.

    pip install gensim
    python scripts/compare_gensim_phrases.py corpus.txt --threshold 10 --min-count 5
    python scripts/compare_gensim_phrases.py corpus.txt --scoring npmi --threshold 0.5 --connector-words english

Both read the file with white-space tokenization (gensim's ``LineSentence``, w2v's white-space
tokenizer). The script compares gensim's ``export_phrases()`` (phrase -> score) with w2v's phrase
table: the two phrase sets, the largest score difference, and the vocabulary sizes, and times both
fits. Exit status 1 if the sets differ.
"""
from __future__ import annotations

import argparse
import json
import sys
import time


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("corpus")
    parser.add_argument("--scoring", choices=("gensim", "npmi"), default="gensim")
    parser.add_argument("--threshold", type=float, default=10.0)
    parser.add_argument("--min-count", type=int, default=5)
    parser.add_argument("--connector-words", choices=("none", "english"), default="none")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()

    from gensim.models.phrases import ENGLISH_CONNECTOR_WORDS
    from gensim.models.phrases import Phrases as GensimPhrases
    from gensim.models.word2vec import LineSentence

    from w2v.corpus import LineCorpus, Tokenizer
    from w2v.corpus.phrases import Phrases

    connectors = ENGLISH_CONNECTOR_WORDS if args.connector_words == "english" else frozenset()
    start = time.perf_counter()
    theirs = GensimPhrases(LineSentence(args.corpus), min_count=args.min_count, threshold=args.threshold,
                           scoring="default" if args.scoring == "gensim" else "npmi", connector_words=connectors)
    gensim_phrases = theirs.export_phrases()
    gensim_seconds = time.perf_counter() - start

    start = time.perf_counter()
    ours = Phrases(min_count=args.min_count, threshold=args.threshold, scoring=args.scoring,
                   connector_words=sorted(connectors) or None, workers=args.workers)
    ours.fit(LineCorpus(args.corpus, tokenizer=Tokenizer.whitespace()))
    w2v_seconds = time.perf_counter() - start
    w2v_phrases = {p: s for p, _, s in ours.phrase_table()}

    only_gensim = sorted(set(gensim_phrases) - set(w2v_phrases))
    only_w2v = sorted(set(w2v_phrases) - set(gensim_phrases))
    common = set(gensim_phrases) & set(w2v_phrases)
    worst = max((abs(gensim_phrases[p] - w2v_phrases[p]) / max(abs(gensim_phrases[p]), 1e-300) for p in common),
                default=0.0)
    report = {
        "scoring": args.scoring, "threshold": args.threshold, "min_count": args.min_count,
        "connector_words": args.connector_words,
        "gensim": {"phrases": len(gensim_phrases), "vocabulary_size": len(theirs.vocab),
                   "corpus_word_count": theirs.corpus_word_count, "fit_seconds": round(gensim_seconds, 2)},
        "w2v": {"phrases": len(w2v_phrases), "vocabulary_size": ours.tables_[0].vocabulary_size,
                "corpus_word_count": ours.tables_[0].total_words, "fit_seconds": round(w2v_seconds, 2)},
        "identical_sets": not only_gensim and not only_w2v,
        "max_relative_score_difference": worst,
        "only_gensim": only_gensim[:20], "only_w2v": only_w2v[:20],
    }
    if args.json:
        print(json.dumps(report, indent=2, ensure_ascii=False))
    else:
        for name in ("gensim", "w2v"):
            r = report[name]
            print(f"{name:>7}: {r['phrases']:,} phrases, vocabulary size {r['vocabulary_size']:,}, "
                  f"{r['corpus_word_count']:,} words, fit {r['fit_seconds']} s")
        print(f"identical phrase sets: {report['identical_sets']}; largest relative score difference {worst:.3g}")
        if only_gensim or only_w2v:
            print(f"only gensim ({len(only_gensim)}): {only_gensim[:20]}")
            print(f"only w2v ({len(only_w2v)}): {only_w2v[:20]}")
    return 0 if report["identical_sets"] else 1


if __name__ == "__main__":
    sys.exit(main())

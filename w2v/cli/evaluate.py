"""``w2v evaluate``: analogy accuracy and word-pair correlation of a vector file.

    w2v evaluate vectors.bin                          # bundled Google analogies + WordSim-353
    w2v evaluate vectors.bin --restrict-vocab 50000 --mul --json

Same numbers as gensim's ``evaluate_word_analogies`` / ``evaluate_word_pairs`` on the same file
(word2vec.c's ``compute-accuracy`` uses the same N = 30,000 default).
"""
from __future__ import annotations

from pathlib import Path

from w2v.cli._args import HelpFormatter, positive_int, print_json, side_file
from w2v.fileio import shown_name


def register(subparsers) -> None:
    """Add ``evaluate`` to the ``w2v`` parser."""
    p = subparsers.add_parser(
        "evaluate", help="analogy accuracy and word-pair (WordSim-353) correlation",
        formatter_class=HelpFormatter,
        description="Evaluate word vectors on analogy questions (questions-words format; "
                    "word2vec.c: compute-accuracy) and on word pairs with human similarity scores.")
    p.add_argument("model", help="vector file (w2v native, word2vec binary or text)")
    p.add_argument("--analogies", type=side_file("--analogies"), default=None,
                   help="questions-words file, plain or .gz/.bz2/.xz (default: the bundled Google analogy set)")
    p.add_argument("--pairs", type=side_file("--pairs"), default=None,
                   help="word1<TAB>word2<TAB>score file, plain or .gz/.bz2/.xz (default: the bundled WordSim-353)")
    p.add_argument("--restrict-vocab", type=positive_int, default=30000,
                   help="only the N most frequent words count, as question words and as answers")
    p.add_argument("--mul", action="store_true", help="answer analogies by 3CosMul instead of 3CosAdd")
    p.add_argument("--json", action="store_true",
                   help='print {"analogy": {...}, "pairs": {...}} instead of a table')
    p.set_defaults(func=_evaluate)


def _evaluate(args) -> int:
    from w2v.evaluate import EvaluationError, EvaluationFileError, evaluate_analogies, evaluate_word_pairs
    from w2v.vectors import KeyedVectors

    kv = KeyedVectors.load(args.model)
    # Each evaluation may fail alone (no question or pair in vocabulary): report the other one.
    results, failures = {}, {}
    for key, run in (("analogy", lambda: evaluate_analogies(kv, args.analogies, restrict_vocab=args.restrict_vocab,
                                                             method="mul" if args.mul else "add")),
                     ("pairs", lambda: evaluate_word_pairs(kv, args.pairs, restrict_vocab=args.restrict_vocab))):
        try:
            results[key] = run()
        except EvaluationError as err:
            # a file that cannot be used is an input error; a usable file whose words the vectors
            # lack is a result ("unavailable"), as long as the other evaluation has one
            if failures or isinstance(err, EvaluationFileError):
                raise
            failures[key] = str(err)
    if args.json:
        out = {key: results[key].to_dict() if key in results else {"error": failures[key]}
               for key in ("analogy", "pairs")}
        print_json(out, indent=2)
    else:
        _print_table(args, results, failures)
    return 0


def _print_table(args, results, failures) -> None:
    from w2v.data import ANALOGIES, WORD_PAIRS

    name = shown_name(Path(args.analogies).name) if args.analogies else f"{ANALOGIES} (bundled)"
    if "analogy" in results:
        _print_analogies(name, results["analogy"])
    else:
        print(f"analogies: {name}: unavailable ({failures['analogy']})")
    name = shown_name(Path(args.pairs).name) if args.pairs else f"{WORD_PAIRS} (bundled)"
    if "pairs" not in results:
        print(f"word pairs: {name}: unavailable ({failures['pairs']})")
        return
    pairs = results["pairs"]
    print(f"word pairs: {name}, {pairs.restrict_vocab} most frequent words")
    if pairs.spearman is None:
        scores = f"spearman n/a  pearson n/a ({pairs.reason})"
    else:
        scores = f"spearman {pairs.spearman:.4f}  pearson {pairs.pearson:.4f}"
    print(f"  {scores}  pairs {pairs.pairs}  "
          f"out of vocabulary {pairs.oov} ({100 * pairs.oov_ratio:.1f}%)")
    if pairs.malformed:
        print(f"  {pairs.malformed} malformed lines skipped")


def _print_analogies(name, analogy) -> None:
    method = "3CosMul" if analogy.method == "mul" else "3CosAdd"
    print(f"analogies: {name}, {method}, {analogy.restrict_vocab} most frequent words")
    width = max([len(s) for s in analogy.sections] + [len("syntactic")])
    print(f"  {'section':<{width}}  accuracy  correct /  asked  skipped")
    for section, s in analogy.sections.items():
        print(f"  {section:<{width}}  {100 * s.accuracy:7.2f}%  {s.correct:7d} / {s.questions:6d}  {s.skipped:7d}")
    for label, value in (("semantic", analogy.semantic_accuracy), ("syntactic", analogy.syntactic_accuracy)):
        if value is not None:
            print(f"  {label:<{width}}  {100 * value:7.2f}%")
    print(f"  {'total':<{width}}  {100 * analogy.accuracy:7.2f}%  {analogy.correct:7d} / "
          f"{analogy.questions:6d}  {analogy.skipped:7d}")
    if analogy.malformed:
        print(f"  {analogy.malformed} malformed lines skipped")

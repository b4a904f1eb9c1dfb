"""``w2v classes VECTORS -k K``: word classes by cosine k-means (word2vec.c's ``-classes``).

    w2v classes vectors.bin -k 500 -o classes.txt            # "word class_id" per line
    w2v classes vectors.bin -k 50 --restrict-vocab 10000 --json

Without ``-o`` the classes file goes to stdout; with ``--json`` the classes are printed as
JSON, each with its size and its most central words.
"""
from __future__ import annotations

import sys

from w2v.cli import _safety
from w2v.cli._args import STDIO, HelpFormatter, non_negative_int, output_file, positive_int, print_json
from w2v.errors import W2VError
from w2v.fileio import shown_name


def register(subparsers) -> None:
    """Add ``classes`` to the ``w2v`` parser."""
    p = subparsers.add_parser(
        "classes", help="word classes by cosine k-means (word2vec.c: -classes)",
        formatter_class=HelpFormatter,
        description="Cluster the words of VECTORS into K classes by k-means on unit vectors (cosine), "
                    "seeded by k-means++, and write one 'word class_id' line per word in vocabulary "
                    "order, as word2vec.c's -classes does.")
    p.add_argument("model", metavar="VECTORS", help="vector file (w2v native, word2vec binary or text, GloVe)")
    p.add_argument("-k", "--classes", type=positive_int, required=True, metavar="K", help="number of classes [-classes]")
    p.add_argument("-o", "--output", type=output_file("classes file"), default=None, metavar="FILE",
                   help="classes file to write, - for stdout (default: stdout)")
    p.add_argument("--iterations", type=positive_int, default=10,
                   help="most k-means iterations; stops earlier when no word changes class")
    p.add_argument("--restrict-vocab", type=positive_int, default=None, metavar="N",
                   help="cluster only the N most frequent words; default: all")
    p.add_argument("--seed", type=non_negative_int, default=1, help="seed of the k-means++ draw")
    p.add_argument("--json", action="store_true",
                   help="print the classes with their sizes and most central words as JSON")
    p.add_argument("--top", type=positive_int, default=10, help="central words per class in --json output")
    p.set_defaults(func=handle)


def handle(args) -> int:
    """Cluster, write the classes file, print a summary (or the JSON) on stdout."""
    from w2v.clusters import cluster_vectors
    from w2v.vectors import KeyedVectors

    if args.output == STDIO:
        if args.json:
            raise W2VError("--json and -o (standard output) would both write there: choose one")
        args.output = None  # the classes file on stdout, as without -o
    _safety.refuse_overwrite({"MODEL": args.model}, {"-o": args.output})
    kv = KeyedVectors.load(args.model)
    classes = cluster_vectors(kv, args.classes, iterations=args.iterations,
                              restrict_vocab=args.restrict_vocab, seed=args.seed)
    if args.output is not None:
        with _safety.writing(args.output, "word classes"):
            classes.save(args.output)
    if args.json:
        out = classes.to_dict(args.top)
        out["restrict_vocab"] = args.restrict_vocab
        print_json(out)
    elif args.output is None:
        sys.stdout.writelines(classes.lines())
    else:
        print(f"wrote {shown_name(args.output)}: {len(classes.words)} words in {classes.k} classes, "
              f"mean cosine to the own centroid {classes.mean_similarity:.4f} "
              f"after {classes.iterations} iterations")
    return 0

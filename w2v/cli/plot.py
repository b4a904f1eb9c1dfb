"""``w2v plot VECTORS [WORDS ...] -o map.png``: a labelled 2-D map of words (PCA or t-SNE).

    w2v plot vectors.bin --top 200 -o map.png                       # the 200 most frequent words
    w2v plot vectors.bin paris france rome italy man woman -o map.svg
    w2v plot vectors.bin --neighbors king -n 20 --method tsne --classes 5 -o king.pdf

Needs the optional extra: ``pip install 'w2v[plot]'`` (matplotlib; scikit-learn for t-SNE).
"""
from __future__ import annotations

import argparse
import re

from w2v.cli import _safety
from w2v.cli._args import (HelpFormatter, add_json_option, non_negative_int, output_path, positive_int, print_json,
                           side_file)
from w2v.fileio import shown_name

_SIZE = re.compile(r"^(\d+)x(\d+)$")


def image_size(text: str) -> tuple[int, int]:
    """``WIDTHxHEIGHT`` in pixels, each between 100 and 10000."""
    match = _SIZE.match(text)
    if not match or not all(100 <= int(v) <= 10_000 for v in match.groups()):
        raise argparse.ArgumentTypeError(f"expected WIDTHxHEIGHT in pixels (100 to 10000 each), got {text!r}")
    return int(match.group(1)), int(match.group(2))


def register(subparsers) -> None:
    """Add ``plot`` to the ``w2v`` parser."""
    p = subparsers.add_parser(
        "plot", help="draw words on a labelled 2-D map (PCA or t-SNE) as PNG, SVG or PDF",
        formatter_class=HelpFormatter,
        description="Project the unit vectors of the chosen words to 2-D and draw them as labelled "
                    "points, coloured by class with --classes. Words: those given, plus --top N most "
                    "frequent, plus --neighbors W and its -n nearest (default: --top 100). "
                    "Needs pip install 'w2v[plot]'.")
    p.add_argument("model", metavar="VECTORS", help="vector file (w2v native, word2vec binary or text, GloVe)")
    p.add_argument("words", nargs="*", metavar="WORD", help="words to draw")
    p.add_argument("-o", "--output", type=output_path, required=True, metavar="IMAGE",
                   help="picture to write: .png, .svg or .pdf")
    p.add_argument("--top", type=positive_int, default=None, metavar="N", help="also draw the N most frequent words")
    p.add_argument("--neighbors", action="append", default=[], metavar="W",
                   help="also draw W and its nearest words (repeatable)")
    p.add_argument("-n", "--topn", type=positive_int, default=20, help="neighbours drawn per --neighbors word")
    p.add_argument("--method", choices=("pca", "tsne"), default="pca",
                   help="projection: PCA (built in) or t-SNE (scikit-learn)")
    colour = p.add_mutually_exclusive_group()
    colour.add_argument("--classes", type=positive_int, default=None, metavar="K",
                        help="colour the words by K classes (cosine k-means of the drawn words)")
    colour.add_argument("--classes-file", type=side_file("--classes-file"), default=None, metavar="FILE",
                        help="colour the words by the classes of a 'word class_id' file (w2v classes, "
                             "word2vec.c -classes)")
    p.add_argument("--seed", type=non_negative_int, default=1, help="seed of t-SNE and k-means")
    p.add_argument("--size", type=image_size, default="1200x900", metavar="WxH", help="picture size in pixels")
    p.add_argument("--title", default=None, help="title above the map; default: one saying what is drawn")
    add_json_option(p, "what was drawn")
    p.set_defaults(func=handle)


def handle(args) -> int:
    """Pick the words, draw, write the picture."""
    from w2v.plot import image_format, new_figure, plot_words, save_figure
    from w2v.extras import require

    _safety.refuse_overwrite({"MODEL": args.model, "--classes-file": args.classes_file}, {"-o": args.output})
    image_format(args.output)
    require("matplotlib", "plotting")
    if args.method == "tsne":
        require("sklearn.manifold", "t-SNE")
    from w2v.vectors import KeyedVectors

    kv = KeyedVectors.load(args.model)
    words = list(args.words)
    if args.top is not None or not (words or args.neighbors):
        words += kv.words[:args.top or 100]
    for word in args.neighbors:
        words.append(word)
        words += [w for w, _ in kv.most_similar(word, topn=args.topn)]
    words = list(dict.fromkeys(words))
    classes = args.classes
    if args.classes_file is not None:
        from w2v.clusters import read_classes

        classes = read_classes(args.classes_file)
    fig, ax = new_figure(args.size)
    fig.subplots_adjust(left=0.03, right=0.98, bottom=0.03, top=0.95)  # before labels are placed
    plot_words(kv, words, method=args.method, ax=ax, classes=classes, seed=args.seed, title=args.title)
    with _safety.writing(args.output, "picture"):
        save_figure(fig, args.output)
    if args.classes is not None:
        args.classes = min(args.classes, len(words))  # what plot_words drew: at most one class per word
    if args.json:
        print_json({"output": str(args.output), "words": words, "method": args.method,
                    "classes": args.classes, "classes_file": None if args.classes_file is None
                    else str(args.classes_file)})
        return 0
    print(f"wrote {shown_name(args.output)}: {len(words)} words, {args.method}"
          + (f", {args.classes} classes" if args.classes else "")
          + (f", classes of {shown_name(args.classes_file)}" if args.classes_file else ""))
    return 0

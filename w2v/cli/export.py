"""``w2v export VECTORS``: convert vectors to another format, or write Embedding Projector files.

    w2v export vectors.bin -o vectors.txt --format glove        # GloVe's header-less text
    w2v export glove.6B.100d.txt -o glove.bin --format binary   # word2vec.c binary
    w2v export vectors.bin --projector projector/ --classes 50  # tensors.tsv, metadata.tsv, config

Any vector file that the query commands read is accepted (w2v native, word2vec binary or text,
fastText .vec, GloVe text; the format is detected from the content).
"""
from __future__ import annotations

import argparse
import os
import sys

from w2v.cli import _safety
from w2v.cli._args import (STDIO, HelpFormatter, add_json_option, non_negative_int, output_file, positive_int,
                           print_json, side_file, write_output)
from w2v.errors import W2VError
from w2v.fileio import shown_name


def register(subparsers) -> None:
    """Add ``export`` to the ``w2v`` parser."""
    p = subparsers.add_parser(
        "export", help="convert vectors (word2vec, GloVe, native) or write Embedding Projector files",
        formatter_class=HelpFormatter,
        description="Write VECTORS in another format (-o OUT --format F) and/or as TensorBoard Embedding "
                    "Projector files (--projector DIR: tensors.tsv, metadata.tsv with word and count, "
                    "projector_config.pbtxt).")
    p.add_argument("model", metavar="VECTORS", help="vector file (w2v native, word2vec binary or text, GloVe)")
    p.add_argument("-o", "--output", type=output_file("output"), default=None, metavar="OUT",
                   help="converted vector file ('-': standard output, text unless --format)")
    p.add_argument("--format", choices=("glove", "text", "binary", "native"), default=None,
                   help="format of OUT: GloVe text (no header), word2vec text or binary, w2v native .npz "
                        "(default: from OUT's extension: .npz native, .bin binary, .txt/.vec and other names text)")
    p.add_argument("--projector", type=_projector_folder, default=None, metavar="DIR",
                   help="write Embedding Projector files into DIR (created if missing)")
    column = p.add_mutually_exclusive_group()
    column.add_argument("--classes", type=positive_int, default=None, metavar="K",
                        help="projector: add a class column from cosine k-means into K classes")
    column.add_argument("--classes-file", type=side_file("--classes-file"), default=None, metavar="FILE",
                        help="projector: add the class column of a 'word class_id' file")
    p.add_argument("--restrict-vocab", type=positive_int, default=None, metavar="N",
                   help="export only the N most frequent words; default: all")
    p.add_argument("--seed", type=non_negative_int, default=1, help="seed of the k-means for --classes")
    add_json_option(p, "the files written")
    p.set_defaults(func=handle)


def _projector_folder(text: str):
    from pathlib import Path

    path = Path(text)
    if path.exists() and not path.is_dir():
        raise argparse.ArgumentTypeError(f"{text!r} is a file; give a folder for the projector files")
    parent = path.parent if str(path.parent) else Path(".")
    if not parent.is_dir():
        raise argparse.ArgumentTypeError(f"folder {str(parent)!r} does not exist; create it first")
    return path


def handle(args) -> int:
    """Read, then write what was asked."""
    from w2v.vectors import KeyedVectors, format_for_path

    if args.json and args.output == STDIO:
        raise W2VError("--json and -o (standard output) would both write there: choose one")
    if args.output is None and args.projector is None:
        raise W2VError("nothing to do: give -o OUT (with --format) and/or --projector DIR")
    if (args.classes is not None or args.classes_file is not None) and args.projector is None:
        raise W2VError("--classes adds a column to the projector files: give --projector DIR too")
    from w2v.export import PROJECTOR_FILES

    # --projector names a folder, but each of the files written in it may be an input
    projector = {} if args.projector is None else {
        f"--projector's {name}": os.path.join(args.projector, name) for name in PROJECTOR_FILES}
    _safety.refuse_overwrite({"MODEL": args.model, "--classes-file": args.classes_file},
                             {"-o": args.output, **projector})
    to_stdout = args.output == STDIO
    if args.output is not None:
        # the name is checked with --format too (a .gz name is refused), before anything is read
        by_name = "text" if to_stdout else format_for_path(args.output, default="text")
        fmt = args.format or by_name
    kv = KeyedVectors.load(args.model, limit=args.restrict_vocab)
    report = {"words": len(kv), "dim": kv.dim, "output": None, "format": None, "projector": None}
    if args.output is not None:
        name = "standard output" if to_stdout else str(args.output)
        with _safety.writing(args.output, "vectors"):
            write_output(args.output, lambda path: kv.save(path, format=fmt))
        report.update(output=name, format=fmt)
        if not args.json:
            # with -o -, stdout holds the vectors: the summary goes to stderr
            print(f"wrote {shown_name(name)} ({fmt}): {len(kv)} words x {kv.dim} dims",
                  file=sys.stderr if to_stdout else sys.stdout)
    if args.projector is not None:
        from w2v.export import write_projector

        classes = None
        if args.classes is not None:
            classes = kv.cluster(min(args.classes, len(kv)), seed=args.seed)
        elif args.classes_file is not None:
            from w2v.clusters import read_classes

            classes = read_classes(args.classes_file)
        with _safety.writing(args.projector, "projector files in"):
            write_projector(kv, args.projector, classes=classes)
        report["projector"] = str(args.projector)
        if not args.json:
            print(f"wrote {shown_name(args.projector)}/tensors.tsv, metadata.tsv, projector_config.pbtxt: "
              f"{len(kv)} words x {kv.dim} dims" + (", with a class column" if classes is not None else ""))
    if args.json:
        print_json(report)
    return 0

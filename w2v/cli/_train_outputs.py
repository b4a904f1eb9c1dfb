"""What ``w2v train`` can write beside the vectors: word classes, training curves, per-epoch accuracy.

    w2v train corpus.txt -o vectors.bin --classes 500               # also vectors.classes.txt
    w2v train corpus.txt -o vectors.bin --evaluate-every-epoch --plot-history curves.png

Kept apart from ``cli/train.py`` so the training options stay readable: :func:`add_options`
adds the flags, :func:`check` fails fast (before any text is read) when the plot extra is
missing or an image name has no known extension, :func:`callbacks` gives the per-epoch
evaluation, and :func:`write` writes the extra files after the vectors.
"""
from __future__ import annotations

import sys
from pathlib import Path

from w2v.cli._args import output_path, positive_int, side_file
from w2v.cli._safety import writing
from w2v.fileio import shown_name


def add_options(p) -> None:
    """Add ``--classes``, ``--classes-output``, ``--evaluate-every-epoch``, ``--questions``, ``--plot-history``."""
    p.add_argument("--classes", type=positive_int, default=None, metavar="K",
                   help="also write K word classes (cosine k-means), one 'word class_id' line per word, "
                        "to OUT's name with .classes.txt (K above the vocabulary: one class per word, with a "
                        "warning) [-classes; word2vec.c writes them instead of the vectors]")
    p.add_argument("--classes-output", type=output_path, default=None, metavar="FILE",
                   help="where --classes writes; default: OUT with its extension replaced by .classes.txt")
    p.add_argument("--evaluate-every-epoch", action="store_true",
                   help="record the analogy accuracy after every epoch (in the history and the state)")
    p.add_argument("--questions", type=side_file("--questions", pipes=False), default=None, metavar="FILE",
                   help="questions-words file for --evaluate-every-epoch; default: the bundled Google set")
    p.add_argument("--plot-history", type=output_path, default=None, metavar="IMAGE",
                   help="draw loss, words/s (and accuracy) per epoch into IMAGE (.png/.svg/.pdf; "
                        "needs pip install 'w2v[plot]')")


def classes_path(args) -> Path:
    """Where ``--classes`` writes: ``--classes-output`` or OUT with ``.classes.txt`` for its extension."""
    if args.classes_output is not None:
        return Path(args.classes_output)
    out = Path(args.output)
    return out.with_name(out.stem + ".classes.txt") if out.suffix else out.with_name(out.name + ".classes.txt")


def check(args) -> None:
    """Raise a one-line error now for what would fail after training."""
    from w2v.errors import W2VError

    if args.classes_output is not None and args.classes is None:
        raise W2VError("--classes-output needs --classes K")
    if args.questions is not None and not args.evaluate_every_epoch:
        raise W2VError("--questions is the question file of --evaluate-every-epoch: give that flag too")
    if args.classes is not None and classes_path(args).resolve() == Path(args.output).resolve():
        raise W2VError("--classes-output is the vector file: choose another name")
    if args.plot_history is not None:
        from w2v.plot import image_format
        from w2v.extras import require

        image_format(args.plot_history)
        require("matplotlib", "plotting")


def callbacks(args) -> list:
    """The per-epoch callbacks the options ask for."""
    if not args.evaluate_every_epoch:
        return []
    from w2v.evaluate import EvaluateEveryEpoch

    return [EvaluateEveryEpoch(args.questions)]


#: the names under which :func:`write` adds its files to ``written``
EXTRA_OUTPUTS = ("word classes", "plot")


def write(model, args, failures: list | None = None, written: dict | None = None) -> list[str]:
    """Write the classes and the curves the options ask for; returns one summary line per file.

    With ``failures``, a file that cannot be written adds its one-line error there and the next
    file is still written; without it, the error is raised. With ``written``, each file is added to
    it as it is written (``{"word classes": path, "plot": path}``).
    """
    from w2v.errors import W2VError

    lines = []
    if args.evaluate_every_epoch and model.history_:
        accuracy = model.history_[-1].get("analogy_accuracy")
        if accuracy is not None:
            lines.append("analogy accuracy per epoch: "
                         + ", ".join(f"{r.get('analogy_accuracy') or 0:.4f}" for r in model.history_))
    classes, plot = EXTRA_OUTPUTS
    for what, path, write_one in ((classes, args.classes is not None and classes_path(args), _write_classes),
                                  (plot, args.plot_history, _write_plot)):
        if not path:
            continue
        try:
            lines.append(write_one(model, args))
            if written is not None:
                written[what] = path
        except W2VError as err:
            if failures is None:
                raise
            failures.append(err)
    return lines


def _write_classes(model, args) -> str:
    path = classes_path(args)
    words = len(model.wv_)
    if args.classes > words:
        # word2vec.c ends up with one word per class too; an error here would throw the run away
        print(f"w2v train: warning: --classes {args.classes} > {words} words: one class per word", file=sys.stderr)
    classes = model.wv_.cluster(min(args.classes, words), seed=args.seed)
    with writing(path, "word classes"):
        classes.save(path)
    return (f"wrote {shown_name(path)}: {len(classes.words)} words in {classes.k} classes "
            f"(mean cosine to the own centroid {classes.mean_similarity:.4f})")


def _write_plot(model, args) -> str:
    from w2v.cli.plot_history import write_history_plot

    with writing(args.plot_history, "plot"):
        write_history_plot(model.history_, args.plot_history)
    return f"wrote {shown_name(args.plot_history)}: training curves of {len(model.history_)} epochs"

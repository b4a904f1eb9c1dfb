"""``w2v plot-history STATE -o curves.png``: loss, words/s and analogy accuracy per epoch.

    w2v train corpus.txt -o vectors.bin --save-state run.npz --evaluate-every-epoch
    w2v plot-history run.npz -o curves.png

STATE is a trainer state saved by ``w2v train --save-state``. Needs ``pip install 'w2v[plot]'``.
"""
from __future__ import annotations

from w2v.cli import _safety
from w2v.cli._args import HelpFormatter, add_json_option, print_json, existing_path, output_path
from w2v.cli.plot import image_size
from w2v.fileio import shown_name


def register(subparsers) -> None:
    """Add ``plot-history`` to the ``w2v`` parser."""
    p = subparsers.add_parser(
        "plot-history", help="draw the training curves kept in a trainer state",
        formatter_class=HelpFormatter,
        description="Draw the loss and words/s per epoch (and the analogy accuracy, when training "
                    "ran with --evaluate-every-epoch) saved in STATE. Needs pip install 'w2v[plot]'.")
    p.add_argument("state", type=existing_path, metavar="STATE", help="trainer state (w2v train --save-state)")
    p.add_argument("-o", "--output", type=output_path, required=True, metavar="IMAGE",
                   help="picture to write: .png, .svg or .pdf")
    p.add_argument("--size", type=image_size, default=None, metavar="WxH",
                   help="picture size in pixels; default: 900 wide, 300 per panel")
    add_json_option(p, "what was drawn")
    p.set_defaults(func=handle)


def handle(args) -> int:
    """Read the history, draw it, write the picture."""
    from w2v.curves import read_history

    _safety.refuse_overwrite({"STATE": args.state}, {"-o": args.output})
    history = read_history(args.state)
    write_history_plot(history, args.output, args.size)
    if args.json:
        print_json({"output": str(args.output), "epochs": len(history)})
    else:
        print(f"wrote {shown_name(args.output)}: {len(history)} epochs")
    return 0


def write_history_plot(history, path, size=None) -> None:
    """Draw ``history`` (``Word2Vec.history_`` records) into the picture ``path``."""
    from w2v.curves import history_panels, plot_history
    from w2v.plot import image_format, new_figure, save_figure
    from w2v.extras import require

    image_format(path)
    require("matplotlib", "plotting")
    panels = history_panels(history)
    fig, axes = new_figure(size or (900, 300 * panels), rows=panels, sharex=True)
    plot_history(history, axes)
    fig.tight_layout()
    save_figure(fig, path)

"""``python -m w2v`` runs the same command-line front as the ``w2v`` script."""
import sys

try:
    from w2v.cli import run
except KeyboardInterrupt:  # Ctrl-C while the package loads: nothing started, so no traceback
    sys.stderr.write("w2v: interrupted\n")
    raise SystemExit(130) from None

raise SystemExit(run())

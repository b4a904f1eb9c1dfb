"""``python -m w2v`` runs the same command-line front as the ``w2v`` script."""
from w2v.cli import run

raise SystemExit(run())

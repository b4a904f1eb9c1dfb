"""``python -m w2v`` runs the same command-line front as the ``w2v`` script."""
from w2v.cli import main

raise SystemExit(main())

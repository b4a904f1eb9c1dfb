"""Lets the tests of this folder import their helper module ``tamper`` (pytest runs in importlib mode)."""
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

"""Lets every test module import the shared helpers of ``tests/support`` (``from cli_runner import
run_cli``): pytest runs in importlib mode, which puts no test folder on ``sys.path``.

Only ``tests/support`` is added, not ``tests`` itself, whose sub-folders (``distributed``,
``corpus``, ...) would otherwise be importable as top-level names.
"""
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent / "support"))

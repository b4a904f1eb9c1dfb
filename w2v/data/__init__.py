"""Evaluation sets shipped with w2v (see README.md in this folder for their sources and licences).

>>> from w2v.data import data_path
>>> data_path("questions-words.txt").name
'questions-words.txt'
"""
from __future__ import annotations

from importlib import resources
from pathlib import Path

#: file names of the bundled sets
ANALOGIES = "questions-words.txt"
WORD_PAIRS = "wordsim353.tsv"


def data_path(name: str) -> Path:
    """Path of a bundled data file, valid after a regular (non-editable) install too.

    Parameters
    ----------
    name : str
        File name inside ``w2v/data``, e.g. :data:`ANALOGIES` or :data:`WORD_PAIRS`.
    """
    path = Path(str(resources.files(__name__) / name))
    if not path.is_file():
        raise FileNotFoundError(f"bundled data file {name!r} is missing from the w2v installation")
    return path

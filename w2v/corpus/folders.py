"""Which files of a folder make a corpus: every non-hidden regular file under it, recursively, through
links to files and to folders (each real folder once), in sorted path order.

>>> folder_files(Path("corpus/"))      # doctest: +SKIP
[PosixPath('corpus/a.txt'), PosixPath('corpus/sub/b.txt.gz')]

Hidden names (starting with ``.``) are left out; so are FIFOs, devices and sockets, with a warning.
A folder that cannot be listed is an error, not a silent gap in the corpus.
"""
from __future__ import annotations

import logging
import os
import stat
from pathlib import Path

from w2v.errors import CorpusError

logger = logging.getLogger(__name__)


def folder_files(root: Path) -> list[Path]:
    """The corpus files under ``root``, sorted; links to folders are followed like links to files.

    Parameters
    ----------
    root : Path
        An existing folder.

    Raises
    ------
    CorpusError
        ``root`` or a folder under it cannot be listed.

    Each folder is read once, by its real path: a link back to a folder above it (a loop, which
    ``os.walk(followlinks=True)`` would follow forever) or a second way to a folder already found is
    skipped with a warning. Folders are visited in sorted order, so which way wins does not depend
    on the order of the directory entries.
    """
    files = []
    for dirpath, filenames in _folders_read(root):
        files.extend(p for p in (Path(dirpath, f) for f in filenames if not f.startswith(".")) if _is_text_entry(p))
    return sorted(files)


def would_be_read(path, root) -> bool:
    """Whether a file at ``path`` (existing or not) is, or would be, one of :func:`folder_files`
    of the folder ``root``: in a folder the listing reads (through links too), under names none
    of which is hidden. For outputs, which must not become part of a corpus they are made from.

    Parameters
    ----------
    path : str or PathLike
    root : str or PathLike
        An existing folder.
    """
    folders = {os.path.realpath(d) for d, _ in _folders_read(root, warn=False)}
    head, names = os.path.abspath(path), []
    while not os.path.isdir(head):          # up to the nearest existing folder: what is made below it
        head, name = os.path.split(head)
        if not name:
            return False
        names.append(name)
    return not any(name.startswith(".") for name in names) and os.path.realpath(head) in folders


def _folders_read(root, warn: bool = True):
    """``(folder, file names)`` of every folder :func:`folder_files` reads, hidden names left out."""
    seen = {os.path.realpath(root)}
    # without onerror, os.walk skips a folder it cannot list without a word: part of the corpus
    # would be left out silently, or an unreadable top folder reported as empty
    for dirpath, dirnames, filenames in os.walk(root, onerror=_unreadable_folder, followlinks=True):
        kept = []
        for name in sorted(dirnames):
            if name.startswith("."):
                continue
            path = os.path.join(dirpath, name)
            real = os.path.realpath(path)
            if real in seen:
                if warn:
                    logger.warning("corpus folder: skipping %r, which is %r, already read (a link loop or a "
                                   "second way to that folder)", path, real)
                continue
            seen.add(real)
            kept.append(name)
        dirnames[:] = kept
        yield dirpath, filenames


def _unreadable_folder(err: OSError):
    raise CorpusError(f"corpus folder {str(err.filename)!r} cannot be read ({err.strerror or err}): "
                      "check its permissions") from None


def _is_text_entry(path: Path) -> bool:
    """False, with a warning, for a FIFO, device or socket found in a corpus folder.

    Skipped rather than refused, as ``grep -r`` and ``rsync`` skip them: such an entry holds no text
    that could be read twice (a FIFO without a writer blocks forever, ``/dev/zero`` never ends), it
    is seldom the user's corpus but a leftover of some program in the same tree, and a whole folder
    should not fail for it; the warning says what was left out. A name whose type cannot be read
    (a broken link) is kept, so that reading it reports the error as before.
    """
    try:
        mode = os.stat(path).st_mode       # follows links: a link to /dev/zero is a device
    except OSError:
        return True
    if stat.S_ISREG(mode):
        return True
    kind = "a pipe (FIFO)" if stat.S_ISFIFO(mode) else "a device or socket"
    logger.warning("corpus folder: skipping %r, which is %s, not a regular file", str(path), kind)
    return False

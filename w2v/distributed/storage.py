"""Where the workers find the corpus: a path they all see, or any fsspec URL.

>>> list_files("s3://bucket/corpus/")        # doctest: +SKIP
[('s3://bucket/corpus/part-0.txt', 1048576), ('s3://bucket/corpus/part-1.txt.gz', 52113)]
>>> with open_raw("s3://bucket/corpus/part-0.txt") as f: head = f.read(4096)   # doctest: +SKIP

A source with ``://`` in it is a URL read through fsspec, which comes with Dask (``file://``,
``memory://``, ``http(s)://`` with aiohttp; ``s3://``, ``gs://``, ``abfs://``, ``hdfs://`` ... with
that filesystem's own package, e.g. ``s3fs``, installed where the workers run). Anything else is a
local path, read exactly as the single-process readers read it. Folders follow
:class:`w2v.corpus.FolderCorpus`: every file below them, sorted, except hidden files and the
files of hidden folders (a name starting with ``.``).
"""
from __future__ import annotations

import posixpath
from pathlib import Path

from w2v.corpus import readers
from w2v.corpus.sources import read_full
from w2v.errors import CorpusError
from w2v.fileio import is_compressed, is_url, open_binary

__all__ = ["is_compressed", "list_files", "looks_like_text8", "open_decompressed", "open_raw"]


def _filesystem(url: str):
    """``(filesystem, path within it)`` of an fsspec URL, or a one-line :class:`CorpusError`."""
    try:
        import fsspec
    except ImportError:
        raise CorpusError(f"reading {url!r} needs fsspec, which comes with Dask: pip install 'w2v[distributed]'") \
            from None
    try:
        return fsspec.core.url_to_fs(url)
    except (ImportError, ValueError) as err:  # an unknown protocol, or its package is not installed here
        raise CorpusError(f"cannot read {url!r} on this machine: {err}") from None


def _hidden(relative: str) -> bool:
    return any(part.startswith(".") for part in relative.split("/") if part)


def list_files(source) -> list[tuple[str, int]]:
    """The files of a corpus file or folder and their sizes in bytes.

    Parameters
    ----------
    source : str or PathLike
        A local path or an fsspec URL.

    Returns
    -------
    list of (str, int)
        ``(path or URL, size)``, sorted by path; a folder's hidden files are left out.

    Raises
    ------
    CorpusError
        The source does not exist, cannot be listed, or is a folder without files.
    """
    if not is_url(source):
        if Path(source).is_dir():
            files = readers.FolderCorpus(source).files
        else:
            files = [readers._existing_file(source)]
        return [(str(f), f.stat().st_size) for f in files]
    fs, root = _filesystem(source)
    try:
        if fs.isdir(root):
            found = fs.find(root, detail=True)
            prefix = root.rstrip("/") + "/"
            files = sorted((p, int(info["size"])) for p, info in found.items()
                           if info.get("type") == "file" and not _hidden(p[len(prefix):] if p.startswith(prefix)
                                                                         else posixpath.basename(p)))
            if not files:
                raise CorpusError(f"folder {source!r} has no (non-hidden) files: put text files in it")
        elif fs.isfile(root):
            files = [(root, int(fs.size(root)))]
        else:
            raise CorpusError(f"corpus {source!r} does not exist: check the URL (every worker must reach it)")
    except OSError as err:  # permissions, network, a bucket that is not there
        raise CorpusError(f"cannot list corpus {source!r}: {err}") from None
    return [(fs.unstrip_protocol(p), size) for p, size in files]


def open_raw(path: str):
    """A seekable binary stream of the file's bytes as stored (not decompressed).

    Raises
    ------
    CorpusError
        The file is not there (on this worker).
    """
    return _open(path, decompress=False)


def open_decompressed(path: str):
    """A binary stream of the file's text: ``.gz``, ``.bz2`` and ``.xz`` are decompressed.

    Raises
    ------
    CorpusError
        The file is not there (on this worker).
    """
    return _open(path, decompress=True)


def _open(path: str, decompress: bool):
    try:
        if not is_url(path):
            return open_binary(path) if decompress else open(path, "rb")
        fs, inner = _filesystem(path)
        return fs.open(inner, "rb", compression="infer" if decompress and is_compressed(path) else None)
    except FileNotFoundError:
        raise CorpusError(f"corpus file {path!r} does not exist on this worker: every worker must see the "
                          "corpus at the same path") from None


def looks_like_text8(path: str) -> bool:
    """True when an uncompressed file starts with a line longer than a reader's block (text8-style)."""
    with open_raw(path) as f:
        return readers._head_is_text8(read_full(f, readers.BLOCK_SIZE))

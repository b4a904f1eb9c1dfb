"""Fetch, verify and unpack the standard word2vec training corpora (standard library only).

    python scripts/download_corpora.py text8 --out corpora/          # 31 MB download, 100 MB text
    python scripts/download_corpora.py enwik9 --out corpora/         # 323 MB download, cleaned to fil9.txt
    python scripts/download_corpora.py wikipedia --out corpora/      # full English dump, > 20 GB
    python scripts/download_corpora.py --list

Each corpus is downloaded to ``OUT/NAME/`` (skipped when a file of the expected size is already
there), its size checked against the published figure, unpacked, and, for the raw Wikipedia XML
(enwik8, enwik9, a full dump), cleaned the way Matt Mahoney's ``wikifil.pl`` cleans it for text8:
article text only, markup removed, link targets replaced by their visible text, lower case, digits
spelled out, everything but ``a-z`` turned into spaces. The cleaner here is our own implementation of
those published rules; it writes one paragraph per line instead of one endless line, so a
line-per-sentence reader never lets a window cross a paragraph. ``--url`` points a corpus at a
mirror or a local ``file://`` copy (that is how the tests exercise the whole path offline).
"""
from __future__ import annotations

import argparse
import bz2
import hashlib
import html
import os
import re
import shutil
import sys
import urllib.request
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Iterator


class DownloadError(Exception):
    """A download or an unpacked file does not match what was published; the message says what to do."""


@dataclass(frozen=True)
class Source:
    """Where a corpus comes from and how to check it.

    Attributes
    ----------
    url : str
        Download address.
    size : int or None
        Published size of the download in bytes (None: changes from one release to the next).
    member : str or None
        File to take out of a zip archive (None: the download is not a zip).
    unpacked_size : int or None
        Size in bytes of ``member`` once unpacked.
    unpacked_md5 : str or None
        Published MD5 of ``member`` once unpacked.
    clean : bool
        Whether the text is Wikipedia XML to clean into ``NAME.txt``.
    note : str
        One line for ``--list``: contents and licence.
    """

    url: str
    size: int | None
    member: str | None
    unpacked_size: int | None = None
    unpacked_md5: str | None = None
    clean: bool = False
    note: str = ""


SOURCES: dict[str, Source] = {
    "text8": Source(
        "http://mattmahoney.net/dc/text8.zip", 31_344_016, "text8", unpacked_size=100_000_000,
        note="first 10^8 bytes of enwik9 cleaned by wikifil.pl: 17M tokens, one line; Wikipedia text (CC BY-SA / GFDL)"),
    "enwik8": Source(
        "http://mattmahoney.net/dc/enwik8.zip", 36_445_475, "enwik8", unpacked_size=100_000_000,
        unpacked_md5="a1fa5ffddb56f4953e226637dabbb36a", clean=True,
        note="first 10^8 bytes of the 2006-03-03 English Wikipedia XML dump; Wikipedia text (CC BY-SA / GFDL)"),
    "enwik9": Source(
        "http://mattmahoney.net/dc/enwik9.zip", 322_592_222, "enwik9", unpacked_size=1_000_000_000,
        unpacked_md5="e206c3450ac99950df65bf70ef61a12d", clean=True,
        note="first 10^9 bytes of the 2006-03-03 English Wikipedia XML dump, cleaned to ~120M tokens; CC BY-SA / GFDL"),
    "wikipedia": Source(
        "https://dumps.wikimedia.org/enwiki/latest/enwiki-latest-pages-articles.xml.bz2", None, None, clean=True,
        note="latest full English Wikipedia articles dump (bz2 XML, > 20 GB); CC BY-SA 4.0 / GFDL"),
}

_CHUNK = 1 << 20


def fetch(url: str, dest: str | os.PathLike, expected_size: int | None = None, progress: bool = False) -> Path:
    """Download ``url`` to ``dest`` and check its size.

    The bytes go to ``dest + ".part"`` first and are renamed only when complete and of the expected
    size, so an interrupted or truncated download never looks finished. A ``dest`` that already has
    the expected size is kept without downloading.

    Parameters
    ----------
    url : str
        Any address ``urllib`` opens (``http://``, ``https://``, ``file://``).
    dest : str or PathLike
        Destination file; its folder is created.
    expected_size : int, optional
        Published size in bytes; a mismatch raises :class:`DownloadError` and removes the partial file.
    progress : bool
        Print a progress line on stderr.

    Returns
    -------
    Path
        ``dest``.
    """
    dest = Path(dest)
    if dest.is_file() and expected_size is not None and dest.stat().st_size == expected_size:
        return dest
    dest.parent.mkdir(parents=True, exist_ok=True)
    part = dest.with_name(dest.name + ".part")
    received = 0
    try:
        with urllib.request.urlopen(url) as response, open(part, "wb") as out:
            while chunk := response.read(_CHUNK):
                out.write(chunk)
                received += len(chunk)
                if progress:
                    total = f" of {expected_size / 1e6:,.0f}" if expected_size else ""
                    print(f"\r{dest.name}: {received / 1e6:,.0f}{total} MB", end="", file=sys.stderr)
        if progress:
            print(file=sys.stderr)
    except OSError as err:  # URLError is an OSError
        part.unlink(missing_ok=True)
        raise DownloadError(f"could not download {url}: {err}; check the address and your network, or pass --url") from err
    if expected_size is not None and received != expected_size:
        part.unlink(missing_ok=True)
        raise DownloadError(f"{url} gave {received:,} bytes instead of {expected_size:,}: "
                            "the file changed or the transfer was cut; retry or pass --url to a mirror")
    os.replace(part, dest)
    return dest


def md5sum(path: str | os.PathLike) -> str:
    """Hex MD5 of a file, read in 1 MB blocks."""
    digest = hashlib.md5()
    with open(path, "rb") as f:
        while block := f.read(_CHUNK):
            digest.update(block)
    return digest.hexdigest()


def unpack(archive: str | os.PathLike, member: str, folder: str | os.PathLike,
           expected_size: int | None = None, expected_md5: str | None = None) -> Path:
    """Extract one file from a zip archive into ``folder`` and check its size and MD5.

    Returns
    -------
    Path
        The extracted file, ``folder / member``.
    """
    folder = Path(folder)
    target = folder / member
    try:
        with zipfile.ZipFile(archive) as zf, zf.open(member) as src, open(target, "wb") as out:
            shutil.copyfileobj(src, out, _CHUNK)
    except (zipfile.BadZipFile, KeyError) as err:
        target.unlink(missing_ok=True)
        raise DownloadError(f"{archive} is not a zip archive holding {member!r} ({err}): delete it and download again") from err
    if expected_size is not None and target.stat().st_size != expected_size:
        raise DownloadError(f"{target} has {target.stat().st_size:,} bytes, expected {expected_size:,}: delete it and retry")
    if expected_md5 is not None and md5sum(target) != expected_md5:
        raise DownloadError(f"{target} has the wrong MD5 (expected {expected_md5}): delete it and retry")
    return target


# --- Wikipedia XML -> plain text (the published wikifil.pl rules, reimplemented) -----------------

_DIGITS = str.maketrans({d: f" {w} " for d, w in zip("0123456789", "zero one two three four five six seven eight nine".split())})
_CITATIONS = re.compile(r"<ref[^>]*?/>|<ref[^>]*>.*?</ref>|<!--.*?-->", re.S)  # citations and comments
_TAG = re.compile(r"<[^>]*>")                                   # any other tag (after unescaping)
_PREFIXED_LINK = re.compile(r"\[\[[a-z][a-z-]*:[^\[\]]*\]\]", re.I)  # interlanguage, Wikipedia:, ...
_TEMPLATE = re.compile(r"\{\{[^{}]*\}\}")                       # innermost {{...}}, removed repeatedly
_TABLE = re.compile(r"\{\|.*?\|\}", re.S)
_FILE_LINK = re.compile(r"\[\[(?:image|file):[^\[\]|]*\|", re.I)  # keep the caption of an image
_CATEGORY = re.compile(r"\[\[category:([^|\]]*)[^\]]*\]\]", re.I)  # keep the category name
_LINK = re.compile(r"\[\[(?:[^\[\]|]*\|)?([^\[\]]*)\]\]")       # [[target|text]] and [[text]] -> text
_URL_LINK = re.compile(r"\[(?:https?|ftp)://[^\s\]]*\s*([^\]]*)\]")  # [url text] -> text
_NON_LETTERS = re.compile(r"[^a-z]+")


def clean_wiki_text(markup: str) -> list[str]:
    """Turn the wiki markup of one article into cleaned paragraphs.

    Parameters
    ----------
    markup : str
        Content of one ``<text>`` element, still XML-escaped (``&lt;ref&gt;``) as in the dump.

    Returns
    -------
    list of str
        Non-empty paragraphs of lower-case words ``[a-z]+`` separated by single spaces, digits
        spelled out (``1984`` -> ``one nine eight four``), as text8 has them.
    """
    text = html.unescape(html.unescape(markup))  # the dump escapes '&' in entities twice (&amp;nbsp;)
    text = _TABLE.sub(" ", text)
    previous = None
    while previous != text:  # nested templates: strip the innermost level until none is left
        previous, text = text, _TEMPLATE.sub(" ", text)
    text = _CITATIONS.sub(" ", text)
    text = _FILE_LINK.sub("[[", text)
    text = _CATEGORY.sub(r"[[\1]]", text)
    text = _PREFIXED_LINK.sub(" ", text)
    previous = None
    while previous != text:  # links nested in image captions: innermost first
        previous, text = text, _LINK.sub(r"\1", text)
    text = _URL_LINK.sub(r"\1", text)
    text = _TAG.sub(" ", text)
    paragraphs = []
    for line in text.lower().translate(_DIGITS).splitlines():
        words = _NON_LETTERS.sub(" ", line).strip()
        if words:
            paragraphs.append(words)
    return paragraphs


def wiki_paragraphs(lines: Iterable[str]) -> Iterator[str]:
    """Stream cleaned paragraphs out of a MediaWiki XML dump, one article at a time.

    Only the text of ``<text ...>`` elements is kept; redirect pages are skipped.

    Parameters
    ----------
    lines : iterable of str
        Lines of the XML dump (a text file object works).
    """
    inside, article = False, []
    for line in lines:
        if not inside:
            start = line.find("<text")
            if start < 0:
                continue
            close = line.find(">", start)
            if line[close - 1] == "/":  # <text ... /> : an empty article
                continue
            line = line[close + 1:]
            if line[:9].lower() == "#redirect":
                continue
            inside = True
        end = line.find("</text>")
        if end >= 0:
            article.append(line[:end])
            yield from clean_wiki_text("".join(article))
            inside, article = False, []
        else:
            article.append(line)


def clean_dump(source: str | os.PathLike, dest: str | os.PathLike) -> int:
    """Clean a Wikipedia XML file (plain or ``.bz2``) into ``dest``, one paragraph per line.

    Returns
    -------
    int
        Number of tokens written.
    """
    source, dest = Path(source), Path(dest)
    opener = bz2.open if source.suffix == ".bz2" else open
    tokens = 0
    part = dest.with_name(dest.name + ".part")
    with opener(source, "rt", encoding="utf-8", errors="replace") as src, open(part, "w", encoding="utf-8") as out:
        for paragraph in wiki_paragraphs(src):
            out.write(paragraph + "\n")
            tokens += paragraph.count(" ") + 1
    os.replace(part, dest)
    return tokens


def prepare(name: str, out: str | os.PathLike, url: str | None = None, progress: bool = False,
            sources: dict[str, Source] = SOURCES) -> Path:
    """Download, verify, unpack and (for Wikipedia XML) clean one corpus into ``out / name``.

    Parameters
    ----------
    name : str
        Key of ``sources``.
    out : str or PathLike
        Parent folder.
    url : str, optional
        Replaces the source's address (a mirror or a ``file://`` copy); sizes are still checked.

    Returns
    -------
    Path
        The training-ready text file.
    """
    if name not in sources:
        raise DownloadError(f"unknown corpus {name!r}; choose from {', '.join(sources)}")
    src = sources[name]
    folder = Path(out) / name
    address = url or src.url
    download = fetch(address, folder / address.rstrip("/").rsplit("/", 1)[-1], src.size, progress=progress)
    raw = download
    if src.member is not None:
        raw = unpack(download, src.member, folder, src.unpacked_size, src.unpacked_md5)
    if not src.clean:
        return raw
    cleaned = folder / f"{name}.txt"
    tokens = clean_dump(raw, cleaned)
    if progress:
        print(f"{cleaned}: {tokens:,} tokens", file=sys.stderr)
    return cleaned


def main(argv: list[str] | None = None) -> int:
    """Command line: ``python scripts/download_corpora.py NAME... --out FOLDER``."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0],
                                     formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    parser.add_argument("names", nargs="*", metavar="NAME", help=f"corpora to fetch: {', '.join(SOURCES)}")
    parser.add_argument("--out", default="corpora", help="parent folder; each corpus goes to OUT/NAME/")
    parser.add_argument("--url", help="download address to use instead of the published one (one NAME only)")
    parser.add_argument("--list", action="store_true", help="list the corpora with their sources and exit")
    args = parser.parse_args(argv)
    if args.list or not args.names:
        for key, src in SOURCES.items():
            print(f"{key:10s} {src.url}\n{'':10s} {src.note}")
        return 0
    if args.url and len(args.names) != 1:
        parser.error("--url needs exactly one NAME")
    try:
        for name in args.names:
            print(prepare(name, args.out, url=args.url, progress=True))
    except DownloadError as err:
        print(f"download_corpora: error: {err}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())

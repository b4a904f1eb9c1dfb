"""scripts/download_corpora.py, offline: local archives served through file:// URLs."""
from __future__ import annotations

import bz2
import hashlib
import importlib.util
import sys
import zipfile
from pathlib import Path

import pytest

_SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "download_corpora.py"
_spec = importlib.util.spec_from_file_location("download_corpora", _SCRIPT)
dc = importlib.util.module_from_spec(_spec)
sys.modules.setdefault("download_corpora", dc)  # dataclasses look their module up there
_spec.loader.exec_module(dc)

_XML = """<mediawiki>
  <page>
    <title>AdA</title>
    <revision><text xml:space="preserve">#REDIRECT [[Ada programming language]]</text></revision>
  </page>
  <page>
    <title>Anarchism</title>
    <revision><text xml:space="preserve">'''Anarchism''' is a [[political philosophy]] born in 1840.{{Infobox|a={{b}}}}
&lt;ref&gt;A citation&lt;/ref&gt;Proudhon's [[Pierre-Joseph Proudhon|writings]] &amp;nbsp;matter.
[[Image:Flag.svg|thumb|The [[black flag]]]]
{| class="wikitable"
| 1 || 2
|}
[[Category:Political ideologies]]
[[de:Anarchismus]]</text></revision>
  </page>
  <page><title>Empty</title><revision><text xml:space="preserve" /></revision></page>
</mediawiki>
"""
_CLEAN = [
    "anarchism is a political philosophy born in one eight four zero",
    "proudhon s writings matter",
    "the black flag",
    "political ideologies",
]


def _zip(tmp_path: Path, member: str, data: bytes) -> Path:
    archive = tmp_path / "src" / f"{member}.zip"
    archive.parent.mkdir(exist_ok=True)
    with zipfile.ZipFile(archive, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr(member, data)
    return archive


def test_fetch_copies_a_file_url_and_checks_its_size(tmp_path):
    archive = _zip(tmp_path, "text8", b" anarchism originated as a term " * 100)
    dest = dc.fetch(archive.as_uri(), tmp_path / "out" / "text8.zip", archive.stat().st_size)
    assert dest.read_bytes() == archive.read_bytes()
    with pytest.raises(dc.DownloadError, match="instead of"):
        dc.fetch(archive.as_uri(), tmp_path / "out2" / "text8.zip", archive.stat().st_size + 1)
    assert list((tmp_path / "out2").iterdir()) == []  # no partial file left behind


def test_fetch_keeps_a_complete_file_and_reports_missing_sources(tmp_path):
    dest = tmp_path / "have.zip"
    dest.write_bytes(b"12345")
    assert dc.fetch((tmp_path / "nowhere.zip").as_uri(), dest, expected_size=5) == dest
    with pytest.raises(dc.DownloadError, match="could not download"):
        dc.fetch((tmp_path / "nowhere.zip").as_uri(), tmp_path / "other.zip", expected_size=5)


def test_unpack_checks_size_and_md5(tmp_path):
    data = b"abc " * 1000
    archive = _zip(tmp_path, "enwik8", data)
    out = tmp_path / "unpacked"
    out.mkdir()
    md5 = hashlib.md5(data).hexdigest()
    assert dc.unpack(archive, "enwik8", out, len(data), md5).read_bytes() == data
    with pytest.raises(dc.DownloadError, match="MD5"):
        dc.unpack(archive, "enwik8", out, len(data), "0" * 32)
    with pytest.raises(dc.DownloadError, match="bytes, expected"):
        dc.unpack(archive, "enwik8", out, len(data) - 1)
    with pytest.raises(dc.DownloadError, match="not a zip"):
        dc.unpack(archive, "missing-member", out)


def test_wiki_cleaning_keeps_visible_text_only():
    assert list(dc.wiki_paragraphs(_XML.splitlines(keepends=True))) == _CLEAN


def test_prepare_runs_the_whole_pipeline_on_local_copies(tmp_path):
    data = _XML.encode()
    archive = _zip(tmp_path, "enwik9", data)
    sources = {
        "enwik9": dc.Source("http://example.invalid/enwik9.zip", archive.stat().st_size, "enwik9",
                            unpacked_size=len(data), unpacked_md5=hashlib.md5(data).hexdigest(), clean=True),
        "dump": dc.Source("http://example.invalid/dump.xml.bz2", None, None, clean=True),
    }
    cleaned = dc.prepare("enwik9", tmp_path / "corpora", url=archive.as_uri(), sources=sources)
    assert cleaned == tmp_path / "corpora" / "enwik9" / "enwik9.txt"
    assert cleaned.read_text().splitlines() == _CLEAN

    dump = tmp_path / "src" / "dump.xml.bz2"
    dump.write_bytes(bz2.compress(data))
    cleaned = dc.prepare("dump", tmp_path / "corpora", url=dump.as_uri(), sources=sources)
    assert cleaned.read_text().splitlines() == _CLEAN
    with pytest.raises(dc.DownloadError, match="unknown corpus"):
        dc.prepare("nope", tmp_path, sources=sources)


def test_published_sources_are_complete():
    assert {"text8", "enwik8", "enwik9", "wikipedia"} <= set(dc.SOURCES)
    for name, src in dc.SOURCES.items():
        assert src.url.startswith(("http://", "https://")) and src.note, name
        if src.member is not None:
            assert src.size and src.unpacked_size, name


def test_command_line_lists_and_rejects(tmp_path, capsys):
    assert dc.main(["--list"]) == 0
    assert "mattmahoney.net/dc/text8.zip" in capsys.readouterr().out
    assert dc.main(["text8", "--out", str(tmp_path), "--url", (tmp_path / "none.zip").as_uri()]) == 2
    assert "could not download" in capsys.readouterr().err

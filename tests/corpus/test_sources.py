"""Where a corpus's bytes come from: standard input, odd paths, and text that is not UTF-8."""
import io
import os
import sys

import pytest

from w2v.corpus import FolderCorpus, LineCorpus, Vocabulary, open_corpus
from w2v.corpus.readers import StreamCorpus
from w2v.corpus.scan import scan_corpus
from w2v.errors import CorpusError


def _stdin_pipe(data: bytes):
    read, write = os.pipe()
    os.write(write, data)
    os.close(write)
    return os.fdopen(read, "r")


@pytest.mark.parametrize("stdin", ["none", "closed", "no descriptor"])
@pytest.mark.parametrize("engine", ["python", "compiled"])
def test_standard_input_that_cannot_be_read_is_a_one_line_corpus_error(monkeypatch, stdin, engine):
    """A process started with standard input closed (``w2v vocab - <&-``) has ``sys.stdin`` None,
    and one that replaced it (a notebook, pytest's capture) has no descriptor: both ended in an
    ``AttributeError`` / ``io.UnsupportedOperation`` traceback."""
    if stdin == "none":
        value = None
    elif stdin == "closed":
        value = _stdin_pipe(b"a b\n")
        value.close()
    else:
        value = io.StringIO("a b\n")
    monkeypatch.setattr(sys, "stdin", value)
    with pytest.raises(CorpusError, match="standard input") as info:
        scan_corpus("-", engine=engine)
    assert "\n" not in str(info.value)
    with pytest.raises(CorpusError, match="standard input"):
        list(open_corpus("-"))


def test_a_file_named_dash_is_read_as_that_file_and_only_the_name_dash_is_standard_input(tmp_path, monkeypatch):
    """``./-`` is the shell's way to name a file called ``-``; ``Path('./-')`` is ``Path('-')``,
    and the readers took every path whose text is ``-`` for standard input, so the file was never
    read and standard input was counted instead, without a word."""
    (tmp_path / "-").write_text("file words here\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(sys, "stdin", _stdin_pipe(b"standard input\n"))
    for name in ("./-", tmp_path / "-", os.path.join(".", "-")):
        corpus = open_corpus(name)
        assert not isinstance(corpus, StreamCorpus), name
        assert list(corpus) == [["file", "words", "here"]], name
        for engine in ("python", "compiled"):
            scan = scan_corpus(open_corpus(name), engine=engine)
            assert sorted(scan.words.words()) == ["file", "here", "words"], (name, engine)
            scan.close()
    # the name '-' itself is standard input, as documented
    assert list(open_corpus("-")) == [["standard", "input"]]


def test_an_empty_path_is_refused_not_read_as_the_current_folder(tmp_path, monkeypatch):
    """``Path('')`` is ``Path('.')``: ``Word2Vec().fit('')`` trained on every file under the
    working directory."""
    (tmp_path / "a.txt").write_text("every file here would be read\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    with pytest.raises(CorpusError, match="empty"):
        open_corpus("")
    with pytest.raises(CorpusError, match="empty"):
        Vocabulary.build("", min_count=1)
    with pytest.raises(CorpusError, match="empty"):
        FolderCorpus("")
    assert len(FolderCorpus(".").files) == 1          # the current folder, when asked for


def test_a_folder_corpus_of_a_file_says_it_is_a_file(tmp_path):
    path = tmp_path / "c.txt"
    path.write_text("a b\n", encoding="utf-8")
    with pytest.raises(CorpusError, match="is a file, not a folder") as info:
        FolderCorpus(path)
    assert "does not exist" not in str(info.value)
    with pytest.raises(CorpusError, match="does not exist"):
        FolderCorpus(tmp_path / "missing")


@pytest.mark.parametrize("source", [b"c.txt", bytearray(b"c.txt")])
def test_a_path_given_as_bytes_is_refused_as_such(tmp_path, monkeypatch, source):
    """A bytes path was iterated as a corpus of sentences, and refused with 'sentence 0 is of type
    int (99)', which says nothing of the path."""
    (tmp_path / "c.txt").write_text("a b\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    with pytest.raises(CorpusError, match="bytes") as info:
        open_corpus(source)
    assert "sentence 0" not in str(info.value) and "fsdecode" in str(info.value)


@pytest.mark.parametrize("name", ["x" * 5000, "c.txt\x00tail"])
def test_a_path_the_system_cannot_take_is_a_corpus_error(name):
    """A name longer than the system allows ended in ``OSError: [Errno 36] File name too long``,
    one with a NUL byte in ``ValueError: embedded null byte``."""
    for make in (open_corpus, LineCorpus, FolderCorpus, Vocabulary.build):
        with pytest.raises(CorpusError, match="corpus") as info:
            make(name)
        assert "\n" not in str(info.value)


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be", "utf-32-le", "utf-32-be"])
@pytest.mark.parametrize("engine", ["python", "compiled"])
def test_utf16_and_utf32_without_a_byte_order_mark_are_refused(tmp_path, encoding, engine):
    """Text in UTF-16 or UTF-32 without a byte-order mark was read as UTF-8 with a NUL between the
    letters: the default tokenizer counted every letter as a word ('t', 'h', 'e', ...) and the
    whitespace one kept NULs inside the words, with no warning."""
    path = tmp_path / "c.txt"
    path.write_bytes("the cat sat on the mat\nthe dog sat\n".encode(encoding))
    name = encoding.upper().replace("-LE", "LE").replace("-BE", "BE")         # UTF-16LE
    with pytest.raises(CorpusError, match=f"looks like {name} text without a byte-order mark.*iconv -f {name} ") as info:
        scan_corpus(LineCorpus(path), engine=engine)
    assert "\n" not in str(info.value)


def test_text_that_only_starts_oddly_is_still_read(tmp_path):
    """The check looks for the NUL bytes of UTF-16 and UTF-32 only: short files, a single NUL and
    UTF-8 text are read as before."""
    for data, words in [(b"a\x00", ["a"]), (b"a", ["a"]), (b"\x00a b", ["a", "b"]), (b"ab\x00c d", ["ab", "c", "d"]),
                        ("é\x00ü x".encode(), ["é", "ü", "x"])]:
        path = tmp_path / "c.txt"
        path.write_bytes(data)
        assert [w for s in open_corpus(path) for w in s] == words, data


@pytest.mark.parametrize("suffix", [".gz", ".GZ", ".bz2", ".xz"])
@pytest.mark.parametrize("engine", ["python", "compiled"])
def test_a_zero_byte_compressed_file_in_a_folder_is_refused_as_truncated(tmp_path, suffix, engine):
    """gzip writes at least 20 bytes, even for no text, so a file of 0 bytes under a .gz name is a
    download or copy cut short; Python's gzip reads it as no text, and a folder's share of it was
    left out without a word, where an empty .bz2 or .xz was refused as truncated."""
    (tmp_path / "a.txt").write_text("the cat sat\n", encoding="utf-8")
    (tmp_path / f"b.txt{suffix}").write_bytes(b"")
    with pytest.raises(CorpusError, match=rf"b\.txt\{suffix}' cannot be read \(.*\): the file is corrupt or truncated"):
        scan_corpus(FolderCorpus(tmp_path), engine=engine)

"""Streaming readers: lines, text8-style, folders, compression, decoding, bounded memory."""
import bz2
import gzip
import logging
import lzma
import os
import tracemalloc

import numpy as np
import pytest

import w2v.corpus.readers as readers
from w2v.corpus import (FolderCorpus, LineCorpus, ListCorpus, Text8Corpus, Tokenizer, Vocabulary,
                        open_corpus)
from w2v.errors import CorpusError

TEXT = "The cat sat on the mat.\n\nA dog -- a BIG dog -- barked!\r\nnaïve café 東京 1984\n"
EXPECTED = [["the", "cat", "sat", "on", "the", "mat"], ["a", "dog", "a", "big", "dog", "barked"],
            ["naïve", "café", "東京", "1984"]]


def _chunks(tokens, limit):
    return [tokens[i:i + limit] for i in range(0, len(tokens), limit)]


def _reference_lines(text, tokenizer, limit):
    out = []
    for line in text.split("\n"):
        for sentence in tokenizer.sentences(line):
            out.extend(_chunks(sentence, limit))
    return out


def _random_text(seed, n_lines=60, long_every=7):
    rng = np.random.default_rng(seed)
    vocab = ["alpha", "Beta", "gamma-ray", "don't", "naïve", "東京", "3.14", "end.", "x", "ok!", "--"]
    lines = []
    for i in range(n_lines):
        n = int(rng.integers(0, 120 if i % long_every == 0 else 8))
        sep = [" ", "  ", "\t", " "]
        lines.append("".join(vocab[int(k)] + sep[int(k) % 4] for k in rng.integers(0, len(vocab), size=n)))
    return "\n".join(lines) + ("\n" if seed % 2 else "")


def test_line_corpus_basic_and_reiterable(tmp_path):
    path = tmp_path / "c.txt"
    path.write_text(TEXT, encoding="utf-8")
    corpus = LineCorpus(path)
    assert list(corpus) == EXPECTED
    assert list(corpus) == EXPECTED          # a second pass (epoch) gives the same
    assert corpus.decode_errors == 0


@pytest.mark.parametrize("suffix, opener", [(".gz", gzip.open), (".bz2", bz2.open), (".xz", lzma.open)])
def test_compressed_files(tmp_path, suffix, opener):
    path = tmp_path / f"c.txt{suffix}"
    with opener(path, "wb") as f:
        f.write(TEXT.encode("utf-8"))
    assert list(open_corpus(path)) == EXPECTED
    assert isinstance(open_corpus(str(path)), LineCorpus)


def test_corrupt_compressed_file_is_a_corpus_error(tmp_path):
    path = tmp_path / "bad.txt.gz"
    path.write_bytes(gzip.compress(TEXT.encode() * 50)[:40])
    with pytest.raises(CorpusError, match="corrupt or truncated"):
        list(open_corpus(path))


@pytest.mark.parametrize("block", [16, 37, 64, 1000])
@pytest.mark.parametrize("seed", [0, 1, 2])
@pytest.mark.parametrize("split", [False, True])
def test_long_lines_streamed_in_blocks(tmp_path, monkeypatch, block, seed, split):
    """Lines longer than a block are cut into pseudo-sentences; nothing is lost or split."""
    monkeypatch.setattr(readers, "BLOCK_SIZE", block)
    text = _random_text(seed)
    path = tmp_path / "c.txt"
    path.write_text(text, encoding="utf-8")
    tok = Tokenizer(split_sentences=split)
    got = list(LineCorpus(path, tokenizer=tok, max_sentence_length=25))
    assert got == _reference_lines(text, tok, 25)
    assert max(map(len, got)) <= 25


@pytest.mark.parametrize("block", [16, 50, 1 << 20])
@pytest.mark.parametrize("split", [False, True])
def test_text8_corpus_pseudo_sentences(tmp_path, monkeypatch, block, split):
    monkeypatch.setattr(readers, "BLOCK_SIZE", block)
    text = _random_text(5).replace("\n", " ")
    path = tmp_path / "text8"
    path.write_text(text, encoding="utf-8")
    tok = Tokenizer(split_sentences=split)
    got = list(Text8Corpus(path, tokenizer=tok, max_sentence_length=30))
    expected = [c for s in tok.sentences(text) for c in _chunks(s, 30)]
    assert got == expected
    if not split:
        assert all(len(s) == 30 for s in got[:-1])


def test_text8_treats_newlines_as_spaces(tmp_path):
    path = tmp_path / "t.txt"
    path.write_text("a b\nc d\n", encoding="utf-8")
    assert list(Text8Corpus(path, max_sentence_length=3)) == [["a", "b", "c"], ["d"]]


def test_open_corpus_detects_text8(tmp_path, monkeypatch):
    monkeypatch.setattr(readers, "BLOCK_SIZE", 64)
    one_line = tmp_path / "one.txt"
    one_line.write_text("word " * 100, encoding="utf-8")
    lines = tmp_path / "lines.txt"
    lines.write_text("word word\n" * 100, encoding="utf-8")
    assert isinstance(open_corpus(one_line), Text8Corpus)
    assert isinstance(open_corpus(lines), LineCorpus)


def test_whitespace_tokenizer_in_files(tmp_path, monkeypatch):
    monkeypatch.setattr(readers, "BLOCK_SIZE", 8)
    path = tmp_path / "c.txt"
    path.write_text("The  Cat, sat\nOn the-mat .\n", encoding="utf-8")
    got = list(LineCorpus(path, tokenizer=Tokenizer.whitespace()))
    assert got == [["The", "Cat,", "sat"], ["On", "the-mat", "."]]


def test_non_utf8_bytes_replaced_and_counted(tmp_path, caplog):
    path = tmp_path / "latin1.txt"
    path.write_bytes("caf\u00e9 ok\n".encode("latin-1") + b"\xff\xfe bad\n" + "real \ufffd kept\n".encode())
    corpus = LineCorpus(path)
    with caplog.at_level(logging.WARNING, logger="w2v.corpus.readers"):
        got = list(corpus)
    assert got == [["caf", "ok"], ["bad"], ["real", "kept"]]
    # \xe9, \xff and \xfe are each replaced; the genuine U+FFFD is not an error.
    assert corpus.decode_errors == 3
    assert "replaced" in caplog.text
    list(corpus)
    assert corpus.decode_errors == 3        # reset per pass, not accumulated
    vocab = Vocabulary.build(corpus, min_count=1)
    assert vocab.decode_errors == 3


def test_folder_corpus_sorted_recursive_skips_hidden(tmp_path):
    (tmp_path / "b").mkdir()
    (tmp_path / ".git").mkdir()
    (tmp_path / "a.txt").write_text("one\n", encoding="utf-8")
    (tmp_path / "b" / "c.txt").write_text("three\n", encoding="utf-8")
    with gzip.open(tmp_path / "b" / "a.txt.gz", "wb") as f:
        f.write(b"two\n")
    (tmp_path / ".hidden.txt").write_text("hidden\n", encoding="utf-8")
    (tmp_path / ".git" / "x.txt").write_text("hidden\n", encoding="utf-8")
    corpus = open_corpus(tmp_path)
    assert isinstance(corpus, FolderCorpus)
    assert list(corpus) == [["one"], ["two"], ["three"]]
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(CorpusError, match="no \\(non-hidden\\) regular files"):
        open_corpus(empty)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this system")
def test_folder_corpus_skips_fifos_and_devices_with_a_warning(tmp_path, caplog):
    """A FIFO in a corpus folder hung the reader (no writer comes) and a device (here a link to
    /dev/null, standing for /dev/zero) is endless: like ``grep -r``, the folder reader reads regular
    files only, and names what it skipped."""
    from fifos import released_fifo

    (tmp_path / "a.txt").write_text("one\n", encoding="utf-8")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "device").symlink_to("/dev/null")
    with released_fifo(tmp_path / "b.fifo") as fifo, caplog.at_level(logging.WARNING, logger="w2v"):
        corpus = open_corpus(tmp_path)
        assert corpus.files == [tmp_path / "a.txt"]
        assert list(corpus) == [["one"]]
        assert Vocabulary.build(tmp_path, min_count=1).words == ["one"]   # the compiled scan too
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert any(str(fifo) in w and "pipe (FIFO)" in w for w in warnings), warnings
    assert any(str(tmp_path / "sub" / "device") in w and "device" in w for w in warnings), warnings
    only_special = tmp_path / "sub"
    with pytest.raises(CorpusError, match="no \\(non-hidden\\) regular files"):
        open_corpus(only_special)


def test_list_corpus_and_open_corpus_inputs():
    sentences = [["a", "b"], ("c",)]
    corpus = open_corpus(sentences)
    assert isinstance(corpus, ListCorpus) and list(corpus) == [["a", "b"], ["c"]]
    assert open_corpus(corpus) is corpus
    with pytest.raises(CorpusError, match="list of token lists"):
        open_corpus(["a b", "c d"])
    with pytest.raises(CorpusError, match="one-shot iterator"):
        open_corpus(s for s in sentences)
    with pytest.raises(CorpusError):
        open_corpus(42)

    class Stream:
        def __iter__(self):
            yield ["x", "y"]

    assert list(open_corpus(Stream())) == [["x", "y"]]


def test_missing_and_empty_corpus_errors(tmp_path):
    with pytest.raises(CorpusError, match="does not exist: check the path"):
        open_corpus(tmp_path / "missing.txt")
    empty = tmp_path / "empty.txt"
    empty.write_text("", encoding="utf-8")
    with pytest.raises(CorpusError, match="has no words"):
        Vocabulary.build(empty)
    punct = tmp_path / "punct.txt"
    punct.write_text("-- !! ??\n", encoding="utf-8")
    with pytest.raises(CorpusError, match="has no words"):
        Vocabulary.build(punct)


def test_50mb_single_line_read_with_bounded_memory(tmp_path):
    """A 50 MB file with no newline streams through in blocks; peak memory is a small fraction."""
    rng = np.random.default_rng(0)
    # Long (49-byte) words keep the token count, and so the test time, low; memory is what we test.
    words = [f"{i:04d}" + "abcdefghijklmnopqrstuvwxyz" + "ABCDEFGHIJKLMNOPQRS" for i in range(2000)]
    block = (" ".join(words[int(k)] for k in rng.integers(0, 2000, size=(1 << 20) // 50)) + " ").encode()
    path = tmp_path / "big.txt"
    with open(path, "wb") as f:
        for _ in range(50):
            f.write(block)
    size = path.stat().st_size
    assert size >= 50 * 10**6
    corpus = open_corpus(path)
    assert isinstance(corpus, Text8Corpus)
    expected_tokens = 50 * ((1 << 20) // 50)
    # Both readers: text8-style, and a line-per-sentence file whose single line is 50 MB long.
    for reader in (corpus, LineCorpus(path)):
        tracemalloc.start()
        try:
            n_tokens = n_sentences = longest = 0
            for sentence in reader:
                n_tokens += len(sentence)
                n_sentences += 1
                longest = max(longest, len(sentence))
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
        assert n_tokens == expected_tokens
        assert longest == 10000 and n_sentences == -(-n_tokens // 10000)
        assert peak < size / 5, f"{reader!r}: peak {peak / 1e6:.1f} MB for a {size / 1e6:.0f} MB file"


@pytest.mark.parametrize("link, expected", [
    ("nowhere", r"'.*dangling' cannot be opened: No such file or directory \(a broken link\?\)"),
    ("dangling", r"'.*dangling' cannot be opened: Too many levels of symbolic links \(a link loop\?\)")],
    ids=["broken", "loop"])
def test_a_bad_link_in_a_folder_is_named_as_such_not_as_a_corrupt_file(tmp_path, link, expected):
    """A broken link or a link loop in a corpus folder was reported as "corrupt or truncated;
    check or re-download it": every OSError was taken for a decompressor's."""
    (tmp_path / "a.txt").write_text("one\n", encoding="utf-8")
    (tmp_path / "dangling").symlink_to(link)
    for read in (lambda: list(open_corpus(tmp_path)), lambda: Vocabulary.build(tmp_path, min_count=1)):
        with pytest.raises(CorpusError, match=expected) as caught:
            read()
        assert "corrupt" not in str(caught.value)


def _refuse_scandir(monkeypatch, refused):
    """Make ``os.scandir`` fail on ``refused`` as an unreadable folder does (root reads any folder,
    so chmod cannot stand for it)."""
    real_scandir = os.scandir

    def scandir(path="."):
        if os.fspath(path) == os.fspath(refused):
            raise PermissionError(13, "Permission denied", os.fspath(path))
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", scandir)


def test_unreadable_subfolder_is_a_corpus_error(tmp_path, monkeypatch):
    """os.walk without ``onerror`` skipped a folder it could not list: half the corpus was counted
    without a word. Now the folder is named, with the reason."""
    (tmp_path / "a.txt").write_text("one\n", encoding="utf-8")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "b.txt").write_text("two\n", encoding="utf-8")
    _refuse_scandir(monkeypatch, tmp_path / "sub")
    with pytest.raises(CorpusError, match=r"folder '.*sub' cannot be read \(Permission denied\)"):
        open_corpus(tmp_path)
    with pytest.raises(CorpusError, match=r"cannot be read \(Permission denied\)"):
        Vocabulary.build(tmp_path, min_count=1)


def test_unreadable_top_folder_is_a_corpus_error(tmp_path, monkeypatch):
    """An unreadable corpus folder was reported as having no regular files."""
    (tmp_path / "a.txt").write_text("one\n", encoding="utf-8")
    _refuse_scandir(monkeypatch, tmp_path)
    with pytest.raises(CorpusError, match=r"folder '.*' cannot be read \(Permission denied\)") as info:
        open_corpus(tmp_path)
    assert str(tmp_path) in str(info.value) and "\n" not in str(info.value)


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() == 0,
                    reason="root reads a folder whatever its permissions (the monkeypatched tests stand for it)")
def test_unreadable_subfolder_real_permissions(tmp_path):
    (tmp_path / "a.txt").write_text("one\n", encoding="utf-8")
    sub = tmp_path / "sub"
    sub.mkdir()
    (sub / "b.txt").write_text("two\n", encoding="utf-8")
    sub.chmod(0)
    try:
        with pytest.raises(CorpusError, match="sub' cannot be read"):
            open_corpus(tmp_path)
    finally:
        sub.chmod(0o755)


def test_folder_corpus_follows_symlinked_folders_without_looping(tmp_path, caplog):
    """A linked file was read but a linked folder skipped; both are followed now, and a link back to
    a folder already read (a loop, or a second way to the same folder) is skipped with a warning."""
    corpus_dir = tmp_path / "corpus"
    corpus_dir.mkdir()
    (corpus_dir / "a.txt").write_text("one\n", encoding="utf-8")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "b.txt").write_text("two\n", encoding="utf-8")
    (corpus_dir / "linked").symlink_to(elsewhere, target_is_directory=True)
    (elsewhere / "loop").symlink_to(corpus_dir, target_is_directory=True)     # back to the top
    (corpus_dir / "self").symlink_to(".", target_is_directory=True)
    with caplog.at_level(logging.WARNING, logger="w2v"):
        corpus = open_corpus(corpus_dir)
    assert corpus.files == [corpus_dir / "a.txt", corpus_dir / "linked" / "b.txt"]
    assert list(corpus) == [["one"], ["two"]]
    assert sorted(Vocabulary.build(corpus_dir, min_count=1).words) == ["one", "two"]
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert any("loop" in w and str(corpus_dir / "self") in w for w in warnings), warnings
    assert any(str(corpus_dir / "linked" / "loop") in w for w in warnings), warnings


@pytest.mark.parametrize("sentences, index, what", [
    ([["a", "b"], "c d"], 1, r"is of type str \('c d'\)"),                 # was read as characters
    ([["a"], [], b"c d"], 2, r"is of type bytes \(b'c d'\)"),
    ([["a"], None], 1, r"is of type NoneType \(None\)"),
    ([["a"], 7], 1, r"is of type int \(7\)"),
    ([[1, 2, 3]], 0, r"holds a token of type int \(1\)"),                    # was an AttributeError
    ([["a"], ("b", b"c")], 1, r"holds a token of type bytes \(b'c'\)"),
    ([["a"], ["b", None]], 1, r"holds a token of type NoneType \(None\)"),
])
def test_in_memory_sentences_must_be_lists_of_str(sentences, index, what):
    """Only the first non-empty sentence was checked: a later string was taken as a list of
    characters (words ' ', 'c', 'd'), and an int or bytes token failed deep in the scan with
    ``AttributeError: 'int' object has no attribute 'encode'``."""
    with pytest.raises(CorpusError, match=rf"sentence {index} {what}") as info:
        Vocabulary.build(sentences, min_count=1)
    assert "\n" not in str(info.value)

    class Stream:                         # the generic iterable path keeps the same rule
        def __iter__(self):
            return iter(sentences)

    with pytest.raises(CorpusError, match=rf"Stream: sentence {index} {what}"):
        list(open_corpus(Stream()))


def test_in_memory_sentences_tuples_and_str_subclasses_accepted():
    class Word(str):
        pass

    corpus = open_corpus([("a", Word("b")), [], ["c"]])
    assert list(corpus) == [["a", "b"], [], ["c"]]
    assert Vocabulary.build(corpus, min_count=1).words == ["a", "b", "c"]


def test_numpy_arrays_of_str_are_token_lists():
    """A sentence that is a 1-D numpy array of str (token columns read back from parquet, a 2-D array
    of tokens) was refused as 'not a list of str tokens'; gensim trains on it. Its tokens are the
    words, read as plain str."""
    lists = [["a", "b", "a"], ["c", "a"], []]
    arrays = [np.array(s, dtype=str) for s in lists]
    objects = np.empty(3, dtype=object)
    objects[:] = [np.array(s, dtype=object) for s in lists]
    expected = Vocabulary.build(lists, min_count=1)
    for corpus in (arrays, objects):
        read = list(open_corpus(corpus))
        assert read == lists and all(type(t) is str for s in read for t in s)
        vocab = Vocabulary.build(corpus, min_count=1)
        assert vocab.words == expected.words and vocab.counts.tolist() == expected.counts.tolist()
    two_d = np.array([["a", "b"], ["c", "a"]])
    assert list(open_corpus(two_d)) == [["a", "b"], ["c", "a"]]


@pytest.mark.parametrize("sentence, what", [
    (np.array([1, 2]), r"holds a token of type int \(1\)"),
    (np.array(["a", None], dtype=object), r"holds a token of type NoneType"),
    (np.array([["a", "b"]]), r"is a 2-dimensional numpy array"),
    (np.array("a b"), r"is a 0-dimensional numpy array"),
])
def test_numpy_arrays_that_are_no_token_lists_are_refused(sentence, what):
    with pytest.raises(CorpusError, match=rf"sentence 1 {what}") as info:
        Vocabulary.build([["a"], sentence], min_count=1)
    assert "\n" not in str(info.value)

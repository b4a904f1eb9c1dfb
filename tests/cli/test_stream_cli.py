"""Corpora from standard input and pipes through real subprocesses (fd 0 is the pipe, as in a shell);
byte-order marks and CR line ends through the CLI in-process."""
import json
import os
import subprocess
import sys
import threading

import pytest

from cli_runner import run_cli
from w2v.corpus import open_corpus
from w2v.errors import CorpusError
from w2v.vectors import KeyedVectors


def _w2v(*args, stdin=None, timeout=120):
    return subprocess.run([sys.executable, "-m", "w2v", *map(str, args)], input=stdin, capture_output=True,
                          timeout=timeout)


@pytest.fixture(scope="module")
def big_text():
    # more than the 1 MiB a reader once sniffed and lost from a pipe; 13 distinct words
    lines = [" ".join(f"w{(i * 7 + j) % 13}" for j in range(i % 11 + 1)) for i in range(80000)]
    text = ("\n".join(lines) + "\n").encode("ascii")
    assert len(text) > 1.2 * (1 << 20)
    return text, sum(len(line.split()) for line in lines), len(lines)


def test_vocab_reads_all_of_standard_input(big_text):
    text, tokens, lines = big_text
    for name in ("-", "/dev/stdin"):
        result = _w2v("vocab", name, "--min-count", "1", "--json", stdin=text)
        assert result.returncode == 0, result.stderr
        report = json.loads(result.stdout)
        assert report["tokens_read"] == tokens and report["sentences"] == lines
        assert report["vocabulary_size"] == 13


def test_train_from_standard_input_and_from_a_fifo(big_text, tmp_path):
    text, tokens, _ = big_text
    out = tmp_path / "v.txt"
    result = _w2v("train", "-", "-o", out, "--min-count", "1", "--dim", "4", "--epochs", "1", "--quiet",
                  "--format", "text", stdin=text)
    assert result.returncode == 0, result.stderr
    assert len(KeyedVectors.load(out)) == 13
    fifo = tmp_path / "corpus.fifo"
    os.mkfifo(fifo)

    def write():
        with open(fifo, "wb") as f:
            f.write(text)

    writer = threading.Thread(target=write, daemon=True)
    writer.start()
    result = _w2v("vocab", fifo, "--min-count", "1", "--json", timeout=60)
    writer.join(5)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["tokens_read"] == tokens


def test_ngram_train_from_standard_input(tmp_path):
    text = b"the cat sat\nthe dog sat\n" * 50
    result = _w2v("ngram", "train", "-", "-o", tmp_path / "m.arpa", "-n", "2", stdin=text)
    assert result.returncode == 0, result.stderr
    assert b"on 400 tokens" in result.stdout        # 300 words and 100 sentence ends


@pytest.mark.parametrize("encoding", ["utf-16", "utf-32"])
def test_utf16_and_utf32_files_are_refused_in_one_line(tmp_path, encoding):
    path = tmp_path / "c.txt"
    path.write_bytes("the cat sat\n".encode(encoding))      # Python writes the byte-order mark
    result = run_cli("vocab", path, "--min-count", "1", text=False)
    assert result.returncode == 2
    message = result.stderr.decode().strip()
    assert len(message.splitlines()) == 1 and encoding.upper() in message and "Traceback" not in message


def test_cr_only_line_ends_and_utf8_bom(tmp_path):
    path = tmp_path / "mac.txt"
    path.write_bytes(b"\xef\xbb\xbfone two\rthree\rfour five six\r")
    result = run_cli("vocab", path, "--min-count", "1", "--tokenizer", "whitespace", "--json", text=False)
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["sentences"] == 3 and report["tokens_read"] == 6
    assert "one" in [w["word"] for w in report["top_words"]]          # the BOM is not glued to it


def test_a_stream_corpus_can_be_read_only_once(tmp_path, monkeypatch):
    read, write = os.pipe()
    os.write(write, b"a b\nc\n")
    os.close(write)
    monkeypatch.setattr(sys, "stdin", os.fdopen(read, "r"))
    corpus = open_corpus("-")
    assert list(corpus) == [["a", "b"], ["c"]]
    with pytest.raises(CorpusError, match="only once"):
        list(corpus)


@pytest.mark.parametrize("command", [["vocab"], ["train", "-o", "{out}.bin"], ["phrases", "-o", "{out}.txt"],
                                     ["ngram", "train", "-o", "{out}.npz"]], ids=lambda c: " ".join(c[:2]))
def test_reading_standard_input_when_it_is_closed_is_a_one_line_error(tmp_path, command):
    """``w2v vocab - <&-`` (and train, phrases, ngram train) ended in ``AttributeError: 'NoneType'
    object has no attribute 'fileno'`` with exit status 1."""
    argv = [a.format(out=tmp_path / "out") for a in command[:1] + ["-"] + command[1:]]
    if command[0] == "ngram":
        argv = ["ngram", "train", "-"] + argv[3:]
    line = " ".join(f"'{a}'" for a in [sys.executable, "-m", "w2v", *argv])
    out = subprocess.run(f"{line} <&-", shell=True, executable="/bin/bash", capture_output=True, text=True,
                         timeout=120)
    assert out.returncode == 2, out.stderr
    assert "Traceback" not in out.stderr and "standard input" in out.stderr
    lines = [line for line in out.stderr.splitlines() if line.strip()]
    assert lines[-1].startswith("w2v ") and ": error: corpus '-' is standard input" in lines[-1]
    assert sum("error" in line for line in lines) == 1      # (phrases draws its stage bar before)
    assert not list(tmp_path.iterdir())


def test_a_corpus_file_named_dash_given_as_dot_slash_dash_is_read(tmp_path):
    """``w2v vocab ./-`` counted standard input instead of the file called ``-``, without a word."""
    (tmp_path / "-").write_text("file words here\n", encoding="utf-8")
    result = run_cli("vocab", "./-", "--min-count", "1", "--json", stdin="standard input\n", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert sorted(w["word"] for w in json.loads(result.stdout)["top_words"]) == ["file", "here", "words"]
    result = run_cli("vocab", "-", "--min-count", "1", "--json", stdin="standard input\n", cwd=tmp_path)
    assert sorted(w["word"] for w in json.loads(result.stdout)["top_words"]) == ["input", "standard"]


@pytest.mark.parametrize("command, what", [
    (["train", "{c}", "-o", "v.bin", "--read-vocab", "-"], "vocabulary"),
    (["train", "{c}", "-o", "v.bin", "--resume", "-"], "state"),
    (["train", "{c}", "-o", "v.bin", "--phrases", "-"], "phrase model"),
    (["ngram", "perplexity", "-", "{c}"], "model"),
    (["ngram", "generate", "-"], "model"),
    (["plot-history", "-", "-o", "h.png"], "STATE"),
    (["neighbors", "-", "word"], "vector file"),
    (["similarity", "-", "a", "b"], "vector file"),
    (["evaluate", "-"], "vector file"),
    (["export", "-", "-o", "v.tsv"], "vector file"),
    (["classes", "-", "-k", "2", "-o", "c.txt"], "vector file"),
    (["plot", "-", "-o", "map.png"], "vector file"),
], ids=lambda c: " ".join(c[:2]) if isinstance(c, list) else None)
def test_dash_where_standard_input_is_not_accepted_says_so(tmp_path, command, what):
    """``--read-vocab -`` (and the model files, which are read more than once) said "'-' does not
    exist", as if a file were missing, while ``-`` is standard input for the corpus beside it."""
    (tmp_path / "c.txt").write_text("a b c\n", encoding="utf-8")
    out = run_cli(*[a.format(c=tmp_path / "c.txt") for a in command], stdin="a b\n", cwd=tmp_path)
    lines = [line for line in out.stderr.splitlines() if not line.startswith("(run ")]
    assert out.returncode == 2 and len(lines) == 1 and "Traceback" not in out.stderr, out.stderr
    assert what in lines[0] and "standard input is not accepted" in lines[0], lines
    assert "does not exist" not in lines[0]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["c.txt"]


def test_utf16_without_a_byte_order_mark_on_standard_input_is_refused_in_one_line():
    """Read as UTF-8, it gave a word per letter: 'the cat' counted as t, h, e, c, a, t."""
    result = run_cli("vocab", "-", "--min-count", "1", stdin="the cat sat\n".encode("utf-16-le"), text=False)
    assert result.returncode == 2 and result.stdout == b""
    message = result.stderr.decode().strip()
    assert len(message.splitlines()) == 1 and "UTF-16LE" in message and "Traceback" not in message

"""``w2v vocab`` through the CLI: report, --json, -o, and one-line errors (exit 2)."""
import gzip
import json

import pytest

from cli_runner import run_cli
from w2v.corpus import Vocabulary


def _run(*args):
    """``w2v vocab ARGS...``."""
    return run_cli("vocab", *args)


@pytest.fixture
def corpus(tmp_path):
    path = tmp_path / "corpus.txt.gz"
    text = "The cat sat on the mat.\nThe dog sat.\nA cat, a dog!\n" * 3 + "caf\xe9 rare\n"
    with gzip.open(path, "wb") as f:
        f.write(text.encode("latin-1"))
    return path


def test_report_on_stdout(corpus):
    result = _run(corpus, "--min-count", "3", "--top", "3")
    assert result.returncode == 0, result.stderr
    out = result.stdout
    # the x9, a/cat/dog/sat x6, on/mat x3, caf/rare x1 (the latin-1 byte is replaced, then dropped)
    assert "tokens read:     41" in out
    assert "tokens kept:     39" in out
    assert "vocabulary size: 7 words with count >= 3" in out
    assert "decode errors:   1" in out
    assert [line.split()[1:] for line in out.splitlines()[-3:]] == [["the", "9"], ["a", "6"], ["cat", "6"]]
    assert "tokens/s" in result.stderr and "tokens/s" not in out


def test_json_and_output_file(corpus, tmp_path):
    out_path = tmp_path / "vocab.txt"
    result = _run(corpus, "--min-count", "1", "--json", "-o", out_path, "--top", "2")
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["tokens_read"] == 41 and report["tokens_kept"] == 41
    assert report["vocabulary_size"] == 9 and report["decode_errors"] == 1
    assert report["top_words"] == [{"word": "the", "count": 9}, {"word": "a", "count": 6}]
    vocab = Vocabulary.load(out_path)
    assert len(vocab) == 9 and vocab.total_words == 41 and vocab.words[-2:] == ["caf", "rare"]


def test_max_final_vocab_and_whitespace_tokenizer(corpus):
    result = _run(corpus, "--min-count", "1", "--max-final-vocab", "2", "--json")
    report = json.loads(result.stdout)
    assert report["vocabulary_size"] <= 2 and report["min_count"] > 1
    result = _run(corpus, "--min-count", "1", "--tokenizer", "whitespace", "--json")
    words = {w["word"] for w in json.loads(result.stdout)["top_words"]}
    assert "The" in words and "mat." in words


@pytest.mark.parametrize("args, message", [
    (["{tmp}/missing.txt"], "does not exist"),
    (["{tmp}/empty.txt"], "has no words"),
    (["{tmp}/small.txt", "--min-count", "50"], "lower --min-count"),
    (["{tmp}/small.txt", "--min-count", "-1"], "must be 0 or more"),
    (["{tmp}/small.txt", "-o", "{tmp}/no/such/folder/v.txt"], "does not exist"),
])
def test_user_errors_exit_2_with_one_line(tmp_path, args, message):
    (tmp_path / "empty.txt").write_text("")
    (tmp_path / "small.txt").write_text("a b c\n")
    result = _run(*[a.format(tmp=tmp_path) for a in args])
    assert result.returncode == 2
    assert message in result.stderr
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    # one line, at most followed by a hint to --help; never the usage block
    assert len(lines) == 1 or (len(lines) == 2 and "--help" in lines[1]), result.stderr
    assert "usage:" not in result.stderr


def test_min_count_0_keeps_every_word_as_1_does_as_in_word2vec_c(corpus):
    zero, one = (_run(corpus, "--min-count", n, "--json") for n in ("0", "1"))
    assert zero.returncode == 0, zero.stderr
    assert json.loads(zero.stdout)["vocabulary_size"] == json.loads(one.stdout)["vocabulary_size"] == 9

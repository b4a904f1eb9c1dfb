"""``w2v neighbors|analogy|similarity`` through the CLI, including the interactive prompt; a closed
standard input through a real subprocess."""
from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
import pytest

from cli_runner import run_cli as run
from w2v import KeyedVectors

HAND_MADE = {
    "the": [0.1, 0.1, 0.1, 0.1],
    "man": [0.0, 1.0, 0.0, 0.0],
    "woman": [0.0, 0.0, 1.0, 0.0],
    "king": [1.0, 1.0, 0.0, 0.0],
    "queen": [1.0, 0.0, 1.0, 0.0],
    "prince": [0.9, 1.0, 0.0, 0.1],
    "chat": [0.0, 0.0, 0.1, 1.0],
    "café": [0.0, 0.1, 0.0, 1.0],
}


@pytest.fixture(scope="module")
def model(tmp_path_factory):
    path = tmp_path_factory.mktemp("query") / "vectors.bin"
    KeyedVectors(list(HAND_MADE), np.array(list(HAND_MADE.values()))).save(path, format="binary")
    return path


def test_neighbors_text_and_json(model):
    out = run("neighbors", model, "king", "-n", "3")
    assert out.returncode == 0, out.stderr
    lines = out.stdout.splitlines()
    assert len(lines) == 3 and lines[0].split()[0] == "prince"
    out = run("neighbors", model, "chat", "--json", "-n", "2")
    result = json.loads(out.stdout)
    assert [r["word"] for r in result] == ["café", "the"]
    expected = KeyedVectors.load(model).most_similar("chat", topn=2)
    assert result[0]["similarity"] == pytest.approx(expected[0][1])


def test_analogy_and_similarity(model):
    out = run("analogy", model, "man", "king", "woman", "-n", "1")
    assert out.returncode == 0 and out.stdout.split()[0] == "queen"
    out = run("analogy", model, "man", "king", "woman", "--mul", "--json")
    assert json.loads(out.stdout)[0]["word"] == "queen"
    out = run("similarity", model, "king", "queen", "--json")
    assert json.loads(out.stdout) == {"word1": "king", "word2": "queen", "similarity": pytest.approx(0.5)}
    assert float(run("similarity", model, "man", "woman").stdout) == pytest.approx(0.0)


@pytest.mark.parametrize("args, message", [
    (["neighbors", "{model}", "qeen"], "did you mean 'queen'"),
    (["neighbors", "{missing}", "king"], "does not exist"),
    (["neighbors", "{corrupt}", "king"], "header"),
    (["analogy", "{model}", "man", "king"], "three words"),
    (["similarity", "{model}", "king", "kingdom"], "'kingdom' is not in the vocabulary"),
])
def test_user_errors_exit_2_with_one_line(model, tmp_path, args, message):
    corrupt = tmp_path / "corrupt.bin"
    corrupt.write_bytes(b"not a vector file\n")
    paths = {"model": model, "missing": tmp_path / "nope.bin", "corrupt": corrupt}
    out = run(*[a.format(**paths) for a in args])
    assert out.returncode == 2
    assert message in out.stderr and len(out.stderr.strip().splitlines()) == 1
    assert "Traceback" not in out.stderr and out.stdout == ""


def test_bad_option_value_is_usage_error(model):
    out = run("neighbors", model, "king", "-n", "0")
    assert out.returncode == 2 and "at least 1" in out.stderr


def test_interactive_neighbors_until_eof(model):
    out = run("neighbors", model, "-n", "2", stdin="king\nqeen\n\nchat café\n")
    assert out.returncode == 0, out.stderr
    blocks = [b.splitlines() for b in out.stdout.strip().split("\n\n")]
    assert len(blocks) == 2
    assert blocks[0][0].split()[0] == "prince"
    assert all(line.split()[0] not in ("chat", "café") for line in blocks[1])
    assert out.stderr.count("Enter word") == 5  # one prompt per line read, plus the one at EOF
    assert "did you mean 'queen'" in out.stderr


def test_interactive_analogy_json_lines_and_exit_word(model):
    out = run("analogy", model, "--json", "-n", "1",
              stdin="man king woman\nman king\nman king woman\nEXIT\nman king woman\n")
    assert out.returncode == 0, out.stderr
    answers = [json.loads(line) for line in out.stdout.splitlines()]
    # one line per query, a failed one included, so that answers line up with questions; nothing after EXIT
    assert len(answers) == 3
    assert answers[0][0]["word"] == answers[2][0]["word"] == "queen"
    assert answers[1] == {"error": "need 3 words, got 2"}
    assert "need 3 words" in out.stderr


def test_interactive_json_answers_an_unknown_word_with_an_error_line(model):
    out = run("neighbors", model, "--json", "-n", "1", stdin="king\nqeen\nchat\n")
    assert out.returncode == 0, out.stderr
    answers = [json.loads(line) for line in out.stdout.splitlines()]
    assert len(answers) == 3 and answers[0][0]["word"] == "prince" and answers[2][0]["word"] == "café"
    assert "qeen" in answers[1]["error"] and "did you mean 'queen'" in out.stderr


def test_interactive_query_splits_words_on_ascii_white_space_only(tmp_path):
    # a no-break space is part of a word in the vector file, and was a word break at the prompt
    path = tmp_path / "nbsp.bin"
    KeyedVectors(["new\u00a0york", "b", "c"], [[1, 0], [0, 1], [0.5, 0.5]]).save(path, format="binary")
    out = run("neighbors", path, "--json", "-n", "1", stdin="new\u00a0york\nb\tc\n")
    assert out.returncode == 0, out.stderr
    answers = [json.loads(line) for line in out.stdout.splitlines()]
    # "b<TAB>c" is still two words
    assert [[r["word"] for r in a] for a in answers] == [["c"], ["new\u00a0york"]]
    assert answers[0][0]["similarity"] == pytest.approx(0.5 ** 0.5)


def test_neighbors_with_stdin_closed_is_a_one_line_error(model):
    out = subprocess.run([sys.executable, "-m", "w2v", "neighbors", str(model)], stdin=subprocess.DEVNULL,
                         capture_output=True, text=True, timeout=60)
    assert out.returncode == 0  # an empty stdin is just end of file
    out = subprocess.run(f"'{sys.executable}' -m w2v neighbors '{model}' <&-", shell=True,
                         executable="/bin/bash", capture_output=True, text=True, timeout=60)
    assert out.returncode == 2 and "Traceback" not in out.stderr
    assert "standard input is closed" in out.stderr


@pytest.mark.parametrize("name, data", [
    ("trunc.txt.gz", None),                    # a gzip stream cut short
    ("bad.gz", b"this is not gzip at all\n"),  # not gzip at all
])
def test_corrupt_compressed_vectors_exit_2(model, tmp_path, name, data):
    import gzip

    if data is None:
        whole = gzip.compress(b"3 2\nking 1 0\nqueen 0 1\nman 1 1\n" * 50)
        data = whole[:len(whole) // 2]
    (tmp_path / name).write_bytes(data)
    out = run("neighbors", tmp_path / name, "king")
    assert out.returncode == 2 and "Traceback" not in out.stderr
    assert "corrupt or truncated" in out.stderr and out.stderr.count("\n") == 1


def test_huge_header_exit_2(tmp_path):
    (tmp_path / "huge.txt").write_text("99999999999 300\nking " + " ".join(["0.5"] * 300) + "\n")
    (tmp_path / "huge.bin").write_bytes(b"99999999999 300\nking " + b"\0" * 1200 + b"\n")
    for name in ("huge.txt", "huge.bin"):
        out = run("neighbors", tmp_path / name, "king")
        assert out.returncode == 2 and "Traceback" not in out.stderr, out.stderr
        assert "header says 99999999999 words of 300 dims" in out.stderr


@pytest.mark.parametrize("command,words", [("neighbors", ["king"]), ("analogy", ["man", "king", "woman"]),
                                           ("similarity", ["king", "queen"])])
def test_words_may_follow_the_options(model, command, words):
    # argparse alone takes a command's words only before its first option: ``neighbors v.bin --json
    # cat`` was "w2v: error: unrecognized arguments: cat"
    before = run(command, model, *words, "--json")
    after = run(command, model, "--json", *words)
    assert before.returncode == 0, before.stderr
    assert after.returncode == 0, after.stderr
    assert json.loads(after.stdout) == json.loads(before.stdout)


def test_an_unknown_option_is_reported_by_its_command(model):
    out = run("neighbors", model, "--bogus", "king")
    assert out.returncode == 2
    assert out.stderr.splitlines()[0].startswith("w2v neighbors: error: unrecognized arguments: --bogus")


@pytest.mark.parametrize("fmt", ["text", "binary"])
def test_header_with_fewer_words_than_rows_is_explained_for_the_command_line(tmp_path, fmt):
    # the message once said only "pass limit=2", a Python argument no w2v command has
    path = tmp_path / "v"
    KeyedVectors(list(HAND_MADE)[:4], np.array(list(HAND_MADE.values())[:4])).save(path, format=fmt)
    data = path.read_bytes()
    path.write_bytes(b"2 4\n" + data[data.index(b"\n") + 1:])
    out = run("neighbors", path, "the")
    assert out.returncode == 2 and len(out.stderr.splitlines()) == 1, out.stderr
    assert "header declares 2 words but more rows follow" in out.stderr
    assert "fix the header" in out.stderr and "limit=2 in Python" in out.stderr

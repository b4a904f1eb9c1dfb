"""Every command through the CLI (in-process): --tokenizer with one meaning, --json wherever there is a
result, '-' for standard input and output, one-line input errors, help without noise."""
from __future__ import annotations

import json

import pytest

from cli_runner import run_cli
from w2v.cli import build_parser
from w2v.ngram import NgramLM
from w2v.vectors import KeyedVectors
from w2v.vectors_io import detect_format

PHRASED = ["New_York is a big city", "C++ and C# are languages", "new_york has a big port",
           "C++ code runs in New_York"] * 40


def w2v(*args, **kw):
    """``w2v ARGS...`` with bytes on stdout and stderr (``-o -`` writes binary files there)."""
    return run_cli(*args, text=False, **kw)


def _text(out) -> str:
    return out.stdout.decode("utf-8")


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    path = tmp_path_factory.mktemp("compat") / "phrased.txt"
    path.write_text("\n".join(PHRASED) + "\n")
    return path


SMALL_TRAIN = ("--dim", 8, "--epochs", 1, "--min-count", 1, "--workers", 1, "--quiet")


@pytest.mark.parametrize("tokenizer, present, absent", [
    ("whitespace", {"New_York", "new_york", "C++", "C#"}, {"york", "c"}),
    ("default", {"new", "york", "c"}, {"C++", "C#", "New_York", "new_york"}),   # lowercase, _ and + dropped
])
def test_train_tokenizer(corpus, tmp_path, tokenizer, present, absent):
    out = w2v("train", corpus, "-o", tmp_path / "v.txt", "--tokenizer", tokenizer, *SMALL_TRAIN)
    assert out.returncode == 0, out.stderr
    words = set(KeyedVectors.load(tmp_path / "v.txt").words)
    assert present <= words and not (absent & words), words


def test_tokenizer_help_is_the_same_in_every_command():
    parser = build_parser()
    commands = parser._subparsers._group_actions[0].choices
    ngram = commands["ngram"]._subparsers._group_actions[0].choices
    helps = {name: p._option_string_actions["--tokenizer"].help.split(";")[:2]
             for name, p in [*commands.items(), *(("ngram " + k, v) for k, v in ngram.items())]
             if "--tokenizer" in p._option_string_actions}
    assert {"train", "demo", "vocab", "ngram train", "ngram perplexity"} <= set(helps)
    assert len({tuple(h) for h in helps.values()}) == 1, helps


def test_every_command_with_a_result_has_json():
    parser = build_parser()
    commands = parser._subparsers._group_actions[0].choices
    ngram = commands.pop("ngram")._subparsers._group_actions[0].choices
    for name, sub in [*commands.items(), *ngram.items()]:
        assert "--json" in sub._option_string_actions, name


def test_train_json(corpus, tmp_path):
    out = w2v("train", corpus, "-o", tmp_path / "v.npz", "--json", "--dim", 8, "--epochs", 2, "--min-count", 1,
              "--workers", 1, "--quiet")
    assert out.returncode == 0, out.stderr
    report = json.loads(_text(out))
    kv = KeyedVectors.load(tmp_path / "v.npz")
    assert report["format"] == "native" == detect_format(tmp_path / "v.npz")
    assert (report["words"], report["dim"]) == (len(kv), kv.dim)
    assert report["epochs_trained"] == 2 and [h["epoch"] for h in report["history"]] == [1, 2]
    assert report["output"] == str(tmp_path / "v.npz")


def test_demo_json_and_tokenizer():
    out = w2v("demo", "--tokens", 20000, "--dim", 8, "--epochs", 1, "--quiet", "--json", "--tokenizer", "whitespace")
    assert out.returncode == 0, out.stderr
    report = json.loads(_text(out))
    assert report["tokenizer"] == "whitespace" and report["training"]["history"][0]["epoch"] == 1
    analogies = report["analogies"]
    assert 0 <= analogies["accuracy"] <= 1 and analogies["questions"] > 0
    assert report["neighbors"] and all(len(v) == 5 for v in report["neighbors"].values())


def test_ngram_train_and_generate_json(corpus, tmp_path):
    model = tmp_path / "lm.npz"
    out = w2v("ngram", "train", corpus, "-n", 2, "-o", model, "--json", "--min-count", 1)
    assert out.returncode == 0, out.stderr
    report = json.loads(_text(out))
    lm = NgramLM.load(model)
    assert report["order"] == 2 and report["format"] == "native"
    assert report["ngrams"] == [len(k) for k in lm.tables_.keys] and report["train_tokens"] == lm.train_tokens_
    out = w2v("ngram", "generate", model, "-n", 25, "--seed", 3, "--json")
    assert out.returncode == 0, out.stderr
    report = json.loads(_text(out))
    assert report["tokens"] == lm.generate(25, seed=3)
    assert " ".join(report["sentences"]).split() == [t for t in report["tokens"] if t != "</s>"]


def test_output_to_stdout(corpus, tmp_path):
    # vectors: the file's bytes on stdout, the summary on stderr
    out = w2v("train", corpus, "-o", "-", "--format", "text", *SMALL_TRAIN)
    assert out.returncode == 0, out.stderr
    (tmp_path / "v.txt").write_bytes(out.stdout)
    kv = KeyedVectors.load(tmp_path / "v.txt")
    assert kv.dim == 8 and "wrote standard output" in out.stderr.decode()
    out = w2v("train", corpus, "-o", "-", *SMALL_TRAIN)   # binary for -
    (tmp_path / "v.bin").write_bytes(out.stdout)
    assert detect_format(tmp_path / "v.bin") == "binary" and len(KeyedVectors.load(tmp_path / "v.bin")) == len(kv)
    # n-gram model: ARPA text on stdout
    out = w2v("ngram", "train", corpus, "-n", 2, "-o", "-", "--min-count", 1)
    assert out.returncode == 0, out.stderr
    assert _text(out).startswith("\\data\\") and "\\end\\" in _text(out)
    (tmp_path / "lm.arpa").write_bytes(out.stdout)
    assert NgramLM.load(tmp_path / "lm.arpa").tables_.order == 2
    # vocabulary
    out = w2v("vocab", corpus, "-o", "-", "--min-count", 1)
    assert out.returncode == 0 and "C++" not in _text(out) and "york " in _text(out)


def test_phrases_and_export_write_to_stdout_too(corpus, tmp_path):
    # '-' is standard output for every command that writes a file (it once made a file named '-')
    to_file = w2v("phrases", corpus, "-o", tmp_path / "p.txt", "--min-count", 1, "--threshold", 1, "--quiet")
    to_stdout = w2v("phrases", corpus, "-o", "-", "--min-count", 1, "--threshold", 1, "--quiet", cwd=tmp_path)
    assert to_stdout.returncode == 0 and to_file.returncode == 0, to_stdout.stderr
    assert to_stdout.stdout == (tmp_path / "p.txt").read_bytes() and b"_" in to_stdout.stdout
    assert "wrote standard output" in to_stdout.stderr.decode()
    assert w2v("train", corpus, "-o", tmp_path / "v.bin", *SMALL_TRAIN).returncode == 0
    for fmt in ("text", "binary"):
        out = w2v("export", tmp_path / "v.bin", "-o", "-", "--format", fmt, cwd=tmp_path)
        assert out.returncode == 0, out.stderr
        assert w2v("export", tmp_path / "v.bin", "-o", tmp_path / f"e.{fmt}", "--format", fmt).returncode == 0
        assert out.stdout == (tmp_path / f"e.{fmt}").read_bytes()
        assert "wrote standard output" in out.stderr.decode()
    assert not (tmp_path / "-").exists()


@pytest.mark.parametrize("command", [["train", "{c}", "-o", "-", "--json"], ["vocab", "{c}", "-o", "-", "--json"],
                                     ["ngram", "train", "{c}", "-o", "-", "--json"],
                                     ["phrases", "{c}", "-o", "-", "--json"]])
def test_json_and_stdout_output_together_is_a_usage_error(corpus, command):
    out = w2v(*[a.format(c=corpus) for a in command])
    assert out.returncode == 2 and b"choose one" in out.stderr and out.stdout == b""


def test_reading_standard_input(corpus, tmp_path):
    text = corpus.read_bytes()
    model = tmp_path / "lm.npz"
    assert w2v("ngram", "train", corpus, "-n", 2, "-o", model, "--min-count", 1).returncode == 0
    piped = w2v("ngram", "perplexity", model, "-", "--json", stdin=text)
    from_file = w2v("ngram", "perplexity", model, corpus, "--json")
    assert piped.returncode == 0, piped.stderr
    assert json.loads(_text(piped)) == json.loads(_text(from_file))
    out = w2v("train", "-", "-o", tmp_path / "v.txt", "--tokenizer", "whitespace", *SMALL_TRAIN, stdin=text)
    assert out.returncode == 0, out.stderr
    assert "C++" in KeyedVectors.load(tmp_path / "v.txt")


@pytest.mark.parametrize("command, message", [
    (["train", "{t}/x.txt", "-o", "{t}/v.bin"], "w2v train: error: corpus '{t}/x.txt' does not exist"),
    (["vocab", "{t}/x.txt"], "w2v vocab: error: corpus '{t}/x.txt' does not exist"),
    (["ngram", "train", "{t}/x.txt", "-o", "{t}/m"], "w2v ngram train: error: corpus '{t}/x.txt' does not exist"),
    (["ngram", "perplexity", "{t}/m", "{t}/x.txt"], "w2v ngram perplexity: error: model '{t}/m' does not exist"),
    (["train", "{t}/c.txt", "-o", "{t}/no/v.bin"], "w2v train: error: output: folder '{t}/no' does not exist"),
    (["train", "{t}/c.txt"], "w2v train: error: the following arguments are required: -o/--output"),
    (["train", "--dim", "0"], "w2v train: error: argument --dim: must be at least 1, got 0"),
])
def test_input_errors_are_one_line_and_a_hint(tmp_path, command, message):
    (tmp_path / "c.txt").write_text("a b c\n")
    out = w2v(*[a.format(t=tmp_path) for a in command])
    lines = out.stderr.decode().splitlines()
    assert out.returncode == 2
    assert lines[0].startswith(message.format(t=tmp_path)), lines
    assert len(lines) == 2 and "--help" in lines[1] and "usage" not in out.stderr.decode()


@pytest.mark.parametrize("command", [["train"], ["demo"], ["vocab"], ["neighbors"], ["analogy"], ["similarity"],
                                     ["evaluate"], ["ngram", "train"], ["ngram", "perplexity"],
                                     ["ngram", "generate"], ["classes"], ["plot"], ["plot-history"], ["export"]])
def test_help_has_no_misleading_defaults(command):
    out = w2v(*command, "--help")
    text = _text(out)
    assert out.returncode == 0
    for noise in ("(default: None)", "(default: True)", "(default: False)", "(default: ==SUPPRESS==)", "(default: )"):
        assert noise not in text, noise
    # a help that states its default is not given a second one
    flat = " ".join(text.split())
    if command == ["train"]:
        alpha = flat[flat.index("--alpha ALPHA "):flat.index("--min-alpha MIN_ALPHA ")]
        assert "0.025" in alpha and "0.05" in alpha and "(default:" not in alpha
        assert "(default: 5)" in flat and "(default: 0.001)" in flat  # true defaults still shown


def test_phrases_to_a_pipe_that_closes_early_is_not_an_error(corpus):
    # ``w2v phrases c.txt -o - | head``: the reader stopping is not a write failure (as for the others)
    import subprocess
    import sys

    big = corpus.parent / "big.txt"
    big.write_bytes(corpus.read_bytes() * 400)
    script = (f"'{sys.executable}' -m w2v phrases '{big}' -o - --min-count 1 --quiet | head -c 10 >/dev/null;"
              " exit ${PIPESTATUS[0]}")
    out = subprocess.run(script, shell=True, executable="/bin/bash", capture_output=True, text=True, timeout=120)
    assert out.returncode == 0 and "error" not in out.stderr, out.stderr

"""``w2v evaluate`` through the CLI: JSON shape, table, errors."""
from __future__ import annotations

import json

import numpy as np
import pytest

from cli_runner import run_cli as run
from w2v import KeyedVectors
from w2v.evaluate import evaluate_analogies, evaluate_word_pairs


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    folder = tmp_path_factory.mktemp("evaluate")
    rng = np.random.default_rng(0)
    offset = rng.normal(size=10)
    words, rows = [], []
    for country, capital in [("greece", "athens"), ("italy", "rome"), ("france", "paris"), ("spain", "madrid")]:
        base = rng.normal(size=10) * 2
        words += [country, capital]
        rows += [base, base + offset]
    words += ["tiger", "cat", "love", "sex"]
    rows += list(rng.normal(size=(4, 10)))
    kv = KeyedVectors(words, np.array(rows))
    kv.save(folder / "v.txt", format="text")
    (folder / "q.txt").write_text(": capitals\nathens greece rome italy\nathens greece paris france\n"
                                  "athens greece oslo norway\n: gram-x\nrome italy madrid spain\n")
    (folder / "p.tsv").write_text("tiger\tcat\t7.35\nlove\tsex\t6.77\ncat\tlove\t2.0\nsex\tgreece\t1.0\nx\ty\t3\n")
    return folder, kv


def test_json_shape_and_values(files):
    folder, kv = files
    out = run("evaluate", folder / "v.txt", "--analogies", folder / "q.txt", "--pairs", folder / "p.tsv",
              "--json", "--restrict-vocab", "100")
    assert out.returncode == 0, out.stderr
    d = json.loads(out.stdout)
    assert set(d) == {"analogy", "pairs"}
    assert {"accuracy", "questions", "skipped", "sections"} <= set(d["analogy"])
    assert {"spearman", "pearson", "oov_ratio"} <= set(d["pairs"])
    assert (d["analogy"]["questions"], d["analogy"]["skipped"], d["analogy"]["accuracy"]) == (3, 1, 1.0)
    assert d["analogy"]["sections"]["capitals"]["questions"] == 2
    pairs = evaluate_word_pairs(kv, folder / "p.tsv")
    assert d["pairs"]["spearman"] == pytest.approx(pairs.spearman)
    assert d["pairs"]["oov_ratio"] == pytest.approx(0.2)


def test_mul_and_table(files):
    folder, kv = files
    out = run("evaluate", folder / "v.txt", "--analogies", folder / "q.txt", "--pairs", folder / "p.tsv", "--mul")
    assert out.returncode == 0, out.stderr
    assert "3CosMul" in out.stdout and "capitals" in out.stdout and "gram-x" in out.stdout
    assert "total" in out.stdout and "spearman" in out.stdout
    expected = evaluate_analogies(kv, folder / "q.txt", method="mul")
    assert f"{100 * expected.accuracy:.2f}%" in out.stdout


def test_default_sets_are_bundled(files):
    folder, _ = files
    out = run("evaluate", folder / "v.txt", "--json")
    assert out.returncode == 0, out.stderr
    d = json.loads(out.stdout)
    assert d["analogy"]["questions"] + d["analogy"]["skipped"] == 19544
    assert d["pairs"]["oov_ratio"] > 0.9


@pytest.mark.parametrize("args, message", [
    (["{missing}"], "does not exist"),
    (["{model}", "--analogies", "{missing}"], "does not exist"),
    (["{model}", "--restrict-vocab", "0"], "at least 1"),
])
def test_errors_exit_2(files, args, message):
    folder, _ = files
    paths = {"model": folder / "v.txt", "missing": folder / "missing.txt"}
    out = run("evaluate", *[a.format(**paths) for a in args])
    assert out.returncode == 2 and message in out.stderr and "Traceback" not in out.stderr


def test_one_usable_pair_is_a_one_line_error(files):
    folder, _ = files
    (folder / "one.tsv").write_text("tiger\tcat\t7.35\nx\ty\t3\n")
    out = run("evaluate", folder / "v.txt", "--analogies", folder / "q.txt", "--pairs", folder / "one.tsv",
              "--json")
    # the analogies still succeed: exit 0, pairs reported unavailable with the reason
    assert out.returncode == 0 and "Traceback" not in out.stderr
    d = json.loads(out.stdout)
    assert d["analogy"]["questions"] == 3
    assert "only 1 usable word pair" in d["pairs"]["error"]


def test_pairs_failure_keeps_the_analogy_table(files):
    folder, _ = files
    (folder / "oov.tsv").write_text("x\ty\t3\n")
    out = run("evaluate", folder / "v.txt", "--analogies", folder / "q.txt", "--pairs", folder / "oov.tsv")
    assert out.returncode == 0, out.stderr
    assert "capitals" in out.stdout and "total" in out.stdout
    assert "unavailable (" in out.stdout and "no word pair to score" in out.stdout


def test_both_failing_exits_2(files):
    folder, _ = files
    (folder / "oov.tsv").write_text("x\ty\t3\n")
    (folder / "noq.txt").write_text("no header here\n")
    out = run("evaluate", folder / "v.txt", "--analogies", folder / "noq.txt", "--pairs", folder / "oov.tsv")
    assert out.returncode == 2 and "Traceback" not in out.stderr and out.stderr.count("\n") == 1


def test_constant_scores_give_null_and_reason(files):
    folder, _ = files
    (folder / "const.tsv").write_text("tiger\tcat\t5\nlove\tsex\t5\ncat\tlove\t5\n")
    out = run("evaluate", folder / "v.txt", "--analogies", folder / "q.txt", "--pairs", folder / "const.tsv",
              "--json")
    assert out.returncode == 0, out.stderr
    assert "NaN" not in out.stdout
    d = json.loads(out.stdout)
    assert d["pairs"]["spearman"] is None and d["pairs"]["pearson"] is None
    assert "human score" in d["pairs"]["reason"]
    out = run("evaluate", folder / "v.txt", "--analogies", folder / "q.txt", "--pairs", folder / "const.tsv")
    assert out.returncode == 0 and "spearman n/a" in out.stdout and "human score" in out.stdout

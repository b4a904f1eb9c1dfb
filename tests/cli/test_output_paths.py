"""Where a command writes: ``-`` is standard output wherever a command can write there and an error
where it cannot (never a file named ``-``), and a path ending in a folder separator is not a file."""
import json

import numpy as np
import pytest

from cli_runner import run_cli
from w2v.vectors import KeyedVectors

WORDS = ["king", "queen", "man", "woman", "cat"]


@pytest.fixture
def vectors(tmp_path):
    path = tmp_path / "v.txt"
    KeyedVectors(WORDS, np.random.default_rng(0).standard_normal((5, 4)).astype(np.float32)).save(path)
    return path


def test_classes_to_standard_output_with_a_dash(vectors, tmp_path):
    # "-o -" wrote a file named "-" in the working folder
    out = run_cli("classes", vectors, "-k", "2", "-o", "-", cwd=tmp_path)
    assert out.returncode == 0, out.stderr
    assert not (tmp_path / "-").exists()
    lines = [line.split() for line in out.stdout.splitlines()]
    assert [w for w, _ in lines] == WORDS and {c for _, c in lines} <= {"0", "1"}
    both = run_cli("classes", vectors, "-k", "2", "-o", "-", "--json", cwd=tmp_path)
    assert both.returncode == 2 and "--json" in both.stderr and both.stdout == "", both.stderr
    assert not (tmp_path / "-").exists()


@pytest.mark.parametrize("command", [["export", "{v}", "-o", "{d}"], ["classes", "{v}", "-k", "2", "-o", "{d}"]],
                         ids=["export", "classes"])
def test_an_output_path_ending_in_a_separator_is_not_a_file(vectors, tmp_path, command):
    # "newdir/" lost its slash and became a file named newdir
    target = str(tmp_path / "newdir") + "/"
    out = run_cli(*[a.format(v=vectors, d=target) for a in command])
    assert out.returncode == 2 and "folder" in out.stderr and "Traceback" not in out.stderr, out.stderr
    assert not (tmp_path / "newdir").exists()


@pytest.mark.parametrize("option", ["--classes-output", "--plot-history"])
def test_options_that_cannot_write_to_standard_output_refuse_a_dash(tmp_path, option):
    corpus = tmp_path / "c.txt"
    corpus.write_text("the cat sat on the mat\n" * 20)
    out = run_cli("train", corpus, "-o", tmp_path / "v.bin", option, "-", "--classes", "2", "--epochs", "1",
                  "--min-count", "1", "--dim", "4", "--quiet", cwd=tmp_path)
    assert out.returncode == 2 and "standard output" in out.stderr, out.stderr
    assert not (tmp_path / "-").exists() and not (tmp_path / "v.bin").exists()


def test_plot_reports_the_classes_it_drew(vectors, tmp_path):
    pytest.importorskip("matplotlib")
    out = run_cli("plot", vectors, "-o", tmp_path / "p.png", "--classes", "6", "--json")
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout)["classes"] == 5  # five words: at most five classes

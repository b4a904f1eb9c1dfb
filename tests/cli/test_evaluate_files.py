"""Issue 15, item 12: an --analogies or --pairs file given explicitly that cannot be used (missing,
a folder, empty, malformed) is an input error (exit 2, one line) rather than "unavailable" with
exit 0; malformed lines that are skipped are counted in the report."""
import json

import numpy as np
import pytest

from cli_runner import run_cli
from w2v import KeyedVectors
from w2v.evaluate import evaluate_analogies, evaluate_word_pairs
from w2v.evaluate._common import EvaluationError

GOOD_QUESTIONS = ": capitals\nathens greece rome italy\nathens greece paris france\n"
GOOD_PAIRS = "greece\titaly\t5\nathens\trome\t6\nparis\tfrance\t8\n"


def run(*args):
    """``w2v evaluate ARGS...``."""
    return run_cli("evaluate", *args)


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    folder = tmp_path_factory.mktemp("evaluate-files")
    rng = np.random.default_rng(0)
    words = ["greece", "athens", "italy", "rome", "france", "paris"]
    KeyedVectors(words, rng.normal(size=(len(words), 6))).save(folder / "v.txt", format="text")
    (folder / "q.txt").write_text(GOOD_QUESTIONS)
    (folder / "p.tsv").write_text(GOOD_PAIRS)
    (folder / "empty.txt").write_text("")
    (folder / "a-folder").mkdir()
    (folder / "garbage.bin").write_bytes(bytes(range(256)) * 8)
    (folder / "noheader.txt").write_text("athens greece rome italy\n")
    (folder / "threewords.txt").write_text(": s\nathens greece rome\nathens greece\n")
    (folder / "badpairs.tsv").write_text("greece italy five\nathens,rome,6\n")
    return folder


@pytest.mark.parametrize("bad", ["empty.txt", "a-folder", "garbage.bin", "noheader.txt", "threewords.txt"])
def test_unusable_analogy_file_exits_2(folder, bad):
    out = run(folder / "v.txt", "--analogies", folder / bad, "--pairs", folder / "p.tsv")
    assert out.returncode == 2, (out.returncode, out.stdout, out.stderr)
    # a folder is refused by the option's type, a usage error: argparse's "(run ... --help)" hint follows
    lines = [line for line in out.stderr.strip().splitlines() if not line.startswith("(run ")]
    assert "Traceback" not in out.stderr and len(lines) == 1, out.stderr
    assert bad in out.stderr
    if bad == "a-folder":
        assert "does not exist" not in out.stderr and "folder" in out.stderr


@pytest.mark.parametrize("bad", ["empty.txt", "a-folder", "garbage.bin", "badpairs.tsv"])
def test_unusable_pairs_file_exits_2(folder, bad):
    out = run(folder / "v.txt", "--analogies", folder / "q.txt", "--pairs", folder / bad, "--json")
    assert out.returncode == 2, (out.returncode, out.stdout, out.stderr)
    assert "Traceback" not in out.stderr and bad in out.stderr and out.stdout == ""
    if bad == "a-folder":
        assert "does not exist" not in out.stderr


def test_malformed_lines_are_counted(folder):
    (folder / "q-some-bad.txt").write_text(GOOD_QUESTIONS + "only three words\nfive words are too many\n")
    (folder / "p-some-bad.tsv").write_text(GOOD_PAIRS + "greece italy\nathens\trome\tsix\n")
    out = run(folder / "v.txt", "--analogies", folder / "q-some-bad.txt", "--pairs", folder / "p-some-bad.tsv",
              "--json")
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    assert data["analogy"]["malformed"] == 2 and data["analogy"]["questions"] == 2
    assert data["pairs"]["malformed"] == 2 and data["pairs"]["pairs"] == 3
    table = run(folder / "v.txt", "--analogies", folder / "q-some-bad.txt", "--pairs", folder / "p-some-bad.tsv")
    assert table.returncode == 0 and table.stdout.count("2 malformed lines skipped") == 2, table.stdout


def test_python_api_counts_malformed_lines_and_names_folders(folder):
    kv = KeyedVectors.load(folder / "v.txt")
    assert evaluate_analogies(kv, folder / "q.txt").malformed == 0
    assert evaluate_word_pairs(kv, folder / "p.tsv").malformed == 0
    with pytest.raises(EvaluationError, match="is a folder"):
        evaluate_analogies(kv, folder / "a-folder")

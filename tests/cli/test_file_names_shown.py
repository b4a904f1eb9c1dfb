"""File names in the text reports and error lines: a name holding a newline (or another control
character) is shown escaped, so that one name stays on one line; an ordinary name as it is.
``--json`` escapes names already and is not concerned."""
import numpy as np
import pytest

from cli_runner import run_cli
from w2v import KeyedVectors

TEXT = "the cat sat on the mat\nthe dog sat on the log\na cat saw a dog\n" * 30
FAST = ("--min-count", "1", "--dim", "4", "--epochs", "1", "--workers", "1", "--quiet")
#: what follows the newline in every odd name: it must never start a line of the output
TAIL = "TAIL"


def _odd(folder, stem: str, suffix: str):
    """A path in ``folder`` whose name holds a newline before :data:`TAIL`."""
    return folder / f"{stem}\n{TAIL}{suffix}"


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    """Real files whose names hold a newline: a corpus, vectors, a trainer state, and a vector file
    and a vocabulary file that are corrupt (for the error lines that name them)."""
    folder = tmp_path_factory.mktemp("odd-names")
    corpus = _odd(folder, "corpus", ".txt")
    corpus.write_text(TEXT)
    vectors = _odd(folder, "vectors", ".txt")
    words = sorted(set(TEXT.split()))
    KeyedVectors(words, np.random.default_rng(0).normal(size=(len(words), 4))).save(vectors, format="text")
    state = _odd(folder, "state", ".npz")
    assert run_cli("train", corpus, "-o", folder / "v.bin", "--save-state", state, *FAST).returncode == 0
    bad_vectors = _odd(folder, "bad", ".txt")
    bad_vectors.write_text("not a vector file\n")
    bad_vocab = _odd(folder, "badvocab", ".txt")
    bad_vocab.write_text("the 400\nx y 300\n")
    return {"corpus": corpus, "vectors": vectors, "state": state, "bad_vectors": bad_vectors,
            "bad_vocab": bad_vocab}


@pytest.mark.parametrize("command, status", [
    (["vocab", "{corpus}", "--min-count", "1"], 0),
    (["vocab", "{corpus}", "--min-count", "1", "-o", "{out}.txt"], 0),
    (["train", "{corpus}", "-o", "{out}.bin", "--save-vocab", "{out}.vocab", "--save-state", "{out}.npz", *FAST], 0),
    (["ngram", "train", "{corpus}", "-o", "{out}.npz", "--min-count", "1"], 0),
    (["phrases", "{corpus}", "-o", "{out}.txt", "--min-count", "1", "--save-model", "{out}.npz"], 0),
    (["export", "{vectors}", "-o", "{out}.tsv"], 0),
    (["classes", "{vectors}", "-k", "2", "-o", "{out}.txt"], 0),
    (["plot-history", "{state}", "-o", "{out}.png"], 0),
    (["neighbors", "{bad_vectors}", "cat"], 2),
    (["train", "{corpus}", "-o", "{out}.bin", "--read-vocab", "{bad_vocab}", *FAST], 2),
], ids=["vocab", "vocab -o", "train", "ngram train", "phrases", "export", "classes", "plot-history",
        "neighbors error", "train --read-vocab error"])
def test_a_file_name_holding_a_newline_stays_on_one_line(files, tmp_path, command, status):
    argv = [a.format(**files, out=_odd(tmp_path, "out", "")) for a in command]
    out = run_cli(*argv)
    assert out.returncode == status, (out.returncode, out.stderr)
    assert "Traceback" not in out.stderr
    text = out.stdout + out.stderr
    # a name printed as it is would start a line with what follows its newline
    assert not [line for line in text.splitlines() if line.startswith(TAIL)], text
    # and it is shown escaped, as repr writes it (each report names one of the files at least)
    assert any(repr(name) in text for name in argv if "\n" in name), text


def test_an_ordinary_file_name_is_shown_as_it_is(tmp_path):
    corpus = tmp_path / "my corpus.txt"   # a space is printable: no quotes, no escapes
    corpus.write_text(TEXT)
    out = run_cli("vocab", corpus, "--min-count", "1", "-o", tmp_path / "vocab.txt")
    assert out.returncode == 0, out.stderr
    assert f"corpus:          {corpus}\n" in out.stdout
    assert f"vocabulary written to {tmp_path / 'vocab.txt'}\n" in out.stderr

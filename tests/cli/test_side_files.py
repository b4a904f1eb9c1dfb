"""Side files (analogy questions, word pairs, classes, connector words, held-out text) are read whole,
so each option that names one refuses a device by its type, with one line and exit 2: ``--pairs
/dev/zero`` filled memory until the OOM killer came. A pipe is read like a file where the file is
read once (``--pairs <(zcat pairs.gz)``) and refused where it is read after every epoch (``--questions``).

``/dev/null`` stands for every device here: reading it is harmless (it is empty), so a test that
finds the bug reports a wrong message instead of exhausting the machine as ``/dev/zero`` would.
"""
from __future__ import annotations

import numpy as np
import pytest

from cli_runner import run_cli
from fifos import fed_fifo, released_fifo
from w2v import KeyedVectors

pytestmark = pytest.mark.skipif(not hasattr(__import__("os"), "mkfifo"), reason="no FIFOs on this system")

WORDS = ["greece", "athens", "italy", "rome", "france", "paris"]


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    folder = tmp_path_factory.mktemp("side-files")
    rng = np.random.default_rng(0)
    KeyedVectors(WORDS, rng.normal(size=(len(WORDS), 6))).save(folder / "v.txt", format="text")
    (folder / "corpus.txt").write_text(" ".join(WORDS) * 1 + "\n" + "athens greece rome italy\n" * 20)
    (folder / "q.txt").write_text(": capitals\nathens greece rome italy\n")
    (folder / "p.tsv").write_text("greece\titaly\t5\nathens\trome\t6\nparis\tfrance\t8\n")
    return folder


def _command(folder, tmp_path, option, side):
    """``w2v ...`` with ``side`` as the value of ``option`` and everything else valid."""
    v, corpus = folder / "v.txt", folder / "corpus.txt"
    return {
        "--analogies": ("evaluate", v, "--analogies", side, "--pairs", folder / "p.tsv"),
        "--pairs": ("evaluate", v, "--analogies", folder / "q.txt", "--pairs", side),
        "plot --classes-file": ("plot", v, "-o", tmp_path / "map.png", "--classes-file", side),
        "export --classes-file": ("export", v, "--projector", tmp_path / "proj", "--classes-file", side),
        "--connector-words": ("phrases", corpus, "-o", tmp_path / "out.txt", "--min-count", "1",
                              "--connector-words", side),
        "--questions": ("train", corpus, "-o", tmp_path / "t.txt", "--min-count", "1", "--dim", "4",
                        "--epochs", "1", "--quiet", "--evaluate-every-epoch", "--questions", side),
        "--heldout": ("ngram", "train", corpus, "-o", tmp_path / "m.arpa", "--smoothing", "interpolated",
                      "--min-count", "1", "--heldout", side),
    }[option]


OPTIONS = ["--analogies", "--pairs", "plot --classes-file", "export --classes-file", "--connector-words",
           "--questions", "--heldout"]


def _assert_refused(out, side):
    assert out.returncode == 2, (out.returncode, out.stdout, out.stderr)
    # one line; a usage error that argparse reports adds its "(run 'w2v ... --help' ...)" hint
    lines = [line for line in out.stderr.strip().splitlines() if not line.startswith("(run ")]
    assert "Traceback" not in out.stderr and len(lines) == 1, out.stderr
    assert str(side) in lines[0] and "not a regular file" in lines[0], out.stderr


@pytest.mark.parametrize("option", OPTIONS)
def test_a_device_as_side_file_is_refused(folder, tmp_path, option):
    _assert_refused(run_cli(*_command(folder, tmp_path, option, "/dev/null")), "/dev/null")


@pytest.mark.parametrize("option", OPTIONS)
def test_dash_as_side_file_says_standard_input_is_not_accepted(folder, tmp_path, option):
    # "--pairs '-' does not exist: check the path" read as a missing file, while '-' is standard
    # input for a corpus; no file named '-' is in the working folder
    out = run_cli(*_command(folder, tmp_path, option, "-"), stdin="a b\n", cwd=tmp_path)
    lines = [line for line in out.stderr.strip().splitlines() if not line.startswith("(run ")]
    assert out.returncode == 2 and len(lines) == 1 and "Traceback" not in out.stderr, out.stderr
    assert option.split()[-1] in lines[0] and "standard input is not accepted" in lines[0], lines


def test_a_fifo_as_the_questions_of_every_epoch_is_refused_without_waiting_for_a_writer(folder, tmp_path):
    # read after every epoch: a pipe, read once, cannot be it
    with released_fifo(tmp_path / "side.fifo") as fifo:
        out = run_cli(*_command(folder, tmp_path, "--questions", fifo))
    _assert_refused(out, fifo)
    assert "pipe (FIFO)" in out.stderr


READ_ONCE = {"--analogies": "q.txt", "--pairs": "p.tsv", "plot --classes-file": "classes.txt",
             "export --classes-file": "classes.txt", "--connector-words": "connectors.txt",
             "--heldout": "corpus.txt"}


@pytest.mark.parametrize("option", READ_ONCE)
def test_a_pipe_for_a_file_read_once_is_read(folder, tmp_path, option):
    # ``--pairs <(zcat pairs.tsv.gz)``: a pipe is refused only where the file is read more than once
    (folder / "classes.txt").write_text("".join(f"{w} {i % 2}\n" for i, w in enumerate(WORDS)))
    (folder / "connectors.txt").write_text("of\nthe\n")
    with fed_fifo(tmp_path / "side.fifo", (folder / READ_ONCE[option]).read_bytes()) as fifo:
        out = run_cli(*_command(folder, tmp_path, option, fifo))
    assert out.returncode == 0, out.stderr


@pytest.mark.parametrize("reader", ["evaluate_analogies", "evaluate_word_pairs", "read_classes"])
@pytest.mark.parametrize("kind", ["device", "fifo"])
def test_public_readers_of_side_files_refuse_devices_and_read_pipes(folder, tmp_path, reader, kind):
    """The Python API, not only the command line: the readers check the file themselves."""
    from w2v.clusters import ClusteringError, read_classes
    from w2v.evaluate import evaluate_analogies, evaluate_word_pairs
    from w2v.evaluate._common import EvaluationFileError

    kv = KeyedVectors.load(folder / "v.txt")
    call, error = {"evaluate_analogies": (lambda p: evaluate_analogies(kv, p), EvaluationFileError),
                   "evaluate_word_pairs": (lambda p: evaluate_word_pairs(kv, p), EvaluationFileError),
                   "read_classes": (read_classes, ClusteringError)}[reader]
    if kind == "device":
        with pytest.raises(error, match="'/dev/null' is not a regular file but a device"):
            call("/dev/null")
        return
    # a pipe is read once, as a file (as the command line's options do)
    (folder / "classes.txt").write_text("".join(f"{w} {i % 2}\n" for i, w in enumerate(WORDS)))
    source = {"evaluate_analogies": "q.txt", "evaluate_word_pairs": "p.tsv", "read_classes": "classes.txt"}[reader]
    with fed_fifo(tmp_path / "side.fifo", (folder / source).read_bytes()) as fifo:
        from_pipe = call(fifo)
    assert str(from_pipe) == str(call(folder / source))

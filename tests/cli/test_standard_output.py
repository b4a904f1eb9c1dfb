"""Standard output that cannot take the results: closed before the command started (``>&-``), a
reader that stops early (``| head``), a full disk. Each is said in one line, or (the reader that
stopped) not at all, and never costs the files written beside it."""
import os
import subprocess
import sys

import numpy as np
import pytest

pytestmark = pytest.mark.skipif(not os.path.exists("/bin/bash"), reason="runs shell pipelines")


@pytest.fixture
def corpus(tmp_path):
    # 600 distinct words: the vectors (600 x 64 float32, 150 KB) outgrow a pipe's buffer
    rng = np.random.default_rng(0)
    path = tmp_path / "c.txt"
    path.write_text("".join(" ".join(f"w{i}" for i in rng.integers(0, 600, 20)) + "\n" for _ in range(3000)))
    return path


def _shell(script, **kwargs):
    return subprocess.run(script, shell=True, executable="/bin/bash", capture_output=True, text=True, timeout=180,
                          **kwargs)


W2V = f"'{sys.executable}' -m w2v"
TRAIN = "--min-count 1 --dim 64 --epochs 1 --workers 1 --quiet"


@pytest.mark.parametrize("command", [["vocab", "{corpus}", "--min-count", "1"], ["vocab", "{corpus}", "--json"]],
                         ids=["text", "json"])
def test_a_closed_standard_output_is_a_one_line_error(corpus, command):
    # Python starts with sys.stdout = None: every print raised AttributeError, a traceback
    args = " ".join(a.format(corpus=corpus) for a in command)
    out = _shell(f"{W2V} {args} >&-")
    assert out.returncode == 1, out.stderr
    assert "Traceback" not in out.stderr
    assert out.stderr.strip().splitlines()[-1] == "w2v vocab: error: could not write to standard output: it is closed"


def test_vectors_for_a_closed_standard_output_are_refused_before_training(corpus, tmp_path):
    out = _shell(f"{W2V} train '{corpus}' -o - {TRAIN} --save-vocab '{tmp_path / 'v.txt'}' >&-")
    assert out.returncode == 1 and "Traceback" not in out.stderr, out.stderr
    line, = out.stderr.strip().splitlines()
    assert "standard output" in line and "closed" in line and "nothing was trained" in line, line
    assert not (tmp_path / "v.txt").exists()


def test_a_reader_that_stops_early_costs_none_of_the_other_files(corpus, tmp_path):
    # the vectors' BrokenPipeError ended the writing: the vocabulary and the word classes, written
    # after the vectors, were lost without a word, with status 0
    vocab, classes = tmp_path / "vocab.txt", tmp_path / "classes.txt"
    out = _shell(f"{W2V} train '{corpus}' -o - {TRAIN} --save-vocab '{vocab}' --classes 5 "
                 f"--classes-output '{classes}' | head -c 10 >/dev/null; exit ${{PIPESTATUS[0]}}")
    assert out.returncode == 0 and "error" not in out.stderr, out.stderr
    assert len(vocab.read_text().splitlines()) == 1 + 600  # the header, then one line per word
    assert len(classes.read_text().splitlines()) == 600


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="needs Linux's /dev/full (a device every write to fails)")
def test_a_full_standard_output_names_it_and_no_folder(corpus, tmp_path):
    # "free some space, check the folder's permissions or choose another path" named a folder that
    # standard output does not have
    vocab = tmp_path / "vocab.txt"
    out = _shell(f"{W2V} train '{corpus}' -o - {TRAIN} --save-vocab '{vocab}' >/dev/full")
    assert out.returncode == 1 and "Traceback" not in out.stderr, out.stderr
    assert "w2v train: error: could not write the vectors to standard output: No space left on device" in out.stderr
    assert "folder" not in out.stderr
    assert len(vocab.read_text().splitlines()) == 1 + 600  # the header, then one line per word


def test_other_names_of_standard_output_write_to_it_and_never_replace_a_link(corpus, tmp_path):
    # /dev/stdout is a link to /proc/self/fd/1: with standard output redirected to a file it reached a
    # regular file, so the atomic writer renamed a new file over the link (as root, /dev/stdout itself)
    link = tmp_path / "stdout-link"
    link.symlink_to("/proc/self/fd/1")
    out = _shell(f"{W2V} train {corpus} -o {link} --format text {TRAIN} > {tmp_path / 'v.txt'}")
    assert out.returncode == 0, out.stderr
    assert link.is_symlink()
    lines = (tmp_path / "v.txt").read_text().splitlines()
    assert lines[0] == "600 64" and len(lines) == 601            # the vectors alone: the summary went to stderr
    assert "wrote" in out.stderr


def test_an_output_named_as_the_file_stdout_goes_to_keeps_its_format_or_is_refused(corpus, tmp_path):
    # only names of the descriptor (/dev/stdout, /proc/self/fd/1) are standard output: a plain name
    # keeps the format it implies; a second output onto standard output's file would replace it
    # (the vectors of -o - were lost under the vocabulary)
    out = _shell(f"{W2V} train {corpus} -o - --format text --save-vocab {tmp_path / 'o.txt'} {TRAIN} "
                 f"> {tmp_path / 'o.txt'}")
    assert out.returncode == 2 and "standard output" in out.stderr, out.stderr
    assert len(out.stderr.strip().splitlines()) == 1
    link = tmp_path / "so"
    link.symlink_to("/proc/self/fd/1")
    out = _shell(f"set -o pipefail; {W2V} train {corpus} -o {tmp_path / 'v.txt'} --save-state {link} {TRAIN} | cat")
    assert out.returncode == 2 and "standard output" in out.stderr, out.stderr
    assert link.is_symlink() and not (tmp_path / "v.txt").exists()
    out = _shell(f"{W2V} train {corpus} -o {tmp_path / 'o2.txt'} {TRAIN} > {tmp_path / 'o2.txt'}")
    assert out.returncode == 2 and "-o" in out.stderr and "standard output" in out.stderr, out.stderr

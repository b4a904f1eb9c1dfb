"""Issue 15, item 8: a write that fails (full disk, permission denied, a file where a folder should
be) is a one-line error naming the file that could not be written, exit 1, with no temporary file
left. Faults are injected in-process (a full disk cannot be made on demand)."""
import errno
import os
import tempfile

import pytest

from cli_runner import run_cli
from faults import disk_full_for
from w2v.cli import main

TEXT = "the cat sat on the mat\nthe dog sat on the log\na cat saw a dog\n" * 30


@pytest.fixture
def corpus(tmp_path):
    path = tmp_path / "c.txt"
    path.write_text(TEXT)
    return path


def _permission_denied(monkeypatch, name: str = ""):
    # no file can be created for outputs whose name contains ``name`` (every output when empty)
    real = tempfile.mkstemp

    def mkstemp(*args, dir=None, prefix=None, **kwargs):
        if name not in (prefix or ""):
            return real(*args, dir=dir, prefix=prefix, **kwargs)
        raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), os.path.join(dir or ".", ".x.tmp"))

    monkeypatch.setattr(tempfile, "mkstemp", mkstemp)


def _one_line_naming(capsys, status, expected_status, path, reason):
    err = capsys.readouterr().err
    lines = [line for line in err.splitlines() if line.strip()]
    assert status == expected_status, err
    assert "Traceback" not in err and len(lines) == 1, err
    assert str(path) in lines[0] and reason in lines[0], lines[0]
    assert not [p for p in os.listdir(os.path.dirname(path)) if p.endswith(".tmp")]
    assert not os.path.exists(path)


@pytest.mark.parametrize("fault, reason", [(disk_full_for, "No space left"), (_permission_denied, "Permission")])
def test_vocab_output(corpus, tmp_path, monkeypatch, capsys, fault, reason):
    fault(monkeypatch)
    status = main(["vocab", str(corpus), "--min-count", "1", "-o", str(tmp_path / "v.txt")])
    _one_line_naming(capsys, status, 1, tmp_path / "v.txt", reason)


@pytest.mark.parametrize("name", ["m.arpa", "m.npz"])
@pytest.mark.parametrize("fault, reason", [(disk_full_for, "No space left"), (_permission_denied, "Permission")])
def test_ngram_train_output(corpus, tmp_path, monkeypatch, capsys, name, fault, reason):
    fault(monkeypatch)
    status = main(["ngram", "train", str(corpus), "-n", "2", "-o", str(tmp_path / name)])
    _one_line_naming(capsys, status, 1, tmp_path / name, reason)


def test_full_disk_while_saving_the_state_blames_the_state(corpus, tmp_path, monkeypatch, capsys):
    disk_full_for(monkeypatch, "state.npz")
    status = main(["train", str(corpus), "-o", str(tmp_path / "v.bin"), "--save-state", str(tmp_path / "state.npz"),
                   "--quiet", "--min-count", "1", "--dim", "4", "--epochs", "1", "--workers", "1"])
    err = capsys.readouterr().err
    assert status == 1 and "Traceback" not in err
    assert "state.npz" in err and "v.bin" not in err.replace("state.npz", ""), err
    assert not (tmp_path / "state.npz").exists()


def test_full_disk_while_saving_the_vectors_blames_the_vectors(corpus, tmp_path, monkeypatch, capsys):
    disk_full_for(monkeypatch, "v.bin")
    status = main(["train", str(corpus), "-o", str(tmp_path / "v.bin"), "--save-state", str(tmp_path / "state.npz"),
                   "--quiet", "--min-count", "1", "--dim", "4", "--epochs", "1", "--workers", "1"])
    err = capsys.readouterr().err
    assert status == 1 and "v.bin" in err and "state.npz" not in err, err


def test_json_stays_strict_json_when_a_later_output_fails(corpus, tmp_path, monkeypatch, capsys):
    import json

    disk_full_for(monkeypatch, "v.txt")  # the vocabulary, written after the vectors
    status = main(["train", str(corpus), "-o", str(tmp_path / "v.bin"), "--save-vocab", str(tmp_path / "v.txt"),
                   "--json", "--quiet", "--min-count", "1", "--dim", "4", "--epochs", "1", "--workers", "1"])
    captured = capsys.readouterr()
    assert status == 1 and "v.txt" in captured.err and "Traceback" not in captured.err, captured.err
    report = json.loads(captured.out)  # nothing but one JSON document
    assert report["output"] == str(tmp_path / "v.bin") and report["vocabulary"] is None
    assert len(report["errors"]) == 1 and "v.txt" in report["errors"][0]


@pytest.mark.parametrize("fault, reason", [(disk_full_for, "No space left"), (_permission_denied, "Permission")])
def test_demo_out_write_failure(tmp_path, monkeypatch, capsys, fault, reason):
    fault(monkeypatch)
    status = main(["demo", "--tokens", "2000", "--dim", "4", "--epochs", "1", "--quiet", "--out", str(tmp_path / "d")])
    err = capsys.readouterr().err
    assert status == 1 and "Traceback" not in err and reason in err, err
    assert str(tmp_path / "d") in err


def test_demo_out_naming_an_existing_file_is_a_usage_error(tmp_path):
    existing = tmp_path / "notes.txt"
    existing.write_text("keep me")
    out = run_cli("demo", "--tokens", "2000", "--quiet", "--out", existing)
    assert out.returncode == 2 and "Traceback" not in out.stderr and "notes.txt" in out.stderr, out.stderr
    assert len(out.stderr.strip().splitlines()) == 1
    assert existing.read_text() == "keep me"


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="needs Linux's /dev/full (a device every write to fails)")
@pytest.mark.parametrize("json", [False, True], ids=["text", "json"])
def test_a_full_standard_output_is_a_one_line_error(corpus, json):
    # stdout on a full disk: the results cannot be delivered, which must be said in one line with
    # status 1 (not a traceback, and not Python's "Exception ignored" at exit with status 120)
    import subprocess
    import sys

    with open("/dev/full", "w") as full:
        out = subprocess.run([sys.executable, "-m", "w2v", "vocab", str(corpus), "--min-count", "1",
                              *(["--json"] if json else [])],
                             stdout=full, stderr=subprocess.PIPE, text=True, timeout=120)
    assert out.returncode == 1, out.stderr
    assert "Traceback" not in out.stderr and "Exception ignored" not in out.stderr
    assert out.stderr.strip().splitlines()[-1] == (
        "w2v vocab: error: could not write to standard output: No space left on device")


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="needs Linux's /dev/full (a device every write to fails)")
def test_a_full_standard_output_ends_the_interactive_queries(corpus, tmp_path):
    # a query that fails is reported and the loop goes on; an answer that cannot be written ends it
    import subprocess
    import sys

    vectors = tmp_path / "v.bin"
    made = run_cli("train", corpus, "-o", vectors, "--min-count", "1", "--dim", "4", "--epochs", "1", "--quiet")
    assert made.returncode == 0, made.stderr
    with open("/dev/full", "w") as full:
        out = subprocess.run([sys.executable, "-m", "w2v", "neighbors", str(vectors)], input="zebra\ncat\ndog\n",
                             stdout=full, stderr=subprocess.PIPE, text=True, timeout=120)
    assert out.returncode == 1, out.stderr
    assert "'zebra'" in out.stderr and out.stderr.count("could not write to standard output") == 1
    assert "Traceback" not in out.stderr


@pytest.mark.parametrize("fault, reason", [(disk_full_for, "No space left"), (_permission_denied, "Permission")])
def test_phrases_output(corpus, tmp_path, monkeypatch, capsys, fault, reason):
    # the message named the temporary file (.p.txt.x1y2.tmp), which no longer exists
    fault(monkeypatch)
    status = main(["phrases", str(corpus), "--min-count", "1", "--quiet", "-o", str(tmp_path / "p.txt")])
    _one_line_naming(capsys, status, 1, tmp_path / "p.txt", reason)
    assert ".tmp" not in capsys.readouterr().err


def test_phrases_full_disk_while_saving_the_model_blames_the_model(corpus, tmp_path, monkeypatch, capsys):
    disk_full_for(monkeypatch, "m.npz")
    status = main(["phrases", str(corpus), "--min-count", "1", "--quiet", "-o", str(tmp_path / "p.txt"),
                   "--save-model", str(tmp_path / "m.npz")])
    err = capsys.readouterr().err
    assert status == 1 and "Traceback" not in err and len(err.strip().splitlines()) == 1, err
    assert str(tmp_path / "m.npz") in err and "p.txt" not in err and ".tmp" not in err, err
    assert not (tmp_path / "m.npz").exists()


def _corpus_never_read(monkeypatch):
    import w2v.corpus

    def open_corpus(*args, **kwargs):
        raise AssertionError("the corpus was read before the outputs were checked")

    monkeypatch.setattr(w2v.corpus, "open_corpus", open_corpus)


@pytest.mark.parametrize("option", ["-o", "--save-model"])
def test_phrases_checks_its_outputs_before_reading_the_corpus(corpus, tmp_path, monkeypatch, capsys, option):
    # an output where no file can be created failed only after all the counting (and, for
    # --save-model, after -o was written)
    _corpus_never_read(monkeypatch)
    paths = {"-o": tmp_path / "p.txt", "--save-model": tmp_path / "m.npz"}
    _permission_denied(monkeypatch, paths[option].name)
    status = main(["phrases", str(corpus), "--min-count", "1", "--quiet",
                   "-o", str(paths["-o"]), "--save-model", str(paths["--save-model"])])
    err = capsys.readouterr().err
    lines = err.strip().splitlines()
    assert status == 1 and "Traceback" not in err and len(lines) == 1, err
    assert str(paths[option]) in lines[0] and "Permission" in lines[0] and "nothing was done" in lines[0], lines[0]
    assert not os.path.exists(paths["-o"]) and not os.path.exists(paths["--save-model"])


def test_vocab_checks_its_output_before_reading_the_corpus(corpus, tmp_path, monkeypatch, capsys):
    _corpus_never_read(monkeypatch)
    _permission_denied(monkeypatch)
    out = tmp_path / "v.txt"
    status = main(["vocab", str(corpus), "--min-count", "1", "-o", str(out)])
    err = capsys.readouterr().err
    lines = err.strip().splitlines()
    assert status == 1 and "Traceback" not in err and len(lines) == 1, err
    assert str(out) in lines[0] and "Permission" in lines[0] and "nothing was done" in lines[0], lines[0]

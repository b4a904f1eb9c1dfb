"""``w2v train``: options, usage errors, outputs and resume in-process; Ctrl-C through a real subprocess."""
import os
import signal
import subprocess
import sys
import time

import numpy as np
import pytest

from cli_runner import run_cli as w2v
from w2v.corpus.demo import write_demo_corpus
from w2v.vectors import KeyedVectors


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    folder = tmp_path_factory.mktemp("demo")
    path, _ = write_demo_corpus(folder, n_tokens=30_000, seed=2)
    return path


def test_help_shows_defaults_and_word2vec_c_flags():
    out = w2v("train", "--help")
    assert out.returncode == 0
    for text in ("--arch", "--objective", "--cbow-sum", "--quiet", "-size", "-window", "-negative", "-iter",
                 "default: 100", "default: 0.001", "default: from OUT's extension"):
        assert text in out.stdout, text
    # no duplicated or misleading defaults: none for on/off flags or for options whose help says it
    assert "(default: None)" not in out.stdout and "(default: True)" not in out.stdout
    assert "(default: False)" not in out.stdout


@pytest.mark.parametrize("bad", [["--dim", "0"], ["--window", "-1"], ["--sample", "5"], ["--no-such-flag"],
                                 ["--arch", "sg"], ["--epochs", "x"], ["--objective", "nce", "--negative", "0"]])
def test_invalid_values_are_usage_errors_before_any_work(corpus, tmp_path, bad):
    out = w2v("train", corpus, "-o", tmp_path / "v.bin", "--quiet", *bad)
    assert out.returncode == 2, out.stderr
    assert "error" in out.stderr and "Traceback" not in out.stderr
    assert not (tmp_path / "v.bin").exists()


def test_missing_output_folder_and_missing_corpus_exit_2(corpus, tmp_path):
    out = w2v("train", corpus, "-o", tmp_path / "nope" / "v.bin")
    assert out.returncode == 2 and "does not exist" in out.stderr
    out = w2v("train", tmp_path / "missing.txt", "-o", tmp_path / "v.bin")
    assert out.returncode == 2 and "does not exist" in out.stderr


@pytest.mark.parametrize("fmt", ["binary", "text", "native"])
def test_trains_and_writes_each_format(corpus, tmp_path, fmt):
    out_path = tmp_path / f"v.{fmt}"
    out = w2v("train", corpus, "-o", out_path, "--dim", 12, "--epochs", 1, "--format", fmt, "--quiet",
              "--arch", "cbow", "--objective", "hierarchical", "--cbow-sum", "--min-count", 3)
    assert out.returncode == 0, out.stderr
    assert "wrote" in out.stdout and out.stderr == ""
    kv = KeyedVectors.load(out_path)
    assert kv.vectors.shape[1] == 12 and np.isfinite(kv.vectors).all()


def test_progress_bar_goes_to_stderr(corpus, tmp_path):
    out = w2v("train", corpus, "-o", tmp_path / "v.bin", "--dim", 8, "--epochs", 1)
    assert out.returncode == 0
    assert "word/s" in out.stderr and "lr=" in out.stderr
    assert "word/s" not in out.stdout


def test_save_state_then_resume(corpus, tmp_path):
    state = tmp_path / "run.npz"
    out = w2v("train", corpus, "-o", tmp_path / "a.bin", "--dim", 8, "--epochs", 2, "--workers", 1,
              "--save-state", state, "--quiet")
    assert out.returncode == 0 and state.exists()
    out = w2v("train", corpus, "-o", tmp_path / "b.bin", "--resume", state, "--quiet")
    assert out.returncode == 0, out.stderr  # nothing left to train: the same vectors again
    a, b = KeyedVectors.load(tmp_path / "a.bin"), KeyedVectors.load(tmp_path / "b.bin")
    assert np.array_equal(a.vectors, b.vectors)
    out = w2v("train", corpus, "-o", tmp_path / "c.bin", "--resume", state, "--dim", 20)
    assert out.returncode == 2 and "--dim" in out.stderr and not (tmp_path / "c.bin").exists()



@pytest.mark.parametrize("given", [["--dim", "100"], ["--epochs", "5"], ["--arch", "skipgram"], ["--dim=100"],
                                   ["--di", "100"]], ids=["dim", "epochs", "arch", "equals", "abbreviated"])
def test_an_option_given_with_resume_is_refused_even_at_its_default(corpus, tmp_path, given):
    # the state was trained with --dim 8 --epochs 2: "--dim 100" (the default) was silently ignored
    state = tmp_path / "run.npz"
    out = w2v("train", corpus, "-o", tmp_path / "a.bin", "--dim", 8, "--epochs", 2, "--workers", 1,
              "--save-state", state, "--quiet")
    assert out.returncode == 0, out.stderr
    out = w2v("train", corpus, "-o", tmp_path / "c.bin", "--resume", state, "--quiet", *given)
    flag = {"--di": "--dim", "--dim=100": "--dim"}.get(given[0], given[0])
    assert out.returncode == 2 and f"{flag} cannot be combined with --resume" in out.stderr, out.stderr
    assert not (tmp_path / "c.bin").exists()


def test_ctrl_c_saves_what_was_trained(tmp_path):
    path, _ = write_demo_corpus(tmp_path, n_tokens=100_000, seed=3)
    out_path = tmp_path / "v.bin"
    proc = subprocess.Popen([sys.executable, "-m", "w2v", "-v", "train", str(path), "-o", str(out_path),
                             "--epochs", "500", "--quiet", "--dim", "50"],
                            stderr=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    # wait until training has started (the -v log line), then interrupt
    line = ""
    while "training" not in line:
        line = proc.stderr.readline()
        assert line or proc.poll() is None, "w2v train ended before training started"
    time.sleep(0.5)
    sent = time.monotonic()
    proc.send_signal(signal.SIGINT)
    stdout, stderr = proc.communicate(timeout=30)
    assert time.monotonic() - sent < 10.0   # all 500 epochs would take about a minute
    assert proc.returncode == 130, stderr
    assert "interrupted" in stderr and "saved" in stderr
    kv = KeyedVectors.load(out_path)
    assert kv.vectors.shape[1] == 50 and np.isfinite(kv.vectors).all()
    assert [p for p in os.listdir(tmp_path) if p.endswith(".tmp")] == []


def test_ctrl_c_while_the_outputs_are_written_waits_for_them(corpus, tmp_path, monkeypatch, capsys):
    # a Ctrl-C a moment after the last epoch, as the state is written, wrote nothing at all ("w2v
    # train: interrupted"): the whole run lost, where a moment earlier everything was saved
    from w2v.cli import main
    from w2v.models.word2vec import Word2Vec

    real = Word2Vec.save_state

    def interrupted_save_state(self, path):
        os.kill(os.getpid(), signal.SIGINT)
        return real(self, path)

    monkeypatch.setattr(Word2Vec, "save_state", interrupted_save_state)
    out = tmp_path / "v.bin"
    args = ["train", str(corpus), "-o", str(out), "--save-state", str(tmp_path / "run.npz"), "--save-vocab",
            str(tmp_path / "vocab.txt"), "--quiet", "--epochs", "1", "--dim", "8"]
    assert main(args) == 130
    captured = capsys.readouterr()
    assert f"wrote {out}" in captured.out and "wrote vocabulary" in captured.out
    assert "interrupted after the training finished; every output was written" in captured.err
    assert Word2Vec.load_state(tmp_path / "run.npz").epochs_trained_ == 1
    assert KeyedVectors.load(out).vectors.shape[1] == 8 and (tmp_path / "vocab.txt").exists()


def test_ctrl_c_after_the_last_epoch_keeps_the_finished_model(corpus, tmp_path, monkeypatch, capsys):
    # what a Ctrl-C held while a local cluster closes, after the last epoch, arrives as: it said
    # "interrupted before training started; nothing written" and dropped a finished model
    from w2v.cli import main
    from w2v.models.word2vec import Word2Vec

    real = Word2Vec.fit

    def fit_then_interrupted(self, *args, **kwargs):
        real(self, *args, **kwargs)
        raise KeyboardInterrupt

    monkeypatch.setattr(Word2Vec, "fit", fit_then_interrupted)
    out = tmp_path / "v.bin"
    assert main(["train", str(corpus), "-o", str(out), "--save-state", str(tmp_path / "run.npz"), "--quiet",
                 "--epochs", "2", "--dim", "8"]) == 130
    captured = capsys.readouterr()
    assert "before training started" not in captured.err
    assert "interrupted after the training finished; every output was written" in captured.err
    assert Word2Vec.load_state(tmp_path / "run.npz").epochs_trained_ == 2 and out.exists()


def test_ctrl_c_as_the_last_epoch_ends_writes_every_output(corpus, tmp_path, monkeypatch, capsys):
    # a Ctrl-C in the callbacks after the last epoch (an --evaluate-every-epoch evaluation, the end
    # of training) marks the model interrupted: it was reported as a run to resume, and the classes
    # were not written
    from w2v.cli import main
    from w2v.models.word2vec import Word2Vec

    real = Word2Vec._notify

    def notify(self, event, *args):
        real(self, event, *args)
        if event == "on_train_end":
            os.kill(os.getpid(), signal.SIGINT)
            signal.getsignal(signal.SIGINT)

    monkeypatch.setattr(Word2Vec, "_notify", notify)
    out = tmp_path / "v.txt"
    assert main(["train", str(corpus), "-o", str(out), "--save-state", str(tmp_path / "run.npz"), "--classes", "3",
                 "--quiet", "--epochs", "1", "--dim", "8"]) == 130
    err = capsys.readouterr().err
    assert "interrupted after the training finished; every output was written" in err and "--resume" not in err
    assert (tmp_path / "v.classes.txt").exists() and out.exists()


def test_ctrl_c_while_a_finished_state_is_checked_against_its_corpus_writes_nothing(corpus, tmp_path, monkeypatch,
                                                                                     capsys):
    # resuming a finished run still checks the corpus: a Ctrl-C then skipped the check and wrote it all
    from w2v.cli import main
    from w2v.models.word2vec import Word2Vec

    state = tmp_path / "run.npz"
    assert main(["train", str(corpus), "-o", str(tmp_path / "a.bin"), "--save-state", str(state), "--quiet",
                 "--epochs", "1", "--dim", "8"]) == 0

    def interrupted_resume(self, *args, **kwargs):
        raise KeyboardInterrupt   # while the corpus is read for its fingerprint

    monkeypatch.setattr(Word2Vec, "resume", interrupted_resume)
    out = tmp_path / "b.bin"
    assert main(["train", str(corpus), "-o", str(out), "--resume", str(state), "--quiet"]) == 130
    assert "before training started; nothing written" in capsys.readouterr().err
    assert not out.exists()


def test_ctrl_c_while_writing_to_a_reader_that_stopped_is_still_an_interrupt(corpus, tmp_path, monkeypatch, capsys):
    # "-o - | cat" and Ctrl-C: both get it, cat ends, and w2v ended quietly with status 0
    from w2v.cli import main
    from w2v.cli import _train_writing
    from w2v.models.word2vec import Word2Vec

    real = Word2Vec.save_state

    def interrupted_save_state(self, path):
        os.kill(os.getpid(), signal.SIGINT)
        return real(self, path)

    def reader_gone(path, write):
        raise BrokenPipeError

    monkeypatch.setattr(Word2Vec, "save_state", interrupted_save_state)
    monkeypatch.setattr(_train_writing, "write_output", reader_gone)
    assert main(["train", str(corpus), "-o", "-", "--save-state", str(tmp_path / "run.npz"), "--quiet",
                 "--epochs", "1", "--dim", "8"]) == 130
    assert "interrupted after the training finished" in capsys.readouterr().err
    assert Word2Vec.load_state(tmp_path / "run.npz").epochs_trained_ == 1


def test_ctrl_c_twice_while_writing_says_what_was_written(corpus, tmp_path, monkeypatch, capsys):
    from w2v.cli import main
    from w2v.vectors import KeyedVectors as Vectors

    def interrupted_twice(self, *args, **kwargs):
        os.kill(os.getpid(), signal.SIGINT)   # held: the writes go on
        signal.getsignal(signal.SIGINT)
        os.kill(os.getpid(), signal.SIGINT)   # again: stop at once
        signal.getsignal(signal.SIGINT)

    monkeypatch.setattr(Vectors, "save", interrupted_twice)
    state, out = tmp_path / "run.npz", tmp_path / "v.bin"
    assert main(["train", str(corpus), "-o", str(out), "--save-state", str(state), "--quiet", "--epochs", "1",
                 "--dim", "8"]) == 130
    err = capsys.readouterr().err
    assert f"interrupted while writing the outputs; written: the trainer state to {state}" in err
    assert "resume with --resume" not in err and not out.exists()


class _BrokenStdout:
    """A standard output whose reader has gone: every write and flush is a broken pipe."""

    def write(self, data):
        raise BrokenPipeError

    def flush(self):
        raise BrokenPipeError

    buffer = property(lambda self: self)


@pytest.mark.parametrize("ctrl_c", [False, True], ids=["no-ctrl-c", "ctrl-c"])
def test_an_output_that_failed_is_an_error_even_when_the_reader_of_stdout_stopped(corpus, tmp_path, monkeypatch,
                                                                                    capsys, ctrl_c):
    # the report could not reach stdout, so the error line after it never came: exit 0 (or 130 with
    # a Ctrl-C, "every other output was written") for a trainer state that was never written
    import errno

    from w2v.cli import main
    from w2v.models.word2vec import Word2Vec

    def failing_save_state(self, path):   # a full disk, as the state is written
        if ctrl_c:
            os.kill(os.getpid(), signal.SIGINT)
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(Word2Vec, "save_state", failing_save_state)
    monkeypatch.setattr(sys, "stdout", _BrokenStdout())
    assert main(["train", str(corpus), "-o", str(tmp_path / "v.bin"), "--save-state", str(tmp_path / "run.npz"),
                 "--quiet", "--epochs", "1", "--dim", "8"]) == 1
    err = capsys.readouterr().err
    assert "error: could not write the trainer state" in err and "every other output was written" not in err


def test_ctrl_c_twice_while_writing_lists_the_extra_outputs_written(corpus, tmp_path, monkeypatch, capsys):
    pytest.importorskip("matplotlib")
    from w2v.cli import _train_outputs, main

    def interrupted_twice(model, args):
        for _ in range(2):
            os.kill(os.getpid(), signal.SIGINT)
            signal.getsignal(signal.SIGINT)

    monkeypatch.setattr(_train_outputs, "_write_plot", interrupted_twice)
    out = tmp_path / "v.bin"
    assert main(["train", str(corpus), "-o", str(out), "--classes", "3", "--plot-history", str(tmp_path / "p.png"),
                 "--quiet", "--epochs", "1", "--dim", "8"]) == 130
    err = capsys.readouterr().err
    assert f"the word classes to {tmp_path / 'v.classes.txt'}" in err and "plot" not in err.split("written:")[1]


def test_ctrl_c_again_while_saving_an_interrupted_run_still_says_it_can_be_resumed(corpus, tmp_path, monkeypatch,
                                                                                     capsys):
    from w2v.cli import main
    from w2v.models.word2vec import Word2Vec
    from w2v.vectors import KeyedVectors as Vectors

    real = Word2Vec._notify

    def notify(self, event, *args):
        real(self, event, *args)
        if event == "on_epoch_end" and self.epochs_trained_ == 1:
            os.kill(os.getpid(), signal.SIGINT)   # stops training after epoch 1 of 3
            signal.getsignal(signal.SIGINT)

    def interrupted_save(self, *args, **kwargs):
        os.kill(os.getpid(), signal.SIGINT)      # again, while the vectors are written
        signal.getsignal(signal.SIGINT)

    monkeypatch.setattr(Word2Vec, "_notify", notify)
    monkeypatch.setattr(Vectors, "save", interrupted_save)
    state = tmp_path / "run.npz"
    assert main(["train", str(corpus), "-o", str(tmp_path / "v.bin"), "--save-state", str(state), "--quiet",
                 "--epochs", "3", "--dim", "8"]) == 130
    err = capsys.readouterr().err
    assert (f"interrupted after 1 of 3 epochs, and again while writing the outputs; written: the trainer state "
            f"to {state} (resume with --resume)") in err
    assert Word2Vec.load_state(state).epochs_trained_ == 1


def test_a_failed_output_beside_word_classes_reports_each_written_file_once(corpus, tmp_path, monkeypatch, capsys):
    import errno

    from w2v.cli import main
    from w2v.corpus import Vocabulary

    def full_disk(self, *args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(Vocabulary, "save", full_disk)
    out = tmp_path / "v.bin"
    assert main(["train", str(corpus), "-o", str(out), "--save-vocab", str(tmp_path / "vocab.txt"), "--classes", "3",
                 "--quiet", "--epochs", "1", "--dim", "8"]) == 1
    captured = capsys.readouterr()
    classes = str(tmp_path / "v.classes.txt")
    assert captured.out.count(classes) == 1 and captured.out.count(str(out)) == 1, captured.out
    assert "could not write the vocabulary" in captured.err


def test_a_failing_worker_thread_fails_the_run_and_writes_nothing(corpus, tmp_path, monkeypatch, capsys):
    # every option that used to make the workers fail (--window 10**9) is now refused up front, so
    # the failure is injected: a worker thread that raises must fail the run, with one line
    import threading

    from w2v.cli import main
    from w2v.models import training

    real = training.Trainer._run_chunk

    def failing_in_workers(self, *args):
        if threading.current_thread() is not threading.main_thread():
            raise MemoryError("cannot allocate the buffers")
        return real(self, *args)

    monkeypatch.setattr(training.Trainer, "_run_chunk", failing_in_workers)
    out_path = tmp_path / "v.bin"
    args = ["train", str(corpus), "-o", str(out_path), "--quiet", "--epochs", "1", "--workers", "2"]
    assert main(args) == 1
    err = capsys.readouterr().err
    assert "Traceback" not in err and "Exception in thread" not in err
    assert len(err.strip().splitlines()) == 1 and "training failed" in err and "MemoryError" in err
    assert not out_path.exists()
    out_path.write_bytes(b"keep me")
    assert main(args) == 1
    assert out_path.read_bytes() == b"keep me"


def test_more_classes_than_words_is_a_warning_and_one_class_per_word(corpus, tmp_path):
    # as word2vec.c ends up, but said: `w2v classes -k` refuses such a K
    out = w2v("train", corpus, "-o", tmp_path / "v.txt", "--dim", "8", "--epochs", "1", "--quiet",
              "--classes", "100000")
    assert out.returncode == 0, out.stderr
    size = len(KeyedVectors.load(tmp_path / "v.txt"))
    assert out.stderr.splitlines() == [f"w2v train: warning: --classes 100000 > {size} words: one class per word"]
    classes = [line.split()[1] for line in (tmp_path / "v.classes.txt").read_text().splitlines()]
    assert sorted(map(int, classes)) == list(range(size))
    out = w2v("train", corpus, "-o", tmp_path / "w.txt", "--dim", "8", "--epochs", "1", "--quiet",
              "--classes", str(size))
    assert out.returncode == 0 and out.stderr == "", out.stderr


@pytest.mark.parametrize("options, message", [
    (["--objective", "hierarchical", "--negative", "25"], "--negative 25 does nothing with --objective hierarchical"),
    (["--objective", "softmax", "--negative", "5"], "--negative 5 does nothing with --objective softmax"),
    (["--objective", "hierarchical", "--ns-exponent", "0.5"], "--ns-exponent does nothing with --objective hier"),
    (["--arch", "cbow", "--shared-negatives"], "--shared-negatives does nothing with --arch cbow"),
    (["--cbow-sum"], "--cbow-sum does nothing with --arch skipgram"),
])
def test_an_option_the_others_make_do_nothing_is_a_usage_error(corpus, tmp_path, options, message):
    out = w2v("train", corpus, "-o", tmp_path / "v.bin", "--quiet", *options)
    assert out.returncode == 2 and message in out.stderr, out.stderr
    assert len(out.stderr.strip().splitlines()) == 1 and not (tmp_path / "v.bin").exists()


def test_options_left_at_their_defaults_or_saying_none_are_fine(corpus, tmp_path):
    out = w2v("train", corpus, "-o", tmp_path / "v.bin", "--quiet", "--objective", "hierarchical", "--negative", "0",
              "--dim", "4", "--epochs", "1", "--workers", "1")
    assert out.returncode == 0, out.stderr


def test_resuming_a_finished_run_says_nothing_was_left_to_train(corpus, tmp_path):
    state = tmp_path / "run.npz"
    out = w2v("train", corpus, "-o", tmp_path / "a.bin", "--dim", 4, "--epochs", 1, "--workers", 1,
              "--save-state", state, "--quiet")
    assert out.returncode == 0, out.stderr
    out = w2v("train", corpus, "-o", tmp_path / "b.bin", "--resume", state, "--quiet")
    assert out.returncode == 0, out.stderr
    assert "nothing left to train" in out.stdout and "final loss" not in out.stdout and "words/s" not in out.stdout
    assert "wrote" in out.stdout and "Traceback" not in out.stderr


def test_a_vocabulary_format_without_a_vocabulary_file_is_a_usage_error(corpus, tmp_path):
    out = w2v("train", corpus, "-o", tmp_path / "v.bin", "--quiet", "--save-vocab-format", "word2vec.c")
    assert out.returncode == 2 and "--save-vocab-format does nothing without --save-vocab" in out.stderr, out.stderr
    assert len(out.stderr.strip().splitlines()) == 1 and not (tmp_path / "v.bin").exists()


def test_json_of_a_resumed_run_says_whether_anything_was_left_to_train(corpus, tmp_path):
    import json

    state = tmp_path / "run.npz"
    first = w2v("train", corpus, "-o", tmp_path / "a.bin", "--dim", 4, "--epochs", 1, "--workers", 1,
                "--save-state", state, "--quiet", "--json")
    again = w2v("train", corpus, "-o", tmp_path / "b.bin", "--resume", state, "--quiet", "--json")
    assert first.returncode == again.returncode == 0, again.stderr
    assert json.loads(first.stdout)["nothing_left_to_train"] is False
    assert json.loads(again.stdout)["nothing_left_to_train"] is True

"""Issue 15, item 11: SIGTERM behaves as Ctrl-C: the vectors and (when asked) the trainer state
trained so far are saved, outputs stay atomic, temporary files are removed even when the signal
lands during a save, and the exit status is 143."""
import os
import signal
import subprocess
import sys
import textwrap
import time

import numpy as np

from w2v.corpus.demo import write_demo_corpus
from w2v.models.word2vec import Word2Vec
from w2v.vectors import KeyedVectors


def _wait_for(proc, text):
    line = ""
    while text not in line:
        line = proc.stderr.readline()
        assert line or proc.poll() is None, f"w2v ended before {text!r} appeared"


def test_sigterm_during_training_saves_vectors_and_state(tmp_path):
    # the kernel compiled and cached first: a signal that lands while numba compiles waits for the
    # compile to end (seconds, and over 10 on a loaded machine with a fresh cache, as in CI)
    Word2Vec(dim=20, epochs=1, min_count=1, workers=1, progress=False).fit([["a", "b", "c"]] * 20)
    path, _ = write_demo_corpus(tmp_path, n_tokens=100_000, seed=3)
    out_path, state = tmp_path / "v.bin", tmp_path / "run.npz"
    proc = subprocess.Popen([sys.executable, "-m", "w2v", "-v", "train", str(path), "-o", str(out_path),
                             "--save-state", str(state), "--epochs", "500", "--quiet", "--dim", "20"],
                            stderr=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    _wait_for(proc, "training")
    time.sleep(0.5)
    sent = time.monotonic()
    proc.send_signal(signal.SIGTERM)
    _, stderr = proc.communicate(timeout=30)
    assert time.monotonic() - sent < 10.0   # all 500 epochs would take about a minute
    assert proc.returncode == 143, stderr
    assert "terminated" in stderr and "saved" in stderr and "Traceback" not in stderr
    kv = KeyedVectors.load(out_path)
    assert kv.vectors.shape[1] == 20 and np.isfinite(kv.vectors).all()
    model = Word2Vec.load_state(state)
    assert model.epochs_trained_ < 500 and np.array_equal(model.wv_.vectors, kv.vectors)
    assert [p for p in os.listdir(tmp_path) if p.endswith(".tmp")] == []


def test_sigterm_during_a_save_removes_the_temporary_file(tmp_path):
    corpus = tmp_path / "c.txt"
    corpus.write_text("the cat sat on the mat\nthe dog sat on the log\n" * 50)
    out_path = tmp_path / "v.bin"
    # The CLI as installed, except that flushing a file to disk takes 60 s and says so: SIGTERM
    # then arrives while the temporary file exists.
    child = textwrap.dedent(f"""
        import os, sys, time
        def slow_fsync(fd):
            print("SAVING", file=sys.stderr, flush=True)
            time.sleep(60)
        os.fsync = slow_fsync
        from w2v.cli import main
        sys.exit(main(["train", {str(corpus)!r}, "-o", {str(out_path)!r}, "--quiet", "--min-count", "1",
                       "--dim", "4", "--epochs", "1", "--workers", "1"]))
    """)
    proc = subprocess.Popen([sys.executable, "-c", child], stderr=subprocess.PIPE, stdout=subprocess.PIPE,
                            text=True)
    _wait_for(proc, "SAVING")
    assert [p for p in os.listdir(tmp_path) if p.endswith(".tmp")], "the save should be under way"
    proc.send_signal(signal.SIGTERM)
    _, stderr = proc.communicate(timeout=30)
    assert proc.returncode == 143, stderr
    assert "Traceback" not in stderr and "terminated" in stderr
    assert [p for p in os.listdir(tmp_path) if p.endswith(".tmp")] == []
    assert not out_path.exists()


def test_sigterm_handler_is_restored_after_main(tmp_path):
    from w2v.cli import main

    before = signal.getsignal(signal.SIGTERM)
    corpus = tmp_path / "c.txt"
    corpus.write_text("a b c\n")
    main(["vocab", str(corpus), "--min-count", "1"])
    assert signal.getsignal(signal.SIGTERM) is before

"""``w2v train`` finds out before training what would fail after it (a vocabulary the output format
cannot store, an output that cannot be created), and a write that still fails at the end costs only
its own file: the trainer state, which lets the run be resumed, is written first and always."""
import os

import pytest

from cli_runner import run_cli as w2v
from faults import disk_full_for
from w2v.corpus import Vocabulary
from w2v.models.word2vec import Word2Vec

TEXT = "the cat sat on the mat\nthe dog sat on the log\na cat saw a dog\n" * 30
FAST = ("--min-count", "1", "--dim", "4", "--epochs", "1", "--workers", "1", "--quiet")


@pytest.fixture
def corpus(tmp_path):
    path = tmp_path / "c.txt"
    path.write_text(TEXT)
    return path


def _one_line(out, status):
    lines = [line for line in out.stderr.splitlines() if line.strip()]
    assert out.returncode == status, out.stderr
    assert "Traceback" not in out.stderr and len(lines) == 1, out.stderr
    return lines[0]


def _no_outputs(folder, *names):
    for name in names:
        assert not (folder / name).exists(), name
    assert not [p for p in os.listdir(folder) if p.endswith(".tmp")]


def _state_with_words(tmp_path, words):
    """A trainer state (never trained: no kernel compiled) whose vocabulary holds ``words``."""
    model = Word2Vec(dim=4, min_count=1, epochs=2, progress=False, workers=1)
    model._initialise(Vocabulary(words, list(range(len(words) + 5, 5, -1))))
    path = tmp_path / "odd.npz"
    model.save_state(path)
    return path


def test_a_vocabulary_line_holding_a_space_fails_before_training(corpus, tmp_path):
    vocab = tmp_path / "voc.txt"
    vocab.write_text("the 400\nx y 300\nof 187\n")
    out = w2v("train", corpus, "-o", tmp_path / "r.bin", "--read-vocab", vocab, *FAST,
              "--save-state", tmp_path / "s.npz", "--save-vocab", tmp_path / "v.txt")
    line = _one_line(out, 2)
    assert "voc.txt:2" in line and "'x y 300'" in line, line
    _no_outputs(tmp_path, "r.bin", "s.npz", "v.txt")


@pytest.mark.parametrize("name, fmt", [("r.bin", "binary"), ("r.txt", "text")])
def test_words_the_vector_format_cannot_store_fail_before_training(corpus, tmp_path, name, fmt):
    state = _state_with_words(tmp_path, ["the", "x y", "cat"])
    out = w2v("train", corpus, "-o", tmp_path / name, "--resume", state, "--quiet", "--force",
              "--save-state", tmp_path / "s.npz")
    line = _one_line(out, 2)
    assert "'x y'" in line and fmt in line and "--format native" in line, line
    assert "format='native'" not in line, line  # the CLI's hint is its flag, not a Python argument
    # a failure after training would still have written the state: none means none was trained
    _no_outputs(tmp_path, name, "s.npz")


def test_words_a_vocabulary_file_cannot_store_fail_before_training(corpus, tmp_path):
    state = _state_with_words(tmp_path, ["the", "ca\x00t", "sat"])
    out = w2v("train", corpus, "-o", tmp_path / "r.npz", "--resume", state, "--quiet", "--force",
              "--save-vocab", tmp_path / "v.txt", "--save-state", tmp_path / "s.npz")
    line = _one_line(out, 2)
    assert "--save-vocab" in line and "'ca\\x00t'" in line, line
    _no_outputs(tmp_path, "r.npz", "v.txt", "s.npz")


def test_a_counted_vocabulary_is_checked_before_training(tmp_path):
    # the whitespace tokenizer keeps a NUL inside a token: --save-vocab could not store it (the native
    # format of -o can)
    corpus = tmp_path / "c.txt"
    corpus.write_text(TEXT + "ca\x00t sat\n" * 3)
    out = w2v("train", corpus, "-o", tmp_path / "r.npz", *FAST, "--tokenizer", "whitespace",
              "--save-vocab", tmp_path / "v.txt", "--save-state", tmp_path / "s.npz")
    line = _one_line(out, 2)
    assert "--save-vocab" in line and "'ca\\x00t'" in line, line
    _no_outputs(tmp_path, "r.npz", "v.txt", "s.npz")


def test_a_counted_vocabulary_is_checked_before_training_on_a_cluster(tmp_path, monkeypatch):
    # the check was left out on a cluster (whose driver called no on_train_begin then): the run trained,
    # wrote its state, and failed on --save-vocab at the end
    import contextlib

    from w2v import distributed
    from w2v.distributed.inprocess import InProcessClient

    started = []
    monkeypatch.setattr(distributed, "open_client", lambda scheduler, local, threads=None: (
        started.append(local) or contextlib.nullcontext(InProcessClient(local))))
    corpus = tmp_path / "c.txt"
    corpus.write_text(TEXT + "ca\x00t sat\n" * 3)
    out = w2v("train", corpus, "-o", tmp_path / "r.npz", *FAST, "--tokenizer", "whitespace", "--local-cluster", "2",
              "--save-vocab", tmp_path / "v.txt", "--save-state", tmp_path / "s.npz")
    line = _one_line(out, 2)
    assert started == [2]
    assert "--save-vocab" in line and "'ca\\x00t'" in line, line
    _no_outputs(tmp_path, "r.npz", "v.txt", "s.npz")


def test_the_native_format_stores_any_word(corpus, tmp_path):
    state = _state_with_words(tmp_path, ["the", "x y", "cat", "sat", "on", "mat", "dog", "a"])
    out = w2v("train", corpus, "-o", tmp_path / "r.npz", "--resume", state, "--quiet", "--force")
    assert out.returncode == 0, out.stderr
    assert (tmp_path / "r.npz").exists()


@pytest.mark.skipif(not os.path.isdir("/proc/self/fd"), reason="needs Linux's /proc")
@pytest.mark.parametrize("flag", ["-o", "--save-state", "--save-vocab", "--classes-output", "--plot-history"])
def test_an_output_that_cannot_be_created_fails_before_training(corpus, tmp_path, flag):
    # /proc exists and root may write to it by its mode bits, but no file can be created there
    outputs = {"-o": tmp_path / "r.bin", "--save-state": tmp_path / "s.npz", "--save-vocab": tmp_path / "v.txt",
               "--classes-output": tmp_path / "k.txt", "--plot-history": tmp_path / "h.png"}
    bad = "/proc/x.png" if flag == "--plot-history" else "/proc/x.bin"
    outputs[flag] = bad
    extra = ["--classes", "2"] if flag == "--classes-output" else []
    if flag == "--plot-history":
        pytest.importorskip("matplotlib")
    args = [a for name, path in outputs.items() if name != "--classes-output" or extra for a in (name, path)]
    out = w2v("train", corpus, *args, *extra, *FAST)
    line = _one_line(out, 1)
    assert bad in line and "nothing was trained" in line, line
    _no_outputs(tmp_path, "r.bin", "s.npz", "v.txt", "k.txt", "h.png")


@pytest.mark.skipif(not os.path.isdir("/proc/self/fd"), reason="needs Linux's /proc")
@pytest.mark.parametrize("failing", ["r.bin", "v.txt", "s.npz"])
def test_an_output_that_fails_at_the_end_costs_only_itself(corpus, tmp_path, monkeypatch, failing):
    disk_full_for(monkeypatch, failing)
    names = {"r.bin", "v.txt", "s.npz"}
    out = w2v("train", corpus, "-o", tmp_path / "r.bin", "--save-vocab", tmp_path / "v.txt",
              "--save-state", tmp_path / "s.npz", *FAST)
    line = _one_line(out, 1)
    assert str(tmp_path / failing) in line and "No space left" in line, line
    assert not [name for name in names - {failing} if str(tmp_path / name) in line], line
    assert not (tmp_path / failing).exists()
    for name in names - {failing}:
        assert (tmp_path / name).exists(), name
        assert str(tmp_path / name) in out.stdout, out.stdout  # the summary names what was written
    if failing != "s.npz":  # the state that survived resumes the run
        assert Word2Vec.load_state(tmp_path / "s.npz").epochs_trained_ == 1


@pytest.mark.parametrize("field, value", [("epoch", "x"), ("loss", "abc"), ("loss", float("inf")), ("loss", None)])
def test_a_state_with_a_malformed_history_is_one_line_for_every_command(corpus, tmp_path, field, value):
    from w2v.models.state import load_state, save_state

    pytest.importorskip("matplotlib")
    out = w2v("train", corpus, "-o", tmp_path / "a.bin", *FAST, "--save-state", tmp_path / "s.npz")
    assert out.returncode == 0, out.stderr
    arrays, meta = load_state(tmp_path / "s.npz")
    if value is None:
        del meta["history"][0][field]
    else:
        meta["history"][0][field] = value
    meta["params"]["epochs"] = 2  # something left to resume
    save_state(tmp_path / "bad.npz", arrays, meta)
    plotted = w2v("plot-history", tmp_path / "bad.npz", "-o", tmp_path / "h.png")
    resumed = w2v("train", corpus, "-o", tmp_path / "r.bin", "--resume", tmp_path / "bad.npz", "--quiet")
    for out in (plotted, resumed):
        line = _one_line(out, 2)
        assert "bad.npz" in line and "entry 1" in line and f"'{field}'" in line, line
    _no_outputs(tmp_path, "h.png", "r.bin")


def test_a_word_with_a_control_character_round_trips_through_a_binary_file(tmp_path):
    # the binary reader refuses only what no word2vec.c word holds (NUL, tab, newline): a run whose
    # whitespace tokens keep another control character must write a file it reads back
    corpus = tmp_path / "c.txt"
    corpus.write_text(TEXT + "ca\x01t sat\n" * 3)
    out = w2v("train", corpus, "-o", tmp_path / "r.bin", *FAST, "--tokenizer", "whitespace")
    assert out.returncode == 0, out.stderr
    from w2v.vectors import KeyedVectors

    assert "ca\x01t" in KeyedVectors.load(tmp_path / "r.bin").words


def test_a_compressed_output_name_fails_before_training_with_format_too(corpus, tmp_path):
    # the name check was skipped with --format: a plain file under a .gz name, no reader opens it
    out = w2v("train", corpus, "-o", tmp_path / "v.txt.gz", "--format", "text", *FAST,
              "--save-state", tmp_path / "s.npz")
    assert "not written compressed" in _one_line(out, 2)
    _no_outputs(tmp_path, "v.txt.gz", "s.npz")

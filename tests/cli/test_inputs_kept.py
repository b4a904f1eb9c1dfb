"""Issue 15, item 4: an output path that is an input (or another output) of the same command is
refused before any work, so the input is never destroyed. Through the CLI."""
import os

import pytest

from cli_runner import run_cli as w2v
from w2v.cli._safety import PathConflictError, refuse_overwrite, same_file

TEXT = "the cat sat on the mat\nthe dog sat on the log\n" * 20


@pytest.fixture
def corpus(tmp_path):
    path = tmp_path / "x.txt"
    path.write_text(TEXT)
    return path


def _refused(out, path, before):
    assert out.returncode == 2, out.stderr
    assert "Traceback" not in out.stderr and len(out.stderr.strip().splitlines()) == 1, out.stderr
    assert "destroy" in out.stderr or "same file" in out.stderr
    assert path.read_bytes() == before


@pytest.mark.parametrize("command", [["train", "--quiet", "--min-count", "1", "--dim", "4"],
                                     ["vocab", "--min-count", "1"],
                                     ["ngram", "train"]])
@pytest.mark.parametrize("how", ["same", "symlink", "hardlink", "dotted"])
def test_output_over_the_corpus_is_refused(corpus, tmp_path, command, how):
    target = {"same": corpus, "dotted": tmp_path / "sub" / ".." / "x.txt",
              "symlink": tmp_path / "link.txt", "hardlink": tmp_path / "hard.txt"}[how]
    (tmp_path / "sub").mkdir()
    if how == "symlink":
        target.symlink_to(corpus)
    elif how == "hardlink":
        os.link(corpus, target)
    before = corpus.read_bytes()
    head, tail = command[:2] if command[0] == "ngram" else command[:1], command[2 if command[0] == "ngram" else 1:]
    _refused(w2v(*head, corpus, "-o", target, *tail), corpus, before)



@pytest.mark.parametrize("command", [["vocab", "--min-count", "1"], ["ngram", "train"],
                                     ["train", "--quiet", "--min-count", "1", "--dim", "4"]])
def test_output_over_a_corpus_file_named_dash_is_refused(tmp_path, command):
    # './-' is the file named '-', read as such (only the argument '-' is standard input); it
    # replaced its own corpus because the check of outputs took any path spelled '-' for a stream
    corpus = tmp_path / "-"
    corpus.write_text(TEXT)
    before = corpus.read_bytes()
    head, tail = command[:2] if command[0] == "ngram" else command[:1], command[2 if command[0] == "ngram" else 1:]
    _refused(w2v(*head, "./-", "-o", "./-", *tail, cwd=tmp_path), corpus, before)

def test_ngram_heldout_is_an_input_too(corpus, tmp_path):
    heldout = tmp_path / "h.txt"
    heldout.write_text(TEXT)
    _refused(w2v("ngram", "train", corpus, "--heldout", heldout, "-o", heldout), heldout, heldout.read_bytes())


def test_vectors_and_state_on_one_file_are_refused(corpus, tmp_path):
    out = w2v("train", corpus, "-o", tmp_path / "s.bin", "--save-state", tmp_path / "s.bin", "--quiet",
              "--min-count", "1", "--dim", "4")
    assert out.returncode == 2 and "same file" in out.stderr, out.stderr
    assert not (tmp_path / "s.bin").exists()


def test_resume_state_is_not_overwritten(corpus, tmp_path):
    state = tmp_path / "s.npz"
    out = w2v("train", corpus, "-o", tmp_path / "v.bin", "--save-state", state, "--quiet", "--min-count", "1",
              "--dim", "4", "--epochs", "1")
    assert out.returncode == 0, out.stderr
    before = state.read_bytes()
    _refused(w2v("train", corpus, "-o", tmp_path / "w.bin", "--resume", state, "--save-state", state, "--quiet"),
             state, before)
    _refused(w2v("train", corpus, "-o", state, "--resume", state, "--quiet"), state, before)


def test_distinct_paths_pass(tmp_path):
    a, b = tmp_path / "a.txt", tmp_path / "b.txt"
    a.write_text("x")
    assert not same_file(a, b)
    refuse_overwrite({"CORPUS": a}, {"-o": b, "--save-state": None, "--log": "-"})


def test_existing_file_inside_a_corpus_folder_is_an_input(tmp_path):
    folder = tmp_path / "texts"
    folder.mkdir()
    (folder / "part1.txt").write_text("x")
    with pytest.raises(PathConflictError, match="part1.txt"):
        refuse_overwrite({"CORPUS": folder}, {"-o": folder / "part1.txt"})
    refuse_overwrite({"CORPUS": folder}, {"-o": tmp_path / "v.bin"})


def test_devices_may_take_several_outputs(tmp_path):
    corpus = tmp_path / "x.txt"
    corpus.write_text(TEXT)
    # nothing is written here: only the check is run
    refuse_overwrite({"CORPUS": corpus}, {"-o": "/dev/null", "--save-state": "/dev/null"})


def test_train_side_outputs_are_checked_too(corpus, tmp_path):
    before = corpus.read_bytes()
    _refused(w2v("train", corpus, "-o", tmp_path / "v.bin", "--quiet", "--classes", "2", "--classes-output", corpus),
             corpus, before)
    _refused(w2v("train", corpus, "-o", tmp_path / "v.bin", "--quiet", "--plot-history", tmp_path / "v.bin"),
             corpus, before)


@pytest.mark.parametrize("inside", ["tensors.tsv", "metadata.tsv", "projector_config.pbtxt"])
@pytest.mark.parametrize("which", ["MODEL", "--classes-file"])
def test_projector_files_over_an_input_in_that_folder_are_refused(corpus, tmp_path, inside, which):
    # --projector names a folder, but what it writes is three files in it: any of them may be an input
    vectors = tmp_path / "v.txt"
    made = w2v("train", corpus, "-o", vectors, "--quiet", "--min-count", "1", "--dim", "4", "--format", "text")
    assert made.returncode == 0, made.stderr
    folder = tmp_path / "projector"
    folder.mkdir()
    model, classes = vectors, tmp_path / "classes.txt"
    classes.write_text("the 0\ncat 1\n")
    if which == "MODEL":
        model = folder / inside
        model.write_bytes(vectors.read_bytes())
    else:
        classes = folder / inside
        classes.write_text("the 0\ncat 1\n")
    path = model if which == "MODEL" else classes
    before = path.read_bytes()
    _refused(w2v("export", model, "--projector", folder, "--classes-file", classes), path, before)


@pytest.mark.parametrize("command", [["train", "--quiet", "--min-count", "1", "--dim", "4"],
                                     ["vocab", "--min-count", "1"],
                                     ["ngram", "train"]])
def test_output_over_the_file_read_on_standard_input_is_refused(corpus, command):
    # `w2v CMD - -o x.txt < x.txt`: the output is the input all the same, under another name
    import subprocess
    import sys

    head, tail = command[:2] if command[0] == "ngram" else command[:1], command[2 if command[0] == "ngram" else 1:]
    before = corpus.read_bytes()
    with open(corpus, "rb") as stdin:
        out = subprocess.run([sys.executable, "-m", "w2v", *head, "-", "-o", str(corpus), *tail], stdin=stdin,
                             capture_output=True, text=True, timeout=120)
    _refused(out, corpus, before)
    assert "standard input" in out.stderr


def test_a_new_file_inside_a_corpus_folder_is_refused_too(tmp_path):
    # it would be read as part of the corpus by the next run on that folder (a --resume among them)
    folder = tmp_path / "texts"
    (folder / "sub").mkdir(parents=True)
    (folder / "part1.txt").write_text(TEXT)
    for inside in (folder / "vectors.txt", folder / "sub" / "state.npz"):
        with pytest.raises(PathConflictError, match="inside the corpus folder"):
            refuse_overwrite({"CORPUS": folder}, {"-o": inside})
    out = w2v("train", folder, "-o", folder / "vectors.txt", "--quiet", "--min-count", "1", "--dim", "4")
    assert out.returncode == 2 and "inside the corpus folder" in out.stderr, out.stderr
    assert sorted(p.name for p in folder.iterdir()) == ["part1.txt", "sub"]


def test_outputs_the_folder_listing_skips_are_allowed_and_those_it_reaches_through_links_refused(tmp_path):
    # the listing skips hidden names, so a hidden output cannot join the corpus; it follows links to
    # folders, so an output in a linked folder would
    folder, elsewhere = tmp_path / "texts", tmp_path / "elsewhere"
    folder.mkdir()
    elsewhere.mkdir()
    (folder / "part1.txt").write_text(TEXT)
    (folder / "linked").symlink_to(elsewhere)
    refuse_overwrite({"CORPUS": folder}, {"-o": folder / ".vectors.txt", "--save-state": folder / ".run" / "s.npz"})
    with pytest.raises(PathConflictError, match="inside the corpus folder"):
        refuse_overwrite({"CORPUS": folder}, {"-o": elsewhere / "vectors.txt"})
    with pytest.raises(PathConflictError, match="inside the corpus folder"):
        refuse_overwrite({"CORPUS": folder}, {"-o": folder / "new" / "deeper" / "vectors.txt"})

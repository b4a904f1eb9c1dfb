"""``w2v classes`` and what ``w2v train`` writes beside the vectors: classes, curves, per-epoch accuracy."""
from __future__ import annotations

import json
import numpy as np
import pytest

from w2v import KeyedVectors
from w2v.cli import main
from w2v.clusters import cluster_vectors, read_classes
from w2v.corpus.demo import write_demo_corpus


@pytest.fixture
def vectors(tmp_path):
    rng = np.random.default_rng(0)
    centres = rng.normal(size=(3, 8)) * 4
    kv = KeyedVectors([f"w{i}" for i in range(30)], np.repeat(centres, 10, axis=0) + rng.normal(size=(30, 8)))
    path = tmp_path / "v.bin"
    kv.save(path, format="binary")
    return path


def test_classes_writes_word2vec_c_format(tmp_path, vectors, capsys):
    out = tmp_path / "classes.txt"
    assert main(["classes", str(vectors), "-k", "3", "-o", str(out), "--seed", "2"]) == 0
    assert "30 words in 3 classes" in capsys.readouterr().out
    classes = read_classes(out)
    assert list(classes) == KeyedVectors.load(vectors).words
    expected = cluster_vectors(KeyedVectors.load(vectors), 3, seed=2)
    assert list(classes.values()) == expected.labels.tolist()
    # the three planted groups of ten are the three classes
    assert {tuple(sorted({classes[f"w{i}"] for i in range(g * 10, g * 10 + 10)})) for g in range(3)} \
        == {(0,), (1,), (2,)}


def test_classes_stdout_json_and_restrict(tmp_path, vectors, capsys):
    assert main(["classes", str(vectors), "-k", "2", "--restrict-vocab", "12"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert [line.split()[0] for line in lines] == [f"w{i}" for i in range(12)]
    assert main(["classes", str(vectors), "-k", "3", "--json", "--top", "2"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["k"] == 3 and len(doc["classes"]) == 3
    assert sum(c["size"] for c in doc["classes"]) == 30
    assert all(len(c["central_words"]) == 2 for c in doc["classes"])


def test_classes_usage_errors(tmp_path, vectors, capsys):
    assert main(["classes", str(vectors), "-k", "31"]) == 2
    assert "cannot make 31 classes of 30 words" in capsys.readouterr().err
    with pytest.raises(SystemExit) as exit_:
        main(["classes", str(vectors), "-k", "0"])
    assert exit_.value.code == 2


def test_classes_of_a_word_no_classes_file_holds_points_to_nothing_that_fails_too(tmp_path, capsys):
    # the refusal recommended "write them as JSON instead (format='json', w2v classes --json)", but
    # -o x.json --json fails the same way and the JSON is only a summary, not every word's class
    path = tmp_path / "ctl.npz"
    KeyedVectors(["a", "g\x0bh", "c", "d"], [[1, 0], [0, 1], [1, 1], [1, -1]]).save(path)
    out = tmp_path / "ctlc.json"
    assert main(["classes", str(path), "-k", "2", "-o", str(out), "--json"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("w2v classes: error: ") and err.count("\n") == 1 and "'g\\x0bh'" in err
    assert "json" not in err.lower() and not out.exists()
    # the JSON summary on stdout still holds such a word
    assert main(["classes", str(path), "-k", "2", "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert "g\x0bh" in [w["word"] for c in doc["classes"] for w in c["central_words"]]


def test_classes_of_fewer_directions_than_k_ends_with_k_classes(tmp_path, capsys):
    # two directions into three classes was a RecursionError traceback
    path = tmp_path / "dup.txt"
    path.write_text("5 2\na 1 0\nb 0 1\nc 0 1\nd 0 1\ne 0 1\n")
    assert main(["classes", str(path), "-k", "3", "--json", "--iterations", "1000"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["k"] == 3 and all(c["size"] >= 1 for c in doc["classes"]) and doc["iterations"] <= 3


def test_evaluate_every_epoch_records_accuracy():
    from w2v.evaluate import EvaluateEveryEpoch, evaluate_analogies

    class Model:
        wv_ = KeyedVectors(["man", "woman", "king", "queen", "cat"],
                           [[0, 1, 0], [0, 0, 1], [1, 1, 0], [1, 0, 1], [0.3, 0.3, 0.3]])

    record = {"epoch": 1}
    callback = EvaluateEveryEpoch(restrict_vocab=None)
    callback(Model(), record)
    # the bundled set has king/queen/man/woman questions; all of the asked ones are answered right
    expected = evaluate_analogies(Model.wv_, restrict_vocab=None)
    assert record["analogy_questions"] == expected.questions > 0
    assert record["analogy_accuracy"] == expected.accuracy == 1.0
    empty = {"epoch": 2}

    class Unrelated:
        wv_ = KeyedVectors(["xx", "yy"], [[1, 0], [0, 1]])

    callback(Unrelated(), empty)  # no question in the vocabulary: recorded as None, training goes on
    assert empty["analogy_accuracy"] is None


def test_train_writes_classes_curves_and_accuracy_per_epoch(tmp_path, capsys):
    pytest.importorskip("matplotlib")
    corpus, questions = write_demo_corpus(tmp_path, n_tokens=20_000, seed=3)
    out = tmp_path / "vectors.bin"
    state = tmp_path / "run.npz"
    code = main([str(a) for a in ("train", corpus, "-o", out, "--epochs", "2", "--dim", "16", "--workers", "1",
                                  "--quiet", "--classes", "5", "--evaluate-every-epoch", "--questions", questions,
                                  "--plot-history", tmp_path / "curves.png", "--save-state", state)])
    result = capsys.readouterr()
    assert code == 0, result.err
    kv = KeyedVectors.load(out)
    classes = read_classes(tmp_path / "vectors.classes.txt")
    assert list(classes) == kv.words and set(classes.values()) == set(range(5))
    assert (tmp_path / "curves.png").read_bytes()[:4] == b"\x89PNG"
    from w2v.curves import read_history

    history = read_history(state)
    assert len(history) == 2 and all(0 <= r["analogy_accuracy"] <= 1 for r in history)
    assert "analogy accuracy per epoch" in result.out


def test_train_checks_its_picture_options_before_training(tmp_path, capsys):
    corpus, _ = write_demo_corpus(tmp_path, n_tokens=2_000, seed=3)
    out = tmp_path / "v.bin"
    assert main(["train", str(corpus), "-o", str(out), "--plot-history", str(tmp_path / "curves.gif")]) == 2
    assert ".png, .svg or .pdf" in capsys.readouterr().err
    assert main(["train", str(corpus), "-o", str(out), "--classes-output", str(tmp_path / "c.txt")]) == 2
    assert "--classes-output needs --classes" in capsys.readouterr().err
    assert not out.exists()


@pytest.mark.parametrize("text", ["the cat sat\n", ": only a header\n", "a b c d\n"],
                         ids=["prose", "no-question", "no-header"])
def test_an_unusable_questions_file_fails_before_training(tmp_path, capsys, text):
    # it was a warning at the end of every epoch, after the run had started, and an exit status of 0
    from w2v.evaluate import EvaluateEveryEpoch, EvaluationError

    questions = tmp_path / "q.txt"
    questions.write_text(text)
    with pytest.raises(EvaluationError):
        EvaluateEveryEpoch(questions)
    corpus, _ = write_demo_corpus(tmp_path, n_tokens=2_000, seed=1)
    code = main(["train", str(corpus), "-o", str(tmp_path / "v.bin"), "--min-count", "1", "--dim", "4",
                 "--epochs", "1", "--quiet", "--evaluate-every-epoch", "--questions", str(questions)])
    err = capsys.readouterr().err
    assert code == 2 and "q.txt" in err and len(err.strip().splitlines()) == 1, err
    assert not (tmp_path / "v.bin").exists()

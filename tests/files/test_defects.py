"""Malformed model files found by the hostile-input review: each is a one-line format error.

Every case here gave a traceback, exhausted memory or answered wrongly before the loaders
validated what they read (issue 15, items 6, 7, 10, 14).
"""
from __future__ import annotations

import os
import tracemalloc

import numpy as np
import pytest

from cli_runner import run_cli
from tamper import json_member, npy_header, read_zip, write_zero_bomb, write_zip
from w2v import KeyedVectors, Word2Vec
from w2v.errors import ModelFormatError
from w2v.models.state import load_state
from w2v.ngram import NgramLM
from w2v.vectors_io import read_vectors, write_vectors

WORDS = ["the", "cat", "sat", "on"]


def one_line_error(load, path, *match):
    with pytest.raises(ModelFormatError) as info:
        load(path)
    message = str(info.value)
    assert "\n" not in message and str(path) in message, message
    for m in match:
        assert m in message, message
    return message


@pytest.fixture
def native(tmp_path):
    path = tmp_path / "v.npz"
    KeyedVectors(WORDS, np.arange(16, dtype=np.float32).reshape(4, 4), np.array([9, 7, 5, 3])).save(path)
    return path


def rewrite(path, **changes):
    members = read_zip(path)
    for name, value in changes.items():
        if value is None:
            del members[name]
        else:
            members[name] = value
    write_zip(path, members)
    return path


def native_meta(**changes):
    meta = {"format": "w2v-keyed-vectors", "version": 1, "vocab_size": 4, "dim": 4, "has_counts": True}
    meta.update(changes)
    return json_member({k: v for k, v in meta.items() if v is not None})


# ---------------------------------------------------------------- native vectors (item 6)

@pytest.mark.parametrize("meta, what", [
    (json_member([1, 2]), "meta"),
    (native_meta(dim=None), "dim"),
    (native_meta(version="1"), "version"),
    (native_meta(dim=3), "vectors"),
    (native_meta(vocab_size=5), "word_offsets"),
])
def test_native_meta_defects(native, meta, what):
    one_line_error(KeyedVectors.load, rewrite(native, meta=meta), what)


@pytest.mark.parametrize("offsets, what", [
    (np.array([0.0, 3, 6, 9, 11]), "word_offsets"),
    (np.array([0, 3, 2, 9, 11]), "word_offsets"),
    (np.array([0, 3, 6, 9, 12]), "word_offsets"),
    (np.array([1, 3, 6, 9, 11]), "word_offsets"),
])
def test_native_word_offsets_defects(native, offsets, what):
    one_line_error(KeyedVectors.load, rewrite(native, word_offsets=offsets), what)


@pytest.mark.parametrize("mmap", [False, True])
def test_native_shape_of_ten_to_the_eleven_rows(native, mmap):
    rewrite(native, vectors=npy_header("<f4", (10 ** 11, 4)) + bytes(64))
    one_line_error(lambda p: KeyedVectors.load(p, mmap=mmap), native, "vectors")


def test_native_counts_must_be_integers_of_the_right_length(native):
    one_line_error(KeyedVectors.load, rewrite(native, counts=np.array([1.5, 2, 3, 4])), "counts")
    one_line_error(KeyedVectors.load, rewrite(native, counts=np.array([1, 2, 3])), "counts")


def test_native_decompression_bomb_is_refused_before_it_expands(native, tmp_path):
    members = read_zip(native)
    del members["vectors"]
    bomb = tmp_path / "bomb.npz"
    size = write_zero_bomb(bomb, members, "vectors", (50_000_000, 4))  # 800 MB of zeros
    assert size < 1_000_000
    tracemalloc.start()
    try:
        one_line_error(KeyedVectors.load, bomb, "vectors")
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 20_000_000, peak


def test_a_member_larger_than_the_memory_available_is_refused_before_allocation(tmp_path, monkeypatch):
    # a file whose header, offsets and vectors all agree on a size the machine cannot hold is
    # refused from the declared sizes, before anything is allocated or expanded
    path = tmp_path / "v.npz"
    KeyedVectors([f"w{i}" for i in range(100)], np.ones((100, 64))).save(path)
    monkeypatch.setattr("w2v.container.available_memory", lambda: 10_000)
    one_line_error(KeyedVectors.load, path, "vectors.npy", "memory")
    assert len(KeyedVectors.load(path, mmap=True)) == 100  # mapping allocates nothing


# ---------------------------------------------------------------- word2vec text / binary

def test_text_header_with_five_billion_dims_is_a_format_error(tmp_path):
    path = tmp_path / "v.txt"
    path.write_text("1 5000000000\nthe 0.5 0.25\n")
    one_line_error(KeyedVectors.load, path, "5000000000")
    one_line_error(lambda p: read_vectors(p, format="text"), path, "5000000000")


@pytest.mark.parametrize("fmt", ["text", "binary"])
def test_header_claiming_fewer_rows_than_the_file_has(tmp_path, fmt):
    path = tmp_path / f"v.{fmt}"
    KeyedVectors(WORDS, np.ones((4, 3))).save(path, format=fmt)
    data = path.read_bytes()
    path.write_bytes(b"2 3\n" + data[data.index(b"\n") + 1:])
    one_line_error(KeyedVectors.load, path, "header", "2")
    assert KeyedVectors.load(path, limit=2).words == WORDS[:2]


@pytest.mark.parametrize("fmt", ["text", "binary", "native"])
@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
def test_non_finite_vectors_are_refused_naming_the_word(tmp_path, fmt, bad):
    vectors = np.ones((4, 3), dtype=np.float32)
    vectors[2, 1] = bad
    path = tmp_path / f"v.{fmt}"
    write_vectors(path, WORDS, vectors, format=fmt)  # KeyedVectors would refuse them
    one_line_error(KeyedVectors.load, path, "'sat'", "finite")  # the loader's error, naming the file


@pytest.mark.parametrize("load", [KeyedVectors.load, NgramLM.load, load_state, "Vocabulary.load"])
def test_unreadable_model_file_says_permission_denied(native, monkeypatch, load):
    # (the tests may run as root, for whom permission bits do not apply: deny in open() instead)
    import builtins

    from w2v.corpus import Vocabulary

    load = Vocabulary.load if load == "Vocabulary.load" else load
    real_open = builtins.open

    def deny(file, *args, **kwargs):
        if str(file) == str(native):
            raise PermissionError(13, "Permission denied", str(file))
        return real_open(file, *args, **kwargs)

    monkeypatch.setattr(builtins, "open", deny)
    message = one_line_error(load, native, "permission")
    assert "corrupt" not in message


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this system")
@pytest.mark.parametrize("load", [KeyedVectors.load, NgramLM.load, NgramLM.from_arpa, load_state,
                                  "Vocabulary.load"])
def test_fifo_as_model_file_is_not_called_empty_and_does_not_hang(tmp_path, load):
    from w2v.corpus import Vocabulary

    load = Vocabulary.load if load == "Vocabulary.load" else load
    fifo = tmp_path / "v.fifo"
    os.mkfifo(fifo)
    message = one_line_error(load, fifo, "not a regular file")
    assert "empty" not in message


# ---------------------------------------------------------------- n-gram models

@pytest.fixture
def ngram(tmp_path):
    sentences = [s.split() for s in ["a b", "a b", "a c", "b", "c a", "a", "b c", "a b c", "c", "b a"]]
    path = tmp_path / "m.npz"
    NgramLM(order=3, smoothing="kneser-ney", min_count=1).fit(sentences).save(path)
    return path


def _ngram_meta(path):
    import json

    return json.loads(np.load(path)["meta"].tobytes())


@pytest.mark.parametrize("field", ["words", "order", "min_count", "smoothing"])
def test_ngram_meta_with_a_missing_field(ngram, field):
    meta = _ngram_meta(ngram)
    del meta[field]
    one_line_error(NgramLM.load, rewrite(ngram, meta=json_member(meta)), field)


@pytest.mark.parametrize("member", ["keys_2", "logprob_3", "logbow_1"])
def test_ngram_with_a_missing_member(ngram, member):
    one_line_error(NgramLM.load, rewrite(ngram, **{member: None}), member)


def test_ngram_with_unsorted_keys_is_refused(ngram):
    keys = np.load(ngram)["keys_2"].copy()
    keys[[0, 1]] = keys[[1, 0]]
    one_line_error(NgramLM.load, rewrite(ngram, keys_2=keys), "keys_2", "sorted")


def test_ngram_with_positive_log_probabilities_is_refused(ngram):
    logprob = np.load(ngram)["logprob_2"].copy()
    logprob[0] = 0.5
    one_line_error(NgramLM.load, rewrite(ngram, logprob_2=logprob), "logprob_2")


@pytest.mark.parametrize("member", ["logprob_2", "logbow_1"])
def test_ngram_with_nan_is_refused(ngram, member):
    values = np.load(ngram)[member].copy()
    values[0] = np.nan
    one_line_error(NgramLM.load, rewrite(ngram, **{member: values}), member)


def test_ngram_key_out_of_range_is_refused(ngram):
    keys = np.load(ngram)["keys_3"].copy()
    keys[-1] = 10 ** 12
    one_line_error(NgramLM.load, rewrite(ngram, keys_3=keys), "keys_3")


# ---------------------------------------------------------------- trainer states

@pytest.fixture(scope="module")
def state(tmp_path_factory):
    folder = tmp_path_factory.mktemp("state")
    corpus = folder / "c.txt"
    rng = np.random.default_rng(0)
    corpus.write_text("\n".join(" ".join(rng.choice([f"w{i}" for i in range(10)], 6)) for _ in range(40)))
    path = folder / "s.npz"
    Word2Vec(dim=4, epochs=1, min_count=1, workers=1, seed=1, progress=False).fit(corpus).save_state(path)
    return path


def _state_meta_key(members):
    return "meta" if "meta" in members else "meta_json"


def test_state_with_a_list_as_meta(state, tmp_path):
    members = read_zip(state)
    members[_state_meta_key(members)] = json_member([1, 2, 3])
    write_zip(tmp_path / "s.npz", members)
    one_line_error(load_state, tmp_path / "s.npz", "meta")
    one_line_error(Word2Vec.load_state, tmp_path / "s.npz", "meta")


def test_state_with_negative_epochs_trained(state, tmp_path):
    members = read_zip(state)
    key = _state_meta_key(members)
    import json

    meta = json.loads(np.load(state)[key].tobytes())
    meta["epochs_trained"] = -3
    members[key] = json_member(meta)
    write_zip(tmp_path / "s.npz", members)
    one_line_error(Word2Vec.load_state, tmp_path / "s.npz", "epochs_trained")


def test_state_member_with_a_huge_declared_shape(state, tmp_path):
    members = read_zip(state)
    members["input_vectors"] = npy_header("<f4", (10 ** 11, 4)) + bytes(64)
    write_zip(tmp_path / "s.npz", members)
    one_line_error(load_state, tmp_path / "s.npz", "input_vectors")


def test_state_with_an_object_member(state, tmp_path):
    members = read_zip(state)
    members["keep"] = npy_header("|O", (3,)) + bytes(24)
    write_zip(tmp_path / "s.npz", members)
    one_line_error(load_state, tmp_path / "s.npz", "keep")


# ---------------------------------------------------------------- through the CLI

def test_cli_answers_a_tampered_model_with_one_line_and_exit_2(native, ngram, tmp_path):
    rewrite(native, meta=json_member([1, 2]))
    out = run_cli("neighbors", native, "the")
    assert out.returncode == 2 and "Traceback" not in out.stderr
    assert len(out.stderr.strip().splitlines()) == 1 and str(native) in out.stderr
    keys = np.load(ngram)["keys_2"].copy()
    keys[[0, 1]] = keys[[1, 0]]
    rewrite(ngram, keys_2=keys)
    text = tmp_path / "t.txt"
    text.write_text("a b c\n")
    out = run_cli("ngram", "perplexity", ngram, text)
    assert out.returncode == 2 and "Traceback" not in out.stderr, out.stderr
    assert "sorted" in out.stderr


def test_cli_resume_from_a_tampered_state_is_one_line_and_exit_2(state, tmp_path):
    import json

    members = read_zip(state)
    key = _state_meta_key(members)
    meta = json.loads(np.load(state)[key].tobytes())
    meta["epochs_trained"] = -3
    members[key] = json_member(meta)
    write_zip(tmp_path / "s.npz", members)
    corpus = tmp_path / "c.txt"
    corpus.write_text("w1 w2 w3\n" * 20)
    out = run_cli("train", corpus, "-o", tmp_path / "v.bin", "--resume", tmp_path / "s.npz", "--quiet")
    assert out.returncode == 2 and "Traceback" not in out.stderr, out.stderr
    assert "epochs_trained" in out.stderr and len(out.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "v.bin").exists()

"""Embedding Projector files and ``w2v export`` format conversions."""
from __future__ import annotations

import numpy as np
import pytest

from w2v import KeyedVectors
from w2v.cli import main
from w2v.export import write_projector


@pytest.fixture
def kv() -> KeyedVectors:
    rng = np.random.default_rng(0)
    words = [f"w{i}" for i in range(30)] + ["tab\tword"]
    return KeyedVectors(words, rng.normal(size=(31, 5)), counts=np.arange(310, 0, -10))


def test_projector_files_rows_and_columns(tmp_path, kv):
    folder = tmp_path / "proj"
    write_projector(kv, folder)
    tensors = (folder / "tensors.tsv").read_text().splitlines()
    assert len(tensors) == len(kv)
    values = np.array([[float(v) for v in row.split("\t")] for row in tensors])
    assert values.shape == (31, 5)
    np.testing.assert_allclose(values, kv.vectors, rtol=1e-6)
    meta = (folder / "metadata.tsv").read_text().splitlines()
    assert meta[0] == "word\tcount" and len(meta) == len(kv) + 1
    assert all(len(row.split("\t")) == 2 for row in meta[1:])
    assert meta[1] == "w0\t310" and meta[-1] == "tab\\tword\t10"
    config = (folder / "projector_config.pbtxt").read_text()
    assert 'tensor_path: "tensors.tsv"' in config and 'metadata_path: "metadata.tsv"' in config


def test_projector_class_column_and_unknown_counts(tmp_path, kv):
    plain = KeyedVectors(kv.words, kv.vectors)
    classes = plain.cluster(3)
    write_projector(plain, tmp_path, classes=classes)
    meta = [row.split("\t") for row in (tmp_path / "metadata.tsv").read_text().splitlines()]
    assert meta[0] == ["word", "count", "class"]
    assert [row[1] for row in meta[1:]] == [""] * len(kv)
    assert [int(row[2]) for row in meta[1:]] == classes.labels.tolist()


def test_projector_metadata_escapes_lone_surrogates_and_stays_utf8(tmp_path):
    # a browser reads metadata.tsv as UTF-8, which holds no lone surrogate: the file's own
    # backslash escapes write it (writing it was a UnicodeEncodeError traceback, after tensors.tsv)
    words = ["a", "\udcff", "b\ud800\\", "\ud83d\ude42"]
    kv = KeyedVectors(words, np.eye(4), counts=[4, 3, 2, 1])
    write_projector(kv, tmp_path, classes={"\udcff": 7})
    meta = (tmp_path / "metadata.tsv").read_bytes().decode("utf-8").splitlines()
    assert meta[1:] == ["a\t4\t", "\\udcff\t3\t7", "b\\ud800\\\\\t2\t", "\\ud83d\\ude42\t1\t"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["metadata.tsv", "projector_config.pbtxt", "tensors.tsv"]


@pytest.mark.parametrize("fmt", ["glove", "text", "binary", "native"])
def test_export_converts_between_formats(tmp_path, kv, fmt, capsys):
    source = tmp_path / "v.npz"
    plain = KeyedVectors(kv.words[:-1], kv.vectors[:-1], kv.counts[:-1])
    plain.save(source)
    out = tmp_path / f"out.{fmt}"
    assert main(["export", str(source), "-o", str(out), "--format", fmt]) == 0
    back = KeyedVectors.load(out)
    assert back.words == plain.words
    np.testing.assert_array_equal(back.vectors, plain.vectors)
    from w2v.vectors_io import detect_format

    assert detect_format(out) == fmt


@pytest.mark.parametrize("fmt", ["glove", "text", "binary", "native"])
@pytest.mark.parametrize("suffix", [".gz", ".bz2", ".XZ"])
def test_a_compressed_output_name_is_refused_with_format_too(tmp_path, kv, capsys, fmt, suffix):
    # --format skipped the name check: plain text under a .gz name, which no reader can open
    source = tmp_path / "v.npz"
    kv.save(source)
    out = tmp_path / f"out.txt{suffix}"
    assert main(["export", str(source), "-o", str(out), "--format", fmt, "--projector", str(tmp_path / "p")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "not written compressed" in err
    assert not out.exists() and not (tmp_path / "p").exists()  # refused before anything was written
    from w2v.errors import ModelFormatError

    with pytest.raises(ModelFormatError, match="not written compressed"):
        kv.save(out, format=fmt)
    assert not out.exists()


def test_export_projector_cli_with_classes_and_restrict(tmp_path, kv, capsys):
    source = tmp_path / "v.npz"
    kv.save(source)
    assert main(["export", str(source), "--projector", str(tmp_path / "p"), "--classes", "4",
                 "--restrict-vocab", "10"]) == 0
    meta = (tmp_path / "p" / "metadata.tsv").read_text().splitlines()
    assert len(meta) == 11 and meta[0] == "word\tcount\tclass"
    assert len({row.split("\t")[2] for row in meta[1:]}) == 4


def test_export_projector_class_column_from_a_classes_file(tmp_path, kv, capsys):
    source = tmp_path / "v.npz"
    kv.save(source)
    classes = tmp_path / "classes.txt"
    classes.write_text("w0 7\nw2 3\n")
    assert main(["export", str(source), "--projector", str(tmp_path / "p"), "--classes-file", str(classes),
                 "--restrict-vocab", "3"]) == 0
    meta = [row.split("\t") for row in (tmp_path / "p" / "metadata.tsv").read_text().splitlines()]
    assert [row[2] for row in meta[1:]] == ["7", "", "3"]
    classes.write_text("w0 7 extra\n")
    assert main(["export", str(source), "--projector", str(tmp_path / "q"), "--classes-file", str(classes)]) == 2
    assert "line 1 is not 'word class_id'" in capsys.readouterr().err


def test_export_refuses_to_overwrite_its_input_and_needs_an_output(tmp_path, kv, capsys):
    source = tmp_path / "v.npz"
    kv.save(source)
    assert main(["export", str(source), "-o", str(source), "--format", "native"]) == 2
    assert "input" in capsys.readouterr().err
    assert main(["export", str(source)]) == 2
    assert "nothing to do" in capsys.readouterr().err
    assert main(["export", str(source), "-o", str(tmp_path / "x.txt"), "--classes", "3"]) == 2

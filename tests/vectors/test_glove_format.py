"""GloVe header-less text and fastText .vec files: detection by content, round trip, broken rows."""
from __future__ import annotations

import gzip

import numpy as np
import pytest

from w2v import KeyedVectors
from w2v.cli import main
from w2v.errors import ModelFormatError
from w2v.vectors_glove import is_glove_line
from w2v.vectors_io import detect_format, read_vectors

WORDS = ["the", "naïve", "日本語", "king", "queen"]


@pytest.fixture
def kv() -> KeyedVectors:
    rng = np.random.default_rng(4)
    vectors = rng.normal(size=(len(WORDS), 6)).astype(np.float32)
    vectors[1, 0] = 1e-30
    vectors[2, 1] = -3.4e38
    return KeyedVectors(WORDS, vectors)


def test_glove_round_trip_is_exact_and_headerless(tmp_path, kv):
    path = tmp_path / "v.txt"
    kv.save(path, format="glove")
    lines = path.read_text(encoding="utf-8").splitlines()
    assert len(lines) == len(WORDS) and lines[0].split(" ")[0] == "the"
    assert all(len(line.split(" ")) == 7 for line in lines)  # word + 6 values, no trailing space
    assert detect_format(path) == "glove"
    back = KeyedVectors.load(path)
    assert back.words == WORDS
    np.testing.assert_array_equal(back.vectors, kv.vectors)


@pytest.mark.parametrize("first", [["2", [1.0]], ["7", [0.0]], ["2", [-1.0]], ["two", [1.0]]],
                         ids=["number-one", "number-zero", "negative", "word"])
def test_one_dimensional_glove_round_trips_when_the_first_row_looks_like_a_header(tmp_path, capsys, first):
    # "2 1" was written as the first row and read back as a word2vec header: a word was lost silently
    kv = KeyedVectors([first[0], "b", "c"], [first[1], [3.0], [0.5]])
    path = tmp_path / "v.txt"
    kv.save(path, format="glove")
    back = KeyedVectors.load(path)
    assert detect_format(path) == "glove"
    assert back.words == kv.words
    np.testing.assert_array_equal(back.vectors, kv.vectors)
    native = tmp_path / "v.npz"
    kv.save(native)
    out = tmp_path / "cli.txt"
    assert main(["export", str(native), "-o", str(out), "--format", "glove"]) == 0
    assert out.read_bytes() == path.read_bytes()


def test_real_glove_layout_and_gzip_and_limit(tmp_path):
    text = "the 0.418 0.24968 -0.41242\n, 0.013441 0.23682 -0.16899\n\nof 0.70853 0.57088 -0.4716\n"
    path = tmp_path / "glove.6B.3d.txt.gz"
    with gzip.open(path, "wt") as f:
        f.write(text)
    words, vectors, counts = read_vectors(path)
    assert words == ["the", ",", "of"] and counts is None
    np.testing.assert_allclose(vectors[2], [0.70853, 0.57088, -0.4716], rtol=1e-6)
    words, vectors, _ = read_vectors(path, limit=2)
    assert words == ["the", ","] and vectors.shape == (2, 3)


def test_fasttext_vec_reads_as_word2vec_text(tmp_path):
    # fastText writes a "V d" header and a space after every value
    path = tmp_path / "wiki.vec"
    path.write_text("2 3\nthe 0.1 0.2 0.3 \nof -1 0.5 2 \n", encoding="utf-8")
    assert detect_format(path) == "text"
    kv = KeyedVectors.load(path)
    assert kv.words == ["the", "of"]
    np.testing.assert_allclose(kv.vectors[1], [-1, 0.5, 2])


def test_word2vec_header_is_not_a_glove_row():
    assert not is_glove_line(b"71291 200")
    assert is_glove_line(b"the 0.1 -2e-3")
    assert is_glove_line(b"1 0.5")  # a number-word with one non-integer value is GloVe
    assert not is_glove_line(b"the")
    assert not is_glove_line(b"the cat")


def test_a_row_with_the_wrong_number_of_values_names_its_line(tmp_path):
    path = tmp_path / "bad.txt"
    path.write_text("a 1 2 3\nb 4 5 6\nc 7 8\nd 1 1 1\n")
    with pytest.raises(ModelFormatError) as err:
        KeyedVectors.load(path)
    message = str(err.value)
    assert "line 3" in message and "2 values" in message and "line 1 has 3" in message
    assert "\n" not in message


def test_a_first_row_with_the_wrong_number_of_values_is_named_too(tmp_path):
    path = tmp_path / "bad-first.txt"
    path.write_text("a 1 2 3 4\nb 4 5 6\nc 7 8 9\n")
    with pytest.raises(ModelFormatError) as err:
        KeyedVectors.load(path)
    assert "line 2 has 3 values but line 1 has 4" in str(err.value)


def test_a_value_that_is_not_a_number_names_its_line(tmp_path):
    path = tmp_path / "nan.txt"
    path.write_text("a 1 2\nb 4 x5\n")
    with pytest.raises(ModelFormatError, match="line 2: value b'x5' is not a number"):
        KeyedVectors.load(path)


# float() takes 1_0 as 10; the second case is on the line that decides the format
@pytest.mark.parametrize("rows, line, bad", [("a_b 1 2\nc 1_0 0.5\n", 2, "1_0"),
                                             ("c 1_0 0.5\na_b 1 2\n", 1, "1_0"),
                                             ("a_b 1 2\nc -0.5 2_5e-1\n", 2, "2_5e-1")])
def test_a_value_holding_an_underscore_is_not_a_number(tmp_path, rows, line, bad):
    path = tmp_path / "g.txt"
    path.write_text(rows)
    assert detect_format(path) == "glove"
    with pytest.raises(ModelFormatError, match=rf"g.txt: line {line}: value b'{bad}' is not a number") as err:
        read_vectors(path)
    assert "\n" not in str(err.value)


def test_words_may_hold_underscores_and_values_infinities_stay_refused_as_before(tmp_path):
    path = tmp_path / "g.txt"
    path.write_text("new_york 1 2\n_ 3 4\n")
    assert read_vectors(path)[0] == ["new_york", "_"]
    path.write_text("new_york 1 2\nb inf 4\n")
    with pytest.raises(ModelFormatError, match="'b'.*not finite"):
        read_vectors(path)


@pytest.mark.parametrize("value", ["1e39", "-3.5e38"])
def test_a_value_beyond_float32s_range_is_named_as_such(tmp_path, value, recwarn):
    path = tmp_path / "g.txt"
    path.write_text(f"a 1 2\nb 1 {value}\n")
    with pytest.raises(ModelFormatError, match=rf"g.txt: line 2: value b'{value}' of word 'b' is beyond "
                                               r"float32's range") as err:
        read_vectors(path)
    assert "\n" not in str(err.value) and "not finite" not in str(err.value)
    assert not [w for w in recwarn if "overflow" in str(w.message)]


def test_cli_bad_glove_row_is_one_line_exit_2(tmp_path, capsys):
    path = tmp_path / "bad.txt"
    path.write_text("a 1 2 3\nb 4 5 6\nc 7 8\n")
    assert main(["neighbors", str(path), "a"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "line 3" in err and "Traceback" not in err


def test_query_commands_read_glove(tmp_path, capsys):
    path = tmp_path / "glove.txt"
    path.write_text("king 1 1 0\nqueen 1 0 1\nman 0 1 0\nwoman 0 0 1\nprince 0.9 1 0.1\n")
    assert main(["analogy", str(path), "man", "king", "woman", "-n", "1"]) == 0
    assert capsys.readouterr().out.split()[0] == "queen"
    assert main(["similarity", str(path), "king", "prince"]) == 0
    expected = KeyedVectors.load(path).similarity("king", "prince")
    assert float(capsys.readouterr().out) == pytest.approx(expected, abs=1e-6)

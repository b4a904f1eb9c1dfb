"""word2vec text/binary and native formats: exact layouts, variants, round trips, broken files."""
from __future__ import annotations

import gzip
import logging
import struct
import tracemalloc
import zipfile

import numpy as np
import pytest

from w2v import KeyedVectors
from w2v.errors import ModelFormatError
from w2v.export import write_projector
from w2v.vectors_io import detect_format, read_vectors, write_vectors

WORDS = ["</s>", "naïve", "日本語", "🙂x", "e\u0301"]  # 2-, 3-, 4-byte UTF-8 and a combining mark


@pytest.fixture
def kv() -> KeyedVectors:
    rng = np.random.default_rng(3)
    vectors = rng.normal(size=(len(WORDS), 4)).astype(np.float32)
    vectors[1, 0] = 1e-30  # extremes must survive the text format too
    vectors[2, 1] = -3.4e38
    return KeyedVectors(WORDS, vectors, counts=np.array([50, 40, 30, 20, 10]))


def _c_binary(words, vectors, newline=True) -> bytes:
    """Bytes exactly as word2vec.c's ``-binary 1`` writes them (gensim: ``newline=False``)."""
    out = f"{len(words)} {vectors.shape[1]}\n".encode()
    for word, row in zip(words, vectors):
        out += word.encode() + b" " + struct.pack(f"<{len(row)}f", *row) + (b"\n" if newline else b"")
    return out


@pytest.mark.parametrize("fmt", ["native", "binary", "text"])
def test_round_trip_is_exact(tmp_path, kv, fmt):
    path = tmp_path / f"v.{fmt}"
    kv.save(path, format=fmt)
    back = KeyedVectors.load(path)
    assert back.words == WORDS
    np.testing.assert_array_equal(back.vectors, kv.vectors)
    assert back.vectors.dtype == np.float32
    if fmt == "native":
        np.testing.assert_array_equal(back.counts, kv.counts)
    else:
        assert back.counts is None
    assert detect_format(path) == fmt
    assert [p.name for p in tmp_path.iterdir()] == [path.name]  # no temporary files left


def test_binary_writer_matches_word2vec_c_bytes(tmp_path, kv):
    kv.save(tmp_path / "v.bin", format="binary")
    assert (tmp_path / "v.bin").read_bytes() == _c_binary(WORDS, kv.vectors)


def test_text_writer_layout_is_word2vec_c(tmp_path, kv):
    kv.save(tmp_path / "v.txt", format="text")
    lines = (tmp_path / "v.txt").read_bytes().split(b"\n")
    assert lines[0] == b"5 4" and lines[-1] == b""
    for word, line in zip(WORDS, lines[1:-1]):
        assert line.startswith(word.encode() + b" ") and line.endswith(b" ")  # each value then a space
        assert len(line.split(b" ")) == 1 + 4 + 1


def test_reads_file_laid_out_byte_by_byte_as_word2vec_c(tmp_path):
    vectors = np.array([[0.5, -1.25, 3.0], [1e-7, 2.0, -0.0]], np.float32)
    (tmp_path / "c.bin").write_bytes(_c_binary(["hello", "wörld"], vectors))
    kv = KeyedVectors.load(tmp_path / "c.bin")
    assert kv.words == ["hello", "wörld"]
    np.testing.assert_array_equal(kv.vectors, vectors)


def test_reads_gensim_variants_and_crlf(tmp_path):
    vectors = np.array([[0.5, -1.25], [2.0, 4.0], [-1.0, 0.125]], np.float32)
    words = ["a", "bé", "c"]
    (tmp_path / "g.bin").write_bytes(_c_binary(words, vectors, newline=False))
    (tmp_path / "g.txt").write_bytes(b"3 2\na 0.5 -1.25\nb\xc3\xa9 2.0 4.0\nc -1 0.125\n")  # no trailing space
    (tmp_path / "crlf.txt").write_bytes(b"3 2\r\na 0.5 -1.25 \r\nb\xc3\xa9 2 4 \r\nc -1.0 0.125 \r\n")
    (tmp_path / "crlf.bin").write_bytes(_c_binary(words, vectors).replace(b"3 2\n", b"3 2\r\n", 1))
    (tmp_path / "tail.txt").write_bytes(b"3 2\na 0.5 -1.25\n\nb\xc3\xa9 2 4\nc -1 0.125")  # blank line, no final newline
    for name in ("g.bin", "g.txt", "crlf.txt", "crlf.bin", "tail.txt"):
        kv = KeyedVectors.load(tmp_path / name)
        assert kv.words == words, name
        np.testing.assert_array_equal(kv.vectors, vectors, err_msg=name)


@pytest.mark.parametrize("fmt", ["native", "binary", "text"])
def test_limit_reads_first_words(tmp_path, kv, fmt):
    kv.save(tmp_path / "v", format=fmt)
    back = KeyedVectors.load(tmp_path / "v", limit=2)
    assert back.words == WORDS[:2]
    np.testing.assert_array_equal(back.vectors, kv.vectors[:2])
    assert len(KeyedVectors.load(tmp_path / "v", limit=99)) == 5
    with pytest.raises(ModelFormatError, match="limit"):
        KeyedVectors.load(tmp_path / "v", limit=0)


@pytest.mark.parametrize("limit", [3.0, 2.5, float("inf"), float("nan"), "2", True, -1, np.float64(2.0)])
def test_limit_other_than_a_positive_integer_is_a_one_line_error(tmp_path, kv, limit):
    # as restrict_vocab and topn: an integer (bool excluded) or None; 3.0 was let through to a raw
    # TypeError, inf to an OverflowError
    kv.save(tmp_path / "v.txt")
    with pytest.raises(ModelFormatError, match=r"limit must be a positive integer or None, got ") as err:
        KeyedVectors.load(tmp_path / "v.txt", limit=limit)
    assert "\n" not in str(err.value)
    assert KeyedVectors.load(tmp_path / "v.txt", limit=np.int64(2)).words == WORDS[:2]


def test_format_detected_from_content_not_extension(tmp_path, kv):
    kv.save(tmp_path / "binary.txt", format="binary")
    kv.save(tmp_path / "text.bin", format="text")
    kv.save(tmp_path / "native.txt", format="native")
    assert detect_format(tmp_path / "binary.txt") == "binary"
    assert detect_format(tmp_path / "text.bin") == "text"
    assert detect_format(tmp_path / "native.txt") == "native"
    for name in ("binary.txt", "text.bin", "native.txt"):
        assert KeyedVectors.load(tmp_path / name).words == WORDS


def test_compressed_word2vec_file(tmp_path, kv):
    kv.save(tmp_path / "v.txt", format="text")
    (tmp_path / "v.txt.gz").write_bytes(gzip.compress((tmp_path / "v.txt").read_bytes()))
    back = KeyedVectors.load(tmp_path / "v.txt.gz")
    np.testing.assert_array_equal(back.vectors, kv.vectors)


def test_invalid_utf8_is_replaced_with_warning(tmp_path, caplog):
    vectors = np.ones((2, 2), np.float32)
    data = _c_binary(["ok", "x"], vectors).replace(b"x ", b"caf\xe9 ", 1)
    (tmp_path / "bad.bin").write_bytes(data)
    (tmp_path / "bad.txt").write_bytes(b"2 2\nok 1 1\ncaf\xe9 1 1\n")
    for name in ("bad.bin", "bad.txt"):
        with caplog.at_level(logging.WARNING):
            kv = KeyedVectors.load(tmp_path / name)
        assert kv.words == ["ok", "caf\ufffd"]
        assert "invalid UTF-8" in caplog.text


#: words of the Python API that no UTF-8 text holds: lone surrogates, alone, in a word, and a pair
SURROGATE_WORDS = ["a", "\udcff", "b\ud800c", "\ud83d\ude42", "z"]


@pytest.mark.parametrize("fmt", ["native", "binary", "text", "glove"])
def test_lone_surrogates_in_words_round_trip_in_every_format(tmp_path, fmt, caplog):
    vectors = np.random.default_rng(5).normal(size=(len(SURROGATE_WORDS), 3)).astype(np.float32)
    path = tmp_path / f"v.{fmt}"
    KeyedVectors(SURROGATE_WORDS, vectors).save(path, format=fmt)
    if fmt != "native":  # the bytes of surrogatepass, as the binary writer always wrote them
        assert b"\n\xed\xb3\xbf " in path.read_bytes() and b"b\xed\xa0\x80c " in path.read_bytes()
    with caplog.at_level(logging.WARNING):
        back = KeyedVectors.load(path)
    assert back.words == SURROGATE_WORDS
    np.testing.assert_array_equal(back.vectors, vectors)
    assert "invalid UTF-8" not in caplog.text  # nothing was replaced
    assert [p.name for p in tmp_path.iterdir()] == [path.name]


def test_invalid_utf8_beside_an_encoded_surrogate_is_still_replaced(tmp_path, caplog):
    (tmp_path / "v.txt").write_bytes(b"2 2\n\xed\xb3\xbf 1 1\ncaf\xe9\xed\xb3 1 1\n")
    with caplog.at_level(logging.WARNING):
        kv = KeyedVectors.load(tmp_path / "v.txt")
    # a cut-short encoded surrogate is invalid UTF-8 like any other
    assert kv.words == ["\udcff", b"caf\xe9\xed\xb3".decode("utf-8", "replace")]
    assert "1 word(s) held invalid UTF-8" in caplog.text


def test_native_is_npz_without_pickle_and_memory_mappable(tmp_path, kv):
    path = tmp_path / "v.npz"
    kv.save(path)
    with np.load(path, allow_pickle=False) as npz:
        assert {"meta", "vectors", "words_utf8", "word_offsets", "counts"} <= set(npz.files)
    with zipfile.ZipFile(path) as zf:
        assert all(i.compress_type == zipfile.ZIP_STORED for i in zf.infolist())
    mapped = KeyedVectors.load(path, mmap=True)
    assert isinstance(mapped.vectors, np.memmap) and not mapped.vectors.flags.writeable
    assert mapped.vectors.offset % 64 == 0  # aligned inside the file
    np.testing.assert_array_equal(mapped.vectors, kv.vectors)
    assert mapped.most_similar("naïve", topn=2) == kv.most_similar("naïve", topn=2)
    assert len(KeyedVectors.load(path, mmap=True, limit=3)) == 3
    kv.save(tmp_path / "v.bin", format="binary")
    with pytest.raises(ModelFormatError, match="native"):
        KeyedVectors.load(tmp_path / "v.bin", mmap=True)


def test_word2vec_formats_refuse_words_with_spaces(tmp_path):
    kv = KeyedVectors(["new york", "b"], np.ones((2, 2)))
    for fmt in ("binary", "text"):
        with pytest.raises(ModelFormatError, match="new york"):
            kv.save(tmp_path / "v", format=fmt)
    assert not list(tmp_path.iterdir())
    kv.save(tmp_path / "v.npz")
    assert KeyedVectors.load(tmp_path / "v.npz").words == ["new york", "b"]


def test_failed_write_leaves_old_file_untouched(tmp_path, kv, monkeypatch):
    path = tmp_path / "v.npz"
    kv.save(path)
    before = path.read_bytes()

    def boom(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr("w2v.container._write_member", boom)
    with pytest.raises(OSError):
        KeyedVectors(["z"], np.zeros((1, 4))).save(path)
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["v.npz"]


# ---------------------------------------------------------------- broken files

def test_truncated_binary_names_row_and_offset(tmp_path):
    vectors = np.arange(6, dtype=np.float32).reshape(3, 2)
    data = _c_binary(["aa", "bb", "cc"], vectors)
    row3 = 4 + 2 * (3 + 8 + 1)  # header "3 2\n", then rows of word + space + 8 bytes + newline
    for cut in (row3 + 2, row3 + 5, len(data) - 2):
        (tmp_path / "t.bin").write_bytes(data[:cut])
        with pytest.raises(ModelFormatError, match=rf"row 3 of 3 \(byte offset {row3}\)"):
            KeyedVectors.load(tmp_path / "t.bin", format="binary")
    (tmp_path / "t.bin").write_bytes(data[:row3])  # whole rows missing
    with pytest.raises(ModelFormatError, match="truncated at vector row 3"):
        KeyedVectors.load(tmp_path / "t.bin")
    # limit stops before the damage
    assert len(KeyedVectors.load(tmp_path / "t.bin", limit=2)) == 2


def test_malformed_text_names_row_and_offset(tmp_path):
    (tmp_path / "m.txt").write_bytes(b"3 2\na 1 2\nb 1\nc 3 4\n")
    with pytest.raises(ModelFormatError, match=r"row 2 \(byte offset 10\): 1 values where the header says 2"):
        KeyedVectors.load(tmp_path / "m.txt", format="text")
    (tmp_path / "m.txt").write_bytes(b"3 2\na 1 2\nb 1 x2\nc 3 4\n")
    with pytest.raises(ModelFormatError, match=r"row 2 \(byte offset 10\).*'x2'"):
        KeyedVectors.load(tmp_path / "m.txt", format="text")
    (tmp_path / "m.txt").write_bytes(b"3 2\na 1 2\nb 3 4\n")
    with pytest.raises(ModelFormatError, match=r"truncated at vector row 3 of 3 \(byte offset 16\)"):
        KeyedVectors.load(tmp_path / "m.txt")


@pytest.mark.parametrize("content, message", [
    (b"", "empty"),
    (b"hello world\n", "header"),
    (b"3\n", "header"),
    (b"0 5\n", "no vectors"),
    (b"PK\x03\x04garbage", "corrupt"),
])
def test_unreadable_files_are_one_line_errors(tmp_path, content, message):
    (tmp_path / "x").write_bytes(content)
    with pytest.raises(ModelFormatError, match=message) as info:
        KeyedVectors.load(tmp_path / "x")
    assert "\n" not in str(info.value)


@pytest.mark.parametrize("fmt, mmap", [("native", False), ("native", True), ("binary", False), ("text", False)])
def test_a_file_of_zero_words_is_refused_in_one_line_in_every_format(tmp_path, fmt, mmap):
    # each writer writes one (an empty KeyedVectors saves); each reader says it holds no vectors
    path = tmp_path / "empty"
    KeyedVectors([], np.zeros((0, 3), np.float32)).save(path, format=fmt)
    with pytest.raises(ModelFormatError, match="0 words of 3 dimensions; the file holds no vectors") as info:
        KeyedVectors.load(path, mmap=mmap)
    assert "\n" not in str(info.value)


def test_native_word_offsets_that_decrease_are_named(tmp_path):
    from w2v.container import write_container
    from w2v.vectors_native import NATIVE_LAYOUT

    members = {"vectors": np.zeros((3, 2), np.float32), "words_utf8": np.frombuffer(b"abc", np.uint8),
               "word_offsets": np.array([0, 2, 1, 3], np.int64)}
    write_container(tmp_path / "v.npz", NATIVE_LAYOUT, {"vocab_size": 3, "dim": 2, "has_counts": False}, members)
    with pytest.raises(ModelFormatError, match="must not decrease, it does after entry 1"):
        KeyedVectors.load(tmp_path / "v.npz")


def test_missing_file_folder_and_foreign_npz(tmp_path):
    with pytest.raises(ModelFormatError, match="does not exist"):
        KeyedVectors.load(tmp_path / "nope.bin")
    with pytest.raises(ModelFormatError, match="folder"):
        KeyedVectors.load(tmp_path)
    np.savez(tmp_path / "other.npz", a=np.zeros(3))
    with pytest.raises(ModelFormatError, match="not a w2v vector file"):
        KeyedVectors.load(tmp_path / "other.npz")
    with pytest.raises(ModelFormatError, match="unknown vector format"):
        KeyedVectors.load(tmp_path / "other.npz", format="pickle")


def test_malformed_text_is_detected_as_text(tmp_path):
    rows = "".join(f"word{i} {i}.5 {i}.25 {i}.125\n" for i in range(30))
    (tmp_path / "m.vec").write_text("31 3\nbroken 1.0 2.0\n" + rows)
    assert detect_format(tmp_path / "m.vec") == "text"
    with pytest.raises(ModelFormatError, match=r"row 1 \(byte offset 5\)"):
        KeyedVectors.load(tmp_path / "m.vec")


def test_detection_never_mistakes_small_random_binaries(tmp_path):
    rng = np.random.default_rng(1)
    for trial in range(200):
        v, d = int(rng.integers(1, 40)), int(rng.integers(1, 6))
        vectors = (rng.normal(size=(v, d)) * 10.0 ** rng.integers(-3, 3)).astype(np.float32)
        words = [f"w{i}" for i in range(v)]
        (tmp_path / "r.bin").write_bytes(_c_binary(words, vectors))
        assert detect_format(tmp_path / "r.bin") == "binary", (trial, v, d)


@pytest.mark.parametrize("name", ["v.txt.gz", "v.bin.gz"])
def test_corrupt_compressed_file_is_a_format_error(tmp_path, name):
    kv = KeyedVectors([f"w{i}" for i in range(200)], np.ones((200, 5)))
    # plain bytes under a compressed name (save refuses to write that name itself)
    plain = tmp_path / name.removesuffix(".gz")
    kv.save(plain, format="binary" if ".bin" in name else "text")
    plain.rename(tmp_path / name)
    whole = (tmp_path / name).read_bytes()
    (tmp_path / name).write_bytes(whole[:len(whole) // 2])
    with pytest.raises(ModelFormatError, match="cannot be read .*corrupt or truncated"):
        read_vectors(tmp_path / name)
    (tmp_path / "bad.gz").write_bytes(b"3 2\nnot gzip at all\n")
    with pytest.raises(ModelFormatError, match="cannot be read .*corrupt or truncated"):
        detect_format(tmp_path / "bad.gz")


@pytest.mark.parametrize("fmt, row", [("text", b"a " + b" ".join([b"0.5"] * 300) + b"\n"),
                                      ("binary", b"a " + b"\0" * 1200)])
def test_header_larger_than_file_is_a_format_error(tmp_path, fmt, row):
    (tmp_path / "v").write_bytes(b"99999999999 300\n" + row)
    with pytest.raises(ModelFormatError, match="header says 99999999999 words of 300 dims but the file "
                                               "holds only"):
        read_vectors(tmp_path / "v", format=fmt)
    # compressed: the size is unknown, the allocation itself must fail cleanly (or the rows run out)
    (tmp_path / "v.gz").write_bytes(gzip.compress(b"99999999999 300\n" + row))
    with pytest.raises(ModelFormatError):
        read_vectors(tmp_path / "v.gz", format=fmt)


@pytest.mark.parametrize("fmt", ["binary", "text", "glove", "projector"])
def test_writing_holds_a_bounded_part_of_the_file_in_memory(tmp_path, fmt):
    # the writers format a block of rows at a time; a block must stay small next to the matrix,
    # or writing becomes the peak of a whole training run (the vectors are written last): blocks
    # of 10,000 rows held 9.5 MB (binary) and 37 MB (text) for this 2.6 MB matrix
    vectors = np.random.default_rng(0).standard_normal((10_000, 64)).astype(np.float32)
    words = [f"w{i}" for i in range(len(vectors))]
    kv = KeyedVectors(words, vectors)
    tracemalloc.start()
    try:
        if fmt == "projector":
            write_projector(kv, tmp_path / "p")
        else:
            write_vectors(tmp_path / "v", words, vectors, format=fmt)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 3_000_000, f"writing {fmt} held {peak / 1e6:.1f} MB at once"
    if fmt == "projector":
        assert np.loadtxt(tmp_path / "p" / "tensors.tsv", dtype=np.float32).shape == vectors.shape
    else:
        assert np.array_equal(KeyedVectors.load(tmp_path / "v").vectors, vectors)


@pytest.mark.parametrize("fmt", ["binary", "text", "glove"])
def test_a_word_the_format_cannot_store_is_named_with_both_remedies(tmp_path, fmt):
    from w2v.vectors_io import unstorable_word, write_vectors

    words = ["ok", "x y", ""]
    assert unstorable_word(words, fmt) == "x y" and unstorable_word(words, "native") is None
    assert unstorable_word(["ok", "fine"], fmt) is None
    with pytest.raises(ModelFormatError, match=r"'x y'.*format='native' \(w2v train --format native\)"):
        write_vectors(tmp_path / "v", words, np.zeros((3, 2), np.float32), format=fmt)
    assert not (tmp_path / "v").exists()


# ---------------------------------------------------------------- telling text from binary

LONG = "x" * 5000  # longer than any fixed window the sniffer could look at before the first value


@pytest.mark.parametrize("fmt", ["binary", "text", "gensim-binary"])
@pytest.mark.parametrize("first", [LONG, "y" * 70_000])
def test_long_first_word_does_not_change_the_detected_format(tmp_path, fmt, first):
    # the most frequent word comes first: a long one once made this tool's own binary files "text"
    rng = np.random.default_rng(5)
    words = [first] + [f"w{i}" for i in range(30)]
    vectors = rng.normal(size=(len(words), 8)).astype(np.float32)
    path = tmp_path / "v"
    if fmt == "gensim-binary":
        path.write_bytes(_c_binary(words, vectors, newline=False))
    else:
        write_vectors(path, words, vectors, format=fmt)
    assert detect_format(path) == fmt.replace("gensim-", "")
    got, back, _ = read_vectors(path)
    assert got == words
    np.testing.assert_array_equal(back, vectors)


def test_binary_whose_first_value_holds_a_newline_byte_is_binary(tmp_path):
    # the first row reads "w 1" up to that byte, a word and a number: not enough to call it text
    first = np.frombuffer(b"1\n\x00\x40", dtype="<f4")[0]
    vectors = np.array([[first, 0.5, -2.0], [1.0, 2.0, 3.0], [0.25, -1.0, 8.0]], np.float32)
    (tmp_path / "v.bin").write_bytes(_c_binary(["w", "a", "b"], vectors))
    assert detect_format(tmp_path / "v.bin") == "binary"
    np.testing.assert_array_equal(read_vectors(tmp_path / "v.bin")[1], vectors)


@pytest.mark.parametrize("rows, row", [(b"a 1,0 0 0\nb 0 1 0\nc 0 0 1\n", 1),
                                       (b"a 1_0 0 0\nb 0 1 0\nc 0 0 1\n", 1),  # float() takes 1_0 as 10
                                       (b"a 1 0 0\nb 0 1,0 0\nc 0 0 1\n", 2),
                                       (b"a 1 0 0\nb 0 1_0 0\nc 0 0 1\n", 2),
                                       (b"a 1,0 0 0\n", 1)])
def test_spoiled_number_in_a_text_file_is_a_malformed_text_row(tmp_path, rows, row):
    (tmp_path / "v.txt").write_bytes(b"%d 3\n" % rows.count(b"\n") + rows)
    assert detect_format(tmp_path / "v.txt") == "text"
    with pytest.raises(ModelFormatError, match=rf"malformed vector row {row} .*is not a number"):
        read_vectors(tmp_path / "v.txt")


@pytest.mark.parametrize("value", ["1e39", "-3.5e38", "3.40282357e38"])
def test_a_value_beyond_float32s_range_in_a_text_file_is_named_as_such(tmp_path, value, recwarn):
    # finite, but an infinity once read as float32: said so, without numpy's overflow warning
    path = tmp_path / "v.txt"
    path.write_text(f"2 2\na 1 2\nb 1 {value}\n")
    with pytest.raises(ModelFormatError, match=rf"row 2 \(byte offset 10\): value b'{value}' of word 'b' "
                                               r"is beyond float32's range") as err:
        read_vectors(path)
    assert "\n" not in str(err.value) and "not finite" not in str(err.value)
    assert not [w for w in recwarn if "overflow" in str(w.message)]
    path.write_text("1 2\nc 3.4028235e38 -3.4028235e38\n")  # float32's largest values are read
    assert read_vectors(path)[1].tolist() == [[3.4028234663852886e38, -3.4028234663852886e38]]
    path.write_text("2 2\na 1 2\nb 1 inf\n")  # an infinity written as such stays "not finite"
    with pytest.raises(ModelFormatError, match="'b' \\(row 2\\) is not finite"):
        read_vectors(path)



def test_misaligned_binary_rows_are_refused_naming_row_and_offset(tmp_path):
    # a first word holding a space shifts every later row: the next "word" starts inside a vector
    rows = [(b"x y", [1, 0, 0]), (b"b", [0, 1, 0]), (b"c", [0, 0, 1]), (b"d", [1, 1, 0]), (b"e", [0, 1, 1])]
    data = b"5 3\n" + b"".join(w + b" " + np.array(v, "<f4").tobytes() + b"\n" for w, v in rows)
    (tmp_path / "v.bin").write_bytes(data)
    offset = 4 + 2 + 12  # header, "x ", then the 12 bytes read as x's vector
    with pytest.raises(ModelFormatError, match=rf"malformed vector row 2 \(byte offset {offset}\):.*"
                                               "misaligned") as info:
        read_vectors(tmp_path / "v.bin")
    assert "\n" not in str(info.value)
    # gensim's layout (no newline after a vector) with a word cut by a space is refused as well
    data = b"5 3\n" + b"".join(w + b" " + np.array(v, "<f4").tobytes() for w, v in rows)
    (tmp_path / "g.bin").write_bytes(data)
    with pytest.raises(ModelFormatError, match="misaligned"):
        read_vectors(tmp_path / "g.bin", format="binary")


@pytest.mark.parametrize("header", [b"1_0 2", b"2 0_2", b"\xd9\xa2 2"])
def test_a_header_holds_ascii_decimal_integers(tmp_path, header):
    # int() reads "1_0" as 10 and Arabic-Indic digits as ours: the header then misdescribed the rows
    (tmp_path / "v.txt").write_bytes(header + b"\na 0.5 0.5\nb 0.25 0.25\n")
    with pytest.raises(ModelFormatError, match="header .* must be 'VOCAB_SIZE DIM'"):
        read_vectors(tmp_path / "v.txt", format="text")

"""Vocabulary: counts, ordering, pruning, max_final_vocab, persistence, encoding."""
from collections import Counter

import numpy as np
import pytest

from w2v.corpus import EncodedCorpus, Vocabulary
from w2v.errors import CorpusError, ModelFormatError, UnknownWordError

SENTENCES = [
    ["the", "cat", "sat", "on", "the", "mat"],
    ["the", "dog", "sat"],
    ["a", "cat", "and", "a", "dog"],
    ["zebra"],
]


def test_counts_order_and_tie_break():
    vocab = Vocabulary.build(SENTENCES, min_count=1)
    # the:3; cat, sat, a, dog: 2 (ties by word); and, mat, on, zebra: 1
    assert vocab.words == ["the", "a", "cat", "dog", "sat", "and", "mat", "on", "zebra"]
    assert vocab.counts.tolist() == [3, 2, 2, 2, 2, 1, 1, 1, 1]
    assert vocab.counts.dtype == np.int64
    assert vocab.total_words == 15 and vocab.retained_words == 15
    assert vocab.index_of("dog") == 3 and vocab.index["zebra"] == 8
    assert "cat" in vocab and "emu" not in vocab and len(vocab) == 9
    assert vocab.n_sentences == 4


def test_order_independent_of_sentence_order():
    a = Vocabulary.build(SENTENCES, min_count=1)
    b = Vocabulary.build(SENTENCES[::-1], min_count=1)
    assert a.words == b.words


def test_min_count():
    vocab = Vocabulary.build(SENTENCES, min_count=2)
    assert vocab.words == ["the", "a", "cat", "dog", "sat"]
    assert vocab.total_words == 15 and vocab.retained_words == 11 and vocab.min_count == 2


def test_unknown_word_error_suggests():
    vocab = Vocabulary.build(SENTENCES, min_count=1)
    with pytest.raises(UnknownWordError, match="did you mean 'cat'"):
        vocab.index_of("caat")
    with pytest.raises(KeyError):
        vocab.index_of("emu")


def test_max_vocab_size_prunes_like_word2vec_c():
    # 'common' appears everywhere; each sentence adds two fresh rare words.
    sentences = [["common", f"rare{i}a", f"rare{i}b"] for i in range(200)]
    vocab = Vocabulary.build(sentences, min_count=1, max_vocab_size=10)
    assert vocab.pruned
    assert vocab.words[0] == "common"
    assert len(vocab) <= 10
    assert vocab.total_words == 600
    # Counts of pruned words are forgotten, but 'common' is never dropped: its count is exact
    # here because it exceeds every threshold reached.
    assert vocab.count_of("common") == 200
    exact = Vocabulary.build(sentences, min_count=1)
    assert not exact.pruned and len(exact) == 401


def test_pruning_threshold_grows():
    # 'b' makes 4 > 3 words: count <= 1 dropped (a, b). 'd' makes 4 again: count <= 2 dropped,
    # which now includes x and y. Only 'e' (seen after the last pruning) remains.
    sentences = [["x", "x"], ["y", "y"], ["a"], ["b"], ["c"], ["d"], ["e"]]
    vocab = Vocabulary.build(sentences, min_count=1, max_vocab_size=3)
    assert vocab.pruned
    assert vocab.words == ["e"] and vocab.total_words == 9


def test_max_final_vocab_raises_min_count():
    rng = np.random.default_rng(0)
    tokens = [f"w{int(z)}" for z in rng.zipf(1.5, size=5000) if z < 500]
    sentences = [tokens[i:i + 20] for i in range(0, len(tokens), 20)]
    full = Vocabulary.build(sentences, min_count=1)
    capped = Vocabulary.build(sentences, min_count=1, max_final_vocab=25)
    assert len(capped) <= 25
    assert capped.min_count > 1
    assert np.all(capped.counts >= capped.min_count)
    # The least min_count that keeps <= 25 words: one less would keep too many.
    assert int((full.counts >= capped.min_count - 1).sum()) > 25
    assert capped.words == full.words[:len(capped)]


def test_empty_and_nothing_above_min_count():
    with pytest.raises(CorpusError, match="has no words"):
        Vocabulary.build([[], []])
    with pytest.raises(CorpusError, match="lower --min-count"):
        Vocabulary.build([["a", "b"]], min_count=5)


def test_save_load_round_trip(tmp_path):
    vocab = Vocabulary.build(SENTENCES, min_count=2)
    path = tmp_path / "vocab.txt"
    vocab.save(path)
    lines = path.read_text(encoding="utf-8").splitlines()
    assert lines[0].startswith("#w2v-vocabulary") and "total_words=15" in lines[0]
    assert lines[1] == "the 3"
    loaded = Vocabulary.load(path)
    assert loaded.words == vocab.words
    assert loaded.counts.tolist() == vocab.counts.tolist()
    assert loaded.total_words == 15 and loaded.min_count == 2 and not loaded.pruned


def test_load_unicode_and_word2vec_c_format(tmp_path):
    path = tmp_path / "w2v_c.txt"
    path.write_text("</s> 0\nnaïve 3\n東京 5\n", encoding="utf-8")
    vocab = Vocabulary.load(path)
    assert vocab.words == ["東京", "naïve", "</s>"]


@pytest.mark.parametrize("body, line", [
    ("the 3\ncat x\n", 3),
    ("the 3\ncatnocount\n", 3),
    ("the 3\nthe 2\n", 3),
    ("the 1\ncat 2\n", 3),
])
def test_load_corrupt_names_the_line(tmp_path, body, line):
    path = tmp_path / "bad.txt"
    n = body.count("\n")
    path.write_text(f"#w2v-vocabulary version=1 words={n} total_words=9 min_count=1 pruned=0\n" + body)
    with pytest.raises(ModelFormatError, match=f"bad.txt:{line}:"):
        Vocabulary.load(path)


def test_load_truncated_and_missing(tmp_path):
    path = tmp_path / "trunc.txt"
    path.write_text("#w2v-vocabulary version=1 words=3 total_words=9 min_count=1 pruned=0\nthe 3\n")
    with pytest.raises(ModelFormatError, match="truncated"):
        Vocabulary.load(path)
    with pytest.raises(ModelFormatError, match="does not exist"):
        Vocabulary.load(tmp_path / "nope.txt")
    binary = tmp_path / "bin.txt"
    binary.write_bytes(b"the 3\n\xff\xfe 2\n")
    with pytest.raises(ModelFormatError, match="bin.txt:2:"):
        Vocabulary.load(binary)


def test_encode_offsets_drop_oov_and_empty():
    vocab = Vocabulary.build(SENTENCES, min_count=2)
    enc = vocab.encode(SENTENCES + [["zebra", "emu"], ["cat"]])
    assert isinstance(enc, EncodedCorpus)
    assert enc.ids.dtype == np.int32 and enc.offsets.dtype == np.int64
    expected = [[vocab.index[w] for w in s if w in vocab] for s in SENTENCES + [["cat"]]]
    expected = [s for s in expected if s]
    assert [s.tolist() for s in enc] == expected
    assert enc.offsets[0] == 0 and enc.offsets[-1] == len(enc) == sum(map(len, expected))
    assert enc.n_sentences == len(expected)


def test_encode_cuts_long_sentences():
    vocab = Vocabulary(["a", "b"], [10, 5])
    sentence = ["a", "b", "x"] * 7           # 14 in-vocabulary tokens
    enc = vocab.encode([sentence, ["b"]], max_sentence_length=5)
    assert np.diff(enc.offsets).tolist() == [5, 5, 4, 1]
    assert enc.ids.tolist() == [0, 1] * 7 + [1]


def test_encode_many_chunks(monkeypatch):
    monkeypatch.setattr("w2v.corpus.scan.CHUNK_TOKENS", 7)
    rng = np.random.default_rng(1)
    sentences = [[f"w{x}" for x in rng.integers(0, 30, size=rng.integers(0, 9))] for _ in range(300)]
    vocab = Vocabulary.build(sentences, min_count=3)
    enc = vocab.encode(sentences)
    expected = [[vocab.index[w] for w in s if w in vocab] for s in sentences]
    assert [s.tolist() for s in enc] == [s for s in expected if s]
    counts = Counter(w for s in sentences for w in s if w in vocab)
    assert np.bincount(enc.ids, minlength=len(vocab)).tolist() == [counts[w] for w in vocab.words]


def test_build_and_encode_from_a_file(tmp_path):
    path = tmp_path / "corpus.txt"
    path.write_text("The cat sat.\nThe dog sat!\nA cat.\n\nunique\n", encoding="utf-8")
    vocab = Vocabulary.build(path, min_count=2)
    assert vocab.words == ["cat", "sat", "the"] and vocab.total_words == 9
    assert vocab.n_sentences == 4 and vocab.decode_errors == 0
    enc = vocab.encode(path)
    assert [s.tolist() for s in enc] == [[2, 0, 1], [2, 1], [0]]
    assert enc.offsets.tolist() == [0, 3, 5, 6]


@pytest.mark.parametrize("line", ["x y 300", "the 5 6", "a\tb 3", "a\x0bb 3", "nul\x00 3", "the  3", " the 3",
                                  "the 3 ", "the ²"])
def test_load_refuses_a_line_that_is_not_exactly_word_count(tmp_path, line):
    # word2vec.c's vocabulary files never hold white space in a word: 'x y 300' is not the word 'x y'
    path = tmp_path / "bad.txt"
    path.write_text(f"the 400\n{line}\nof 187\n", encoding="utf-8")
    with pytest.raises(ModelFormatError, match="bad.txt:2: ") as err:
        Vocabulary.load(path)
    assert "\n" not in str(err.value)


@pytest.mark.parametrize("word", ["x y", "a\tb", "a\x0bb", "nul\x00"])
def test_save_refuses_what_load_would_refuse(tmp_path, word):
    vocab = Vocabulary([word, "ok"], [3, 2])
    with pytest.raises(CorpusError, match="cannot be saved"):
        vocab.save(tmp_path / "v.txt")
    assert not (tmp_path / "v.txt").exists()


@pytest.mark.parametrize("word2vec_c", [False, True])
def test_words_with_lone_surrogates_are_saved_and_loaded_back(tmp_path, word2vec_c):
    # given through the Python API (Word2Vec().fit([["a", "\udcff"]])); saving was a UnicodeEncodeError
    # traceback; the bytes are those the vector files hold for such a word
    vocab = Vocabulary(["\udcff", "b\ud800", "\ud83d\ude42", "c"], [4, 3, 2, 1])
    path = tmp_path / "v.txt"
    vocab.save(path, word2vec_c=word2vec_c)
    assert b"\n\xed\xb3\xbf 4\nb\xed\xa0\x80 3\n\xed\xa0\xbd\xed\xb9\x82 2\n" in path.read_bytes()
    loaded = Vocabulary.load(path)
    assert loaded.words == vocab.words + (["</s>"] if word2vec_c else [])
    assert loaded.counts.tolist()[:4] == [4, 3, 2, 1]


def test_load_keeps_crlf_files_and_non_ascii_spaces(tmp_path):
    # a no-break space is not a separator of word2vec.c's files (nor of the whitespace tokenizer)
    path = tmp_path / "v.txt"
    path.write_bytes("the 4\r\nnew\u00a0york 3\r\n".encode())
    assert Vocabulary.load(path).words == ["the", "new\u00a0york"]


@pytest.mark.parametrize("word2vec_c", [False, True])
def test_load_skips_a_utf8_byte_order_mark(tmp_path, word2vec_c):
    """A file saved by a Windows editor starts with one: it became part of the first word
    ('\\ufeffthe'), so --read-vocab dropped every 'the' of the corpus without a word (and a w2v
    header behind the mark was refused as a malformed line)."""
    path = tmp_path / "v.txt"
    Vocabulary(["the", "cat"], [10, 5]).save(path, word2vec_c=word2vec_c)
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    vocab = Vocabulary.load(path)
    assert vocab.words[:2] == ["the", "cat"] and vocab.counts.tolist()[:2] == [10, 5]
    assert vocab.encode([["the", "cat", "the"]]).ids.tolist() == [0, 1, 0]
    assert not any(w.startswith("\ufeff") for w in vocab.words)
    assert ("</s>" in vocab.words) == word2vec_c        # word2vec.c's first word, read as itself


def test_control_characters_other_than_white_space_and_nul_stay_in_words(tmp_path):
    # word2vec.c and the whitespace tokenizer keep them inside a word; refusing them would refuse
    # files word2vec.c writes and make w2v's own runs fail when saving
    vocab = Vocabulary(["ca\x01t", "del\x7f", "esc\x1b"], [3, 2, 1])
    vocab.save(tmp_path / "v.txt")
    assert Vocabulary.load(tmp_path / "v.txt").words == vocab.words


@pytest.mark.parametrize("text, line", [
    ("the 99999999999999999999999\nof 3\n", 1),
    ("the 9223372036854775808\nof 3\n", 1),                                  # 2**63: one past int64
    ("the 5000000000000000000\nof 5000000000000000000\n", 2),                # the sum overflows int64
    ("#w2v-vocabulary version=1 words=² total_words=9 min_count=1 pruned=0\nthe 3\n", 1),
    ("#w2v-vocabulary version=1 words=1 total_words=٩ min_count=1 pruned=0\nthe 3\n", 1),
    ("#w2v-vocabulary version=1 words=1 total_words=99999999999999999999999 min_count=1 pruned=0\nthe 3\n", 1),
])
def test_load_refuses_numbers_that_are_not_ascii_or_do_not_fit_int64(tmp_path, text, line):
    path = tmp_path / "bad.txt"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ModelFormatError, match=f"bad.txt:{line}: .*corrupt") as err:
        Vocabulary.load(path)
    assert "\n" not in str(err.value)


def test_save_in_word2vec_c_format_puts_the_sentence_end_first_and_no_header(tmp_path):
    # word2vec.c's -save-vocab: "</s> COUNT" first (its sentence end, the line ends it read), then
    # "word count"; its -read-vocab takes the first line as word 0, the sentence end
    vocab = Vocabulary.build(SENTENCES, min_count=2)
    vocab.save(tmp_path / "v.txt", word2vec_c=True)
    lines = (tmp_path / "v.txt").read_text(encoding="utf-8").splitlines()
    assert lines[0] == f"</s> {vocab.n_sentences}" and vocab.n_sentences == len(SENTENCES)
    assert lines[1:] == [f"{w} {c}" for w, c in zip(vocab.words, vocab.counts.tolist())]
    loaded = Vocabulary.load(tmp_path / "v.txt")  # read back as word2vec.c reads it: </s> is a word
    assert set(loaded.words) == set(vocab.words) | {"</s>"}
    # a vocabulary read from such a file keeps its own </s> first, once
    loaded.save(tmp_path / "again.txt", word2vec_c=True)
    again = (tmp_path / "again.txt").read_text(encoding="utf-8").splitlines()
    assert again[0] == lines[0] and sorted(again) == sorted(lines)

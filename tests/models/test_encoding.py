"""Streaming the encoded corpus to memory-mapped files gives what Vocabulary.encode gives."""
import numpy as np

from w2v.corpus import Vocabulary, open_corpus
from w2v.models.encoding import encode_to_disk


def test_matches_in_memory_encoding_and_splits_long_sentences(tmp_path, monkeypatch):
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    monkeypatch.setattr("tempfile.tempdir", str(scratch))
    monkeypatch.setattr("w2v.corpus.scan.CHUNK_TOKENS", 5)  # flush to disk many times, as on a large corpus
    path = tmp_path / "c.txt"
    rng = np.random.default_rng(0)
    words = [f"w{i}" for i in range(40)]
    lines = [" ".join(rng.choice(words, size=rng.integers(0, 30))) for _ in range(300)]
    lines.append("only unknown tokens here")
    path.write_text("\n".join(lines) + "\n")
    corpus = open_corpus(path)
    vocab = Vocabulary.build(corpus, min_count=3)
    for limit in (10000, 7):
        expected = vocab.encode(corpus, max_sentence_length=limit)
        got = encode_to_disk(vocab, corpus, max_sentence_length=limit)
        assert isinstance(got.ids, np.memmap) and got.ids.dtype == np.int32 and got.offsets.dtype == np.int64
        assert np.array_equal(got.ids, expected.ids)
        assert np.array_equal(got.offsets, expected.offsets)
    assert list(scratch.iterdir()) == []  # nothing left behind in the temporary folder


def test_empty_result_when_no_token_is_known():
    vocab = Vocabulary(["a", "b"], [5, 5])
    got = encode_to_disk(vocab, open_corpus([["x", "y"], ["z"]]))
    assert len(got) == 0 and list(got.offsets) == [0]

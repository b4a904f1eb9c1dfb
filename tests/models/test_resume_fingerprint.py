"""Issue 15, item 10 (resume): a trainer state remembers which corpus it was trained on (how many
of its words the corpus holds and a hash of each word's count); resuming on another corpus is
refused unless forced. Python API and CLI."""
import numpy as np
import pytest

from cli_runner import run_cli as w2v
from w2v.errors import CorpusError
from w2v.models.fingerprint import corpus_fingerprint
from w2v.models.word2vec import Word2Vec

LINES = ["the cat sat on the mat", "the dog sat on the log", "a cat saw a dog", "the dog ran to the cat"]


@pytest.fixture
def corpora(tmp_path):
    a = tmp_path / "a.txt"
    a.write_text("\n".join(LINES * 40) + "\n")
    same = tmp_path / "copy-of-a.txt"
    same.write_text(a.read_text())
    # the same size and words, one occurrence moved from "cat" to "dog": another corpus
    other = tmp_path / "b.txt"
    other.write_text(a.read_text().replace("a cat saw", "a dog saw", 1))
    return a, same, other


def test_fingerprint_counts_each_vocabulary_word():
    from w2v.models.encoding import EncodedCorpus

    ids = np.array([0, 1, 1, 2, 0, 1], dtype=np.int32)
    enc = EncodedCorpus(ids=ids, offsets=np.array([0, 3, 6], dtype=np.int64))
    fp = corpus_fingerprint(enc, 4)
    assert fp["words"] == 6
    moved = EncodedCorpus(ids=np.array([0, 1, 2, 2, 0, 1], dtype=np.int32), offsets=enc.offsets)
    assert corpus_fingerprint(moved, 4)["counts_sha256"] != fp["counts_sha256"]
    reordered = EncodedCorpus(ids=ids[::-1].copy(), offsets=enc.offsets)
    assert corpus_fingerprint(reordered, 4) == fp


def test_fingerprint_counted_in_chunks_equals_one_count(monkeypatch):
    from w2v.models import fingerprint
    from w2v.models.encoding import EncodedCorpus

    ids = np.random.default_rng(0).integers(0, 7, size=1000).astype(np.int32)
    enc = EncodedCorpus(ids=ids, offsets=np.array([0, 1000], dtype=np.int64))
    whole = fingerprint.counts_fingerprint(np.bincount(ids, minlength=9))
    monkeypatch.setattr(fingerprint, "CHUNK_TOKENS", 64)
    assert corpus_fingerprint(enc, 9) == whole


def test_python_resume_refuses_another_corpus_unless_forced(corpora, tmp_path):
    a, same, other = corpora
    state = tmp_path / "s.npz"
    Word2Vec(dim=4, epochs=2, min_count=1, progress=False, workers=1).fit(a).save_state(state)
    with pytest.raises(CorpusError, match="not the corpus"):
        Word2Vec.load_state(state).resume(other)
    Word2Vec.load_state(state).resume(other, force=True)
    Word2Vec.load_state(state).resume(same)


def test_cli_resume_checks_the_corpus(corpora, tmp_path):
    a, same, other = corpora
    state = tmp_path / "s.npz"
    out = w2v("train", a, "-o", tmp_path / "v.bin", "--save-state", state, "--dim", 4, "--epochs", 2,
              "--min-count", 1, "--quiet", "--workers", 1)
    assert out.returncode == 0, out.stderr
    out = w2v("train", other, "-o", tmp_path / "w.bin", "--resume", state, "--quiet")
    assert out.returncode == 2 and "--force" in out.stderr and "Traceback" not in out.stderr, out.stderr
    assert not (tmp_path / "w.bin").exists()
    out = w2v("train", other, "-o", tmp_path / "w.bin", "--resume", state, "--quiet", "--force")
    assert out.returncode == 0, out.stderr
    out = w2v("train", same, "-o", tmp_path / "x.bin", "--resume", state, "--quiet")
    assert out.returncode == 0, out.stderr
    out = w2v("train", a, "-o", tmp_path / "y.bin", "--quiet", "--force")
    assert out.returncode == 2 and "--resume" in out.stderr

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


def test_a_run_whose_vocabulary_was_pruned_resumes_on_its_own_corpus(tmp_path):
    # counting under max_vocab_size drops the occurrences a word had before it was pruned, also
    # when it comes back and is kept; resume encoded every occurrence, so the state's own corpus
    # was refused as "not the corpus this run was trained on" and trained on other data if forced
    rng = np.random.default_rng(0)
    corpus = tmp_path / "zipf.txt"
    corpus.write_text("".join(" ".join(f"w{i}" for i in rng.zipf(1.3, 15) % 500) + "\n" for _ in range(3000)))
    state = tmp_path / "s.npz"
    model = Word2Vec(dim=4, epochs=1, min_count=1, max_vocab_size=30, progress=False, workers=1).fit(corpus)
    assert model.vocab_.pruned
    model.save_state(state)
    resumed = Word2Vec.load_state(state)
    resumed.epochs = 2
    resumed.resume(corpus)
    first, second = resumed.history_
    assert second["words"] == first["words"]  # the same encoded corpus as the fit's


def test_a_state_whose_pruned_flag_is_not_a_boolean_is_refused(tmp_path):
    from w2v.errors import ModelFormatError
    from w2v.models.state import load_state, save_state

    state = tmp_path / "s.npz"
    Word2Vec(dim=4, epochs=1, min_count=1, progress=False, workers=1).fit([LINES[0].split()] * 20).save_state(state)
    arrays, meta = load_state(state)
    assert meta["vocabulary_pruned"] is False
    save_state(state, arrays, {**meta, "vocabulary_pruned": "yes"})
    with pytest.raises(ModelFormatError, match="vocabulary_pruned"):
        Word2Vec.load_state(state)


def test_the_mismatch_message_formats_both_word_counts():
    from w2v.models.fingerprint import mismatch

    message = mismatch({"words": 29970, "counts_sha256": "0" * 64}, {"words": 32357, "counts_sha256": "1" * 64})
    assert "32,357" in message and "29,970" in message

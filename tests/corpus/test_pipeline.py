"""The one-pass pipeline gives what counting and encoding in two passes over the reference readers give."""
import random
import subprocess
import sys
from collections import Counter

import numpy as np
import pytest

from w2v import Word2Vec
from w2v.corpus import LineCorpus, Vocabulary
from w2v.corpus.pipeline import build_and_encode, build_vocabulary, finalize_vocabulary
from w2v.corpus.scan import scan_corpus
from w2v.errors import CorpusError

_WORDS = ["the", "The", "cat", "Cat's", "don’t", "état", "ÉTAT", "Москва", "東京", "3.14", "ΟΔΟΣ", "x", "y", "z"]


def _two_pass(sentences, min_count, max_final_vocab=None, limit=10000):
    """Counting, then encoding, written the obvious way."""
    counts = Counter(w for s in sentences for w in s)
    effective = min_count
    kept = {w: c for w, c in counts.items() if c >= effective}
    if max_final_vocab is not None and len(kept) > max_final_vocab:
        effective = sorted(kept.values(), reverse=True)[max_final_vocab] + 1
        kept = {w: c for w, c in kept.items() if c >= effective}
    words = sorted(kept, key=lambda w: (-kept[w], w))
    index = {w: i for i, w in enumerate(words)}
    ids, lengths = [], []
    for s in sentences:
        encoded = [index[w] for w in s if w in index]
        for start in range(0, len(encoded), limit):
            ids.extend(encoded[start:start + limit])
            lengths.append(len(encoded[start:start + limit]))
    return words, [kept[w] for w in words], ids, np.concatenate([[0], np.cumsum(lengths)]).tolist()


@pytest.fixture
def corpus_file(tmp_path):
    rng = random.Random(5)
    path = tmp_path / "c.txt"
    lines = [" ".join(rng.choice(_WORDS) + rng.choice(["", "", ",", "."]) for _ in range(rng.randint(0, 30)))
             for _ in range(500)]
    path.write_text("\r\n".join(lines), encoding="utf-8")
    return path


@pytest.mark.parametrize("engine", ["compiled", "python"])
@pytest.mark.parametrize("workers", [1, 2])
def test_one_pass_equals_two_passes(corpus_file, workers, engine):
    sentences = list(LineCorpus(corpus_file))
    for min_count, max_final_vocab in [(1, None), (5, None), (1, 6)]:
        words, counts, ids, offsets = _two_pass(sentences, min_count, max_final_vocab)
        vocab, encoded = build_and_encode(corpus_file, min_count=min_count, max_final_vocab=max_final_vocab,
                                          workers=workers, engine=engine)
        assert vocab.words == words and vocab.counts.tolist() == counts
        assert vocab.total_words == sum(map(len, sentences))
        assert encoded.ids.tolist() == ids and encoded.offsets.tolist() == offsets
        assert encoded.ids.dtype == np.int32 and encoded.offsets.dtype == np.int64


def test_in_memory_sentences_are_cut_after_dropping_unknown_words():
    sentences = [[w for i in range(5) for w in ("a", "b", f"rare{i}")], ["b"]]
    words, counts, ids, offsets = _two_pass(sentences, 2, limit=4)
    vocab, encoded = build_and_encode(sentences, min_count=2, max_sentence_length=4)
    assert vocab.words == words and encoded.ids.tolist() == ids and encoded.offsets.tolist() == offsets
    assert np.diff(encoded.offsets).tolist() == [4, 4, 2, 1]


@pytest.mark.parametrize("engine", ["compiled", "python"])
def test_vectors_are_bit_identical_to_training_on_the_reference_tokens(corpus_file, engine, monkeypatch):
    from w2v.corpus import scan as scan_module

    # Word2Vec.fit takes the automatic choice: make it this engine wherever the file is read
    choose = scan_module.choose_engine
    monkeypatch.setattr(scan_module, "choose_engine", lambda corpus, _engine="auto": choose(corpus, engine))
    reference = list(LineCorpus(corpus_file))
    params = dict(dim=8, epochs=2, workers=1, seed=4, min_count=2, progress=False)
    for architecture, objective in [("skipgram", "negative"), ("cbow", "hierarchical")]:
        from_file = Word2Vec(architecture=architecture, objective=objective, **params).fit(corpus_file)
        from_tokens = Word2Vec(architecture=architecture, objective=objective, **params).fit(reference)
        assert from_file.wv_.words == from_tokens.wv_.words
        assert np.array_equal(from_file.wv_.vectors, from_tokens.wv_.vectors)


def _pruned_reference(sentences, max_vocab_size):
    """max_vocab_size as documented: forget rare words after a sentence; their occurrences so far go."""
    counts, alive, generation = {}, {}, {}
    stream = []
    threshold = 1
    for s in sentences:
        for w in s:
            if w not in alive:
                generation[w] = generation.get(w, -1) + 1
                alive[w] = True
                counts[(w, generation[w])] = 0
            counts[(w, generation[w])] += 1
            stream.append((w, generation[w]))
        if len(alive) > max_vocab_size:
            for w in list(alive):
                if counts[(w, generation[w])] <= threshold:
                    del alive[w]
                    counts[(w, generation[w])] = 0
            threshold += 1
    return counts, stream


def test_max_vocab_size_prunes_while_counting_and_drops_pruned_occurrences():
    rng = random.Random(2)
    sentences = [[f"w{min(int(rng.expovariate(0.15)), 60)}" for _ in range(rng.randint(1, 6))] for _ in range(400)]
    counts, stream = _pruned_reference(sentences, 10)
    final = {key: c for key, c in counts.items() if c >= 2}
    words = sorted((w for w, _ in final), key=lambda w: (-max(c for (v, _), c in final.items() if v == w), w))
    vocab, encoded = build_and_encode(sentences, min_count=2, max_vocab_size=10)
    assert vocab.pruned and vocab.total_words == sum(map(len, sentences))
    assert vocab.words == words
    assert vocab.counts.tolist() == [final[key] for w in words for key in final if key[0] == w]
    expected = [vocab.index[w] for w, g in stream if counts.get((w, g), 0) >= 2]
    assert encoded.ids.tolist() == expected


def test_pruning_gives_the_same_result_for_a_file_and_its_tokens(tmp_path):
    rng = random.Random(3)
    lines = [" ".join(f"w{int(rng.expovariate(0.2))}" for _ in range(rng.randint(1, 6))) for _ in range(300)]
    path = tmp_path / "c.txt"
    path.write_text("\n".join(lines), encoding="utf-8")
    a = Vocabulary.build(path, min_count=1, max_vocab_size=8)
    b = Vocabulary.build([line.split() for line in lines], min_count=1, max_vocab_size=8)
    assert a.pruned and a.words == b.words and a.counts.tolist() == b.counts.tolist()


def test_errors_name_the_corpus(tmp_path):
    empty = tmp_path / "empty.txt"
    empty.write_text("  \n\n", encoding="utf-8")
    with pytest.raises(CorpusError, match="empty.txt.*no words"):
        build_and_encode(empty)
    with pytest.raises(CorpusError, match="at least 3 times"):
        build_and_encode([["a", "b"]], min_count=3)


def test_finalize_sorts_ties_by_code_point_order():
    scan = scan_corpus([["é", "z", "a", "é", "z", "a", "b"]])
    vocab, final_ids = finalize_vocabulary(scan, min_count=1)
    assert vocab.words == ["a", "z", "é", "b"]
    assert final_ids.tolist() == [2, 1, 0, 3]          # provisional ids are in first-seen order


_MEMORY_PROBE = """
import os, resource, sys
from w2v.corpus import Text8Corpus, Tokenizer
from w2v.corpus.pipeline import build_and_encode

def corpus(path):
    return Text8Corpus(path, tokenizer=Tokenizer.whitespace())

# load (or compile) the kernels first, then count only what the scan itself holds: on Linux the peak
# is reset after the warm-up; elsewhere it includes the kernels' load, the same for both sizes
build_and_encode(corpus(sys.argv[1] + ".warm"), min_count=1, workers=1, engine="compiled")
try:
    with open("/proc/self/clear_refs", "w") as f:
        f.write("5")
except OSError:
    pass
# one worker: the reading and scanning thread's own memory, not how glibc caches freed blocks per thread
vocab, encoded = build_and_encode(corpus(sys.argv[1]), min_count=1, workers=1, engine="compiled")
assert len(encoded) == int(sys.argv[2]), len(encoded)
try:
    peak_kb = int(next(line for line in open("/proc/self/status") if line.startswith("VmHWM")).split()[1])
except (OSError, StopIteration):
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(peak_kb)
"""


def test_memory_is_bounded_on_a_long_single_line(tmp_path):
    peaks = []
    for megabytes in (8, 48):
        path = tmp_path / f"line{megabytes}.txt"
        unit = b"alpha beta gamma delta epsilon zeta eta theta "    # 48 bytes, 8 tokens
        repeats = megabytes * (1 << 20) // len(unit)
        path.write_bytes(unit * repeats)
        (tmp_path / f"line{megabytes}.txt.warm").write_bytes(unit * 3)
        result = subprocess.run([sys.executable, "-c", _MEMORY_PROBE, str(path), str(8 * repeats)],
                                capture_output=True, text=True, timeout=300)
        assert result.returncode == 0, result.stderr
        peaks.append(int(result.stdout.strip()) / 1024)
    # six times the text (48 MB, one line) costs well under its own size in extra memory
    assert peaks[1] - peaks[0] < 16, peaks


def test_a_vocabulary_that_pruning_emptied_says_so_and_suggests_a_larger_bound():
    # each sentence brings 5 new words: past max_vocab_size=3 every one is pruned, and min_count
    # is not what dropped them
    sentences = [[f"w{s}_{k}" for k in range(5)] for s in range(20)]
    with pytest.raises(CorpusError, match="max_vocab_size=3.*raise --max-vocab-size") as err:
        build_and_encode(sentences, min_count=1, max_vocab_size=3)
    assert "lower --min-count" not in str(err.value)


def test_min_count_0_keeps_every_word_as_1_does():
    sentences = [["a", "b"], ["a", "c"]]
    assert build_vocabulary(sentences, min_count=0).words == build_vocabulary(sentences, min_count=1).words


def test_pruning_is_named_but_min_count_comes_first_when_words_were_left():
    # a word is left with 4 occurrences: min_count=10 dropped it, whatever pruning did to the rest
    sentences = [["the", f"x{s}"] for s in range(4)]
    with pytest.raises(CorpusError, match=r"lower --min-count, or raise --max-vocab-size") as err:
        build_and_encode(sentences, min_count=10, max_vocab_size=2)
    assert "counted 4 times" in str(err.value)


def test_a_distributed_vocabulary_that_pruning_emptied_says_so_as_one_process_does():
    from w2v.distributed.shards import merge_vocabulary

    counts = {f"w{k}": 1 for k in range(10)}
    with pytest.raises(CorpusError, match="max_vocab_size=3.*raise --max-vocab-size") as err:
        merge_vocabulary([(counts, 10, 2, False)], 1, "'c.txt'", 3)
    assert "lower --min-count" not in str(err.value)

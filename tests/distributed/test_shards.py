"""Byte ranges: they tile the files exactly, and the vocabulary merged from them is the single-process one."""
import collections

import numpy as np
import pytest

from w2v.corpus import LineCorpus, Vocabulary, open_corpus
from w2v.distributed.shards import RangeCorpus, count_ranges, merge_vocabulary, plan_ranges
from w2v.errors import CorpusError


@pytest.fixture
def line_file(tmp_path):
    rng = np.random.default_rng(0)
    words = [f"w{i}" for i in range(40)] + ["éclair", "naïve"]
    lines = [" ".join(rng.choice(words, size=rng.integers(0, 15))) for _ in range(300)]
    path = tmp_path / "corpus.txt"
    path.write_text("\n".join(lines))  # no trailing newline: the last line must still be read once
    return path


@pytest.mark.parametrize("pieces", [1, 2, 3, 7, 50, 10_000])
def test_ranges_of_a_line_file_yield_every_sentence_once_in_order(line_file, pieces):
    ranges = plan_ranges(line_file, pieces)
    assert ranges[0].start == 0 and ranges[-1].end == line_file.stat().st_size
    assert all(a.end == b.start for a, b in zip(ranges, ranges[1:]))
    split = [s for r in ranges for s in RangeCorpus([r])]
    assert split == list(LineCorpus(line_file))


def test_ranges_of_a_text8_file_yield_every_token_once(tmp_path):
    path = tmp_path / "text8"
    rng = np.random.default_rng(1)
    path.write_text(" ".join(f"t{i}" for i in rng.integers(0, 500, size=400_000)))  # > 1 MB, no newline
    ranges = plan_ranges(path, 5)
    assert {r.mode for r in ranges} == {"tokens"} and len(ranges) == 5
    tokens = [t for r in ranges for s in RangeCorpus([r]) for t in s]
    assert tokens == [t for s in open_corpus(path) for t in s]


def test_folders_and_compressed_files(tmp_path, line_file):
    import gzip

    folder = tmp_path / "folder"
    folder.mkdir()
    (folder / "a.txt").write_bytes(line_file.read_bytes())
    with gzip.open(folder / "b.txt.gz", "wb") as f:
        f.write(b"compressed line one\ncompressed line two\n")
    ranges = plan_ranges(folder, 6)
    assert [r.mode for r in ranges if r.path.endswith(".gz")] == ["whole"]
    assert [s for r in ranges for s in RangeCorpus([r])] == list(open_corpus(folder))


@pytest.mark.parametrize("workers", [1, 2, 3])
def test_vocabulary_merged_from_shards_equals_the_single_process_one(line_file, workers):
    ranges = plan_ranges(line_file, 4 * workers)
    shares = [count_ranges(ranges[k::workers]) for k in range(workers)]
    merged = merge_vocabulary(shares, min_count=3)
    single = Vocabulary.build(line_file, min_count=3)
    assert merged.words == single.words
    assert merged.counts.tolist() == single.counts.tolist()
    assert merged.total_words == single.total_words and merged.n_sentences == single.n_sentences


def test_merge_explains_an_empty_result():
    with pytest.raises(CorpusError, match="min-count"):
        merge_vocabulary([({"a": 1}, 1, 1, False), ({"b": 2}, 2, 1, False)], min_count=5)


def test_a_missing_corpus_is_a_one_line_error(tmp_path):
    with pytest.raises(CorpusError) as err:
        plan_ranges(tmp_path / "nowhere.txt", 4)
    assert "\n" not in str(err.value) and "nowhere.txt" in str(err.value)


def _sentences(ranges):
    return [s for r in ranges for s in RangeCorpus([r])]


def test_a_file_url_reads_as_its_path(line_file):
    url = line_file.as_uri()                                  # file:///.../corpus.txt
    ranges = plan_ranges(url, 5)
    assert len(ranges) == 5 and all(r.path == url for r in ranges)
    assert _sentences(ranges) == list(LineCorpus(line_file))
    shares = [count_ranges(ranges[k::2]) for k in range(2)]
    assert merge_vocabulary(shares, 3).words == Vocabulary.build(line_file, min_count=3).words


@pytest.fixture
def memory_folder(tmp_path, line_file):
    """The same folder on the local disk and on fsspec's in-memory file system (a non-local one)."""
    import gzip

    fsspec = pytest.importorskip("fsspec")
    local = tmp_path / "folder"
    (local / "sub").mkdir(parents=True)
    (local / ".hidden").mkdir()
    (local / "a.txt").write_bytes(line_file.read_bytes())
    (local / "sub" / "b.txt.gz").write_bytes(gzip.compress(b"compressed line one\ncompressed line two\n"))
    (local / "sub" / ".skipped.txt").write_bytes(b"never read\n")
    (local / ".hidden" / "c.txt").write_bytes(b"never read either\n")
    fs = fsspec.filesystem("memory")
    root = f"/w2v-test-{id(tmp_path)}"
    for f in local.rglob("*"):
        if f.is_file():
            fs.pipe_file(f"{root}/{f.relative_to(local).as_posix()}", f.read_bytes())
    yield local, f"memory://{root}"
    fs.rm(root, recursive=True)


def test_a_folder_on_another_file_system_reads_as_the_local_folder(memory_folder):
    local, url = memory_folder
    ranges = plan_ranges(url, 6)
    assert all(r.path.startswith("memory://") for r in ranges)
    assert [r.mode for r in ranges if r.path.endswith(".gz")] == ["whole"]
    assert not any("never" in " ".join(s) for s in _sentences(ranges))
    assert _sentences(ranges) == list(open_corpus(local))


@pytest.mark.parametrize("url", ["memory:///w2v-test-nowhere/corpus.txt", "nosuchprotocol://bucket/corpus.txt"])
def test_a_url_that_cannot_be_read_is_a_one_line_error(url):
    with pytest.raises(CorpusError) as err:
        plan_ranges(url, 4)
    assert "\n" not in str(err.value) and url in str(err.value)


def test_a_range_of_a_url_gone_since_planning_is_a_one_line_error(memory_folder):
    import fsspec

    _, url = memory_folder
    ranges = plan_ranges(url + "/a.txt", 2)
    fsspec.filesystem("memory").rm(ranges[0].path.removeprefix("memory://"))
    with pytest.raises(CorpusError, match="does not exist on this worker"):
        list(RangeCorpus(ranges))


@pytest.mark.parametrize("pieces", [1, 3, 17])
def test_the_compiled_scan_of_ranges_counts_and_encodes_what_the_python_path_does(tmp_path, line_file, pieces):
    import gzip

    from w2v.models.encoding import encode_to_disk

    text8 = tmp_path / "text8"
    rng = np.random.default_rng(2)
    text8.write_text(" ".join(f"t{i}" for i in rng.integers(0, 300, size=300_000)))  # > 1 MB, no newline
    folder = tmp_path / "mixed"
    folder.mkdir()
    (folder / "a.txt").write_bytes(line_file.read_bytes().replace(b"\n", b"\r\n", 20))
    (folder / "b.txt.gz").write_bytes(gzip.compress(b"gz line one\n\ngz line two \xff bytes\n"))
    (folder / "c").write_bytes(text8.read_bytes())
    ranges = plan_ranges(folder, pieces)
    assert {r.mode for r in ranges} == {"lines", "whole", "tokens"}
    compiled = count_ranges(ranges, max_sentence_length=1000, workers=2, engine="compiled")
    python = count_ranges(ranges, max_sentence_length=1000, engine="python")
    assert compiled == python
    vocab = merge_vocabulary([python], min_count=1)
    a = encode_to_disk(vocab, RangeCorpus(ranges, max_sentence_length=1000), 1000, engine="compiled")
    b = encode_to_disk(vocab, RangeCorpus(ranges, max_sentence_length=1000), 1000, engine="python")
    np.testing.assert_array_equal(a.ids, b.ids)
    np.testing.assert_array_equal(a.offsets, b.offsets)


def test_a_share_of_ranges_takes_the_compiled_scan_when_it_is_large(line_file, monkeypatch):
    from w2v.corpus import scan as scan_module

    ranges = plan_ranges(line_file, 4)
    monkeypatch.setattr(scan_module, "PYTHON_PATH_BYTES", 10)
    monkeypatch.setattr(scan_module, "PYTHON_PATH_BYTES_UNCOMPILED", 10)
    assert scan_module.choose_engine(RangeCorpus(ranges)) == "compiled"
    monkeypatch.setattr(scan_module, "PYTHON_PATH_BYTES", 1 << 40)
    monkeypatch.setattr(scan_module, "PYTHON_PATH_BYTES_UNCOMPILED", 1 << 40)
    assert scan_module.choose_engine(RangeCorpus(ranges)) == "python"


def test_a_url_seen_through_phrases_is_left_to_the_workers(tmp_path):
    from w2v.corpus.phrases import Phrases

    phrases = Phrases(min_count=1, threshold=0.1).fit([["new", "york", "city"]] * 5)
    phrased = phrases.transform("s3://bucket/corpus.txt")      # not opened here: no s3 needed
    assert phrased.source == "s3://bucket/corpus.txt"
    with pytest.raises(CorpusError, match="workers of a cluster"):
        next(iter(phrased))


@pytest.mark.parametrize("encoding", ["utf-16", "utf-32"])
@pytest.mark.parametrize("engine", ["compiled", "python"])
def test_a_utf16_file_is_refused_by_the_workers_as_by_one_process(tmp_path, encoding, engine):
    # the workers read the byte ranges raw and counted the UTF-16 text as garbage words
    path = tmp_path / "u16.txt"
    path.write_bytes("the cat sat on the mat\n".encode(encoding) * 200)   # Python writes the byte-order mark
    with pytest.raises(CorpusError) as single:
        Vocabulary.build(path, min_count=1)
    with pytest.raises(CorpusError) as workers:
        count_ranges(plan_ranges(path, 4), engine=engine)
    assert str(workers.value) == str(single.value)
    assert f"is {encoding.upper()} text" in str(workers.value)


@pytest.mark.parametrize("engine", ["compiled", "python"])
def test_a_utf8_byte_order_mark_is_skipped_at_the_start_of_each_file(tmp_path, engine):
    # the workers glued the mark to the first word ('\ufeffw07') with the whitespace tokenizer
    from w2v.corpus import Tokenizer

    folder = tmp_path / "bom"
    folder.mkdir()
    rng = np.random.default_rng(3)
    for name in ("a.txt", "b.txt"):
        lines = [" ".join(f"w{i:02d}" for i in rng.integers(0, 20, size=8)) for _ in range(100)]
        (folder / name).write_bytes(b"\xef\xbb\xbf" + "\n".join(["w07 w07"] + lines).encode())
    tokenizer = Tokenizer.whitespace()
    ranges = plan_ranges(folder, 6)
    assert sum(r.start == 0 for r in ranges) == 2 and len(ranges) > 2
    merged = merge_vocabulary([count_ranges(ranges, tokenizer, engine=engine)], min_count=1)
    single = Vocabulary.build(open_corpus(folder, tokenizer=tokenizer), min_count=1)
    assert not any(w.startswith("\ufeff") for w in merged.words)
    assert merged.words == single.words
    assert merged.counts.tolist() == single.counts.tolist()
    assert _sentences_with(ranges, tokenizer) == list(open_corpus(folder, tokenizer=tokenizer))


def _sentences_with(ranges, tokenizer):
    return [s for r in ranges for s in RangeCorpus([r], tokenizer)]


def test_a_vocabulary_bounded_by_max_vocab_size_is_bounded_when_merged_and_says_it_was_pruned(tmp_path):
    # each share was pruned alone and the merge only summed them: 34 words for a bound of 30, and the
    # vocabulary said it was not pruned (its counts presented as exact)
    rng = np.random.default_rng(0)
    path = tmp_path / "zipf.txt"
    path.write_text("".join(" ".join(f"w{i}" for i in rng.zipf(1.3, 15) % 500) + "\n" for _ in range(3000)))
    ranges = plan_ranges(path, 4)
    shares = [count_ranges(ranges[k::2], max_vocab_size=30) for k in range(2)]
    assert all(share[3] for share in shares)  # each share pruned its own table
    merged = merge_vocabulary(shares, min_count=1, max_vocab_size=30)
    assert 0 < len(merged) <= 30 and merged.pruned
    # the words kept are the most frequent of the merged counts: word2vec.c's rule, run on the sums
    summed = collections.Counter()
    for counts, *_ in shares:
        summed.update(counts)
    assert min(merged.counts) > max(c for w, c in summed.items() if w not in set(merged.words))
    unbounded = merge_vocabulary([count_ranges(ranges)], min_count=1)
    assert not unbounded.pruned and len(unbounded) > 30

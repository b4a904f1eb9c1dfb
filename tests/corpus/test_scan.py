"""The compiled scan is held to the readable reference: the regex Tokenizer and the streaming readers."""
import bz2
import gzip
import itertools
import lzma
import random
import unicodedata
import zlib

import numpy as np
import pytest

from w2v.corpus import LineCorpus, Text8Corpus, Tokenizer, open_corpus
from w2v.corpus._unicode_tables import (ALNUM, CASED, IGNORABLE, N_CODE_POINTS, build_tables,
                                        unicode_tables, _COVERED_END, _TAGS)
from w2v.corpus.scan import choose_engine, scan_corpus

# pieces that exercise every rule of the tokenizer
_PIECES = [
    "the", "Cat", "dog", "ÉVA", "café", "naïve", "Straße", "ǅ", "ſ", "ﬁne", "½", "①", "x²", "Ⅻ",
    "İstanbul", "ΟΔΟΣ", "ΣΑΣ.", "Σ", "ΑΣ\u0301", "ΑΣ'", "λόγος", "Москва", "МОСКВА", "東京", "日本語",
    "مرحبا", "٣٤", "١٢٫٥", "한국어", "हिन्दी", "e\u0301", "a\u0308\u0323b", "x\u200dy",
    "don't", "don’t", "'quoted'", "rock'n'roll", "state-of-the-art", "--", "-x-", "a_b", "_",
    "3.14", "1,000", "1..2", "3.", ".5", "12.5abc", "v1.2.3", "٣.٤", "2,000-year",
    "Wow!", "Really?!", "e.g.", "…", "end...", "😀", "👍🏽", "\u00a0", "\u3000", "\u2028", "\u0085",
    "\x00", "\x01", "\x1f", "\x7f", "\ufeff", "\ufffd", "\u0130", "\u03a3\u03a3", "ﷺ", "ﷻ",
]
_RAW = [b"\xff", b"\xc3", b"\xe2\x82", b"\xed\xa0\x80", b"\xf0\x9f", b"\xf4\x90\x80\x80", b"\xc0\xaf", b"\x80"]
_SEPARATORS = [" ", " ", " ", "  ", "\t", "\n", "\r\n", "\r", "\n\n", ", ", ". "]


def _random_text(rng: random.Random, n_pieces: int) -> bytes:
    out = []
    for _ in range(n_pieces):
        if rng.random() < 0.05:
            out.append(rng.choice(_RAW))
        else:
            piece = rng.choice(_PIECES)
            if rng.random() < 0.3:
                piece = piece + rng.choice(_PIECES)      # glue pieces: marks after letters, etc.
            out.append(piece.encode("utf-8"))
        out.append(rng.choice(_SEPARATORS).encode("utf-8"))
    if rng.random() < 0.5:
        out.pop()                                        # no line end at the end of the file
    return b"".join(out)


def _tokenizers():
    yield Tokenizer.whitespace()
    for lowercase, numbers, split, strip in itertools.product([True, False], ["keep", "normalize"], [False, True],
                                                               [False, True]):
        yield Tokenizer(lowercase=lowercase, numbers=numbers, split_sentences=split, strip_accents=strip)


def _scanned_sentences(scan):
    words = scan.words.words()
    ids, offsets = np.asarray(scan.ids), np.asarray(scan.offsets)
    return [[words[i] for i in ids[offsets[s]:offsets[s + 1]]] for s in range(scan.n_sentences)]


@pytest.mark.parametrize("tokenizer", list(_tokenizers()), ids=repr)
def test_compiled_scan_matches_the_reference_readers(tmp_path, tokenizer):
    rng = random.Random(zlib.crc32(repr(tokenizer).encode()))
    for trial in range(3):
        path = tmp_path / f"c{trial}.txt"
        path.write_bytes(_random_text(rng, 400))
        for corpus_class in (LineCorpus, Text8Corpus):
            reference = corpus_class(path, tokenizer=tokenizer, max_sentence_length=7)
            expected = list(reference)
            for workers, block_size in [(1, 1 << 20), (1, rng.randint(1, 40)), (3, rng.randint(1, 40))]:
                scan = scan_corpus(corpus_class(path, tokenizer=tokenizer, max_sentence_length=7),
                                   workers=workers, block_size=block_size, engine="compiled")
                assert _scanned_sentences(scan) == expected, (corpus_class, workers, block_size)
                assert scan.decode_errors == reference.decode_errors
                assert scan.total_tokens == sum(map(len, expected))
                scan.close()


def test_provisional_ids_are_in_first_seen_order_and_counts_exact(tmp_path):
    path = tmp_path / "c.txt"
    path.write_text("b a b\nc a\n\nb d\n", encoding="utf-8")
    for workers in (1, 2):
        scan = scan_corpus(LineCorpus(path, tokenizer=Tokenizer.whitespace()), workers=workers, block_size=2,
                               engine="compiled")
        assert scan.words.words() == ["b", "a", "c", "d"]
        assert scan.counts.tolist() == [3, 2, 1, 1]
        assert np.asarray(scan.ids).tolist() == [0, 1, 0, 2, 1, 0, 3]
        assert np.asarray(scan.offsets).tolist() == [0, 3, 5, 7]


def test_long_lines_and_text8_are_cut_into_pieces_across_blocks(tmp_path):
    path = tmp_path / "line.txt"
    words = [f"w{i % 13}" for i in range(1000)]
    path.write_text(" ".join(words), encoding="utf-8")          # one line, no newline at the end
    for corpus_class in (LineCorpus, Text8Corpus):
        expected = list(corpus_class(path, tokenizer=Tokenizer.whitespace(), max_sentence_length=64))
        for workers, block_size in [(1, 50), (2, 37), (2, 4096)]:
            scan = scan_corpus(corpus_class(path, tokenizer=Tokenizer.whitespace(), max_sentence_length=64),
                               workers=workers, block_size=block_size, engine="compiled")
            assert _scanned_sentences(scan) == expected
            assert np.diff(scan.offsets).tolist() == [64] * 15 + [40]


def test_compressed_files_scan_like_the_plain_file(tmp_path):
    data = _random_text(random.Random(3), 300)
    plain = tmp_path / "c.txt"
    plain.write_bytes(data)
    expected = _scanned_sentences(scan_corpus(plain, engine="compiled"))
    for suffix, compress in ((".gz", gzip.compress), (".bz2", bz2.compress), (".xz", lzma.compress)):
        path = tmp_path / f"c.txt{suffix}"
        path.write_bytes(compress(data))
        assert _scanned_sentences(scan_corpus(path, workers=2, block_size=64, engine="compiled")) == expected


def test_folder_files_end_their_last_sentence(tmp_path):
    (tmp_path / "d").mkdir()
    (tmp_path / "d" / "a.txt").write_text("one two", encoding="utf-8")     # no newline at the end
    (tmp_path / "d" / "b.txt").write_text("three\nfour five\n", encoding="utf-8")
    expected = list(open_corpus(tmp_path / "d"))
    assert expected == [["one", "two"], ["three"], ["four", "five"]]
    for workers in (1, 2):
        scan = scan_corpus(tmp_path / "d", workers=workers, block_size=3, engine="compiled")
        assert _scanned_sentences(scan) == expected


def test_lowercasing_follows_str_lower_including_multi_code_point_and_final_sigma():
    # 'İ' lowers to 'i' + U+0307 (a mark, so not a token character): str.lower splits the word there.
    tok = Tokenizer()
    assert tok("İstanbul") == ["i", "stanbul"]
    assert tok("ΟΔΟΣ ΣΑΣ") == ["οδος", "σας"]
    for text in ["İstanbul", "ΟΔΟΣ ΣΑΣ", "ΑΣ\u0301 Σ ΑΣΑ"]:
        scan = scan_corpus([text.split()])            # in-memory path: tokens as given
        assert scan.words.words() == list(dict.fromkeys(text.split()))


def test_compiled_lowercasing_of_special_cases(tmp_path):
    path = tmp_path / "c.txt"
    text = "İstanbul ΟΔΟΣ ΣΑΣ ΑΣ\u0301 Σ ΑΣΑ x\u0130y ǅ"
    path.write_text(text, encoding="utf-8")
    expected = Tokenizer()(text)
    assert expected[:2] == ["i", "stanbul"] and "οδος" in expected and "σας" in expected
    assert _scanned_sentences(scan_corpus(path, engine="compiled")) == [expected]


def test_unicode_tables_cover_every_code_point_that_has_a_property():
    tables = unicode_tables()
    outside = np.concatenate([np.arange(_COVERED_END, _TAGS[0]), np.arange(_TAGS[1], N_CODE_POINTS)])
    assert not tables.flags[outside].any()
    text = "".join(map(chr, outside.tolist()))
    # nothing outside changes under the transforms, and none of it is a word or space character
    assert text.lower() == text and unicodedata.normalize("NFKD", text) == text
    assert not any(c.isalnum() or c.isspace() or c.isdecimal() for c in text[::97])
    assert "".join(c + "\u03a3" for c in text[::97]).lower().count("\u03c2") == 0


def test_canonical_reordering_cannot_change_a_token():
    # The compiled scan skips NFKD's reordering of combining marks: no mark with a combining class
    # is a token character, and each is case-ignorable or uncased (so the sigma rule cannot see it).
    tables = unicode_tables()
    for cp in range(N_CODE_POINTS):
        if 0xD800 <= cp < 0xE000 or not unicodedata.combining(chr(cp)):
            continue
        f = tables.flags[cp]
        assert not f & ALNUM and chr(cp) not in "'’-.,!?…"
        assert f & IGNORABLE or not f & CASED


def test_cached_tables_equal_freshly_built_ones():
    cached, fresh = unicode_tables(), build_tables()
    for name in cached.__dataclass_fields__:
        assert np.array_equal(getattr(cached, name), getattr(fresh, name)), name


def test_blocks_never_cut_a_character_or_a_crlf(tmp_path):
    path = tmp_path / "c.txt"
    path.write_bytes("日本語 東京\r\nÉva\r\n\r\nx y".encode("utf-8"))      # no newline at the end
    expected = list(LineCorpus(path))
    assert expected == [["日本語", "東京"], ["éva"], ["x", "y"]]
    for block_size in range(1, 12):          # blocks smaller than a character, and without any newline
        for workers in (1, 2):
            assert _scanned_sentences(scan_corpus(path, workers=workers, block_size=block_size,
                                                 engine="compiled")) == expected


def test_a_failing_worker_stops_the_scan(tmp_path, monkeypatch):
    from w2v.corpus import file_scan as scan_module

    path = tmp_path / "c.txt"
    path.write_text("a b c\n" * 2000, encoding="utf-8")
    calls = []

    def failing(self, block, tables):
        calls.append(block.index)
        raise MemoryError("no memory for this block")

    monkeypatch.setattr(scan_module._Worker, "scan", failing)
    with pytest.raises(MemoryError):
        scan_corpus(path, workers=2, block_size=64, engine="compiled")
    assert len(calls) < 50                    # the reader stopped instead of reading all 188 blocks


def test_small_files_take_the_python_path_and_large_or_unsized_ones_the_compiled_path(tmp_path, monkeypatch):
    from w2v.corpus import scan as scan_module

    small, large = tmp_path / "small.txt", tmp_path / "large.txt"
    small.write_bytes(b"a b c\n" * 100)
    large.write_bytes(b"a b c\n" * 1000)
    monkeypatch.setattr(scan_module, "PYTHON_PATH_BYTES", 1000)
    monkeypatch.setattr(scan_module, "PYTHON_PATH_BYTES_UNCOMPILED", 100_000)
    for cached, expected in ((True, ("python", "compiled")), (False, ("python", "python"))):
        monkeypatch.setattr(scan_module, "is_cached", lambda dispatcher: cached)
        assert tuple(choose_engine(open_corpus(p)) for p in (small, large)) == expected
    gz = tmp_path / "c.txt.gz"
    gz.write_bytes(gzip.compress(b"a b c\n"))
    assert choose_engine(open_corpus(gz)) == "compiled"          # size unknown until read
    assert choose_engine(open_corpus(large), "python") == "python"
    assert choose_engine(open_corpus(small), "compiled") == "compiled"
    assert choose_engine(open_corpus([["a", "b"]]), "compiled") == "python"  # nothing compiled reads lists
    with pytest.raises(ValueError, match="engine"):
        choose_engine(open_corpus(small), "fast")


def test_both_engines_give_the_same_scan(tmp_path):
    path = tmp_path / "c.txt"
    path.write_bytes(_random_text(random.Random(11), 400))
    compiled, python = (scan_corpus(path, workers=2, engine=e) for e in ("compiled", "python"))
    assert compiled.words.words() == python.words.words()
    assert compiled.counts.tolist() == python.counts.tolist()
    assert np.array_equal(compiled.ids, python.ids) and np.array_equal(compiled.offsets, python.offsets)
    assert (compiled.total_tokens, compiled.decode_errors) == (python.total_tokens, python.decode_errors)


@pytest.mark.parametrize("workers", [1, 2])
def test_a_scan_leaves_no_temporary_file_unclosed(tmp_path, workers):
    import gc
    import warnings

    path = tmp_path / "c.txt"
    path.write_text("a b c\nd e\n" * 100)
    gc.collect()  # what earlier tests left unclosed is not this scan's
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", ResourceWarning)
        scan = scan_corpus(LineCorpus(path), workers=workers, engine="compiled")
        scan.close()
        del scan
        gc.collect()
    assert [str(w.message) for w in caught if issubclass(w.category, ResourceWarning)] == []


@pytest.mark.parametrize("tokenizer", [Tokenizer.whitespace(), Tokenizer(), Tokenizer(split_sentences=True)],
                         ids=repr)
def test_pruning_while_counting_is_compiled_and_matches_the_python_path(tmp_path, tokenizer, monkeypatch):
    from w2v.corpus import scan as scan_module

    rng = random.Random(zlib.crc32(repr(tokenizer).encode()))
    (tmp_path / "d").mkdir()
    for name in ("a.txt", "b.txt"):
        (tmp_path / "d" / name).write_bytes(_random_text(rng, 300))    # may end without a newline
    path = tmp_path / "d" / "a.txt"
    corpora = [lambda: LineCorpus(path, tokenizer=tokenizer, max_sentence_length=7),
               lambda: Text8Corpus(path, tokenizer=tokenizer, max_sentence_length=7),
               lambda: open_corpus(tmp_path / "d", tokenizer=tokenizer, max_sentence_length=7)]
    python_path = scan_module._scan_sentences
    for make in corpora:
        for max_vocab_size in (3, 12, 40):
            expected = python_path(make(), max_vocab_size)
            assert expected.pruned
            monkeypatch.setattr(scan_module, "_scan_sentences", None)          # the compiled path only
            for workers, block_size in [(1, 1 << 20), (1, rng.randint(1, 40)), (2, rng.randint(1, 40))]:
                scan = scan_corpus(make(), workers=workers, max_vocab_size=max_vocab_size, block_size=block_size,
                                   engine="compiled")
                assert scan.words.words() == expected.words.words(), (make, max_vocab_size, block_size)
                assert scan.counts.tolist() == expected.counts.tolist()
                assert np.array_equal(scan.ids, expected.ids) and np.array_equal(scan.offsets, expected.offsets)
                assert (scan.pruned, scan.total_tokens) == (True, expected.total_tokens)
                scan.close()
            monkeypatch.setattr(scan_module, "_scan_sentences", python_path)
            expected.close()


@pytest.mark.parametrize("length", [65_600, 300_000])
def test_a_token_longer_than_the_table_grows_by_is_counted(tmp_path, length):
    # the word table grew by at most 64 KB when a new word did not fit: a longer token never fit,
    # and the scan looped for ever (in a child process, so that a regression fails instead of hanging)
    import subprocess
    import sys

    path = tmp_path / "long.txt.gz"
    path.write_bytes(gzip.compress(b"hello world\n" + b"x" * length + b"\nhello\n"))
    script = ("import sys; from w2v.corpus import open_corpus; from w2v.corpus.scan import scan_corpus\n"
              f"s = scan_corpus(open_corpus({str(path)!r}), workers=2, engine='compiled')\n"
              "print(s.total_tokens, sorted(s.counts.tolist()))")
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.split(None, 1) == ["4", "[1, 1, 2]\n"]


def test_both_engines_cut_a_run_of_more_than_max_word_bytes_at_the_same_place(tmp_path):
    # a run without white space is cut every MAX_WORD_BYTES; the cut used to fall at the end of
    # whatever had been read (1 MB blocks on the Python path, 256 KB in the scan), so the pieces,
    # and so the vocabulary, differed between the engines
    from w2v.corpus.readers import MAX_WORD_BYTES

    path = tmp_path / "run.txt"
    run = ("ア" * (MAX_WORD_BYTES // 3 + 200_000)).encode("utf-8")   # three bytes a character, no white space
    path.write_bytes(b"ab " + run + b" cd\n")
    compiled, python = (scan_corpus(path, workers=2, engine=e) for e in ("compiled", "python"))
    first = MAX_WORD_BYTES - MAX_WORD_BYTES % 3      # the last character start at or before the bound
    lengths = sorted(len(w.encode("utf-8")) for w in python.words.words())
    assert lengths == [2, 2, len(run) - first, first]
    assert compiled.words.words() == python.words.words()
    assert compiled.counts.tolist() == python.counts.tolist()
    assert np.array_equal(compiled.ids, python.ids) and np.array_equal(compiled.offsets, python.offsets)

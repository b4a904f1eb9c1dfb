"""Count tables against brute-force Python counting."""
from collections import Counter

import numpy as np

from w2v.ngram.counts import NgramCounts, lookup_rows
from w2v.ngram.encoding import BOS, EOS, UNK, NgramVocab, encode


def _words_of(counts, vocab, n):
    """Decode every row of order n back to a tuple of words."""
    V = counts.vocab_size
    tuples = [(w,) for w in vocab.words]
    for k in range(2, n + 1):
        keys = counts.tables[k - 1].keys
        tuples = [tuples[p] + (vocab.words[w],) for p, w in zip((keys // V).tolist(), (keys % V).tolist())]
    return tuples


def _brute(sentences, order):
    raw = Counter()
    for s in sentences:
        padded = ["<s>"] + s + ["</s>"]
        for i in range(1, len(padded)):
            for n in range(1, order + 1):
                if i - n + 1 >= 0:
                    raw[tuple(padded[i - n + 1:i + 1])] += 1
    return raw


def test_vocab_specials_first_and_min_count(ten_sentences):
    vocab = NgramVocab.build(ten_sentences + [["rare"]], min_count=2)
    assert vocab.words[:3] == ["<unk>", "<s>", "</s>"]
    assert vocab.words[3:] == ["a", "b", "c"]          # a: 7, b: 6, c: 5; "rare" dropped
    enc = encode(vocab, [["a", "rare"], [], ["zzz"]])
    assert enc.ids.tolist() == [BOS, 3, UNK, EOS, BOS, UNK, EOS]
    assert (enc.n_oov, enc.n_empty, enc.n_sentences, enc.n_tokens) == (2, 1, 2, 5)


def test_tables_match_brute_force_counts(random_sentences):
    vocab = NgramVocab.build(random_sentences, min_count=1)
    counts = NgramCounts.from_ids(encode(vocab, random_sentences).ids, 4, len(vocab))
    raw = _brute(random_sentences, 4)
    for n in range(1, 5):
        table = counts.tables[n - 1]
        assert np.all(np.diff(table.keys) > 0)
        got = dict(zip(_words_of(counts, vocab, n), table.counts.tolist()))
        want = {g: c for g, c in raw.items() if len(g) == n}
        if n == 1:
            got = {g: c for g, c in got.items() if c}
        assert got == want
        if n > 1:
            lower = _words_of(counts, vocab, n - 1)
            grams = _words_of(counts, vocab, n)
            assert [lower[s] for s in table.suffix] == [g[1:] for g in grams]
            assert [lower[p] for p in table.prefix] == [g[:-1] for g in grams]


def test_continuation_counts_follow_lmplz(random_sentences):
    vocab = NgramVocab.build(random_sentences, min_count=1)
    counts = NgramCounts.from_ids(encode(vocab, random_sentences).ids, 3, len(vocab))
    raw = _brute(random_sentences, 3)
    for n in (1, 2, 3):
        grams = _words_of(counts, vocab, n)
        adjusted = counts.continuation_counts(n)
        for g, a in zip(grams, adjusted.tolist()):
            if n == 3 or (g[0] == "<s>" and n > 1):
                assert a == raw[g]
            elif g == ("<s>",):
                assert a == 0
            else:
                assert a == len({h[0] for h in raw if len(h) == n + 1 and h[1:] == g})


def test_lookup_finds_rows_and_misses(ten_sentences):
    vocab = NgramVocab.build(ten_sentences, min_count=1)
    counts = NgramCounts.from_ids(encode(vocab, ten_sentences).ids, 3, len(vocab))
    ids = encode(vocab, [["a", "b", "a"]]).ids          # <s> a b a </s>
    rows = lookup_rows([t.keys for t in counts.tables], ids, len(vocab))
    grams3 = _words_of(counts, vocab, 3)
    assert grams3[rows[2][2]] == ("<s>", "a", "b")
    assert rows[2][3] == -1                                    # "a b a" never seen
    grams2 = _words_of(counts, vocab, 2)
    assert grams2[rows[1][3]] == ("b", "a")
    assert rows[1][0] == -1 and rows[2][1] == -1               # nothing ends at <s> or spans it
    missing = encode(vocab, [["c", "c"]]).ids               # "c c" never seen
    assert lookup_rows([t.keys for t in counts.tables], missing, len(vocab))[1][2] == -1

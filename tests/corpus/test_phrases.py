"""Phrases: hand-counted scores, word2vec.c's rules, connector words, the compiled path against the
reference, persistence and bad parameters."""
import json
import math
import random

import numpy as np
import pytest

from w2v.corpus import LineCorpus, Text8Corpus, Tokenizer
from w2v.corpus import phrases_reference as ref
from w2v.corpus.phrase_ids import token_ids
from w2v.corpus.phrase_join import write_tokens
from w2v.corpus.phrases import Phrases
from w2v.errors import ModelFormatError, ParameterError

# Ten sentences, counted by hand below.
TEN = [s.split() for s in (
    "new york is big", "new york is old", "i love new york", "new york new york", "the big apple",
    "big apple pie", "i love pie", "new shoes", "old york", "the new york times")]
# tokens 4+4+4+4+3+3+3+2+2+4 = 33; new 7, york 7, new->york 6 times (s1 s2 s3 s4 s4 s10)
# distinct unigrams: new york is big old i love the apple pie shoes times = 12
# distinct bigrams within sentences: new-york york-is is-big is-old i-love love-new york-new the-big
#   big-apple apple-pie love-pie new-shoes old-york the-new york-times = 15
# big 3, apple 2, big->apple 2 (s5 s6); i 2, love 2, i->love 2 (s3 s7)


def table(model):
    return {p: (c, s) for p, c, s in model.phrase_table()}


def test_word2phrase_score_by_hand():
    model = Phrases(min_count=2, threshold=1.0, scoring="word2phrase").fit(TEN)
    count, score = table(model)["new_york"]
    assert count == 6
    assert score == pytest.approx((6 - 2) / 7 / 7 * 33, rel=1e-6)
    # word2vec.c only scores pairs whose words and pair reach min_count: big_apple has count 2,
    # (2 - 2) = 0 is not above the threshold
    assert "big_apple" not in table(model)


def test_gensim_score_by_hand():
    model = Phrases(min_count=1, threshold=1.0, scoring="gensim").fit(TEN)
    assert model.tables_[0].vocabulary_size == 12 + 15
    count, score = table(model)["new_york"]
    assert count == 6
    assert score == pytest.approx((6 - 1) / (7 * 7) * 27, rel=1e-12)
    assert table(model)["i_love"][1] == pytest.approx((2 - 1) / (2 * 2) * 27, rel=1e-12)


def test_npmi_score_by_hand():
    model = Phrases(min_count=2, threshold=0.0, scoring="npmi").fit(TEN)
    count, score = table(model)["new_york"]
    assert count == 6
    expected = math.log((6 / 33) / ((7 / 33) * (7 / 33))) / -math.log(6 / 33)
    assert score == pytest.approx(expected, rel=1e-12)
    assert -1 <= score <= 1
    assert table(model)["i_love"][1] == pytest.approx(math.log((2 / 33) / (2 / 33) ** 2) / -math.log(2 / 33))


LINES = [["p", "x"], ["y", "q"]] * 3     # x is followed by y only across a line end


def test_word2phrase_counts_across_line_ends_but_never_joins_there():
    model = Phrases(min_count=1, threshold=1.0, scoring="word2phrase").fit(LINES)
    # word2vec.c's counting pass pairs a line's last word with the next line's first: x->y 3 times;
    # tokens 12, x 3, y 3: (3 - 1) / 3 / 3 * 12
    assert table(model)["x_y"] == (3, pytest.approx(2 / 3 / 3 * 12))
    out = list(model.transform(LINES))
    assert out == [["p_x"], ["y_q"]] * 3


@pytest.mark.parametrize("scoring", ["gensim", "npmi"])
def test_no_bigram_across_a_sentence_end(scoring):
    model = Phrases(min_count=1, threshold=-0.99 if scoring == "npmi" else -1e9, scoring=scoring).fit(LINES)
    assert set(table(model)) == {"p_x", "y_q"}


def test_no_chaining_within_a_pass_and_chaining_across_passes():
    corpus = [["a", "b", "c"]] * 6 + [["d", "e"]] * 6
    one = Phrases(min_count=1, threshold=0.1, scoring="gensim").fit(corpus)
    assert {"a_b", "b_c"} <= set(table(one))          # both pairs score...
    assert list(one.transform(corpus))[0] == ["a_b", "c"]  # ...but b, once joined, cannot start b_c
    two = Phrases(min_count=1, threshold=[0.1, 0.1], scoring="gensim").fit(corpus)
    assert list(two.transform(corpus))[0] == ["a_b_c"]
    assert [p for p, _, _ in two.phrase_table(pass_index=1)] == ["a_b_c"]


def test_connector_words():
    corpus = [["bank", "of", "america", "said"], ["the", "bank", "of", "america"], ["of", "bank", "of"]] * 4
    model = Phrases(min_count=1, threshold=0.0, scoring="gensim", connector_words=["of", "the"]).fit(corpus)
    assert "bank_of_america" in table(model)
    assert not any(p.startswith(("of_", "the_")) or p.endswith(("_of", "_the")) for p in table(model))
    out = list(model.transform(corpus))
    assert out[0][0] == "bank_of_america" and out[1] == ["the", "bank_of_america"]
    assert out[2] == ["of", "bank", "of"]                 # connectors never start or end a phrase
    english = Phrases(min_count=1, threshold=0.0, scoring="gensim", connector_words="english").fit(corpus)
    assert table(english)["bank_of_america"] == table(model)["bank_of_america"]


def _random_corpus(rng, n_sentences, vocab, connectors=()):
    words = [f"w{i}" for i in range(vocab)] + list(connectors)
    weights = [1 / (i + 1) for i in range(len(words))]
    return [rng.choices(words, weights, k=rng.randint(0, 12)) for _ in range(n_sentences)]


@pytest.mark.parametrize("seed", range(4))
@pytest.mark.parametrize("scoring,thresholds", [("word2phrase", [20.0, 5.0]), ("gensim", [5.0, 2.0]),
                                                ("npmi", [0.3, 0.1])])
def test_compiled_path_equals_the_reference(seed, scoring, thresholds):
    rng = random.Random(seed)
    connectors = ("of", "the") if seed % 2 else ()
    corpus = _random_corpus(rng, 300, 25, connectors)
    model = Phrases(min_count=3, threshold=thresholds, scoring=scoring, connector_words=connectors or None,
                    workers=1 + seed % 3).fit(corpus)
    expected_out, expected_tables = ref.phrase_corpus(corpus, scoring, 3, thresholds, frozenset(connectors))
    for t, expected in zip(model.tables_, expected_tables):
        got = {parts: (int(c), float(s)) for parts, c, s in zip(t.parts, t.counts, t.scores)}
        expected = {(k[0],) + k[1] + (k[2],): v for k, v in expected.items()}
        assert set(got) == set(expected)
        for key, (c, s) in expected.items():
            assert got[key][0] == c and got[key][1] == pytest.approx(s, rel=1e-12)
        assert list(t.scores) == sorted(t.scores, reverse=True)
    assert list(model.transform(corpus)) == expected_out
    assert [s for s in model.fit_transform_ids(corpus).sentences()] == [s for s in expected_out if s]


def test_pruning_follows_the_documented_rule():
    rng = random.Random(7)
    corpus = _random_corpus(rng, 400, 60)
    bound = 40
    model = Phrases(min_count=1, threshold=-1e9, scoring="gensim", max_vocab_size=bound, workers=1).fit(corpus)
    # the rule, written out: after adding a new pair, if more than `bound` pairs are held, drop those
    # seen at most min_reduce times and raise min_reduce
    counts, min_reduce = {}, 1
    for sentence in corpus:
        for a, b in zip(sentence, sentence[1:]):
            if (a, b) in counts:
                counts[(a, b)] += 1
                continue
            counts[(a, b)] = 1
            if len(counts) > bound:
                counts = {k: v for k, v in counts.items() if v > min_reduce}
                min_reduce += 1
    got = {(p[0], p[-1]): int(c) for p, c in zip(model.tables_[0].parts, model.tables_[0].counts)}
    assert got == counts
    assert model.tables_[0].pruned and len(got) <= bound


def test_phrase_table_is_sorted_by_score_and_transform_is_reiterable():
    model = Phrases(min_count=1, threshold=0.5, scoring="gensim").fit(TEN)
    rows = model.phrase_table()
    assert [r[2] for r in rows] == sorted((r[2] for r in rows), reverse=True)
    phrased = model.transform(TEN)
    assert list(phrased) == list(phrased)
    assert model[["new", "york", "times"]][0] == "new_york"



def test_getitem_of_a_corpus_phrases_each_sentence_lazily_as_gensim():
    """``phrases[sentences]`` (gensim's idiom for a whole corpus) raised ``unhashable type: 'list'``."""
    model = Phrases(min_count=1, threshold=0.5, scoring="gensim").fit(TEN)
    expected = [model[s] for s in TEN]
    assert model[["new", "york"]] == ["new_york"]           # a list of str is one sentence
    assert model[[]] == []
    phrased = model[TEN]                                    # a list of lists is a corpus
    assert not isinstance(phrased, list) and list(phrased) == expected and list(phrased) == expected
    assert list(model[[tuple(s) for s in TEN]]) == expected
    assert list(model[[["new", "york"], [], ["pie"]]]) == [["new_york"], [], ["pie"]]  # one out per sentence
    one_shot = model[iter(TEN)]                             # an iterator is read once, lazily
    assert list(one_shot) == expected and list(one_shot) == []
    read = []

    def sentences():
        for s in TEN:
            read.append(s)
            yield s

    lazy = model[sentences()]
    assert len(read) == 1                                   # peeked only, to tell a corpus from a sentence
    assert list(lazy) == expected
    with pytest.raises(TypeError, match="token lists"):
        list(model[[["new", "york"], "new york"]])
    with pytest.raises(TypeError, match="list of tokens"):
        model["new york"]

def test_transform_ids_equals_transform():
    rng = random.Random(11)
    corpus = _random_corpus(rng, 200, 15, ("of",))
    model = Phrases(min_count=2, threshold=[1.0, 0.5], scoring="gensim", connector_words=["of"]).fit(corpus)
    other = _random_corpus(rng, 100, 18, ("of",))
    assert list(model.transform_ids(token_ids(other)).sentences()) == [s for s in model.transform(other) if s]


def test_save_load_round_trip(tmp_path):
    corpus = [["bank", "of", "america", "new", "york", "times"]] * 5 + [["new", "york"]] * 3
    model = Phrases(min_count=2, threshold=[0.5, 0.3], scoring="gensim", connector_words=["of"]).fit(corpus)
    path = tmp_path / "phrases.npz"
    model.save(path)
    loaded = Phrases.load(path)
    assert loaded.phrase_table() == model.phrase_table()
    assert loaded.get_params()["threshold"] == [0.5, 0.3]
    assert loaded.connector_words_ == ("of",)
    assert list(loaded.transform(corpus)) == list(model.transform(corpus))
    # pass 2 (V = 3 unigrams + 2 pairs): (5 - 2) / (5 * 8) * 5 = 0.375 > 0.3
    assert list(loaded.transform(corpus))[0] == ["bank_of_america_new_york", "times"]


def test_load_rejects_other_files(tmp_path):
    text = tmp_path / "x.npz"
    text.write_text("not a model")
    with pytest.raises(ModelFormatError):
        Phrases.load(text)
    other = tmp_path / "other.npz"
    np.savez(other, meta=np.frombuffer(b'{"format": "w2v-ngram"}', dtype=np.uint8))
    with pytest.raises(ModelFormatError, match="not a w2v phrase model"):
        Phrases.load(other)
    with pytest.raises(ModelFormatError, match="does not exist"):
        Phrases.load(tmp_path / "missing.npz")


@pytest.mark.parametrize("damage,match", [
    (lambda meta, arrays: arrays.pop("score_0"), "lists 1 passes but the file holds 4 members"),
    (lambda meta, arrays: arrays.__setitem__("first_0", arrays["first_0"] + 1000), "outside header field 'words'"),
    (lambda meta, arrays: arrays.__setitem__("count_0", arrays["count_0"][:1]), "differ in length"),
    (lambda meta, arrays: meta["params"].__setitem__("scoring", "pmi"), "parameters are invalid"),
    (lambda meta, arrays: meta["params"].__setitem__("connector_words", []), "not its connector words"),
    (lambda meta, arrays: meta["passes"][0].__setitem__("threshold", "high"), "'threshold' of pass 0"),
    (lambda meta, arrays: meta.__setitem__("words", [1, 2]), "only strings"),
])
def test_load_rejects_damaged_models(tmp_path, damage, match):
    from w2v.container import write_container
    from w2v.corpus.phrases_io import LAYOUT

    corpus = [["bank", "of", "america"]] * 4 + [["new", "york"]] * 4
    path = tmp_path / "m.npz"
    Phrases(min_count=1, threshold=0.1, scoring="gensim", connector_words=["of"]).fit(corpus).save(path)
    with np.load(path, allow_pickle=False) as data:
        arrays = {k: data[k] for k in data.files if k != "meta"}
        meta = json.loads(bytes(data["meta"]).decode())
    damage(meta, arrays)
    write_container(path, LAYOUT, {k: v for k, v in meta.items() if k not in ("format", "version")}, arrays)
    with pytest.raises(ModelFormatError, match=match) as info:
        Phrases.load(path)
    assert "\n" not in str(info.value)


@pytest.mark.parametrize("params,match", [
    (dict(scoring="npmi", threshold=1.5), "npmi scores lie in"),
    (dict(scoring="npmi", threshold=[0.5, -2]), "npmi scores lie in"),
    (dict(passes=2, threshold=[200, 100, 50]), "passes=2 but 3 thresholds"),
    (dict(passes=3, threshold=[200, 100]), "passes=3 but 2 thresholds"),
    (dict(scoring="word2phrase", threshold=-1), "must be >= 0"),
    (dict(scoring="pmi"), "choose one of"),
    (dict(min_count=0), "min_count"),
    (dict(threshold=float("nan")), "finite"),
    (dict(delimiter="a b"), "delimiter"),
    (dict(connector_words="of"), "connector_words"),
    (dict(max_vocab_size=0), "max_vocab_size"),
])
def test_bad_parameters_are_one_line_errors(params, match):
    with pytest.raises(ParameterError, match=match) as info:
        Phrases(**params).fit(TEN)
    assert "\n" not in str(info.value)


def test_get_and_set_params():
    model = Phrases(min_count=3)
    assert model.set_params(scoring="npmi", threshold=0.2) is model
    assert model.get_params()["scoring"] == "npmi" and model.thresholds == [0.2]
    assert Phrases(**model.get_params()).get_params() == model.get_params()
    with pytest.raises(ParameterError, match="no parameter 'thresold'"):
        model.set_params(thresold=3)


def test_one_threshold_serves_every_pass():
    assert Phrases(passes=3, threshold=7).thresholds == [7.0, 7.0, 7.0]
    assert Phrases(scoring="gensim").thresholds == [10.0]
    assert Phrases(threshold=[200, 100]).thresholds == [200.0, 100.0]


def test_compiled_whitespace_scan_equals_the_readers(tmp_path):
    text = ("a b\u00a0c\u3000d\r\ne\tf\x0bg\x1ch  \n\n\u2028 i\u2029j k l m n o\n"
            "x" * 3 + " y\u0085z last").encode("utf-8")
    path = tmp_path / "c.txt"
    path.write_bytes(text)
    for cls, workers in ((LineCorpus, 1), (LineCorpus, 3), (LineCorpus, 9), (Text8Corpus, 2)):
        corpus = cls(path, tokenizer=Tokenizer.whitespace(), max_sentence_length=4)
        fast = token_ids(corpus, workers=workers)     # threads scan pieces cut at line ends
        assert list(fast.sentences()) == list(corpus)
        # the Python path (default tokenizer objects are not scanned) agrees on the same sentences
        slow = token_ids([list(s) for s in corpus])
        assert fast.words == slow.words and np.array_equal(fast.ids, slow.ids)


@pytest.mark.parametrize("chunk", [1, 3, 1 << 22])
def test_write_tokens_one_sentence_per_line(tmp_path, monkeypatch, chunk):
    from w2v.corpus import phrase_join

    monkeypatch.setattr(phrase_join, "_RENDER_TOKENS", chunk)      # written in chunks of sentences
    model = Phrases(min_count=1, threshold=0.5, scoring="gensim")
    tokens = model.fit_transform_ids([["new", "york", "é"], [], ["new", "york"]] * 3)
    out = tmp_path / "out.txt"
    assert write_tokens(tokens, out) == len("new_york é\nnew_york\n".encode()) * 3
    assert out.read_text(encoding="utf-8") == "new_york é\nnew_york\n" * 3


def test_write_tokens_writes_a_lone_surrogate_as_the_vector_files_do(tmp_path):
    # tokens of the Python API; it was a UnicodeEncodeError traceback
    model = Phrases(min_count=1, threshold=0.5, scoring="gensim")
    tokens = model.fit_transform_ids([["new", "\udcff", "b\ud800"], ["new", "\udcff"]] * 3)
    out = tmp_path / "out.txt"
    assert write_tokens(tokens, out) == len(out.read_bytes())
    assert out.read_bytes() == b"new_\xed\xb3\xbf b\xed\xa0\x80\nnew_\xed\xb3\xbf\n" * 3


def test_the_tokenizer_name_is_kept(tmp_path):
    path = tmp_path / "c.txt"
    path.write_text("New York is big\nNew York\n" * 5, encoding="utf-8")
    model = Phrases(min_count=2, threshold=0.5, scoring="gensim").fit(LineCorpus(path, tokenizer=Tokenizer.whitespace()))
    assert model.tokenizer_ == "whitespace" and "New_York" in table(model)
    model.save(tmp_path / "m.npz")
    assert Phrases.load(tmp_path / "m.npz").tokenizer_ == "whitespace"
    assert Phrases(min_count=2, threshold=1.0).fit(path).tokenizer_ == "default"
    assert Phrases(min_count=2, threshold=1.0).fit(TEN).tokenizer_ is None


def test_a_tokenizer_name_this_w2v_does_not_know_is_refused(tmp_path):
    # a newer w2v's tokenizer: its phrases are made of tokens this one cannot produce
    model = Phrases(min_count=2, threshold=1.0).fit(TEN)
    model.tokenizer_ = "sentencepiece-v9"
    model.save(tmp_path / "m.npz")
    with pytest.raises(ModelFormatError, match="'sentencepiece-v9'.*newer w2v") as err:
        Phrases.load(tmp_path / "m.npz")
    assert "\n" not in str(err.value) and "m.npz" in str(err.value)


def test_rewrite_scan_is_stage_two_of_the_pipeline(tmp_path):
    from w2v.corpus.pipeline import build_and_encode

    rng = random.Random(5)
    corpus = _random_corpus(rng, 300, 20, ("of",))
    path = tmp_path / "c.txt"
    path.write_text("\n".join(" ".join(s) for s in corpus) + "\n", encoding="utf-8")
    model = Phrases(min_count=2, threshold=[1.0, 0.5], scoring="gensim", connector_words=["of"]).fit(corpus)
    phrased = model.transform(LineCorpus(path, tokenizer=Tokenizer.whitespace()))
    vocab, encoded = build_and_encode(phrased.source, min_count=2, rewrite=phrased.rewrite_scan, workers=2)
    expected_vocab, expected = build_and_encode([s for s in phrased if s], min_count=2)
    assert any("_" in w for w in vocab.words)
    assert vocab.words == expected_vocab.words and vocab.counts.tolist() == expected_vocab.counts.tolist()
    assert vocab.total_words == expected_vocab.total_words
    assert np.array_equal(encoded.ids, expected.ids) and np.array_equal(encoded.offsets, expected.offsets)


def test_load_rejects_connector_runs_longer_than_a_key_holds(tmp_path):
    # a hostile file: with 15 connector words a key holds runs of at most 15 (16 ** 16 > 2 ** 62);
    # a run of 20 used to load and then overflow int64 when the phrases were applied
    from w2v.container import write_container
    from w2v.corpus.phrases_io import LAYOUT

    path = tmp_path / "evil.npz"
    good = tmp_path / "good.npz"
    corpus = [["x", "of", "y"]] * 3
    Phrases(min_count=1, threshold=0.1, connector_words="english").fit(corpus).save(good)
    with np.load(good, allow_pickle=False) as data:
        arrays = {k: data[k] for k in data.files if k != "meta"}
        meta = json.loads(bytes(data["meta"]).decode())
    assert Phrases.load(good)[["x", "of", "y"]] == ["x_of_y"]
    for run, loads in ((15, True), (16, False), (20, False)):
        meta["words"] = ["x", " ".join(["of"] * run), "y"]
        arrays.update(first_0=np.array([0]), middle_0=np.array([1]), last_0=np.array([2]),
                      count_0=np.array([3]), score_0=np.array([1.0]))
        write_container(path, LAYOUT, {k: v for k, v in meta.items() if k not in ("format", "version")}, arrays)
        if loads:
            assert Phrases.load(path)[["x"] + ["of"] * run + ["y"]] == ["_".join(["x"] + ["of"] * run + ["y"])]
            continue
        with pytest.raises(ModelFormatError, match=f"evil.npz.*{run} connector words.*at most 15") as info:
            Phrases.load(path)
        assert "\n" not in str(info.value)


def test_a_threshold_beyond_the_float_range_is_a_parameter_error():
    # float(10 ** 400) raised OverflowError out of fit (and out of Phrases.load of such a file)
    for threshold in (10 ** 400, [5, -10 ** 400]):
        with pytest.raises(ParameterError, match="threshold=.* must be finite"):
            Phrases(threshold=threshold, scoring="gensim").fit(TEN)


@pytest.mark.parametrize("name", ["min_count", "max_vocab_size", "passes", "workers", "max_sentence_length"])
def test_integers_beyond_int64_are_one_line_errors(name):
    with pytest.raises(ParameterError, match=f"{name}=.* must be at most 9,223,372,036,854,775,807") as info:
        Phrases(**{name: 2 ** 63}).fit(TEN)
    assert "\n" not in str(info.value)
    assert Phrases(min_count=2 ** 63 - 1, max_vocab_size=np.int64(2 ** 63 - 1), threshold=1.0).fit(TEN).phrase_table() == []


def test_numpy_numbers_are_stored_as_python_numbers(tmp_path):
    # _checked accepts numpy numbers; saving one used to fail: "Object of type int64 is not JSON serializable"
    model = Phrases(min_count=np.int64(1), threshold=np.float32(0.5), max_vocab_size=np.int64(1000),
                    workers=np.int32(2), passes=np.int64(1), max_sentence_length=np.int64(50), scoring="gensim")
    assert repr(model) == ("Phrases(min_count=1, threshold=0.5, scoring='gensim', passes=1, delimiter='_')")
    assert all(type(v) in (int, float) for k, v in model.get_params().items() if k not in ("scoring", "delimiter",
                                                                                            "connector_words"))
    model.fit([["a", "b"]] * 3).save(tmp_path / "m.npz")
    assert Phrases.load(tmp_path / "m.npz").get_params() == {**model.get_params(), "connector_words": []}
    model.set_params(threshold=[np.float64(0.5), np.int64(1)], passes=None).fit([["a", "b"]] * 3).save(tmp_path / "m.npz")
    assert Phrases.load(tmp_path / "m.npz").get_params()["threshold"] == [0.5, 1]
    model.set_params(threshold=np.array([0.5, 0.25])).fit([["a", "b"]] * 3).save(tmp_path / "m.npz")
    assert Phrases.load(tmp_path / "m.npz").get_params()["threshold"] == [0.5, 0.25]
    plain = [0.5, 1.0]
    assert Phrases(threshold=plain).threshold is plain        # left as given (scikit-learn's clone checks this)


@pytest.mark.parametrize("scoring", ["word2phrase", "gensim"])
def test_pruning_does_not_depend_on_the_number_of_workers(scoring):
    # one table following the text in order, as word2vec.c and gensim: each worker used to prune its
    # own partition at max_vocab_size // workers, so 1, 2 and 3 workers gave three different outputs
    rng = random.Random(0)
    words = [f"w{i}" for i in range(300)]
    weights = [1 / (i + 1) for i in range(300)]
    corpus = [rng.choices(words, weights, k=12) for _ in range(1500)]
    results = []
    for workers in (1, 2, 3):
        model = Phrases(min_count=3, threshold=1.0 if scoring == "word2phrase" else 0.05, scoring=scoring,
                        max_vocab_size=2000, workers=workers)
        phrased = list(model.fit_transform_ids(corpus).sentences())
        assert model.tables_[0].pruned
        results.append((model.phrase_table(), model.tables_[0].vocabulary_size, phrased))
    assert results[0][0] and results[0] == results[1] == results[2]
    # a bound the text never reaches: the workers count their partitions in parallel, with the same result
    unbounded = [Phrases(min_count=3, threshold=1.0, max_vocab_size=10 ** 9, workers=w).fit(corpus).phrase_table()
                 for w in (1, 3)]
    assert unbounded[0] == unbounded[1]


def test_connector_runs_longer_than_a_key_holds_are_counted_as_skipped_with_one_warning(caplog):
    # with the 15 English connectors a key spells at most 15 of them: longer runs were skipped silently
    corpus = [["alpha"] + ["of"] * 16 + ["beta"]] * 3 + [["gamma"] + ["the"] * 20 + ["delta"]] * 2 + [["x", "y"]] * 3
    with caplog.at_level("WARNING", logger="w2v.corpus.phrases"):
        model = Phrases(min_count=1, threshold=[0.1, 0.1], scoring="gensim", connector_words="english").fit(corpus)
    assert "x_y" in table(model) and not any(w.startswith(("alpha", "gamma")) for w in table(model))
    lines = [r.getMessage() for r in caplog.records if "connector words" in r.getMessage()]
    assert len(lines) == 1 and "skipped 5 candidate(s) in pass 1 (10 in all passes)" in lines[0], lines
    assert "more than 15" in lines[0]


def _tampered(tmp_path, damage, name="tampered.npz"):
    """A real model of a small corpus (two passes, a connector word) written again after ``damage(meta,
    arrays)``: what a hostile or corrupted file holds."""
    from w2v.container import write_container
    from w2v.corpus.phrases_io import LAYOUT

    corpus = [["bank", "of", "america"]] * 4 + [["new", "york", "city"]] * 4
    good = tmp_path / "good.npz"
    Phrases(min_count=1, threshold=[0.1, 0.1], scoring="gensim", connector_words=["of"]).fit(corpus).save(good)
    with np.load(good, allow_pickle=False) as data:
        arrays = {k: data[k] for k in data.files if k != "meta"}
        meta = json.loads(bytes(data["meta"]).decode())
    damage(meta, arrays)
    path = tmp_path / name
    write_container(path, LAYOUT, {k: v for k, v in meta.items() if k not in ("format", "version")}, arrays)
    return path


def _set_word(old, new):
    def damage(meta, arrays):
        meta["words"][meta["words"].index(old)] = new
    return damage


def _set_member(name, value):
    def damage(meta, arrays):
        arrays[name] = arrays[name].copy()
        arrays[name][0] = value
    return damage


def _set_pass(field, value):
    def damage(meta, arrays):
        meta["passes"][0][field] = value
    return damage


def _set_params(name, value):
    def damage(meta, arrays):
        meta["params"][name] = value
    return damage


def _repeat_first_row(meta, arrays):
    for k in ("first", "middle", "last", "count", "score"):
        arrays[f"{k}_0"] = np.concatenate([arrays[f"{k}_0"], arrays[f"{k}_0"][:1]])


def _no_pass(meta, arrays):
    meta["passes"] = []
    arrays.clear()


def _connector_first(meta, arrays):
    meta["words"][int(arrays["first_0"][0])] = "of"


@pytest.mark.parametrize("damage,match", [
    (_set_word("new", "new york"), r"the word 'new york', which is empty or holds white space"),
    (_set_word("new", "new\tyork"), r"the word 'new\\tyork', which is empty or holds white space"),
    (_set_word("new", "new\n"), r"the word 'new\\n', which is empty or holds white space"),
    (_set_word("new", ""), r"the word '', which is empty or holds white space"),
    (_set_word("of", " of"), r"the word '', which is empty or holds white space"),
    (_set_word("of", "of  of"), r"the word '', which is empty or holds white space"),
    (_set_word("of", "of\u3000of"), "not its connector words"),
    (_set_member("score_0", np.nan), r"member score_0.npy holds a NaN or infinite score"),
    (_set_member("score_0", np.inf), r"member score_0.npy holds a NaN or infinite score"),
    (_set_member("score_0", -np.inf), r"member score_0.npy holds a NaN or infinite score"),
    (_set_member("count_0", -5), r"member count_0.npy holds a count below 1"),
    (_set_member("count_0", 0), r"member count_0.npy holds a count below 1"),
    (_set_pass("threshold", float("nan")), r"field 'threshold' of pass 0 must be a finite number, got nan"),
    (_set_pass("threshold", float("inf")), r"field 'threshold' of pass 0 must be a finite number, got inf"),
    (_set_pass("threshold", 10 ** 400), r"field 'threshold' of pass 0 must be a finite number, got 1000"),
    (_set_params("threshold", 10 ** 400), r"its parameters are invalid \(threshold=1000.* must be finite\)"),
    (_set_params("threshold", [1, -10 ** 400]), r"its parameters are invalid \(threshold=\[1, -1000.* must be finite"),
    (_set_pass("total_words", -1), r"field 'total_words' of pass 0 must be an integer from 0 to"),
    (_set_pass("vocabulary_size", -7), r"field 'vocabulary_size' of pass 0 must be an integer from 0 to"),
    (_set_pass("total_words", 2 ** 64), r"field 'total_words' of pass 0 must be an integer from 0 to"),
    (_repeat_first_row, r"pass 0 lists the phrase 'bank of america' twice"),
    (_no_pass, r"header field 'passes' lists no pass"),
    (_connector_first, r"a phrase starts or ends with a connector word"),
])
def test_load_refuses_what_no_saved_model_holds(tmp_path, damage, match):
    # each of these loaded, and phrased text with a phrase no text holds, or reported NaN scores,
    # negative counts or a NaN threshold as the model's
    path = _tampered(tmp_path, damage)
    with pytest.raises(ModelFormatError, match=match) as info:
        Phrases.load(path)
    message = str(info.value)
    assert "\n" not in message and "tampered.npz" in message and "is damaged" in message


def test_the_tampered_model_helper_loads_untouched():
    # the damage above is all that makes those files fail
    import tempfile
    from pathlib import Path

    with tempfile.TemporaryDirectory() as folder:
        model = Phrases.load(_tampered(Path(folder), lambda meta, arrays: None))
    assert model[["bank", "of", "america", "new", "york", "city"]] == ["bank_of_america", "new_york_city"]
    assert model.phrase_table()[0][0] == "bank_of_america"


def test_a_saved_model_of_a_real_text_loads_whatever_its_tokens_hold(tmp_path):
    # the whitespace tokenizer cuts at ASCII white space only: a no-break space, U+3000, a file
    # separator or a NUL stays inside a token, and such tokens make phrases a file must keep
    rng = random.Random(11)
    odd = ["is\u00a0big", "a\u3000b", "x\x1cy", "nul\x00l", "C++", "Éva", "don't", "日本"]
    fillers = [f"w{i}" for i in range(30)] + odd
    lines = []
    for _ in range(600):
        words = rng.choices(fillers, k=rng.randint(2, 9))
        k = rng.randrange(len(words) + 1)
        words[k:k] = rng.choice([["New", "York"], ["bank", "of", "the", "West"], ["is\u00a0big", "a\u3000b"],
                                 ["x\x1cy", "nul\x00l"], ["C++", "Éva", "日本"]])
        lines.append(" ".join(words))
    path = tmp_path / "real.txt"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    for scoring, threshold, tokenizer in (("word2phrase", [20.0, 10.0], Tokenizer.whitespace()),
                                          ("gensim", [2.0, 1.0], Tokenizer.whitespace()),
                                          ("npmi", [0.3], Tokenizer.whitespace()),
                                          ("gensim", [2.0, 1.0], Tokenizer())):
        model = Phrases(min_count=3, threshold=threshold, scoring=scoring, connector_words="english")
        model.fit(LineCorpus(path, tokenizer=tokenizer))
        model.save(tmp_path / "m.npz")
        loaded = Phrases.load(tmp_path / "m.npz")
        assert loaded.phrase_table() == model.phrase_table() and len(model.phrase_table()) > 3
        assert loaded.tokenizer_ == tokenizer.name
        text = LineCorpus(path, tokenizer=tokenizer)
        assert list(loaded.transform(text)) == list(model.transform(text))
        if tokenizer.name == "whitespace":
            phrases = {p for p, _, _ in loaded.phrase_table()}
            assert {"is\u00a0big_a\u3000b", "x\x1cy_nul\x00l"} & phrases, (scoring, sorted(phrases)[:20])


def test_save_refuses_a_phrase_word_no_text_can_hold(tmp_path):
    # tokens from token lists may be anything; a phrase model is applied to text, whose tokens are
    # never empty and never hold white space, and its file refuses such words: save says so first
    model = Phrases(min_count=1, threshold=0.1, scoring="gensim").fit([["new york", "city", "hall"]] * 4)
    assert model[["new york", "city"]] == ["new york_city"]        # used in memory as before
    with pytest.raises(ModelFormatError, match=r"'new york'.*white space") as info:
        model.save(tmp_path / "m.npz")
    assert "\n" not in str(info.value) and not (tmp_path / "m.npz").exists()
    empty = Phrases(min_count=1, threshold=0.1, scoring="gensim").fit([["", "city"]] * 4)
    with pytest.raises(ModelFormatError, match=r"''.*white space"):
        empty.save(tmp_path / "m.npz")
    assert not (tmp_path / "m.npz").exists()

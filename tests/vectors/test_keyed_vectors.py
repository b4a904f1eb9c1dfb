"""KeyedVectors: container behaviour and queries against known answers and brute-force loops."""
from __future__ import annotations

import math

import numpy as np
import pytest

from w2v import KeyedVectors
from w2v.errors import UnknownWordError, W2VError
from w2v.vectors import QueryError


def _cos(u, v) -> float:
    u, v = np.asarray(u, np.float64), np.asarray(v, np.float64)
    return float(u @ v / (np.linalg.norm(u) * np.linalg.norm(v)))


def _unit(v):
    v = np.asarray(v, np.float64)
    return v / np.linalg.norm(v)


# ---------------------------------------------------------------- container

def test_container_basics(hand_kv):
    assert len(hand_kv) == 10 and hand_kv.dim == 5
    assert "queen" in hand_kv and "emperor" not in hand_kv
    assert hand_kv.index_of("king") == 3
    assert hand_kv.vectors.dtype == np.float32 and hand_kv.vectors.shape == (10, 5)
    np.testing.assert_array_equal(hand_kv.vector("king"), [1, 1, 0, 0, 0])
    np.testing.assert_allclose(hand_kv.vector("king", norm=True), [0.70710678, 0.70710678, 0, 0, 0], rtol=1e-6)
    np.testing.assert_array_equal(hand_kv["cat"], hand_kv.vector("cat"))
    assert hand_kv.counts.dtype == np.int64 and hand_kv.counts[0] == 100
    assert "words=10" in repr(hand_kv)


def test_unit_matrix_cached_and_invalidated(hand_kv):
    first = hand_kv.unit_vectors
    assert hand_kv.unit_vectors is first
    np.testing.assert_allclose(np.linalg.norm(first, axis=1), 1.0, rtol=1e-6)
    new = hand_kv.vectors.copy()
    new[hand_kv.index_of("cat")] = [1, 0, 0, 0, 0]
    hand_kv.vectors = new
    assert hand_kv.unit_vectors is not first
    np.testing.assert_allclose(hand_kv.vector("cat", norm=True), [1, 0, 0, 0, 0])
    hand_kv.vectors[hand_kv.index_of("cat")] = [0, 2, 0, 0, 0]  # in-place edit, then explicit clear
    hand_kv.clear_cache()
    np.testing.assert_allclose(hand_kv.vector("cat", norm=True), [0, 1, 0, 0, 0])


def test_zero_vector_does_not_produce_nan():
    kv = KeyedVectors(["a", "b", "c"], [[0, 0], [1, 0], [0, 1]])
    assert np.isfinite(kv.unit_vectors).all()
    assert kv.similarity("a", "b") == 0.0


def test_duplicate_word_resolves_to_first_row():
    kv = KeyedVectors(["a", "b", "a"], [[1, 0], [0, 1], [5, 5]])
    assert kv.index_of("a") == 0


def test_a_repeated_words_later_rows_are_never_answers():
    # the later "a" row can never be asked for by name; as an answer it would be the query itself
    kv = KeyedVectors(["a", "b", "a", "c"], [[1, 0], [0, 1], [1, 0.1], [1, 1]])
    assert [w for w, _ in kv.most_similar("a", topn=3)] == ["c", "b"]
    assert [w for w, _ in kv.similar_by_vector(np.array([1.0, 0.0]), topn=3)] == ["a", "c", "b"]
    assert "a" not in [w for w, _ in kv.most_similar(positive=["b", "c"], negative=["a"], topn=3)]


def test_shape_mismatch_is_a_user_error():
    with pytest.raises(W2VError, match="one row per word"):
        KeyedVectors(["a", "b"], np.zeros((3, 2)))
    with pytest.raises(W2VError, match="counts"):
        KeyedVectors(["a", "b"], np.zeros((2, 2)), counts=[1])


@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
def test_non_finite_vectors_are_refused_naming_the_first_bad_word(tmp_path, bad):
    # NaN or an infinity would give silent wrong answers (doesnt_match's argmin, rank, n_similarity)
    # and a saved file the loaders refuse as corrupt
    vectors = np.ones((4, 3))
    vectors[2, 1] = bad
    vectors[3, 0] = bad
    with pytest.raises(QueryError, match=r"'c' \(row 3, vectors\[2\]\) is not finite \(NaN or infinity\)") as err:
        KeyedVectors(list("abcd"), vectors)
    assert "\n" not in str(err.value)
    kv = KeyedVectors(list("abcd"), np.ones((4, 3)))
    with pytest.raises(QueryError, match="'c'"):
        kv.vectors = vectors
    assert np.isfinite(kv.vectors).all()  # the refused matrix did not replace the old one
    kv.vectors[2, 1] = bad  # edited in place: refused when saved, not written as a file no reader takes
    for name in ("v.npz", "v.txt"):
        with pytest.raises(QueryError, match="'c'.*not finite.*nothing was written"):
            kv.save(tmp_path / name)
        assert not (tmp_path / name).exists()


def test_a_value_beyond_float32s_range_is_named_as_such(recwarn):
    with pytest.raises(QueryError, match=r"'b' \(row 2, vectors\[1\]\) holds a value beyond float32's range"):
        KeyedVectors(["a", "b"], np.array([[1.0, 2.0], [1e39, 0.0]]))
    assert not [w for w in recwarn if "overflow" in str(w.message)]  # no numpy warning before the error


def test_unknown_word_is_keyerror_with_suggestions(hand_kv):
    with pytest.raises(KeyError) as info:
        hand_kv.most_similar("qeen")
    err = info.value
    assert isinstance(err, UnknownWordError) and err.word == "qeen"
    assert err.suggestions[0] == "queen"
    assert "'qeen'" in str(err) and "did you mean 'queen'" in str(err)
    with pytest.raises(UnknownWordError) as info:
        hand_kv.similarity("King", "queen")
    assert info.value.suggestions[0] == "king"  # case variant first
    with pytest.raises(UnknownWordError) as info:
        hand_kv.vector("zzzzzzzz")
    assert info.value.suggestions == []


def test_suggestions_on_a_million_words():
    kv = KeyedVectors([f"word{i}" for i in range(1_000_000)], np.zeros((1_000_000, 1), np.float32))
    assert "word12345" in kv.suggest("word12345x")
    assert kv.suggest("wrd77")[0] == "word77"


# ---------------------------------------------------------------- known answers

def test_most_similar_known_answers(hand_kv):
    result = hand_kv.most_similar("king", topn=3)
    assert [w for w, _ in result][0] == "prince"
    assert result[0][1] == pytest.approx(_cos(hand_kv["king"], hand_kv["prince"]), abs=1e-6)
    assert "king" not in [w for w, _ in hand_kv.most_similar("king", topn=9)]
    assert len(hand_kv.most_similar("king", topn=100)) == 9  # everything but the query
    sims = [s for _, s in hand_kv.most_similar("cat", topn=9)]
    assert sims == sorted(sims, reverse=True)


def test_analogy_known_answer(hand_kv):
    assert hand_kv.analogy("man", "king", "woman", topn=1)[0][0] == "queen"
    assert hand_kv.analogy("man", "king", "woman", method="mul", topn=1)[0][0] == "queen"
    assert hand_kv.most_similar(positive=["king", "woman"], negative=["man"], topn=1)[0][0] == "queen"
    expected = _cos(hand_kv["queen"], _unit(hand_kv["king"]) + _unit(hand_kv["woman"]) - _unit(hand_kv["man"]))
    assert hand_kv.analogy("man", "king", "woman")[0][1] == pytest.approx(expected, abs=1e-6)
    with pytest.raises(W2VError, match="'add' or 'mul'"):
        hand_kv.analogy("man", "king", "woman", method="div")


def test_similarity_and_doesnt_match(hand_kv):
    assert hand_kv.similarity("king", "queen") == pytest.approx(0.5, abs=1e-6)
    assert hand_kv.similarity("cat", "cat") == pytest.approx(1.0, abs=1e-6)
    assert hand_kv.doesnt_match(["king", "queen", "prince", "cat"]) == "cat"
    assert hand_kv.doesnt_match(["cat", "dog", "paris"]) == "paris"


def test_similar_by_vector_keeps_every_word(hand_kv):
    result = hand_kv.similar_by_vector(np.array([0, 0, 0, 1, 0], np.float32), topn=2)
    assert [w for w, _ in result] == ["paris", "rome"]
    assert result[0][1] == pytest.approx(1.0)
    with pytest.raises(W2VError, match="shape"):
        hand_kv.similar_by_vector(np.zeros(3))


def test_restrict_vocab_means_n_most_frequent_everywhere(hand_kv):
    # prince is word 5; with N=5 it can no longer be an answer, for any query method
    n = 5
    assert all(hand_kv.index_of(w) < n for w, _ in hand_kv.most_similar("king", topn=10, restrict_vocab=n))
    assert hand_kv.most_similar("king", topn=1, restrict_vocab=n)[0][0] != "prince"
    for result in (hand_kv.most_similar_cosmul("king", topn=10, restrict_vocab=n),
                   hand_kv.analogy("man", "king", "woman", method="mul", restrict_vocab=n),
                   hand_kv.similar_by_vector(hand_kv["prince"], restrict_vocab=n)):
        assert result and all(hand_kv.index_of(w) < n for w, _ in result)
    # query words may come from outside the N searched words
    assert hand_kv.most_similar("dog", topn=1, restrict_vocab=3)[0][0] in ("the", "man", "woman")
    assert len(hand_kv.most_similar("king", topn=None, restrict_vocab=4)) == 4
    for bad in (0, -3, 2.5, True):
        with pytest.raises(W2VError, match="restrict_vocab"):
            hand_kv.most_similar("king", restrict_vocab=bad)


def test_bad_query_values(hand_kv):
    with pytest.raises(W2VError, match="at least one"):
        hand_kv.most_similar()
    with pytest.raises(QueryError, match="topn"):
        hand_kv.most_similar("king", topn=0)
    with pytest.raises(W2VError):
        hand_kv.doesnt_match([])


# ---------------------------------------------------------------- brute force on random vectors

def _brute_add(kv, positive, negative, restrict):
    mean = sum(_unit(kv[w]) for w in positive) - sum(_unit(kv[w]) for w in negative)
    scored = [(_cos(kv.vectors[i], mean), kv.words[i]) for i in range(restrict)
              if kv.words[i] not in positive + negative]
    return sorted(scored, reverse=True)


def _brute_mul(kv, positive, negative, restrict):
    scored = []
    for i in range(restrict):
        w = kv.words[i]
        if w in positive + negative:
            continue
        num = math.prod((1 + _cos(kv.vectors[i], kv[p])) / 2 for p in positive)
        den = math.prod((1 + _cos(kv.vectors[i], kv[n])) / 2 for n in negative)
        scored.append((num / (den + 1e-6), w))
    return sorted(scored, reverse=True)


@pytest.mark.parametrize("restrict", [None, 120])
def test_3cosadd_and_3cosmul_match_brute_force(random_kv, restrict):
    rng = np.random.default_rng(7)
    n = restrict or len(random_kv)
    for _ in range(15):
        a, b, c = (random_kv.words[i] for i in rng.choice(len(random_kv), 3, replace=False))
        for method, brute in (("add", _brute_add), ("mul", _brute_mul)):
            got = random_kv.analogy(a, b, c, method=method, topn=5, restrict_vocab=restrict)
            want = brute(random_kv, [b, c], [a], n)[:5]
            assert [w for w, _ in got] == [w for _, w in want]
            np.testing.assert_allclose([s for _, s in got], [s for s, _ in want], rtol=1e-5, atol=1e-6)


def test_multi_word_most_similar_matches_brute_force(random_kv):
    got = random_kv.most_similar(positive=["w1", "w2", "w3"], negative=["w4"], topn=7)
    want = _brute_add(random_kv, ["w1", "w2", "w3"], ["w4"], len(random_kv))[:7]
    assert [w for w, _ in got] == [w for _, w in want]
    got = random_kv.most_similar_cosmul(positive=["w1", "w2"], negative=["w4", "w5"], topn=7)
    want = _brute_mul(random_kv, ["w1", "w2"], ["w4", "w5"], len(random_kv))[:7]
    assert [w for w, _ in got] == [w for _, w in want]


def test_loading_scans_the_rows_for_nan_once(tmp_path, monkeypatch):
    # the reader checks every row; the constructor's check read a large file a second time
    import w2v.vectors as vectors_module
    import w2v.vectors_io as io_module
    from w2v.finite import first_non_finite

    path = tmp_path / "v.npz"
    KeyedVectors(["a", "b"], np.ones((2, 3), np.float32)).save(path)
    scans = []

    def counted(values, *args):
        scans.append(values.shape)
        return first_non_finite(values, *args)

    for module in (vectors_module, io_module):
        monkeypatch.setattr(module, "first_non_finite", counted)
    for mmap in (False, True):
        scans.clear()
        assert KeyedVectors.load(path, mmap=mmap).words == ["a", "b"]
        assert scans == [(2, 3)]


@pytest.mark.parametrize("bad", [np.nan, np.inf])
def test_every_query_refuses_a_word_whose_vector_was_made_non_finite_in_place(hand_kv, bad):
    # similarity and most_similar refused such a word; rank said 1 (nearest), doesnt_match picked
    # the first word and n_similarity said 0.0, all silently
    hand_kv.vectors[hand_kv.index["queen"], 1] = bad
    hand_kv.clear_cache()
    for query in (lambda: hand_kv.rank("king", "queen"), lambda: hand_kv.rank("queen", "king"),
                  lambda: hand_kv.doesnt_match(["king", "queen", "cat"]),
                  lambda: hand_kv.n_similarity(["king", "queen"], ["man"]),
                  lambda: hand_kv.n_similarity(["man"], ["queen"]),
                  lambda: hand_kv.similarity("queen", "king"), lambda: hand_kv.distance("king", "queen")):
        with pytest.raises(QueryError, match="'queen' is not finite"):
            query()
    # elsewhere it is only never an answer or never closer
    assert hand_kv.rank("king", "prince") == 1
    assert hand_kv.doesnt_match(["king", "prince", "cat"]) == "cat"
    assert "queen" not in [w for w, _ in hand_kv.most_similar("king", topn=10)]


@pytest.mark.parametrize("scale", [1e30, 1e-30, 1e-40])
def test_a_query_vector_of_any_finite_length_is_normalised_exactly(random_kv, scale):
    # its length was taken in float32: 1e30 times a word's vector overflowed to an infinite length
    # (every similarity 0.0, the answers arbitrary words), 1e-30 times underflowed to 0 (similarities
    # of 1e-30 in place of cosines, 3CosMul's answers arbitrary)
    v = random_kv["w3"]
    tiny_or_huge = (v.astype(np.float64) * scale).astype(np.float32)
    assert np.isfinite(tiny_or_huge).all() and tiny_or_huge.any()
    want = random_kv.similar_by_vector(v, topn=5)
    for got in (random_kv.similar_by_vector(tiny_or_huge, topn=5),
                random_kv.most_similar([tiny_or_huge], topn=5)):
        assert [w for w, _ in got] == [w for w, _ in want] and got[0] == ("w3", pytest.approx(1.0, abs=1e-4))
        np.testing.assert_allclose([s for _, s in got], [s for _, s in want], rtol=1e-4, atol=1e-4)
    want = random_kv.most_similar_cosmul([v], topn=5)
    got = random_kv.most_similar_cosmul([tiny_or_huge], topn=5)
    assert [w for w, _ in got] == [w for w, _ in want]


@pytest.mark.parametrize("weight", [1e30, 1e-30, 1e-300])
def test_a_huge_or_tiny_weight_gives_the_direction_of_its_word(random_kv, weight):
    want = random_kv.most_similar("w3", topn=5)
    got = random_kv.most_similar([("w3", weight)], topn=5)
    assert [w for w, _ in got] == [w for w, _ in want]
    np.testing.assert_allclose([s for _, s in got], [s for _, s in want], rtol=1e-5)


@pytest.mark.parametrize("term", [("king", 2.0), ["a", "b", "c", "d", "e"], {"king": 1}, object(),
                                  1j * np.ones(5)], ids=["pair", "strings", "dict", "object", "complex"])
def test_a_query_term_that_is_neither_word_nor_real_vector_is_a_query_error(hand_kv, term):
    # a (word, weight) pair given to most_similar_cosmul (only most_similar takes weights) was numpy's
    # "could not convert string to float: 'king'"; a complex vector silently lost its imaginary part
    for query in (lambda: hand_kv.most_similar_cosmul([term]), lambda: hand_kv.similar_by_vector(term)):
        with pytest.raises(QueryError, match="a word or a vector of 5 real numbers"):
            query()

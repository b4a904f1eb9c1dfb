"""KeyedVectors under gensim's names, each held against a plain numpy computation, and
``save`` choosing the format from the file name."""
from __future__ import annotations

import numpy as np
import pytest

from w2v.errors import ModelFormatError, UnknownWordError
from w2v.vectors import KeyedVectors, QueryError
from w2v.vectors_io import detect_format


def _cos(u, v) -> float:
    u, v = np.asarray(u, np.float64), np.asarray(v, np.float64)
    return float(u @ v / (np.linalg.norm(u) * np.linalg.norm(v)))


@pytest.mark.parametrize("name, fmt", [("v.bin", "binary"), ("v.BIN", "binary"), ("v.txt", "text"),
                                       ("v.vec", "text"), ("v.npz", "native"), ("vectors", "native"),
                                       ("v.model", "native")])
def test_save_picks_the_format_from_the_extension(tmp_path, random_kv, name, fmt):
    random_kv.save(tmp_path / name)
    assert detect_format(tmp_path / name) == fmt
    back = KeyedVectors.load(tmp_path / name)
    np.testing.assert_array_equal(back.vectors, random_kv.vectors)


def test_explicit_format_wins_over_the_extension(tmp_path, random_kv):
    random_kv.save(tmp_path / "v.txt", format="binary")
    assert detect_format(tmp_path / "v.txt") == "binary"


@pytest.mark.parametrize("name", ["v.txt.gz", "v.bin.bz2", "v.xz"])
def test_compressed_names_are_refused_not_written_plain(tmp_path, random_kv, name):
    with pytest.raises(ModelFormatError, match="compress"):
        random_kv.save(tmp_path / name)
    assert list(tmp_path.iterdir()) == []


def test_text_and_binary_by_extension_are_word2vec_c_layouts(tmp_path, hand_kv):
    hand_kv.save(tmp_path / "v.txt")
    first = (tmp_path / "v.txt").read_bytes().split(b"\n")[:2]
    assert first[0] == f"{len(hand_kv)} {hand_kv.dim}".encode()
    assert first[1].startswith(b"the 0.1")
    hand_kv.save(tmp_path / "v.bin")
    assert (tmp_path / "v.bin").stat().st_size == len(f"{len(hand_kv)} {hand_kv.dim}\n") + sum(
        len(w.encode()) + 2 + 4 * hand_kv.dim for w in hand_kv.words)


def test_read_only_aliases(random_kv):
    kv = random_kv
    assert kv.vector_size == kv.dim == 16
    assert kv.index_to_key is kv.words
    assert kv.key_to_index["w7"] == 7 and "w299" in kv.key_to_index and len(kv.key_to_index) == 300
    with pytest.raises(TypeError):
        kv.key_to_index["new"] = 1  # a view: the index cannot be corrupted through it
    for name in ("vector_size", "key_to_index", "index_to_key"):
        with pytest.raises(AttributeError):
            setattr(kv, name, None)
    np.testing.assert_array_equal(kv.get_vector("w3"), kv.vectors[3])
    np.testing.assert_allclose(kv.get_vector("w3", norm=True), kv.vectors[3] / np.linalg.norm(kv.vectors[3]),
                               rtol=1e-6)
    normed = kv.get_normed_vectors()
    np.testing.assert_allclose(normed, kv.vectors / np.linalg.norm(kv.vectors, axis=1, keepdims=True), rtol=1e-6)


def test_similar_by_word_and_distance(random_kv):
    kv = random_kv
    assert kv.similar_by_word("w5", topn=4) == kv.most_similar("w5", topn=4)
    assert kv.similar_by_word("w5", topn=3, restrict_vocab=50) == kv.most_similar("w5", topn=3, restrict_vocab=50)
    assert kv.distance("w1", "w2") == pytest.approx(1 - _cos(kv.vectors[1], kv.vectors[2]), abs=1e-6)
    assert kv.distance("w1", "w1") == pytest.approx(0, abs=1e-6)


def test_n_similarity_is_the_cosine_of_the_raw_means(random_kv):
    kv = random_kv
    expected = _cos(kv.vectors[[1, 2, 3]].mean(axis=0), kv.vectors[[4, 9]].mean(axis=0))
    assert kv.n_similarity(["w1", "w2", "w3"], ["w4", "w9"]) == pytest.approx(expected, abs=1e-6)
    assert kv.n_similarity(["w1"], ["w2"]) == pytest.approx(kv.similarity("w1", "w2"), abs=1e-6)
    with pytest.raises(QueryError):
        kv.n_similarity([], ["w1"])
    with pytest.raises(QueryError):
        kv.n_similarity("w1", ["w2"])  # a string is not a list of words
    with pytest.raises(UnknownWordError):
        kv.n_similarity(["nope"], ["w2"])


def test_rank_counts_strictly_closer_words(random_kv):
    kv = random_kv
    for a, b in [("w0", "w1"), ("w10", "w200"), ("w5", "w5")]:
        sims = [(_cos(kv.vectors[kv.index[a]], kv.vectors[i]), w) for i, w in enumerate(kv.words) if w != a]
        target = 1.0 if a == b else _cos(kv.vectors[kv.index[a]], kv.vectors[kv.index[b]])
        expected = 1 + sum(s > target + 1e-6 for s, _ in sims)
        assert kv.rank(a, b) == expected
    nearest = kv.most_similar("w0", topn=1)[0][0]
    assert kv.rank("w0", nearest) == 1
    farthest = kv.most_similar("w0", topn=None).argmin()
    assert kv.rank("w0", kv.words[farthest]) == len(kv) - 1


def _gensim_weighted(kv, pairs, topn):
    """gensim 4's most_similar for (word, weight) pairs, written out: the weighted unit vectors
    summed and divided by the summed |weights|, normalised; cosines with every unit row; the
    query words left out."""
    unit = kv.vectors.astype(np.float64)
    unit /= np.linalg.norm(unit, axis=1, keepdims=True)
    mean = sum(w * unit[kv.index[word]] for word, w in pairs) / sum(abs(w) for _, w in pairs)
    mean /= np.linalg.norm(mean)
    cosines = unit @ mean
    ranked = [i for i in np.argsort(-cosines) if kv.words[i] not in {word for word, _ in pairs}]
    return [(kv.words[i], cosines[i]) for i in ranked[:topn]]


def test_most_similar_takes_word_weight_pairs_as_gensim(random_kv):
    kv = random_kv
    # a pair's weight is used as given, in negative too (gensim: only a bare word there weighs -1)
    got = kv.most_similar(positive=[("w1", 2.0), "w2"], negative=["w3", ("w4", 0.5), ("w5", -1.5)], topn=8)
    expected = _gensim_weighted(kv, [("w1", 2.0), ("w2", 1.0), ("w3", -1.0), ("w4", 0.5), ("w5", -1.5)], 8)
    assert [w for w, _ in got] == [w for w, _ in expected]
    np.testing.assert_allclose([s for _, s in got], [s for _, s in expected], atol=1e-5)
    # weight 1 in positive and -1 in negative are the bare words
    assert kv.most_similar([("w1", 1.0)], [("w3", -1)], topn=5) == kv.most_similar(["w1"], ["w3"], topn=5)
    # a raw vector may carry a weight too; a 2-tuple of numbers is still a raw vector of dim 2
    assert kv.most_similar([(kv.vectors[7], 1.0)], topn=3) == kv.similar_by_vector(kv.vectors[7], topn=3)
    tiny = KeyedVectors(["a", "b", "c"], [[1, 0], [0, 1], [1, 1]])
    assert tiny.most_similar([(0.0, 1.0)], topn=1)[0][0] == "b"


@pytest.mark.parametrize("weight", ["2", None, float("nan"), float("inf"), True])
def test_a_weight_that_is_not_a_finite_number_is_a_query_error(random_kv, weight):
    with pytest.raises(QueryError, match="weight") as err:
        random_kv.most_similar(positive=[("w1", weight)])
    assert "\n" not in str(err.value)


def test_rank_leaves_out_a_repeated_words_later_rows():
    # the second "x" row is closer to "y" than "z" is, but "x" resolves to its first row and the
    # later one is never an answer: "z" is y's nearest neighbour, as most_similar says
    kv = KeyedVectors(["x", "y", "z", "x"], [[1, 0], [0, 1], [.6, .8], [.1, 1]])
    neighbours = [w for w, _ in kv.most_similar("y", topn=10)]
    assert neighbours == ["z", "x"]
    assert kv.rank("y", "z") == 1
    assert kv.rank("y", "x") == 2
    assert kv.rank("z", "x") == 2  # the later "x" row is not counted as closer than the first

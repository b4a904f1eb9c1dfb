"""Word classes: cosine k-means held against planted groups, a slow reference and word2vec.c's rule."""
from __future__ import annotations

import json

import numpy as np
import pytest
import scipy.sparse

from w2v.clusters import (ClusteringError, assign, class_means, cluster_vectors, read_classes,
                          spherical_kmeans)
from w2v.vectors import KeyedVectors


def planted(groups=6, per_group=40, dim=24, noise=0.15, seed=0):
    """Vectors around ``groups`` random directions, shuffled; returns (kv, true group per word)."""
    rng = np.random.default_rng(seed)
    centres = rng.normal(size=(groups, dim))
    truth = rng.permutation(np.repeat(np.arange(groups), per_group))
    vectors = centres[truth] + noise * np.linalg.norm(centres, axis=1).mean() / np.sqrt(dim) \
        * rng.normal(size=(len(truth), dim))
    # lengths vary as word2vec's do: k-means must look at directions only
    vectors *= rng.uniform(0.2, 5.0, size=(len(truth), 1))
    return KeyedVectors([f"w{i}" for i in range(len(truth))], vectors), truth


def same_partition(a, b) -> bool:
    pairs = set(zip(a.tolist(), b.tolist()))
    return len(pairs) == len(set(a.tolist())) == len(set(b.tolist()))


def word2vec_c_rule(raw, k, iterations=10):
    """word2vec.c's -classes loop written out word by word (class i starts with word i mod k)."""
    labels = [i % k for i in range(len(raw))]
    for _ in range(iterations):
        cent = np.zeros((k, raw.shape[1]))
        for word, c in enumerate(labels):
            cent[c] += raw[word]
        norms = np.linalg.norm(cent, axis=1)
        for word in range(len(raw)):
            scores = np.where(norms > 0, cent @ raw[word] / np.where(norms > 0, norms, 1.0), -np.inf)
            labels[word] = int(np.argmax(scores))  # first of equal scores, as C's strict ">"
    return np.array(labels)


def objective(unit, labels, k):
    """Mean cosine to the normalised mean of the own class (slow loop)."""
    total = 0.0
    for c in range(k):
        rows = unit[labels == c]
        if len(rows):
            centre = rows.sum(axis=0)
            centre /= np.linalg.norm(centre)
            total += float((rows @ centre).sum())
    return total / len(unit)


def test_planted_groups_are_recovered():
    kv, truth = planted()
    classes = cluster_vectors(kv, 6, seed=3)
    assert same_partition(classes.labels, truth)
    assert classes.k == 6 and classes.labels.dtype == np.int32
    assert classes.iterations < 10  # stopped once no word moved


def test_same_seed_same_classes_and_different_seed_same_groups():
    kv, truth = planted(seed=1)
    a, b = cluster_vectors(kv, 6, seed=7), cluster_vectors(kv, 6, seed=7)
    np.testing.assert_array_equal(a.labels, b.labels)
    np.testing.assert_array_equal(a.centroids, b.centroids)
    c = cluster_vectors(kv, 6, seed=8)
    assert same_partition(c.labels, truth)


def test_assign_and_means_match_a_slow_reference():
    rng = np.random.default_rng(5)
    unit = rng.normal(size=(50, 7)).astype(np.float32)
    unit /= np.linalg.norm(unit, axis=1, keepdims=True)
    centroids = unit[[3, 17, 30]]
    labels, best = assign(unit, centroids)
    for i, row in enumerate(unit):
        scores = [float(row @ c) for c in centroids]
        assert labels[i] == int(np.argmax(scores))
        assert best[i] == pytest.approx(max(scores), abs=1e-6)
    means = class_means(unit, labels.copy(), 3)
    for c in range(3):
        expected = unit[labels == c].astype(np.float64).sum(axis=0)
        np.testing.assert_allclose(means[c], expected / np.linalg.norm(expected), atol=1e-6)


def test_objective_never_falls_with_more_iterations_and_is_reported_right():
    kv, _ = planted(groups=12, per_group=15, noise=1.0, seed=2)
    unit = kv.unit_vectors
    values = []
    for iterations in range(1, 7):
        classes = cluster_vectors(kv, 8, iterations=iterations, seed=4)
        assert classes.mean_similarity == pytest.approx(objective(unit, classes.labels, 8), abs=1e-5)
        values.append(classes.mean_similarity)
    assert all(b >= a - 1e-6 for a, b in zip(values, values[1:]))


def test_better_than_word2vec_c_rule_on_overlapping_groups():
    # 15 noisy groups into 10 classes: no partition is obvious, so seeding and empty classes matter
    ours, theirs = [], []
    for seed in range(6):
        kv, _ = planted(groups=15, per_group=16, noise=1.0, seed=seed)
        ours.append(cluster_vectors(kv, 10, seed=1).mean_similarity)
        theirs.append(objective(kv.unit_vectors, word2vec_c_rule(kv.vectors.astype(np.float64), 10), 10))
    assert np.mean(ours) > np.mean(theirs)
    assert sum(a >= b for a, b in zip(ours, theirs)) >= 4


def test_the_comparison_script_reference_is_word2vec_c_rule():
    import importlib.util
    from pathlib import Path

    spec = importlib.util.spec_from_file_location(
        "compare_classes", Path(__file__).parents[2] / "scripts" / "compare_classes.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    rng = np.random.default_rng(3)
    raw = rng.normal(size=(90, 6)).astype(np.float32)
    np.testing.assert_array_equal(module.word2vec_c_classes(raw, 7, 4), word2vec_c_rule(raw.astype(np.float64), 7, 4))


def test_restrict_vocab_clusters_the_most_frequent_words_only():
    kv, _ = planted()
    classes = cluster_vectors(kv, 4, restrict_vocab=50)
    assert classes.words == kv.words[:50] and len(classes.labels) == 50


def test_no_class_is_left_empty_even_for_identical_vectors():
    kv = KeyedVectors([f"w{i}" for i in range(10)], np.ones((10, 3)))
    classes = cluster_vectors(kv, 3)
    assert (classes.sizes >= 1).all() and classes.sizes.sum() == 10


@pytest.mark.parametrize("rows, k", [([[1, 0]] + [[0, 1]] * 4, 3), ([[1, 0]] * 2, 2), ([[0, 0]] * 3 + [[1, 1]], 4)],
                         ids=["two-directions-three-classes", "identical-pair", "zero-rows"])
def test_fewer_directions_than_classes_gives_k_classes_and_settles(rows, k):
    # the repair of empty classes recursed for ever (RecursionError) when it emptied the class it took
    # a word from, and edited the labels the loop compared, so identical vectors never settled
    kv = KeyedVectors([f"w{i}" for i in range(len(rows))], rows)
    classes = cluster_vectors(kv, k, iterations=1000)
    assert classes.k == k and (classes.sizes >= 1).all() and classes.sizes.sum() == len(rows)
    assert classes.iterations <= 3  # the assignments repeat at once: nothing changes after that
    # the centroids are those of the final classes (zero for a class of zero rows)
    for c in range(k):
        total = kv.unit_vectors[classes.labels == c].astype(np.float64).sum(axis=0)
        norm = np.linalg.norm(total)
        np.testing.assert_allclose(classes.centroids[c], total / norm if norm else total, atol=1e-6)


@pytest.mark.parametrize("k", [0, 11, 2.5, True])
def test_impossible_k_is_a_one_line_error(k):
    kv = KeyedVectors([f"w{i}" for i in range(10)], np.eye(10))
    with pytest.raises(ClusteringError) as err:
        cluster_vectors(kv, k)
    assert "\n" not in str(err.value)


def test_classes_file_is_word2vec_c_format_in_vocabulary_order(tmp_path):
    kv, truth = planted(groups=3, per_group=5)
    classes = cluster_vectors(kv, 3)
    path = tmp_path / "classes.txt"
    classes.save(path)
    lines = path.read_text().splitlines()
    assert [line.split(" ")[0] for line in lines] == kv.words
    assert all(len(line.split(" ")) == 2 for line in lines)
    assert [int(line.split(" ")[1]) for line in lines] == classes.labels.tolist()
    assert read_classes(path) == dict(zip(kv.words, classes.labels.tolist()))


def test_classes_file_of_words_with_unicode_spaces_reads_back(tmp_path):
    # a no-break space is part of a word, as in the vector files; read_classes split words on it
    words = ["new\u00a0york", "b\u2003c", "d\u3000", "e"]
    kv = KeyedVectors(words, [[1, 0], [0, 1], [0.5, 0.5], [1, 0.1]])
    classes = cluster_vectors(kv, 2)
    path = tmp_path / "classes.txt"
    classes.save(path)
    assert read_classes(path) == dict(zip(words, classes.labels.tolist()))


def test_classes_file_of_words_with_lone_surrogates_reads_back(tmp_path):
    # a UnicodeEncodeError traceback; now the bytes the vector files hold for such a word
    words = ["\udcff", "b\ud800", "c", "d"]
    kv = KeyedVectors(words, [[1, 0], [0, 1], [0.5, 0.5], [1, 0.1]])
    classes = cluster_vectors(kv, 2)
    path = tmp_path / "classes.txt"
    classes.save(path)
    assert path.read_bytes().startswith(b"\xed\xb3\xbf %d\nb\xed\xa0\x80 " % classes.labels[0])
    assert read_classes(path) == dict(zip(words, classes.labels.tolist()))
    assert "".join(classes.lines()).encode("utf-8", "surrogatepass") == path.read_bytes()
    classes.save(tmp_path / "classes.json", format="json")  # JSON's escape, read back as the word
    document = json.loads((tmp_path / "classes.json").read_bytes().decode("utf-8"))
    assert {w["word"] for c in document["classes"] for w in c["central_words"]} == set(words)


@pytest.mark.parametrize("word", ["a b", "a\tb", "a\nb", ""], ids=["space", "tab", "newline", "empty"])
def test_classes_file_refuses_a_word_it_cannot_hold(tmp_path, word):
    kv = KeyedVectors(["x", word, "y"], [[1, 0], [0, 1], [0.5, 0.5]])
    classes = cluster_vectors(kv, 2)
    path = tmp_path / "classes.txt"
    with pytest.raises(ClusteringError, match="cannot store") as err:
        classes.save(path)
    assert "\n" not in str(err.value) and repr(word) in str(err.value)
    assert not path.exists()
    with pytest.raises(ClusteringError):
        list(classes.lines())
    classes.save(path, format="json")  # JSON holds any word
    assert json.loads(path.read_text())["words"] == 3


def test_classes_file_refusal_names_only_what_holds_every_words_class(tmp_path):
    # it recommended format='json', which writes a summary (sizes, central words), not each word's class
    kv = KeyedVectors(["x", "a b", "y"], [[1, 0], [0, 1], [0.5, 0.5]])
    classes = cluster_vectors(kv, 2)
    with pytest.raises(ClusteringError, match="cannot store") as err:
        classes.save(tmp_path / "classes.txt")
    assert "json" not in str(err.value).lower()
    assert "words and labels" in str(err.value)
    assert dict(zip(classes.words, classes.labels.tolist()))["a b"] in (0, 1)


@pytest.mark.parametrize("text, message", [("a 99999999999999999999\nb 0\n", "line 1: class id"),
                                           ("a 0\nb -2147483649\n", "line 2: class id"),
                                           ("a \u0661\u0662\n", "line 1 is not 'word class_id'"),
                                           ("a \uff11\n", "line 1 is not 'word class_id'")],
                         ids=["huge", "huge-negative", "arabic-indic-digits", "fullwidth-digit"])
def test_classes_file_ids_are_ascii_integers_in_range(tmp_path, capsys, text, message):
    # a huge id was an OverflowError traceback in plot; str.isdigit() took digits of other scripts
    path = tmp_path / "classes.txt"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ClusteringError, match=message) as err:
        read_classes(path)
    assert "\n" not in str(err.value)
    vectors = tmp_path / "v.txt"
    vectors.write_text("2 2\na 1 0\nb 0 1\n")
    from w2v.cli import main

    pytest.importorskip("matplotlib")
    assert main(["plot", str(vectors), "a", "b", "--classes-file", str(path), "-o", str(tmp_path / "m.png")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and message in err


def test_classes_file_ids_at_the_ends_of_the_range_are_read(tmp_path):
    path = tmp_path / "classes.txt"
    path.write_text("a 2147483647\nb -1\nc 007\n")
    assert read_classes(path) == {"a": 2147483647, "b": -1, "c": 7}


def test_central_words_are_members_sorted_by_cosine():
    kv, _ = planted(groups=4, per_group=10)
    classes = cluster_vectors(kv, 4)
    central = classes.central_words(topn=3)
    for c, words in enumerate(central):
        assert len(words) == 3
        sims = [s for _, s in words]
        assert sims == sorted(sims, reverse=True)
        for word, sim in words:
            i = kv.index_of(word)
            assert classes.labels[i] == c
            assert sim == pytest.approx(float(kv.unit_vectors[i] @ classes.centroids[c]), abs=1e-5)
    doc = classes.to_dict(topn=2)
    assert sum(c["size"] for c in doc["classes"]) == len(kv)


def test_spherical_kmeans_uses_one_sparse_product_not_a_loop_per_word(monkeypatch):
    # the centroid update goes through scipy.sparse (a BLAS-style product); count its calls
    calls = []
    real = scipy.sparse.csr_matrix

    def counting(*args, **kwargs):
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(scipy.sparse, "csr_matrix", counting)
    kv, _ = planted()
    _, _, _, done = spherical_kmeans(kv.unit_vectors, 6, 5, np.random.default_rng(0))
    assert len(calls) == done

"""evaluate_word_pairs: correlations, OOV ratio, comments and bad lines, restrict_vocab."""
from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

from w2v import KeyedVectors
from w2v.evaluate import EvaluationError, WordPairsResult, evaluate_word_pairs

PAIRS = """\
# a comment line
# Word 1\tWord 2\tHuman (mean)
a\tb\t9.0
A\tc\t7.5
b\td\t3.0
c\te\t1.0
d\tzzz\t5.0
not\ta\tpair\tline
e\ta\tnot-a-number
a\te\t2.0
"""


@pytest.fixture
def kv() -> KeyedVectors:
    rng = np.random.default_rng(5)
    return KeyedVectors(list("abcde"), rng.normal(size=(5, 8)).astype(np.float32))


def test_correlations_and_oov(kv, tmp_path):
    path = tmp_path / "pairs.tsv"
    path.write_text(PAIRS)
    r = evaluate_word_pairs(kv, path, restrict_vocab=None)
    assert isinstance(r, WordPairsResult)
    pairs = [("a", "b", 9.0), ("a", "c", 7.5), ("b", "d", 3.0), ("c", "e", 1.0), ("a", "e", 2.0)]
    model = [kv.similarity(x, y) for x, y, _ in pairs]
    gold = [g for _, _, g in pairs]
    assert (r.pairs, r.oov) == (5, 1)
    assert r.oov_ratio == pytest.approx(1 / 6)
    assert r.spearman == pytest.approx(stats.spearmanr(gold, model)[0], abs=1e-9)
    assert r.pearson == pytest.approx(stats.pearsonr(gold, model)[0], abs=1e-6)
    assert set(r.to_dict()) >= {"spearman", "pearson", "oov_ratio"}


def test_restrict_vocab_and_case(kv, tmp_path):
    path = tmp_path / "pairs.tsv"
    path.write_text(PAIRS)
    r = evaluate_word_pairs(kv, path, restrict_vocab=3)  # d and e become unknown
    assert (r.pairs, r.oov, r.restrict_vocab) == (2, 4, 3)
    r = evaluate_word_pairs(kv, path, restrict_vocab=None, case_insensitive=False)
    assert (r.pairs, r.oov) == (4, 2)  # "A" is unknown when case matters


def test_no_usable_pair_and_missing_file(kv, tmp_path):
    (tmp_path / "p.tsv").write_text("x\ty\t1.0\n")
    with pytest.raises(EvaluationError, match="no word pair"):
        evaluate_word_pairs(kv, tmp_path / "p.tsv")
    with pytest.raises(EvaluationError, match="does not exist"):
        evaluate_word_pairs(kv, tmp_path / "missing.tsv")


def test_default_is_bundled_wordsim353():
    words = ["tiger", "cat", "love", "sex", "king", "queen"]
    kv = KeyedVectors(words, np.random.default_rng(0).normal(size=(6, 4)))
    r = evaluate_word_pairs(kv)
    assert r.pairs + r.oov == 353
    assert r.pairs >= 3


def test_fewer_than_two_pairs_and_constant_scores(tmp_path):
    from w2v import KeyedVectors
    from w2v.evaluate import EvaluationError, evaluate_word_pairs

    kv = KeyedVectors(["a", "b", "c"], np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]]))
    (tmp_path / "one.tsv").write_text("a\tb\t1\nz\ty\t2\n")
    with pytest.raises(EvaluationError, match="only 1 usable word pair"):
        evaluate_word_pairs(kv, tmp_path / "one.tsv")
    (tmp_path / "const.tsv").write_text("a\tb\t3\na\tc\t3\nb\tc\t3\n")
    r = evaluate_word_pairs(kv, tmp_path / "const.tsv")
    assert r.spearman is None and r.pearson is None and "human score" in r.reason
    assert r.to_dict()["reason"] == r.reason


@pytest.mark.parametrize("bad", ["nan", "inf", "-Infinity"])
def test_a_score_that_is_not_finite_is_a_malformed_line(kv, tmp_path, bad):
    # float() reads them, but a human score of NaN makes the correlations NaN (or drops Pearson):
    # such a line is skipped and counted like any other malformed one
    clean = tmp_path / "clean.tsv"
    clean.write_text(PAIRS)
    spoiled = tmp_path / "spoiled.tsv"
    spoiled.write_text(PAIRS + f"b\te\t{bad}\n")
    expected = evaluate_word_pairs(kv, clean, restrict_vocab=None)
    r = evaluate_word_pairs(kv, spoiled, restrict_vocab=None)
    assert (r.pairs, r.oov) == (expected.pairs, expected.oov)
    assert (r.spearman, r.pearson) == (expected.spearman, expected.pearson)
    assert r.malformed == expected.malformed + 1


def test_a_byte_order_mark_is_not_part_of_the_first_word(kv, tmp_path):
    # the first pair's word was read as "\ufeffa": an unknown word, so the pair was silently
    # counted out of vocabulary and left out of the correlations
    plain = tmp_path / "plain.tsv"
    plain.write_text("a\tb\t9.0\nb\tc\t3.0\nc\td\t5.0\nd\te\t1.0\n", encoding="utf-8")
    with_bom = tmp_path / "bom.tsv"
    with_bom.write_bytes(b"\xef\xbb\xbf" + plain.read_bytes())
    expected = evaluate_word_pairs(kv, plain, restrict_vocab=None)
    r = evaluate_word_pairs(kv, with_bom, restrict_vocab=None)
    assert (r.pairs, r.oov, r.malformed) == (expected.pairs, expected.oov, expected.malformed) == (4, 0, 0)
    assert r.spearman == expected.spearman and r.pearson == expected.pearson


def test_a_p_value_scipy_cannot_give_is_none_not_nan(tmp_path):
    # two pairs with different scores: both correlations are defined (+-1), but scipy has no
    # p-value for a Spearman correlation of two points (NaN); the result says None, as documented
    kv = KeyedVectors(["a", "b", "c"], np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]]))
    (tmp_path / "two.tsv").write_text("a\tb\t1\na\tc\t2\n")
    r = evaluate_word_pairs(kv, tmp_path / "two.tsv")
    assert r.spearman == pytest.approx(1.0) and r.pearson == pytest.approx(1.0)
    assert r.spearman_pvalue is None
    assert r.pearson_pvalue == pytest.approx(stats.pearsonr([1.0, 2.0], [0.0, 2 ** -0.5])[1])

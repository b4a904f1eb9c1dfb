"""Hand-computed probabilities on the ten-sentence corpus, and normalisation of every method.

The corpus (conftest.TEN), min_count=1, with boundaries:
    <s> a b </s> | <s> a b </s> | <s> a c </s> | <s> b </s> | <s> c a </s>
    <s> a </s>   | <s> b c </s> | <s> a b c </s> | <s> c </s> | <s> b a </s>
Unigram counts (predicted tokens): a 7, b 6, c 5, </s> 10; N = 28.
Outcomes: <unk>, </s>, a, b, c (V' = 5; <s> is never predicted).
Bigrams: after a: b 3, c 1, </s> 3 (7); after b: </s> 3, c 2, a 1 (6);
         after c: </s> 4, a 1 (5); after <s>: a 5, b 3, c 2 (10).
Left-neighbour (continuation) counts: a {<s>, c, b} 3, b {<s>, a} 2, c {<s>, a, b} 3,
</s> {a, b, c} 3; total 11.
"""
import math

import numpy as np
import pytest

from w2v.ngram import NgramLM, SMOOTHING_NAMES
from w2v.ngram.add_k import AddK
from w2v.ngram.kneser_ney import KneserNey, ModifiedKneserNey, count_of_counts, modified_discounts
from w2v.ngram.smoothing import JelinekMercer


def _fit(sentences, smoothing, order=2, **kw):
    return NgramLM(order=order, smoothing=smoothing, min_count=1, **kw).fit(sentences)


def test_mle_by_hand(ten_sentences):
    lm = _fit(ten_sentences, "mle")
    assert lm.prob("b", ["a"]) == pytest.approx(3 / 7)
    assert lm.prob("</s>", ["c"]) == pytest.approx(4 / 5)
    assert lm.prob("a", ["<s>"]) == pytest.approx(5 / 10)
    assert lm.prob("c", ["c"]) == 0.0
    assert lm.prob("<unk>", []) == 0.0
    assert _fit(ten_sentences, "mle", order=1).prob("a") == pytest.approx(7 / 28)


def test_add_k_by_hand(ten_sentences):
    lm = _fit(ten_sentences, "add-k")
    assert lm.prob("b", ["a"]) == pytest.approx((3 + 1) / (7 + 5))
    assert lm.prob("<unk>", ["a"]) == pytest.approx(1 / 12)
    assert lm.prob("a", ["never-seen"]) == pytest.approx((7 + 1) / (28 + 5))   # unseen context: unigram
    half = _fit(ten_sentences, "add-k", k=0.5)
    assert half.prob("c", ["c"]) == pytest.approx(0.5 / (5 + 2.5))


def test_witten_bell_by_hand(ten_sentences):
    lm = _fit(ten_sentences, "witten-bell")
    p_b = (6 + 4 / 5) / (28 + 4)              # 4 seen types, uniform over 5 outcomes
    assert lm.prob("b", []) == pytest.approx(p_b)
    assert lm.prob("<unk>", []) == pytest.approx((4 / 5) / 32)
    assert lm.prob("b", ["a"]) == pytest.approx((3 + 3 * p_b) / (7 + 3))


def test_jelinek_mercer_by_hand(ten_sentences):
    lm = _fit(ten_sentences, JelinekMercer(lambdas=[0.6, 0.7]))
    p_b = 0.6 * 6 / 28 + 0.4 / 5
    assert lm.prob("b", []) == pytest.approx(p_b)
    assert lm.prob("b", ["a"]) == pytest.approx(0.7 * 3 / 7 + 0.3 * p_b)
    assert lm.prob("b", ["zzz"]) == pytest.approx(p_b)           # <unk> never a context: back off


def test_jelinek_mercer_fits_lambdas_on_heldout(ten_sentences):
    heldout = [["a", "b"], ["c"], ["b", "c"]]
    lm = NgramLM(order=2, smoothing="interpolated", min_count=1).fit(ten_sentences, heldout=heldout)
    lams = lm.smoothing_.fitted_["lambdas"]
    assert len(lams) == 2 and all(0 < x < 1 for x in lams)
    fitted = lm.evaluate(heldout).log10_prob
    for other in ([0.5, 0.5], [0.9, 0.9], [0.2, 0.3]):
        alt = NgramLM(order=2, smoothing=JelinekMercer(lambdas=other), min_count=1).fit(ten_sentences)
        assert fitted >= alt.evaluate(heldout).log10_prob - 1e-9


def test_kneser_ney_by_hand(ten_sentences):
    lm = _fit(ten_sentences, KneserNey(discounts=[0.5, 0.75]))
    gamma0 = 0.5 * 4 / 11
    p_b = (2 - 0.5) / 11 + gamma0 / 5                 # continuation count of b is 2
    assert lm.prob("b", []) == pytest.approx(p_b)
    assert lm.prob("<unk>", []) == pytest.approx(gamma0 / 5)
    # top order keeps raw counts: a b 3, a c 1, a </s> 3
    assert lm.prob("b", ["a"]) == pytest.approx((3 - 0.75) / 7 + (0.75 * 3 / 7) * p_b)


def test_modified_kneser_ney_by_hand(ten_sentences):
    lm = _fit(ten_sentences, ModifiedKneserNey(discounts=[[0.5, 1.0, 1.5], [0.6, 1.1, 1.6]]))
    gamma0 = (1.5 * 3 + 1.0 * 1) / 11                 # a, c, </s> have 3 left neighbours, b has 2
    p_b = (2 - 1.0) / 11 + gamma0 / 5
    assert lm.prob("b", []) == pytest.approx(p_b)
    gamma_a = (1.6 + 0.6 + 1.6) / 7                   # a b 3, a c 1, a </s> 3
    assert lm.prob("b", ["a"]) == pytest.approx((3 - 1.6) / 7 + gamma_a * p_b)
    assert lm.prob("c", ["c"]) == pytest.approx((1.6 + 0.6) / 5 * ((3 - 1.5) / 11 + gamma0 / 5))


def test_discounts_from_count_of_counts():
    assert count_of_counts(np.array([1, 1, 2, 3, 3, 3, 4, 7, 0])).tolist() == [2, 1, 3, 1]
    t = np.array([100, 40, 20, 10])
    y = 100 / (100 + 80)
    d1, d2, d3 = modified_discounts(t)
    assert (d1, d2, d3) == pytest.approx((1 - 2 * y * 40 / 100, 2 - 3 * y * 20 / 40, 3 - 4 * y * 10 / 20))
    assert modified_discounts(np.array([5, 0, 1, 1])) is None


def test_discount_fallback_on_tiny_corpus(ten_sentences, caplog):
    lm = _fit(ten_sentences, "modified-kneser-ney")
    assert "fallback" in caplog.text
    assert lm.smoothing_.fitted_["discounts"]["1"] == [0.5, 1.0, 1.5]


def _contexts(lm, sentences, order):
    seen = set()
    for s in sentences:
        padded = ["<s>"] + s
        for i in range(len(padded)):
            for k in range(1, order):
                if i - k + 1 >= 0:
                    seen.add(tuple(padded[i - k + 1:i + 1]))
    unseen = {("zzz",), ("c", "c"), ("<s>", "zzz"), ("b", "b", "b"), ("a", "zzz", "b")}
    return [()] + sorted(seen) + sorted(unseen)


@pytest.mark.parametrize("method", SMOOTHING_NAMES)
@pytest.mark.parametrize("order", [1, 2, 3, 4])
def test_every_distribution_sums_to_one(method, order, ten_sentences, random_sentences):
    sentences = ten_sentences + random_sentences[:40]
    heldout = random_sentences[40:60]
    lm = NgramLM(order=order, smoothing=method, min_count=2).fit(sentences, heldout=heldout)
    outcomes = [w for w in lm.vocab_.words if w != "<s>"]
    for ctx in _contexts(lm, sentences, order):
        # through the scorer, one word at a time ...
        total = math.fsum(lm.prob(w, list(ctx)) for w in outcomes)
        assert total == pytest.approx(1.0, abs=1e-12), ctx
        # ... and through the whole-distribution path used by generate()
        dist = lm.next_word_distribution(list(ctx))
        assert dist[lm.vocab_.index["<s>"]] == 0.0
        assert math.fsum(dist) == pytest.approx(1.0, abs=1e-12)
        assert dist == pytest.approx([lm.prob(w, list(ctx)) for w in lm.vocab_.words], abs=1e-15)


def _markov_sentences(n, seed):
    """Sentences from a sparse first-order Markov chain over 400 Zipf-distributed words."""
    rng = np.random.default_rng(seed)
    size = 400
    successors = rng.integers(0, size, size=(size, 4))
    zipf = 1 / np.arange(1, size + 1)
    zipf /= zipf.sum()
    out = []
    for _ in range(n):
        w = rng.choice(size, p=zipf)
        sentence = [w]
        while rng.random() > 0.15:
            w = successors[w, rng.integers(4)] if rng.random() < 0.7 else rng.choice(size, p=zipf)
            sentence.append(w)
        out.append([f"w{x}" for x in sentence])
    return out


def test_smoothed_methods_beat_add_k_and_mle_is_infinite():
    sentences = _markov_sentences(1500, seed=3)
    train, test = sentences[:1300], sentences[1300:]
    ppl = {m: NgramLM(order=3, smoothing=m, min_count=1).fit(train).evaluate(test)
           for m in SMOOTHING_NAMES}
    for better in ("interpolated", "witten-bell", "kneser-ney", "modified-kneser-ney"):
        assert ppl[better].perplexity < 0.5 * ppl["add-k"].perplexity, better
    assert ppl["modified-kneser-ney"].perplexity < ppl["witten-bell"].perplexity
    assert ppl["mle"].perplexity == math.inf
    assert ppl["mle"].zero_prob > 0 and "probability 0" in ppl["mle"].reason


def test_jelinek_mercer_keeps_a_lambda_the_heldout_text_cannot_fit(ten_sentences):
    # no held-out token has a two-word context seen in training (<unk> never occurs there), so the
    # held-out likelihood does not depend on lambda_3: it came out as the search's upper bound
    # 0.99999 (no smoothing at all) instead of staying at the neutral 0.5
    heldout = [["zzz", "a", "zzz", "b"], ["zzz", "c"]]
    lm = NgramLM(order=3, smoothing="interpolated", min_count=1).fit(ten_sentences, heldout=heldout)
    lams = lm.smoothing_.fitted_["lambdas"]
    assert lams[2] == 0.5
    # C(a b) = 3 as a trigram context: a b </s> twice, a b c once
    assert lm.prob("c", ["a", "b"]) == pytest.approx(0.5 * 1 / 3 + 0.5 * lm.prob("c", ["b"]))
    assert lm.prob("a", ["a", "b"]) == pytest.approx(0.5 * lm.prob("a", ["b"]))
    # the orders the held-out text does inform are still fitted
    assert lams[0] != 0.5 and lams[1] != 0.5


@pytest.mark.parametrize("make, message", [
    (lambda: JelinekMercer(lambdas=[0.5, 1.5]), r"lambdas .*\[0, 1\].*1\.5"),
    (lambda: JelinekMercer(lambdas=[0.5, -0.5]), r"lambdas .*\[0, 1\].*-0\.5"),
    (lambda: JelinekMercer(lambdas=[float("nan"), 0.5]), r"lambdas .*\[0, 1\].*nan"),
    (lambda: AddK(k=float("inf")), "finite"),
    (lambda: AddK(k=float("nan")), "k > 0"),
])
def test_invalid_smoothing_parameters_are_refused_when_made(make, message):
    # lambdas outside [0, 1] gave NaN or silently odd perplexities, k = inf NaN everywhere
    with pytest.raises(ValueError, match=message) as err:
        make()
    assert "\n" not in str(err.value)


@pytest.mark.parametrize("order, smoothing, message", [
    (3, KneserNey(discounts=[0.5] * 5), "3 discounts.*got 5"),
    (3, KneserNey(discounts=[0.5]), "3 discounts.*got 1"),             # was an IndexError
    (1, ModifiedKneserNey(discounts=[[0.5, 1, 1.5]] * 2), "1 discounts.*got 2"),
    (3, JelinekMercer(lambdas=[0.5, 0.5]), "3 lambdas.*got 2"),
    (2, "add-k", "finite"),
])
def test_parameters_that_do_not_fit_the_model_are_one_line_errors(order, smoothing, message, ten_sentences):
    from w2v.errors import W2VError

    lm = NgramLM(order=order, smoothing=smoothing, min_count=1, k=float("inf"))
    with pytest.raises(W2VError, match=message) as err:
        lm.check_params()
    assert "\n" not in str(err.value)
    with pytest.raises(W2VError, match=message):
        lm.fit(ten_sentences)
    if not isinstance(smoothing, str):
        with pytest.raises(ValueError, match=message):     # used on its own, too
            smoothing.estimate(_counts(ten_sentences, order))


def _counts(sentences, order):
    from w2v.ngram.counts import NgramCounts
    from w2v.ngram.encoding import build_and_encode

    vocab, encoded = build_and_encode(sentences, 1)
    return NgramCounts.from_ids(encoded.ids, order, len(vocab))


@pytest.mark.parametrize("k", [1e308, 1e-320])
def test_add_k_with_an_extreme_k_stays_finite(k, ten_sentences, tmp_path):
    # k (V - 1) overflowed for k = 1e308: every probability came out 0 (-99 in ARPA) and the saved
    # model was refused when read back; a tiny k underflowed the same way
    lm = _fit(ten_sentences, "add-k", k=k)
    if k > 1:   # the counts vanish next to k: uniform over the 5 outcomes
        assert lm.prob("b", ["a"]) == pytest.approx(1 / 5) and lm.prob("<unk>") == pytest.approx(1 / 5)
    else:       # k vanishes next to the counts: maximum likelihood, with a finite floor
        assert lm.prob("b", ["a"]) == pytest.approx(3 / 7)
        assert lm.logprob("<unk>") == pytest.approx(math.log10(k) - math.log10(28))
        assert lm.logprob("c", ["c"]) == pytest.approx(math.log10(k) - math.log10(5))
    lm.save(tmp_path / "m.lm")
    lm.to_arpa(tmp_path / "m.arpa")
    # (ARPA reads log10 p <= -99 as 0, so the tiny k's floor is tested in the native file only)
    for back in [NgramLM.load(tmp_path / "m.lm")] + [NgramLM.load(tmp_path / "m.arpa")] * (k > 1):
        assert back.evaluate([["a", "b"], ["c", "c"]]).log10_prob == pytest.approx(
            lm.evaluate([["a", "b"], ["c", "c"]]).log10_prob)
        assert math.isfinite(back.perplexity([["a", "zzz"]]))

"""NgramLM behaviour: conventions, unknown words, empty sentences, vectorised vs per-sentence
scoring, generation, errors."""
import math

import numpy as np
import pytest

import w2v
from w2v.errors import CorpusError, W2VError
from w2v.ngram import NgramLM


@pytest.fixture
def lm(ten_sentences):
    return NgramLM(order=3, smoothing="modified-kneser-ney", min_count=1).fit(ten_sentences)


def test_lazy_top_level_name():
    assert w2v.NgramLM is NgramLM


def test_repr_and_params_stored():
    lm = NgramLM(order=4, smoothing="witten-bell", min_count=3)
    assert (lm.order, lm.smoothing, lm.min_count) == (4, "witten-bell", 3)
    assert "order=4" in repr(lm) and not hasattr(lm, "tables_")


def test_score_counts_eos_not_bos(lm):
    manual = lm.logprob("a", ["<s>"]) + lm.logprob("b", ["<s>", "a"]) + lm.logprob("</s>", ["a", "b"])
    assert lm.score(["a", "b"]) == pytest.approx(manual, abs=1e-12)
    assert lm.score(["a", "b"], eos=False) == pytest.approx(manual - lm.logprob("</s>", ["a", "b"]))
    assert lm.score(["a", "b"], bos=False) == pytest.approx(
        lm.logprob("a") + lm.logprob("b", ["a"]) + lm.logprob("</s>", ["a", "b"]))
    assert lm.logprob("<s>", ["a"]) == -math.inf


def test_full_scores_report_length_and_oov(lm):
    scores = lm.full_scores(["a", "b", "zzz"])
    # <s> a (bigram) | <s> a b (trigram) | <unk>, never seen in training: unigram, and so is </s>
    assert [length for _, length, _ in scores] == [2, 3, 1, 1]
    assert [oov for _, _, oov in scores] == [False, False, True, False]
    assert sum(s for s, _, _ in scores) == pytest.approx(lm.score(["a", "b", "zzz"]))


def test_unknown_words_are_unk_and_counted(lm):
    assert lm.logprob("zzz", ["a"]) == lm.logprob("<unk>", ["a"])
    result = lm.evaluate([["a", "zzz"], ["qqq"]])
    assert (result.tokens, result.oov, result.sentences) == (5, 2, 2)


def test_perplexity_is_vectorised_sum_of_sentence_scores(lm, random_sentences):
    test = [["a", "b", "c"], ["b", "zzz", "a", "a"], ["c"]]
    total = sum(lm.score(s) for s in test)
    result = lm.evaluate(test)
    assert result.log10_prob == pytest.approx(total, abs=1e-10)
    assert result.perplexity == pytest.approx(10 ** (-total / (3 + 4 + 1 + 3)))
    assert lm.perplexity(test) == result.perplexity


def test_empty_sentences_are_skipped(lm):
    a = lm.evaluate([["a", "b"]])
    b = lm.evaluate([[], ["a", "b"], []])
    assert (a.tokens, a.log10_prob) == (b.tokens, b.log10_prob)
    with pytest.raises(CorpusError):
        lm.evaluate([[], []])
    with pytest.raises(CorpusError):
        NgramLM().fit([[], []])


def test_min_count_maps_rare_training_words_to_unk(ten_sentences):
    lm = NgramLM(order=2, min_count=2).fit(ten_sentences + [["rare", "a"]])
    assert "rare" not in lm.vocab_
    assert lm.prob("a", ["rare"]) == lm.prob("a", ["<unk>"])
    assert lm.prob("a", ["<unk>"]) != lm.prob("a", ["b"])            # <unk> was seen as a context


def test_mle_reports_infinite_perplexity_with_reason(ten_sentences, caplog):
    lm = NgramLM(order=2, smoothing="mle", min_count=1).fit(ten_sentences)
    result = lm.evaluate([["c", "c"]])
    assert result.perplexity == math.inf and result.zero_prob == 1
    assert "probability 0" in result.reason and "mle" in result.reason
    assert "infinite" in caplog.text
    assert math.isfinite(lm.perplexity([["a", "b"]]))


def test_generate_is_reproducible_and_in_vocabulary(lm):
    a = lm.generate(40, seed=5)
    assert a == lm.generate(40, seed=5) and len(a) == 40
    assert set(a) <= set(lm.vocab_.words) - {"<s>"}
    assert "</s>" in a
    assert lm.generate(40, seed=6) != a


def test_generate_follows_deterministic_context():
    lm = NgramLM(order=2, smoothing="mle", min_count=1).fit([["x", "y", "z"]] * 3)
    assert lm.generate(4, seed=0, context=["x"]) == ["y", "z", "</s>", "x"]


def test_accepts_a_corpus_path(tmp_path, ten_sentences):
    path = tmp_path / "c.txt"
    path.write_text("\n".join(" ".join(s) for s in ten_sentences) + "\n")
    from_file = NgramLM(order=2, min_count=1).fit(str(path))
    from_list = NgramLM(order=2, min_count=1).fit(ten_sentences)
    assert from_file.score(["a", "b"]) == from_list.score(["a", "b"])


def test_user_errors(ten_sentences):
    with pytest.raises(W2VError, match="not fitted"):
        NgramLM().score(["a"])
    with pytest.raises(W2VError, match="order"):
        NgramLM(order=0).fit(ten_sentences)
    with pytest.raises(W2VError, match="unknown smoothing"):
        NgramLM(smoothing="good-turing").fit(ten_sentences)
    with pytest.raises(TypeError, match="tokenise"):
        NgramLM().fit(["a b c"])


def test_interpolated_needs_some_heldout():
    with pytest.raises(CorpusError, match="held-out"):
        NgramLM(smoothing="interpolated").fit([["a", "b"]] * 5)       # no tenth sentence to hold out
    lm = NgramLM(smoothing="interpolated", min_count=1).fit([["a", "b"]] * 12)
    assert len(lm.smoothing_.fitted_["lambdas"]) == 3


def _cased_text(rng, n):
    """``n`` seeded sentences of capitalised words and punctuation: the default tokenizer (lowercased,
    punctuation dropped) and the whitespace one read them as different tokens."""
    words = np.array(["The", "Cat", "sat", "on", "Mat", "dog", "Ran", ".", ","])
    p = np.array([0.2, 0.15, 0.15, 0.1, 0.1, 0.1, 0.1, 0.05, 0.05])
    return "".join(" ".join(rng.choice(words, size=rng.integers(2, 8), p=p)) + "\n" for _ in range(n))


def test_a_heldout_path_is_read_with_the_training_texts_tokenizer(tmp_path):
    # with training text read by the whitespace tokenizer, the held-out path was read by the default
    # one: none of its words were known, and the lambdas came out near 0 (7e-6) instead of near 1
    from w2v.corpus import Tokenizer, open_corpus

    rng = np.random.default_rng(3)
    train, heldout = tmp_path / "train.txt", tmp_path / "heldout.txt"
    train.write_text(_cased_text(rng, 400))
    heldout.write_text(_cased_text(rng, 80))
    for tokenizer in (Tokenizer.whitespace(), Tokenizer(lowercase=False), Tokenizer()):
        corpus = open_corpus(train, tokenizer=tokenizer)
        from_path = NgramLM(order=3, smoothing="interpolated", min_count=1).fit(corpus, heldout=str(heldout))
        same = NgramLM(order=3, smoothing="interpolated", min_count=1).fit(
            corpus, heldout=open_corpus(heldout, tokenizer=tokenizer))
        assert from_path.smoothing_.fitted_ == same.smoothing_.fitted_, tokenizer
        # the unigram weight of a text whose words are all known: near 1, not near 0
        assert from_path.smoothing_.fitted_["lambdas"][0] > 0.9, tokenizer
    # a path read as a path is: the default tokenizer, for both
    by_path = NgramLM(order=3, smoothing="interpolated", min_count=1).fit(train, heldout=heldout)
    assert by_path.smoothing_.fitted_ == same.smoothing_.fitted_
    # the held-out sentences are cut as the training text's are (max_sentence_length)
    short = open_corpus(train, tokenizer=Tokenizer.whitespace(), max_sentence_length=2)
    from_path = NgramLM(order=3, smoothing="interpolated", min_count=1).fit(short, heldout=heldout)
    same = NgramLM(order=3, smoothing="interpolated", min_count=1).fit(
        short, heldout=open_corpus(heldout, tokenizer=Tokenizer.whitespace(), max_sentence_length=2))
    assert from_path.smoothing_.fitted_ == same.smoothing_.fitted_


def test_a_heldout_path_after_token_lists_is_read_with_the_default_tokenizer(tmp_path, ten_sentences):
    # token lists say nothing of how they were made: a path beside them is read as any path is
    from w2v.corpus import open_corpus

    heldout = tmp_path / "heldout.txt"
    heldout.write_text("A b\nc A\nb c .\n")
    from_path = NgramLM(order=2, smoothing="interpolated", min_count=1).fit(ten_sentences, heldout=heldout)
    same = NgramLM(order=2, smoothing="interpolated", min_count=1).fit(ten_sentences,
                                                                       heldout=open_corpus(heldout))
    assert from_path.smoothing_.fitted_ == same.smoothing_.fitted_
    assert from_path.tokenizer_ is None


@pytest.mark.parametrize("marker", ["<s>", "</s>"])
def test_a_literal_marker_in_a_sentence_is_scored_as_unk_everywhere(lm, marker):
    # score gave NaN for a literal <s> and scored a literal </s> as the sentence end, while evaluate
    # maps both to <unk> (its docstring says so): -2.835 against -3.472
    sentence = ["a", marker, "b"]
    manual = (lm.logprob("a", ["<s>"]) + lm.logprob("<unk>", ["<s>", "a"]) + lm.logprob("b", ["a", "<unk>"])
              + lm.logprob("</s>", ["<unk>", "b"]))
    assert lm.score(sentence) == pytest.approx(manual, abs=1e-12)
    assert lm.score(sentence) == pytest.approx(lm.evaluate([sentence]).log10_prob, abs=1e-12)
    scores = lm.full_scores(sentence)
    assert [s for s, _, _ in scores] == [s for s, _, _ in lm.full_scores(["a", "<unk>", "b"])]
    assert not any(math.isnan(s) for s, _, _ in scores) and [oov for _, _, oov in scores] == [False] * 4
    assert lm.score([marker], bos=False, eos=False) == pytest.approx(lm.logprob("<unk>"))


def test_a_context_without_bos_continues_mid_sentence():
    # generate always put <s> before the context, so ["b"] was read as ["<s>", "b"]: after "<s> b" only
    # x follows, after "b" in mid-sentence x or y (3 times each), and a sentence starts with a or b
    lm = NgramLM(order=3, smoothing="mle", min_count=1).fit([["b", "x"]] * 3 + [["a", "b", "y"]] * 3)
    assert lm.prob("y", ["b"]) == pytest.approx(3 / 6) and lm.prob("y", ["<s>", "b"]) == 0
    assert {lm.generate(1, seed=s, context=["<s>", "b"])[0] for s in range(40)} == {"x"}
    assert {lm.generate(1, seed=s, context=["b"])[0] for s in range(40)} == {"x", "y"}
    assert lm.generate(30, seed=5, context=["b"]) == lm.generate(30, seed=5, context=["b"])
    for default in (None, []):  # no context: a sentence start
        assert {lm.generate(1, seed=s, context=default)[0] for s in range(40)} == {"a", "b"}


@pytest.mark.parametrize("method", ["mle", "kneser-ney"])
def test_generate_after_a_context_without_bos_draws_from_its_mid_sentence_distribution(method):
    # the test above compared generate(..., context=["b"]) with itself, which the <s>-always-first bug
    # passes; here each first draw must be the one the context's own distribution gives for that seed
    lm = NgramLM(order=3, smoothing=method, min_count=1).fit(
        [["b", "x"]] * 3 + [["a", "b", "y"]] * 3 + [["c", "b", "x", "y"]] * 2)
    words = lm.vocab_.words
    mid, start = lm.next_word_distribution(["b"]), lm.next_word_distribution(["<s>", "b"])
    assert mid == pytest.approx([lm.prob(w, ["b"]) for w in words], abs=1e-12)
    assert start == pytest.approx([lm.prob(w, ["<s>", "b"]) for w in words], abs=1e-12)
    assert np.abs(mid - start).max() > 0.1

    def first_draw(probs, seed):
        # generate's inverse-CDF draw: one uniform number of default_rng(seed) per token
        cdf = np.cumsum(probs)
        return words[int(np.searchsorted(cdf, np.random.default_rng(seed).random() * cdf[-1], side="right"))]

    drawn = {ctx: [lm.generate(1, seed=s, context=ctx)[0] for s in range(60)] for ctx in (("b",), ("<s>", "b"))}
    assert drawn[("b",)] == [first_draw(mid, s) for s in range(60)]
    assert drawn[("<s>", "b")] == [first_draw(start, s) for s in range(60)]
    assert drawn[("b",)] != drawn[("<s>", "b")]

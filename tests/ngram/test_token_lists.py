"""Strings where token lists belong are refused with the call to write; KenLM- and nltk-style
calls written our way give the numbers those toolkits define."""
from __future__ import annotations

import math
import os

import pytest

from w2v.ngram import NgramLM
from w2v.ngram.model import TokenListError


@pytest.fixture
def lm(ten_sentences):
    return NgramLM(order=2, smoothing="modified-kneser-ney", min_count=1).fit(ten_sentences)


@pytest.mark.parametrize("call, fix", [
    (lambda lm: lm.score("a b c"), "'a b c'.split()"),
    (lambda lm: lm.full_scores("a b"), ".split()"),
    (lambda lm: lm.score("b", ["a"]), "lm.prob(word, context)"),      # nltk's score(word, context)
    (lambda lm: lm.score(["b"], ["a"]), "lm.prob(word, context)"),    # bos given a list
    (lambda lm: lm.prob("b", "a"), "'a'.split()"),
    (lambda lm: lm.logprob(["a", "b"]), "lm.score(tokens)"),
    (lambda lm: lm.next_word_distribution("a"), ".split()"),
    (lambda lm: lm.generate(5, context="a b"), ".split()"),
    (lambda lm: lm.perplexity(["a b", "b c"]), "s.split() for s in sentences"),
    (lambda lm: lm.perplexity("a b c"), "lm.perplexity([sentence.split()])"),   # KenLM's perplexity(text)
    (lambda lm: lm.evaluate(["a b"]), "s.split()"),
    (lambda lm: NgramLM(order=2).fit(["a b", "b c"]), "lm.fit([s.split()"),
])
def test_strings_are_refused_with_the_fix(lm, call, fix):
    with pytest.raises(TokenListError) as info:
        call(lm)
    assert fix in str(info.value)
    assert isinstance(info.value, TypeError) and "\n" not in str(info.value)


def test_a_path_is_still_a_corpus(lm, tmp_path):
    path = tmp_path / "test text.txt"   # a real file whose name holds a space
    path.write_text("a b\nb c\n")
    assert lm.perplexity(str(path)) == pytest.approx(lm.perplexity([["a", "b"], ["b", "c"]]))


def test_kenlm_and_nltk_calls_written_our_way(lm):
    # KenLM: score(sentence) = sum of log10 p over the words and </s>, starting from <s>
    expected = lm.logprob("a", ["<s>"]) + lm.logprob("b", ["a"]) + lm.logprob("</s>", ["b"])
    assert lm.score("a b".split()) == pytest.approx(expected)
    # KenLM: perplexity(sentence) = 10 ** (-score / (words + 1))
    assert lm.perplexity([["a", "b"]]) == pytest.approx(10 ** (-expected / 3))
    # nltk: score(word, context) = p(word | context)
    assert lm.prob("b", ["a"]) == pytest.approx(10 ** lm.logprob("b", ["a"]))
    assert 0 < lm.prob("b", ["a"]) < 1 and not math.isnan(lm.prob("b", ["a"]))


@pytest.mark.parametrize("bad", [1, None, b"a", float("nan")])
@pytest.mark.parametrize("call", [
    lambda lm, s: NgramLM(order=2, min_count=1).fit(s),
    lambda lm, s: lm.perplexity(s),
    lambda lm, s: lm.evaluate(s),
    lambda lm, s: NgramLM(order=2, smoothing="interpolated", min_count=1).fit([["a", "b"]] * 20, heldout=s),
])
def test_tokens_that_are_not_strings_are_refused(lm, call, bad):
    # an int was counted as a word (a model whose save could not be read back), None or bytes
    # beside a str failed deep in a sort, and scoring took them for unknown words
    with pytest.raises(TokenListError) as info:
        call(lm, [["a", "b"], ["a", bad]])
    message = str(info.value)
    assert "sentence 1" in message and type(bad).__name__ in message and "str" in message
    assert "\n" not in message


@pytest.mark.parametrize("call", [
    lambda lm: lm.score(["a", 1]),
    lambda lm: lm.full_scores([None, "b"]),
    lambda lm: lm.prob("b", [b"a"]),
    lambda lm: lm.next_word_distribution(["<s>", 2]),
])
def test_one_sentence_or_context_with_a_non_string_token_is_refused(lm, call):
    with pytest.raises(TokenListError, match="must be str"):
        call(lm)


def test_a_sentence_that_is_no_token_list_is_refused(lm):
    with pytest.raises(TokenListError, match="sentence 1 is of type generator"):
        NgramLM(order=2).fit([["a"], (w for w in "ab")])
    with pytest.raises(TokenListError, match="sentence 0 is of type int"):
        lm.perplexity([3])


@pytest.mark.parametrize("make", [bytes, bytearray, memoryview])
@pytest.mark.parametrize("call", [
    lambda lm, s: NgramLM(order=2, min_count=1).fit(s),
    lambda lm, s: lm.perplexity(s),
    lambda lm, s: NgramLM(order=2, smoothing="interpolated", min_count=1).fit([["a", "b"]] * 20, heldout=s),
])
def test_a_bytes_path_is_refused_as_bytes(lm, tmp_path, call, make):
    # iterated, a bytes path was a corpus of ints refused at 'sentence 0 is of type int (47)',
    # which says nothing of the path; Word2Vec.fit refuses bytes with the same fix
    path = tmp_path / "text.txt"
    path.write_text("a b\nb c\n")
    with pytest.raises(TokenListError) as info:
        call(lm, make(os.fsencode(path)))
    message = str(info.value)
    assert "bytes" in message and "os.fsdecode" in message and "sentence 0" not in message
    assert "\n" not in message


@pytest.mark.parametrize("bad", [5, None, 1.5])
def test_a_corpus_that_is_not_iterable_is_refused(lm, bad):
    # list(bad) raised a bare "'int' object is not iterable" from inside the input handling
    for call in (lambda: NgramLM(order=2).fit(bad), lambda: lm.perplexity(bad), lambda: lm.evaluate(bad)):
        with pytest.raises(TokenListError) as info:
            call()
        message = str(info.value)
        assert type(bad).__name__ in message and "token lists" in message and "\n" not in message


def test_a_list_of_ints_is_refused_naming_what_it_holds():
    with pytest.raises(TokenListError) as info:
        NgramLM(order=2).fit([1, 2])
    assert "sentence 0 is of type int" in str(info.value) and "\n" not in str(info.value)


def test_numpy_string_tokens_are_words(tmp_path, ten_sentences):
    # numpy arrays of str (e.g. token columns read from parquet) hold str tokens: a model as from lists
    import numpy as np

    lm = NgramLM(order=2, min_count=1).fit([np.array(s) for s in ten_sentences])
    expected = NgramLM(order=2, min_count=1).fit(ten_sentences)
    assert lm.vocab_.words == expected.vocab_.words
    assert lm.perplexity([np.array(["a", "b"])]) == pytest.approx(expected.perplexity([["a", "b"]]))
    lm.save(tmp_path / "lm.npz")
    assert NgramLM.load(tmp_path / "lm.npz").perplexity([["a", "b"]]) == pytest.approx(expected.perplexity([["a", "b"]]))

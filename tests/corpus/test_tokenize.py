"""Tokenizer: unicode words, apostrophes, hyphens, numbers, case, sentences."""
import pytest

from w2v.corpus import Tokenizer


def test_unicode_letters_and_lowercase():
    tok = Tokenizer()
    assert tok("Ελληνικά München 東京 NAÏVE Łódź") == ["ελληνικά", "münchen", "東京", "naïve", "łódź"]
    assert Tokenizer(lowercase=False)("New York CAFÉ") == ["New", "York", "CAFÉ"]


def test_apostrophes_inner_kept_outer_dropped():
    tok = Tokenizer()
    assert tok("Don't 'quoted' rock'n'roll l\u2019homme dogs' '") == [
        "don't", "quoted", "rock'n'roll", "l\u2019homme", "dogs"]


def test_hyphens_inner_kept():
    tok = Tokenizer()
    assert tok("state-of-the-art -- well- -known x-ray") == ["state-of-the-art", "well", "known", "x-ray"]


def test_punctuation_and_underscores_split():
    assert Tokenizer()("hello,world!(yes) snake_case a/b") == ["hello", "world", "yes", "snake", "case", "a", "b"]


def test_numbers_kept_or_normalised():
    text = "In 1984 it cost 3.50 or 1,000,000 for mp3s"
    assert Tokenizer()(text) == ["in", "1984", "it", "cost", "3.50", "or", "1,000,000", "for", "mp3s"]
    assert Tokenizer(numbers="normalize")(text) == [
        "in", "0000", "it", "cost", "0.00", "or", "0,000,000", "for", "mp0s"]
    with pytest.raises(ValueError):
        Tokenizer(numbers="drop")


def test_strip_accents():
    assert Tokenizer(strip_accents=True)("Café Naïve Ångström") == ["cafe", "naive", "angstrom"]


def test_sentences():
    tok = Tokenizer(split_sentences=True)
    text = "Hi there! How are you?? Fine... It costs 3.5 euros. ok"
    assert tok.sentences(text) == [["hi", "there"], ["how", "are", "you"], ["fine"],
                                   ["it", "costs", "3.5", "euros"], ["ok"]]
    assert Tokenizer().sentences(text)[0][:3] == ["hi", "there", "how"]
    assert len(Tokenizer().sentences(text)) == 1
    assert tok.sentences("") == [] and Tokenizer().sentences("  ") == []


def test_segments_mark_open_sentence():
    tok = Tokenizer(split_sentences=True)
    assert tok.segments("a b. c") == [["a", "b"], ["c"]]
    assert tok.segments("a b.") == [["a", "b"], []]
    # A leading sentence end closes whatever came before this text.
    assert tok.segments(". c") == [[], ["c"]]


def test_whitespace_tokenizer():
    tok = Tokenizer.whitespace()
    assert tok("Hello,  World !\tYes\n") == ["Hello,", "World", "!", "Yes"]
    assert tok.name == "whitespace" and Tokenizer().name == "default"
    assert tok.sentences("a. b") == [["a.", "b"]]


def test_deterministic_and_repr():
    tok = Tokenizer(numbers="normalize")
    assert tok("A b 12") == tok("A b 12")
    assert "normalize" in repr(tok)
    assert Tokenizer() == Tokenizer() and Tokenizer() != Tokenizer.whitespace()

"""The whitespace tokenizer keeps tokens byte for byte: its cuts are bytes.split()'s, nothing else."""
import random

from w2v.corpus import Tokenizer, open_corpus
from w2v.corpus.tokenize import split_ascii_whitespace

# characters str.split() treats as white space but bytes.split() and word2vec.c do not
OTHER_SPACES = "\x1c\x1d\x1e\x1f\x85\xa0\u1680\u2003\u2028\u202f\u3000"


def test_keeps_case_punctuation_underscores_and_symbols():
    tok = Tokenizer.whitespace()
    assert tok("New_York C++ C# don't e-mail Éva 3.14 ¡hola! \u00a0x") == [
        "New_York", "C++", "C#", "don't", "e-mail", "Éva", "3.14", "¡hola!", "\u00a0x"]
    assert tok("a\u3000b\x1cc\td\re\x0bf\x0cg") == ["a\u3000b\x1cc", "d", "e", "f", "g"]


def test_matches_bytes_split_on_random_text():
    rng = random.Random(3)
    alphabet = list("ab_+#'-.,é") + ["\u4e2d", "\U0001f600", " ", "\t", "\n", "\r", "\x0b", "\x0c", *OTHER_SPACES]
    for _ in range(500):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 40)))
        expected = [t.decode("utf-8") for t in text.encode("utf-8").split()]
        assert split_ascii_whitespace(text) == expected, repr(text)
        assert Tokenizer.whitespace()(text) == expected


def test_file_reader_keeps_the_same_tokens(tmp_path):
    path = tmp_path / "c.txt"
    path.write_text("New_York is\u00a0big\nC++ and C#\r\n", encoding="utf-8")
    assert list(open_corpus(path, tokenizer=Tokenizer.whitespace())) == [
        ["New_York", "is\u00a0big"], ["C++", "and", "C#"]]

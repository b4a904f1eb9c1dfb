"""Words holding a lone surrogate ("\\udcff": possible through the Python API, and in every file written
from it) through every command that writes words: no UnicodeEncodeError traceback any more.

The rule (:data:`w2v.fileio.WORD_ENCODE_ERRORS`): files of words and text on standard output hold
such a word as the binary and native vector files always did (``surrogatepass``: ED B3 BF), and
every reader reads it back; JSON writes JSON's own escape ``\\udcff`` and stays UTF-8. Standard
output here is strict UTF-8, as in a UTF-8 locale whose stdout has no surrogateescape.
"""
from __future__ import annotations

import json

import numpy as np
import pytest

from cli_runner import run_cli as w2v
from w2v import KeyedVectors
from w2v.clusters import read_classes

#: the first two are the most frequent, so that every query and restriction reaches them
WORDS = ["\udcff", "b\ud800", "\ud83d\ude42", "plain", "e", "f"]


@pytest.fixture(scope="module")
def vectors(tmp_path_factory):
    path = tmp_path_factory.mktemp("surrogates") / "v.npz"
    rows = np.random.default_rng(7).normal(size=(len(WORDS), 4))
    rows[1] = rows[0] + 0.01  # "b\ud800" is the nearest neighbour of "\udcff"
    KeyedVectors(WORDS, rows, counts=np.arange(60, 0, -10)).save(path)
    return path


def _json(out):
    """The JSON document on ``out.stdout`` (bytes), which must be UTF-8, after a clean exit."""
    assert out.returncode == 0 and b"Traceback" not in out.stderr, out.stderr
    return json.loads(out.stdout.decode("utf-8"))


def test_query_json_escapes_lone_surrogates(vectors):
    result = _json(w2v("neighbors", vectors, "\udcff", "--json", "-n", "2", text=False))
    assert [r["word"] for r in result][0] == "b\ud800"
    result = _json(w2v("analogy", vectors, "plain", "\udcff", "e", "--json", "-n", "5", text=False))
    # JSON spells the pair "\ud83d\ude42" as two escapes, which a JSON reader joins into one character
    assert {r["word"] for r in result} == (set(WORDS) - {"plain", "\udcff", "e", "\ud83d\ude42"}) | {"\U0001f642"}
    result = _json(w2v("similarity", vectors, "\udcff", "b\ud800", "--json", text=False))
    assert result["word1"] == "\udcff" and result["word2"] == "b\ud800" and result["similarity"] > 0.99
    # JSON's escape in the text, not the character (which UTF-8 cannot hold)
    assert b'"\\udcff"' in w2v("similarity", vectors, "\udcff", "e", "--json", text=False).stdout


def test_classes_json_escapes_lone_surrogates(vectors):
    document = _json(w2v("classes", vectors, "-k", "2", "--json", text=False))
    central = {w["word"] for c in document["classes"] for w in c["central_words"]}
    assert central == {"\udcff", "b\ud800", "\U0001f642", "plain", "e", "f"}  # the pair is read as one character


@pytest.mark.parametrize("fmt", ["text", "glove", "binary", "native"])
def test_export_round_trips_in_every_format(vectors, tmp_path, fmt):
    out = w2v("export", vectors, "-o", tmp_path / "e", "--format", fmt, "--json", text=False)
    assert _json(out)["format"] == fmt
    assert KeyedVectors.load(tmp_path / "e").words == WORDS
    assert w2v("export", vectors, "-o", tmp_path / "e2", "--format", fmt).returncode == 0
    # standard output gets the file's bytes
    out = w2v("export", vectors, "-o", "-", "--format", fmt, text=False)
    assert out.returncode == 0 and out.stdout == (tmp_path / "e").read_bytes()


def test_export_projector_escapes_and_json_names_a_folder_that_is_not_utf8(vectors, tmp_path):
    folder = tmp_path / "p\udcff"  # a name of bytes that are not UTF-8, as Python gives it in argv
    report = _json(w2v("export", vectors, "--projector", folder, "--classes", "2", "--json", text=False))
    assert report["projector"] == str(folder)
    rows = (folder / "metadata.tsv").read_bytes().decode("utf-8").splitlines()
    assert [row.split("\t")[0] for row in rows[1:]] == ["\\udcff", "b\\ud800", "\\ud83d\\ude42", "plain", "e", "f"]
    out = w2v("export", vectors, "--projector", tmp_path / "q", text=False)
    assert out.returncode == 0 and b"Traceback" not in out.stderr, out.stderr


def test_plot_json_lists_the_words_drawn(vectors, tmp_path):
    pytest.importorskip("matplotlib")
    report = _json(w2v("plot", vectors, "\udcff", "b\ud800", "plain", "-o", tmp_path / "m.png", "--json",
                       text=False))
    assert set(report["words"]) == {"\udcff", "b\ud800", "plain"}


@pytest.fixture(scope="module")
def ngram_model(tmp_path_factory):
    from w2v.ngram import NgramLM

    path = tmp_path_factory.mktemp("surrogates_lm") / "lm.npz"
    sentences = [["\udcff", "b\ud800"], ["\udcff", "b\ud800", "\udcff"]] * 5
    NgramLM(order=2, smoothing="kneser-ney", min_count=1).fit(sentences).save(path)
    return path


def test_ngram_generate_json_escapes_lone_surrogates(ngram_model):
    document = _json(w2v("ngram", "generate", ngram_model, "-n", "30", "--seed", "1", "--json", text=False))
    assert set(document["tokens"]) <= {"\udcff", "b\ud800", "</s>"} and "\udcff" in document["tokens"]
    assert document["sentences"][0].split(" ")[0] in ("\udcff", "b\ud800")


def test_train_reads_writes_and_reports_a_vocabulary_of_such_words(tmp_path):
    from w2v.corpus import Vocabulary

    # a vocabulary saved from the Python API; the corpus, a file, can never hold these words
    Vocabulary(["\udcff", "b\ud800", "a", "b", "c"], [9, 8, 7, 6, 5]).save(tmp_path / "vocab.txt")
    (tmp_path / "corpus.txt").write_text("a b c a b c\nc b a\n" * 20)
    out = w2v("train", tmp_path / "corpus.txt", "-o", tmp_path / "v.txt", "--read-vocab", tmp_path / "vocab.txt",
              "--save-vocab", tmp_path / "saved.txt", "--classes", "2", "--dim", "4", "--epochs", "1",
              "--quiet", "--json", text=False)
    _json(out)
    assert KeyedVectors.load(tmp_path / "v.txt").words[:2] == ["\udcff", "b\ud800"]
    assert Vocabulary.load(tmp_path / "saved.txt").words[:2] == ["\udcff", "b\ud800"]
    assert set(read_classes(tmp_path / "v.classes.txt")) == {"\udcff", "b\ud800", "a", "b", "c"}



def test_interactive_queries_are_read_as_the_files_of_words_are(vectors):
    # a strict UTF-8 stdin (a UTF-8 locale) ended in a UnicodeDecodeError traceback on bytes that are
    # not UTF-8; the bytes the files hold for "\udcff" are that word, other invalid bytes U+FFFD
    typed = "\udcff\n".encode("utf-8", "surrogatepass") + b"b\xffx\n"
    out = w2v("neighbors", vectors, "--json", "-n", "1", stdin=typed, text=False)
    assert out.returncode == 0 and b"Traceback" not in out.stderr, out.stderr
    first, second = (json.loads(line) for line in out.stdout.decode("utf-8").splitlines())
    assert first[0]["word"] == "b\ud800"
    assert second == {"error": "word 'b\ufffdx' is not in the vocabulary"}


def test_query_text_writes_words_as_the_files_do(vectors):
    out = w2v("neighbors", vectors, "\udcff", "-n", "1", text=False)
    assert out.returncode == 0 and out.stdout.startswith(b"b\xed\xa0\x80  0.99"), out.stderr
    out = w2v("analogy", vectors, "plain", "\udcff", "e", "-n", "5", text=False)
    assert out.returncode == 0 and b"Traceback" not in out.stderr
    assert set(out.stdout.split()[::2]) <= {w.encode("utf-8", "surrogatepass") for w in WORDS}


def test_classes_file_on_stdout_and_in_a_file_hold_the_same_bytes(vectors, tmp_path):
    out = w2v("classes", vectors, "-k", "2", text=False)
    assert out.returncode == 0 and b"Traceback" not in out.stderr, out.stderr
    assert w2v("classes", vectors, "-k", "2", "-o", tmp_path / "c.txt").returncode == 0
    assert out.stdout == (tmp_path / "c.txt").read_bytes()
    assert set(read_classes(tmp_path / "c.txt")) == set(WORDS)


def test_ngram_generate_writes_words_as_the_files_do(ngram_model):
    document = _json(w2v("ngram", "generate", ngram_model, "-n", "30", "--seed", "1", "--json", text=False))
    out = w2v("ngram", "generate", ngram_model, "-n", "30", "--seed", "1", text=False)
    assert out.returncode == 0 and b"Traceback" not in out.stderr, out.stderr
    assert out.stdout.decode("utf-8", "surrogatepass").splitlines() == document["sentences"]
    assert b"\xed\xb3\xbf" in out.stdout


def test_stdout_writes_words_as_the_files_do_in_every_locale_or_says_why_it_cannot():
    import io

    from w2v.cli import _CheckedStdout
    from w2v.errors import OutputError

    raw = io.BytesIO()
    stdout = _CheckedStdout(io.TextIOWrapper(raw, encoding="ascii", write_through=True))
    stdout.write("plain\n")
    with pytest.raises(OutputError, match=r"^could not write to standard output: its encoding \(ascii\) cannot "
                                          r"hold 'é'; set PYTHONIOENCODING=utf-8$"):
        stdout.write("caf\xe9\n")
    assert raw.getvalue() == b"plain\n"
    utf8 = io.BytesIO()
    stdout = _CheckedStdout(io.TextIOWrapper(utf8, encoding="utf-8"))
    stdout.write("a ")
    stdout.writelines(["\udcff \ud800\n", "\xe9\n"])
    stdout.flush()
    assert utf8.getvalue() == b"a \xed\xb3\xbf \xed\xa0\x80\n\xc3\xa9\n"  # in order
    # the C locale's stdout (surrogateescape) wrote U+DCFF as the byte FF, and refused U+D800
    c_locale = io.BytesIO()
    stdout = _CheckedStdout(io.TextIOWrapper(c_locale, encoding="utf-8", errors="surrogateescape"))
    stdout.write("\udcff \ud800\n")
    stdout.flush()
    assert c_locale.getvalue() == b"\xed\xb3\xbf \xed\xa0\x80\n"

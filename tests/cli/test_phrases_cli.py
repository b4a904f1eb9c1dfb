"""``w2v phrases`` and ``w2v train --phrases`` through the CLI."""
import json

import numpy as np
import pytest

from cli_runner import run_cli as w2v
from w2v.corpus import LineCorpus, Tokenizer
from w2v.corpus.phrases import Phrases
from w2v.vectors import KeyedVectors


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    import random

    rng = random.Random(3)
    fillers = [f"w{i}" for i in range(40)]
    lines = []
    for _ in range(400):
        words = rng.choices(fillers, k=rng.randint(3, 9))
        if rng.random() < 0.5:
            k = rng.randrange(len(words))
            words[k:k] = ["New", "York"] if rng.random() < 0.7 else ["bank", "of", "America"]
        lines.append(" ".join(words) + ("," if rng.random() < 0.2 else ""))
    path = tmp_path_factory.mktemp("phr") / "corpus.txt"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_writes_one_sentence_per_line_and_reports(corpus, tmp_path):
    out = tmp_path / "phrased.txt"
    result = w2v("phrases", corpus, "-o", out, "--threshold", "5", "--min-count", "3")
    assert result.returncode == 0, result.stderr
    text = out.read_text(encoding="utf-8")
    lines = text.split("\n")
    assert lines[-1] == "" and all(line and "  " not in line and line == line.strip() for line in lines[:-1])
    assert len(lines) - 1 == 400
    assert "new_york" in text.split() and "New" not in text      # default tokenizer: lowercased
    assert "pass 1: threshold 5" in result.stdout and "new_york" in result.stdout
    assert "Traceback" not in result.stderr


def test_json_and_two_passes(corpus, tmp_path):
    result = w2v("phrases", corpus, "-o", tmp_path / "p.txt", "--threshold", "5", "2", "--min-count", "3",
                 "--json", "--quiet", "--connector-words", "english")
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert [p["threshold"] for p in report["passes"]] == [5.0, 2.0]
    assert report["passes"][0]["tokens_counted"] > report["tokens_written"]
    assert "bank_of_america" in (tmp_path / "p.txt").read_text().split()
    assert result.stderr == ""


def test_connector_words_file(corpus, tmp_path):
    words = tmp_path / "connectors.txt"
    words.write_text("# joiners\nof\n", encoding="utf-8")
    result = w2v("phrases", corpus, "-o", tmp_path / "p.txt", "--threshold", "1", "--min-count", "3", "--quiet",
                 "--scoring", "gensim", "--connector-words", words)
    assert result.returncode == 0, result.stderr
    assert "bank_of_america" in (tmp_path / "p.txt").read_text().split()


@pytest.mark.parametrize("args,message", [
    (["--scoring", "npmi", "--threshold", "5"], "npmi scores lie in [-1, 1]"),
    (["--passes", "2", "--threshold", "200", "100", "50"], "passes=2 but 3 thresholds"),
    (["--threshold", "x"], "expected a number"),
    (["--scoring", "pmi"], "invalid choice"),
    (["--connector-words", "missing-file.txt"], "does not exist"),
])
def test_bad_parameters_are_one_line_errors(corpus, tmp_path, args, message):
    result = w2v("phrases", corpus, "-o", tmp_path / "p.txt", "--quiet", *args)
    assert result.returncode == 2
    first = result.stderr.strip().splitlines()[0]     # at most a hint to --help follows
    assert first.startswith("w2v phrases: error:") and message in first and "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) <= 2
    assert not (tmp_path / "p.txt").exists()


def test_refuses_to_overwrite_the_corpus(corpus):
    before = corpus.read_bytes()
    result = w2v("phrases", corpus, "-o", corpus, "--quiet")
    assert result.returncode == 2 and "is the input CORPUS" in result.stderr
    assert corpus.read_bytes() == before


def test_train_with_phrases_equals_training_on_the_phrased_file(corpus, tmp_path):
    from w2v.models.word2vec import Word2Vec

    phrased, model_path = tmp_path / "phrased.txt", tmp_path / "phrases.npz"
    result = w2v("phrases", corpus, "-o", phrased, "--save-model", model_path, "--threshold", "5", "--min-count", "3",
                 "--quiet")
    assert result.returncode == 0, result.stderr
    options = dict(dim=12, epochs=2, min_count=1, workers=1, seed=5, window=3)
    result = w2v("train", corpus, "-o", tmp_path / "a.npz", "--format", "native", "--phrases", model_path, "--quiet",
                 *[f"--{k.replace('_', '-')}={v}" for k, v in options.items()])
    assert result.returncode == 0, result.stderr
    with_phrases = KeyedVectors.load(tmp_path / "a.npz")
    on_file = Word2Vec(**options, progress=False).fit(LineCorpus(phrased, tokenizer=Tokenizer.whitespace())).wv_
    assert "new_york" in with_phrases.words
    assert with_phrases.words == on_file.words
    np.testing.assert_array_equal(with_phrases.vectors, on_file.vectors)
    assert Phrases.load(model_path).phrase_table()[0][0] in with_phrases.words


def test_train_with_a_bad_phrase_model_is_a_one_line_error(corpus, tmp_path):
    bad = tmp_path / "bad.npz"
    bad.write_bytes(b"PK not really")
    result = w2v("train", corpus, "-o", tmp_path / "v.bin", "--phrases", bad, "--quiet")
    assert result.returncode == 2
    assert "phrase model" in result.stderr and "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


@pytest.mark.parametrize("field,value,message", [
    ("words", "New York", "holds white space"),
    ("score_0", float("nan"), "NaN or infinite score"),
    ("count_0", -3, "count below 1"),
    ("threshold", float("inf"), "'threshold' of pass 0 must be a finite number"),
])
def test_train_with_a_hostile_phrase_model_is_a_one_line_error(corpus, tmp_path, field, value, message):
    # these loaded: the training ran, with a phrase no text holds, or reported a NaN score as learned
    import json as json_module

    from w2v.container import write_container
    from w2v.corpus.phrases_io import LAYOUT

    good = tmp_path / "good.npz"
    result = w2v("phrases", corpus, "-o", tmp_path / "p.txt", "--save-model", good, "--tokenizer", "whitespace",
                 "--threshold", "5", "--min-count", "3", "--quiet")
    assert result.returncode == 0, result.stderr
    with np.load(good, allow_pickle=False) as data:
        arrays = {k: data[k] for k in data.files if k != "meta"}
        meta = json_module.loads(bytes(data["meta"]).decode())
    if field == "words":
        meta["words"][meta["words"].index("New")] = value
    elif field == "threshold":
        meta["passes"][0]["threshold"] = value
    else:
        arrays[field] = arrays[field].copy()
        arrays[field][0] = value
    bad = tmp_path / "bad.npz"
    write_container(bad, LAYOUT, {k: v for k, v in meta.items() if k not in ("format", "version")}, arrays)
    result = w2v("train", corpus, "-o", tmp_path / "v.txt", "--format", "text", "--phrases", bad, "--quiet",
                 "--tokenizer", "whitespace", "--dim", "8", "--epochs", "1", "--min-count", "1")
    assert result.returncode == 2 and not (tmp_path / "v.txt").exists()
    assert result.stderr.startswith("w2v train: error: phrase model ") and result.stderr.count("\n") == 1
    assert "bad.npz" in result.stderr and message in result.stderr and "Traceback" not in result.stderr


def test_evaluate_phrase_analogies(tmp_path):
    # city -> its newspaper, a phrase with "_" as in questions-phrases.txt; vectors made so that
    # newspaper = city + offset
    rng = np.random.default_rng(0)
    offset = rng.normal(size=16)
    cities = ["boston", "chicago", "denver", "houston"]
    words, rows = [], []
    for city in cities:
        v = rng.normal(size=16)
        words += [city, f"{city}_globe"]
        rows += [v, v + 3 * offset]
    words.append("unrelated_phrase")
    rows.append(rng.normal(size=16))
    KeyedVectors(words, np.asarray(rows, dtype=np.float32)).save(tmp_path / "v.txt", format="text")
    questions = tmp_path / "questions-phrases.txt"
    questions.write_text(": newspapers\nBoston Boston_Globe Chicago Chicago_Globe\n"
                         "Denver Denver_Globe Houston Houston_Globe\nBoston Boston_Globe Austin Austin_Globe\n")
    result = w2v("evaluate", tmp_path / "v.txt", "--analogies", questions, "--json")
    assert result.returncode == 0, result.stderr
    analogy = json.loads(result.stdout)["analogy"]
    assert analogy["questions"] == 2 and analogy["skipped"] == 1
    assert analogy["accuracy"] == 1.0


def test_train_warns_when_the_phrase_model_used_another_tokenizer(corpus, tmp_path):
    model_path = tmp_path / "ws.npz"
    result = w2v("phrases", corpus, "-o", tmp_path / "p.txt", "--save-model", model_path, "--tokenizer", "whitespace",
                 "--threshold", "5", "--min-count", "3", "--quiet")
    assert result.returncode == 0, result.stderr
    result = w2v("train", corpus, "-o", tmp_path / "v.txt", "--format", "text", "--phrases", model_path, "--quiet",
                 "--dim", "8", "--epochs", "1", "--min-count", "1")
    assert result.returncode == 0, result.stderr
    assert "'whitespace' tokenizer" in result.stderr
    assert "New_York" not in (tmp_path / "v.txt").read_text()    # never matches lowercased tokens


def test_train_refuses_a_phrase_model_with_an_unknown_tokenizer(corpus, tmp_path):
    from w2v.corpus.phrases import Phrases

    model = Phrases(min_count=2, threshold=1.0).fit([["new", "york"]] * 3)
    model.tokenizer_ = "sentencepiece-v9"
    model.save(tmp_path / "new.npz")
    result = w2v("train", corpus, "-o", tmp_path / "v.txt", "--format", "text", "--phrases", tmp_path / "new.npz",
                 "--quiet", "--dim", "8", "--epochs", "1", "--min-count", "1")
    assert result.returncode == 2 and not (tmp_path / "v.txt").exists()
    assert result.stderr.startswith("w2v train: error: ") and result.stderr.count("\n") == 1
    assert "'sentencepiece-v9'" in result.stderr and "warning" not in result.stderr


def test_reads_standard_input(tmp_path):
    result = w2v("phrases", "-", "-o", tmp_path / "p.txt", "--quiet", "--scoring", "gensim", "--min-count", "1",
                 "--threshold", "0.1", stdin="new york is\nnew york\nnew york\n")
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "p.txt").read_text() == "new_york is\nnew_york\nnew_york\n"


def test_train_phrases_with_the_whitespace_tokenizer_equals_the_phrased_file(corpus, tmp_path):
    phrased, model_path = tmp_path / "phrased.txt", tmp_path / "ws.npz"
    result = w2v("phrases", corpus, "-o", phrased, "--save-model", model_path, "--tokenizer", "whitespace",
                 "--threshold", "5", "--min-count", "3", "--quiet")
    assert result.returncode == 0, result.stderr
    options = ["--dim", "8", "--epochs", "1", "--min-count", "1", "--workers", "1", "--seed", "3", "--quiet",
               "--tokenizer", "whitespace", "--format", "native"]
    a = w2v("train", corpus, "-o", tmp_path / "a.npz", "--phrases", model_path, *options)
    b = w2v("train", phrased, "-o", tmp_path / "b.npz", *options)
    assert a.returncode == 0 and b.returncode == 0, a.stderr + b.stderr
    assert "warning" not in a.stderr
    va, vb = KeyedVectors.load(tmp_path / "a.npz"), KeyedVectors.load(tmp_path / "b.npz")
    assert "New_York" in va.words and va.words == vb.words
    np.testing.assert_array_equal(va.vectors, vb.vectors)


@pytest.mark.parametrize("suffix", [".gz", ".bz2", ".XZ"])
def test_compressed_output_name_writes_a_compressed_file(tmp_path, suffix):
    # plain text under a .gz name: every corpus reader then refused it as a corrupt gzip file
    from w2v.fileio import open_binary

    out = tmp_path / ("p.txt" + suffix)
    result = w2v("phrases", "-", "-o", out, "--quiet", "--scoring", "gensim", "--min-count", "1",
                 "--threshold", "0.1", "--json", stdin="new york is\nnew york\nnew york\n")
    assert result.returncode == 0, result.stderr
    with open_binary(out) as f:
        assert f.read() == b"new_york is\nnew_york\nnew_york\n"
    assert json.loads(result.stdout)["bytes_written"] == len(b"new_york is\nnew_york\nnew_york\n")
    assert [p.name for p in tmp_path.iterdir()] == [out.name]          # no temporary file left
    counted = w2v("vocab", out, "--min-count", "1", "--tokenizer", "whitespace")
    assert counted.returncode == 0 and "new_york" in counted.stdout, counted.stderr


@pytest.mark.parametrize("option", ["--min-count", "--max-vocab-size", "--passes", "--workers"])
@pytest.mark.parametrize("value", ["9223372036854775808", "99999999999999999999"])
def test_integers_beyond_int64_are_usage_errors(corpus, tmp_path, option, value):
    # they used to end in an OverflowError (min_count) or a numba TypingError (max_vocab_size)
    result = w2v("phrases", corpus, "-o", tmp_path / "p.txt", "--quiet", option, value)
    assert result.returncode == 2, result.stderr
    assert result.stderr.startswith("w2v phrases: error:") and "must be at most 9,223,372,036,854,775,807" in result.stderr
    assert "Traceback" not in result.stderr and len(result.stderr.strip().splitlines()) <= 2
    assert not (tmp_path / "p.txt").exists()
    largest = w2v("phrases", corpus, "-o", tmp_path / "p.txt", "--quiet", "--max-vocab-size", "9223372036854775807",
                  "--min-count", "9223372036854775807")
    assert largest.returncode == 0, largest.stderr


def _shell(script):
    import subprocess
    import sys

    return subprocess.run(["/bin/bash", "-o", "pipefail", "-c", script.replace("W2V", f"'{sys.executable}' -m w2v")],
                          capture_output=True, text=True, timeout=300)


@pytest.mark.parametrize("alias", ["/dev/stdout", "/proc/self/fd/1", "link"])
def test_other_names_of_standard_output_are_standard_output(corpus, tmp_path, alias):
    # the guards compared the literal '-': -o /dev/stdout --json mixed the text and the JSON, and
    # --save-model /dev/stdout appended the zip to the text. With standard output redirected to a
    # file, -o /dev/stdout used to replace the link /dev/stdout itself by the atomic write (root may
    # write /dev): that case is run on a link of the test's own, as /dev/stdout is one
    import os

    if alias == "link":
        alias = tmp_path / "stdout"
        os.symlink("/proc/self/fd/1", alias)
    common = f"'{corpus}' --threshold 5 --min-count 3 --quiet"
    redirects = ["| cat"] if alias == "/dev/stdout" else [f"> '{tmp_path / 'so.txt'}'", "| cat"]
    for redirect in redirects:
        json_too = _shell(f"W2V phrases {common} -o {alias} --json {redirect}")
        assert json_too.returncode == 2 and "Traceback" not in json_too.stderr, json_too.stderr
        assert json_too.stderr.count("\n") == 1 and "standard output" in json_too.stderr
        model_too = _shell(f"W2V phrases {common} -o - --save-model {alias} {redirect}")
        assert model_too.returncode == 2 and "Traceback" not in model_too.stderr, model_too.stderr
        assert model_too.stderr.count("\n") == 1 and "--save-model" in model_too.stderr
        assert "standard output" in model_too.stderr
    # alone, it is -o -: the phrased text on stdout, the report on stderr
    expected = tmp_path / "p.txt"
    assert w2v("phrases", corpus, "-o", expected, "--threshold", "5", "--min-count", "3", "--quiet").returncode == 0
    pipe = "| cat" if alias == "/dev/stdout" else ""
    alone = _shell(f"W2V phrases {common} -o {alias} {pipe} > '{tmp_path / 'so.txt'}'")
    assert alone.returncode == 0, alone.stderr
    assert (tmp_path / "so.txt").read_text() == expected.read_text() and "pass 1: threshold 5" in alone.stderr
    if alias == tmp_path / "stdout":
        assert os.path.islink(alias)


def test_the_model_can_be_written_to_dev_null(corpus, tmp_path):
    # a zip written to /dev/null ended in "struct.error: argument out of range"
    result = w2v("phrases", corpus, "-o", tmp_path / "p.txt", "--save-model", "/dev/null", "--threshold", "5",
                 "--min-count", "3", "--quiet", "--json")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["model"] == "/dev/null"
    quiet = _shell(f"W2V phrases '{corpus}' -o /dev/null --save-model /dev/null --json --quiet > /dev/null")
    assert quiet.returncode == 0 and quiet.stderr == "", quiet.stderr


@pytest.mark.parametrize("source", ["file", "stdin"])
def test_replaced_bytes_are_reported_once_and_the_help_says_so(tmp_path, source):
    # the readers and the scan both warned; the help said "byte for byte" while invalid UTF-8 became U+FFFD
    # (a small file is read by the Python path, standard input by the compiled scan)
    import re

    data = b"caf\xe9 na\xefve caf\xe9\ncaf\xe9 na\xefve\n" * 3
    path = tmp_path / "latin1.txt"
    path.write_bytes(data)
    result = w2v("phrases", path if source == "file" else "-", "-o", tmp_path / "p.txt", "--tokenizer", "whitespace",
                 "--min-count", "1", "--threshold", "0", "--quiet", stdin=data if source == "stdin" else None)
    assert result.returncode == 0, result.stderr
    assert re.findall(r": replaced (\d+) invalid UTF-8", result.stderr) == ["15"], result.stderr
    assert "caf\ufffd_na\ufffdve" in (tmp_path / "p.txt").read_text()
    helps = {command: w2v(*command.split(), "--help").stdout for command in ("phrases", "train", "vocab", "ngram train")}
    for command, text in helps.items():
        flat = " ".join(text.split())
        assert "byte for byte" not in flat and "U+FFFD" in flat, command


@pytest.mark.parametrize("option, value", [("--workers", "1025"), ("--passes", "1001"),
                                           ("--workers", "9223372036854775807")])
def test_workers_and_passes_beyond_their_bounds_are_usage_errors(tmp_path, option, value):
    # far beyond any use, they only exhausted memory ([None] * workers: a MemoryError traceback)
    corpus = tmp_path / "c.txt"
    corpus.write_text("new york is big\n" * 20)
    out = w2v("phrases", corpus, "-o", tmp_path / "p.txt", option, value, "--quiet")
    assert out.returncode == 2 and "must be at most" in out.stderr and "Traceback" not in out.stderr, out.stderr


def test_phrases_api_bounds_workers_and_passes():
    from w2v.corpus.phrases import Phrases
    from w2v.errors import ParameterError

    for params in ({"workers": 2 ** 62}, {"passes": 10 ** 6}):
        with pytest.raises(ParameterError, match="must be at most"):
            Phrases(min_count=1, threshold=1.0, **params).fit([["a", "b"]] * 3)

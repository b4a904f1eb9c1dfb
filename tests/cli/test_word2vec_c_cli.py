"""word2vec.c's command line: translated with word2vec.c's meanings and defaults, and its own demo
line runs unchanged (through the CLI)."""
from __future__ import annotations

import numpy as np
import pytest

from cli_runner import run_cli as w2v
from w2v.cli import build_parser
from w2v.cli.word2vec_c import translate
from w2v.corpus import Vocabulary
from w2v.vectors import KeyedVectors
from w2v.vectors_io import detect_format

# word2vec.c's demo-word.sh, after "./word2vec"
DEMO_WORD = ("-train {corpus} -output {out} -cbow 1 -size 200 -window 8 -negative 25 -hs 0 -sample 1e-4 "
             "-threads 20 -binary 1 -iter 15")


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    # mixed case and word2phrase-style tokens: word2vec.c keeps both as they are
    rng = np.random.default_rng(0)
    words = ["New_York", "C++", "Paris", "the", "a", "of", "big", "city", "code", "runs", "in", "is"]
    lines = [" ".join(rng.choice(words, size=12)) for _ in range(400)]
    path = tmp_path_factory.mktemp("w2vc") / "text.txt"
    path.write_text("\n".join(lines) + "\n")
    return path


def _options(argv):
    parsed = build_parser().parse_args(translate(argv, build_parser()))
    return parsed


def test_word2vec_c_defaults_when_only_train_and_output_are_given(corpus):
    args = _options(["train", "-train", str(corpus), "-output", "v.bin"])
    assert (args.arch, args.objective, args.negative, args.dim, args.window, args.sample, args.epochs,
            args.min_count, args.format, args.tokenizer) == (
        "cbow", "negative", 5, 100, 5, 1e-3, 5, 5, "text", "whitespace")
    assert args.workers is None      # word2vec.c's 12 threads: here all cores
    assert args.alpha is None        # resolves to 0.05 for CBOW, 0.025 for skip-gram, as word2vec.c
    assert str(args.corpus) == str(corpus) and str(args.output) == "v.bin"


def test_every_flag_maps_to_its_option(corpus):
    args = _options(["-train", str(corpus), "-output", "v", "-size", "7", "-window", "3", "-sample", "0",
                     "-hs", "1", "-negative", "0", "-threads", "3", "-iter", "2", "-min-count", "1",
                     "-alpha", "0.1", "-cbow", "0", "-binary", "1", "-save-vocab", "s.txt", "-debug", "0"])
    assert (args.dim, args.window, args.sample, args.objective, args.workers, args.epochs, args.min_count,
            args.alpha, args.arch, args.format, str(args.save_vocab), args.quiet) == (
        7, 3, 0.0, "hierarchical", 3, 2, 1, 0.1, "skipgram", "binary", "s.txt", True)


def test_classes_maps_to_the_classes_option():
    assert translate(["-train", "c", "-output", "o", "-classes", "50"], build_parser())[-2:] == ["--classes", "50"]


def test_ordinary_lines_are_left_alone():
    argv = ["train", "c.txt", "-o", "v.bin", "--dim", "5"]
    assert translate(argv) is argv


@pytest.mark.parametrize("flags, message", [
    (["-hs", "1"], "-hs 1 -negative 0 for hierarchical softmax or -hs 0 -negative 5 for negative sampling"),
    (["-hs", "1", "-negative", "25"], "-hs 0 -negative 25"),
    (["-negative", "0"], "no output layer"),
    (["-size", "big"], "-size takes an integer"),
    (["-sample", "x"], "-sample takes a number"),
    (["-cw", "3"], "'-cw' is not a word2vec.c flag"),
    (["-size"], "-size needs a value"),
])
def test_bad_lines_are_one_line_errors(corpus, tmp_path, flags, message):
    out = w2v("train", "-train", corpus, "-output", tmp_path / "v.bin", *flags)
    assert out.returncode == 2
    assert message in out.stderr and out.stderr.count("\n") == 1 and out.stderr.startswith("w2v train: error:")
    assert not (tmp_path / "v.bin").exists()


def test_demo_word_sh_runs_unchanged(corpus, tmp_path):
    out_path = tmp_path / "vectors.bin"
    line = DEMO_WORD.format(corpus=corpus, out=out_path).split()
    out = w2v("train", *line)
    assert out.returncode == 0, out.stderr
    assert detect_format(out_path) == "binary"           # -binary 1
    kv = KeyedVectors.load(out_path)
    assert kv.dim == 200                                  # -size 200
    assert {"New_York", "C++", "Paris"} <= set(kv.words)  # word2vec.c's tokens, case and all
    assert np.isfinite(kv.vectors).all()
    # the same line after the program name alone ("./word2vec -train ...") works too
    out = w2v(*DEMO_WORD.format(corpus=corpus, out=tmp_path / "again.bin").split())
    assert out.returncode == 0, out.stderr and (tmp_path / "again.bin").exists()


def test_default_output_is_text_even_when_named_bin(corpus, tmp_path):
    out = w2v("-train", corpus, "-output", tmp_path / "v.bin", "-size", 10, "-iter", 1, "-debug", 0)
    assert out.returncode == 0, out.stderr
    assert detect_format(tmp_path / "v.bin") == "text"  # word2vec.c's -binary 0


def test_save_vocab_then_read_vocab(corpus, tmp_path):
    saved = tmp_path / "vocab.txt"
    out = w2v("-train", corpus, "-output", tmp_path / "a.txt", "-size", 8, "-iter", 1, "-save-vocab", saved,
              "-debug", 0)
    assert out.returncode == 0, out.stderr
    vocab = Vocabulary.load(saved)
    assert set(vocab.words) == set(KeyedVectors.load(tmp_path / "a.txt").words)
    # a word2vec.c-style file (no header) with the 4 most frequent words: training uses those only
    lines = saved.read_text().splitlines()
    saved.write_text("\n".join(lines[1:5]) + "\n")
    out = w2v("-train", corpus, "-output", tmp_path / "b.txt", "-size", 8, "-iter", 1, "-read-vocab", saved,
              "-debug", 0)
    assert out.returncode == 0, out.stderr
    assert KeyedVectors.load(tmp_path / "b.txt").words == vocab.words[:4]


def test_save_vocab_format_word2vec_c_writes_word2vec_c_s_own_file(corpus, tmp_path):
    # word2vec.c's -read-vocab takes the first line as word 0, its sentence end: no header, </s> first
    saved = tmp_path / "vocab.txt"
    out = w2v("train", corpus, "-o", tmp_path / "a.txt", "--dim", 8, "--epochs", 1, "--save-vocab", saved,
              "--save-vocab-format", "word2vec.c", "--quiet", "--min-count", 1, "--tokenizer", "whitespace")
    assert out.returncode == 0, out.stderr
    lines = saved.read_text().splitlines()
    assert lines[0] == "</s> 400" and not any(line.startswith("#") for line in lines)
    words = KeyedVectors.load(tmp_path / "a.txt").words
    assert [line.split()[0] for line in lines[1:]] == list(words)
    out = w2v("-train", corpus, "-output", tmp_path / "b.txt", "-size", 8, "-iter", 1, "-read-vocab", saved,
              "-debug", 0, "-min-count", 1)
    assert out.returncode == 0, out.stderr
    # the ordinary option keeps w2v's header (total words, min count), which its reader uses
    out = w2v("train", corpus, "-o", tmp_path / "c.txt", "--dim", 8, "--epochs", 1, "--quiet",
              "--save-vocab", tmp_path / "native.txt")
    assert out.returncode == 0, out.stderr
    assert (tmp_path / "native.txt").read_text().startswith("#w2v-vocabulary ")


def test_classes_flag_writes_classes_beside_the_vectors(corpus, tmp_path):
    out = w2v("-train", corpus, "-output", tmp_path / "v.txt", "-size", 8, "-iter", 1, "-classes", 3, "-debug", 0)
    assert out.returncode == 0, out.stderr
    kv = KeyedVectors.load(tmp_path / "v.txt")
    lines = (tmp_path / "v.classes.txt").read_text().split("\n")
    pairs = [line.split() for line in lines if line]
    assert {w for w, _ in pairs} == set(kv.words) and {int(c) for _, c in pairs} <= {0, 1, 2}


@pytest.mark.parametrize("argv", [
    ["train", "-size", "7", "-train", "{c}", "-output", "o.txt"],
    ["-size", "7", "-output", "o.txt", "-train", "{c}"],
    ["train", "-output", "o.txt", "-cbow", "0", "-train", "{c}", "-size", "7"],
])
def test_word2vec_c_flags_in_any_order_as_word2vec_c_reads_them(corpus, argv):
    args = _options([a.format(c=corpus) for a in argv])
    assert (str(args.corpus), str(args.output), args.dim) == (str(corpus), "o.txt", 7)


def test_a_repeated_flag_takes_its_first_value_as_word2vec_c_does(corpus):
    # word2vec.c's ArgPos finds the first occurrence
    args = _options(["train", "-train", str(corpus), "-output", "o.txt", "-size", "10", "-size", "20", "-iter", "3",
                     "-output", "other.txt"])
    assert (args.dim, args.epochs, str(args.output)) == (10, 3, "o.txt")


def test_a_line_not_starting_with_train_runs(corpus, tmp_path):
    out = w2v("train", "-size", 6, "-train", corpus, "-output", tmp_path / "v.txt", "-iter", 1, "-debug", 0)
    assert out.returncode == 0, out.stderr
    assert KeyedVectors.load(tmp_path / "v.txt").vectors.shape[1] == 6

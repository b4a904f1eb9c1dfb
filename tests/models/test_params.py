"""Issue 15, items 9 and 14: parameters of the wrong type or beyond their documented bounds are
ParameterErrors naming the parameter, raised before any text is read; a model too large for the
machine is refused (with the size in GiB) before its weights are allocated."""
import subprocess
import sys

import numpy as np
import pytest

from cli_runner import run_cli
from w2v.models import params
from w2v.models.word2vec import ParameterError, Word2Vec


@pytest.mark.parametrize("name, value", [
    ("alpha", "0.1"), ("sample", "x"), ("workers", "2"), ("dim", True), ("dim", 20.0), ("window", "5"),
    ("min_count", False), ("negative", 2.5), ("ns_exponent", "0.75"), ("min_alpha", "0"), ("epochs", None),
    ("max_vocab_size", "100"), ("seed", 1.5), ("workers", True), ("cbow_mean", "no"),
    ("shared_negatives", "yes"), ("alpha", float("nan")), ("sample", float("nan"))])
def test_wrong_types_are_parameter_errors_naming_the_parameter(name, value):
    with pytest.raises(ParameterError, match=f"^{name}="):
        Word2Vec(**{name: value}).fit("/nonexistent/corpus.txt")


@pytest.mark.parametrize("name, value", [
    ("ns_exponent", 1000.0), ("ns_exponent", -1000), ("negative", 10 ** 20), ("window", 10 ** 9),
    ("epochs", 10 ** 20), ("workers", 10 ** 6), ("dim", 10 ** 20), ("seed", 2 ** 64)])
def test_extreme_values_are_refused_before_reading(name, value):
    with pytest.raises(ParameterError, match=f"^{name}="):
        Word2Vec(**{name: value}).fit("/nonexistent/corpus.txt")


@pytest.mark.parametrize("name", ["ns_exponent", "negative", "window", "epochs", "workers"])
def test_the_bounds_themselves_are_accepted(name):
    low, high = params.BOUNDS[name]
    Word2Vec(**{name: high}).check_params()
    Word2Vec(**{name: low, "objective": "hierarchical"}).check_params()


def test_numpy_scalars_and_integral_bools_for_flags_are_fine():
    Word2Vec(dim=np.int64(8), alpha=np.float32(0.01), sample=0, cbow_mean=1, shared_negatives=np.bool_(False),
             ns_exponent=1).check_params()


def test_memory_estimate_grows_with_every_size():
    base = dict(architecture="skipgram", objective="negative", dim=100, window=5, negative=5, workers=2)
    size = params.training_bytes(vocab_size=1000, **base)
    # the input and output matrices at least (wv_ is the input matrix, not a copy)
    assert 2 * 1000 * 100 * 4 <= size < 3 * 1000 * 100 * 4
    for name, bigger in (("dim", 200), ("window", 50), ("negative", 50), ("workers", 4)):
        assert params.training_bytes(vocab_size=1000, **{**base, name: bigger}) > size, name
    assert params.training_bytes(vocab_size=2000, **base) > size
    # full softmax scores every word for every context row in each thread
    softmax = params.training_bytes(vocab_size=1000, **{**base, "objective": "softmax"})
    assert softmax - size >= 2 * 2 * 5 * 1000 * 4


def test_a_vocabulary_too_large_for_memory_is_refused_after_counting(tmp_path, monkeypatch):
    corpus = tmp_path / "c.txt"
    corpus.write_text("a b c d e f g h\n" * 10)
    monkeypatch.setattr(params, "memory_limit", lambda: 10 * 2 ** 20)   # a 10 MiB machine
    model = Word2Vec(dim=100_000, window=1, workers=2, min_count=1, progress=False)
    model.check_params()                # one word of 100,000 floats fits
    with pytest.raises(ParameterError, match=r"dim=100000 x 8 words needs [0-9.]+ GiB") as err:
        model.fit(corpus)
    needed = float(str(err.value).split(" needs ")[1].split()[0])
    # at least the input matrix, the output matrix and the published copy: 3 x 8 x 100,000 float32
    assert needed >= 3 * 8 * 100_000 * 4 / 2 ** 30 * 0.99
    assert getattr(model, "wv_", None) is None


def test_memory_limit_is_positive():
    assert params.memory_limit() > 2 ** 20


def _run_limited(args, limit_bytes):
    """w2v in a child whose address space is capped, so a failed check cannot take the machine down."""
    code = ("import resource, subprocess, sys\n"
            f"resource.setrlimit(resource.RLIMIT_AS, ({limit_bytes}, {limit_bytes}))\n"
            "r = subprocess.run(sys.argv[1:], capture_output=True, text=True)\n"
            "sys.stderr.write(r.stderr); sys.stdout.write(r.stdout); sys.exit(r.returncode)\n")
    return subprocess.run([sys.executable, "-c", code, sys.executable, "-m", "w2v", *map(str, args)],
                          capture_output=True, text=True, timeout=120)


def test_cli_huge_dim_is_a_usage_error_in_gib_before_allocating(tmp_path):
    corpus = tmp_path / "c.txt"
    corpus.write_text("the cat sat on the mat\n" * 50)
    out = _run_limited(["train", corpus, "-o", tmp_path / "v.bin", "--dim", 10_000_000, "--quiet",
                        "--min-count", 1], 3 * 2 ** 30)
    assert out.returncode == 2, out.stderr
    assert "GiB" in out.stderr and "Traceback" not in out.stderr and "dim" in out.stderr
    assert not (tmp_path / "v.bin").exists()


def test_cli_impossible_dim_is_refused_before_the_corpus_is_read(tmp_path):
    broken = tmp_path / "c.txt.gz"
    broken.write_bytes(b"not gzip at all")
    out = _run_limited(["train", broken, "-o", tmp_path / "v.bin", "--dim", 10 ** 12, "--quiet"], 3 * 2 ** 30)
    assert out.returncode == 2 and "GiB" in out.stderr and "corrupt" not in out.stderr, out.stderr


@pytest.mark.parametrize("option", [["--ns-exponent", "1000"], ["--ns-exponent", "-1000"],
                                    ["--negative", str(10 ** 20)], ["--window", str(10 ** 9)]])
def test_cli_extreme_options_are_usage_errors(tmp_path, option):
    broken = tmp_path / "c.txt.gz"
    broken.write_bytes(b"not gzip: reading it would fail differently")
    out = _run_limited(["train", broken, "-o", tmp_path / "v.bin", "--quiet", *option], 3 * 2 ** 30)
    assert out.returncode == 2, out.stderr
    assert option[0].lstrip("-").replace("-", "_") in out.stderr and "Traceback" not in out.stderr
    assert "corrupt" not in out.stderr


def test_cli_ngram_order_beyond_its_bound_is_a_usage_error_before_reading(tmp_path):
    broken = tmp_path / "c.txt.gz"
    broken.write_bytes(b"not gzip")
    out = run_cli("ngram", "train", broken, "-o", tmp_path / "m.npz", "-n", str(10 ** 20))
    assert out.returncode == 2 and "order" in out.stderr and "corrupt" not in out.stderr, out.stderr


@pytest.mark.parametrize("epochs", [True, "2", 0, 10 ** 20])
def test_partial_fit_epochs_is_checked(tmp_path, epochs):
    corpus = tmp_path / "c.txt"
    corpus.write_text("a b c d\n" * 5)
    model = Word2Vec(dim=4, min_count=1, epochs=1, progress=False, workers=1).fit(corpus)
    with pytest.raises(ParameterError, match="epochs"):
        model.partial_fit(corpus, epochs=epochs)


def test_min_count_0_is_accepted_and_means_1(tmp_path):
    # word2vec.c and gensim take min_count 0: no word is rarer than once
    text = "the cat sat on the mat\nthe dog ate a rare bone\n" * 3 + "hapax legomenon\n"
    corpus = tmp_path / "c.txt"
    corpus.write_text(text)
    one, zero = (Word2Vec(min_count=m, dim=4, epochs=1, workers=1, progress=False).fit(corpus)
                 for m in (1, 0))
    assert zero.vocab_.words == one.vocab_.words and "hapax" in zero.vocab_.words
    assert zero.vocab_.min_count == 1
    zero.vocab_.save(tmp_path / "v.txt")
    assert Word2Vec(min_count=0, dim=4, epochs=1, workers=1, progress=False).fit(
        corpus, vocabulary=tmp_path / "v.txt").vocab_.words == one.vocab_.words
    from w2v.corpus import Vocabulary

    out = run_cli("train", corpus, "-o", tmp_path / "a.txt", "--min-count", "0", "--quiet", "--dim", "4",
                  "--save-vocab", tmp_path / "v0.txt")
    assert out.returncode == 0, out.stderr
    assert Vocabulary.load(tmp_path / "v0.txt").words == one.vocab_.words
    out = run_cli("train", "-train", corpus, "-output", tmp_path / "b.txt", "-min-count", "0", "-debug", "0",
                  "-size", "4")
    assert out.returncode == 0, out.stderr

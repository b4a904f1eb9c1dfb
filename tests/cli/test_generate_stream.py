"""Issue 15, item 13: ``w2v ngram generate -n HUGE | head`` prints as it samples and stops quietly
when the pipe is closed, instead of collecting everything first."""
import subprocess
import sys
import time

import pytest

from w2v.ngram import NgramLM

TRAIN = [s.split() for s in ["the cat sat on the mat", "the dog sat on the log", "a cat saw the dog",
                             "the dog saw a cat", "a dog sat", "the cat ran"] * 5]


@pytest.fixture(scope="module")
def model(tmp_path_factory):
    path = tmp_path_factory.mktemp("gen") / "m.npz"
    NgramLM(order=2, smoothing="kneser-ney", min_count=1).fit(TRAIN).save(path)
    return path


def test_huge_count_streams_into_head_and_stops_quietly(model):
    start = time.monotonic()
    head = subprocess.Popen(["head", "-n", "3"], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    gen = subprocess.Popen([sys.executable, "-m", "w2v", "ngram", "generate", str(model), "-n", str(10 ** 11),
                            "--seed", "1"], stdout=head.stdin, stderr=subprocess.PIPE, text=True)
    head.stdin.close()  # only the generator holds the pipe now
    try:
        head.wait(timeout=20)  # never reached if nothing is printed until all is sampled
        lines = head.stdout.read()
        _, err = gen.communicate(timeout=20)
    finally:
        for proc in (head, gen):
            if proc.poll() is None:
                proc.kill()
    assert len(lines.splitlines()) == 3
    assert gen.returncode == 0 and err == "", err
    assert time.monotonic() - start < 30


def test_iter_generate_matches_generate(model):
    lm = NgramLM.load(model)
    words = lm.generate(40, seed=3, context=["the"])
    stream = lm.iter_generate(40, seed=3, context=["the"])
    assert iter(stream) is stream  # a generator, not a list
    assert list(stream) == words and len(words) == 40


ARPA = """\\data\\
ngram 1=5
ngram 2=2

\\1-grams:
-1.0\t<unk>\t0
-99\t<s>\t-0.3
{eos}\t</s>
-0.6\ta\t{bow_a}
-0.6\tb\t0

\\2-grams:
-0.2\t<s> a
{ab}\ta b

\\end\\
"""


def _arpa(tmp_path, eos="-0.5", bow_a="0", ab="-0.1"):
    path = tmp_path / "m.arpa"
    path.write_text(ARPA.format(eos=eos, bow_a=bow_a, ab=ab))
    return path


@pytest.mark.parametrize("bow_a, ab", [("-99", "-99"), ("1e30", "-0.1")], ids=["nothing-follows", "absurd-weight"])
def test_a_context_without_a_distribution_is_an_error_not_a_sampled_word(tmp_path, bow_a, ab):
    # after "a" every word has probability 0 (the bigram and the back-off weight are -99, log10 of
    # zero), or the back-off weight 10^1e30 overflows: the last word of the vocabulary was drawn, with
    # numpy's overflow warnings, instead of saying the model cannot continue
    import warnings

    from w2v.errors import ModelFormatError

    lm = NgramLM.load(_arpa(tmp_path, bow_a=bow_a, ab=ab))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(ModelFormatError, match="after '<s> a'"):
            lm.generate(5, seed=1, context=["<s>", "a"])  # <s> written: it is no longer implied
    out = subprocess.run([sys.executable, "-m", "w2v", "ngram", "generate", str(tmp_path / "m.arpa"), "-n", "5",
                          "--context", "a"], capture_output=True, text=True, timeout=120)
    assert out.returncode == ModelFormatError.exit_code and "Traceback" not in out.stderr, out.stderr
    assert "Warning" not in out.stderr
    assert out.stderr.strip().startswith("w2v ngram generate: error:") and out.stdout == ""


def test_words_stream_when_the_model_never_ends_a_sentence(tmp_path):
    # p(</s>) = 0: the sentence never ended, so nothing was printed and memory grew with -n
    model = _arpa(tmp_path, eos="-99", bow_a="5")
    out = subprocess.run(f"'{sys.executable}' -m w2v ngram generate '{model}' -n {10 ** 11} --seed 1 | head -c 200",
                         shell=True, capture_output=True, text=True, timeout=60)
    assert len(out.stdout) == 200 and set(out.stdout.split()) <= {"a", "b", "<unk>"}, out.stdout


def test_json_output_is_bounded(model):
    # --json holds the whole text in one document: -n 10**11 gathered tokens until memory ran out
    out = subprocess.run([sys.executable, "-m", "w2v", "ngram", "generate", str(model), "-n", str(10 ** 11), "--json"],
                         capture_output=True, text=True, timeout=60)
    assert out.returncode == 2 and "--json" in out.stderr and out.stdout == "", out.stderr


def test_a_file_giving_bos_a_probability_never_generates_it(tmp_path, capsys):
    # <s> is never predicted (KenLM gives it no probability as a word); a file that lists it with one,
    # as a unigram (-0.3) and after "a" (-0.01), had generate emit "<s>" as a word
    import json

    from w2v.cli import main

    path = tmp_path / "s.arpa"
    path.write_text("\\data\\\nngram 1=4\nngram 2=1\n\n\\1-grams:\n-99\t<unk>\n-0.3\t<s>\t0\n-0.5\t</s>\n"
                    "-0.6\ta\t0\n\n\\2-grams:\n-0.01\ta <s>\n\n\\end\\\n")
    lm = NgramLM.load(path)
    assert lm.logprob("<s>", ["a"]) == lm.logprob("<s>", []) == -float("inf")
    dist = lm.next_word_distribution(["a"])
    assert dist[lm.vocab_.index["<s>"]] == 0.0
    assert dist[lm.vocab_.index["</s>"]] == pytest.approx(10 ** -0.5)    # bow(a) = 0: the unigram
    assert main(["ngram", "generate", str(path), "-n", "12", "--seed", "3", "--json"]) == 0
    tokens = json.loads(capsys.readouterr().out)["tokens"]
    assert len(tokens) == 12 and set(tokens) <= {"a", "</s>"}
    assert "<s>" not in lm.generate(500, seed=1)

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

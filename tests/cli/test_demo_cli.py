"""``w2v demo``: the README's main command trains on the demo corpus and reports what it learned."""
import re

from cli_runner import run_cli
from w2v.vectors import KeyedVectors


def test_demo_learns_the_planted_analogies_and_keeps_outputs(tmp_path):
    out = run_cli("demo", "--tokens", "100000", "--dim", "50", "--quiet", "--out", tmp_path)
    assert out.returncode == 0, out.stderr
    total = re.search(r"^\s+total\s+(\d+)/(\d+)\s+([0-9.]+)$", out.stdout, re.M)
    assert total, out.stdout
    correct, questions, accuracy = int(total[1]), int(total[2]), float(total[3])
    assert questions > 1000 and 0 <= correct <= questions
    assert abs(accuracy - correct / questions) < 0.001, out.stdout  # the printed ratio is the count's
    assert accuracy > 0.5, out.stdout  # chance is ~1/4000
    assert "nearest neighbours:" in out.stdout
    kv = KeyedVectors.load(tmp_path / "vectors.bin")
    assert kv.vectors.shape[1] == 50
    assert {"demo-corpus.txt", "demo-questions.txt", "vectors.bin"} <= {p.name for p in tmp_path.iterdir()}

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


def test_tokens_above_the_bound_is_a_usage_error_and_builds_nothing(tmp_path, monkeypatch):
    """``w2v demo --tokens 100000000000`` built the corpus in memory until a MemoryError (or the OOM
    killer); the generator is replaced here so that the test cannot do the same."""
    import w2v.corpus.demo

    asked = []

    def record(folder, n_tokens=0, seed=0):
        asked.append(n_tokens)
        raise RuntimeError("the demo corpus would be built")

    monkeypatch.setattr(w2v.corpus.demo, "write_demo_corpus", record)
    out = run_cli("demo", "--tokens", "100000000000", "--out", tmp_path / "d", "--quiet")
    assert asked == [] and out.returncode == 2, (asked, out.stderr)
    lines = [line for line in out.stderr.strip().splitlines() if not line.startswith("(run ")]
    assert "Traceback" not in out.stderr and len(lines) == 1, out.stderr
    assert "--tokens" in lines[0] and "at most 10,000,000" in lines[0]
    assert not (tmp_path / "d").exists()

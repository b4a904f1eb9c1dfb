"""Issue 15, item 5: --json output is strict JSON (never NaN or Infinity, never a traceback), and a
vector file holding non-finite rows never makes a query word its own neighbour. Whether such a
file is refused at load (exit 2) or loaded, the answers must be honest."""
import json
import math

import numpy as np
import pytest

from cli_runner import run_cli as w2v
from w2v.cli._safety import dumps, finite_or_none
from w2v.vectors import KeyedVectors, QueryError

WORDS = ["king", "queen", "man", "woman", "broken", "apple", "pear", "paris"]


def _strict(text):
    def refuse(constant):
        raise ValueError(f"not JSON: {constant}")
    return json.loads(text, parse_constant=refuse)


@pytest.fixture
def damaged(tmp_path):
    """A word2vec text file in which 'broken' is NaN and 'paris' is -inf."""
    rng = np.random.default_rng(0)
    rows = rng.normal(size=(len(WORDS), 5)).astype(np.float32)
    rows[WORDS.index("broken")] = np.nan
    rows[WORDS.index("paris"), 2] = -np.inf
    path = tmp_path / "v.txt"
    path.write_text(f"{len(WORDS)} 5\n" + "".join(
        w + " " + " ".join(str(x) for x in row) + "\n" for w, row in zip(WORDS, rows)))
    return path


def _honest(out, query_words=()):
    """Refused with one line (exit 2), or answered in strict JSON without the query words."""
    assert "Traceback" not in out.stderr, out.stderr
    if out.returncode != 0:
        assert out.returncode == 2 and len(out.stderr.strip().splitlines()) == 1, out.stderr
        assert out.stdout == ""
        return None
    data = _strict(out.stdout)
    if isinstance(data, list):
        assert not {d["word"] for d in data} & set(query_words)
    return data


@pytest.mark.parametrize("word", ["king", "broken", "paris"])
def test_neighbors_json(damaged, word):
    data = _honest(w2v("neighbors", damaged, word, "--json", "-n", "20"), [word])
    if data is not None:
        assert all(math.isfinite(d["similarity"]) for d in data)
        assert word != "king" or not {"broken", "paris"} & {d["word"] for d in data}


@pytest.mark.parametrize("words", [["man", "king", "woman"], ["man", "broken", "woman"]])
@pytest.mark.parametrize("mul", [[], ["--mul"]])
def test_analogy_json(damaged, words, mul):
    _honest(w2v("analogy", damaged, *words, "--json", *mul), words)


@pytest.mark.parametrize("pair", [["king", "queen"], ["king", "broken"], ["paris", "apple"]])
def test_similarity_json(damaged, pair):
    data = _honest(w2v("similarity", damaged, *pair, "--json"))
    if data is not None:
        assert data["similarity"] is None or -1.0001 <= data["similarity"] <= 1.0001


def test_evaluate_json(damaged, tmp_path):
    pairs = tmp_path / "pairs.tsv"
    pairs.write_text("king\tqueen\t8\nking\tbroken\t5\napple\tpear\t7\nman\twoman\t6\n")
    questions = tmp_path / "q.txt"
    questions.write_text(": s\nman king woman queen\nman broken woman queen\n")
    _honest(w2v("evaluate", damaged, "--pairs", pairs, "--analogies", questions, "--json"))


def test_nonfinite_query_is_a_query_error_and_ranked_answers_skip_nonfinite_rows():
    vectors = np.eye(4, dtype=np.float32)
    vectors[1] = [0.9, 0.1, 0, 0]
    kv = KeyedVectors(["a", "b", "c", "d"], vectors)
    kv.vectors[3] = np.nan  # KeyedVectors refuses such a matrix; an edit in place is not seen
    kv.clear_cache()
    assert [w for w, _ in kv.most_similar("a", topn=10)] == ["b", "c"]
    assert [w for w, _ in kv.most_similar_cosmul("a", topn=10)] == ["b", "c"]
    with pytest.raises(QueryError, match="'d'"):
        kv.most_similar("d")
    with pytest.raises(QueryError, match="'d'"):
        kv.similarity("a", "d")
    with pytest.raises(QueryError):
        kv.similar_by_vector(np.array([np.inf, 0, 0, 0]))


def test_dumps_writes_null_for_nonfinite_numbers():
    value = {"a": float("nan"), "b": [1.5, float("-inf"), np.float32("inf")], "c": (np.float64(2.0), "x")}
    assert _strict(dumps(value)) == {"a": None, "b": [1.5, None, None], "c": [2.0, "x"]}
    assert finite_or_none(np.int64(3)) == 3


def test_word_pairs_with_a_nonfinite_vector_say_why_there_is_no_correlation(tmp_path):
    from w2v.evaluate import evaluate_word_pairs

    kv = KeyedVectors(["a", "b", "c", "d"], np.random.default_rng(1).normal(size=(4, 3)))
    kv.vectors[2] = np.nan  # edited in place (KeyedVectors refuses such a matrix when given one)
    kv.clear_cache()
    pairs = tmp_path / "p.tsv"
    pairs.write_text("a\tb\t1\na\tc\t2\nb\td\t3\n")
    result = evaluate_word_pairs(kv, pairs)
    assert result.spearman is None and "non-finite" in result.reason


@pytest.mark.parametrize("command", [["train", "{c}", "--min-count", "1"], ["vocab", "{c}"], ["ngram", "train", "{c}"],
                                     ["export", "{v}"], ["classes", "{v}", "-k", "2"]])
@pytest.mark.parametrize("name", ["-", "/dev/stdout"])
def test_json_with_the_result_on_standard_output_is_refused_by_every_command(tmp_path, command, name):
    corpus, vectors = tmp_path / "c.txt", tmp_path / "v.txt"
    corpus.write_text("the cat sat on the mat\n" * 20)
    vectors.write_text("3 2\nthe 1 0\ncat 0 1\nmat 1 1\n")
    args = [a.format(c=corpus, v=vectors) for a in command]
    out = w2v(*args, "-o", name, "--json")
    assert out.returncode == 2 and out.stdout == "", out.stderr
    assert "--json and -o (standard output) would both write there" in out.stderr

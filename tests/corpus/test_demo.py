"""The demo corpus: deterministic, the requested size, well-formed questions, and relations that are
really in the text (statistical properties of the generated sentences, not of the word tables)."""
from __future__ import annotations

import subprocess
import sys
from collections import Counter
from pathlib import Path

import numpy as np
import pytest

from w2v.corpus.demo import RELATIONS, generate_demo_corpus, main, write_demo_corpus


@pytest.fixture(scope="module")
def default_demo():
    return generate_demo_corpus()


@pytest.fixture(scope="module")
def small_demo():
    return generate_demo_corpus(n_tokens=100_000, seed=3)


def _question_lines(questions: str):
    return [line.split() for line in questions.splitlines() if not line.startswith(":")]


def _cooccurrences(sentences, radius: int) -> Counter:
    """Counts of ordered (word, context) pairs at most ``radius`` positions apart in a sentence."""
    pairs = Counter()
    for s in sentences:
        for i, w in enumerate(s):
            for j in range(max(0, i - radius), min(len(s), i + radius + 1)):
                if j != i:
                    pairs[w, s[j]] += 1
    return pairs


def test_same_seed_gives_the_same_corpus_and_another_seed_a_different_one():
    a = generate_demo_corpus(n_tokens=20_000, seed=7)
    b = generate_demo_corpus(n_tokens=20_000, seed=7)
    c = generate_demo_corpus(n_tokens=20_000, seed=8)
    assert a.sentences == b.sentences
    assert a.sentences != c.sentences
    assert a.questions == c.questions  # the questions depend on the relations, not on the seed
    assert a.seed == 7


@pytest.mark.parametrize("n_tokens", [1, 37, 5_000, 123_457])
def test_token_count_is_exactly_the_request(n_tokens):
    demo = generate_demo_corpus(n_tokens=n_tokens, seed=1)
    assert demo.n_tokens == n_tokens
    assert all(len(s) > 0 for s in demo.sentences)


def test_default_size_and_sentences_look_like_text(default_demo):
    assert default_demo.n_tokens == 300_000
    lengths = np.array([len(s) for s in default_demo.sentences])
    assert 5 <= lengths.mean() <= 15 and lengths.max() <= 30
    tokens = [w for s in default_demo.sentences for w in s]
    assert all(w and w == w.strip() and " " not in w for w in tokens)
    counts = Counter(tokens)
    assert counts.most_common(1)[0][0] == "the"
    # min_count has something to prune and subsampling something to thin out (f > 1e-3).
    assert sum(c < 5 for c in counts.values()) > 300
    assert sum(c / len(tokens) > 1e-3 for c in counts.values()) > 20


def test_filler_frequencies_follow_a_zipf_law(default_demo):
    counts = Counter(w for s in default_demo.sentences for w in s)
    planted = {w for rel in RELATIONS for group in (*rel.pairs, *rel.themes, *rel.roles) for w in group}
    filler = sorted((c for w, c in counts.items() if w not in planted), reverse=True)
    ranks = np.arange(1, 501)
    slope = np.polyfit(np.log(ranks), np.log(filler[:500]), 1)[0]
    assert -1.25 < slope < -0.75


def test_question_file_is_well_formed(default_demo):
    lines = default_demo.questions.splitlines()
    headers = [line[2:] for line in lines if line.startswith(": ")]
    assert headers == [rel.name for rel in RELATIONS]
    assert len(headers) == sum(line.startswith(":") for line in lines)
    questions = _question_lines(default_demo.questions)
    assert all(len(q) == 4 and all(w.islower() for w in q) for q in questions)
    assert len(questions) == sum(len(r.pairs) * (len(r.pairs) - 1) for r in RELATIONS)
    assert len(set(map(tuple, questions))) == len(questions)
    # "a b c d": (a, b) and (c, d) are two different pairs of the same section
    assert all(q[0] != q[2] and q[1] != q[3] and len(set(q)) == 4 for q in questions)


def test_every_question_word_reaches_min_count_at_default_size(default_demo):
    counts = Counter(w for s in default_demo.sentences for w in s)
    words = {w for q in _question_lines(default_demo.questions) for w in q}
    assert min(counts[w] for w in words) >= 5
    # no planted word is used by two relations, or by a pair and a theme
    planted = [w for rel in RELATIONS for group in (*rel.pairs, *rel.themes, *rel.roles) for w in group]
    assert len(planted) == len(set(planted))


def test_each_capital_cooccurs_with_its_own_country_far_more_than_with_others(default_demo):
    pairs = _cooccurrences(default_demo.sentences, radius=3)
    capitals = next(r for r in RELATIONS if r.name == "capital-country")
    for i, (capital, _) in enumerate(capitals.pairs):
        # the country's "neighbourhood": its name and its theme words
        with_each = [sum(pairs[capital, w] for w in (country, *theme))
                     for (_, country), theme in zip(capitals.pairs, capitals.themes)]
        own, others = with_each[i], with_each[:i] + with_each[i + 1:]
        assert own >= 50
        assert own > 10 * max(others)


def test_role_words_separate_first_and_second_members_in_every_relation(default_demo):
    pairs = _cooccurrences(default_demo.sentences, radius=3)
    for rel in RELATIONS:
        first_role, second_role = rel.roles
        for a, b in rel.pairs:
            for word, own, other in ((a, first_role, second_role), (b, second_role, first_role)):
                with_own = sum(pairs[word, w] for w in own)
                with_other = sum(pairs[word, w] for w in other)
                assert with_own > 5 * max(with_other, 1), (rel.name, word)


def test_planted_analogies_are_recoverable_from_cooccurrence_counts(small_demo):
    """A count-based model (PPMI + SVD, as in Levy & Goldberg 2014) already answers most questions
    with 3CosAdd on 100k tokens, so a working word2vec trainer must as well."""
    counts = Counter(w for s in small_demo.sentences for w in s)
    words = [w for w, c in counts.most_common() if c >= 20]
    index = {w: i for i, w in enumerate(words)}
    cooc = np.zeros((len(words), len(words)))
    for (w, c), n in _cooccurrences(small_demo.sentences, radius=2).items():
        if w in index and c in index:
            cooc[index[w], index[c]] = n
    total = cooc.sum()
    context = cooc.sum(0) ** 0.75
    with np.errstate(divide="ignore"):
        pmi = np.log(cooc / total) - np.log(cooc.sum(1) / total)[:, None] - np.log(context / context.sum())[None, :]
    u, s, _ = np.linalg.svd(np.maximum(pmi, 0.0), full_matrices=False)
    vectors = u[:, :50] * np.sqrt(s[:50])
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    questions = _question_lines(small_demo.questions)
    assert all(w in index for q in questions for w in q)
    correct = 0
    for a, b, c, d in questions:
        scores = vectors @ (vectors[index[b]] - vectors[index[a]] + vectors[index[c]])
        scores[[index[a], index[b], index[c]]] = -np.inf
        correct += words[int(np.argmax(scores))] == d
    assert correct / len(questions) > 0.8


def test_a_capital_never_appears_near_another_country(small_demo):
    capitals = next(r for r in RELATIONS if r.name == "capital-country")
    pairs = _cooccurrences(small_demo.sentences, radius=3)
    shifted = capitals.pairs[1:] + capitals.pairs[:1]
    for (capital, country), (_, wrong_country) in zip(capitals.pairs, shifted):
        assert pairs[capital, country] > 0
        assert pairs[capital, wrong_country] == 0


def test_write_demo_corpus_writes_lines_and_questions(tmp_path):
    folder = tmp_path / "new" / "demo"
    corpus_path, questions_path = write_demo_corpus(folder, n_tokens=3_000, seed=5)
    assert corpus_path.parent == folder and questions_path.parent == folder
    demo = generate_demo_corpus(n_tokens=3_000, seed=5)
    lines = corpus_path.read_text(encoding="utf-8").splitlines()
    assert [line.split(" ") for line in lines] == demo.sentences
    assert questions_path.read_text(encoding="utf-8") == demo.questions
    assert not [p for p in folder.iterdir() if p.name.endswith(".tmp")]


def test_bad_sizes_are_rejected():
    with pytest.raises(ValueError, match="n_tokens"):
        generate_demo_corpus(n_tokens=0)
    with pytest.raises(ValueError):
        generate_demo_corpus(n_tokens=100, fact_share=1.5)


def test_sizes_above_the_bound_are_rejected_before_anything_is_built(tmp_path, capsys):
    """The corpus is built in memory: --tokens 100000000000 ended in a MemoryError or the OOM killer."""
    from w2v.corpus.demo import MAX_DEMO_TOKENS

    assert MAX_DEMO_TOKENS == 10_000_000
    with pytest.raises(ValueError, match="n_tokens must be at most 10,000,000"):
        generate_demo_corpus(n_tokens=MAX_DEMO_TOKENS + 1)
    with pytest.raises(ValueError, match="at most 10,000,000"):
        write_demo_corpus(tmp_path / "big", n_tokens=10 ** 11)
    assert not (tmp_path / "big" / "demo-corpus.txt").exists()
    with pytest.raises(SystemExit) as err:
        main(["--out", str(tmp_path), "--tokens", str(10 ** 11)])
    assert err.value.code == 2 and "at most 10,000,000" in capsys.readouterr().err


def test_command_line_entry_point(tmp_path, capsys):
    assert main(["--out", str(tmp_path / "a"), "--tokens", "2000", "--seed", "4"]) == 0
    printed = capsys.readouterr().out.split()
    assert printed == [str(tmp_path / "a" / "demo-corpus.txt"), str(tmp_path / "a" / "demo-questions.txt")]
    assert sum(len(line.split()) for line in open(printed[0], encoding="utf-8")) == 2000
    with pytest.raises(SystemExit) as err:
        main(["--out", str(tmp_path), "--tokens", "0"])
    assert err.value.code == 2


def test_runs_as_a_module(tmp_path):
    result = subprocess.run([sys.executable, "-m", "w2v.corpus.demo", "--out", str(tmp_path), "--tokens", "500"],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "demo-corpus.txt").read_text(encoding="utf-8").count(" ") > 0
    assert (tmp_path / "demo-questions.txt").read_text(encoding="utf-8").startswith(": capital-country\n")


def test_the_committed_copy_is_the_default_demo_corpus(default_demo):
    """corpora/demo/ is regenerated with ``python -m w2v.corpus.demo --out corpora/demo``. The exact
    text depends on numpy's Generator stream, which numpy keeps stable in practice but does not
    promise, so only what must not drift is compared exactly."""
    folder = Path(__file__).resolve().parents[2] / "corpora" / "demo"
    assert (folder / "demo-questions.txt").read_text(encoding="utf-8") == default_demo.questions
    with open(folder / "demo-corpus.txt", encoding="utf-8") as f:
        committed = Counter(w for line in f for w in line.split())
    assert sum(committed.values()) == 300_000
    generated = Counter(w for s in default_demo.sentences for w in s)
    words = {w for q in _question_lines(default_demo.questions) for w in q}
    assert all(committed[w] >= 5 for w in words)
    assert abs(len(committed) - len(generated)) < 0.05 * len(generated)

"""evaluate_analogies: counts, OOV and restrict_vocab handling, gensim's rules, batching."""
from __future__ import annotations

import json

import numpy as np
import pytest

from w2v import KeyedVectors
from w2v.evaluate import AnalogyResult, EvaluationError, evaluate_analogies
from w2v.vectors import top_k


def test_counts_sections_and_accuracy(planted_kv, questions_file):
    r = evaluate_analogies(planted_kv, questions_file, restrict_vocab=None)
    assert isinstance(r, AnalogyResult)
    assert list(r.sections) == ["capital-common-countries", "gram-plurals"]
    first, second = r.sections.values()
    assert (first.questions, first.skipped, first.correct) == (3, 1, 3)  # five-word line not counted
    assert (second.questions, second.skipped, second.correct) == (4, 0, 4)
    assert (r.questions, r.skipped, r.correct, r.accuracy) == (7, 1, 7, 1.0)
    assert r.semantic_accuracy == 1.0 and r.syntactic_accuracy == 1.0
    assert r.restrict_vocab == len(planted_kv) and r.method == "add"


def test_restrict_vocab_skips_questions_and_limits_answers(planted_kv, questions_file):
    # words 0..5: greece athens italy rome france paris; madrid/spain/tokyo/japan are outside
    r = evaluate_analogies(planted_kv, questions_file, restrict_vocab=6)
    assert (r.questions, r.skipped) == (3, 5)
    assert r.sections["gram-plurals"].questions == 1
    assert r.sections["capital-common-countries"].questions == 2
    assert r.correct == 3
    assert r.restrict_vocab == 6
    assert r.syntactic_accuracy == 1.0


def test_case_sensitive_mode_skips_capitalised_questions(planted_kv, questions_file):
    r = evaluate_analogies(planted_kv, questions_file, restrict_vocab=None, case_insensitive=False)
    assert r.sections["capital-common-countries"].skipped == 2  # "Athens Greece paris France" too
    assert r.questions == 6


def test_mul_method_on_planted_vectors(planted_kv, questions_file):
    r = evaluate_analogies(planted_kv, questions_file, restrict_vocab=None, method="mul")
    assert r.method == "mul" and r.accuracy == 1.0 and r.questions == 7
    with pytest.raises(EvaluationError, match="'add' or 'mul'"):
        evaluate_analogies(planted_kv, questions_file, method="max")


def test_to_dict_has_the_json_shape(planted_kv, questions_file):
    d = evaluate_analogies(planted_kv, questions_file, restrict_vocab=6).to_dict()
    assert {"accuracy", "questions", "skipped", "sections", "restrict_vocab"} <= set(d)
    assert d["sections"]["gram-plurals"] == {"accuracy": 1.0, "correct": 1, "questions": 1, "skipped": 3}
    json.dumps(d)


def test_case_variant_of_a_question_word_is_never_the_answer(tmp_path):
    # "King" (a rarer variant of the question word "king") is the nearest candidate: gensim's rules
    # skip it when case-insensitive and take it (a wrong answer) when case-sensitive.
    words = ["man", "woman", "king", "queen", "King", "other"]
    vectors = np.array([[1, 0, 0, 0], [0, 1, 0, 0], [1, 0, 1, 0], [0, 1, 1, 0.3],
                        [0, 1, 1, 0], [0, 0, 0, 1]], np.float32)
    kv = KeyedVectors(words, vectors)
    path = tmp_path / "q.txt"
    path.write_text(": family\nman king woman queen\n")
    assert evaluate_analogies(kv, path, restrict_vocab=None).correct == 1
    assert evaluate_analogies(kv, path, restrict_vocab=None, case_insensitive=False).correct == 0


@pytest.mark.parametrize("method", ["add", "mul"])
@pytest.mark.parametrize("case_insensitive", [True, False])
def test_a_repeated_words_later_row_is_never_the_answer(tmp_path, method, case_insensitive):
    # the second "d" row is nearest to b + c - a, but "d" resolves to its first row (as in gensim):
    # the later row is never an answer, as in KeyedVectors.analogy, which answers "x"
    words = ["a", "b", "c", "d", "x", "d"]
    vectors = np.array([[1, 0, 0, 0], [0, 1, 0, 0], [0, 0, 1, 0], [-1, -1, -1, .1],
                        [.1, .6, .6, 0], [-1, 1, 1, 0]], np.float32)
    kv = KeyedVectors(words, vectors)
    assert kv.analogy("a", "b", "c", method=method, topn=1)[0][0] == "x"
    for answer, correct in (("d", 0), ("x", 1)):
        path = tmp_path / f"q_{answer}.txt"
        path.write_text(f": s\na b c {answer}\n")
        r = evaluate_analogies(kv, path, restrict_vocab=None, method=method,
                               case_insensitive=case_insensitive)
        assert (r.questions, r.correct) == (1, correct), answer


def _reference(kv, path, restrict, method, case_insensitive):
    """Question by question with KeyedVectors queries and gensim's written rules."""
    words = kv.words[:restrict]
    key = (lambda w: w.upper()) if case_insensitive else (lambda w: w)
    lookup = {}
    for i, w in enumerate(words):
        lookup.setdefault(key(w), i)
    correct = asked = skipped = 0
    for line in path.read_text().splitlines():
        parts = line.split()
        if line.startswith(": ") or len(parts) != 4:
            continue
        a, b, c, d = (key(p) for p in parts)
        if any(x not in lookup for x in (a, b, c, d)):
            skipped += 1
            continue
        asked += 1
        rows = [lookup[a], lookup[b], lookup[c]]
        terms = [kv.words[r] for r in rows]
        if method == "add":
            scores = kv.most_similar([terms[1], terms[2]], [terms[0]], topn=None, restrict_vocab=restrict)
        else:
            scores = kv.most_similar_cosmul([terms[1], terms[2]], [terms[0]], topn=None, restrict_vocab=restrict)
        scores = scores.copy()
        scores[rows] = -np.inf
        predicted = None
        for i in top_k(scores, 5):
            predicted = key(kv.words[i])
            if predicted not in {a, b, c}:
                break
        correct += predicted == d
    return correct, asked, skipped


@pytest.mark.parametrize("method", ["add", "mul"])
@pytest.mark.parametrize("case_insensitive", [True, False])
def test_batched_evaluation_equals_question_by_question(tmp_path, method, case_insensitive, monkeypatch):
    rng = np.random.default_rng(11)
    base = [f"w{i}" for i in range(150)]
    words = base + [w.upper() for w in base[:40:3]]  # rarer case variants of frequent words
    kv = KeyedVectors(words, rng.normal(size=(len(words), 6)).astype(np.float32))
    vocab = words + ["unseen1", "unseen2"]
    lines = [": s1"] + [" ".join(rng.choice(vocab, 4)) for _ in range(300)]
    lines += [": gram-s2"] + [" ".join(rng.choice(words[:60], 4)) for _ in range(300)]
    path = tmp_path / "q.txt"
    path.write_text("\n".join(lines) + "\n")
    monkeypatch.setattr("w2v.evaluate.analogies._BATCH_ELEMENTS", 5000)  # many small batches
    monkeypatch.setattr("w2v.evaluate.analogies._TABLE_ELEMENTS", 1000)  # and groups of 64 words
    for restrict in (None, 80):
        r = evaluate_analogies(kv, path, restrict_vocab=restrict, method=method,
                               case_insensitive=case_insensitive)
        n = restrict or len(kv)
        assert (r.correct, r.questions, r.skipped) == _reference(kv, path, n, method, case_insensitive)
        assert r.correct > 0


def test_bad_files(planted_kv, tmp_path):
    with pytest.raises(EvaluationError, match="does not exist"):
        evaluate_analogies(planted_kv, tmp_path / "missing.txt")
    (tmp_path / "noheader.txt").write_text("athens greece rome italy\n")
    with pytest.raises(EvaluationError, match="line 1 comes before"):
        evaluate_analogies(planted_kv, tmp_path / "noheader.txt")
    (tmp_path / "empty.txt").write_text(": only-a-header\n\n")
    with pytest.raises(EvaluationError, match="no analogy questions"):
        evaluate_analogies(planted_kv, tmp_path / "empty.txt")


def test_default_is_bundled_google_set(planted_kv):
    r = evaluate_analogies(planted_kv, restrict_vocab=None)
    assert r.questions + r.skipped == 19544
    assert len(r.sections) == 14
    assert r.sections["capital-common-countries"].questions == 20  # 5 planted pairs, ordered 5 x 4 ways
    assert r.accuracy == 1.0 and r.syntactic_accuracy is None




def test_a_byte_order_mark_before_the_first_header_is_not_part_of_it(planted_kv, questions_file, tmp_path):
    # Windows editors save UTF-8 with a BOM: the file was refused, its first line (a header) said
    # to come "before any ': section' header"
    with_bom = tmp_path / "bom.txt"
    with_bom.write_bytes(b"\xef\xbb\xbf" + questions_file.read_bytes())
    expected = evaluate_analogies(planted_kv, questions_file, restrict_vocab=None)
    r = evaluate_analogies(planted_kv, with_bom, restrict_vocab=None)
    assert list(r.sections) == list(expected.sections) == ["capital-common-countries", "gram-plurals"]
    assert (r.correct, r.questions, r.skipped) == (expected.correct, expected.questions, expected.skipped)


@pytest.mark.parametrize("newline", ["\r\n", "\r"], ids=["crlf", "cr"])
def test_lines_may_end_in_cr_lf_or_a_lone_cr(planted_kv, questions_file, tmp_path, newline):
    # a file with classic Mac line ends (lone CR) was one long line: refused as holding no question,
    # where the word-pair reader splits such lines
    other = tmp_path / "other.txt"
    other.write_bytes(questions_file.read_bytes().replace(b"\n", newline.encode()))
    expected = evaluate_analogies(planted_kv, questions_file, restrict_vocab=None)
    r = evaluate_analogies(planted_kv, other, restrict_vocab=None)
    assert list(r.sections) == list(expected.sections)
    assert (r.correct, r.questions, r.skipped, r.malformed) == \
        (expected.correct, expected.questions, expected.skipped, expected.malformed) == (7, 7, 1, 1)


@pytest.mark.parametrize("method", ["add", "mul"])
def test_a_vector_made_non_finite_in_place_is_never_an_answer(planted_kv, questions_file, method):
    # argmax takes NaN for the largest score: one NaN row (edited in place, as KeyedVectors allows
    # with clear_cache) was every question's answer and the accuracy silently 0
    expected = evaluate_analogies(planted_kv, questions_file, restrict_vocab=None, method=method)
    assert expected.correct == 7
    planted_kv.vectors[planted_kv.index["filler3"]] = np.nan
    planted_kv.vectors[planted_kv.index["filler7"], 2] = np.inf
    planted_kv.clear_cache()
    r = evaluate_analogies(planted_kv, questions_file, restrict_vocab=None, method=method)
    assert (r.correct, r.questions, r.skipped) == (expected.correct, expected.questions, expected.skipped)


def test_a_question_word_whose_vector_is_not_finite_is_an_error_naming_it(planted_kv, questions_file):
    planted_kv.vectors[planted_kv.index["madrid"]] = np.nan
    planted_kv.clear_cache()
    with pytest.raises(EvaluationError, match="'madrid'.*not finite"):
        evaluate_analogies(planted_kv, questions_file, restrict_vocab=None)
    # outside the N searched words it is never asked nor an answer: no error
    assert evaluate_analogies(planted_kv, questions_file, restrict_vocab=6).correct == 3

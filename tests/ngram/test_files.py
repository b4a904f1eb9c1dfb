"""Native .npz models and ARPA files: exact round trips, hand-written ARPA semantics, bad files."""

import re

import numpy as np
import pytest

from w2v.errors import CorpusError, ModelFormatError
from w2v.ngram import NgramLM, SMOOTHING_NAMES, read_arpa, write_arpa

PROBES = [["a", "b", "c"], ["c", "c", "zzz"], ["b"], ["a", "a", "b", "a", "c"], ["w1", "w0", "w3"]]


def _fit(method, sentences, order=3):
    return NgramLM(order=order, smoothing=method, min_count=2).fit(sentences)


def _scores(lm):
    return [lm.score(s) for s in PROBES] + [lm.evaluate(PROBES).log10_prob]


@pytest.mark.parametrize("method", SMOOTHING_NAMES)
def test_native_round_trip_is_exact(method, tmp_path, ten_sentences, random_sentences):
    lm = _fit(method, ten_sentences + random_sentences[:50])
    lm.save(tmp_path / "m.lm")
    back = NgramLM.load(tmp_path / "m.lm")
    assert back.vocab_.words == lm.vocab_.words
    assert _scores(back) == _scores(lm)
    assert back.smoothing_.name == method and back.smoothing_.fitted_ == lm.smoothing_.fitted_
    assert back.generate(20, seed=1) == lm.generate(20, seed=1)


def _configured(method):
    """Estimators of ``method`` with every constructor parameter away from its default: by name,
    and as a configured smoothing object where the method takes parameters."""
    from w2v.ngram.add_k import AddK
    from w2v.ngram.kneser_ney import KneserNey, ModifiedKneserNey
    from w2v.ngram.smoothing import JelinekMercer

    # k only means something to add-k, and is saved for it only
    models = [NgramLM(order=2, smoothing=method, min_count=3, **({"k": 0.5} if method == "add-k" else {}))]
    objects = {"add-k": AddK(k=0.25), "interpolated": JelinekMercer(lambdas=[0.9, 0.6]),
               "kneser-ney": KneserNey(discounts=[0.7, 0.4]),
               "modified-kneser-ney": ModifiedKneserNey(discounts=[[0.5, 1.0, 1.5], [0.25, 0.5, 2.5]])}
    if method in objects:
        models.append(NgramLM(order=2, smoothing=objects[method], min_count=3))
    return models


@pytest.mark.parametrize("method", SMOOTHING_NAMES)
def test_a_loaded_model_has_the_constructor_parameters_it_was_saved_with(method, tmp_path, ten_sentences,
                                                                         random_sentences):
    # a model saved with k=0.5 came back with k=1.0 (and explicit lambdas or discounts came back as
    # None): its repr said otherwise than the file, and a refit estimated another model
    sentences = ten_sentences + random_sentences[:50]
    for lm in _configured(method):
        lm.fit(sentences)
        lm.save(tmp_path / "m.lm")
        back = NgramLM.load(tmp_path / "m.lm")
        made, remade = lm._make_smoothing(), back._make_smoothing()
        assert (back.order, back.min_count) == (lm.order, lm.min_count) == (2, 3)
        assert (type(remade), remade.params()) == (type(made), made.params()), lm
        if isinstance(lm.smoothing, str):
            assert repr(back) == repr(lm) and back.smoothing == method and back.k == lm.k
        if method == "add-k":
            # by name, whichever way it was given: NgramLM(smoothing="add-k", k=...)
            assert (back.smoothing, back.k) == ("add-k", made.k)
        elif not isinstance(lm.smoothing, str):
            # explicit parameters: a configured object, not the fitted one
            assert back.smoothing is not back.smoothing_ and not back.smoothing.fitted_
        # a refit of the loaded model estimates the model the saved one was
        assert _scores(back.fit(sentences)) == _scores(lm.fit(sentences))
        assert back.smoothing_.fitted_ == lm.smoothing_.fitted_


@pytest.mark.parametrize("method", SMOOTHING_NAMES)
@pytest.mark.parametrize("order", [1, 2, 4])
def test_arpa_round_trip_scores_identically(method, order, tmp_path, ten_sentences, random_sentences):
    lm = _fit(method, ten_sentences + random_sentences[:50], order)
    lm.to_arpa(tmp_path / "m.arpa")
    back = read_arpa(tmp_path / "m.arpa")
    assert _scores(back) == _scores(lm)
    assert NgramLM.load(tmp_path / "m.arpa").evaluate(PROBES).log10_prob == lm.evaluate(PROBES).log10_prob
    text = (tmp_path / "m.arpa").read_text()
    assert text.startswith("\\data\\\nngram 1=") and text.rstrip().endswith("\\end\\")


def test_add_k_arpa_is_spelled_out_or_refused(tmp_path, ten_sentences):
    lm = _fit("add-k", ten_sentences, order=2)
    lm.to_arpa(tmp_path / "m.arpa")
    back = read_arpa(tmp_path / "m.arpa")
    # every seen context (<s>, a, b, c, and <unk> only if seen) lists all 5 outcomes
    assert back.tables_.keys[1].size == 4 * 5
    assert back.prob("c", ["c"]) == lm.prob("c", ["c"]) == pytest.approx(1 / (5 + 5))
    write_arpa(lm, tmp_path / "ok.arpa", max_dense_entries=26)
    with pytest.raises(ModelFormatError, match="not a back-off model.*limit of 25"):
        write_arpa(lm, tmp_path / "big.arpa", max_dense_entries=25)
    assert not (tmp_path / "big.arpa").exists()


HAND_ARPA = """\\data\\
ngram 1=5
ngram 2=3

\\1-grams:
-1.0\t<unk>
-99\t<s>\t-0.5
-0.5\t</s>
-0.7\ta\t-0.2
-0.6\tb

\\2-grams:
-0.1\t<s> a
-0.3\ta b
-0.4\ta </s>

\\end\\
"""


def test_hand_written_arpa_uses_back_off_rule(tmp_path):
    path = tmp_path / "hand.arpa"
    path.write_text(HAND_ARPA)
    lm = read_arpa(path)
    assert lm.logprob("a", ["<s>"]) == pytest.approx(-0.1)
    assert lm.logprob("b", ["<s>"]) == pytest.approx(-0.5 - 0.6)          # bow(<s>) + p(b)
    assert lm.logprob("b", ["a"]) == pytest.approx(-0.3)
    assert lm.logprob("a", ["a"]) == pytest.approx(-0.2 - 0.7)
    assert lm.logprob("a", ["b"]) == pytest.approx(-0.7)                  # b has no back-off weight
    assert lm.logprob("zzz", ["b"]) == pytest.approx(-1.0)
    assert lm.score(["a", "b"]) == pytest.approx(-0.1 - 0.3 + (-0.5))


def _deep_arpa(order: int) -> str:
    """An ARPA file of ``order``: the n-gram ``<s> a .. a`` at every order n (its prefix one order below)."""
    head = ["\\data\\", "ngram 1=4"] + [f"ngram {n}=1" for n in range(2, order + 1)]
    body = ["", "\\1-grams:", "-1.0\t<unk>", "-99\t<s>\t0", "-0.5\t</s>", "-0.4\ta\t0"]
    for n in range(2, order + 1):
        body += ["", f"\\{n}-grams:", "-0.1\t" + " ".join(["<s>"] + ["a"] * (n - 1)) + ("\t0" if n < order else "")]
    return "\n".join(head + body + ["", "\\end\\", ""])


def test_an_arpa_file_above_the_highest_order_is_refused(tmp_path):
    # an order-120 file scored and round-tripped (only a refit refused it): scoring keeps one array of
    # the text's length per order, so a file of a few KB made scoring a million tokens take 1 GB, the
    # prefix check took time growing with the square of the order, and a header declaring
    # 'ngram 10000000000=0' (90 bytes) ended in a MemoryError
    from w2v.ngram.model import MAX_ORDER

    path = tmp_path / "deep.arpa"
    path.write_text(_deep_arpa(MAX_ORDER))
    lm = read_arpa(path)                                   # the highest order fit can write reads
    assert lm.tables_.order == MAX_ORDER and lm.full_scores(["a"] * (MAX_ORDER - 1))[-2][1] == MAX_ORDER
    path.write_text(_deep_arpa(MAX_ORDER + 1))
    for text, line in ((_deep_arpa(MAX_ORDER + 1), MAX_ORDER + 2),
                       (HAND_ARPA.replace("ngram 2=3\n", "ngram 2=3\nngram 10000000000=0\n"), 4)):
        path.write_text(text)
        with pytest.raises(ModelFormatError, match=rf"deep.arpa' line {line}: .*order "
                                                   rf"{text.split('ngram ')[-1].split('=')[0]}.*at most {MAX_ORDER}"):
            NgramLM.load(path)
    with pytest.raises(ModelFormatError, match=rf"at most {MAX_ORDER}"):
        read_arpa(path)


def test_a_native_file_above_the_highest_order_is_refused(tmp_path):
    # the other way to such a model: a native copy of one
    from w2v.ngram.model import MAX_ORDER
    from w2v.ngram.persist import ModelHeader, write_model_file

    path = tmp_path / "deep.arpa"
    path.write_text(_deep_arpa(MAX_ORDER))
    lm = read_arpa(path)
    tables = lm.tables_
    for field in tables.FIELDS:
        getattr(tables, field).append(np.empty(0, dtype=np.int64 if field == "keys" else np.float64))
    tables.logbow[-2] = np.zeros(tables.keys[-2].size)
    header = ModelHeader(smoothing="arpa", params={}, fitted={}, min_count=1)
    write_model_file(tmp_path / "deep.lm", header, lm.vocab_.words, tables)
    with pytest.raises(ModelFormatError, match=rf"deep.lm' is damaged: header field 'order' must be at most "
                                               rf"{MAX_ORDER}, got {MAX_ORDER + 1}"):
        NgramLM.load(tmp_path / "deep.lm")


@pytest.mark.parametrize("broken, message", [
    ("hello\n", "no \\\\data"),
    (HAND_ARPA.replace("ngram 2=3", "ngram 2=4"), "declares 4"),
    (HAND_ARPA.replace("-0.3\ta b", "-0.3\tq b"), "not a unigram"),
    (HAND_ARPA.replace("-0.3\ta b", "oops\ta b"), "line 14: the log10 probability 'oops' is not a number"),
    (HAND_ARPA.replace("\\2-grams:", "\\3-grams:"), "expected"),
    (HAND_ARPA.replace("-0.5\t</s>\n", "").replace("ngram 1=5", "ngram 1=4"), "no </s>"),
])
def test_bad_arpa_files_are_one_line_errors(broken, message, tmp_path):
    path = tmp_path / "bad.arpa"
    path.write_text(broken)
    with pytest.raises(ModelFormatError, match=message):
        read_arpa(path)


@pytest.mark.parametrize("old, new, message", [
    ("-0.7\ta\t-0.2", "-0_7\ta\t-0.2", "line 9: the log10 probability '-0_7' is not a number"),  # float(): -7
    ("-0.7\ta\t-0.2", "-0.7\ta\t-0_2", "line 9: the back-off weight '-0_2' is not a number"),
    ("-0.3\ta b", "-\u0660.3\ta b", "line 14: the log10 probability '-\u0660.3' is not a number"),  # Arabic-Indic 0
    ("-0.3\ta b", "oops\ta b", "line 14: the log10 probability 'oops' is not a number"),
])
def test_a_number_field_is_an_ascii_decimal_number(old, new, message, tmp_path):
    path = tmp_path / "bad.arpa"
    path.write_text(HAND_ARPA.replace(old, new), encoding="utf-8")
    with pytest.raises(ModelFormatError, match=f"bad.arpa' {message}") as err:
        read_arpa(path)
    assert "\n" not in str(err.value)


@pytest.mark.parametrize("count", ["1_0", "-5", "\u0665"])
def test_a_header_count_is_an_ascii_decimal_integer(count, tmp_path):
    # int() reads "1_0" as 10 and "\u0665" as 5; a negative count ran the sections together
    path = tmp_path / "bad.arpa"
    path.write_text(HAND_ARPA.replace("ngram 1=5", f"ngram 1={count}"), encoding="utf-8")
    with pytest.raises(ModelFormatError, match=f"bad.arpa' line 2: bad header line 'ngram 1={count}'"):
        read_arpa(path)


def test_infinities_are_read_as_before(tmp_path):
    # -inf (and -99) is log10(0); a positive infinity is refused as a probability above 1
    path = tmp_path / "inf.arpa"
    path.write_text(HAND_ARPA.replace("-0.6\tb", "-infinity\tb"))
    assert read_arpa(path).logprob("b", []) == -np.inf
    path.write_text(HAND_ARPA.replace("-0.6\tb", "inf\tb"))
    with pytest.raises(ModelFormatError, match="positive log10 probabilities"):
        read_arpa(path)


def test_missing_prefix_is_reported(tmp_path):
    text = HAND_ARPA.replace("ngram 2=3", "ngram 2=3\nngram 3=1").replace(
        "\\end\\", "\\3-grams:\n-0.2\tb a b\n\n\\end\\")
    path = tmp_path / "p.arpa"
    path.write_text(text)
    with pytest.raises(ModelFormatError, match="no prefix"):
        read_arpa(path)


def test_bad_native_files(tmp_path, ten_sentences):
    with pytest.raises(CorpusError, match="does not exist"):
        NgramLM.load(tmp_path / "none.lm")
    junk = tmp_path / "junk.lm"
    junk.write_bytes(b"not a model at all")
    with pytest.raises(ModelFormatError, match="neither"):
        NgramLM.load(junk)
    lm = _fit("kneser-ney", ten_sentences)
    lm.save(tmp_path / "m.lm")
    truncated = tmp_path / "t.lm"
    truncated.write_bytes((tmp_path / "m.lm").read_bytes()[:200])
    with pytest.raises(ModelFormatError, match="damaged"):
        NgramLM.load(truncated)
    other = tmp_path / "other.npz"
    np.savez(other, meta=np.frombuffer(b'{"format": "something-else"}', dtype=np.uint8))
    with pytest.raises(ModelFormatError, match="not a w2v n-gram model"):
        NgramLM.load(other)
    pickled = tmp_path / "pickled.npz"
    np.savez(pickled, meta=np.array([{"format": "w2v-ngram"}], dtype=object))
    with pytest.raises(ModelFormatError):
        NgramLM.load(pickled)


def _rewrite_header(source, target, edit):
    """Copy the native model ``source`` to ``target`` with its JSON header changed by ``edit(meta)``."""
    from w2v.container import open_container, write_container
    from w2v.ngram.persist import LAYOUT

    with open_container(source, LAYOUT) as box:
        meta = {k: v for k, v in box.meta.items() if k not in ("format", "version")}
        arrays = {name: box.array(name) for name in box.names}
    edit(meta)
    write_container(target, LAYOUT, meta, arrays)


NAN, INF = float("nan"), float("inf")


def _set(field, key, value):
    return lambda meta: meta[field].__setitem__(key, value)


@pytest.mark.parametrize("method, edit, message", [
    # NaN and infinities, in the learned values and in the parameters (NaN in params made a scoring-only model)
    ("interpolated", _set("fitted", "lambdas", [NAN, 0.5]), r"'fitted' holds nan at lambdas\[0\]"),
    ("interpolated", _set("fitted", "lambdas", [0.5, -INF]), r"'fitted' holds -inf at lambdas\[1\]"),
    ("kneser-ney", lambda m: m["fitted"]["discounts"].__setitem__("1", [INF] * 3),
     r"'fitted' holds inf at discounts\['1'\]\[0\]"),
    ("modified-kneser-ney", lambda m: m["fitted"]["discounts"]["2"].__setitem__(2, NAN),
     r"'fitted' holds nan at discounts\['2'\]\[2\]"),
    ("add-k", _set("params", "k", NAN), r"'params' holds nan at k"),
    ("add-k", _set("params", "k", INF), r"'params' holds inf at k"),
    ("add-k", _set("params", "k", 10 ** 400), r"'params' holds 100000000000\.\.\. \(401 digits\) at k"),
    ("interpolated", _set("params", "lambdas", [0.5, INF]), r"'params' holds inf at lambdas\[1\]"),
    ("kneser-ney", _set("params", "discounts", [NAN, 0.5]), r"'params' holds nan at discounts\[0\]"),
    ("mle", _set("fitted", "anything", NAN), r"'fitted' holds nan at anything"),
    ("witten-bell", _set("params", "anything", [[INF]]), r"'params' holds inf at anything\[0\]\[0\]"),
    # finite, but no save of the method writes them: refused, not read as a scoring-only model
    ("add-k", _set("params", "k", -1.0), r"'params': add-k needs a finite k > 0, got -1.0"),
    ("add-k", _set("params", "k", True), r"'params': k must be null, a number or a list of numbers.*got true"),
    ("add-k", _set("params", "k", "0.5"), r"'params': k must be .*got \"0.5\""),
    ("add-k", _set("params", "k", [0.5]), r"'params': add-k smoothing cannot be made from \{\"k\": \[0.5\]\}"),
    ("interpolated", _set("params", "lambdas", [0.5, 1.5]), r"'params': .*lambdas in \[0, 1\], got 1.5"),
    ("interpolated", _set("params", "lambdas", [0.5]), r"'params': .*order 2 needs 2 lambdas"),
    ("interpolated", _set("params", "lambdas", 0.5), r"'params': interpolated smoothing cannot be made from"),
    ("interpolated", _set("params", "lambdas", {"0": 0.5, "1": 0.5}), r"'params': lambdas must be null, a "),
    ("interpolated", _set("fitted", "lambdas", [0.5, 2.0]), r"'fitted': .*lambdas in \[0, 1\], got 2.0"),
    ("interpolated", _set("fitted", "lambdas", [0.5]), r"'fitted': .*order 2 needs 2 lambdas"),
    ("interpolated", _set("fitted", "lambdas", [0.5, None]), r"'fitted': .*lambdas must be a list of numbers"),
    ("kneser-ney", _set("params", "discounts", [0.5, 1.5]), r"'params': .*discount must be in \[0, 1\]"),
    ("kneser-ney", _set("fitted", "discounts", {"1": [0.5] * 3}), r"'fitted': .*discounts of orders 1 to 2"),
    ("kneser-ney", _set("fitted", "discounts", [[0.5] * 3] * 2), r"'fitted': .*discounts of orders 1 to 2"),
    ("kneser-ney", _set("fitted", "discounts", {"1": [0.5] * 3, "2": 0.5}),
     r"'fitted': .*discounts of order 2 must be \(D1, D2, D3\+\)"),
    ("kneser-ney", _set("fitted", "discounts", {"1": [0.5] * 3, "2": [-0.5] * 3}),
     r"'fitted': .*discount must be in \[0, 1\], got -0.5"),
    ("modified-kneser-ney", _set("fitted", "discounts", {"1": [0.5, 1, 1.5], "2": [0.5, 2.5, 1.5]}),
     r"'fitted': .*0 <= Dk <= k"),
    ("modified-kneser-ney", _set("fitted", "discounts", {"1": [0.5, 1, 1.5], "2": [0.5, 1]}),
     r"'fitted': .*discounts of order 2 must be \(D1, D2, D3\+\)"),
])
def test_impossible_smoothing_values_are_refused_in_one_line(method, edit, message, tmp_path, ten_sentences):
    NgramLM(order=2, smoothing=method, min_count=1).fit(ten_sentences).save(tmp_path / "good.lm")
    _rewrite_header(tmp_path / "good.lm", tmp_path / "bad.lm", edit)
    with pytest.raises(ModelFormatError, match=message) as err:
        NgramLM.load(tmp_path / "bad.lm")
    text = str(err.value)
    assert "\n" not in text and "bad.lm' is damaged: header field" in text, text


@pytest.mark.parametrize("method, field, key", [("add-k", "params", "k2"), ("mle", "fitted", "lambdas"),
                                               ("nonesuch", "params", "k")])
def test_what_this_w2v_does_not_know_still_scores_unless_it_is_not_finite(method, field, key, tmp_path,
                                                                          ten_sentences):
    # a newer w2v's method, parameter or learned value: the saved tables score as they did
    lm = NgramLM(order=2, smoothing="witten-bell" if method == "nonesuch" else method, min_count=1).fit(ten_sentences)
    lm.save(tmp_path / "good.lm")

    def edit(value):
        def change(meta):
            meta[field][key] = value
            if method == "nonesuch":
                meta["smoothing"] = method
        return change

    _rewrite_header(tmp_path / "good.lm", tmp_path / "newer.lm", edit([0.5, 0.5]))
    back = NgramLM.load(tmp_path / "newer.lm")
    assert back.smoothing_.name == method and _scores(back) == _scores(lm)
    _rewrite_header(tmp_path / "good.lm", tmp_path / "bad.lm", edit([0.5, NAN]))
    with pytest.raises(ModelFormatError, match=rf"header field '{field}' holds nan at {key}\[1\]"):
        NgramLM.load(tmp_path / "bad.lm")


@pytest.mark.parametrize("make", [
    lambda: NgramLM(order=1, smoothing="mle"),
    lambda: NgramLM(order=4, smoothing="witten-bell", min_count=1),
    lambda: NgramLM(order=2, smoothing="add-k", k=1e308),
    lambda: NgramLM(order=2, smoothing="add-k", k=1e-320),
    lambda: NgramLM(order=1, smoothing="interpolated", min_count=1),
    lambda: NgramLM(order=3, smoothing="interpolated"),
    lambda: NgramLM(order=3, smoothing=__import__("w2v.ngram.smoothing").ngram.smoothing.JelinekMercer([0, 1, 0.5])),
    lambda: NgramLM(order=5, smoothing="kneser-ney", min_count=1),      # singletons missing at high orders
    lambda: NgramLM(order=2, smoothing=__import__("w2v.ngram.kneser_ney").ngram.kneser_ney.KneserNey([0, 1])),
    lambda: NgramLM(order=5, smoothing="modified-kneser-ney", min_count=1),   # KenLM's fallback discounts
    lambda: NgramLM(order=2, smoothing="modified-kneser-ney"),
    lambda: NgramLM(order=2, smoothing=__import__("w2v.ngram.kneser_ney").ngram.kneser_ney.ModifiedKneserNey(
        [[0, 0, 0], [1, 2, 3]])),
])
@pytest.mark.parametrize("sentences", ["ten", "random"])
def test_every_model_a_save_writes_loads(make, sentences, tmp_path, ten_sentences, random_sentences):
    # the checks refuse nothing a save writes: every method, fitted on a tiny text (fallback
    # discounts) and a larger one, with parameters at the ends of their ranges
    lm = make().fit(ten_sentences if sentences == "ten" else random_sentences)
    lm.save(tmp_path / "m.lm")
    back = NgramLM.load(tmp_path / "m.lm")
    assert back.smoothing_.name == lm.smoothing_.name and back.smoothing_.fitted_ == lm.smoothing_.fitted_
    assert _scores(back) == _scores(lm)


@pytest.mark.parametrize("name", [None, "default", "whitespace"])
def test_known_tokenizer_names_are_kept(name, tmp_path, ten_sentences):
    lm = _fit("kneser-ney", ten_sentences)
    lm.tokenizer_ = name
    lm.save(tmp_path / "m.lm")
    assert NgramLM.load(tmp_path / "m.lm").tokenizer_ == name


CASED = "The Cat sat .\nthe cat Sat .\nThe dog sat .\n"


def test_a_model_fitted_from_a_path_records_the_tokenizer_that_read_it(tmp_path):
    # fit(path) reads the file with the default tokenizer, as 'w2v ngram train' does, and records it
    # as the command does; the saved model then scores text read the same way
    from pathlib import Path

    from w2v.corpus import Tokenizer, open_corpus

    path = tmp_path / "cased.txt"
    path.write_text(CASED)
    for source in (str(path), path, open_corpus(path), open_corpus(path, tokenizer=Tokenizer())):
        lm = NgramLM(order=2, min_count=1).fit(source)
        assert lm.tokenizer_ == "default", source
        assert "the" in lm.vocab_ and "The" not in lm.vocab_ and "." not in lm.vocab_
    whitespace = NgramLM(order=2, min_count=1).fit(open_corpus(Path(path), tokenizer=Tokenizer.whitespace()))
    assert whitespace.tokenizer_ == "whitespace" and "The" in whitespace.vocab_ and "." in whitespace.vocab_
    # no name reproduces a tokenizer configured otherwise: nothing recorded rather than a wrong name
    cased = NgramLM(order=2, min_count=1).fit(open_corpus(path, tokenizer=Tokenizer(lowercase=False)))
    assert cased.tokenizer_ is None and "The" in cased.vocab_
    # token lists are read by no tokenizer; a refit forgets the name of the last one
    lm.fit([line.split() for line in CASED.splitlines()])
    assert lm.tokenizer_ is None
    for model, name in ((NgramLM(order=2, min_count=1).fit(path), "default"), (whitespace, "whitespace"),
                        (cased, None)):
        model.save(tmp_path / "m.lm")
        assert NgramLM.load(tmp_path / "m.lm").tokenizer_ == name
        # an ARPA file has no place for it
        model.to_arpa(tmp_path / "m.arpa")
        assert NgramLM.load(tmp_path / "m.arpa").tokenizer_ is None


def test_unknown_tokenizer_name_is_refused(tmp_path, ten_sentences):
    # a newer w2v's tokenizer: reading the text with the default one would score other tokens
    lm = _fit("kneser-ney", ten_sentences)
    lm.tokenizer_ = "sentencepiece-v9"
    lm.save(tmp_path / "m.lm")
    with pytest.raises(ModelFormatError, match="'sentencepiece-v9'.*newer w2v") as err:
        NgramLM.load(tmp_path / "m.lm")
    assert "\n" not in str(err.value) and "m.lm" in str(err.value)


def test_save_is_atomic_on_failure(tmp_path, ten_sentences, monkeypatch):
    lm = _fit("kneser-ney", ten_sentences)
    target = tmp_path / "m.lm"
    target.write_bytes(b"old")

    def boom(*a, **k):
        raise RuntimeError("disk full")

    monkeypatch.setattr("w2v.container._write_member", boom)  # fail in the middle of the archive
    with pytest.raises(RuntimeError):
        lm.save(target)
    assert target.read_bytes() == b"old" and len(list(tmp_path.iterdir())) == 1


def test_arpa_model_saves_natively_and_back(tmp_path, ten_sentences):
    lm = _fit("modified-kneser-ney", ten_sentences)
    lm.to_arpa(tmp_path / "m.arpa")
    from_arpa = NgramLM.load(tmp_path / "m.arpa")
    from_arpa.save(tmp_path / "m.lm")
    again = NgramLM.load(tmp_path / "m.lm")
    assert again.smoothing_.name == "arpa"
    assert _scores(again) == _scores(lm)
    again.to_arpa(tmp_path / "again.arpa")
    assert read_arpa(tmp_path / "again.arpa").evaluate(PROBES).log10_prob == lm.evaluate(PROBES).log10_prob


def test_a_header_count_declared_twice_is_refused(tmp_path):
    # the second "ngram 1=" replaced the first without a word
    path = tmp_path / "bad.arpa"
    path.write_text(HAND_ARPA.replace("ngram 1=5\n", "ngram 1=5\nngram 1=7\n"), encoding="utf-8")
    with pytest.raises(ModelFormatError, match="bad.arpa' line 3: 'ngram 1=' is declared twice"):
        read_arpa(path)


@pytest.mark.parametrize("bow", ["1e30", "5"])
def test_a_file_giving_a_token_a_probability_above_one_is_refused_when_scored(tmp_path, bow):
    # bow(a) = 10^5 lifts p(b | a), which backs off to p(b), far above 1: the perplexity came out
    # as 0.10 (0.00 for 1e30), below 1, which no distribution gives
    from w2v.ngram import NgramLM

    path = tmp_path / "lifted.arpa"
    path.write_text("\\data\\\nngram 1=5\nngram 2=1\n\n\\1-grams:\n-1.0\t<unk>\t0\n-99\t<s>\t-0.3\n-0.5\t</s>\n"
                    f"-0.6\ta\t{bow}\n-0.6\tb\t0\n\n\\2-grams:\n-0.2\t<s> a\n\n\\end\\\n")
    lm = NgramLM.load(path)
    with pytest.raises(ModelFormatError, match="probability above 1") as err:
        lm.evaluate([["a", "b"]])
    assert "\n" not in str(err.value)
    assert lm.evaluate([["b"]]).perplexity > 1  # a text the weight does not lift is scored as before


@pytest.mark.parametrize("order", [1, 2, 3])
def test_arpa_words_may_hold_any_white_space_but_ascii_space_and_tab(order, tmp_path):
    # the reader split fields at every Unicode space (NBSP: 'a\xa0-0.5' came back as the word 'a'
    # with back-off weight -0.5) and lines at U+2028, U+0085, \x0b, \x1c..: KenLM splits fields at
    # space and tab only, lines at \n only
    words = ["a\u00a0-0.5", "q\u2028r", "s\x85t", "u\x0bv", "w\x1cx", "y\u3000z", "plain"]
    sentences = [words, words[::-1], words[2:5], ["plain", "a\u00a0-0.5"]]
    lm = NgramLM(order=order, smoothing="kneser-ney", min_count=1).fit(sentences)
    lm.to_arpa(tmp_path / "m.arpa")
    back = read_arpa(tmp_path / "m.arpa")
    assert sorted(back.vocab_.words) == sorted(lm.vocab_.words)
    assert [back.score(s) for s in sentences] == [lm.score(s) for s in sentences]


def test_a_hand_written_arpa_word_with_a_no_break_space_is_one_word(tmp_path):
    path = tmp_path / "nbsp.arpa"
    path.write_text(HAND_ARPA.replace("-0.6\tb", "-0.6\tb\u00a0-0.3").replace("a b", "a b\u00a0-0.3"),
                    encoding="utf-8")
    lm = read_arpa(path)
    assert "b\u00a0-0.3" in lm.vocab_ and "b" not in lm.vocab_
    assert lm.logprob("b\u00a0-0.3", ["a"]) == pytest.approx(-0.3)
    assert lm.logprob("b\u00a0-0.3", []) == pytest.approx(-0.6)


def test_crlf_arpa_files_are_read(tmp_path):
    path = tmp_path / "crlf.arpa"
    path.write_bytes(HAND_ARPA.replace("\n", "\r\n").encode())
    assert read_arpa(path).logprob("b", ["a"]) == pytest.approx(-0.3)


@pytest.mark.parametrize("prefix", ["", "# written on a classic Mac\r\r", "\ufeff"])
def test_cr_only_arpa_files_are_refused_saying_how_to_convert(prefix, tmp_path):
    # KenLM reads none either, but the message was "neither a w2v n-gram model (.npz) nor an ARPA
    # file" (NgramLM.load) or "no \\data\\ line" (read_arpa), which hides the cause
    path = tmp_path / "cr.arpa"
    path.write_bytes((prefix + HAND_ARPA.replace("\n", "\r")).encode())
    for read in (NgramLM.load, read_arpa):
        with pytest.raises(ModelFormatError, match=r"cr\.arpa'.*lines end in \\r \(CR only\).*tr '\\r' '\\n'") as err:
            read(path)
        assert "\n" not in str(err.value) and "neither" not in str(err.value)


@pytest.mark.parametrize("name", ["m.arpa", "m.arpa.gz"])
def test_arpa_words_with_lone_surrogates_round_trip(name, tmp_path, caplog):
    # words of the Python API; to_arpa was a UnicodeEncodeError traceback. Written as the vector
    # files write them (surrogatepass), read back as the same words, with no invalid-UTF-8 warning
    words = ["\udcff", "b\ud800", "\ud83d\ude42", "plain"]
    sentences = [words, words[::-1], words[1:3]]
    lm = NgramLM(order=2, smoothing="kneser-ney", min_count=1).fit(sentences)
    lm.to_arpa(tmp_path / name)
    if name == "m.arpa":
        assert b"\t\xed\xb3\xbf" in (tmp_path / name).read_bytes()
    back = read_arpa(tmp_path / name)
    assert sorted(back.vocab_.words) == sorted(lm.vocab_.words)
    assert [back.score(s) for s in sentences] == [lm.score(s) for s in sentences]
    assert "invalid UTF-8" not in caplog.text


@pytest.mark.parametrize("word", ["a b", "a\tb", "a\rb", "a\nb", ""])
def test_arpa_writer_refuses_a_word_it_cannot_write(word, tmp_path):
    lm = NgramLM(order=2, smoothing="kneser-ney", min_count=1).fit([["x", word, "y"], ["x", "y"]])
    with pytest.raises(ModelFormatError, match=re.escape(f"word {word!r} cannot be written to an ARPA file")) as err:
        lm.to_arpa(tmp_path / "m.arpa")
    assert "\n" not in str(err.value)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("suffix", [".gz", ".bz2", ".xz"])
def test_to_arpa_compresses_by_extension(suffix, tmp_path, ten_sentences):
    from w2v.fileio import open_binary

    lm = _fit("kneser-ney", ten_sentences)
    lm.to_arpa(tmp_path / f"m.arpa{suffix}")
    lm.to_arpa(tmp_path / "m.arpa")
    with open_binary(tmp_path / f"m.arpa{suffix}") as f:
        assert f.read() == (tmp_path / "m.arpa").read_bytes()
    assert _scores(read_arpa(tmp_path / f"m.arpa{suffix}")) == _scores(lm)
    with pytest.raises(ModelFormatError, match=r"m.lm\.gz.*not compressed"):
        lm.save(tmp_path / "m.lm.gz")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["m.arpa", f"m.arpa{suffix}"]


@pytest.mark.parametrize("name", ["m.arpa.gz", "m.lm.gz", "m.ARPA.XZ"])
def test_save_to_a_compressed_name_points_to_to_arpa(name, tmp_path, ten_sentences):
    # save('m.arpa.gz') said "name it .arpa.gz ... for a compressed ARPA file", the name it was given:
    # save writes the native format whatever the name, to_arpa writes ARPA
    lm = _fit("kneser-ney", ten_sentences)
    with pytest.raises(ModelFormatError, match=r"not compressed.*to_arpa\(") as err:
        lm.save(tmp_path / name)
    assert "name it .arpa.gz" not in str(err.value) and "\n" not in str(err.value)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("prefix", ["# written by SRILM\n\n# another comment\n", "\n\n  \n", "\ufeff",
                                    "\ufeff# comment\n" + "# " + "x" * 100_000 + "\n"])
def test_blank_and_comment_lines_and_a_bom_before_the_header_are_skipped(prefix, tmp_path):
    # KenLM skips blank and '#' lines before \data\; NgramLM.load (and so the CLI) looked at the first
    # 512 bytes only and called such a file "neither a w2v n-gram model (.npz) nor an ARPA file"
    path = tmp_path / "c.arpa"
    path.write_text(prefix + HAND_ARPA, encoding="utf-8")
    for read in (NgramLM.load, read_arpa):
        assert read(path).logprob("b", ["a"]) == pytest.approx(-0.3)
    (tmp_path / "c.txt").write_text("a b\n")
    from w2v.cli import main

    assert main(["ngram", "perplexity", str(path), str(tmp_path / "c.txt"), "--tokenizer", "whitespace"]) == 0


def test_a_file_that_is_not_utf8_says_so(tmp_path, caplog):
    # caf\xe9 and caf\xe8 (Latin-1) both became 'caf\ufffd' without a word, and the file was refused as
    # one that "lists some 1-gram twice"
    path = tmp_path / "latin1.arpa"
    path.write_bytes(HAND_ARPA.replace("ngram 1=5", "ngram 1=7").replace(
        "-0.6\tb\n", "-0.6\tb\n-0.8\tcaf\xe9\n-0.9\tcaf\xe8\n").encode("latin-1"))
    with pytest.raises(ModelFormatError, match=r"latin1.arpa' lists the 1-gram 'caf\ufffd' twice.*not UTF-8") as err:
        read_arpa(path)
    assert "\n" not in str(err.value)
    assert "latin1.arpa" in caplog.text and "replaced 2 invalid UTF-8 byte sequence(s)" in caplog.text
    path.write_bytes(HAND_ARPA.replace("-0.6\tb\n", "-0.6\tb\xe9\n").replace("a b", "a b\xe9").encode("latin-1"))
    caplog.clear()
    assert read_arpa(path).logprob("b\ufffd", ["a"]) == pytest.approx(-0.3)
    assert "replaced 2 invalid UTF-8" in caplog.text


def test_an_arpa_file_without_unk_says_why_unknown_words_are_infinite(tmp_path):
    # the reason given was "n-grams unseen in training; use a smoothed method", which says nothing of
    # the file having no <unk> to score unknown words with
    path = tmp_path / "nounk.arpa"
    path.write_text(HAND_ARPA.replace("-1.0\t<unk>\n", "").replace("ngram 1=5", "ngram 1=4"))
    lm = read_arpa(path)
    assert lm.evaluate([["a", "b"]]).reason == ""
    result = lm.evaluate([["a", "zzz"], ["zzz", "b"]])
    assert result.perplexity == np.inf and result.zero_prob == 2
    assert "2 of 6 tokens" in result.reason and "no <unk> entry" in result.reason
    assert "smoothed method" not in result.reason and "\n" not in result.reason
    # a token the file gives -99 is named as such
    path.write_text(HAND_ARPA.replace("-0.6\tb", "-99\tb"))
    reason = read_arpa(path).evaluate([["b", "a"]]).reason
    assert "1 of 3 tokens" in reason and "-99" in reason and "smoothed method" not in reason


def test_an_mle_arpa_file_blames_the_zero_back_off_weight_not_a_listed_ngram(tmp_path, ten_sentences):
    # "b b" is not in the file: it is zero because b's back-off weight is -99 (MLE gives unseen
    # n-grams nothing), but the reason said the file gives some n-gram probability 0 (-99)
    path = tmp_path / "mle.arpa"
    NgramLM(order=2, smoothing="mle", min_count=1).fit(ten_sentences).to_arpa(path)
    reason = read_arpa(path).evaluate([["a", "b", "b"]]).reason
    assert reason.startswith("1 of 4 tokens have probability 0: ")
    assert "back-off weight" in reason and "'b b'" in reason and "unseen" in reason
    assert "lists" not in reason and "<unk>" not in reason and "\n" not in reason
    # the three causes are told apart and counted each: zzz (no <unk> probability), a b listed at
    # -99, and b </s> (not listed, after b whose back-off weight is -99)
    text = HAND_ARPA.replace("-1.0\t<unk>\n", "").replace("ngram 1=5", "ngram 1=4")
    path.write_text(text.replace("-0.3\ta b", "-99\ta b").replace("-0.6\tb", "-0.6\tb\t-99"))
    reason = read_arpa(path).evaluate([["a", "b"], ["zzz"]]).reason
    assert reason.startswith("3 of 5 tokens have probability 0: ")
    assert "1 unknown word(s)" in reason and "1 n-gram(s) the ARPA file lists at -99 (e.g. 'a b')" in reason
    assert "1 n-gram(s) unseen after a context whose back-off weight is 0" in reason and "'b </s>'" in reason

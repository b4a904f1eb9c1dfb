"""Tampered files of every saved format: each mutation is a one-line format error, never a crash.

For each format a small valid file is written, then every field of it is mutated in turn (arrays
cut, extended, re-typed, declared larger than they are, given NaN, negative or huge entries, sorted
wrongly; header fields deleted or given values of the wrong type or range; text cut, rows added,
numbers spoiled) and the loader must answer each one with a :class:`ModelFormatError` naming the
file. A mutation that loads, or fails any other way, is listed in the assertion message.
"""
from __future__ import annotations

import io
import json

import numpy as np
import pytest

from tamper import json_member, npy_bytes, npy_header, read_zip, write_zip
from w2v import KeyedVectors, Word2Vec
from w2v.corpus import Vocabulary
from w2v.errors import ModelFormatError, W2VError
from w2v.models.state import load_state
from w2v.ngram import NgramLM

WORDS = ["the", "cat", "sat", "on", "mat"]
SENTENCES = [s.split() for s in ["a b", "a b", "a c", "b", "c a", "a", "b c", "a b c", "c", "b a", "c c b"]]


def refused(path, load, cases, error=ModelFormatError) -> None:
    """Write every ``(label, content)`` of ``cases`` to ``path`` and load it; collect what slips through."""
    failures, tried = [], 0
    for label, content in cases:
        tried += 1
        if isinstance(content, dict):
            write_zip(path, content)
        else:
            path.write_bytes(content)
        try:
            load(path)
        except error as err:
            message = str(err)
            if "\n" in message or str(path) not in message:
                failures.append(f"{label}: message not one line naming the file: {message!r}")
        except Exception as err:  # noqa: BLE001 - any other exception is what this test hunts
            failures.append(f"{label}: {type(err).__name__}: {err}")
        else:
            failures.append(f"{label}: loaded without an error")
    assert tried > 3
    assert not failures, f"{len(failures)} of {tried} tampered files were not refused:\n" + "\n".join(failures)


# ---------------------------------------------------------------- container mutations

def _array(data: bytes) -> np.ndarray:
    return np.load(io.BytesIO(data), allow_pickle=False)


def _with(array: np.ndarray, index, value) -> np.ndarray:
    out = array.copy()
    out.reshape(-1)[index] = value
    return out


def member_mutations(members: dict, checks: dict) -> list:
    """Mutations of every non-header member.

    ``checks`` maps a member name to the value mutations it must refuse, beyond the structural
    ones every member refuses (dropped, cut short in the file, declared larger than stored, object
    or text dtype): ``cut`` (one element fewer), ``extend`` (one more), ``retype`` (float <-> int),
    ``nan``, ``negative``, ``huge``, ``swap`` (first two entries exchanged).
    """
    cases = []
    for name, data in members.items():
        if name in ("meta", "meta_json"):
            continue
        array = _array(data)
        header_size = len(data) - array.nbytes
        flat = array.reshape(-1)

        def case(label, value):
            cases.append((f"{name}: {label}", {**members, name: value}))

        cases.append((f"{name}: dropped", {k: v for k, v in members.items() if k != name}))
        case("stored bytes cut short", data[:header_size + array.nbytes // 2] if array.nbytes > 1 else data[:-1])
        shape = (array.shape[0] * 1000 + 7,) + array.shape[1:] if array.size and array.ndim else (7,)
        case("declared larger than stored", npy_header(array.dtype.str, shape) + data[header_size:])
        case("object dtype", npy_header("|O", array.shape) + data[header_size:])
        case("text dtype", npy_header("<U1", (array.nbytes // 4,)) + data[header_size:][:array.nbytes // 4 * 4])
        for check in checks.get(name, ()):
            if check == "cut":
                case("one element fewer", npy_bytes(array[:-1]))
            elif check == "extend":
                more = array[-1:] if array.size else np.zeros(1, dtype=array.dtype)
                case("one element more", npy_bytes(np.concatenate([array, more])))
            elif check == "retype":
                other = np.int64 if array.dtype.kind == "f" else np.float64
                with np.errstate(invalid="ignore"):  # -inf log-probabilities as integers
                    case(f"stored as {np.dtype(other).name}", npy_bytes(array.astype(other)))
            elif check == "nan":
                finite = np.flatnonzero(np.isfinite(flat))
                if finite.size:  # (a NaN where every entry is NaN would change nothing)
                    case("NaN entry", npy_bytes(_with(array, finite[0], np.nan)))
                case("infinite entry", npy_bytes(_with(array, finite[-1] if finite.size else 0, np.inf)))
            elif check == "negative":
                case("negative entry", npy_bytes(_with(array, flat.size - 1, -1)))
            elif check == "huge":
                case("huge entry", npy_bytes(_with(array, flat.size - 1, 2 ** 40)))
            elif check == "swap":
                swapped = array.copy()
                swapped[[0, 1]] = swapped[[1, 0]]
                case("first two entries swapped", npy_bytes(swapped))
    return cases


def meta_mutations(members: dict, key: str, bad_values: dict) -> list:
    """The header with each field set to each of its bad values (``DROP`` deletes the field)."""
    meta = json.loads(_array(members[key]).tobytes())
    cases = [("header: a list", {**members, key: json_member([meta])}),
             ("header: not JSON", {**members, key: np.frombuffer(b"{not json", dtype=np.uint8)}),
             ("header: not UTF-8", {**members, key: np.frombuffer(b'{"a": "\xff"}', dtype=np.uint8)}),
             ("header: float bytes", {**members, key: np.zeros(4)})]
    for field, values in {"format": ["other", None, DROP], "version": ["1", 0, 2, 1.5, None, DROP],
                          **bad_values}.items():
        for value in values:
            changed = {k: v for k, v in meta.items() if k != field}
            if value is not DROP:
                changed[field] = value
            label = "dropped" if value is DROP else repr(value)[:30]
            cases.append((f"header {field}: {label}", {**members, key: json_member(changed)}))
    return cases


def whole_file_mutations(data: bytes) -> list:
    cuts = sorted({1, 4, 30, len(data) // 3, len(data) // 2, len(data) - 22, len(data) - 1})
    return [(f"file cut to {n} bytes", data[:n]) for n in cuts] + [("empty file", b"")]


DROP = object()


# ---------------------------------------------------------------- native vectors

def test_tampered_native_vector_files(tmp_path):
    good = tmp_path / "good.npz"
    vectors = np.arange(20, dtype=np.float32).reshape(5, 4) / 3
    KeyedVectors(WORDS, vectors, np.array([9, 7, 5, 3, 1])).save(good)
    members = read_zip(good)
    cases = member_mutations(members, {
        "vectors": ["cut", "retype", "nan"],
        "word_offsets": ["cut", "extend", "retype", "negative", "huge", "swap"],
        "words_utf8": ["cut", "extend", "retype"],
        "counts": ["cut", "extend", "retype", "negative"],
    })
    cases += [("words_utf8: invalid UTF-8", {**members, "words_utf8": np.frombuffer(b"\xff" * 13, np.uint8)})]
    cases += meta_mutations(members, "meta", {
        "vocab_size": [DROP, -1, 4, 6, "5", 5.0, None, [5], 10 ** 12],
        "dim": [DROP, 0, 3, 5, "4", None, 10 ** 12],
        "has_counts": [DROP, False, "yes", 1, None],
    })
    cases += whole_file_mutations(good.read_bytes())
    refused(tmp_path / "v.npz", KeyedVectors.load, cases)
    refused(tmp_path / "v.npz", lambda p: KeyedVectors.load(p, mmap=True),
            [c for c in cases if c[0].startswith("vectors")])


# ---------------------------------------------------------------- word2vec text and binary

def _spoil_text() -> list:
    header, *rows = (KeyedVectors_text := _text_file()).decode().splitlines(keepends=True)
    body = "".join(rows)
    cases = [(f"header {h!r}", (h + body).encode())
             for h in ["0 3\n", "-1 3\n", "5\n", "5 3 1\n", "x 3\n", "5 x\n", "5 0\n", "6 3\n", "4 3\n",
                       "5 4\n", "5 2\n", "5 3000000000\n", "99999999999 3\n"]]
    for value in ["nan", "inf", "-inf", "1e999", "abc", "0x10"]:
        cases.append((f"value {value}", (header + body.replace("0.5", value, 1)).encode()))
    last = rows[-1].split()
    cases += [("a value missing", (header + "".join(rows[:-1]) + " ".join(last[:-1]) + "\n").encode()),
              ("a value too many", (header + "".join(rows[:-1]) + rows[-1].rstrip() + " 1.0\n").encode()),
              ("a row without its word", (header + "".join(rows[:-1]) + " " + " ".join(last[1:]) + "\n").encode()),
              ("a row added", (header + body + rows[0]).encode())]
    cases += [(f"cut before value {k} of the last row",
               (header + "".join(rows[:-1]) + " ".join(last[:k]) + "\n").encode()) for k in range(1, 3)]
    return cases + [(label, data) for label, data in whole_file_mutations(KeyedVectors_text)
                    if len(data) < len(header)]


def _text_file() -> bytes:
    lines = ["5 3\n"] + [f"{w} {i}.5 {i}.25 -{i}.125\n" for i, w in enumerate(WORDS)]
    return "".join(lines).encode()


def test_tampered_word2vec_text_files(tmp_path):
    refused(tmp_path / "v.txt", KeyedVectors.load, _spoil_text())
    refused(tmp_path / "v.txt", lambda p: KeyedVectors.load(p, format="text"), _spoil_text())


def test_tampered_word2vec_binary_files(tmp_path):
    good = tmp_path / "good.bin"
    KeyedVectors(WORDS, np.arange(15, dtype=np.float32).reshape(5, 3) + 0.5).save(good, format="binary")
    data = good.read_bytes()
    header_end = data.index(b"\n") + 1
    body = data[header_end:]
    cases = [(f"header {h!r}", h + body) for h in [b"0 3\n", b"-1 3\n", b"5\n", b"x 3\n", b"6 3\n", b"4 3\n",
                                                    b"5 4\n", b"5 3000000000\n", b"99999999999 3\n"]]
    first_value = header_end + len(WORDS[0]) + 1
    for label, pattern in [("NaN", np.float32(np.nan)), ("inf", np.float32(np.inf)), ("-inf", np.float32(-np.inf))]:
        spoiled = bytearray(data)
        spoiled[first_value:first_value + 4] = pattern.tobytes()
        cases.append((f"value {label}", bytes(spoiled)))
    cases += [(f"cut {k} bytes short", data[:-k]) for k in (2, 5, 13, len(body) // 2)]
    cases += [("a row added", data + data[header_end:header_end + len(WORDS[0]) + 14])]
    refused(tmp_path / "v.bin", KeyedVectors.load, cases)
    refused(tmp_path / "v.bin", lambda p: KeyedVectors.load(p, format="binary"), cases)


def test_tampered_glove_files(tmp_path):
    rows = [f"{w} {i}.5 {i}.25 -{i}.125\n" for i, w in enumerate(WORDS)]
    good = "".join(rows)
    cases = [(f"value {v}", good.replace("1.5", v, 1).encode()) for v in ["nan", "inf", "-inf", "1e999", "abc"]]
    cases += [("a value missing", (good + "zebra 1.0 2.0\n").encode()),
              ("a value too many", (good + "zebra 1.0 2.0 3.0 4.0\n").encode()),
              ("only blank lines", b"\n\n")]
    refused(tmp_path / "g.txt", KeyedVectors.load, cases)


# ---------------------------------------------------------------- n-gram models

@pytest.mark.parametrize("method", ["kneser-ney", "add-k"])
def test_tampered_ngram_models(tmp_path, method):
    good = tmp_path / "good.npz"
    lm = NgramLM(order=3, smoothing=method, min_count=1).fit(SENTENCES)
    lm.save(good)
    members = read_zip(good)
    checks = {}
    for n in range(1, 4):
        checks[f"keys_{n}"] = ["cut", "extend", "retype", "negative", "huge"] + (["swap"] if n > 1 else [])
        checks[f"logprob_{n}"] = ["cut", "extend", "retype", "nan"]
        checks[f"logbow_{n}"] = ["extend", "retype"] + (["cut", "nan"] if n < 3 else [])
        checks[f"logfloor_{n}"] = ["cut", "extend", "retype", "nan"]
    cases = member_mutations(members, checks)
    for n in range(1, 4):
        logprob = _array(members[f"logprob_{n}"])
        cases.append((f"logprob_{n}: p > 1", {**members, f"logprob_{n}": npy_bytes(_with(logprob, -1, 0.5))}))
    words = lm.vocab_.words
    cases += meta_mutations(members, "meta", {
        "order": [DROP, 0, -1, 2, 4, "3", 3.0, None, 10 ** 9],
        "smoothing": [DROP, None, 3, ["add-k"]],
        "params": [[], "k", 3],
        "fitted": [[], "x"],
        "min_count": [DROP, 0, "1", None, 1.5],
        "train_tokens": [-1, "x", 2.5],
        "tokenizer": [3, ["x"]],
        "words": [DROP, None, "abc", [1, 2, 3], words[::-1], words[:-1], words + ["extra"],
                  words[:-1] + [words[3]]],
    })
    cases += whole_file_mutations(good.read_bytes())
    refused(tmp_path / "m.npz", NgramLM.load, cases)


ARPA = """\\data\\
ngram 1=5
ngram 2=3
ngram 3=1

\\1-grams:
-1.0\t<unk>
-99\t<s>\t-0.5
-0.5\t</s>
-0.7\ta\t-0.2
-0.6\tb\t-0.1

\\2-grams:
-0.1\t<s> a\t-0.3
-0.3\ta b
-0.4\ta </s>

\\3-grams:
-0.2\t<s> a b

\\end\\
"""


def test_tampered_arpa_files(tmp_path):
    good = tmp_path / "good.arpa"
    good.write_text(ARPA)
    assert NgramLM.load(good).logprob("b", ["<s>", "a"]) == pytest.approx(-0.2)
    edits = {
        "1-gram count +1": ("ngram 1=5", "ngram 1=6"), "1-gram count -1": ("ngram 1=5", "ngram 1=4"),
        "2-gram count +1": ("ngram 2=3", "ngram 2=4"), "2-gram count -1": ("ngram 2=3", "ngram 2=2"),
        "undeclared order": ("ngram 3=1\n", ""), "bad count": ("ngram 2=3", "ngram 2=three"),
        "NaN probability": ("-0.3\ta b", "nan\ta b"), "p > 1": ("-0.3\ta b", "0.5\ta b"),
        "infinite probability": ("-0.6\tb", "inf\tb"), "NaN back-off": ("\t-0.2\n", "\tnan\n"),
        "infinite back-off": ("\t-0.2\n", "\tinf\n"), "not a number": ("-0.4\ta </s>", "x\ta </s>"),
        "unknown word": ("-0.4\ta </s>", "-0.4\ta zzz"), "missing prefix": ("-0.2\t<s> a b", "-0.2\tb a b"),
        "duplicate 1-gram": ("-0.6\tb\t-0.1", "-0.6\ta\t-0.1"), "duplicate 2-gram": ("-0.4\ta </s>", "-0.4\ta b"),
        "no <s>": ("-99\t<s>\t-0.5", "-99\tc\t-0.5"), "no </s>": ("-0.5\t</s>", "-0.5\td"),
        "2-gram with one word": ("-0.3\ta b", "-0.3\ta"), "2-gram with four fields": ("-0.3\ta b", "-0.3\ta b c d"),
        "no \\end\\": ("\\end\\\n", ""), "no \\data\\": ("\\data\\\n", ""),
        "section misnamed": ("\\2-grams:", "\\2-gram:"),
    }
    cases = []
    for label, (old, new) in edits.items():
        assert old in ARPA, label
        cases.append((label, ARPA.replace(old, new, 1).encode()))
    cases += [(f"cut to {n} lines", "".join(ARPA.splitlines(keepends=True)[:n]).encode()) for n in (3, 9, 14, 19)]
    refused(tmp_path / "m.arpa", NgramLM.load, cases)
    refused(tmp_path / "m.arpa", NgramLM.from_arpa, cases)


# ---------------------------------------------------------------- vocabulary files

def test_tampered_vocabulary_files(tmp_path):
    good = tmp_path / "good.vocab"
    Vocabulary(WORDS, [9, 7, 5, 3, 3], total_words=30, min_count=2).save(good)
    header, *rows = good.read_text().splitlines(keepends=True)
    assert Vocabulary.load(good).words == WORDS
    body = "".join(rows)
    cases = [(f"header {old} -> {new}", (header.replace(old, new) + body).encode()) for old, new in [
        ("words=5", "words=6"), ("words=5", "words=4"), ("words=5", "words=x"), ("words=5 ", ""),
        ("version=1", "version=2"), ("version=1", "version=0"), ("min_count=2", "min_count=0"),
        ("total_words=30", "total_words=1"), ("pruned=0", "pruned=2"), ("pruned=0", "pruned"),
        ("total_words=30", "total_words=-3")]]
    for label, line in [("count not a number", "mat x\n"), ("negative count", "mat -1\n"), ("no count", "mat\n"),
                        ("no word", " 3\n"), ("duplicate word", "the 3\n"), ("count rises", "mat 100\n")]:
        cases.append((label, (header + "".join(rows[:-1]) + line).encode()))
    cases += [("not UTF-8", (header + body).encode() + b"\xff\xfe 1\n"),
              ("extra line", (header + body + "zebra 1\n").encode()),
              ("only a header", header.encode()),
              ("empty", b"")]
    refused(tmp_path / "v.vocab", Vocabulary.load, cases)


# ---------------------------------------------------------------- trainer states

@pytest.fixture(scope="module")
def state_file(tmp_path_factory):
    folder = tmp_path_factory.mktemp("state")
    corpus = folder / "c.txt"
    rng = np.random.default_rng(0)
    corpus.write_text("\n".join(" ".join(rng.choice([f"w{i}" for i in range(10)], 6)) for _ in range(40)))
    path = folder / "s.npz"
    Word2Vec(dim=4, epochs=1, min_count=1, workers=1, seed=1, progress=False).fit(corpus).save_state(path)
    return path


def test_tampered_trainer_states_at_the_container_level(tmp_path, state_file):
    members = read_zip(state_file)
    key = "meta" if "meta" in members else "meta_json"
    # the arrays that feed the compiled kernels are checked by the output-layer objects; here
    # every member is checked as a container member, and the ones the state itself describes
    checks = {"input_vectors": ["cut", "extend", "retype", "nan"], "counts": ["cut", "extend", "retype", "negative"]}
    cases = [c for c in member_mutations(members, checks)
             if not c[0].endswith(": dropped") or c[0].split(":")[0] in checks]
    assert sum(label.endswith("declared larger than stored") for label, _ in cases) == len(members) - 1
    for name, data in members.items():
        if name != key and _array(data).dtype.kind == "f" and _array(data).size:
            cases.append((f"{name}: NaN entry", {**members, name: npy_bytes(_with(_array(data), 0, np.nan))}))
    meta = json.loads(_array(members[key]).tobytes())
    cases += meta_mutations(members, key, {
        "epochs_trained": [-3, "1", None, 1.5], "total_words": [-1, "x"], "calls": [-1, [1]],
        "min_count_effective": [0, "1"], "words": [None, "x", [1, 2], meta["words"][:-1]],
        "params": ["x", [1]], "history": ["x", [1, 2]],
    })
    cases += whole_file_mutations(state_file.read_bytes())
    refused(tmp_path / "s.npz", load_state, cases)
    # the trainer built from such a state says the same, in one line, whatever layer it holds
    refused(tmp_path / "s.npz", Word2Vec.load_state, cases, error=W2VError)

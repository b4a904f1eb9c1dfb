"""``w2v ngram train|perplexity|generate`` end to end on small files in tmp_path."""
import json
import math

import pytest

from w2v.cli import main
from w2v.ngram import NgramLM

TRAIN = ["The cat sat on the mat .", "The dog sat on the log .", "A cat saw the dog .",
         "The dog saw a cat .", "A dog sat .", "The cat ran ."] * 5
TEST = ["The cat sat on the log .", "A bird sat ."]


@pytest.fixture
def files(tmp_path):
    train = tmp_path / "train.txt"
    train.write_text("\n".join(TRAIN) + "\n")
    test = tmp_path / "test.txt"
    test.write_text("\n".join(TEST) + "\n")
    return tmp_path, train, test


def test_train_perplexity_generate(files, capsys):
    folder, train, test = files
    model = folder / "m.lm"
    assert main(["ngram", "train", str(train), "-n", "3", "-o", str(model)]) == 0
    assert "trained 3-gram modified-kneser-ney" in capsys.readouterr().out
    assert main(["ngram", "perplexity", str(model), str(test), "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    lm = NgramLM.load(model)
    # default tokenizer: lowercase, "." dropped; "bird" is OOV
    expected = lm.evaluate([["the", "cat", "sat", "on", "the", "log"], ["a", "bird", "sat"]])
    assert out["perplexity"] == pytest.approx(expected.perplexity)
    assert (out["tokens"], out["oov"]) == (11, 1)
    assert main(["ngram", "perplexity", str(model), str(test)]) == 0
    assert "perplexity" in capsys.readouterr().out
    assert main(["ngram", "generate", str(model), "-n", "30", "--seed", "2"]) == 0
    first = capsys.readouterr().out
    assert main(["ngram", "generate", str(model), "-n", "30", "--seed", "2"]) == 0
    assert capsys.readouterr().out == first and first.strip()
    assert set(first.split()) <= set(lm.vocab_.words)


def test_whitespace_tokenizer_keeps_tokens_as_they_are(files, capsys):
    folder, train, test = files
    model = folder / "w.lm"
    assert main(["ngram", "train", str(train), "--tokenizer", "whitespace", "-o", str(model)]) == 0
    capsys.readouterr()
    lm = NgramLM.load(model)
    assert "The" in lm.vocab_ and "." in lm.vocab_ and lm.tokenizer_ == "whitespace"
    # the model remembers its tokenizer, so perplexity needs no --tokenizer
    assert main(["ngram", "perplexity", str(model), str(test), "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["tokens"] == 7 + 1 + 4 + 1 and out["oov"] == 1


def test_arpa_output_and_methods(files, capsys):
    folder, train, test = files
    for method in ("witten-bell", "interpolated", "kneser-ney", "add-k", "mle"):
        out_path = folder / f"{method}.arpa"
        assert main(["ngram", "train", str(train), "--smoothing", method, "-n", "2", "--min-count", "1",
                     "-o", str(out_path)]) == 0
        assert main(["ngram", "perplexity", str(out_path), str(test), "--json"]) == 0
        result = json.loads(capsys.readouterr().out.splitlines()[-1])
        if method == "mle":
            assert result["perplexity"] is None and "probability 0" in result["reason"]
        else:
            assert math.isfinite(result["perplexity"])
    assert (folder / "witten-bell.arpa").read_text().startswith("\\data\\")


def test_errors_exit_2_with_one_line(files, capsys):
    folder, train, test = files
    assert main(["ngram", "perplexity", str(train), str(test)]) == 2     # a text file is no model
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "neither" in err
    with pytest.raises(SystemExit) as exc:
        main(["ngram", "perplexity", str(folder / "missing.lm"), str(test)])
    assert exc.value.code == 2
    with pytest.raises(SystemExit) as exc:
        main(["ngram", "train", str(train), "-n", "0", "-o", str(folder / "x.lm")])
    assert exc.value.code == 2
    empty = folder / "empty.txt"
    empty.write_text("\n\n")
    assert main(["ngram", "train", str(empty), "-o", str(folder / "x.lm")]) == 2
    assert "no words" in capsys.readouterr().err
    assert main(["ngram"]) == 2


@pytest.mark.parametrize("command", ["perplexity", "generate"])
@pytest.mark.parametrize("field, key, value", [("fitted", "lambdas", [0.5, float("nan"), 0.5]),
                                               ("params", "lambdas", [0.5, float("inf"), 0.5]),
                                               ("params", "lambdas", [0.5, 1.5, 0.5])])
def test_a_model_with_impossible_smoothing_values_exits_2_with_one_line(files, command, field, key, value):
    # NaN in the learned values loaded unchecked; NaN or out-of-range parameters made a scoring-only model
    from cli_runner import run_cli

    from w2v.container import open_container, write_container
    from w2v.ngram.persist import LAYOUT

    folder, train, test = files
    good, bad = folder / "good.lm", folder / "bad.lm"
    assert run_cli("ngram", "train", train, "--smoothing", "interpolated", "-o", good).returncode == 0
    with open_container(good, LAYOUT) as box:
        meta = {k: v for k, v in box.meta.items() if k not in ("format", "version")}
        arrays = {name: box.array(name) for name in box.names}
    meta[field][key] = value
    write_container(bad, LAYOUT, meta, arrays)
    result = run_cli("ngram", command, bad, *([test] if command == "perplexity" else []))
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr.startswith(f"w2v ngram {command}: error: language model ") and result.stderr.count("\n") == 1
    assert "bad.lm" in result.stderr and f"header field '{field}'" in result.stderr and "Traceback" not in result.stderr


@pytest.mark.parametrize("declared", [101, 10 ** 10])
def test_an_arpa_model_above_the_highest_order_exits_2_with_one_line(files, declared):
    # 'ngram 10000000000=0' in a 90-byte file was a MemoryError traceback; order 101 scored, at 8 bytes
    # per token and order
    from cli_runner import run_cli

    folder, _, test = files
    model = folder / "deep.arpa"
    model.write_text("\\data\\\nngram 1=3\n" + "".join(f"ngram {n}=0\n" for n in range(2, 101))
                     + f"ngram {declared}=0\n\n\\1-grams:\n-1\t<unk>\n-99\t<s>\n-0.5\t</s>\n\n\\end\\\n")
    result = run_cli("ngram", "perplexity", model, test)
    assert result.returncode == 2 and result.stdout == "" and result.stderr.count("\n") == 1, result.stderr
    assert result.stderr.startswith("w2v ngram perplexity: error: ") and "deep.arpa' line 102" in result.stderr
    assert f"declares order {declared}; w2v reads and fits models of order at most 100" in result.stderr


def test_help_shows_defaults(capsys):
    with pytest.raises(SystemExit):
        main(["ngram", "train", "--help"])
    text = capsys.readouterr().out
    assert "default: modified-kneser-ney" in text and "--tokenizer" in text


def test_truncated_compressed_arpa_exit_2(files, capsys):
    import gzip

    folder, train, test = files
    arpa = folder / "lm.arpa"
    assert main(["ngram", "train", str(train), "-n", "2", "--smoothing", "kneser-ney", "-o", str(arpa)]) == 0
    whole = gzip.compress(arpa.read_bytes())
    (folder / "lm.arpa.gz").write_bytes(whole[:-20])  # the head still reads, the end is cut
    capsys.readouterr()
    assert main(["ngram", "perplexity", str(folder / "lm.arpa.gz"), str(test)]) == 2
    err = capsys.readouterr().err
    assert "corrupt or truncated" in err and err.count("\n") == 1
    from w2v.errors import ModelFormatError
    from w2v.ngram import read_arpa

    (folder / "half.arpa.gz").write_bytes(whole[:len(whole) // 2])
    with pytest.raises(ModelFormatError, match="ARPA file .* cannot be read .*corrupt or truncated"):
        read_arpa(folder / "half.arpa.gz")


def test_empty_top_order_round_trips_through_arpa(files, capsys):
    folder, train, test = files
    arpa = folder / "o9.arpa"
    assert main(["ngram", "train", str(train), "-o", str(arpa), "-n", "9", "--min-count", "1",
                 "--smoothing", "kneser-ney"]) == 0
    assert "ngram 9=0" in arpa.read_text()
    assert main(["ngram", "perplexity", str(arpa), str(test), "--json"]) == 0
    capsys.readouterr()
    native = folder / "o9.lm"
    assert main(["ngram", "train", str(train), "-o", str(native), "-n", "9", "--min-count", "1",
                 "--smoothing", "kneser-ney"]) == 0
    words = [["the", "cat", "sat", "on", "the", "log"]]
    assert NgramLM.load(arpa).evaluate(words).perplexity == pytest.approx(
        NgramLM.load(native).evaluate(words).perplexity, rel=1e-4)


def test_mle_json_is_strict_with_unseen_ngrams(files, capsys):
    folder, train, test = files
    model = folder / "mle.lm"
    assert main(["ngram", "train", str(train), "-n", "2", "--smoothing", "mle", "-o", str(model)]) == 0
    capsys.readouterr()
    assert main(["ngram", "perplexity", str(model), str(test), "--json"]) == 0
    text = capsys.readouterr().out
    assert "Infinity" not in text and "NaN" not in text
    out = json.loads(text)
    assert out["perplexity"] is None and out["log10_prob"] is None and out["reason"]


def test_negative_seed_is_a_usage_error(files, capsys):
    folder, train, test = files
    model = folder / "m.lm"
    assert main(["ngram", "train", str(train), "-n", "2", "-o", str(model)]) == 0
    with pytest.raises(SystemExit) as exc:
        main(["ngram", "generate", str(model), "--seed", "-1"])
    assert exc.value.code == 2 and "Traceback" not in capsys.readouterr().err


def test_a_fake_gzip_model_is_a_one_line_error(tmp_path):
    from cli_runner import run_cli

    model = tmp_path / "lm.arpa.gz"
    model.write_bytes(b"not gzip at all")
    text = tmp_path / "t.txt"
    text.write_text("a b c\n")
    out = run_cli("ngram", "perplexity", model, text)
    assert out.returncode == 2
    assert "corrupt or truncated" in out.stderr and "Traceback" not in out.stderr


def test_generate_reads_its_context_with_the_models_tokenizer(files, capsys):
    # the model was trained on lowercased tokens without punctuation: "The dog," is its "the dog"
    folder, train, _ = files
    model = folder / "m.lm"
    assert main(["ngram", "train", str(train), "-n", "3", "-o", str(model)]) == 0
    capsys.readouterr()
    runs = {}
    for context in ["the dog", "The dog,", "<s> THE Dog"]:
        assert main(["ngram", "generate", str(model), "-n", "20", "--seed", "4", "--json", "--context", context]) == 0
        runs[context] = json.loads(capsys.readouterr().out)["tokens"]
    assert runs["The dog,"] == runs["the dog"] == runs["<s> THE Dog"]
    lm = NgramLM.load(model)
    assert runs["the dog"] == lm.generate(20, seed=4, context=["the", "dog"])
    assert runs["the dog"] != lm.generate(20, seed=4, context=["<unk>"])


def test_generate_takes_the_tokenizer_of_a_case_sensitive_arpa_model(files, capsys):
    # an ARPA file records no tokenizer: "The" is lowercased unless --tokenizer says otherwise
    folder, train, _ = files
    arpa = folder / "m.arpa"
    assert main(["ngram", "train", str(train), "-n", "2", "--tokenizer", "whitespace", "-o", str(arpa)]) == 0
    capsys.readouterr()
    lm = NgramLM.load(arpa)
    assert main(["ngram", "generate", str(arpa), "-n", "15", "--seed", "4", "--json", "--context", "The",
                 "--tokenizer", "whitespace"]) == 0
    assert json.loads(capsys.readouterr().out)["tokens"] == lm.generate(15, seed=4, context=["The"])


def test_a_model_with_a_newer_tokenizer_is_refused_in_one_line(files, capsys):
    folder, train, test = files
    lm = NgramLM(order=2).fit([s.split() for s in TRAIN])
    lm.tokenizer_ = "sentencepiece-v9"
    lm.save(folder / "new.lm")
    assert main(["ngram", "perplexity", str(folder / "new.lm"), str(test)]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.startswith("w2v ngram perplexity: error: ") and captured.err.count("\n") == 1
    assert "'sentencepiece-v9'" in captured.err and "newer w2v" in captured.err


def test_the_cli_offers_exactly_the_tokenizers_model_files_may_name():
    from w2v.cli._args import TOKENIZERS
    from w2v.corpus.tokenize import TOKENIZER_NAMES

    assert TOKENIZERS == TOKENIZER_NAMES


def test_perplexity_of_an_arpa_model_says_which_tokenizer_it_uses(tmp_path, capsys):
    # an ARPA file records no tokenizer: a model trained on cased text with punctuation was scored on
    # lowercased text without it (perplexity 17.70 instead of 3.38) without a word
    train, test = tmp_path / "cap.txt", tmp_path / "capt.txt"
    train.write_text("The cat , sat .\nThe dog sat .\nA cat , ran .\n")
    test.write_text("The cat sat .\n")
    for name in ("cap.lm", "cap.arpa"):
        assert main(["ngram", "train", str(train), "--tokenizer", "whitespace", "--min-count", "1",
                     "-o", str(tmp_path / name)]) == 0
    capsys.readouterr()
    assert main(["ngram", "perplexity", str(tmp_path / "cap.lm"), str(test), "--json"]) == 0
    native = capsys.readouterr()
    assert native.err == ""
    assert main(["ngram", "perplexity", str(tmp_path / "cap.arpa"), str(test), "--json"]) == 0
    guessed = capsys.readouterr()
    assert guessed.err.startswith("w2v ngram perplexity: warning: ") and guessed.err.count("\n") == 1
    assert "cap.arpa" in guessed.err and "'default' tokenizer" in guessed.err
    assert "--tokenizer whitespace" in guessed.err
    assert main(["ngram", "perplexity", str(tmp_path / "cap.arpa"), str(test), "--json",
                 "--tokenizer", "whitespace"]) == 0
    chosen = capsys.readouterr()
    assert chosen.err == ""
    assert json.loads(chosen.out)["perplexity"] == pytest.approx(json.loads(native.out)["perplexity"])
    assert json.loads(guessed.out)["perplexity"] != pytest.approx(json.loads(native.out)["perplexity"])
    with pytest.raises(SystemExit):
        main(["ngram", "perplexity", "--help"])
    assert "an ARPA file records none" in " ".join(capsys.readouterr().out.split())


def test_perplexity_of_a_native_model_without_a_tokenizer_does_not_blame_arpa(files, capsys):
    # a model saved from Python records no tokenizer; the warning said "(ARPA files have no place for
    # one)" about this .npz file
    folder, train, test = files
    model = folder / "api.lm"
    NgramLM(order=2, min_count=1).fit([["the", "cat"], ["a", "dog"]]).save(model)
    assert main(["ngram", "perplexity", str(model), str(test), "--json"]) == 0
    err = capsys.readouterr().err
    assert err.startswith("w2v ngram perplexity: warning: ") and err.count("\n") == 1
    assert "api.lm' records no tokenizer" in err and "'default' tokenizer" in err and "ARPA" not in err


def test_a_model_fitted_from_a_file_in_python_scores_as_the_trained_one_without_a_warning(files, capsys):
    # NgramLM.fit(path) recorded no tokenizer: scoring its saved model warned that the text was
    # read with a guessed one, although fit had read the file with exactly that one
    folder, train, test = files
    NgramLM(order=3).fit(train).save(folder / "api.lm")
    assert main(["ngram", "train", str(train), "-n", "3", "-o", str(folder / "cli.lm")]) == 0
    capsys.readouterr()
    results = {}
    for name in ("api.lm", "cli.lm"):
        assert main(["ngram", "perplexity", str(folder / name), str(test), "--json"]) == 0
        out = capsys.readouterr()
        assert out.err == "", name
        results[name] = json.loads(out.out)
    assert results["api.lm"] == results["cli.lm"] and results["api.lm"]["oov"] == 1
    assert NgramLM.load(folder / "api.lm").tokenizer_ == NgramLM.load(folder / "cli.lm").tokenizer_ == "default"


@pytest.mark.parametrize("tokenizer", ["default", "whitespace"])
def test_train_reads_heldout_text_with_its_tokenizer_as_the_python_api_does(files, capsys, tokenizer):
    # --heldout is read with --tokenizer, as NgramLM.fit(corpus, heldout=path) reads a held-out path
    # with the training corpus's tokenizer: the same lambdas
    from w2v.corpus import Tokenizer, open_corpus

    folder, train, _ = files
    heldout, model = folder / "heldout.txt", folder / "m.lm"
    heldout.write_text("The cat sat on the log .\nA dog saw the cat .\nThe dog ran .\n")
    assert main(["ngram", "train", str(train), "--smoothing", "interpolated", "--min-count", "1",
                 "--tokenizer", tokenizer, "--heldout", str(heldout), "-o", str(model)]) == 0
    capsys.readouterr()
    reader = Tokenizer.whitespace() if tokenizer == "whitespace" else Tokenizer()
    api = NgramLM(smoothing="interpolated", min_count=1).fit(open_corpus(train, tokenizer=reader), heldout=heldout)
    lambdas = NgramLM.load(model).smoothing_.fitted_["lambdas"]
    assert lambdas == api.smoothing_.fitted_["lambdas"]


def test_generate_warns_about_an_arpa_models_tokenizer_only_when_the_context_depends_on_it(files, capsys):
    folder, train, _ = files
    arpa = folder / "m.arpa"
    assert main(["ngram", "train", str(train), "-n", "2", "--tokenizer", "whitespace", "-o", str(arpa)]) == 0
    capsys.readouterr()
    assert main(["ngram", "generate", str(arpa), "-n", "5", "--seed", "1", "--context", "The"]) == 0
    err = capsys.readouterr().err
    assert err.startswith("w2v ngram generate: warning: ") and "'default' tokenizer" in err and err.count("\n") == 1
    for context in (["--context", "cat"], []):   # read the same by both tokenizers, or no context at all
        assert main(["ngram", "generate", str(arpa), "-n", "5", "--seed", "1", *context]) == 0
        assert capsys.readouterr().err == ""


@pytest.mark.parametrize("name", ["m.arpa.gz", "m.arpa.bz2", "m.arpa.xz", "m.ARPA", "m.Arpa.GZ"])
def test_compressed_and_capitalised_arpa_names_write_arpa(files, capsys, name):
    # '-o m.arpa.gz' wrote a native zip, which the reader then took for a corrupt gzip file
    from w2v.fileio import open_binary

    folder, train, test = files
    assert main(["ngram", "train", str(train), "-n", "2", "-o", str(folder / "m.lm")]) == 0
    assert main(["ngram", "train", str(train), "-n", "2", "-o", str(folder / name), "--json"]) == 0
    assert json.loads(capsys.readouterr().out.splitlines()[-1])["format"] == "arpa"
    with open_binary(folder / name) as f:
        assert f.read().startswith(b"\\data\\\nngram 1=")
    for model in ("m.lm", name):
        assert main(["ngram", "perplexity", str(folder / model), str(test), "--json"]) == 0
    native, arpa = (json.loads(line) for line in capsys.readouterr().out.splitlines())
    assert arpa["perplexity"] == pytest.approx(native["perplexity"], rel=1e-12)
    assert [p.name for p in folder.iterdir() if p.name.startswith(".")] == []


@pytest.mark.parametrize("name", ["m.lm.gz", "m.npz.bz2", "m.XZ"])
def test_a_compressed_native_model_name_is_refused_before_training(files, capsys, name):
    folder, train, _ = files
    assert main(["ngram", "train", str(train), "-o", str(folder / name)]) == 2
    captured = capsys.readouterr()
    assert captured.err.startswith("w2v ngram train: error: ") and captured.err.count("\n") == 1
    assert name in captured.err and ".arpa.gz" in captured.err and "trained" not in captured.out
    assert not (folder / name).exists()


def test_generate_context_without_bos_is_mid_sentence(tmp_path, capsys):
    # '--context b' and '--context "<s> b"' gave the same text: <s> was always put first
    train = tmp_path / "xy.txt"
    train.write_text("b x\n" * 3 + "a b y\n" * 3)
    model = tmp_path / "xy.lm"
    assert main(["ngram", "train", str(train), "-n", "3", "--smoothing", "mle", "--min-count", "1",
                 "-o", str(model)]) == 0
    capsys.readouterr()
    first = {}
    for context in ("b", "<s> b"):
        for seed in range(20):
            assert main(["ngram", "generate", str(model), "-n", "1", "--seed", str(seed), "--json",
                         "--context", context]) == 0
            first.setdefault(context, set()).update(json.loads(capsys.readouterr().out)["tokens"])
    assert first == {"b": {"x", "y"}, "<s> b": {"x"}}

"""Word2Vec's public surface: keyword-only parameters, gensim's names refused or aliased,
scikit-learn's get_params/set_params/clone contract, gensim-style callbacks, the tokenizer."""
from __future__ import annotations

import copy
import inspect

import numpy as np
import pytest
from callback_recorders import GensimStyle, OnlyEpochEnd

from w2v.models.word2vec import NotFittedError, ParameterError, Word2Vec

SENTENCES = [["new_york", "is", "big", "C++", "and", "C#"], ["new_york", "C++", "Big"]] * 30


def _fit(**params):
    base = dict(dim=8, epochs=2, min_count=1, workers=1, progress=False)
    return Word2Vec(**{**base, **params})


def test_a_positional_corpus_is_a_clear_error_naming_fit():
    with pytest.raises(ParameterError, match=r"keyword parameters only.*fit\(\)"):
        Word2Vec(SENTENCES)
    with pytest.raises(ParameterError, match="fit"):
        Word2Vec("corpus.txt")


@pytest.mark.parametrize("name, value, fix", [
    ("sentences", SENTENCES, "fit(sentences)"), ("corpus_file", "c.txt", "fit('corpus.txt')"),
    ("vector_size", 50, "dim=50"), ("size", 50, "dim=50"), ("sg", 1, "architecture='skipgram'"),
    ("hs", 1, "objective='hierarchical'"), ("iter", 3, "epochs=3")])
def test_gensim_arguments_are_refused_with_our_name(name, value, fix):
    with pytest.raises(ParameterError) as info:
        Word2Vec(**{name: value})
    assert "gensim" in str(info.value) and fix in str(info.value)


def test_unknown_keyword_is_still_a_type_error():
    with pytest.raises(TypeError, match="no_such"):
        Word2Vec(no_such=1)


def _clone_by_contract(estimator):
    """scikit-learn's clone, step by step: get_params(deep=False) -> new object -> same params."""
    params = estimator.get_params(deep=False)
    copied = {name: copy.deepcopy(value) for name, value in params.items()}
    new = type(estimator)(**copied)
    for name, value in new.get_params(deep=False).items():
        assert value is copied[name], name  # __init__ stores exactly what it was given
    return new


def test_get_params_covers_every_constructor_parameter():
    names = [p for p in inspect.signature(Word2Vec.__init__).parameters if p != "self"]
    assert all(inspect.signature(Word2Vec.__init__).parameters[p].kind == inspect.Parameter.KEYWORD_ONLY
               for p in names)
    assert sorted(Word2Vec().get_params(deep=True)) == sorted(names)
    # help() and IDEs see the keyword parameters, not __new__'s catch-all
    assert list(inspect.signature(Word2Vec).parameters) == names
    assert Word2Vec().get_params(deep=False) == Word2Vec().get_params()


def test_clone_contract_and_set_params():
    callback = lambda model, record: None  # noqa: E731
    model = Word2Vec(dim=33, architecture="cbow", callbacks=[callback], tokenizer="whitespace")
    twin = _clone_by_contract(model)
    assert twin is not model and twin.get_params()["dim"] == 33 and twin.tokenizer == "whitespace"
    assert twin.callbacks == [callback]
    assert twin.set_params(dim=12, window=3) is twin
    assert (twin.dim, twin.window, model.dim) == (12, 3, 33)
    with pytest.raises(ParameterError, match="no parameter 'dims'"):
        twin.set_params(dims=4)
    with pytest.raises(ParameterError, match="dim=4"):
        twin.set_params(vector_size=4)


def test_sklearn_clone():
    base = pytest.importorskip("sklearn.base")
    model = Word2Vec(dim=33, epochs=2, callbacks=(), seed=4)
    twin = base.clone(model)
    assert type(twin) is Word2Vec and twin.get_params() == model.get_params()
    fitted = _fit().fit(SENTENCES)
    unfitted = base.clone(fitted)  # clone drops what was learned
    assert not hasattr(unfitted, "wv_") and not hasattr(unfitted, "wv")


def test_wv_and_vector_size_are_read_only_aliases():
    model = Word2Vec(dim=8)
    assert model.vector_size == 8
    with pytest.raises(NotFittedError, match="fit"):
        model.wv
    assert not hasattr(model, "wv")
    fitted = _fit().fit(SENTENCES)
    assert fitted.wv is fitted.wv_ and fitted.wv.vector_size == 8
    for name in ("wv", "vector_size"):
        with pytest.raises(AttributeError):
            setattr(fitted, name, None)


def test_gensim_style_callback_objects_and_functions_are_called():
    gensim_style, only_end, records = GensimStyle(), OnlyEpochEnd(), []
    _fit(epochs=3, callbacks=[gensim_style, only_end, lambda m, r: records.append(r["epoch"])]).fit(SENTENCES)
    assert gensim_style.events == ["train_begin"] + [
        e for i in (1, 2, 3) for e in ("epoch_begin", ("epoch_end", i, 8))] + ["train_end"]
    assert only_end.seen == 3 and records == [1, 2, 3]


@pytest.mark.parametrize("callbacks", [[object()], [3], "f", GensimStyle()])
def test_uncallable_callbacks_are_refused_before_training(callbacks):
    model = _fit(callbacks=callbacks)
    with pytest.raises(ParameterError, match="callbacks"):
        model.fit(SENTENCES)
    assert not hasattr(model, "wv_")


def test_tokenizer_whitespace_keeps_tokens_and_default_splits_them(tmp_path):
    path = tmp_path / "phrased.txt"
    path.write_text("\n".join(" ".join(s) for s in SENTENCES) + "\n")
    kept = _fit(tokenizer="whitespace").fit(path).wv_
    assert {"new_york", "C++", "C#", "Big", "big"} <= set(kept.words)
    split = _fit().fit(path).wv_
    assert "new_york" not in split and "C++" not in split and {"new", "york", "c", "big"} <= set(split.words)
    with pytest.raises(ParameterError, match="tokenizer"):
        _fit(tokenizer="spaces").fit(path)


def test_tokenizer_is_kept_by_the_trainer_state(tmp_path):
    path = tmp_path / "phrased.txt"
    path.write_text("\n".join(" ".join(s) for s in SENTENCES) + "\n")
    model = _fit(tokenizer="whitespace", callbacks=[lambda m, r: None]).fit(path)
    model.save_state(tmp_path / "state.npz")
    restored = Word2Vec.load_state(tmp_path / "state.npz")
    assert restored.tokenizer == "whitespace" and restored.callbacks == ()
    np.testing.assert_array_equal(restored.wv_.vectors, model.wv_.vectors)

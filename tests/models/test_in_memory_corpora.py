"""In-memory corpora as a gensim user passes them to ``Word2Vec.fit``: the same model as from token
lists, or a one-line error of the package's own type saying what to pass."""
import re

import numpy as np
import pytest

from w2v.errors import W2VError
from w2v.models.word2vec import Word2Vec

SENTENCES = [[f"w{(7 * i + 3 * j) % 23}" for j in range(9)] for i in range(120)]


def _fit(corpus):
    return Word2Vec(dim=8, min_count=1, epochs=1, workers=1, seed=3, progress=False).fit(corpus)


def test_sentences_as_numpy_arrays_of_str_train_the_model_lists_train():
    # token columns read back from parquet are arrays of str; gensim trains on them, w2v refused them
    expected = _fit(SENTENCES)
    as_arrays = [np.array(s) for s in SENTENCES]
    column = np.empty(len(SENTENCES), dtype=object)
    column[:] = as_arrays
    for corpus in (as_arrays, column, np.array(SENTENCES)):
        model = _fit(corpus)
        assert model.wv_.index_to_key == expected.wv_.index_to_key
        np.testing.assert_array_equal(model.wv_.vectors, expected.wv_.vectors)


@pytest.mark.parametrize("name, fix", [
    ("build_vocab", "fit(sentences)"),
    ("train", "partial_fit(sentences"),
    ("get_latest_training_loss", "history_"),
    ("save", "save_state"),
])
def test_gensim_method_names_say_what_to_call(name, fix):
    # gensim's two-step build_vocab(sentences) + train(sentences, ...) was a bare AttributeError
    model = Word2Vec(dim=8, min_count=1, progress=False)
    with pytest.raises(W2VError, match=re.escape(fix)) as info:
        getattr(model, name)
    assert isinstance(info.value, AttributeError) and "\n" not in str(info.value)
    assert not hasattr(model, name)
    with pytest.raises(AttributeError) as info:
        model.no_such_method
    assert not isinstance(info.value, W2VError)

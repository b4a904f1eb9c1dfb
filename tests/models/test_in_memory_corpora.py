"""In-memory corpora as a gensim user passes them to ``Word2Vec.fit``: the same model as from token
lists, or a one-line error of the package's own type saying what to pass."""
import numpy as np

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

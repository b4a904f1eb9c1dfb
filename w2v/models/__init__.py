"""word2vec models: two architectures (skip-gram, CBOW) composed with four output layers
(negative sampling, hierarchical softmax, full softmax, NCE).

>>> from w2v.models.word2vec import Word2Vec                 # doctest: +SKIP
>>> model = Word2Vec(architecture="cbow", objective="hierarchical").fit("corpus.txt")
>>> model.wv_.most_similar("king")

The estimator lives in :mod:`w2v.models.word2vec` and decides what to train; the
:class:`~w2v.models.training.Trainer` runs it (epochs, threads, schedule, history). Each output
layer is one object in :mod:`w2v.models.output_layers` (its arrays, their initialisation, saving
and validation, its buffers) with its compiled kernel in a ``_*_kernel`` module and its float64
reference in :mod:`w2v.models.reference`. :mod:`w2v.models.encoding` encodes the corpus each
training call needs and memory-maps it, :mod:`w2v.models.progress` draws the bar,
:mod:`w2v.models.learned` sets up the estimator's learned state (fresh, or from a saved one),
:mod:`w2v.models.publishing` hands its vectors out as ``wv_`` and :mod:`w2v.models.state` saves
and loads the trainer (npz + JSON); :mod:`w2v.models.params` checks the parameters and
:mod:`w2v.models.compat` meets gensim's habits (argument names, callback objects).

The names below are the accepted ``architecture`` and ``objective`` values; reading them compiles
nothing.
"""
from w2v.models.output_layers import OUTPUT_LAYERS

#: ``Word2Vec(architecture=...)`` / ``w2v train --arch`` values
ARCHITECTURES = ("skipgram", "cbow")
#: ``Word2Vec(objective=...)`` / ``w2v train --objective`` values, one per output layer
OBJECTIVES = tuple(OUTPUT_LAYERS)

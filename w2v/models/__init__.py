"""word2vec models: two architectures (skip-gram, CBOW) composed with four output layers
(negative sampling, hierarchical softmax, full softmax, NCE).

>>> from w2v.models.word2vec import Word2Vec                 # doctest: +SKIP
>>> model = Word2Vec(architecture="cbow", objective="hierarchical").fit("corpus.txt")
>>> model.wv_.most_similar("king")

The estimator lives in :mod:`w2v.models.word2vec`; the float64 references of every layer in
:mod:`w2v.models.reference`; compiled kernels in the ``_*_kernel`` modules (random numbers, the
shared logistic core, one module per output layer, the output-layer dispatch, the two
architectures, the chunk loop), used only through :mod:`w2v.models.training` (threads, schedule,
buffers). :mod:`w2v.models.encoding` memory-maps the encoded corpus, :mod:`w2v.models.progress`
draws the bar and :mod:`w2v.models.state` saves and loads the trainer (npz + JSON);
:mod:`w2v.models.compat` meets gensim's habits (argument names, callback objects).
"""

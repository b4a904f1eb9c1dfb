"""Data-parallel word2vec on a Dask cluster, at single-machine quality (``pip install 'w2v[distributed]'``).

>>> from distributed import Client, LocalCluster                          # doctest: +SKIP
>>> client = Client(LocalCluster(n_workers=4, threads_per_worker=1))
>>> model = Word2Vec(epochs=5).fit("corpus.txt", client=client, round_words=20_000)

The same from the shell: ``w2v train corpus.txt -o v.bin --local-cluster 4`` (or
``--scheduler tcp://host:8786`` to join a running cluster). The result is an ordinary fitted
:class:`~w2v.Word2Vec`: vectors, ``history_``, ``save_state``/``resume``.

Design
------
1. **Data stays where it is.** The corpus is a path every worker sees or an fsspec URL
   (:mod:`~w2v.distributed.storage`). One worker lists the corpus files and cuts them into byte ranges
   (:mod:`~w2v.distributed.shards`, 16 per worker); ranges end after a newline (or a white-space
   byte for text8-style files), so every line is read by exactly one range. Each worker counts the
   words of its ranges; the client merges the counts (a dictionary of the vocabulary, never the
   text) into the vocabulary a single process would build, initialises the weights exactly as a
   single process does (same seed, same initial vectors), and sends them to every worker once.
   Each worker encodes only its own ranges, into memory-mapped files of its own.
2. **Synchronous rounds.** In a round every worker trains the next ``round_words`` words of its
   share (by default 20,000 up to 4 workers and 10,000 with more) with the single-process epoch loop
   and compiled kernels (every architecture and output layer, its own threads), on its replica. The
   ranges are dealt round-robin, so the ``n`` workers train neighbouring parts of the corpus at the
   same time, as one process would read them. The learning rate follows the global progress: a
   worker at local position ``l`` of a round that began at global position ``G`` uses ``s * alpha(G
   + n * l)``, with ``s = n / 4`` (see 3 and below), at least 1, and capped so that no replica
   trains above 0.2, where CBOW's own updates diverge (CBOW's 0.05 at 32 workers: ``s = 4``); up to
   4 workers ``s = 1``, the plain rate (2 workers' changes are simply summed; from 3 on the settling
   rows take momentum, see 3).
3. **Combination** (:mod:`~w2v.distributed.combine`), on the workers: each worker keeps the rows of
   the input and output matrices it changed and their change. Worker ``j`` of the ``m`` that trained
   combines block ``j`` of the rows (ids ``r`` with ``r % m == j``): it fetches that block of every
   worker's change from the worker's block server (a Dask actor, called from worker to worker
   without the scheduler; a reduce-scatter), adds to its copy of the master the sum of the changes
   divided by ``s`` (never by less than ``n / 4``, see below), where the rows that settle within a
   round (those expected to be updated at least 30 times in one worker's round,
   :func:`~w2v.distributed.combine.round_updates`, an update at ``s`` times the rate counting ``s``
   times) take it with momentum from 3 workers on: ``A = A' / 2 + U / 2``, ``U`` the round's change
   and ``A'`` the row's change in the round before, which every worker keeps for those rows (zero at
   the start of a run, a resumed one too); then every worker fetches every combined block from the
   block servers (an all-gather) and sets those rows, so that every replica equals the new master.
   For skip-gram with ``s > 1`` every worker then scales both matrices along the direction the input
   vectors share, the input rows by ``lambda`` and the output rows by ``1 / lambda`` (no dot product
   changes), so that the two matrices share it as one process's would
   (:mod:`~w2v.distributed.balance`; each combined block carries one number more for it). The client
   only schedules three tasks per worker and round, none depending on more than one other, and
   fetches the master from a worker at the end of each epoch (history, callbacks, the state file)
   and on Ctrl-C.
4. **Faults.** Tasks are pinned to the worker holding the replica; while waiting the client checks
   the live workers. A worker lost while training is dropped: the others' changes of that round are
   combined as usual, the lost worker's words of the round and the rest of its share go to the
   least loaded survivors, which read and encode those ranges themselves, and training goes on. A
   worker lost while the changes are exchanged takes a block with it: the others stop waiting for
   its part (Dask's call to a dead worker's actor can stay unanswered for ever), every replica
   goes back to its copy of the master before the round and the round is redone without it; lost
   while the new master is being set, the survivors that set it pass it to the others (or, if
   none did, the round is redone). Ctrl-C stops the run at the end of the round in flight
   (:mod:`~w2v.distributed.interrupts`; a second one, or SIGTERM, at once, stopping the round on
   the workers, fetches included) and leaves the model at the last combined round, saved
   atomically by the caller as in a single process; ``resume(corpus, client=...)`` finishes the
   run. The local cluster's worker processes, which a terminal's Ctrl-C reaches too, start with it
   blocked and then ignore it (:mod:`~w2v.distributed._worker_signals`).

Communication per round
-----------------------
With ``dim`` the vector size, a worker sends ``(4 + 4 dim)`` bytes per changed row (int32 id,
float32 values) of each of the two matrices to the workers combining their blocks, and receives
the same per row of the union over all workers (the combined blocks); combining its own block, it
also receives that block of the others' changes and sends the result to every worker, about the
same volume again. A round of ``r`` words touches at most the distinct words of those ``r`` words
in the input matrix; in the output matrix negative sampling touches the targets plus up to
``r * window * negative`` noise rows (for ``r`` of 10^5 and more, a large part of the vocabulary),
and hierarchical softmax the inner nodes on the words' paths. So a worker's bytes per round are
bounded by about twice both matrices, whatever the number of workers; the client's are a few
hundred bytes per task. What grows with ``n`` is the client's and the scheduler's work, ``3 n``
tasks per round, and each worker's ``2 n`` calls to the block servers (for its block of every
change, then for every combined block; asked at once, answered by ``n`` servers side by side).
Before the servers, the ``n * n`` parts of the changes were tasks of their own and every
application depended on ``n`` combined blocks, which at 32 workers and more would have cost the
scheduler most of a round. The README's scaling section gives measured values and predictions.

Why it keeps quality
--------------------
To first order in the learning rate, ``n`` replicas trained at ``s * alpha`` whose changes are
summed and divided by ``s`` make the same step as one process trained on all their words at
``alpha`` (``n`` changes of size ``s * alpha * g_k`` give ``alpha * sum_k g_k``), for any ``s``:
rare words, seen by one worker, get exactly their single-process step, and the learning-rate
schedule is the single-process one. (Dividing by ``n`` when the cap makes ``s < n`` would train
every row at ``s / n`` of the rate: CBOW at 8 workers lost 7 points of analogy accuracy that way.)
Where the first order fails, the choice of ``s`` matters: a frequent word's row, updated thousands
of times in a round, settles on every replica where that replica's data puts it, and the sum of
``n`` settled changes divided by ``s`` moves it ``n / s`` times as far, past the optimum. The plain
sum (``s = 1``) diverged at 4 workers on a fifth of the benchmark corpus even with rounds of 2,000
words; an overshoot of 2 stayed stable (CBOW, 8 workers, ``s = 4``) and 8 / 3 and 4 diverged.
Averaging (``s = n``) never overshoots, but trains every replica at ``n`` times the rate, where its
own updates are far from the first order (one process of CBOW at 4 times its rate loses half its
analogy accuracy). So the rows that settle, those expected to be updated 30 times or more in a
worker's round (an update at ``s`` times the rate moves a row as far as ``s`` at the plain rate, so
it counts ``s`` times), take their change with momentum 0.5: a heavy ball with momentum ``m`` stays
stable for steps up to ``2 (1 + m) / (1 - m)`` = 6 times the settling one, which lets the replicas
train at ``s = n / 4`` (an overshoot of 4), while the other rows take their first-order step at once
(momentum on every row left CBOW at 4 workers 0.023 of WS-353 below one process). On the benchmark
corpus (5 epochs, against one process, means of seeds 1-3 at 4 workers and 1-5 at 8), with the
defaults, 4 workers are 0.2 points of analogy accuracy and 0.010 of WS-353 below for skip-gram and
0.2 and 0.004 below for CBOW; 8 workers are 0.15 points above and 0.014 below for skip-gram and 0.9
points below and 0.001 above for CBOW. What the first order misses grows with the round: the
replicas drift apart for ``round_words`` words at ``s`` times the rate, which is why rounds are
short (20,000 words per worker up to 4 workers, 10,000 with more: at 8 workers rounds of 20,000 left
CBOW 1.4 points below). And a combination does not keep how skip-gram's two matrices share their
common direction, which one process's steps keep to second order; left alone, it cost skip-gram at 8
workers 0.008 of WS-353 and 0.6 points of analogy accuracy, so every worker restores it after each
round where the replicas train at a raised rate (:mod:`~w2v.distributed.balance`; at the plain rate,
where the combination is a sum, restoring it cost 2 and 4 workers a little). Averaging per row over
the workers that touched it at the plain learning rate (Spark MLlib's rule) is stable but trains the
rows that every worker touches at ``alpha / n``, which on small corpora leaves the vectors
untrained. The measured comparison, with Spark's once-per-epoch rule, is in the README
(``scripts/distributed_quality.py``).
"""
from w2v.distributed.cluster import ClusterError, open_client
from w2v.distributed.driver import fit_distributed
from w2v.models.params import DEFAULT_ROUND_WORDS, DEFAULT_ROUND_WORDS_MANY, default_round_words

__all__ = ["DEFAULT_ROUND_WORDS", "DEFAULT_ROUND_WORDS_MANY", "ClusterError", "default_round_words", "fit_distributed",
           "open_client"]

"""The client side of a distributed run: plan byte ranges, merge the vocabulary, run synchronous
rounds, combine the workers' changes, survive lost workers, and leave an ordinary fitted model.

>>> from distributed import Client                                   # doctest: +SKIP
>>> fit_distributed(Word2Vec(epochs=5), "corpus.txt", Client("tcp://scheduler:8786"))

:meth:`w2v.Word2Vec.fit` with ``client=`` calls :func:`fit_distributed`; see :mod:`w2v.distributed`
for the design.
"""
from __future__ import annotations

import collections
import logging
import math
import time
import uuid

import numpy as np

from w2v._interrupts import HeldCtrlC
from w2v._jit import interrupts_deferred
from w2v.distributed import shards, waiting
from w2v.distributed import worker as remote
from w2v.distributed.cluster import ClusterError, check_client
from w2v.distributed.combine import change_divisor, exchange_bytes, replica_rate_factor, settled_momentum
from w2v.distributed.reading import CorpusSource, corpus_source
from w2v.errors import CorpusError, TrainingDiverged
from w2v.models import params, training
from w2v.models.fingerprint import check_same_corpus, counts_fingerprint
from w2v.models.params import default_round_words
from w2v.models.progress import TrainingBar

logger = logging.getLogger(__name__)

#: what the first Ctrl-C says (:class:`~w2v._interrupts.HeldCtrlC`)
_STOPPING = "stopping at the end of the round in flight"
#: byte ranges per worker: several, so that a lost worker's share spreads over the others
RANGES_PER_WORKER = 16


def fit_distributed(model, corpus, client, round_words: int | None = None, resume: bool = False,
                    rule: str = "scaled", on_round=None, vocabulary=None, force: bool = False):
    """Train ``model`` on a Dask cluster: what :meth:`Word2Vec.fit` / :meth:`Word2Vec.resume` do.

    Parameters
    ----------
    model : Word2Vec
        Its parameters say what to train; on return it is fitted (``wv_``, ``vocab_``,
        ``history_``), exactly like a single-process fit.
    corpus : str, PathLike, LineCorpus, Text8Corpus or FolderCorpus
        A file or folder at a path every worker sees, or an fsspec URL of one (the client does
        not read it; :mod:`w2v.distributed.storage`).
    client : distributed.Client
    round_words : int, optional
        Words each worker trains per synchronous round (default
        :func:`~w2v.models.params.default_round_words` of the workers at the start:
        :data:`DEFAULT_ROUND_WORDS` up to 4 workers, half as many with more).
        Larger rounds exchange less often; a round as large as a worker's share of the corpus is
        Spark MLlib's rule (one average per epoch).
    resume : bool
        Finish the epochs of a fitted (loaded) model instead of starting afresh; the corpus must be
        the one it was trained on (the same fingerprint, :mod:`w2v.models.fingerprint`).
    force : bool
        With ``resume``: train even on a corpus whose fingerprint differs.
    rule : {"scaled", "mean", "sum"}
        How the workers' changes combine (:mod:`w2v.distributed.combine`): ``"scaled"`` (the
        default) trains each of the ``n`` replicas at ``s = n / MAX_OVERSHOOT`` times the learning
        rate (at least 1; less where that would exceed ``MAX_LOCAL_ALPHA``:
        :func:`~w2v.distributed.combine.replica_rate_factor`) and adds the sum of the changes
        divided by ``s`` (by at least ``n / MAX_OVERSHOOT``; the settling rows with momentum:
        :func:`~w2v.distributed.combine.settled_momentum`), and for skip-gram with ``s > 1`` keeps
        the two matrices' balance along their common direction as one process does
        (:mod:`w2v.distributed.balance`); ``"mean"`` (per row, over the workers
        that touched it, at the plain learning rate: Spark MLlib's rule) and ``"sum"`` are there for comparison.
    on_round : callable, optional
        Called as ``on_round(info)`` after every round (dict: epoch, round, workers, words, lost).
    vocabulary : Vocabulary, optional
        Train these words instead of counting the corpus on the workers.

    Returns
    -------
    Word2Vec
        ``model``.
    """
    check_client(client)
    if round_words is not None and int(round_words) < 1:
        raise ValueError(f"round_words must be at least 1, got {round_words}")
    source = corpus_source(corpus, model)
    workers = waiting.live_workers(client)
    if not workers:
        workers = waiting.wait_for_a_worker(client)
    round_words = default_round_words(len(workers)) if round_words is None else int(round_words)
    ranges = client.submit(shards.plan_ranges, source.path, RANGES_PER_WORKER * len(workers), pure=False).result()
    owner = {rid: workers[rid % len(workers)] for rid in range(len(ranges))}
    if vocabulary is not None:
        _initialise(model, vocabulary)
    elif not resume:
        _initialise(model, shards.count_on_workers(client, ranges, owner, source, model.effective_min_count,
                                                  model.max_vocab_size))
    run = _Run(model, client, ranges, owner, source, round_words, rule, on_round)
    try:
        run.start()
        if vocabulary is None and not resume:
            shards.check_encoded_counts(model.vocab_, run.id_counts, source.path)
        current = run.fingerprint()
        if resume:
            check_same_corpus(getattr(model, "_corpus_fingerprint", None), current, repr(source.path), force)
        model._corpus_fingerprint = current
        run.train(first_epoch=model.epochs_trained_ if resume else 0)
    finally:
        run.close()
    return model


def _initialise(model, vocab) -> None:
    """The model's fresh weights for ``vocab``, once it is known that they fit in memory (as
    :meth:`Word2Vec.fit` checks): this process holds them, and every worker a replica."""
    params.check_memory(model, len(vocab))
    model._initialise(vocab)


class _Run:
    """The state of one distributed run on the client: which worker trains what, and the rounds.

    The master weights live on the workers (every replica equals it after each round); the
    model's arrays get it at the end of every epoch (:meth:`_pull`)."""

    def __init__(self, model, client, ranges, owner, source: CorpusSource, round_words, rule, on_round):
        self.model, self.client, self.ranges, self.owner = model, client, dict(enumerate(ranges)), owner
        self.round_words, self.rule, self.on_round = round_words, rule, on_round
        self.id = f"w2v-{uuid.uuid4().hex}"
        self.active = sorted(set(owner.values()))
        self.range_words: dict[int, int] = {}
        self.id_counts = np.zeros(len(model.vocab_), dtype=np.int64)  # over every encoded range, once
        self.servers: dict = {}   # worker -> (future, handle) of its BlockServer actor
        self.peers = None         # (workers, future of their servers' list on each of them): _peers
        # a worker can leave between planning and here (counting the vocabulary takes a while)
        info, gone = waiting.absent_workers(client, self.active)
        if gone:
            self._forget(gone)
        self.threads = {w: int(model.workers or info[w].get("nthreads", 1) or 1) for w in self.active}
        self.round_no = 0    # rounds finished in this run (the workers' replicas follow it)
        self.combinations = 0   # combinations started (a redone round's too): names them on the workers
        self.stop = HeldCtrlC(_STOPPING)   # entered by train(): Ctrl-C then waits for its round's end
        self.setup = {
            "words": model.vocab_.words, "counts": model.vocab_.counts, "input_vectors": model._input,
            "layer": model._layer, "keep": model._keep, "tokenizer": source.tokenizer,
            "max_sentence_length": source.max_length, "phrases": source.phrases,
            "architecture": model.architecture, "objective": model.objective,
            "shared_negatives": bool(model.shared_negatives), "cbow_mean": bool(model.cbow_mean),
            "window": int(model.window), "alpha": model.effective_alpha, "min_alpha": model.effective_min_alpha,
            "seed": int(model.seed), "round_words": round_words,   # the settling rows, for their momentum:
            "settling": rule == "scaled" and settled_momentum(len(self.active), model.effective_alpha) > 0,
            "rate_factor": self._alpha_scale(len(self.active)),
            # skip-gram's balance of its two matrices, where the replicas train at a raised rate
            "balance": (rule == "scaled" and model.architecture == "skipgram"
                        and self._alpha_scale(len(self.active)) > 1),
        }

    # -- setup and teardown -------------------------------------------------------------------

    def start(self) -> None:
        """Send the model to every worker; each encodes its own ranges (a lost one's go to others)."""
        [setup] = self.client.scatter([self.setup], broadcast=True, hash=False)
        futures = {w: self._on(w, remote.start_run, self.id, setup, self._ranges_of(w)) for w in self.active}
        results, lost = self._collect(futures)
        self._count(results)
        while lost:
            self._forget(lost)
            orphans = [rid for rid in self.ranges if rid not in self.range_words]
            futures = {w: self._on(w, remote.adopt_ranges, self.id, self._ranges_of(w, orphans))
                       for w in self.active if self._ranges_of(w, orphans)}
            results, lost = self._collect(futures)
            self._count(results)
        self._start_servers()

    def _start_servers(self) -> None:
        """One :class:`~w2v.distributed.worker.BlockServer` actor per worker, for the whole run: the
        workers fetch the blocks they combine from each other's servers, not through the scheduler."""
        futures = {w: self.client.submit(remote.BlockServer, workers=[w], allow_other_workers=False,
                                         pure=False, actor=True) for w in self.active}
        servers, lost = self._collect(futures)
        # the futures keep the actors alive; the handles are what the combining tasks call
        self.servers = {w: (futures[w], servers[w]) for w in servers}
        self._forget(lost)

    def _count(self, results: dict) -> None:
        """Record what workers encoded: words per range, and the count of each id."""
        for result in results.values():
            self.range_words.update(result["words"])
            self.id_counts += result["counts"]

    def fingerprint(self) -> dict:
        """The corpus fingerprint of everything the workers encoded, as one process computes it."""
        return counts_fingerprint(self.id_counts)

    def close(self) -> None:
        self.servers.clear()   # releasing the futures lets the scheduler drop the actors
        self.peers = None
        try:
            self.client.run(remote.end_run, self.id)
        except Exception:  # a closed client or a dying cluster: the workers drop their state with it
            logger.debug("could not clear run %s on the workers", self.id, exc_info=True)

    def _ranges_of(self, w, among=None) -> dict:
        ids = self.ranges_by_owner(w) if among is None else [rid for rid in among if self.owner[rid] == w]
        return {rid: self.ranges[rid] for rid in ids}

    def ranges_by_owner(self, w) -> list[int]:
        return [rid for rid, o in sorted(self.owner.items()) if o == w]

    # -- faults -------------------------------------------------------------------------------

    def _on(self, w, function, *args):
        """Run ``function(*args)`` on worker ``w`` only (the one holding this run's state there)."""
        return self.client.submit(function, *args, workers=[w], allow_other_workers=False, pure=False)

    def _collect(self, futures: dict, fetch: bool = True, needed=()):
        """:func:`w2v.distributed.waiting.collect` on this run's client."""
        return waiting.collect(self.client, futures, fetch, needed)

    def _forget(self, lost: list) -> None:
        """Drop lost workers (if any) and hand their ranges to the least loaded survivors."""
        if not lost:
            return
        self.active = [w for w in self.active if w not in lost]
        for w in lost:
            self.servers.pop(w, None)
        if not self.active:
            raise ClusterError("every worker of the cluster was lost: training stopped (the vectors of the "
                               "last finished epoch are kept)")
        load = collections.Counter({w: 0 for w in self.active})
        for rid, w in self.owner.items():
            if w in load:
                load[w] += self.range_words.get(rid, 0)
        for rid in sorted(r for r, w in self.owner.items() if w in lost):
            heir = min(self.active, key=lambda w: (load[w], w))
            self.owner[rid] = heir
            load[heir] += self.range_words.get(rid, 1)
        logger.warning("lost worker(s) %s: their ranges go to the %d remaining worker(s)",
                       ", ".join(lost), len(self.active))

    # -- training -----------------------------------------------------------------------------

    def train(self, first_epoch: int) -> None:
        model = self.model
        total = sum(self.range_words.values())
        if total == 0:
            raise CorpusError("no word of the corpus is in the model's vocabulary: nothing to train on")
        planned = total * model.epochs
        self.words_done = first_epoch * total
        plan = training.Plan(model.architecture, bool(model.shared_negatives), bool(model.cbow_mean), model.window,
                             model.effective_alpha, model.effective_min_alpha, planned, model.epochs, 1, model.seed)
        model._own_input()   # _pull writes the master into model._input: not into vectors published before
        schedule = training.Trainer(plan, model._input, model._layer, model._keep)
        bar = TrainingBar(planned, enabled=bool(model.progress), initial=self.words_done)
        model.interrupted_ = False
        try:
            # Ctrl-C stops at the end of the round in flight, where the replicas agree
            # (w2v.distributed.interrupts); each round ends with stop.check()
            with self.stop:
                self._train_epochs(first_epoch, total, schedule, bar)
        except KeyboardInterrupt:
            # the workers hold the weights of the last combined round: the one Ctrl-C came in, or the
            # one before it if a second Ctrl-C (or another exception's KeyboardInterrupt) cut a round short
            try:
                self.client.run(remote.stop_run, self.id)
                self._pull()
            except KeyboardInterrupt:   # Ctrl-C again while fetching: the model must still be kept
                logger.warning("stopped fetching the last combined round: the model keeps the vectors of "
                               "its last finished epoch")
            except Exception:
                logger.warning("could not fetch the last combined round from the workers: the model keeps "
                               "the vectors of its last finished epoch", exc_info=True)
            model._publish_interrupted()
            raise
        finally:
            bar.close()

    def _train_epochs(self, first_epoch: int, total: int, schedule, bar) -> None:
        model = self.model
        planned = total * model.epochs
        logger.info("distributed training of %s + %s on %d words x %d epochs (from epoch %d), %d workers, "
                    "%d words per worker per round", model.architecture, model.objective, total, model.epochs,
                    first_epoch + 1, len(self.active), self.round_words)
        model._notify("on_train_begin")
        for epoch in range(first_epoch, model.epochs):
            bar.set_epoch(epoch, model.epochs)
            model._notify("on_epoch_begin")
            stats = self._epoch(epoch, planned, lambda loss: bar.update(
                self.words_done, schedule.learning_rate(self.words_done), loss))
            self._pull()
            if not (np.isfinite(model._input).all() and np.isfinite(model._layer.weights).all()):
                raise TrainingDiverged(
                    f"training diverged (non-finite weights) at learning rate {model.effective_alpha:g}: "
                    "lower alpha (--alpha), e.g. by a factor of 10, and train again")
            record = {
                "epoch": len(model.history_) + 1,
                "loss": stats["loss"] / max(stats["examples"], 1),
                "loss_sum": stats["loss"], "examples": stats["examples"], "words": stats["words"],
                "seconds": stats["seconds"],
                "words_per_second": stats["words"] / max(stats["seconds"], 1e-9),
                "alpha": schedule.learning_rate(self.words_done),
                "workers": len(self.active), "rounds": stats["rounds"],
                "bytes_exchanged": stats["bytes"],
            }
            model.history_.append(record)
            model.epochs_trained_ = epoch + 1
            model._publish()
            model._notify("on_epoch_end", record)
        model._publish(final=True)
        model._notify("on_train_end")

    def _queues(self) -> dict:
        """Each worker's pieces of the epoch, ``(range id, first word, last word)``, in range order."""
        queues = {w: collections.deque() for w in self.active}
        for rid in sorted(self.ranges):
            n = self.range_words[rid]
            for a in range(0, n, self.round_words):
                queues[self.owner[rid]].append((rid, a, min(n, a + self.round_words)))
        return queues

    def _alpha_scale(self, n: int) -> float:
        """The factor of the replicas' learning rate with ``n`` workers: 1 but under the "scaled"
        rule (:func:`w2v.distributed.combine.replica_rate_factor`)."""
        return replica_rate_factor(n, self.model.effective_alpha) if self.rule == "scaled" else 1.0

    def _take(self, queue) -> list:
        taken, words = [], 0
        while queue and (not taken or words + queue[0][2] - queue[0][1] <= self.round_words):
            rid, a, b = queue.popleft()
            taken.append((rid, a, b))
            words += b - a
        return taken

    def _epoch(self, epoch: int, planned: int, show) -> dict:
        model = self.model
        stats = {"loss": 0.0, "examples": 0, "words": 0, "rounds": 0, "bytes": 0}
        began = time.perf_counter()
        queues = self._queues()
        lost_since: list = []   # workers lost since the last finished round (a redone round included)
        while any(queues.values()):
            pieces = {w: self._take(queues[w]) for w in self.active}
            n = len(self.active)
            scale = self._alpha_scale(n)
            futures = {}
            for k, w in enumerate(self.active):
                schedule = {"words_before_per_worker": self.words_done // n,
                            "words_planned_per_worker": max(1, math.ceil(planned / n)),
                            "threads": self.threads[w], "alpha_scale": scale,
                            "stream": (model._calls, epoch, stats["rounds"], k)}
                work = [(rid, self.ranges[rid], a, b) for rid, a, b in pieces[w]]
                futures[w] = self._on(w, remote.train_round, self.id, self.round_no, work, schedule)
            results, lost = self._collect(futures)
            self._forget(lost)
            self._requeue(queues, pieces, lost)
            sent = self._combine(results, n) if results else 0
            lost_since += [w for w in pieces if w not in self.active and w not in lost_since]
            if sent is None:
                # a worker was lost while the changes were exchanged: the round is redone without it
                self._requeue(queues, pieces, [w for w in pieces if w in results])
                continue
            # a worker lost after its change was combined: only the rest of its share moves
            self._requeue(queues, {}, [w for w in pieces if w not in self.active])
            self.round_no += 1
            stats["bytes"] += sent
            for r in results.values():
                stats["words"] += r["words"]
                stats["loss"] += r["loss"]
                stats["examples"] += r["examples"]
                self.words_done += r["words"]
            stats["rounds"] += 1
            show(stats["loss"] / stats["examples"] if stats["examples"] else None)
            if self.on_round is not None:
                self.on_round({"epoch": epoch, "round": stats["rounds"], "workers": list(self.active),
                               "words": stats["words"], "lost": lost_since})
            lost_since = []
            self.stop.check()
        stats["seconds"] = time.perf_counter() - began
        return stats

    def _requeue(self, queues: dict, pieces: dict, workers: list) -> None:
        """Put the round's pieces of ``workers`` back at the head of their owners' queues (a lost
        worker's remaining queue too: its ranges have new owners)."""
        for w in workers:
            leftover = list(pieces.get(w, ())) + (list(queues.pop(w, ())) if w not in self.active else [])
            for rid, a, b in reversed(leftover):
                queues.setdefault(self.owner[rid], collections.deque()).appendleft((rid, a, b))

    def _combine(self, results: dict, n: int) -> int | None:
        """Combine the round's changes on the workers and make every replica the new master.

        Worker ``j`` of the ``m`` that trained combines block ``j`` of the rows (ids ``r`` with
        ``r % m == j``): it fetches that block of every worker's change from their block servers
        (a reduce-scatter), and every worker then fetches every combined block from them (an
        all-gather); the client only schedules ``3 m`` tasks. ``n`` is the number of workers that
        started the round (the replicas' learning-rate factor depends on it, also when some were
        lost).

        Returns
        -------
        int or None
            Bytes exchanged, or None when a worker was lost before every replica held the new
            master: every replica is then back at the master before the round, to redo it.
        """
        survivors = [w for w in self.active if w in results]
        m = len(survivors)
        rule = "average" if self.rule == "scaled" else self.rule
        scale = self._alpha_scale(n)
        divisor = change_divisor(n, scale)
        momentum = settled_momentum(n, self.model.effective_alpha) if self.setup["settling"] else 0.0
        # the balance is restored where the replicas train at a raised rate (at the plain rate, where
        # the combination is a sum, restoring it cost 2 and 4 workers: see the README)
        balance_rate = scale if self.setup["balance"] and scale > 1 else 0.0
        # each combining worker fetches its block of every change from the others' block servers
        peers = self._peers(survivors)
        if peers is None:   # a worker left before the list reached it: the round is redone without it
            self._set_masters(None)
            return None
        self.combinations += 1
        attempt = self.combinations
        blocks = {w: self._on(w, remote.combine_block, self.id, peers, j, rule, divisor, attempt, momentum,
                              balance_rate) for j, w in enumerate(survivors)}
        combined, lost = self._collect(blocks, needed=survivors)
        if len(combined) < m:
            self._forget(lost)
            self._abandon(attempt)
            self._set_masters(None)
            return None
        applied = {w: self._on(w, remote.apply_round, self.id, self.round_no, peers, attempt) for w in survivors}
        received, lost = self._collect(applied, needed=survivors)
        if len(received) < m:
            self._forget(lost)
            self._abandon(attempt)
            if not self._recover(self.round_no):
                return None
        dim = self.model.dim
        return sum(exchange_bytes(results[w]["rows"][name], dim) + exchange_bytes(got[name], dim)
                   for w, got in received.items() for name in ("input", "output"))

    def _abandon(self, attempt: int) -> None:
        """Make the workers' fetches of combination ``attempt`` give up: a fetch from a dead worker
        can wait for ever, holding the thread that the tasks redoing the round need."""
        try:
            self.client.run(remote.abandon_combine, self.id, attempt, workers=self.active)
        except Exception:
            logger.debug("could not reach every worker to give up combination %d", attempt, exc_info=True)

    def _peers(self, survivors: list):
        """The list of ``(worker, block server)`` of ``survivors``, held by each of them: sent once
        while the workers stay the same (a task given the handles themselves would depend on every
        actor, which costs the scheduler ``n`` dependencies per task, ``n * n`` per round). None if
        a survivor left the cluster before the list reached it (it is then dropped)."""
        if self.peers is None or self.peers[0] != survivors:
            listing = [(w, self.servers[w][1]) for w in survivors]
            try:
                [future] = self.client.scatter([listing], workers=list(survivors), broadcast=True, hash=False)
            except Exception as error:
                _, gone = waiting.absent_workers(self.client, survivors)
                if gone:
                    self._forget(gone)
                    return None
                raise ClusterError(f"could not send the list of workers to the workers ({type(error).__name__}: "
                                   f"{error}): training stopped (the vectors of the last finished epoch are "
                                   "kept)") from error
            self.peers = (list(survivors), future)
        return self.peers[1]

    def _set_masters(self, source) -> None:
        """Every active replica back to its own copy of the master before the round (``source``
        None), or to the master a worker holds (``source``: ``(worker, round)``)."""
        if source is None:
            futures = {w: self._on(w, remote.set_master, self.id, None, None) for w in self.active}
        else:
            holder, round_no = source
            weights = self._on(holder, remote.master, self.id, round_no)
            futures = {w: self._on(w, remote.set_master, self.id, round_no, weights)
                       for w in self.active if w != holder}
        _, lost = self._collect(futures, needed=[source[0]] if source else ())
        if lost:
            self._forget(lost)
            raise ClusterError(f"lost worker(s) {', '.join(lost)} while restoring the others after a lost "
                               "worker: training stopped (the vectors of the last finished epoch are kept)")

    def _recover(self, round_no: int) -> bool:
        """After a worker was lost while the new master was being applied: if a replica holds it,
        copy it to the others and return True; otherwise put every replica back at the master
        before the round and return False."""
        states, lost = self._collect({w: self._on(w, remote.round_state, self.id) for w in self.active})
        self._forget(lost)
        holders = [w for w, (_, applied) in sorted(states.items()) if applied == round_no]
        if holders:
            self._set_masters((holders[0], round_no))
            return True
        self._set_masters(None)
        return False

    def _pull(self) -> None:
        """Copy the master of the last finished round from a worker into the model's arrays."""
        if self.round_no == 0:
            return  # no round finished in this run: the model's arrays are the master
        for w in list(self.active):
            got, lost = self._collect({w: self._on(w, remote.master, self.id, self.round_no - 1)})
            self._forget(lost)
            if got.get(w) is not None:
                with interrupts_deferred():   # both matrices of one round, never one of each
                    np.copyto(self.model._input, got[w][0])
                    np.copyto(self.model._layer.weights, got[w][1])
                return
        raise ClusterError("no worker holds the last combined round: training stopped")


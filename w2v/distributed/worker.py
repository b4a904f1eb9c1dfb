"""What runs inside a Dask worker: its replica of the weights, its encoded byte ranges, one round.

>>> words = start_run(run_id, setup, ranges)                  # once per worker  # doctest: +SKIP
>>> server = BlockServer()                                    # once per worker, as a Dask actor
>>> stats = train_round(run_id, t, pieces, schedule)          # round t, on every worker k:
>>> combine_block(run_id, peers, j, "average", s, a)          #   on worker j: block j of every
>>>                                                           #   change, from (address, server) peers
>>> apply_round(run_id, t, peers, a)                          #   on every worker: the new master
>>> end_run(run_id)                                           # through Client.run

The state of a run lives in this module's :data:`_RUNS`, in the worker process, keyed by the run's
id; tasks of the run are pinned to the worker that holds it. Nothing here imports Dask: the
functions are plain Python, and the training itself is :meth:`w2v.models.training.Trainer.run_epoch` on a
slice of sentences (the seam to the single-process trainer: :func:`_train_piece`). The one Dask
object is a handle: :func:`combine_block` and :func:`apply_round` ask every worker's
:class:`BlockServer` (a Dask actor, called directly from worker to worker, not through the
scheduler) for its part of a block and for the block it combined.
"""
from __future__ import annotations

import asyncio
import copy
import dataclasses
import threading
import time

import numpy as np

from w2v.corpus import EncodedCorpus, Vocabulary
from w2v.corpus.scan import choose_engine
from w2v.distributed import balance
from w2v.distributed.combine import combine_deltas, round_updates, settling_rows, touched_rows, with_momentum
from w2v.distributed.shards import RangeCorpus
from w2v.errors import TrainingDiverged
from w2v.models import training
from w2v.models.encoding import encode_to_disk


@dataclasses.dataclass
class _Run:
    """One worker's part of a run."""

    setup: dict
    vocab: Vocabulary
    ranges: dict                  # range id -> ByteRange
    encoded: dict                 # range id -> EncodedCorpus (encoded on first use)
    input_vectors: np.ndarray     # the replica, float32 (V, dim)
    layer: object                 # the replica's OutputLayer; layer.weights is its output matrix
    keep: np.ndarray
    before_input: np.ndarray      # the replica at the start of the round
    before_output: np.ndarray
    stop: threading.Event
    engine: str = "auto"          # how this worker reads its ranges (w2v.corpus.scan.choose_engine)
    base_round: int = -1          # the round after which ``before_*`` is the master (-1: the start)
    applied: int = -1             # the last round whose combined change the replica holds
    delta: dict | None = None     # this worker's change in the round it trained last
    abandoned: int = -1           # the last combination the driver gave up (abandon_combine)
    combined: tuple | None = None  # (combination, block) this worker combined last (combine_block)
    settling: dict | None = None  # "input"/"output" -> int32 ids of the rows that settle within a round
    velocity: dict | None = None  # "input"/"output" -> float32 (h, dim): their change in the last round applied
    velocity_before: dict | None = None  # the same at the start of the round trained last
    start: balance.Start | None = None  # the master at the start of the round along its common direction


#: run id -> this worker's state of that run
_RUNS: dict[str, _Run] = {}
#: seconds between checks, while a worker waits for another's part of a block, that the driver has
#: not given the combination up
FETCH_POLL_SECONDS = 0.25


def start_run(run_id: str, setup: dict, ranges: dict) -> dict:
    """Receive the model and encode this worker's byte ranges.

    Parameters
    ----------
    run_id : str
    setup : dict
        ``words``, ``counts`` (int64 (V,)), ``input_vectors`` float32 (V, dim), ``layer`` (the
        :class:`w2v.models.output_layers.OutputLayer`), ``keep`` float32 (V,), ``tokenizer``,
        ``max_sentence_length``, ``phrases`` (a fitted Phrases or None) and the plan fields
        (``architecture``, ``objective``, ``shared_negatives``, ``cbow_mean``, ``window``,
        ``alpha``, ``min_alpha``, ``seed``), ``round_words``, ``settling`` (whether the rows that
        settle within a round are tracked, for their momentum), ``rate_factor`` (the factor of
        the replicas' learning rate, which tells them) and ``balance`` (whether the matrices'
        balance along their common direction is kept: :mod:`w2v.distributed.balance`).
    ranges : dict of int to ByteRange
        The ranges this worker trains first.

    Returns
    -------
    dict
        ``words``: encoded words of each range (dict of int to int); ``counts``: int64 (V,), how
        often each vocabulary id occurs in these ranges (for the corpus fingerprint).
    """
    vocab = Vocabulary(setup["words"], setup["counts"])
    layer = copy.deepcopy(setup["layer"])  # this worker's replica, never the (possibly shared) setup
    input_vectors = np.array(setup["input_vectors"], dtype=np.float32, copy=True)
    run = _Run(setup=setup, vocab=vocab, ranges=dict(ranges), encoded={}, input_vectors=input_vectors,
               layer=layer, keep=np.ascontiguousarray(setup["keep"], dtype=np.float32),
               before_input=input_vectors.copy(), before_output=layer.weights.copy(),
               stop=threading.Event())
    _start_momentum(run, setup)
    # one choice for the whole share: each range alone is small, but the compiled scan's kernels,
    # once loaded, read every range of it several times faster than the Python path
    run.engine = choose_engine(RangeCorpus(list(run.ranges.values()), setup["tokenizer"]))
    _RUNS[run_id] = run
    return _encode_all(run, run.ranges)


def _start_momentum(run: _Run, setup: dict) -> None:
    """The rows that settle within a round (:func:`~w2v.distributed.combine.settling_rows`) and
    their momentum, zero at the start of the run (a resumed run starts it afresh too), when
    ``setup["settling"]`` asks for them. The replicas' rate factor that tells them is the one at the
    start of the run: workers lost later lower it, so the set is then, if anything, too large (the
    safe side)."""
    if not setup.get("settling"):
        return
    updates = round_updates(setup["counts"], run.keep, setup["round_words"], setup["window"], setup["architecture"],
                            run.layer, shared_negatives=setup["shared_negatives"])
    run.settling = {name: settling_rows(expected, setup["rate_factor"]) for name, expected in updates.items()}
    dim = run.input_vectors.shape[1]
    run.velocity = {name: np.zeros((len(rows), dim), np.float32) for name, rows in run.settling.items()}
    run.velocity_before = _copied(run.velocity)


def _encode_all(run: _Run, ranges: dict) -> dict:
    """Encode ``ranges`` here; their words per range and the count of each id over all of them."""
    words, counts = {}, np.zeros(len(run.vocab), dtype=np.int64)
    for rid, r in ranges.items():
        encoded = _encoded(run, rid, r)
        words[rid] = len(encoded)
        counts += np.bincount(np.asarray(encoded.ids), minlength=len(run.vocab))
    return {"words": words, "counts": counts}


def _encoded(run: _Run, range_id: int, byte_range=None) -> EncodedCorpus:
    """The encoded words of a range, read and encoded here on first use (a reassigned range too)."""
    if range_id not in run.encoded:
        byte_range = byte_range if byte_range is not None else run.ranges[range_id]
        run.ranges[range_id] = byte_range
        corpus = RangeCorpus([byte_range], run.setup["tokenizer"], run.setup["max_sentence_length"])
        phrases = run.setup.get("phrases")
        run.encoded[range_id] = encode_to_disk(run.vocab, corpus, run.setup["max_sentence_length"],
                                               engine=run.engine,
                                               rewrite=None if phrases is None else phrases.rewrite_scan)
    return run.encoded[range_id]


def _sentences_between(encoded: EncodedCorpus, first_word: int, last_word: int) -> EncodedCorpus:
    """The sentences that start at word positions ``first_word .. last_word - 1`` (a partition of
    the range's sentences when the positions tile ``[0, N)``)."""
    offsets = encoded.offsets
    s0, s1 = np.searchsorted(offsets[:-1], [first_word, last_word], side="left")
    a, b = int(offsets[s0]), int(offsets[s1])
    return EncodedCorpus(ids=encoded.ids[a:b], offsets=np.asarray(offsets[s0:s1 + 1]) - a)


def _train_piece(run: _Run, piece: EncodedCorpus, schedule: dict, stream: tuple, progress) -> training.EpochResult:
    """Train the replica on one slice of sentences with the single-process trainer's epoch loop.

    The learning rate follows the run's global progress: with ``n`` workers advancing together,
    ``words_before / n`` and ``words_planned / n`` in the local counters give the kernel's
    ``(global_before + n * local) / global_planned``.
    """
    s = run.setup
    scale = schedule.get("alpha_scale", 1.0)
    plan = training.Plan(s["architecture"], s["shared_negatives"], s["cbow_mean"], s["window"], s["alpha"] * scale,
                         s["min_alpha"] * scale,
                         schedule["words_planned_per_worker"], 1, schedule["threads"], s["seed"])
    trainer = training.Trainer(plan, run.input_vectors, run.layer, run.keep)
    return trainer.run_epoch(piece, stream, progress, run.stop)


def begin_round(run: _Run, round_no: int) -> None:
    """Keep the master the replica holds (and the momentum of its settling rows) as the start of
    round ``round_no``: what the round's change is taken against, and what a redone round goes
    back to (:func:`set_master` with None)."""
    if run.applied != round_no - 1:
        raise RuntimeError(f"worker holds round {run.applied} of this run, not {round_no - 1}")
    np.copyto(run.before_input, run.input_vectors)
    np.copyto(run.before_output, run.layer.weights)
    if run.settling is not None:
        run.velocity_before = _copied(run.velocity)
    run.start = balance.at_start(run.before_input, run.before_output) if run.setup.get("balance") else None
    run.base_round, run.delta, run.combined = round_no - 1, None, None


def train_round(run_id: str, round_no: int, pieces: list, schedule: dict) -> dict:
    """Train this round's words on the replica (which holds the master of the last round) and keep
    the change here for the workers combining it (:class:`BlockServer`).

    Parameters
    ----------
    run_id : str
    round_no : int
        The round (counted over the whole run); the replica must hold round ``round_no - 1``.
    pieces : list of (int, ByteRange or None, int, int)
        ``(range id, byte range, first word, last word)``; the byte range is given when this
        worker may not have encoded the range yet (a range taken over from a lost worker).
    schedule : dict
        ``words_before_per_worker``, ``words_planned_per_worker`` (learning-rate position),
        ``threads`` (training threads here), ``alpha_scale`` and ``stream`` (tuple of int naming
        the round, for the random generators).

    Returns
    -------
    dict
        ``words``, ``loss``, ``examples``, ``seconds`` (training time), ``interrupted``, and
        ``rows``: how many rows of the input and output matrices changed.
    """
    run = _state(run_id)
    begin_round(run, round_no)
    progress = training.Progress(words_done=int(schedule["words_before_per_worker"]))
    began = time.perf_counter()
    interrupted = False
    for k, (range_id, byte_range, first_word, last_word) in enumerate(pieces):
        piece = _sentences_between(_encoded(run, range_id, byte_range), first_word, last_word)
        if len(piece) == 0:
            continue
        result = _train_piece(run, piece, schedule, (*schedule["stream"], k), progress)
        if result.interrupted:
            interrupted = True
            break
    seconds = time.perf_counter() - began
    run.delta = {"input": touched_rows(run.input_vectors, run.before_input),
                 "output": touched_rows(run.layer.weights, run.before_output)}
    return {
        "words": progress.words_done - int(schedule["words_before_per_worker"]),
        "loss": progress.loss,
        "examples": progress.examples,
        "seconds": seconds,
        "interrupted": interrupted,
        "rows": {name: len(rows) for name, (rows, _) in run.delta.items()},
    }


def take_block(run_id: str, block: int, n_blocks: int) -> dict:
    """The rows of block ``block`` (ids ``r`` with ``r % n_blocks == block``) of this worker's last change.

    Returns
    -------
    dict
        ``{"input": (rows, delta), "output": (rows, delta)}``: int32 (k,), float32 (k, dim).
    """
    run = _state(run_id)
    taken = {}
    for name, (rows, delta) in run.delta.items():
        mine = rows % n_blocks == block
        taken[name] = (rows[mine], delta[mine])
    return taken


class PeerLost(Exception):
    """A block another worker holds could not be fetched from it, or the fetch was given up
    (:func:`abandon_combine`, :func:`stop_run`); the driver then waits to see that worker leave
    the cluster (:func:`w2v.distributed.waiting.collect`)."""


class BlockServer:
    """Hands out this worker's blocks of a round: of its change, to the workers that combine them,
    and the block it combined, to every worker.

    Made once per worker and run as a Dask actor (``client.submit(BlockServer, actor=True,
    workers=[w])``): a worker combining block ``j`` calls every server's :meth:`take_block`
    directly, and every worker then calls every server's :meth:`combined_block`, so a round costs
    the scheduler 3 tasks per worker (train, combine, apply), none depending on more than one
    other, rather than a task or a dependency per pair of workers. Its methods run in the worker's
    actor thread, apart from the tasks' threads, so a server answers while its own worker waits.
    """

    def take_block(self, run_id: str, block: int, n_blocks: int) -> dict:
        """:func:`take_block` of this worker's state of run ``run_id``."""
        return take_block(run_id, block, n_blocks)

    def combined_block(self, run_id: str, attempt: int) -> dict:
        """:func:`combined_block` of this worker's state of run ``run_id``."""
        return combined_block(run_id, attempt)


def combine_block(run_id: str, peers: list, block: int, rule: str, divisor: float, attempt: int = 0,
                  momentum: float = 0.0, balance_rate: float = 0.0) -> dict:
    """Combine one block of rows over the workers' changes: the new master values of its rows.

    Parameters
    ----------
    run_id : str
    peers : list of (str, BlockServer handle)
        Every worker that trained the round (this one included): its address and its
        :class:`BlockServer` (a Dask actor handle, whose calls return futures). The driver
        scatters the list to the workers, so that the scheduler does not count every actor as a
        dependency of every combining task.
    block : int
        Which block this worker combines: ids ``r`` with ``r % len(peers) == block``.
    rule, divisor
        As in :func:`w2v.distributed.combine.combine_deltas` (``divisor`` is its ``scale``).
    attempt : int
        Which combination of the run this is (counted by the driver): :func:`abandon_combine`
        with this number or a later one makes a fetch that waits give up.
    momentum : float
        Of the settling rows' change this round (:func:`~w2v.distributed.combine.with_momentum`;
        0: they take it at once).
    balance_rate : float
        The replicas' learning-rate factor ``s``, when the matrices' balance along their common
        direction is kept (:mod:`w2v.distributed.balance`; 0: it is not).

    Returns
    -------
    dict
        Rows combined per matrix (``input``, ``output``). The combined block, ``{"input": (rows,
        values), "output": (rows, values)}`` (the rows any worker changed, and the block's
        settling rows, and their new values:
        this worker's copy of the master at the start of the round plus the combined change), and
        with ``balance_rate`` its ``"drift"`` (the replicas' changes of ``|H u|^2 - |C u|^2`` in
        this block's rows, over ``s^2``), stays here for :func:`apply_round` on every worker
        (:meth:`BlockServer.combined_block`).

    Raises
    ------
    PeerLost
        A worker's part of the block could not be fetched (it left the cluster, or was restarted).
    TrainingDiverged
        A combined value is not finite.
    """
    run = _state(run_id)
    parts = _gather(run, peers, lambda server: server.take_block(run_id, block, len(peers)), attempt,
                    f"block {block}")
    combined = {}
    for name, before in (("input", run.before_input), ("output", run.before_output)):
        rows, change = combine_deltas([part[name] for part in parts], before.shape[0], rule, divisor)
        if run.settling is not None:
            mine = run.settling[name] % len(peers) == block
            rows, change, _ = with_momentum(rows, change, run.settling[name][mine], run.velocity[name][mine],
                                            momentum)
        values = before[rows] + change
        if not np.isfinite(values).all():
            raise TrainingDiverged(
                f"training diverged (non-finite weights) at learning rate {run.setup['alpha']:g}: lower alpha "
                "(--alpha), e.g. by a factor of 10, and train again")
        combined[name] = (rows, values)
    if balance_rate and run.start is not None:
        combined["drift"] = balance.replicas_drift(run.start, parts, balance_rate)
    run.combined = (attempt, combined)
    return {name: len(combined[name][0]) for name in ("input", "output")}


def combined_block(run_id: str, attempt: int) -> dict:
    """The block this worker combined in combination ``attempt`` (:func:`combine_block`)."""
    run = _state(run_id)
    if run.combined is None or run.combined[0] != attempt:
        raise RuntimeError(f"this worker holds no combined block of combination {attempt} of run {run_id}")
    return run.combined[1]


def _gather(run: _Run, peers: list, ask, attempt: int, what: str) -> list:
    """``ask(server)`` of every peer's block server, asked of all at once so that they answer side
    by side; ``what`` names the answer in errors.

    A call to a worker that died can stay unanswered for ever (Dask's handle never sets its
    result), so the wait is cut into slices and given up once the driver, having found a worker
    lost, calls :func:`abandon_combine`, and on Ctrl-C or at the end of the run
    (:func:`stop_run`, :func:`end_run`), which come without it.
    """
    calls = []
    for address, server in peers:
        try:
            calls.append((address, ask(server)))
        except Exception as error:   # Dask's handle refuses a call to an actor it knows is lost
            raise PeerLost(f"could not ask worker {address} for {what}: {type(error).__name__}: {error}") from error
    answers = []
    for address, call in calls:
        while True:
            try:
                answers.append(call.result(timeout=FETCH_POLL_SECONDS))
                break
            except (TimeoutError, asyncio.TimeoutError):   # distinct classes before Python 3.11
                if run.abandoned >= attempt or run.stop.is_set():
                    raise PeerLost(f"gave up fetching {what} from worker {address}: a worker of the round "
                                   "was lost, or the run was stopped") from None
            except Exception as error:
                raise PeerLost(f"could not fetch {what} from worker {address}: {type(error).__name__}: "
                               f"{error}") from error
    return answers


def abandon_combine(run_id: str, attempt: int) -> None:
    """Make this worker's fetches for combination ``attempt`` (and earlier ones) give up: the driver
    found a worker lost while the blocks were exchanged, and redoes or recovers the round (called
    through ``Client.run``, which does not wait for the worker's busy threads)."""
    run = _RUNS.get(run_id)
    if run is not None:
        run.abandoned = max(run.abandoned, attempt)


def apply_round(run_id: str, round_no: int, peers: list, attempt: int = 0) -> dict:
    """Make the replica the master of round ``round_no``: set every row of every combined block.

    Parameters
    ----------
    run_id : str
    round_no : int
    peers : list of (str, BlockServer handle)
        As in :func:`combine_block`: the workers whose combined blocks make the new master.
    attempt : int
        The combination whose blocks these are.

    Returns
    -------
    dict
        Rows received per matrix (``input``, ``output``).

    Raises
    ------
    PeerLost
        A combined block could not be fetched.
    """
    run = _state(run_id)
    blocks = _gather(run, peers, lambda server: server.combined_block(run_id, attempt), attempt, "a combined block")
    received = {"input": 0, "output": 0}
    for block in blocks:
        for name, matrix in (("input", run.input_vectors), ("output", run.layer.weights)):
            rows, values = block[name]
            matrix[rows] = values
            received[name] += len(rows)
    if run.settling is not None:
        # the settling rows' change this round, the momentum of the next: the same on every replica
        for name, matrix, before in (("input", run.input_vectors, run.before_input),
                                     ("output", run.layer.weights, run.before_output)):
            rows = run.settling[name]
            run.velocity[name] = matrix[rows] - before[rows]
    if run.start is not None and blocks and all("drift" in block for block in blocks):
        # |H u|^2 - |C u|^2 where one process would have it: the start plus the replicas' drift over
        # s^2, added in block order so that every worker scales alike
        balance.restore(run.start, run.input_vectors, run.layer.weights, blocks,
                        sum(block["drift"] for block in blocks), run.velocity)
    run.applied = round_no
    return received


def round_state(run_id: str) -> tuple[int, int]:
    """``(base_round, applied)`` of this worker's replica (what a recovery needs to know)."""
    run = _state(run_id)
    return run.base_round, run.applied


def master(run_id: str, round_no: int):
    """This worker's copy of the master after round ``round_no``, or None if it has none.

    Returns
    -------
    (float32 (V, dim), float32 (V', dim), dict or None) or None
        The input and output matrices, and the momentum of their settling rows (``velocity``).
    """
    run = _state(run_id)
    if run.base_round == round_no:              # training (or trained) the next round
        return run.before_input.copy(), run.before_output.copy(), _copied(run.velocity_before)
    if run.applied == round_no and run.base_round == round_no - 1:   # applied, not trained since
        return run.input_vectors.copy(), run.layer.weights.copy(), _copied(run.velocity)
    return None


def _copied(velocity: dict | None) -> dict | None:
    return None if velocity is None else {name: v.copy() for name, v in velocity.items()}


def set_master(run_id: str, round_no: int, weights) -> None:
    """Make the replica the master of round ``round_no`` (``weights`` from :func:`master`, or None
    to go back to this worker's own copy of the master at the start of its last round)."""
    run = _state(run_id)
    if weights is None:
        weights, round_no = (run.before_input, run.before_output, run.velocity_before), run.base_round
    np.copyto(run.input_vectors, weights[0])
    np.copyto(run.layer.weights, weights[1])
    np.copyto(run.before_input, weights[0])
    np.copyto(run.before_output, weights[1])
    if run.settling is not None:
        run.velocity, run.velocity_before = _copied(weights[2]), _copied(weights[2])
    run.base_round = run.applied = round_no
    run.delta = None


def _state(run_id: str) -> _Run:
    run = _RUNS.get(run_id)
    if run is None:
        raise RuntimeError(f"this worker holds no state of run {run_id} (it was restarted)")
    return run


def stop_run(run_id: str) -> None:
    """Make the round in flight stop after its current chunks (Ctrl-C on the client)."""
    run = _RUNS.get(run_id)
    if run is not None:
        run.stop.set()


def end_run(run_id: str) -> None:
    """Drop this worker's state of the run (weights and encoded ranges)."""
    run = _RUNS.pop(run_id, None)
    if run is not None:
        run.stop.set()


def adopt_ranges(run_id: str, ranges: dict) -> dict:
    """Encode ranges taken over from a worker lost before it reported them; returns what
    :func:`start_run` does for them."""
    return _encode_all(_RUNS[run_id], ranges)

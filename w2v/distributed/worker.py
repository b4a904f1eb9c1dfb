"""What runs inside a Dask worker: its replica of the weights, its encoded byte ranges, one round.

>>> words = start_run(run_id, setup, ranges)                      # once per worker  # doctest: +SKIP
>>> result = train_round(run_id, update, pieces, schedule)      # once per round
>>> end_run(run_id)                                             # through Client.run

The state of a run lives in this module's :data:`_RUNS`, in the worker process, keyed by the run's
id; tasks of the run are pinned to the worker that holds it. Nothing here imports Dask: the
functions are plain Python, and the training itself is :meth:`w2v.models.training.Trainer.run_epoch` on a
slice of sentences (the seam to the single-process trainer: :func:`_train_piece`).
"""
from __future__ import annotations

import copy
import dataclasses
import threading
import time

import numpy as np

from w2v.corpus import EncodedCorpus, Vocabulary
from w2v.corpus.scan import choose_engine
from w2v.distributed.combine import touched_rows
from w2v.distributed.shards import RangeCorpus
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


#: run id -> this worker's state of that run
_RUNS: dict[str, _Run] = {}


def start_run(run_id: str, setup: dict, ranges: dict) -> dict:
    """Receive the model and encode this worker's byte ranges.

    Parameters
    ----------
    run_id : str
    setup : dict
        ``words``, ``counts`` (int64 (V,)), ``input_vectors`` float32 (V, dim), ``layer`` (the
        :class:`w2v.models.output_layers.OutputLayer`), ``keep`` float32 (V,), ``tokenizer``,
        ``max_sentence_length``, ``phrases`` (a fitted Phrases or None) and the plan fields (``architecture``, ``objective``, ``option``,
        ``window``, ``alpha``, ``min_alpha``, ``seed``).
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
               before_input=np.empty_like(input_vectors), before_output=np.empty_like(layer.weights),
               stop=threading.Event())
    # one choice for the whole share: each range alone is small, but the compiled scan's kernels,
    # once loaded, read every range of it several times faster than the Python path
    run.engine = choose_engine(RangeCorpus(list(run.ranges.values()), setup["tokenizer"]))
    _RUNS[run_id] = run
    return _encode_all(run, run.ranges)


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


def train_round(run_id: str, update: dict | None, pieces: list, schedule: dict) -> dict:
    """Apply the last combined change, train this round's words, and return this worker's change.

    Parameters
    ----------
    run_id : str
    update : dict or None
        ``{"input": (rows, values), "output": (rows, values)}``: new values of the rows the last
        round changed (int32 (u,), float32 (u, dim)); the replica then equals the client's weights.
    pieces : list of (int, ByteRange or None, int, int)
        ``(range id, byte range, first word, last word)``; the byte range is given when this
        worker may not have encoded the range yet (a range taken over from a lost worker).
    schedule : dict
        ``words_before_per_worker``, ``words_planned_per_worker`` (learning-rate position),
        ``threads`` (training threads here) and ``stream`` (tuple of int naming the round, for
        the random generators).

    Returns
    -------
    dict
        ``input`` and ``output``: (rows, delta) of :func:`w2v.distributed.combine.touched_rows`;
        ``words``, ``loss``, ``examples``, ``seconds`` (training time), ``interrupted``.
    """
    run = _RUNS.get(run_id)
    if run is None:
        raise RuntimeError(f"this worker holds no state of run {run_id} (it was restarted)")
    if update is not None:
        for name, matrix in (("input", run.input_vectors), ("output", run.layer.weights)):
            rows, values = update[name]
            matrix[rows] = values
    np.copyto(run.before_input, run.input_vectors)
    np.copyto(run.before_output, run.layer.weights)
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
    return {
        "input": touched_rows(run.input_vectors, run.before_input),
        "output": touched_rows(run.layer.weights, run.before_output),
        "words": progress.words_done - int(schedule["words_before_per_worker"]),
        "loss": progress.loss,
        "examples": progress.examples,
        "seconds": seconds,
        "interrupted": interrupted,
    }


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

"""Training machinery around the compiled loop: output-layer arrays, per-thread buffers, the
learning-rate schedule, worker threads (Hogwild on shared float32 matrices), progress and loss.

The estimator (:mod:`w2v.models.word2vec`) decides *what* to train; this module runs it.

>>> layer = build_layer("negative", output_weights, accept=table.accept, alias=table.alias, negative=5)  # doctest: +SKIP
>>> result = run_epochs(plan, input_vectors, layer, keep, stop_event)                                     # doctest: +SKIP
"""
from __future__ import annotations

import contextlib
import dataclasses
import math
import signal
import threading
import time
from typing import Callable

import numpy as np

from w2v.errors import TrainingDiverged
from w2v.models import _kernel_cache
from w2v.models import _train_kernel as _kernel
from w2v.models._output_kernel import HIERARCHICAL, NCE, NEGATIVE, SOFTMAX

# a kernel module edited since the kernels were cached must not run from the stale cache
_kernel_cache.refresh(_kernel.train_chunk_negative)

#: accepted names, mapped to kernel codes
ARCHITECTURES = {"skipgram": _kernel.SKIPGRAM, "cbow": _kernel.CBOW}
OBJECTIVES = {"negative": NEGATIVE, "hierarchical": HIERARCHICAL, "softmax": SOFTMAX, "nce": NCE}

#: words (before subsampling) per kernel call: large enough that call overhead is negligible,
#: small enough that progress, the non-finite-loss check and Ctrl-C react within a fraction of a second
CHUNK_WORDS = 20_000


def own_lines(shape, dtype=np.float32) -> np.ndarray:
    """A zeroed C-contiguous array that shares no 64-byte cache line with any other allocation.

    Per-thread buffers and random states are written constantly; small numpy arrays of different
    threads can land on one cache line, and the line would then bounce between cores (false
    sharing), which costs more than the arithmetic.
    """
    dtype = np.dtype(dtype)
    nbytes = int(np.prod(shape, dtype=np.int64)) * dtype.itemsize
    raw = np.zeros(nbytes + 192, dtype=np.uint8)
    start = 64 + (-raw.ctypes.data) % 64
    return raw[start:start + nbytes].view(dtype).reshape(shape)


def _f32(shape):
    return own_lines(shape, np.float32)


def build_layer(objective, weights, codes=None, points=None, lengths=None, accept=None, alias=None,
                log_kq=None, negative=0):
    """Bundle an output layer's arrays into the fixed-type tuple the kernels take.

    Arrays a layer does not use are replaced by empty ones of the right dtype, so that one compiled
    kernel (and one on-disk cache entry) serves every objective.

    Parameters
    ----------
    objective : {"negative", "hierarchical", "softmax", "nce"}
    weights : float32 (V, dim) or (V - 1, dim)
        ``output_weights`` or (hierarchical) ``node_weights``; updated in place by training.
    codes : uint8 (V, L), points : int32 (V, L), lengths : int32 (V,)
        Huffman paths (hierarchical only).
    accept : float32 (V,), alias : int32 (V,)
        Alias table of the noise distribution (negative, nce).
    log_kq : float32 (V,)
        ``log(negative * q(w))`` (nce only).
    negative : int
        Noise words per example (negative, nce).

    Returns
    -------
    tuple
        ``(weights, codes, points, lengths, accept, alias, log_kq, negative)``.
    """
    if objective not in OBJECTIVES:
        raise ValueError(f"unknown objective {objective!r}")

    def arr(a, dtype, ndim):
        if a is None:
            return np.zeros((0,) * ndim, dtype=dtype)
        return np.ascontiguousarray(a, dtype=dtype)

    return (
        weights,
        arr(codes, np.uint8, 2),
        arr(points, np.int32, 2),
        arr(lengths, np.int32, 1),
        arr(accept, np.float32, 1),
        arr(alias, np.int32, 1),
        arr(log_kq, np.float32, 1),
        np.int64(negative),
    )


def build_scratch(objective, layer, dim, window, vocab_size):
    """Per-thread buffers, allocated once so the compiled loops never allocate.

    Returns the tuple ``(hidden, grad_hidden, rows, labels, offsets, g, scores, step, contexts,
    likelihood, path, path_start)``; ``path`` and ``path_start`` hold a local copy of one Huffman
    path (hierarchical softmax only; one row otherwise).
    """
    batch = 2 * window
    max_rows = max(int(layer[7]) + 1, int(layer[1].shape[1]) if layer[1].ndim == 2 else 0, 1)
    n_scores = vocab_size if objective == "softmax" else 1
    return (
        _f32((batch, dim)),
        _f32((batch, dim)),
        own_lines(max_rows, np.int32),
        _f32(max_rows),
        _f32(max_rows),
        _f32((batch, max_rows)),
        _f32((batch if objective == "softmax" else 1, n_scores)),
        _f32((batch, dim)),
        own_lines(batch, np.int32),
        own_lines(batch, np.float64),
        _f32((max_rows if objective == "hierarchical" else 1, dim)),
        _f32((max_rows if objective == "hierarchical" else 1, dim)),
    )


def chunk_bounds(offsets: np.ndarray, chunk_words: int = CHUNK_WORDS) -> np.ndarray:
    """Sentence indices that cut the corpus into chunks of about ``chunk_words`` words.

    Parameters
    ----------
    offsets : int64 (S + 1,)
        Sentence offsets of the encoded corpus.

    Returns
    -------
    int64 (C + 1,)
        Chunk ``c`` is sentences ``bounds[c] .. bounds[c + 1] - 1``.
    """
    targets = np.arange(0, offsets[-1], chunk_words, dtype=np.int64)
    cuts = np.searchsorted(offsets, targets, side="left")
    bounds = np.unique(np.concatenate([cuts, [len(offsets) - 1]]))
    return bounds.astype(np.int64)


@dataclasses.dataclass
class Plan:
    """What one call of :func:`run_epoch` trains (all names as in :class:`w2v.models.word2vec.Word2Vec`)."""

    architecture: str
    objective: str
    option: bool  # skip-gram: shared negatives; CBOW: mean of contexts
    window: int
    alpha: float
    min_alpha: float
    words_planned: int  # corpus words x epochs of the whole run: the rate reaches min_alpha there
    workers: int
    seed: int


class Progress:
    """Word and loss counters shared by the worker threads (updated under a lock once per chunk)."""

    def __init__(self, words_done: int = 0):
        self.lock = threading.Lock()
        self.words_done = words_done
        self.loss = 0.0
        self.examples = 0
        self.next_chunk = 0

    def take_chunk(self, n_chunks: int) -> int:
        """Index of the next untrained chunk of ``n_chunks`` for the calling thread, or -1 when none is left."""
        with self.lock:
            c = self.next_chunk
            self.next_chunk += 1
            return c if c < n_chunks else -1


@dataclasses.dataclass
class EpochResult:
    """Totals of one epoch (or of the part trained before an interruption)."""

    words: int
    loss: float
    examples: int
    seconds: float
    interrupted: bool


def thread_states(seed: int, workers: int, stream: tuple[int, ...]) -> list[np.ndarray]:
    """Independent LCG states per worker, derived from ``seed`` and ``stream`` (reproducible).

    ``stream`` names the pass, e.g. (training call, epoch): distinct passes never share a generator.
    """
    seq = np.random.SeedSequence([seed, *stream])
    states = []
    for value in seq.generate_state(workers, dtype=np.uint64):
        state = own_lines(1, np.uint64)
        state[0] = value
        states.append(state)
    return states


def run_epoch(plan: Plan, corpus, input_vectors, layer, keep, stream: tuple[int, ...], progress: Progress,
              stop: threading.Event, on_tick: Callable[[Progress], None] | None = None,
              tick_seconds: float = 0.2) -> EpochResult:
    """Train one pass over ``corpus`` with ``plan.workers`` threads.

    Parameters
    ----------
    plan : Plan
    corpus : EncodedCorpus
        ``ids`` int32 (N,), ``offsets`` int64 (S + 1,).
    input_vectors : float32 (V, dim)
    layer : tuple
        From :func:`build_layer`.
    keep : float32 (V,)
        Subsampling keep probabilities.
    stream : tuple of int
        Names this pass, e.g. (training call, epoch); seeds the thread generators with ``plan.seed``.
    progress : Progress
        Shared counters; ``words_done`` must hold the words of the run trained before this epoch.
    stop : threading.Event
        Set it (e.g. on Ctrl-C) to stop after the chunks in flight.
    on_tick : callable, optional
        Called from the calling thread every ``tick_seconds`` with ``progress`` (progress bars).

    Returns
    -------
    EpochResult

    Raises
    ------
    TrainingDiverged
        When a chunk returns a non-finite loss.
    """
    ids = np.ascontiguousarray(corpus.ids, dtype=np.int32)
    offsets = np.ascontiguousarray(corpus.offsets, dtype=np.int64)
    bounds = chunk_bounds(offsets)
    n_chunks = len(bounds) - 1
    longest = int(np.max(np.diff(offsets))) if len(offsets) > 1 else 1
    arch = ARCHITECTURES[plan.architecture]
    kind = OBJECTIVES[plan.objective]
    vocab_size, dim = input_vectors.shape
    states = thread_states(plan.seed, plan.workers, stream)
    kernel = _kernel.CHUNK_KERNELS[kind]
    progress.next_chunk = 0
    start_words, start_loss, start_examples = progress.words_done, progress.loss, progress.examples
    errors: list[BaseException] = []
    diverged = threading.Event()

    def work(state, done):
        try:
            scratch = build_scratch(plan.objective, layer, dim, plan.window, vocab_size)
            sentence = own_lines(max(longest, 1), np.int32)
            while not stop.is_set() and not diverged.is_set():
                c = progress.take_chunk(n_chunks)
                if c < 0:
                    return
                words, loss, examples = kernel(
                    arch, plan.option, ids, offsets, bounds[c], bounds[c + 1], input_vectors, layer, keep,
                    plan.window, plan.alpha, plan.min_alpha, progress.words_done, plan.words_planned, state,
                    scratch, sentence)
                if not math.isfinite(loss):
                    diverged.set()
                with progress.lock:
                    progress.words_done += words
                    progress.loss += loss
                    progress.examples += examples
        except BaseException as err:  # surfaced in the calling thread
            errors.append(err)
            diverged.set()
        finally:
            done.set()

    began = time.perf_counter()
    # Each worker says itself when it is done: a Thread.join cut short by Ctrl-C can mark a thread
    # that is still running as stopped (CPython before 3.13), and the weights would then be saved
    # while it still writes them.
    finished = [threading.Event() for _ in range(plan.workers)]
    threads = [threading.Thread(target=work, args=(states[t], finished[t]), daemon=True)
               for t in range(plan.workers)]
    with _signals_held():
        for t in threads:
            t.start()
    try:
        for done in finished:
            ended = False
            while not ended:
                ended = done.wait(tick_seconds)
                if on_tick is not None:
                    on_tick(progress)
    except BaseException as err:
        # Ctrl-C, or a failure in on_tick: never leave workers changing the weights behind our back
        stop.set()
        _wait_for(finished)
        if not isinstance(err, KeyboardInterrupt):
            raise
    seconds = time.perf_counter() - began
    if errors:
        raise errors[0]
    result = EpochResult(
        words=progress.words_done - start_words,
        loss=progress.loss - start_loss,
        examples=progress.examples - start_examples,
        seconds=seconds,
        interrupted=stop.is_set(),
    )
    if diverged.is_set() or not math.isfinite(result.loss):
        raise TrainingDiverged(
            f"training diverged (non-finite loss) at learning rate {plan.alpha:g}: "
            "lower alpha (--alpha), e.g. by a factor of 10, and train again")
    return result


def _wait_for(events: list[threading.Event]) -> None:
    """Wait until every event is set; a further Ctrl-C does not cut the wait short (the workers
    stop after the chunk in flight, a fraction of a second)."""
    for event in events:
        while True:
            try:
                event.wait()
                break
            except KeyboardInterrupt:
                continue


@contextlib.contextmanager
def _signals_held():
    """Hold Ctrl-C and SIGTERM while worker threads start: an interrupt raised inside
    ``Thread.start`` would leave a thread training that nobody joins, changing the weights while
    they are being saved. Held signals are delivered when the block ends."""
    held = {signal.SIGINT, signal.SIGTERM}
    try:
        previous = signal.pthread_sigmask(signal.SIG_BLOCK, held)
    except (AttributeError, OSError, ValueError):  # no POSIX signal masks here
        yield
        return
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


def kernel_ready(objective: str) -> bool:
    """Whether this process has already compiled or loaded the training kernel of ``objective``
    (the first call otherwise compiles it, or loads it from numba's on-disk cache)."""
    return bool(_kernel.CHUNK_KERNELS[OBJECTIVES[objective]].signatures)


def current_alpha(plan: Plan, words_done: int) -> float:
    """The learning rate after ``words_done`` words of the run (linear decay to ``min_alpha``)."""
    done = min(1.0, words_done / max(plan.words_planned, 1))
    return plan.alpha - (plan.alpha - plan.min_alpha) * done

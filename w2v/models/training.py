"""The Trainer: runs what :class:`w2v.models.word2vec.Word2Vec` decided to train. Epochs, worker
threads (Hogwild on shared float32 matrices), chunks of the encoded corpus, the learning-rate
schedule, the divergence check, the history, the progress bar and the end-of-epoch hook live here,
once.

>>> trainer = Trainer(plan, input_vectors, layer, keep)                               # doctest: +SKIP
>>> trainer.train(encoded, first_epoch=0, call=0, history=history, on_epoch_end=print)  # doctest: +SKIP
"""
from __future__ import annotations

import dataclasses
import math
import threading
import time
from typing import Callable

import numpy as np

from w2v._jit import interrupts_deferred
from w2v._memory import release_mapped
from w2v.errors import TrainingDiverged, TrainingFailed
from w2v.models import _kernel_cache
from w2v.models import _train_kernel as _kernel
from w2v.models.buffers import aligned_zeros
from w2v.models.output_layers import OutputLayer
from w2v.models.progress import TrainingBar

# a kernel module edited since the kernels were cached must not run from the stale cache
_kernel_cache.refresh(_kernel.train_chunk)

#: words (before subsampling) per kernel call: large enough that call overhead is negligible,
#: small enough that progress, the non-finite-loss check and Ctrl-C react within a fraction of a second
CHUNK_WORDS = 20_000
#: inner nodes nearest the root that each thread of a CBOW + hierarchical softmax run trains copies of
#: (w2v.models._hot_kernel): within the noise of 256 side by side (6% slower on average) for a quarter
#: of the merging
HOT_NODES = 64
#: most threads that keep copies: every merge holds one lock, and with more threads the merges
#: would wait on each other (measured up to 8)
MAX_COPYING_THREADS = 8


def chunk_bounds(sentence_offsets: np.ndarray, chunk_words: int = CHUNK_WORDS) -> np.ndarray:
    """Sentence indices that cut the corpus into chunks of about ``chunk_words`` words.

    Parameters
    ----------
    sentence_offsets : int64 (S + 1,)
        Sentence offsets of the encoded corpus.

    Returns
    -------
    int64 (C + 1,)
        Chunk ``c`` is sentences ``bounds[c] .. bounds[c + 1] - 1``.
    """
    targets = np.arange(0, sentence_offsets[-1], chunk_words, dtype=np.int64)
    cuts = np.searchsorted(sentence_offsets, targets, side="left")
    bounds = np.unique(np.concatenate([cuts, [len(sentence_offsets) - 1]]))
    return bounds.astype(np.int64)


@dataclasses.dataclass(frozen=True)
class Plan:
    """What a run trains, beyond the arrays (names as in :class:`w2v.models.word2vec.Word2Vec`)."""

    architecture: str
    shared_negatives: bool
    cbow_mean: bool
    window: int
    alpha: float
    min_alpha: float
    words_planned: int  # corpus words x epochs of the whole run: the rate reaches min_alpha there
    epochs: int
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


def thread_states(seed: int, workers: int, pass_key: tuple[int, ...]) -> list[np.ndarray]:
    """Independent LCG states per worker, derived from ``seed`` and ``pass_key`` (reproducible).

    ``pass_key`` names the pass, e.g. (training call, epoch): distinct passes never share a generator.
    """
    seq = np.random.SeedSequence([seed, *pass_key])
    states = []
    for value in seq.generate_state(workers, dtype=np.uint64):
        state = aligned_zeros(1, np.uint64)
        state[0] = value
        states.append(state)
    return states


def _diverged(alpha: float, what: str) -> TrainingDiverged:
    return TrainingDiverged(f"training diverged (non-finite {what}) at learning rate {alpha:g}: "
                            "lower alpha (--alpha), e.g. by a factor of 10, and train again")


class Trainer:
    """Runs a :class:`Plan` on the arrays it is given (updated in place).

    Parameters
    ----------
    plan : Plan
    input_vectors : float32 (V, dim)
    layer : OutputLayer
    keep : float32 (V,)
        Subsampling keep probabilities.
    progress_bar : bool
        Show a tqdm bar on stderr.
    """

    def __init__(self, plan: Plan, input_vectors: np.ndarray, layer: OutputLayer, keep: np.ndarray,
                 progress_bar: bool = False):
        self.plan = plan
        self.input_vectors = input_vectors
        self.layer = layer
        self.keep = keep
        self.progress_bar = progress_bar

    def learning_rate(self, words_done: int) -> float:
        """The learning rate after ``words_done`` words of the run (the kernel's own schedule)."""
        return float(_kernel.learning_rate(float(self.plan.alpha), float(self.plan.min_alpha), int(words_done),
                                           int(self.plan.words_planned)))

    def kernel_ready(self) -> bool:
        """Whether this process already compiled or loaded the kernel for this layer (the first call
        otherwise compiles it, or loads it from numba's on-disk cache)."""
        wanted = tuple(map(_numba_type, (*self._architecture(), self.layer.arrays)))
        return any((sig[0], sig[1], sig[7]) == wanted for sig in _kernel.train_chunk.signatures)  # 7: arrays

    def load_kernel(self, corpus) -> None:
        """Compile the kernel for this layer, or load it from numba's cache, in the calling thread (an
        empty chunk of ``corpus``), before any worker starts. Ctrl-C or SIGTERM meanwhile is raised
        as soon as the compiler returns (:func:`w2v._jit.interrupts_deferred`: raised inside the
        compiler, it would break it)."""
        ids = np.ascontiguousarray(corpus.ids, dtype=np.int32)
        sentence_offsets = np.ascontiguousarray(corpus.offsets, dtype=np.int64)
        state = aligned_zeros(1, np.uint64)
        with interrupts_deferred():
            scratch = self.layer.scratch(self.input_vectors.shape[1], 1)
            self._run_chunk(ids, sentence_offsets, np.int64(0), np.int64(0), 0, state, scratch,
                            aligned_zeros(1, np.int32))

    def train(self, corpus, first_epoch: int, call: int, history: list,
              on_epoch_end: Callable[[dict], None] | None = None,
              on_epoch_begin: Callable[[], None] | None = None) -> None:
        """Train epochs ``first_epoch .. plan.epochs - 1`` over ``corpus``.

        After each epoch its record is appended to ``history`` (``epoch``, ``loss`` per example,
        ``loss_sum``, ``examples``, ``words``, ``seconds``, ``words_per_second``, ``alpha`` at its
        end) and passed to ``on_epoch_end``; ``on_epoch_begin`` is called before each epoch.

        Parameters
        ----------
        corpus : EncodedCorpus
            ``ids`` int32 (N,), ``offsets`` int64 (S + 1,).
        first_epoch : int
        call : int
            Number of the training call on this model (seeds differ per call and epoch).
        history : list of dict
        on_epoch_end, on_epoch_begin : callable, optional

        Raises
        ------
        TrainingDiverged
            Non-finite loss or weights.
        TrainingFailed
            A worker thread failed (out of memory, ...).
        KeyboardInterrupt
            Ctrl-C, after the worker threads stopped; the arrays hold what was trained.
        """
        plan = self.plan
        n_words = len(corpus)
        progress = Progress(words_done=first_epoch * n_words)
        bar = TrainingBar(n_words * plan.epochs, enabled=self.progress_bar, initial=first_epoch * n_words)
        epoch_start = {"loss": 0.0, "examples": 0}

        def tick(p: Progress) -> None:
            examples = p.examples - epoch_start["examples"]
            loss = (p.loss - epoch_start["loss"]) / examples if examples else None
            bar.update(p.words_done, self.learning_rate(p.words_done), loss)

        try:
            for epoch in range(first_epoch, plan.epochs):
                if on_epoch_begin is not None:
                    on_epoch_begin()
                if epoch == first_epoch and not self.kernel_ready():
                    bar.set_epoch(epoch, plan.epochs, "loading the compiled kernel; the first run compiles it")
                    self.load_kernel(corpus)
                bar.set_epoch(epoch, plan.epochs)
                epoch_start.update(loss=progress.loss, examples=progress.examples)
                result = self.run_epoch(corpus, (call, epoch), progress, threading.Event(), tick)
                if not (np.isfinite(self.input_vectors).all() and np.isfinite(self.layer.weights).all()):
                    raise _diverged(plan.alpha, "weights")
                if result.interrupted:
                    raise KeyboardInterrupt
                record = {
                    "epoch": len(history) + 1,
                    "loss": result.loss / max(result.examples, 1),
                    "loss_sum": result.loss,
                    "examples": result.examples,
                    "words": result.words,
                    "seconds": result.seconds,
                    "words_per_second": result.words / max(result.seconds, 1e-9),
                    "alpha": self.learning_rate(progress.words_done),
                }
                history.append(record)
                if on_epoch_end is not None:
                    on_epoch_end(record)
        finally:
            bar.close()

    def run_epoch(self, corpus, pass_key: tuple[int, ...], progress: Progress, stop: threading.Event,
                  on_tick: Callable[[Progress], None] | None = None, tick_seconds: float = 0.2) -> EpochResult:
        """Train one pass over ``corpus`` with ``plan.workers`` threads.

        Parameters
        ----------
        corpus : EncodedCorpus
        pass_key : tuple of int
            Names this pass, e.g. (training call, epoch); seeds the thread generators with ``plan.seed``.
        progress : Progress
            Shared counters; ``words_done`` must hold the words of the run trained before this pass.
        stop : threading.Event
            Set it to stop after the chunks in flight (Ctrl-C sets it too).
        on_tick : callable, optional
            Called from the calling thread every ``tick_seconds`` with ``progress`` (progress bars).

        Returns
        -------
        EpochResult

        Raises
        ------
        TrainingDiverged
            When a chunk returns a non-finite loss.
        TrainingFailed
            When a worker thread raised (the message names the exception).
        """
        plan = self.plan
        ids = np.ascontiguousarray(corpus.ids, dtype=np.int32)
        sentence_offsets = np.ascontiguousarray(corpus.offsets, dtype=np.int64)
        bounds = chunk_bounds(sentence_offsets)
        n_chunks = len(bounds) - 1
        longest = int(np.max(np.diff(sentence_offsets))) if len(sentence_offsets) > 1 else 1
        states = thread_states(plan.seed, plan.workers, pass_key)
        progress.next_chunk = 0
        start_words, start_loss, start_examples = progress.words_done, progress.loss, progress.examples
        errors: list[BaseException] = []
        halt = threading.Event()  # a worker failed or diverged: the others stop too
        # CBOW + HS with several threads: each trains copies of the tree's top nodes (_hot_kernel)
        copying = plan.architecture == "cbow" and 1 < plan.workers <= MAX_COPYING_THREADS
        hot_nodes = HOT_NODES if copying else 0
        hot_lock = aligned_zeros(1, np.int64)

        def work(state, entered, done):
            try:
                entered.set()   # before its first look at ``stop``: see the interrupt path below
                scratch = self.layer.scratch(self.input_vectors.shape[1], plan.window, hot_nodes=hot_nodes,
                                             lock=hot_lock)
                sentence = aligned_zeros(max(longest, 1), np.int32)
                while not stop.is_set() and not halt.is_set():
                    c = progress.take_chunk(n_chunks)
                    if c < 0:
                        return
                    words, loss, examples = self._run_chunk(ids, sentence_offsets, bounds[c], bounds[c + 1],
                                                            progress.words_done, state, scratch, sentence)
                    # a memory-mapped corpus would otherwise stay resident as a whole from the first epoch on
                    release_mapped(corpus.ids, sentence_offsets[bounds[c]], sentence_offsets[bounds[c + 1]])
                    release_mapped(corpus.offsets, bounds[c], bounds[c + 1] + 1)
                    if not math.isfinite(loss):
                        halt.set()
                    with progress.lock:
                        progress.words_done += words
                        progress.loss += loss
                        progress.examples += examples
            except BaseException as err:  # raised again in the calling thread
                errors.append(err)
                halt.set()
            finally:
                done.set()

        began = time.perf_counter()
        # Each worker says itself that it entered and that it is done: a Thread.join cut short by
        # Ctrl-C can mark a thread that is still running as stopped (CPython before 3.13), and the
        # weights would then be saved while it still writes them.
        entered = [threading.Event() for _ in range(plan.workers)]
        finished = [threading.Event() for _ in range(plan.workers)]
        threads = [threading.Thread(target=work, args=(states[t], entered[t], finished[t]), daemon=True)
                   for t in range(plan.workers)]
        try:
            for t in threads:
                t.start()
            for done in finished:
                ended = False
                while not ended:
                    ended = done.wait(tick_seconds)
                    if on_tick is not None:
                        on_tick(progress)
        except BaseException as err:
            # Ctrl-C (it can land anywhere, inside Thread.start too), or a failure in on_tick: never
            # leave workers changing the weights behind our back. A worker that entered before
            # ``stop`` is set may be training and is waited for; one that enters later sees ``stop``
            # and returns without touching the weights.
            stop.set()
            _wait_for([done for came, done in zip(entered, finished) if came.is_set()])
            if not isinstance(err, KeyboardInterrupt):
                raise
        seconds = time.perf_counter() - began
        if errors:
            err = errors[0]
            if isinstance(err, KeyboardInterrupt):
                raise err
            detail = " ".join(str(err).split()) or "no message"
            raise TrainingFailed(f"training failed in a worker thread: {type(err).__name__}: {detail}") from err
        result = EpochResult(
            words=progress.words_done - start_words,
            loss=progress.loss - start_loss,
            examples=progress.examples - start_examples,
            seconds=seconds,
            interrupted=stop.is_set(),
        )
        if halt.is_set() or not math.isfinite(result.loss):
            raise _diverged(plan.alpha, "loss")
        return result

    def _architecture(self) -> tuple:
        """The kernel's ``(cbow_mean, shared_negatives)`` for this plan: ``None`` where a choice does
        not apply, so that numba compiles only the architecture trained (see ``train_chunk``)."""
        plan = self.plan
        if plan.architecture == "cbow":
            return bool(plan.cbow_mean), None
        return None, (True if plan.shared_negatives else None)

    def _run_chunk(self, ids, sentence_offsets, first, last, words_before, state, scratch, sentence):
        """One call of the compiled loop on sentences ``first .. last - 1``: (words, loss, examples)."""
        plan = self.plan
        return _kernel.train_chunk(
            *self._architecture(), ids, sentence_offsets, first, last, self.input_vectors, self.layer.arrays, scratch, self.keep, plan.window, plan.alpha,
            plan.min_alpha, words_before, plan.words_planned, state, sentence)


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


def _numba_type(value):
    from numba import typeof

    return typeof(value)

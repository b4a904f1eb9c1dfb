"""The output-layer interface the architecture kernels call, dispatched at compile time on the type
of the layer's arrays, and the per-thread buffers every layer works in.

Each output layer's kernel module defines a named tuple of its arrays (``NegativeArrays``, ...) and
attaches its compiled functions to that class:

- ``update(arrays, scratch, n_hidden, target, alpha, state) -> loss``: one SGD step of the first
  ``n_hidden`` rows of ``scratch.hidden`` predicting ``target`` (required);
- ``begin_target(arrays, scratch, target)``, ``update_target(arrays, scratch, target, alpha, state,
  scored, score_next) -> loss`` and ``end_target(arrays, scratch, target)``: optional hooks for
  skip-gram's per-pair loop, where every context of a center word predicts the *same* target; a
  layer may keep what it needs of that target in ``scratch`` between them (hierarchical softmax
  copies the target's path). A layer with ``update_target`` also scores ahead: with
  ``score_next`` it scores ``scratch.hidden[1]`` (the next pair's hidden vector) during the step,
  and the next call, ``scored``, starts from those scores (:func:`scores_ahead` tells the
  architecture whether to load ``hidden[1]``). Without the hooks, ``update_target`` is ``update``
  of one hidden vector and both flags are ignored.

numba compiles the chunk loop once per layer type and architecture, so each kernel contains its
own layer and architecture only (no run-time branch on either, nothing of the others to compile),
and this module names no particular layer.

Inlining, measured (first compile and training speed, see the notes of issue 10): a layer's update
chain (its ``update``, the logistic core, the random draws) is inlined by numba into the functions
below, which the architectures call without inlining them. Inlining nothing costs about 25% of the
training speed; inlining the functions below into the architectures as well costs 9-12 s of first
compile. What the call then costs is its arguments: the buffers are one :class:`Scratch` structure
passed by reference (a named tuple of twelve arrays was copied as about a hundred arguments per call:
10-15% of CBOW's speed), and CBOW calls :func:`output_update_one`, whose batch size of one is a
constant in the compiled chain (about 6% of its speed, for about 2 s more of first compile). Jitted
functions passed as arguments would defeat numba's on-disk cache; functions attached to a
module-level class and chosen while compiling do not.

>>> loss = output_update(arrays, scratch, 1, target, alpha, state)   # inside a kernel  # doctest: +SKIP
"""
from __future__ import annotations

import numpy as np
from numba.core import types
from numba.experimental import structref
from numba.extending import overload

from w2v._jit import njit


_OPTIONS = {"nogil": True, "fastmath": True, "error_model": "numpy"}


_SCRATCH_FIELDS = ("hidden", "grad_hidden", "rows", "labels", "logit_offsets", "coefficients", "likelihood",
                   "contexts", "scores", "step", "path", "path_start", "hot_nodes", "hot_base", "hot_range",
                   "hot_lock")


@structref.register
class ScratchType(types.StructRef):
    """numba's type of :class:`Scratch`."""

    def preprocess_fields(self, fields):
        return tuple((name, types.unliteral(typ)) for name, typ in fields)


class Scratch(structref.StructRefProxy):
    """One worker thread's buffers, allocated once so that the compiled loops never allocate.

    A numba structure passed by reference: a kernel calling another hands over one pointer, where a
    named tuple of twelve arrays is copied as about a hundred arguments on every call (CBOW calls
    the output layer once per center word; that copy cost it 10-15% of its speed). Make one with
    :func:`new_scratch` (compiled and cached); ``Scratch(...)`` itself compiles its constructor
    anew in every process.

    ``B`` is the largest batch of hidden vectors (``2 * window``), ``T`` the most output rows one
    example scores, ``S`` the width of the score rows and ``P`` the rows of a cached target path
    (both 1 unless the layer needs them). Fields:

    - ``hidden`` float32 (B, dim): hidden vectors of the batch
    - ``grad_hidden`` float32 (B, dim): the steps for them (``-alpha * dloss/dh``), added by the layer
    - ``rows`` int32 (T,): output rows scored by one example
    - ``labels`` float32 (T,): their labels (1 observed, 0 noise; hierarchical: 1 - code)
    - ``logit_offsets`` float32 (T,): subtracted from their logits (NCE's log k q(w), else 0)
    - ``coefficients`` float32 (B, T): step coefficients alpha * (label - sigmoid(logit))
    - ``likelihood`` float64 (B,): probability of each hidden vector's labels
    - ``contexts`` int32 (B,): the context words of the current center word
    - ``scores`` float32 (B or 1, S): scores of a batch over the whole vocabulary (full softmax)
    - ``step`` float32 (B, dim): the step for h before it is added (full softmax)
    - ``path``, ``path_start`` float32 (P, dim): a local copy of one target's output rows and their
      values when copied
    - ``hot_nodes``, ``hot_base`` float32 (H, dim): this thread's copies of the ``H`` inner nodes
      nearest the root (CBOW + hierarchical softmax with several threads; no rows otherwise) and
      their values at the last merge (:mod:`w2v.models._hot_kernel`)
    - ``hot_range`` int64 (2,): the first copied node and ``H``
    - ``hot_lock`` int64 (1,): the spin lock of the merges, one for all threads of a run
    """


structref.define_proxy(Scratch, ScratchType, list(_SCRATCH_FIELDS))


@njit(cache=True, **_OPTIONS)
def new_scratch(hidden, grad_hidden, rows, labels, logit_offsets, coefficients, likelihood, contexts, scores, step,
                path, path_start, hot_nodes, hot_base, hot_range, hot_lock):
    """A :class:`Scratch` holding these arrays (shapes and dtypes as listed there)."""
    return Scratch(hidden, grad_hidden, rows, labels, logit_offsets, coefficients, likelihood, contexts, scores, step,
                   path, path_start, hot_nodes, hot_base, hot_range, hot_lock)


#: pass this, not a literal ``1``, as a batch size: numba compiles a callee again for every literal
#: value it is given, and a second copy of a layer's kernel doubles the first compile
ONE = np.int64(1)



def _layer_class(arrays):
    layer = getattr(arrays, "instance_class", None)
    if layer is None or not callable(getattr(layer, "update", None)):
        raise TypeError(f"{arrays} is not the arrays of an output layer (a named tuple with an update kernel)")
    return layer


def output_update(arrays, scratch, n_hidden, target, alpha, state):
    """One SGD step of the layer whose arrays are ``arrays`` (compiled code only); returns the loss."""
    raise NotImplementedError("output_update is only callable from compiled code")


def output_update_one(arrays, scratch, target, alpha, state):
    """:func:`output_update` of ``scratch.hidden[0]`` alone (compiled code only); returns the loss.

    The batch size is then a constant inside the layer's compiled update (CBOW: one hidden vector
    per center word)."""
    raise NotImplementedError("output_update_one is only callable from compiled code")


def begin_target(arrays, scratch, target):
    """Prepare repeated updates against one ``target`` (compiled code only)."""
    raise NotImplementedError("begin_target is only callable from compiled code")


def update_target(arrays, scratch, target, alpha, state, scored, score_next):
    """One SGD step of ``scratch.hidden[0]`` against the prepared ``target`` (compiled code only);
    ``scored`` and ``score_next`` as in this module's docstring."""
    raise NotImplementedError("update_target is only callable from compiled code")


def scores_ahead(arrays):
    """Whether the layer's ``update_target`` scores the next pair's hidden vector (compiled code
    only; a constant of the layer type)."""
    raise NotImplementedError("scores_ahead is only callable from compiled code")


def end_target(arrays, scratch, target):
    """Finish the updates against ``target`` (compiled code only)."""
    raise NotImplementedError("end_target is only callable from compiled code")


@overload(output_update, jit_options=_OPTIONS)
def _output_update(arrays, scratch, n_hidden, target, alpha, state):
    update = _layer_class(arrays).update

    def impl(arrays, scratch, n_hidden, target, alpha, state):
        return update(arrays, scratch, n_hidden, target, alpha, state)

    return impl


@overload(output_update_one, jit_options=_OPTIONS)
def _output_update_one(arrays, scratch, target, alpha, state):
    update = _layer_class(arrays).update
    return lambda arrays, scratch, target, alpha, state: update(arrays, scratch, ONE, target, alpha, state)


@overload(begin_target, jit_options=_OPTIONS)
def _begin_target(arrays, scratch, target):
    hook = getattr(_layer_class(arrays), "begin_target", None)
    if hook is None:
        return lambda arrays, scratch, target: None
    return lambda arrays, scratch, target: hook(arrays, scratch, target)


@overload(update_target, jit_options=_OPTIONS)
def _update_target(arrays, scratch, target, alpha, state, scored, score_next):
    layer = _layer_class(arrays)
    hook = getattr(layer, "update_target", None)
    if hook is None:
        update = layer.update
        return lambda arrays, scratch, target, alpha, state, scored, score_next: update(arrays, scratch, ONE, target,
                                                                                        alpha, state)
    return lambda arrays, scratch, target, alpha, state, scored, score_next: hook(arrays, scratch, target, alpha, state,
                                                                                  scored, score_next)


@overload(scores_ahead, jit_options=_OPTIONS, inline="always")
def _scores_ahead(arrays):
    if getattr(_layer_class(arrays), "update_target", None) is None:
        return lambda arrays: False
    return lambda arrays: True


@overload(end_target, jit_options=_OPTIONS)
def _end_target(arrays, scratch, target):
    hook = getattr(_layer_class(arrays), "end_target", None)
    if hook is None:
        return lambda arrays, scratch, target: None
    return lambda arrays, scratch, target: hook(arrays, scratch, target)

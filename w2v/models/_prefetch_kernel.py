"""Prefetching the rows an update is about to change: training waits on memory, not on arithmetic.

An example of skip-gram or CBOW reads a few random rows of two matrices far larger than the CPU's
caches (two of 48,174 x 100 float32, 19 MB each, on the benchmark corpus), and without help the
CPU fetches them one after another: a profile of CBOW + negative sampling spends about a quarter
of its time on the first loads of the output rows. Negative sampling and NCE know every row an
example scores as soon as its noise words are drawn, before the first dot product;
:func:`prefetch_rows` then asks the CPU to start loading all of them at once, so their cache misses
overlap. Measured on the benchmark corpus, the old and the new code trained side by side, one
thread each on its own core (so that both see the same machine): CBOW + negative sampling 1.12x to
1.49x the words per second (median of four pairs 1.26x), skip-gram + negative sampling 1.31x and
1.49x. Prefetching the context rows of the input side gained nothing measurable, for reading
or for writing, and is not done.

Every row prefetched here is written by the same update, so the hint asks for the line *to
write*: a line that the other thread's core wrote last then comes over once, exclusive, instead
of once to read and again, to take it from the other core, at the write. That second trip is what
two threads sharing the weights lose in the machine's slow phases (see the README, which has the
figures: the slowest runs faster, the usual speed unchanged). Hierarchical softmax prefetches its
shared path rows for the same reason (CBOW: those below its thread's copies of the top nodes;
skip-gram: the path it copies for a center word and writes back); in read mode the paths gained
nothing, the nodes of frequent paths staying in cache.

numba has no prefetch instruction: :func:`_prefetch_line` emits LLVM's ``llvm.prefetch``, a hint
that changes no value and never faults.

>>> prefetch_rows(output_weights, rows, n_rows)          # inside a kernel  # doctest: +SKIP
"""
from __future__ import annotations

from llvmlite import ir
from numba.core import cgutils, types
from numba.extending import intrinsic
from numba.np.arrayobj import make_array

from w2v.models._kernel_cache import kernel

#: bytes of a cache line on the CPUs numba targets (x86-64, arm64)
CACHE_LINE = 64


@intrinsic
def _prefetch_line(typingctx, matrix, row, offset):
    """Hint the CPU to load the cache line at byte ``offset`` of ``matrix[row]`` (a C-contiguous 2-d
    array) for writing."""
    if not (isinstance(matrix, types.Array) and matrix.ndim == 2 and matrix.layout == "C"
            and isinstance(row, types.Integer) and isinstance(offset, types.Integer)):
        return None

    def codegen(context, builder, signature, args):
        matrix_type, row_type, offset_type = signature.args
        array = make_array(matrix_type)(context, builder, args[0])
        index = context.cast(builder, args[1], row_type, types.intp)
        start = cgutils.get_item_pointer(context, builder, matrix_type, array,
                                         [index, context.get_constant(types.intp, 0)])
        byte = ir.IntType(8).as_pointer()
        address = builder.gep(builder.bitcast(start, byte), [context.cast(builder, args[2], offset_type, types.intp)])
        int32 = ir.IntType(32)
        hint = builder.module.declare_intrinsic(
            "llvm.prefetch", [byte], ir.FunctionType(ir.VoidType(), [byte, int32, int32, int32]))
        # for writing (1), keep in all cache levels (3), data (1)
        builder.call(hint, [address, int32(1), int32(3), int32(1)])
        return context.get_dummy_value()

    return types.void(matrix, row, offset), codegen


@kernel(inline="always")
def prefetch_rows(matrix, rows, n_rows):
    """Start loading rows ``rows[:n_rows]`` of ``matrix`` (float32 (R, dim), C order) into the cache,
    for writing: call it for rows the update is about to change.

    Parameters
    ----------
    matrix : float32 (R, dim)
    rows : int32 (T,)
        Row indices, each in ``[0, R)``; the first ``n_rows`` are prefetched.
    n_rows : int
    """
    row_bytes = matrix.shape[1] * matrix.itemsize
    for t in range(n_rows):
        for offset in range(0, row_bytes, CACHE_LINE):
            _prefetch_line(matrix, rows[t], offset)

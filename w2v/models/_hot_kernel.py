"""Compiled thread-private copies of the tree's top nodes for CBOW + hierarchical softmax, merged into
the shared node rows under a spin lock every :data:`SYNC_WORDS` words.

Threads share the weights without locks (Hogwild), and a row that two threads write moves its
cache lines from one core to the other on every write. CBOW + hierarchical softmax writes the root
and the nodes near it for every word it trains: on the 2-core benchmark machine two threads trained
1.2-1.3M words per CPU-second against 1.5M for one, and in the machine's slow phases (where moving
a line between its cores costs more) 0.6M. So each thread trains its own copies of the ``H``
inner nodes nearest the root (``Scratch.hot_nodes``: 64, with 2 to 8 threads, see
:mod:`w2v.models.training`), which are the start of every path
(:func:`w2v.models._hierarchical_kernel.hierarchical_update`). They start from the shared values at
the start of the thread's chunk; every :data:`SYNC_WORDS` words and at the end of the chunk
:func:`sync_rows` adds what the thread changed since its last merge (``copy - base``) to the shared
rows, which meanwhile received the other threads' merges, and takes the result as its new copy.
The merge is exact where one thread changed an element (its value is written as it is), so one
thread with copies trains bit for bit the weights it trains without them; with several threads a
top node sees the others' steps up to :data:`SYNC_WORDS` words late instead of at once (the sum of
the threads' changes, which two distributed replicas at the plain rate also showed to keep quality).

What it gained is in the README's speed section. Skip-gram + HS (whose per-pair loop already trains
a thread-local copy of each path) and negative sampling (copies of the most frequent words' rows)
gained nothing and trained to a higher loss, so they have none.

>>> sync_rows(lock, node_weights, first, hot_nodes, hot_base)   # doctest: +SKIP
"""
from __future__ import annotations

from llvmlite import ir
from numba.core import cgutils, types
from numba.extending import intrinsic
from numba.np.arrayobj import make_array

from w2v.models._kernel_cache import kernel

#: words a thread trains between two merges of its copies (256 copied rows: 8,192 raised the loss
#: after an epoch by 0.6% at 2 threads, 1,024 by 0.3%); a merge of 64 rows of 100 floats takes a few
#: microseconds, under 1% of the time of 1,024 words
SYNC_WORDS = 1024


def _is_flag(flag):
    """Whether numba's type ``flag`` is a 1-d int64 array (what the lock intrinsics take)."""
    return isinstance(flag, types.Array) and flag.dtype == types.int64 and flag.ndim == 1


def _flag_pointer(context, builder, array_type, array):
    data = make_array(array_type)(context, builder, array)
    return cgutils.get_item_pointer(context, builder, array_type, data, [context.get_constant(types.intp, 0)])


@intrinsic
def _try_acquire(typingctx, flag):
    """Atomically set ``flag[0]`` from 0 to 1 (an int64 array); True if this call set it."""
    if not _is_flag(flag):
        return None

    def codegen(context, builder, signature, args):
        pointer = _flag_pointer(context, builder, signature.args[0], args[0])
        int64 = ir.IntType(64)
        pair = builder.cmpxchg(pointer, int64(0), int64(1), "acquire", "monotonic")
        return builder.extract_value(pair, 1)

    return types.boolean(flag), codegen


@intrinsic
def _release(typingctx, flag):
    """Atomically set ``flag[0]`` to 0, after every write before it (release order)."""
    if not _is_flag(flag):
        return None

    def codegen(context, builder, signature, args):
        pointer = _flag_pointer(context, builder, signature.args[0], args[0])
        builder.atomic_rmw("xchg", pointer, ir.IntType(64)(0), "release")
        return context.get_dummy_value()

    return types.void(flag), codegen


@kernel()
def try_lock(lock):
    """Take the spin lock ``lock`` (int64 (1,), 0 when free) if it is free; True if taken."""
    return _try_acquire(lock)


@kernel()
def unlock(lock):
    """Free the spin lock ``lock``."""
    _release(lock)


@kernel()
def sync_rows(lock, shared, first, copies, base):
    """Merge a thread's copies of rows ``first .. first + H - 1`` of ``shared`` into them and refresh
    the copies, under ``lock``: ``shared[first + k] += copies[k] - base[k]``, exact where only one
    side changed an element; ``copies[k]`` and ``base[k]`` then hold the merged row.

    Parameters
    ----------
    lock : int64 (1,)
        The spin lock every thread of the run shares (0 when free).
    shared : float32 (R, dim)
    first : int
    copies, base : float32 (H, dim)
        The thread's copies and their values at its last merge.
    """
    while not _try_acquire(lock):
        pass
    dim = shared.shape[1]
    for k in range(copies.shape[0]):
        r = first + k
        for j in range(dim):
            h = copies[k, j]
            b = base[k, j]
            s = shared[r, j]
            if h != b:
                if s != b:  # others merged changes of this element too
                    h = h + (s - b)
                shared[r, j] = h
            else:
                h = s
            copies[k, j] = h
            base[k, j] = h
    _release(lock)

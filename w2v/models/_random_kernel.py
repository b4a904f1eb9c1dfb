"""Per-thread random numbers for the compiled loops: word2vec.c's 64-bit linear congruential generator.

The state is a one-element ``uint64`` array owned by one worker thread, so draws never contend and a
single worker with a fixed seed repeats itself bit for bit. Only the high 32 bits of each state are
used (an LCG's low bits have short periods); integers in ``[0, n)`` come from a multiply-and-shift of
those bits rather than a modulo, and the fractional part of that same product is a uniform number
that the alias method reuses, so one draw yields a negative sample.

>>> import numpy as np
>>> state = np.array([7], dtype=np.uint64)
>>> 0 <= below(state, 10) < 10
True
"""
from __future__ import annotations

import numpy as np
from numba import uint64

from w2v.models._kernel_cache import kernel

_MULTIPLIER = uint64(25214903917)
_INCREMENT = uint64(11)
_MASK32 = uint64(0xFFFFFFFF)
_INV_2_32 = 1.0 / 4294967296.0


@kernel(inline="always")
def next_high(state):
    """Advance ``state`` (uint64[1]) and return its high 32 bits as a uint64."""
    s = state[0] * _MULTIPLIER + _INCREMENT
    state[0] = s
    return s >> uint64(32)


@kernel(inline="always")
def below(state, n):
    """A uniform integer in ``[0, n)`` (``n < 2**32``)."""
    return np.int64((next_high(state) * uint64(n)) >> uint64(32))


@kernel(inline="always")
def unit(state):
    """A uniform float in ``[0, 1)`` with 32 random bits."""
    return np.float32(np.float64(next_high(state)) * _INV_2_32)


@kernel(inline="always")
def alias_draw(state, accept, alias):
    """One sample from an alias table (``accept`` float32 (V,), ``alias`` int32 (V,)).

    The column is the integer part of ``high32 * V / 2**32`` and the coin the fractional part of the
    same product: independent enough for a 32-bit draw and half the cost of two draws.
    """
    n = uint64(accept.shape[0])
    product = next_high(state) * n
    column = np.int64(product >> uint64(32))
    coin = np.float32(np.float64(product & _MASK32) * _INV_2_32)
    if coin < accept[column]:
        return column
    return np.int64(alias[column])

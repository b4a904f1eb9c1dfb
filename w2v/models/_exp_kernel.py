"""A compiled ``exp(-a)`` in float32 that the compiler can vectorize: no library call.

numba compiles ``np.exp`` on float32 to a call of the C library's ``expf``, one element at a time,
and a loop with a call in it is not vectorized. Hierarchical softmax scores all nodes of a path
(about 12 on the benchmark corpus) before updating them
(:func:`w2v.models._logistic_kernel.score_rows`); with :func:`exp_negative` their sigmoids are one
vectorized loop. A profile of skip-gram + hierarchical softmax (one thread,
``perf record``) had 11% of its samples in ``expf``; the speed-ups are listed in
:func:`w2v.models._logistic_kernel.score_rows`.

The method: ``exp(-a) = 2**-k * exp(r)`` with ``k = round(a / ln 2)`` and ``r = k ln 2 - a`` in
``[-ln 2 / 2, ln 2 / 2]`` (``k ln 2`` in two parts, the first exact in float32 for ``k < 2**15``),
``exp(r)`` by its Taylor polynomial of degree 7 (truncation at most ``7e-9`` relative), and ``2**-k``
built from IEEE-754 exponent bits, in two factors where it is below float32's smallest normal
number. The relative error is below ``2**-23`` (0.73 of it at most on a grid of two million points)
for ``0 <= a <= 87``, and within one subnormal step beyond, where the result is subnormal as the C
library's ``expf`` gives it, down to 0 above 104; a test holds it to float64 ``exp``. (A sigmoid's
probability is then as small as ``expf`` made it: a loss stays finite where it was finite.)

>>> e = exp_negative(np.float32(2.0))     # inside a kernel  # doctest: +SKIP
"""
from __future__ import annotations

import numpy as np
from llvmlite import ir
from numba.core import types
from numba.extending import intrinsic

from w2v.models._kernel_cache import kernel

#: beyond this ``exp(-a)`` is below half the smallest subnormal float32: :func:`exp_negative` gives 0
LARGEST_ARGUMENT = np.float32(104.0)
#: the largest ``k`` whose ``2**-k`` is a normal float32
_NORMAL_K = np.float32(126.0)
_LOG2_E = np.float32(1.4426950408889634)
#: ln 2 = _LN2_HIGH + _LN2_LOW; _LN2_HIGH has 9 significant bits, so ``k * _LN2_HIGH`` is exact
_LN2_HIGH = np.float32(0.693359375)
_LN2_LOW = np.float32(-2.12194440e-4)
#: 1 / n! for n = 0 .. 7
_C0, _C1, _C2, _C3, _C4, _C5, _C6, _C7 = (np.float32(1.0 / f) for f in (1, 1, 2, 6, 24, 120, 720, 5040))


@intrinsic
def _float32_from_bits(typingctx, bits):
    """The float32 whose IEEE-754 bits are the low 32 bits of the integer ``bits``."""
    if not isinstance(bits, types.Integer):
        return None

    def codegen(context, builder, signature, args):
        value = args[0]
        if bits.bitwidth > 32:
            value = builder.trunc(value, ir.IntType(32))
        elif bits.bitwidth < 32:
            value = builder.zext(value, ir.IntType(32))
        return builder.bitcast(value, ir.FloatType())

    return types.float32(bits), codegen


@kernel(inline="always")
def exp_negative(a):
    """``exp(-a)`` for a float32 ``a >= 0`` (subnormal above 87.3, 0 above 104); see the module
    docstring."""
    beyond = a > LARGEST_ARGUMENT
    a = min(a, LARGEST_ARGUMENT)
    k = np.floor(a * _LOG2_E + np.float32(0.5))
    r = (k * _LN2_HIGH - a) + k * _LN2_LOW
    p = _C7
    p = p * r + _C6
    p = p * r + _C5
    p = p * r + _C4
    p = p * r + _C3
    p = p * r + _C2
    p = p * r + _C1
    p = p * r + _C0
    # 2**-k as 2**-k1 * 2**-k2, each a normal float32 (biased exponent 127 - k1 >= 1, 127 - k2 >= 103);
    # the second product rounds to a subnormal where the result is one
    k1 = min(k, _NORMAL_K)
    e = (p * _float32_from_bits((np.int64(127) - np.int64(k1)) << 23)) \
        * _float32_from_bits((np.int64(127) - np.int64(k - k1)) << 23)
    return np.float32(0.0) if beyond else e

"""The vectorizable exp(-a) of the training kernels against float64 exp."""
import numpy as np
import pytest

from w2v._jit import njit
from w2v.models._exp_kernel import exp_negative
from w2v.models._kernel_cache import KERNEL_OPTIONS
from w2v.models._logistic_kernel import _SIGMOID_FASTMATH


def _exp_negative_all(a, out):
    for i in range(a.shape[0]):
        out[i] = exp_negative(a[i])


# compiled in a loop the compiler vectorizes, with every fastmath flag and with the sigmoids' flags
_LOOPS = {"fastmath": njit(**KERNEL_OPTIONS)(_exp_negative_all),
          "sigmoid flags": njit(**{**KERNEL_OPTIONS, "fastmath": _SIGMOID_FASTMATH})(_exp_negative_all)}


def _compiled(a, flags="fastmath"):
    a = np.ascontiguousarray(a, np.float32)
    out = np.empty_like(a)
    _LOOPS[flags](a, out)
    return out


@pytest.mark.parametrize("flags", _LOOPS)
def test_exp_negative_is_within_a_relative_two_to_the_minus_23_up_to_87(flags):
    a = np.concatenate([np.linspace(0, 87, 2_000_003, dtype=np.float32),
                        np.float32(np.log(2)) * np.arange(126, dtype=np.float32),   # the reduction's k changes
                        np.array([0.0, 1e-30, 1e-7, 0.34657359, 6.0, 86.99999], np.float32)])
    got = _compiled(a, flags).astype(np.float64)
    exact = np.exp(-a.astype(np.float64))
    # float32 rounding alone gives up to 2**-24; the polynomial and the reduction add less than as much again
    assert np.all(np.abs(got - exact) <= 2.0 ** -23 * exact)


@pytest.mark.parametrize("flags", _LOOPS)
def test_exp_negative_is_subnormal_as_expf_from_87_to_104_and_zero_beyond(flags):
    a = np.linspace(87, 104, 200_001, dtype=np.float32)
    got = _compiled(a, flags).astype(np.float64)
    exact = np.exp(-a.astype(np.float64))
    smallest = 2.0 ** -149                                     # float32's smallest subnormal step
    assert np.all(np.abs(got - exact) <= 2.0 ** -23 * exact + smallest)
    assert got[0] > 0 and np.count_nonzero(got) > 190_000      # finite losses where expf's were finite
    beyond = _compiled(np.array([104.001, 110.0, 1e30, np.float32(3e38)], np.float32), flags)
    assert np.all(beyond == 0.0)


def test_exp_negative_of_zero_is_one():
    assert _compiled(np.array([0.0], np.float32))[0] == 1.0

"""w2v._jit: the package's njit holds Ctrl-C while numba compiles, and knows what is cached."""
import os
import signal

import numpy as np
import pytest
from numba.extending import overload

from w2v._jit import njit


def _interrupting():
    raise NotImplementedError("compiled code only")


@overload(_interrupting)
def _interrupting_typed():
    # runs inside numba's compiler, while it types the caller: Ctrl-C arrives mid-compile
    os.kill(os.getpid(), signal.SIGINT)
    return lambda: 1


def test_ctrl_c_during_a_compile_is_raised_once_the_compile_is_done():
    @njit
    def uses_it(x):
        return x + _interrupting()

    with pytest.raises(KeyboardInterrupt):
        uses_it(np.int64(1))
    assert len(uses_it.signatures) == 1          # the compile was finished, not torn
    assert uses_it(np.int64(1)) == 2             # and the compiled code works

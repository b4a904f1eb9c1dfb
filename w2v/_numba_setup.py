"""How numba is set up in a process that is w2v's own (the command line's), without its BLAS probe.

When numba first compiles or loads a function it imports ``numba.np.arraymath``, which imports
``scipy.linalg.cython_blas`` only to record whether a BLAS exists (``_HAVE_BLAS``, read by numba's
``np.correlate`` and ``np.convolve`` alone): 0.13 s and 13 MB resident in every ``w2v`` process
that trains. With ``scipy.linalg`` unimportable while that module loads, numba records no BLAS and
goes on; ``np.dot`` (the full-softmax kernel) imports ``scipy.linalg`` itself when it is compiled
or run, so nothing w2v compiles changes.

Only the command line's own process asks for this (:func:`claim_process`, called by the ``w2v``
script and ``python -m w2v``, not by :func:`w2v.cli.main`): a library must not change how numba
behaves in its caller's process. The set-up happens at the first compile or load of a w2v function
(:func:`w2v._jit.njit`), so a command that compiles nothing imports neither numba nor scipy (nor
does this module).

>>> claim_process()                        # w2v.cli.run does this  # doctest: +SKIP
"""
from __future__ import annotations

import importlib
import sys
import threading

_claimed = False
_lock = threading.Lock()


def claim_process() -> None:
    """Declare this process w2v's own (the command line): numba is then set up without its BLAS
    probe when a w2v function is first compiled or loaded."""
    global _claimed
    _claimed = True


def set_up_numba_for_this_process() -> None:
    """In a claimed process, load ``numba.np.arraymath`` with ``scipy.linalg`` unimportable, once;
    elsewhere, or once numba or scipy.linalg is loaded, nothing. If numba no longer tolerates the
    missing module, it is imported again the usual way. Threads that compile at once wait for the
    first (another thread's ``import scipy.linalg`` would fail while the module is blocked)."""
    if not _claimed or "numba.np.arraymath" in sys.modules:
        return
    with _lock:
        if "numba.np.arraymath" in sys.modules or "scipy.linalg" in sys.modules:
            return
        sys.modules["scipy.linalg"] = None  # "import scipy.linalg..." now raises ImportError
        try:
            importlib.import_module("numba.np.arraymath")
        except ImportError:
            pass
        finally:
            if "scipy.linalg" in sys.modules and sys.modules["scipy.linalg"] is None:
                sys.modules.pop("scipy.linalg")
        importlib.import_module("numba.np.arraymath")  # a no-op unless the first import failed

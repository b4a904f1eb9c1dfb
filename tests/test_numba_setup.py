"""The command line's process sets numba up without importing scipy.linalg; a library caller's
process is left as numba sets itself up. Each case runs in a fresh interpreter (this one has numba
set up already)."""
import json
import subprocess
import sys

_PROBE = """
import json, sys
import numpy as np
from w2v import _numba_setup
from w2v._jit import njit
if {claim}:
    _numba_setup.claim_process()

@njit(nogil=True)
def double(x):
    return 2.0 * x

@njit(nogil=True)
def product(a, b):
    return np.dot(a, b)

first = double(1.5)
after_first = "scipy.linalg" in sys.modules
import numba.np.arraymath as arraymath
a = np.arange(6, dtype=np.float32).reshape(2, 3)
dot = product(a, a.T).tolist()
print(json.dumps({{"first": first, "scipy_linalg_after_first_compile": after_first,
                   "numba_blas_probe": arraymath._HAVE_BLAS, "dot": dot}}))
"""


def _probe(claim):
    done = subprocess.run([sys.executable, "-c", _PROBE.format(claim=claim)], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_a_claimed_process_compiles_without_importing_scipy_linalg_and_np_dot_still_works():
    result = _probe(claim=True)
    assert result["first"] == 3.0
    assert result["scipy_linalg_after_first_compile"] is False
    assert result["numba_blas_probe"] is False
    assert result["dot"] == [[5.0, 14.0], [14.0, 50.0]]       # BLAS, loaded when np.dot compiled


def test_a_library_callers_process_is_left_as_numba_sets_itself_up():
    result = _probe(claim=False)
    assert result["scipy_linalg_after_first_compile"] is True
    assert result["numba_blas_probe"] is True
    assert result["dot"] == [[5.0, 14.0], [14.0, 50.0]]


def test_the_command_line_claims_its_process_and_a_command_that_compiles_nothing_loads_no_numba(tmp_path):
    vectors = tmp_path / "v.txt"
    vectors.write_text("3 2\na 1 0\nb 0.9 0.1\nc 0 1\n", encoding="utf-8")
    code = ("import json, sys; from w2v.cli import main; from w2v import _numba_setup; "
            f"status = main(['neighbors', {str(vectors)!r}, 'a']); "
            "print(json.dumps([status, _numba_setup._claimed, 'numba' in sys.modules]))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout.strip().splitlines()[-1]) == [0, True, False]
    assert "b" in done.stdout                                   # the neighbours were printed

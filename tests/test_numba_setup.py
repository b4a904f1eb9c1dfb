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


def _run_fresh(code):
    """Run ``code`` in a fresh interpreter: (the JSON of its last line of output, the lines before)."""
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.strip().splitlines()
    return json.loads(lines[-1]), lines[:-1]


def _probe(claim):
    return _run_fresh(_PROBE.format(claim=claim))[0]


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


def _vectors(tmp_path):
    vectors = tmp_path / "v.txt"
    vectors.write_text("3 2\na 1 0\nb 0.9 0.1\nc 0 1\n", encoding="utf-8")
    return str(vectors)


def test_the_w2v_command_claims_its_process_and_a_command_that_compiles_nothing_loads_no_numba(tmp_path):
    code = ("import json, sys; from w2v.cli import run; from w2v import _numba_setup; "
            f"sys.argv = ['w2v', 'neighbors', {_vectors(tmp_path)!r}, 'a']; status = run(); "
            "print(json.dumps([status, _numba_setup._claimed, 'numba' in sys.modules]))")
    result, printed = _run_fresh(code)
    assert result == [0, True, False]
    assert any(line.split()[:1] == ["b"] for line in printed)   # the neighbours were printed


def test_main_called_from_python_leaves_the_callers_process_unclaimed(tmp_path):
    code = ("import json; from w2v.cli import main; from w2v import _numba_setup; "
            f"status = main(['neighbors', {_vectors(tmp_path)!r}, 'a']); "
            "print(json.dumps([status, _numba_setup._claimed]))")
    assert _run_fresh(code)[0] == [0, False]


def test_full_softmax_trains_in_a_claimed_process():
    # np.dot in the softmax kernel imports scipy.linalg itself, compiled or loaded from the cache
    code = ("import json, math, sys; from w2v import _numba_setup; _numba_setup.claim_process(); "
            "from w2v import Word2Vec; "
            "sentences = [['the', 'cat', 'sat', 'on', 'the', 'mat'], ['the', 'dog', 'sat', 'on', 'the', 'log']] * 20; "
            "model = Word2Vec(objective='softmax', dim=8, min_count=1, epochs=1, workers=1, seed=1, "
            "progress=False).fit(sentences); "
            "import numba.np.arraymath as arraymath; "
            "print(json.dumps([math.isfinite(model.history_[-1]['loss']), arraymath._HAVE_BLAS]))")
    assert _run_fresh(code)[0] == [True, False]


_REFUSING = """
import importlib.abc, json, sys


class RefuseWithoutScipyLinalg(importlib.abc.MetaPathFinder):
    # a numba that does not tolerate the blocked module: importing arraymath fails while it is blocked
    def find_spec(self, name, path=None, target=None):
        if name == "numba.np.arraymath" and sys.modules.get("scipy.linalg", 0) is None:
            raise ImportError("scipy 0.16+ is required for linear algebra")
        return None


sys.meta_path.insert(0, RefuseWithoutScipyLinalg())
from w2v import _numba_setup
_numba_setup.claim_process()
_numba_setup.set_up_numba_for_this_process()
loaded = "numba.np.arraymath" in sys.modules
import numba.np.arraymath as arraymath
print(json.dumps([loaded, arraymath._HAVE_BLAS, sys.modules.get("scipy.linalg") is not None]))
"""


def test_numba_refusing_the_missing_module_is_imported_again_the_usual_way():
    # no error, loaded the usual way (the probe ran and found the BLAS), scipy.linalg unblocked
    assert _run_fresh(_REFUSING)[0] == [True, True, True]

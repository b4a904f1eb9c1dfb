"""scripts/benchmark.py: how it measures a process (no gensim, no corpus needed)."""
from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import numpy as np
import pytest

_SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "benchmark.py"
_spec = importlib.util.spec_from_file_location("w2v_benchmark", _SCRIPT)
bm = importlib.util.module_from_spec(_spec)
sys.modules.setdefault("w2v_benchmark", bm)  # dataclasses look their module up there
_spec.loader.exec_module(bm)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_a_process_peak_memory_is_its_own_not_its_parents():
    # Linux hands a child the parent's resident size at fork as its starting maximum (ru_maxrss),
    # so a large benchmark parent would make every small child look large
    ballast = np.ones(400 * 2**20 // 8)                         # this process: 400 MiB more
    small = bm.measure_process([sys.executable, "-c", "pass"])
    large = bm.measure_process([sys.executable, "-c", "import numpy; a = numpy.ones(300 * 2**20 // 8)"])
    assert small.returncode == 0 and large.returncode == 0
    assert small.peak_mb < 150
    assert 300 < large.peak_mb < 450
    assert ballast[-1] == 1.0


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_start_up_is_what_the_started_process_holds_not_its_peak(monkeypatch):
    # w2v's start-up peaks while LLVM loads its function and then releases LLVM's pages: what a run
    # adds is measured from what the process holds once started
    monkeypatch.setitem(bm.STARTUP, "probe", "import numpy as np\nkept = np.ones(100 * 2**20 // 8)\n"
                                             "passing = np.ones(300 * 2**20 // 8)\ndel passing")
    held = bm.startup_resident("probe")
    assert 100 < held < 200                                    # the 300 MiB that came and went are not in it
    assert bm.measure_process([sys.executable, "-c", bm.STARTUP["probe"]]).peak_mb > 400


def test_a_failing_process_reports_its_exit_code_and_its_error_output():
    done = bm.measure_process([sys.executable, "-c", "import sys; print('out'); sys.exit('broken')"])
    assert done.returncode == 1
    assert done.stdout.strip() == "out" and "broken" in done.stderr


def test_measured_processes_may_write_bytecode_like_an_installed_package(monkeypatch):
    # an environment that forbids .pyc files would make every measured process compile the
    # package's modules again, a cost no installed w2v has
    monkeypatch.setenv("PYTHONDONTWRITEBYTECODE", "1")
    done = bm.measure_process([sys.executable, "-c", "import sys; print(sys.dont_write_bytecode)"])
    assert done.returncode == 0 and done.stdout.strip() == "False"

"""w2v._memory: memory given back to the system (glibc's malloc_trim; the pages of a file map; the
compiler's code pages)."""
import json
import mmap
import re
import subprocess
import sys
import threading

import numpy as np
import pytest

from w2v import _memory


def _anon_kib() -> int:
    return int(re.search(r"RssAnon:\s+(\d+)", open("/proc/self/status").read()).group(1))


@pytest.mark.skipif(not sys.platform.startswith("linux") or _memory.trim is None,
                    reason="malloc_trim is glibc's (Linux); elsewhere release_freed_memory does nothing")
def test_memory_freed_between_live_blocks_goes_back_to_the_system():
    # every other block freed, on another thread (its own malloc arena, as the corpus scan's threads):
    # the freed blocks sit between live ones, where free() alone cannot give them back
    kept = []

    def allocate():
        blocks = [np.ones(48 * 1024 // 8) for _ in range(3000)]    # 3000 x 48 KiB, below mmap's threshold
        kept.extend(blocks[1::2])
        del blocks

    thread = threading.Thread(target=allocate)
    thread.start()
    thread.join()
    before = _anon_kib()
    assert _memory.release_freed_memory()
    assert before - _anon_kib() > 40 * 1024             # about 70 MiB were free in the holes
    assert all(block[0] == 1.0 for block in kept)        # the live blocks are untouched


def _file_kib() -> int:
    return int(re.search(r"RssFile:\s+(\d+)", open("/proc/self/status").read()).group(1))


@pytest.mark.skipif(not sys.platform.startswith("linux") or _memory._madvise is None, reason="reads /proc")
def test_released_pages_of_a_file_map_leave_the_resident_set_and_keep_their_data(tmp_path):
    n = 16 * 2**20 // 4                                     # 16 MiB of int32
    values = np.arange(n, dtype=np.int32)
    values.tofile(tmp_path / "ids")
    mapped = np.memmap(tmp_path / "ids", dtype=np.int32, mode="r+", shape=(n,))
    assert int(mapped.sum(dtype=np.int64)) == int(values.sum(dtype=np.int64))   # every page read
    before = _file_kib()
    released = _memory.release_mapped(mapped, 1000, n - 1000)   # not the partial pages at either end
    assert 15 * 2**20 < released < 16 * 2**20
    assert before - _file_kib() > 12 * 1024
    np.testing.assert_array_equal(mapped, values)                # read back from the file


def test_memory_that_is_not_a_shared_file_map_is_never_released(tmp_path):
    in_memory = np.arange(2**20, dtype=np.int32)
    assert _memory.release_mapped(in_memory, 0, in_memory.shape[0]) == 0
    np.arange(2**20, dtype=np.int32).tofile(tmp_path / "ids")
    private = np.memmap(tmp_path / "ids", dtype=np.int32, mode="c", shape=(2**20,))
    private[:] = -1                                               # copy-on-write pages, in memory only
    assert _memory.release_mapped(private, 0, private.shape[0]) == 0
    assert (private == -1).all() and (in_memory == np.arange(2**20)).all()


@pytest.mark.skipif(_memory._madvise is None, reason="no madvise")
def test_a_range_past_the_end_releases_only_the_arrays_own_pages(tmp_path):
    np.arange(3000, dtype=np.int32).tofile(tmp_path / "ids")
    mapped = np.memmap(tmp_path / "ids", dtype=np.int32, mode="r", shape=(3000,))
    assert _memory.release_mapped(mapped, -50, 10**9) <= 3000 * 4
    assert _memory.release_mapped(mapped, 10**9, 10**9 + 5) == 0
    np.testing.assert_array_equal(mapped, np.arange(3000))


_SMAPS = """\
7f0000000000-7f0000300000 r--p 00000000 fe:00 42   /venv/llvmlite/binding/libllvmlite.so
Rss:                3072 kB
Private_Dirty:         0 kB
Anonymous:             0 kB
7f0000300000-7f0005000000 r-xp 00300000 fe:00 42   /venv/llvmlite/binding/libllvmlite.so
Rss:               51200 kB
Private_Dirty:         0 kB
Anonymous:             0 kB
VmFlags: rd ex mr mw me
7f0005000000-7f0005100000 r--p 05000000 fe:00 42   /venv/llvmlite/binding/libllvmlite.so
Rss:                1024 kB
Private_Dirty:       900 kB
Anonymous:           900 kB
7f0005100000-7f0005200000 rw-p 05100000 fe:00 42   /venv/llvmlite/binding/libllvmlite.so
Private_Dirty:         0 kB
Anonymous:             0 kB
7f0006000000-7f0006100000 r-xp 00000000 fe:00 43   /usr/lib/libc.so.6
Private_Dirty:         0 kB
7f0007000000-7f0007100000 rw-p 00000000 00:00 0
Private_Dirty:         0 kB
7f0009000000-7f0009400000 r-xp 00000000 fe:00 45   /conda/lib/libLLVM-14.so
Private_Dirty:         0 kB
Anonymous:             0 kB
7f000a000000-7f000a100000 r--p 00000000 fe:00 42   /venv/llvmlite/binding/libllvmlite.so
Rss:                1024 kB
7f000b000000-7f000b100000 r--p 05300000 fe:00 42   /venv/llvmlite/binding/libllvmlite.so
Private_Dirty:         0 kB
Anonymous:             0 kB
Swap:                 64 kB
7f0008000000-7f0008200000 r--p 00000000 fe:00 44   /opt/llvmlite/libllvmlite.so.1 (deleted)
Private_Dirty:         0 kB
Anonymous:             0 kB
"""


def test_only_the_compilers_clean_read_only_mappings_are_chosen():
    assert [m[:2] for m in _memory.clean_read_only_mappings(_SMAPS)] == [
        (0x7F0000000000, 0x7F0000300000),    # headers and symbols
        (0x7F0000300000, 0x7F0005000000),    # code
        # not the relocated read-only data (written by the loader, in memory or swapped out), the
        # writable data, another library, anonymous memory or a mapping whose written pages are not
        # reported
        (0x7F0009000000, 0x7F0009400000),    # LLVM linked by llvmlite (conda)
        (0x7F0008000000, 0x7F0008200000),    # the last mapping, its path with a suffix
    ]


_COMPILE_AND_MEASURE = """
import json, re, numpy as np, numba
from w2v import _memory
from w2v._jit import njit

def compiler_kib():
    kib, in_library = 0, False
    for line in open("/proc/self/smaps"):
        if re.match(r"[0-9a-f]+-[0-9a-f]+ ", line):
            in_library = bool(_memory.COMPILER_LIBRARIES.search(line.rstrip()))
        elif in_library and line.startswith("Rss:"):
            kib += int(line.split()[1])
    return kib

def scaled_sum(values, factor):
    total = 0.0
    for v in values:
        total += v * factor
    return total

sizes = {}
assert numba.njit(scaled_sum)(np.arange(4.0), 2.0) == 12.0
sizes["numba"] = compiler_kib()
compiled = njit(scaled_sum)
assert compiled(np.arange(4.0), 2.0) == 12.0
sizes["w2v"] = compiler_kib()
assert compiled(np.arange(4, dtype=np.int64), 3) == 18.0
sizes["again"] = compiler_kib()
sizes["signatures"] = len(compiled.signatures)
print(json.dumps(sizes))
"""


@pytest.mark.skipif(not sys.platform.startswith("linux") or _memory._madvise is None, reason="reads /proc")
def test_compiling_leaves_the_compilers_code_out_of_the_resident_set_and_compiles_again():
    # in a process of its own: another thread compiling meanwhile (a test's leftover) would bring
    # the compiler's pages back between the release and the measurement
    done = subprocess.run([sys.executable, "-c", _COMPILE_AND_MEASURE], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    sizes = json.loads(done.stdout.strip().splitlines()[-1])
    assert sizes["numba"] > 16 * 1024       # numba's own njit leaves what the compiler ran resident
    assert sizes["w2v"] < 8 * 1024          # w2v's releases it once the compile is done
    # and the compiler reads its pages back: another signature compiles and runs right
    assert sizes["signatures"] == 2 and sizes["again"] < 8 * 1024


@pytest.mark.skipif(not sys.platform.startswith("linux") or _memory._madvise is None, reason="reads /proc")
def test_a_released_mapping_that_moved_away_is_left_alone(monkeypatch):
    # a library unloaded and its addresses reused by other memory: that memory must not be released
    values = np.full(1 << 20, 7, dtype=np.uint8)            # anonymous memory: released, it reads as zeros
    start = -(-values.ctypes.data // mmap.PAGESIZE) * mmap.PAGESIZE
    monkeypatch.setattr(_memory, "_compiler_mappings", [(start, start + (1 << 16), "r-xp", "00000000", "fe:00", "42")])
    assert _memory.release_compiler_code() == 0
    assert (values == 7).all()


@pytest.mark.skipif(not sys.platform.startswith("linux") or _memory._madvise is None, reason="reads /proc")
def test_a_mapped_file_whose_name_is_not_utf8_does_not_break_compiling(tmp_path, monkeypatch):
    from w2v._jit import njit

    path = tmp_path / "caf\udce9.bin"                      # b"caf\xe9.bin": Latin-1, not UTF-8
    np.arange(4096, dtype=np.uint8).tofile(path)
    mapped = np.memmap(path, dtype=np.uint8, mode="r")
    monkeypatch.setattr(_memory, "_compiler_mappings", None)   # read smaps again, with that name in it
    assert njit(lambda x: x * 3)(5) == 15
    assert _memory._compiler_mappings                         # the compiler's pages were found
    assert int(mapped[-1]) == 255

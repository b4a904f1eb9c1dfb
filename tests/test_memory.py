"""w2v._memory: memory given back to the system (glibc's malloc_trim; the pages of a file map)."""
import re
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

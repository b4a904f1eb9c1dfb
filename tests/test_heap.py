import re
import sys
import threading

import numpy as np
import pytest

from w2v import _heap


def _anon_kib() -> int:
    return int(re.search(r"RssAnon:\s+(\d+)", open("/proc/self/status").read()).group(1))


@pytest.mark.skipif(not sys.platform.startswith("linux") or _heap.trim is None,
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
    assert _heap.release_freed_memory()
    assert before - _anon_kib() > 40 * 1024             # about 70 MiB were free in the holes
    assert all(block[0] == 1.0 for block in kept)        # the live blocks are untouched

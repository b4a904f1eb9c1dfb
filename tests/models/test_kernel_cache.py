"""numba's on-disk cache of the training kernels: cleared when a kernel source changes, and training
still works (compiled in memory, one warning) where numba cannot cache at all."""
import os
import shutil
import subprocess
import sys
import types
from pathlib import Path

import w2v
from w2v.models import _kernel_cache


def _fake_dispatcher(folder):
    return types.SimpleNamespace(_cache=types.SimpleNamespace(_cache_path=str(folder)))


def test_cached_kernels_are_cleared_when_a_kernel_source_changes(tmp_path, monkeypatch):
    cached = tmp_path / "_train_kernel.train_chunk-40.py311.nbi"
    cached.write_bytes(b"old")
    _kernel_cache.refresh(_fake_dispatcher(tmp_path))  # no stamp yet: whatever is cached is suspect
    assert not cached.exists()
    cached.write_bytes(b"fresh")
    _kernel_cache.refresh(_fake_dispatcher(tmp_path))  # same sources: kept
    assert cached.exists()
    # a changed kernel module (here: a new one) changes the digest
    sources = tmp_path / "sources"
    sources.mkdir()
    for path in Path(_kernel_cache.__file__).parent.glob("_*.py"):
        shutil.copy(path, sources / path.name)
    (sources / "_logistic_kernel.py").write_text((sources / "_logistic_kernel.py").read_text() + "\n# edited\n")
    monkeypatch.setattr(_kernel_cache, "__file__", str(sources / "_kernel_cache.py"))
    _kernel_cache.refresh(_fake_dispatcher(tmp_path))
    assert not cached.exists()


def test_training_works_where_numba_cannot_cache(tmp_path):
    # a copy of the package where no __pycache__ folder can be made (a file is in the way) and a
    # home that cannot hold ~/.cache: numba finds no cache locator at all
    package = tmp_path / "site"
    shutil.copytree(Path(w2v.__file__).parent, package / "w2v", ignore=shutil.ignore_patterns("__pycache__"))
    for folder in [package, *(p for p in package.rglob("*") if p.is_dir())]:
        (folder / "__pycache__").write_text("not a folder")
    corpus = tmp_path / "c.txt"
    corpus.write_text("the cat sat on the mat\nthe dog sat on the log\n" * 20)
    env = {k: v for k, v in os.environ.items() if k not in ("NUMBA_CACHE_DIR", "XDG_CACHE_HOME")}
    env.update(HOME="/dev/null", PYTHONPATH=str(package), PYTHONDONTWRITEBYTECODE="1")
    out = subprocess.run([sys.executable, "-m", "w2v", "train", corpus, "-o", tmp_path / "v.txt", "--format", "text",
                          "--min-count", "1", "--epochs", "1", "--dim", "8", "--workers", "1", "--quiet"],
                         capture_output=True, text=True, env=env, cwd=tmp_path, timeout=600)
    assert out.returncode == 0, out.stderr
    assert "Traceback" not in out.stderr
    warnings = [line for line in out.stderr.splitlines() if line.strip()]
    assert len(warnings) == 1 and "NUMBA_CACHE_DIR" in warnings[0], out.stderr  # one warning for all kernels
    assert (tmp_path / "v.txt").read_text().startswith("7 8\n")


def test_is_cached_looks_for_numba_index_file_without_loading(tmp_path):
    from w2v._jit import is_cached, njit

    index = tmp_path / "kernel.nbi"
    dispatcher = types.SimpleNamespace(_cache=types.SimpleNamespace(
        _cache_file=types.SimpleNamespace(_index_path=str(index))))
    assert not is_cached(dispatcher)
    index.write_bytes(b"index")
    assert is_cached(dispatcher)
    # in-memory compiles (no cache at all) and unknown objects count as not cached
    assert not is_cached(njit(cache=False)(lambda x: x))
    assert not is_cached(object())


def test_an_edited_callee_in_another_corpus_kernel_module_clears_the_corpus_kernels(tmp_path):
    # the scan's kernels call the UTF-8 and word-table kernels of other modules: numba alone would
    # keep running their old code from the cache
    from w2v._jit import refresh_cache
    from w2v.corpus import _scan_kernel

    corpus_sources = sorted(Path(_scan_kernel.__file__).parent.glob("_*_kernel.py"))
    assert {p.name for p in corpus_sources} >= {"_scan_kernel.py", "_utf8_kernel.py", "_word_table_kernel.py",
                                                "_phrases_kernel.py"}
    cache = tmp_path / "cache"
    cache.mkdir()
    cached = cache / "_scan_kernel.scan_block-529.py311.nbc"
    refresh_cache(_fake_dispatcher(cache), corpus_sources)
    cached.write_bytes(b"compiled")
    refresh_cache(_fake_dispatcher(cache), corpus_sources)
    assert cached.exists()
    edited = tmp_path / "sources"
    edited.mkdir()
    for path in corpus_sources:
        shutil.copy(path, edited / path.name)
    (edited / "_utf8_kernel.py").write_text((edited / "_utf8_kernel.py").read_text() + "\n# edited\n")
    refresh_cache(_fake_dispatcher(cache), sorted(edited.glob("_*_kernel.py")))
    assert not cached.exists()
    # and the package's own corpus cache carries that stamp (where numba can cache at all)
    folder = getattr(getattr(_scan_kernel.scan_block, "_cache", None), "_cache_path", None)
    if folder is not None and (Path(folder) / "w2v-kernels.stamp").exists():
        refresh_cache(_fake_dispatcher(tmp_path), corpus_sources)
        assert (Path(folder) / "w2v-kernels.stamp").read_text() == (tmp_path / "w2v-kernels.stamp").read_text()

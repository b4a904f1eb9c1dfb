"""numba's ``njit`` for every compiled module of the package, with a fallback for machines where
numba cannot cache.

With ``cache=True`` numba stores compiled code next to the module (``__pycache__``) or in its user
cache; when neither is writable (a read-only install and no writable home, as in many containers)
it refuses to compile at all (``RuntimeError: cannot cache function ...: no locator available``).
:func:`njit` then compiles in memory instead and logs one warning saying how to enable the cache.
Every function it makes also holds Ctrl-C and SIGTERM while it compiles (:func:`interrupts_deferred`:
raised inside numba's compiler, an interrupt breaks it instead of stopping the program), and after
each compile (or load from the cache) releases the resident pages of LLVM's code, which the compiled
function does not run (:func:`w2v._memory.release_compiler_code`).

>>> @njit(nogil=True)
... def add(a, b):
...     return a + b
>>> add(1, 2)
3
"""
from __future__ import annotations

import contextlib
import hashlib
import logging
import signal
import threading
from pathlib import Path

import numba

from w2v._memory import release_compiler_code
from w2v._numba_setup import set_up_numba_for_this_process

logger = logging.getLogger("w2v")
_warned = False


def njit(function=None, **options):
    """``numba.njit(**options)``; with ``cache=True``, an in-memory compile where numba cannot cache.
    Ctrl-C and SIGTERM during a compile are raised when it ends (:func:`interrupts_deferred`), and
    the compiler's pages leave the resident set (:func:`w2v._memory.release_compiler_code`).

    Used as ``@njit(...)`` or bare ``@njit``, as numba's.
    """
    def decorate(fn):
        try:
            dispatcher = numba.njit(**options)(fn)
        except RuntimeError as err:  # numba: "cannot cache function ...: no locator available"
            if not options.get("cache") or "cannot cache" not in str(err):
                raise
            _warn_no_cache()
            dispatcher = numba.njit(**{**options, "cache": False})(fn)
        _wrap_compile(dispatcher)
        return dispatcher

    return decorate if function is None else decorate(function)


def _wrap_compile(dispatcher) -> None:
    """Make ``dispatcher`` compile (or load from the cache) with Ctrl-C and SIGTERM deferred until
    the compiler returns (:func:`interrupts_deferred`), then release the compiler's pages. numba's
    dispatcher calls its ``_compile_for_args`` for a call it has no compiled code for; an instance
    attribute of that name is what it calls."""
    compile_for_args = dispatcher._compile_for_args

    def compile_guarded(*args, **kws):
        try:
            with interrupts_deferred():
                set_up_numba_for_this_process()
                return compile_for_args(*args, **kws)
        finally:
            try:
                release_compiler_code()
            except Exception:  # giving memory back must never break a compile
                logger.debug("could not release the compiler's pages", exc_info=True)

    dispatcher._compile_for_args = compile_guarded


#: the digest of the kernel sources that the cached kernels of a folder were compiled from
_STAMP = "w2v-kernels.stamp"


def refresh_cache(dispatcher, sources) -> None:
    """Clear the cached kernels (``_*_kernel.*.nbi`` / ``.nbc``) in ``dispatcher``'s cache folder
    unless ``sources`` are the files they were compiled from.

    numba invalidates a cached function when *its own* source file changes, not when a function it
    calls from another module does: an edited callee would keep running its old compiled code from
    the cache. A digest of ``sources`` (and numba's version) is stored beside the cache and compared
    at every import.

    Parameters
    ----------
    dispatcher : numba dispatcher
        Any kernel whose cache folder holds the kernels of ``sources`` (nothing happens without one).
    sources : iterable of Path
        Every file whose change must recompile them.
    """
    try:
        folder = Path(dispatcher._cache._cache_path)  # numba internals: skip quietly if they move
    except AttributeError:
        return
    digest = hashlib.sha256(numba.__version__.encode())
    for path in sources:
        path = Path(path)
        digest.update(path.name.encode() + path.read_bytes())
    stamp = folder / _STAMP
    with contextlib.suppress(OSError):
        if stamp.read_text() == digest.hexdigest():
            return
    with contextlib.suppress(OSError):
        for cached in folder.glob("_*_kernel.*.nb[ic]"):
            cached.unlink(missing_ok=True)
        folder.mkdir(parents=True, exist_ok=True)
        stamp.write_text(digest.hexdigest())


def is_cached(dispatcher) -> bool:
    """Whether ``dispatcher`` (a function made by :func:`njit` with ``cache=True``) has compiled code
    in numba's on-disk cache, so that its first call loads it instead of compiling.

    Looks for numba's index file of the function without loading it. False where the function
    cannot be cached, and, should numba's internals move, False too (callers then assume the cost
    of a compile, which is safe).
    """
    try:
        index = Path(dispatcher._cache._cache_file._index_path)  # numba internals
    except (AttributeError, TypeError):
        return False
    return index.is_file()


@contextlib.contextmanager
def interrupts_deferred():
    """Inside the block, Ctrl-C and SIGTERM are remembered, not raised; the first one is delivered
    again, to the handler it would have met, when the block ends.

    For code that may compile: numba's compiler calls Python back from LLVM, and an interrupt
    raised inside such a callback is swallowed there and leaves the compiler half done (the next
    step fails with a ``RuntimeError``, a traceback instead of a clean stop). Outside the main
    thread, where no signal handler runs, the block changes nothing.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    received: list[int] = []
    previous = {}
    for signum in (signal.SIGINT, signal.SIGTERM):
        handler = signal.getsignal(signum)
        if callable(handler) or handler in (signal.SIG_DFL, signal.default_int_handler):
            previous[signum] = handler
            signal.signal(signum, lambda s, frame: received.append(s))
    try:
        yield
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
        if received:
            signal.raise_signal(received[0])


def _warn_no_cache() -> None:
    global _warned
    if not _warned:
        _warned = True
        logger.warning("numba cannot cache compiled code here (no writable cache folder), so every run compiles "
                       "it again; set NUMBA_CACHE_DIR to a writable folder to cache it")

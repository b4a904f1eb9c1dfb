"""Compiled decoding and normalisation of UTF-8 text, code point by code point, for the corpus scan.

Imported only by :mod:`w2v.corpus._scan_kernel`. Steps 1 and 2 of the scan (see there): decode
UTF-8 exactly as Python's ``bytes.decode("utf-8", "replace")`` does (one U+FFFD per maximal invalid
subpart), with ``strip_accents`` replace each code point by its NFKD decomposition minus the
dropped combining marks, lowercase as ``str.lower`` does per code point (with its multi-code-point
mappings and the final-sigma rule), turn every ``\\d`` into '0'; and back to UTF-8 bytes for the
word table.
"""
from __future__ import annotations

import numpy as np

from w2v._jit import njit  # numba's, compiling in memory where it cannot cache

# flag bits, as in _unicode_tables
_ALNUM, _DECIMAL, _SPACE, _IGNORABLE, _CASED, _STRIPS, _LOWERS = 1, 2, 4, 8, 16, 32, 64
_REPLACEMENT = 0xFFFD
#: pass this, not a literal, as an argument: numba compiles a callee again for each literal value
_ZERO = np.int64(0)


@njit(nogil=True, cache=True)
def _decode(data, i, n):
    """(code point, next index, is_error) of the UTF-8 sequence at ``data[i]``, as Python decodes."""
    b0 = np.int64(data[i])
    if b0 < 0x80:
        return b0, i + 1, False
    if b0 < 0xC2 or b0 > 0xF4:
        return _REPLACEMENT, i + 1, True
    if b0 < 0xE0:
        if i + 1 < n and 0x80 <= data[i + 1] <= 0xBF:
            return ((b0 & 0x1F) << 6) | (np.int64(data[i + 1]) & 0x3F), i + 2, False
        return _REPLACEMENT, i + 1, True
    if b0 < 0xF0:
        lo = 0xA0 if b0 == 0xE0 else 0x80
        hi = 0x9F if b0 == 0xED else 0xBF
        if i + 1 >= n or not (lo <= data[i + 1] <= hi):
            return _REPLACEMENT, i + 1, True
        if i + 2 >= n or not (0x80 <= data[i + 2] <= 0xBF):
            return _REPLACEMENT, i + 2, True
        return (((b0 & 0x0F) << 12) | ((np.int64(data[i + 1]) & 0x3F) << 6)
                | (np.int64(data[i + 2]) & 0x3F)), i + 3, False
    lo = 0x90 if b0 == 0xF0 else 0x80
    hi = 0x8F if b0 == 0xF4 else 0xBF
    if i + 1 >= n or not (lo <= data[i + 1] <= hi):
        return _REPLACEMENT, i + 1, True
    if i + 2 >= n or not (0x80 <= data[i + 2] <= 0xBF):
        return _REPLACEMENT, i + 2, True
    if i + 3 >= n or not (0x80 <= data[i + 3] <= 0xBF):
        return _REPLACEMENT, i + 3, True
    return (((b0 & 0x07) << 18) | ((np.int64(data[i + 1]) & 0x3F) << 12)
            | ((np.int64(data[i + 2]) & 0x3F) << 6) | (np.int64(data[i + 3]) & 0x3F)), i + 4, False


@njit(nogil=True, cache=True)
def _copy_int32(dst, src, n):
    """``dst[:n] = src[:n]`` as a loop: numba compiles slice assignment far more slowly."""
    for i in range(n):
        dst[i] = src[i]


@njit(nogil=True, cache=True)
def _find_key(keys, cp):
    """Index of ``cp`` in the sorted ``keys``, or -1."""
    lo, hi = 0, keys.shape[0]
    while lo < hi:
        mid = (lo + hi) >> 1
        if keys[mid] < cp:
            lo = mid + 1
        else:
            hi = mid
    if lo < keys.shape[0] and keys[lo] == cp:
        return lo
    return -1


@njit(nogil=True, cache=True)
def _decode_into(data, i, n, flags, strip, strip_keys, strip_offsets, strip_data, out, m):
    """Decode ``data[i:n]`` (and strip accents when ``strip``) into ``out[m:]``.

    Stops early when ``out`` may be too small for the next character (NFKD yields up to 18 code
    points); the caller grows it and calls again. Returns (i, m, errors). Arrays are never
    reassigned here: in numba that would add reference counting to every iteration.
    """
    errors = 0
    limit = out.shape[0] - 32
    while i < n and m < limit:
        b = data[i]
        if b < 0x80:
            # ASCII never changes under NFKD
            out[m] = b
            m += 1
            i += 1
            continue
        cp, i, bad = _decode(data, i, n)
        if bad:
            errors += 1
        if strip and flags[cp] & _STRIPS:
            k = _find_key(strip_keys, cp)
            for t in range(strip_offsets[k], strip_offsets[k + 1]):
                out[m] = strip_data[t]
                m += 1
        else:
            out[m] = cp
            m += 1
    return i, m, errors


@njit(nogil=True, cache=True)
def _decode_block(data, n, flags, strip, strip_keys, strip_offsets, strip_data, out):
    """Decode ``data[:n]`` (and strip accents when ``strip``) into ``out``; returns (out, m, errors)."""
    if out.shape[0] < n + 64:
        out = np.empty(n + 64, dtype=np.int32)
    i, m, errors = _decode_into(data, _ZERO, n, flags, strip, strip_keys, strip_offsets, strip_data, out, _ZERO)
    while i < n:
        bigger = np.empty(2 * out.shape[0], dtype=np.int32)
        _copy_int32(bigger, out, m)
        out = bigger
        i, m, more = _decode_into(data, i, n, flags, strip, strip_keys, strip_offsets, strip_data, out, m)
        errors += more
    return out, m, errors


@njit(nogil=True, cache=True)
def _final_sigma(src, i, m, flags):
    """Whether the capital sigma at ``src[i]`` ends a word (CPython's Final_Sigma test)."""
    j = i - 1
    while j >= 0 and flags[src[j]] & _IGNORABLE:
        j -= 1
    if j < 0 or not flags[src[j]] & _CASED:
        return False
    j = i + 1
    while j < m and flags[src[j]] & _IGNORABLE:
        j += 1
    return j == m or not flags[src[j]] & _CASED


@njit(nogil=True, cache=True)
def _lower_into(src, m, flags, numbers, lower_keys, lower_offsets, lower_data, out):
    """``str.lower`` (then digits -> '0' when ``numbers``) of ``src[:m]`` into ``out``; returns the length.

    ``out`` must hold ``2 * m`` code points: no code point lowers to more than two.
    """
    k = 0
    for i in range(m):
        cp = src[i]
        if cp < 0x80:
            if 0x41 <= cp <= 0x5A:
                cp += 32
            elif numbers and 0x30 <= cp <= 0x39:
                cp = 0x30
            out[k] = cp
            k += 1
            continue
        f = flags[cp]
        if cp == 0x3A3:
            out[k] = 0x3C2 if _final_sigma(src, i, m, flags) else 0x3C3
            k += 1
        elif f & _LOWERS:
            t = _find_key(lower_keys, np.int64(cp))  # one type for both callers: one compile
            for u in range(lower_offsets[t], lower_offsets[t + 1]):
                c = lower_data[u]
                if numbers and flags[c] & _DECIMAL:
                    c = 0x30
                out[k] = c
                k += 1
        else:
            out[k] = 0x30 if numbers and f & _DECIMAL else cp
            k += 1
    return k


@njit(nogil=True, cache=True)
def _digits_block(buf, m, flags):
    """Every ``\\d`` of ``buf[:m]`` becomes '0', in place."""
    for i in range(m):
        if flags[buf[i]] & _DECIMAL:
            buf[i] = 0x30


@njit(nogil=True, cache=True)
def _encode_utf8(cps, a, b, out):
    """UTF-8 bytes of ``cps[a:b]`` into ``out`` (large enough: 4 bytes per code point); returns the length."""
    k = 0
    for i in range(a, b):
        c = cps[i]
        if c < 0x80:
            out[k] = c
            k += 1
        elif c < 0x800:
            out[k] = 0xC0 | (c >> 6)
            out[k + 1] = 0x80 | (c & 0x3F)
            k += 2
        elif c < 0x10000:
            out[k] = 0xE0 | (c >> 12)
            out[k + 1] = 0x80 | ((c >> 6) & 0x3F)
            out[k + 2] = 0x80 | (c & 0x3F)
            k += 3
        else:
            out[k] = 0xF0 | (c >> 18)
            out[k + 1] = 0x80 | ((c >> 12) & 0x3F)
            out[k + 2] = 0x80 | ((c >> 6) & 0x3F)
            out[k + 3] = 0x80 | (c & 0x3F)
            k += 4
    return k

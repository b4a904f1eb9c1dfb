"""Helpers that write deliberately broken files: zip archives of hand-made ``.npy`` members."""
from __future__ import annotations

import io
import json
import zipfile
import zlib

import numpy as np


def npy_bytes(array: np.ndarray) -> bytes:
    """``array`` as the bytes of a ``.npy`` file (no pickle: object arrays are refused)."""
    out = io.BytesIO()
    np.lib.format.write_array(out, np.asarray(array), allow_pickle=False)
    return out.getvalue()


def npy_header(descr: str, shape: tuple, fortran: bool = False) -> bytes:
    """A ``.npy`` header declaring ``descr`` and ``shape``, with no data after it."""
    out = io.BytesIO()
    np.lib.format.write_array_header_1_0(out, {"descr": descr, "fortran_order": fortran, "shape": shape})
    return out.getvalue()


def json_member(doc) -> np.ndarray:
    return np.frombuffer(json.dumps(doc).encode("utf-8"), dtype=np.uint8)


def write_zip(path, members: dict, deflate: frozenset = frozenset()) -> None:
    """Write ``members`` (name without ``.npy`` -> ndarray or raw bytes) as a zip archive."""
    with zipfile.ZipFile(path, "w") as zf:
        for name, value in members.items():
            data = value if isinstance(value, bytes) else npy_bytes(value)
            zf.writestr(name + ".npy", data,
                        compress_type=zipfile.ZIP_DEFLATED if name in deflate else zipfile.ZIP_STORED)


def read_zip(path) -> dict:
    """The members of a zip as ``name (no .npy) -> raw bytes``, in order."""
    with zipfile.ZipFile(path) as zf:
        return {info.filename[:-4]: zf.read(info) for info in zf.infolist()}


def write_zero_bomb(path, members: dict, name: str, shape: tuple, descr: str = "<f4") -> int:
    """Add member ``name``: a deflated ``.npy`` of zeros of ``shape``, compressed in chunks.

    The zeros are never held in memory here either; returns the size of the file.
    """
    header = npy_header(descr, shape)
    nbytes = int(np.prod(shape)) * np.dtype(descr).itemsize
    write_zip(path, members)
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    chunk = bytes(1 << 20)
    parts, crc, left = [compressor.compress(header)], zlib.crc32(header), nbytes
    while left:
        piece = chunk[:min(left, len(chunk))]
        parts.append(compressor.compress(piece))
        crc = zlib.crc32(piece, crc)
        left -= len(piece)
    parts.append(compressor.flush())
    compressed = b"".join(parts)
    with zipfile.ZipFile(path, "a") as zf:
        info = zipfile.ZipInfo(name + ".npy", date_time=(1980, 1, 1, 0, 0, 0))
        info.compress_type = zipfile.ZIP_DEFLATED
        # write the already-deflated stream as is: zipfile has no public way, so go through the
        # raw writer with the sizes and CRC filled in by hand
        info.file_size = len(header) + nbytes
        info.compress_size = len(compressed)
        info.CRC = crc
        zf.fp.seek(zf.start_dir)
        info.header_offset = zf.start_dir
        zf.fp.write(info.FileHeader(False))
        zf.fp.write(compressed)
        zf.start_dir = zf.fp.tell()
        zf.filelist.append(info)
        zf.NameToInfo[info.filename] = info
        zf._didModify = True
    return path.stat().st_size

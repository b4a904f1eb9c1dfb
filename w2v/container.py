"""The one layout of every array file w2v writes: a zip of ``.npy`` members and a JSON header.

>>> write_container("m.npz", NGRAM_LAYOUT, {"order": 3}, {"keys_1": keys})   # doctest: +SKIP
>>> with open_container("m.npz", NGRAM_LAYOUT) as box:
...     order = box.meta_int("order", minimum=1)
...     keys = box.array("keys_1", kinds="i", shape=(None,))

Native vectors (:mod:`w2v.vectors_io`), n-gram models (:mod:`w2v.ngram.persist`) and trainer
states (:mod:`w2v.models.state`) are all this container, so they share one way of writing and one
way of reading:

- **Writing** is atomic (:func:`w2v.fileio.atomic_write`), never pickles, and *stores* every
  member (no compression) with its data 64-byte aligned, so any array can be memory-mapped in
  place (:meth:`Container.map_array`). The archive opens with :func:`numpy.load` too.
- **The header** is the member ``meta.npy``: UTF-8 JSON bytes (``uint8``) of an object holding at
  least ``"format"`` (which :class:`Layout`) and ``"version"``. Trainer states written before the
  container (release fa23423) named it ``meta_json.npy``; that name is still read.
- **The version rule**: ``version`` is an integer from 1 to the layout's version; a newer one
  asks for a newer w2v, anything else is a damaged file.
- **Reading checks before it allocates.** Each member's ``.npy`` header is read first and its
  dtype (numeric only), shape and size are checked against what the caller expects (sizes the
  JSON header implies) and against the zip entry: a stored member must hold exactly its bytes,
  a deflated one (w2v never writes them, ``np.savez_compressed`` does) may expand to at most what
  its ``.npy`` header declares, no more than deflate can produce from its compressed size, and no
  more than the memory available. A decompression bomb is refused before it is expanded.
- **The errors**: every defect is one :class:`~w2v.errors.ModelFormatError` line naming the file,
  the member or header field, and what is wrong with it.
"""
from __future__ import annotations

import io
import json
import os
import shutil
import struct
import tempfile
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from w2v._memory import available_memory
from w2v.errors import ModelFormatError
from w2v.fileio import atomic_write, check_model_file, open_descriptor_named

#: name of the JSON header member
META = "meta"
#: every member's data starts at a multiple of this many bytes in the file
ALIGNMENT = 64
#: deflate cannot expand a stream by more than about 1032:1; with headers, a little more
_DEFLATE_MAX_RATIO = 1100
# private zip extra-field id that pads a local header so that the member data is aligned
_PAD_EXTRA_ID = 0xD935
_READ_CHUNK = 1 << 24
_MISSING = object()


@dataclass(frozen=True)
class Layout:
    """What one kind of container file is called and how it is recognised.

    Attributes
    ----------
    format : str
        The ``"format"`` value of its JSON header.
    version : int
        The newest layout version this w2v writes and reads (older ones are read too).
    what : str
        How messages name such a file ("vector file").
    title : str
        What the file is, for "is not a ..." messages ("w2v vector file").
    remedy : str
        What the user can do about a damaged file.
    legacy_meta : tuple of str
        Older names of the header member, still read.
    """

    format: str
    version: int
    what: str
    title: str
    remedy: str
    legacy_meta: tuple = ()


# ---------------------------------------------------------------------------------- writing

def write_container(path: str | os.PathLike, layout: Layout, meta: dict, arrays: dict) -> None:
    """Write ``meta`` and ``arrays`` to ``path`` atomically as one stored, aligned ``.npz``.

    Parameters
    ----------
    path : str or PathLike
        Destination, used as given (no suffix is added); its folder must exist. A device or a
        pipe (``/dev/null``, a FIFO) gets the finished file copied into it.
    layout : Layout
        Sets the header's ``format`` and ``version``.
    meta : dict
        JSON-serialisable header fields (``format`` and ``version`` are added).
    arrays : dict of str to np.ndarray
        Numeric arrays (any shape); written in this order after the header.
    """
    doc = {"format": layout.format, "version": layout.version, **meta}
    members = {META: np.frombuffer(json.dumps(doc).encode("utf-8"), dtype=np.uint8)}
    for name, array in arrays.items():
        array = np.asarray(array)
        if array.dtype.hasobject or array.dtype.kind not in "biufc":
            raise TypeError(f"container member {name!r} has dtype {array.dtype}; only numbers are stored")
        if name == META or name in layout.legacy_meta:
            raise ValueError(f"container member name {name!r} is reserved for the header")
        members[name] = array
    target = Path(path)
    if (target.exists() and not target.is_file()) or open_descriptor_named(target) is not None:
        # a device or a pipe (/dev/null, /dev/stdout, a FIFO): zipfile takes its offsets from
        # tell(), which such a target does not keep (always 0 for /dev/null, and a pipe cannot
        # seek back to finish a member's header), and an open descriptor may be past its start:
        # build the file aside, then copy it in
        with tempfile.TemporaryFile(prefix="w2v-container-") as tmp:
            _write_zip(tmp, members)
            tmp.seek(0)
            with atomic_write(path, "wb") as f:
                shutil.copyfileobj(tmp, f)
        return
    with atomic_write(path, "wb") as f:
        _write_zip(f, members)


def _write_zip(f, members: dict) -> None:
    """The container's zip (uncompressed ``.npy`` members, ``members`` by name) into the seekable
    binary file ``f``."""
    with zipfile.ZipFile(f, "w", compression=zipfile.ZIP_STORED, allowZip64=True) as zf:
        for name, array in members.items():
            _write_member(zf, name + ".npy", array)


def _write_member(zf: zipfile.ZipFile, name: str, array: np.ndarray) -> None:
    array = np.ascontiguousarray(array)
    header = io.BytesIO()
    np.lib.format.write_array_header_1_0(header, np.lib.format.header_data_from_array_1_0(array))
    info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
    info.compress_type = zipfile.ZIP_STORED
    info.file_size = len(header.getvalue()) + array.nbytes
    zip64 = info.file_size >= 0xFFFFFFFF
    # pad the local header with an ignorable extra field so that the array data (after the .npy
    # header, whose length numpy keeps a multiple of 64) starts aligned; zipfile appends a
    # 20-byte zip64 field after ours for members of 4 GB or more
    start = zf.fp.tell() + 30 + len(name.encode()) + 4 + (20 if zip64 else 0)
    pad = -(start + len(header.getvalue())) % ALIGNMENT
    info.extra = struct.pack("<HH", _PAD_EXTRA_ID, pad) + b"\0" * pad
    with zf.open(info, "w", force_zip64=zip64) as out:
        out.write(header.getvalue())
        out.write(memoryview(array.reshape(-1)).cast("B"))


# ---------------------------------------------------------------------------------- reading

def open_container(path: str | os.PathLike, layout: Layout) -> "Container":
    """Open a container file, check its header, and return it for reading members.

    Parameters
    ----------
    path : str or PathLike
    layout : Layout
        The kind of file expected.

    Returns
    -------
    Container
        Use it as a context manager (it keeps the file open).

    Raises
    ------
    ModelFormatError
        The file is missing, unreadable, not a zip, not this layout, of an unknown version, or
        its header is not a JSON object.
    """
    p = check_model_file(path, layout.what)
    try:
        zf = zipfile.ZipFile(p)
    except (zipfile.BadZipFile, EOFError, OSError, ValueError) as err:
        if isinstance(err, PermissionError):
            raise ModelFormatError(f"{layout.what} {str(p)!r} cannot be read: permission denied; "
                                   "check its permissions") from None
        raise ModelFormatError(f"{layout.what} {str(p)!r} is damaged: not a readable zip archive, "
                               f"corrupt or truncated ({err}); {layout.remedy}") from None
    box = Container(p, layout, zf)
    try:
        box._read_meta()
    except BaseException:
        zf.close()
        raise
    return box


@dataclass
class _Member:
    name: str
    info: zipfile.ZipInfo
    dtype: np.dtype
    shape: tuple
    fortran: bool
    header_size: int

    @property
    def nbytes(self) -> int:
        return int(np.prod(self.shape, dtype=object)) * self.dtype.itemsize


class Container:
    """An open container file: its JSON header and checked access to its members.

    Attributes
    ----------
    path : Path
    layout : Layout
    meta : dict
        The JSON header (``format`` and ``version`` already checked).
    version : int
        The file's layout version.
    names : list of str
        Member names without ``.npy``, the header excluded, in file order.
    """

    def __init__(self, path: Path, layout: Layout, zf: zipfile.ZipFile):
        self.path = path
        self.layout = layout
        self._zf = zf
        self._infos = {}
        for info in zf.infolist():
            if info.filename.endswith(".npy"):
                self._infos[info.filename[:-4]] = info
        self.meta: dict = {}
        self.version = 0
        self._meta_name = META
        self.names: list[str] = []

    def __enter__(self) -> "Container":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        self._zf.close()

    # -- errors
    def error(self, problem: str) -> ModelFormatError:
        """A one-line error naming the file, saying ``problem`` and the layout's remedy."""
        return ModelFormatError(f"{self.layout.what} {str(self.path)!r} is damaged: {problem}; "
                                f"{self.layout.remedy}")

    def require(self, condition, problem: str) -> None:
        """Raise :meth:`error` (``problem``) unless ``condition`` holds."""
        if not condition:
            raise self.error(problem)

    # -- header
    def _read_meta(self) -> None:
        layout = self.layout
        name = next((n for n in (META, *layout.legacy_meta) if n in self._infos), None)
        if name is None:
            raise ModelFormatError(f"{layout.what} {str(self.path)!r} is not a {layout.title} "
                                   f"(no {META}.npy header among its members); {layout.remedy}")
        self._meta_name = name
        raw = self.array(name, dtype=np.uint8, shape=(None,)).tobytes()
        try:
            meta = json.loads(raw.decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as err:
            raise self.error(f"its {name} header is not UTF-8 JSON ({_short(str(err), 80)})") from None
        self.require(isinstance(meta, dict), f"its {name} header is a JSON {type(meta).__name__}, not an object")
        if meta.get("format") != layout.format:
            raise ModelFormatError(f"{layout.what} {str(self.path)!r} is not a {layout.title} "
                                   f"(format {str(meta.get('format'))[:40]!r}); {layout.remedy}")
        version = meta.get("version")
        if type(version) is int and version > layout.version:
            raise ModelFormatError(f"{layout.what} {str(self.path)!r} has {layout.title} version {version}, "
                                   f"this w2v reads versions up to {layout.version}: upgrade w2v")
        self.require(type(version) is int and version >= 1,
                     f"header field 'version' must be an integer from 1 to {layout.version}, "
                     f"got {_short(version)}")
        self.meta = meta
        self.version = version
        self.names = [n for n in self._infos if n != name]

    def has(self, key: str) -> bool:
        """Whether the JSON header holds ``key``."""
        return key in self.meta

    def meta_value(self, key: str, types: tuple, described: str, default: Any = _MISSING):
        """Header field ``key``, checked to be one of ``types`` (``described`` in messages)."""
        if key not in self.meta:
            if default is not _MISSING:
                return default
            raise self.error(f"header field {key!r} is missing")
        value = self.meta[key]
        ok = isinstance(value, types) and not (isinstance(value, bool) and bool not in types)
        self.require(ok, f"header field {key!r} must be {described}, got {_short(value)}")
        return value

    def meta_int(self, key: str, minimum: int | None = None, maximum: int | None = None,
                 default: Any = _MISSING) -> int:
        """Integer header field ``key`` within ``[minimum, maximum]``."""
        value = self.meta_value(key, (int,), "an integer", default)
        if value is default and key not in self.meta:
            return value
        if minimum is not None:
            self.require(value >= minimum, f"header field {key!r} must be at least {minimum}, got {value}")
        if maximum is not None:
            self.require(value <= maximum, f"header field {key!r} must be at most {maximum}, got {value}")
        return value

    def meta_name(self, key: str, known: tuple, what: str, default: Any = _MISSING):
        """Header field ``key``: null or one of the names ``known``; ``what`` names it in messages.

        Any other string is a name a newer w2v wrote and is refused as a newer version is: read
        as a name this w2v knows, the file would give other results without a word.
        """
        value = self.meta_value(key, (str, type(None)), "a name or null", default)
        if isinstance(value, str) and value not in known:
            raise ModelFormatError(f"{self.layout.what} {str(self.path)!r} names {what} {_short(value)}, which "
                                   f"this w2v does not know ({', '.join(known)}): a newer w2v wrote it; "
                                   "upgrade w2v")
        return value

    def meta_words(self, key: str = "words") -> list[str]:
        """Header field ``key``: a list of strings."""
        words = self.meta_value(key, (list,), "a list of words")
        bad = next((w for w in words if not isinstance(w, str)), _MISSING)
        self.require(bad is _MISSING, f"header field {key!r} must hold only strings, found {_short(bad)}")
        return words

    # -- members
    def has_member(self, name: str) -> bool:
        return name in self._infos and name != self._meta_name

    def _member(self, name: str) -> _Member:
        info = self._infos.get(name)
        if info is None:
            raise self.error(f"member {name}.npy is missing")
        if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise self.error(f"member {name}.npy uses zip compression method {info.compress_type}; "
                             "only stored or deflated members are read")
        try:
            with self._zf.open(info) as f:
                version = np.lib.format.read_magic(f)
                reader = (np.lib.format.read_array_header_1_0 if version == (1, 0)
                          else np.lib.format.read_array_header_2_0)
                shape, fortran, dtype = reader(f, max_header_size=10_000)
                header_size = f.tell()
        except PermissionError:
            raise
        except (ValueError, TypeError, SyntaxError, OSError, EOFError, zipfile.BadZipFile, RuntimeError) as err:
            raise self.error(f"member {name}.npy has no valid .npy header ({_short(str(err), 80)})") from None
        return _Member(name, info, dtype, tuple(shape), bool(fortran), header_size)

    def _check_member(self, m: _Member, kinds: str, dtype, shape, allocating: bool = True) -> None:
        name = f"member {m.name}.npy"
        self.require(not m.dtype.hasobject and m.dtype.kind in "biuf" and m.dtype.fields is None
                     and m.dtype.subdtype is None,
                     f"{name} has dtype {m.dtype.str}, which holds no plain numbers")
        if dtype is not None:
            self.require(m.dtype.newbyteorder("=") == np.dtype(dtype).newbyteorder("="),
                         f"{name} has dtype {m.dtype.str}, expected {np.dtype(dtype).str}")
        elif kinds:
            self.require(m.dtype.kind in kinds, f"{name} has dtype {m.dtype.str}, expected "
                         + " or ".join(_KIND_NAMES[k] for k in kinds))
        if shape is not None:
            self.require(len(m.shape) == len(shape) and all(w is None or w == s for s, w in zip(m.shape, shape)),
                         f"{name} has shape {m.shape}, expected {_shape_text(shape)}")
        declared = m.header_size + m.nbytes
        info = m.info
        self.require(declared == info.file_size,
                     f"{name} declares {m.shape} {m.dtype.str} ({m.nbytes:,} bytes) but its zip entry "
                     f"holds {max(info.file_size - m.header_size, 0):,} bytes")
        if info.compress_type == zipfile.ZIP_DEFLATED:
            self.require(info.file_size <= _DEFLATE_MAX_RATIO * info.compress_size + 4096,
                         f"{name} claims to expand from {info.compress_size:,} to {info.file_size:,} "
                         "bytes, more than deflate can produce")
        available = available_memory() if allocating else m.nbytes
        self.require(m.nbytes <= available,
                     f"{name} would need {m.nbytes / 2 ** 30:.1f} GiB, more than the "
                     f"{available / 2 ** 30:.1f} GiB of memory available")

    def array(self, name: str, kinds: str = "", shape: tuple | None = None, dtype=None) -> np.ndarray:
        """Read member ``name`` after checking its header.

        Parameters
        ----------
        name : str
            Member name without ``.npy``.
        kinds : str
            Allowed dtype kinds (``"f"`` float, ``"i"`` signed, ``"u"`` unsigned, ``"b"`` bool);
            empty: any numeric kind.
        shape : tuple of (int or None), optional
            Expected shape; ``None`` entries match any length. Checked before any data is read.
        dtype : dtype, optional
            Exact dtype expected (any byte order).

        Returns
        -------
        np.ndarray
            In native byte order, C-contiguous unless the file stored it Fortran-ordered.
        """
        m = self._member(name)
        self._check_member(m, kinds, dtype, shape)
        native = m.dtype.newbyteorder("=")
        out = np.empty(m.shape[::-1] if m.fortran else m.shape, dtype=m.dtype)
        view = memoryview(out.reshape(-1)).cast("B") if out.size else memoryview(b"")
        try:
            if m.info.compress_type == zipfile.ZIP_STORED:
                filled = self._read_stored(m, view)
            else:
                with self._zf.open(m.info) as f:
                    f.seek(m.header_size)
                    filled = _fill(f, view)
        except (OSError, EOFError, zipfile.BadZipFile, ValueError) as err:
            raise self.error(f"member {name}.npy cannot be read, corrupt or truncated ({_short(str(err), 80)})") from None
        self.require(filled == len(view), f"member {name}.npy is truncated")
        if m.fortran:
            out = out.T
        if m.dtype != native:
            out = out.astype(native)
        return out

    def map_array(self, name: str, kinds: str = "", shape: tuple | None = None, dtype=None) -> np.memmap:
        """Memory-map member ``name`` read-only (it must be stored, not deflated); checks as :meth:`array`."""
        m = self._member(name)
        self._check_member(m, kinds, dtype, shape, allocating=False)
        if m.info.compress_type != zipfile.ZIP_STORED:
            raise self.error(f"member {name}.npy is compressed and cannot be memory-mapped; "
                             "re-save the file with w2v")
        with open(self.path, "rb") as f:
            offset = self._data_offset(m, f)
        if m.nbytes == 0:
            return np.zeros(m.shape, dtype=m.dtype)
        return np.memmap(self.path, dtype=m.dtype, mode="r", offset=offset, shape=m.shape,
                         order="F" if m.fortran else "C")


    def _data_offset(self, m: _Member, f) -> int:
        """Where the array data of stored member ``m`` starts in the file (open as ``f``)."""
        f.seek(m.info.header_offset)
        local = f.read(30)
        self.require(len(local) == 30 and local[:4] == b"PK\x03\x04",
                     f"the zip header of member {m.name}.npy is corrupt")
        name_len, extra_len = struct.unpack("<HH", local[26:30])
        offset = m.info.header_offset + 30 + name_len + extra_len + m.header_size
        self.require(offset + m.nbytes <= self.path.stat().st_size, f"member {m.name}.npy is truncated")
        return offset

    def _read_stored(self, m: _Member, view: memoryview) -> int:
        """Read a stored member's data straight into ``view`` (no copy through zipfile), then
        check the zip entry's CRC-32 as zipfile would."""
        with open(self.path, "rb", buffering=0) as f:
            offset = self._data_offset(m, f)
            f.seek(offset - m.header_size)
            crc = zlib.crc32(f.read(m.header_size))
            filled = _fill(f, view)
        crc = zlib.crc32(view[:filled], crc)
        self.require(crc == m.info.CRC, f"member {m.name}.npy fails its CRC-32 check: the file is corrupt")
        return filled


def _fill(f, view: memoryview) -> int:
    """Read from ``f`` into ``view`` until it is full or ``f`` ends; the bytes read."""
    filled = 0
    while filled < len(view):
        got = f.readinto(view[filled:filled + _READ_CHUNK])
        if not got:
            break
        filled += got
    return filled


_KIND_NAMES = {"f": "floats", "i": "signed integers", "u": "unsigned integers", "b": "booleans"}


def _shape_text(shape: tuple) -> str:
    return "(" + ", ".join("any" if w is None else str(w) for w in shape) + ("," if len(shape) == 1 else "") + ")"


def _short(value, width: int = 40) -> str:
    text = repr(value)
    return text if len(text) <= width else text[:width] + "..."

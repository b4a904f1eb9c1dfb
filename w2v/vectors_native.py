"""w2v's native vector format: a :mod:`w2v.container` file (an uncompressed zip of ``.npy`` members
read without pickle), whose vectors can be memory-mapped in place.

>>> from w2v.vectors_native import read_native, write_native        # doctest: +SKIP
>>> write_native("small.npz", words, vectors, counts)
>>> words, vectors, counts = read_native("small.npz", mmap=True)

The layout (members, header fields) is described in :mod:`w2v.vectors_io`, which reads and writes
every format through :func:`~w2v.vectors_io.read_vectors` and :func:`~w2v.vectors_io.write_vectors`.
"""
from __future__ import annotations

import numpy as np

from w2v.container import Layout, open_container, write_container
from w2v.errors import ModelFormatError
from w2v.fileio import shown_name

#: the native format: a :mod:`w2v.container` file
NATIVE_LAYOUT = Layout(format="w2v-keyed-vectors", version=1, what="vector file", title="w2v vector file",
                       remedy="re-save it with KeyedVectors.save")


def write_native(path, words, vectors, counts) -> None:
    """Write ``words`` (list of str, length V), ``vectors`` (float32, V x d, C order) and ``counts``
    (int64 (V,) or None) to ``path`` atomically, as a :mod:`w2v.container` file."""
    vocab_size, dim = vectors.shape
    text = "".join(words)
    offsets = np.zeros(vocab_size + 1, dtype=np.int64)
    np.cumsum([len(w) for w in words], out=offsets[1:])
    meta = {"vocab_size": int(vocab_size), "dim": int(dim), "has_counts": counts is not None}
    members = {
        "vectors": vectors,
        "words_utf8": np.frombuffer(text.encode("utf-8", errors="surrogatepass"), dtype=np.uint8),
        "word_offsets": offsets,
    }
    if counts is not None:
        members["counts"] = np.ascontiguousarray(counts, dtype=np.int64)
    write_container(path, NATIVE_LAYOUT, meta, members)


def read_native(path, limit: int | None = None, mmap: bool = False):
    """Read a native vector file: (words, vectors float32 (n, d), counts int64 (n,) or None).

    Every member and header field is checked before use; ``limit`` keeps the first ``limit`` words,
    ``mmap`` maps the vectors read-only instead of reading them. The vectors' values are not
    checked here (the caller checks that they are finite).
    """
    with open_container(path, NATIVE_LAYOUT) as box:
        missing = [m for m in ("vectors", "words_utf8", "word_offsets") if not box.has_member(m)]
        if missing:
            raise ModelFormatError(f"{shown_name(path)}: not a w2v vector file (members {missing} missing); "
                                   "save vectors with KeyedVectors.save")
        vocab_size = box.meta_int("vocab_size", minimum=0)
        dim = box.meta_int("dim", minimum=1)
        if vocab_size == 0:
            # not damaged (an empty KeyedVectors saves so), but refused as the word2vec readers
            # refuse a "0 DIM" header: nothing could be queried in it
            raise ModelFormatError(f"{shown_name(path)}: header field 'vocab_size' says 0 words of {dim} dimensions; "
                                   "the file holds no vectors")
        has_counts = box.meta_value("has_counts", (bool,), "true or false")
        box.require(has_counts == box.has_member("counts"),
                    f"header field 'has_counts' is {has_counts} but the counts member is "
                    + ("missing" if has_counts else "present"))
        offsets = box.array("word_offsets", kinds="iu", shape=(vocab_size + 1,))
        blob = box.array("words_utf8", dtype=np.uint8, shape=(None,))
        try:
            text = blob.tobytes().decode("utf-8", errors="surrogatepass")
        except UnicodeDecodeError as err:
            raise box.error(f"member words_utf8.npy is not UTF-8 (byte {err.start})") from None
        box.require(offsets[0] == 0 and offsets[-1] == len(text),
                    f"member word_offsets.npy must run from 0 to {len(text)} (the characters of "
                    f"words_utf8), runs from {offsets[0]} to {offsets[-1]}")
        falls = np.flatnonzero(np.diff(offsets) < 0)
        if falls.size:
            raise box.error(f"member word_offsets.npy must not decrease, it does after entry {int(falls[0])}")
        counts = None
        if has_counts:
            counts = box.array("counts", kinds="iu", shape=(vocab_size,)).astype(np.int64, copy=False)
            box.require(not np.any(counts < 0), "member counts.npy holds negative counts")
        read = box.map_array if mmap else box.array
        vectors = read("vectors", dtype=np.float32, shape=(vocab_size, dim))
        n = vocab_size if limit is None else min(limit, vocab_size)
        bounds = offsets[:n + 1].tolist()
        words = [text[a:b] for a, b in zip(bounds[:-1], bounds[1:])]
        vectors = vectors[:n]
    return words, vectors, (None if counts is None else counts[:n])

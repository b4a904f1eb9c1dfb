"""The shared .npz + JSON container: round trips, alignment, numpy compatibility, the version rule."""
import json
import zipfile

import numpy as np
import pytest

from w2v.container import Layout, open_container, write_container
from w2v.finite import first_non_finite
from w2v.errors import ModelFormatError

LAYOUT = Layout(format="w2v-test", version=2, what="test file", title="w2v test file", remedy="write it again",
                legacy_meta=("old_meta",))

ARRAYS = {
    "floats": np.linspace(-1, 1, 12, dtype=np.float32).reshape(3, 4),
    "doubles": np.array([np.inf, -np.inf, 0.5]),
    "ints": np.arange(7, dtype=np.int64),
    "bytes": np.frombuffer("naïve".encode(), dtype=np.uint8),
    "empty": np.zeros((0, 5), dtype=np.int32),
    "big_endian": np.arange(5, dtype=">i4"),
    "fortran": np.asfortranarray(np.arange(6, dtype=np.float64).reshape(2, 3)),
}


def test_round_trip_keeps_every_value_shape_and_dtype(tmp_path):
    path = tmp_path / "c.npz"
    write_container(path, LAYOUT, {"words": ["a", "b"], "n": 3}, ARRAYS)
    with open_container(path, LAYOUT) as box:
        assert box.meta == {"format": "w2v-test", "version": 2, "words": ["a", "b"], "n": 3}
        assert box.names == list(ARRAYS)
        for name, array in ARRAYS.items():
            back = box.array(name)
            np.testing.assert_array_equal(back, array)
            assert back.shape == array.shape and back.dtype.kind == array.dtype.kind
            assert back.dtype.isnative
    # numpy reads it as an ordinary .npz, without pickle
    with np.load(path, allow_pickle=False) as npz:
        assert json.loads(npz["meta"].tobytes())["n"] == 3
        np.testing.assert_array_equal(npz["fortran"], ARRAYS["fortran"])


def test_members_are_stored_and_aligned_for_memory_mapping(tmp_path):
    path = tmp_path / "c.npz"
    write_container(path, LAYOUT, {}, ARRAYS)
    with zipfile.ZipFile(path) as zf:
        assert all(info.compress_type == zipfile.ZIP_STORED for info in zf.infolist())
    with open_container(path, LAYOUT) as box:
        for name in ("floats", "ints", "bytes", "doubles"):
            mapped = box.map_array(name)
            assert mapped.offset % 64 == 0, name
            np.testing.assert_array_equal(mapped, ARRAYS[name])


def test_written_atomically_and_never_pickled(tmp_path):
    with pytest.raises(TypeError, match="only numbers"):
        write_container(tmp_path / "o.npz", LAYOUT, {}, {"objects": np.array([{"a": 1}], dtype=object)})
    assert list(tmp_path.iterdir()) == []


def test_version_rule(tmp_path):
    path = tmp_path / "c.npz"
    for version, ok in [(1, True), (2, True), (3, False), (0, False), ("2", False), (None, False),
                        (True, False), (2.0, False)]:
        with zipfile.ZipFile(path, "w") as zf:
            with zf.open("meta.npy", "w") as f:
                np.lib.format.write_array(f, np.frombuffer(json.dumps(
                    {"format": "w2v-test", "version": version}).encode(), dtype=np.uint8))
        if ok:
            with open_container(path, LAYOUT) as box:
                assert box.version == version
        else:
            with pytest.raises(ModelFormatError, match="upgrade w2v" if version == 3 else "version"):
                open_container(path, LAYOUT)


def test_the_legacy_header_name_is_read(tmp_path):
    path = tmp_path / "c.npz"
    np.savez(path, old_meta=np.frombuffer(b'{"format": "w2v-test", "version": 1, "x": 5}', dtype=np.uint8),
             a=np.arange(3), f=ARRAYS["fortran"], b=ARRAYS["big_endian"])
    with open_container(path, LAYOUT) as box:
        assert box.meta["x"] == 5 and box.names == ["a", "f", "b"]
        np.testing.assert_array_equal(box.array("f"), ARRAYS["fortran"])   # numpy kept it Fortran-ordered
        np.testing.assert_array_equal(box.array("b"), np.arange(5))


def test_declared_expectations_are_checked_before_reading(tmp_path):
    path = tmp_path / "c.npz"
    write_container(path, LAYOUT, {"n": -1, "name": 3}, ARRAYS)
    with open_container(path, LAYOUT) as box:
        with pytest.raises(ModelFormatError, match=r"member floats.npy has shape \(3, 4\), expected \(3, 5\)"):
            box.array("floats", shape=(3, 5))
        with pytest.raises(ModelFormatError, match="member ints.npy has dtype <i8, expected floats"):
            box.array("ints", kinds="f")
        with pytest.raises(ModelFormatError, match="expected <f4"):
            box.array("doubles", dtype=np.float32)
        with pytest.raises(ModelFormatError, match="member nothing.npy is missing"):
            box.array("nothing")
        with pytest.raises(ModelFormatError, match="'n' must be at least 0, got -1"):
            box.meta_int("n", minimum=0)
        with pytest.raises(ModelFormatError, match="'name' must be a list of words, got 3"):
            box.meta_words("name")
        assert box.meta_int("absent", default=7) == 7


def test_first_non_finite_row():
    values = np.zeros((10, 3))
    assert first_non_finite(values) == -1
    values[6, 2] = np.nan
    values[8, 0] = -np.inf
    assert first_non_finite(values, block_rows=4) == 6
    assert first_non_finite(np.array([1.0, np.inf])) == 1


def test_a_header_nested_too_deep_for_json_is_a_format_error(tmp_path):
    path = tmp_path / "c.npz"
    np.savez(path, meta=np.frombuffer(b"[" * 200_000 + b"]" * 200_000, dtype=np.uint8))
    with pytest.raises(ModelFormatError, match="not UTF-8 JSON"):
        open_container(path, LAYOUT)


def test_a_flipped_byte_in_stored_data_fails_the_checksum(tmp_path):
    path = tmp_path / "c.npz"
    write_container(path, LAYOUT, {}, {"floats": np.full(1000, 0.25, dtype=np.float32)})
    data = bytearray(path.read_bytes())
    at = data.index(np.float32(0.25).tobytes() * 4) + 1000
    data[at] ^= 0x01
    path.write_bytes(bytes(data))
    with open_container(path, LAYOUT) as box:
        with pytest.raises(ModelFormatError, match="CRC-32"):
            box.array("floats")


def test_a_device_or_a_pipe_gets_a_whole_container(tmp_path):
    # /dev/null's tell() is always 0: the zip's offsets came out wrong and writing ended in
    # "struct.error: argument out of range"
    import os
    import threading

    write_container("/dev/null", LAYOUT, {"n": 1}, {"a": np.zeros(3)})
    write_container("/dev/null", LAYOUT, {"words": ["w"] * 500}, ARRAYS)
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    received = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_bytes()))
    reader.start()
    write_container(fifo, LAYOUT, {"n": 2}, ARRAYS)
    reader.join(timeout=60)
    copy = tmp_path / "copy.npz"
    copy.write_bytes(received[0])
    with open_container(copy, LAYOUT) as box:
        assert box.meta["n"] == 2
        for name, array in ARRAYS.items():
            np.testing.assert_array_equal(box.array(name), array)

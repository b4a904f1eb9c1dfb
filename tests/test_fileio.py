"""atomic_write leaves either the whole new file or the old one; open_binary decompresses."""
import bz2
import gzip
import lzma
import os

import pytest

from w2v.errors import CorpusError
from w2v.fileio import atomic_write, check_readable, open_binary


def test_atomic_write_replaces_whole_file(tmp_path):
    target = tmp_path / "model.txt"
    target.write_text("old")
    with atomic_write(target, "w") as f:
        f.write("new content")
    assert target.read_text() == "new content"
    assert [p.name for p in tmp_path.iterdir()] == ["model.txt"]


def test_atomic_write_keeps_old_file_on_error(tmp_path):
    target = tmp_path / "model.bin"
    target.write_bytes(b"old")
    with pytest.raises(RuntimeError):
        with atomic_write(target, "wb") as f:
            f.write(b"half")
            raise RuntimeError("interrupted")
    assert target.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["model.bin"], "temporary file left behind"


def test_atomic_write_missing_folder_is_user_error(tmp_path):
    with pytest.raises(CorpusError, match="does not exist"):
        with atomic_write(tmp_path / "nope" / "x.bin"):
            pass


@pytest.mark.parametrize("suffix,opener", [(".gz", gzip.open), (".bz2", bz2.open), (".xz", lzma.open), ("", open)])
def test_open_binary_decompresses_by_extension(tmp_path, suffix, opener):
    path = tmp_path / f"corpus.txt{suffix}"
    with opener(path, "wb") as f:
        f.write("héllo wörld\n".encode())
    with open_binary(path) as f:
        assert f.read().decode() == "héllo wörld\n"


@pytest.mark.parametrize("suffix", [".gz", ".bz2", ".xz"])
def test_open_binary_of_zero_bytes_under_a_compressed_name_is_a_truncated_file(tmp_path, suffix):
    # gzip.open reads 0 bytes as an empty text, bz2 and lzma as a stream cut short: gzip itself
    # ("unexpected end of file") agrees with the two others
    from w2v.fileio import decompression_errors

    path = tmp_path / f"empty.txt{suffix}"
    path.write_bytes(b"")
    with pytest.raises(CorpusError, match="corrupt or truncated"):
        with decompression_errors(path, "corpus"), open_binary(path) as f:
            f.read()
    path.write_bytes(gzip.compress(b"") if suffix == ".gz" else bz2.compress(b"") if suffix == ".bz2"
                     else lzma.compress(b""))
    with open_binary(path) as f:           # a compressed empty text is no damage
        assert f.read() == b""


def test_check_readable_messages(tmp_path):
    with pytest.raises(CorpusError, match="does not exist"):
        check_readable(tmp_path / "missing.txt", "corpus")
    with pytest.raises(CorpusError, match="is a folder"):
        check_readable(tmp_path, "corpus")


def test_atomic_write_gives_normal_permissions(tmp_path):
    import os
    target = tmp_path / "vectors.txt"
    with atomic_write(target, "w") as f:
        f.write("x")
    umask = os.umask(0)
    os.umask(umask)
    assert target.stat().st_mode & 0o777 == 0o666 & ~umask


def test_decompression_errors_name_the_file(tmp_path):
    from w2v.errors import ModelFormatError
    from w2v.fileio import decompression_errors, open_binary

    data = gzip.compress(b"hello world\n" * 1000)
    (tmp_path / "t.gz").write_bytes(data[:len(data) // 2])
    with pytest.raises(ModelFormatError, match=r"vector file '.*t.gz' cannot be read \(.*\): the file is "
                                               "corrupt or truncated"):
        with decompression_errors(tmp_path / "t.gz", "vector file", ModelFormatError):
            open_binary(tmp_path / "t.gz").read()
    with pytest.raises(ValueError):  # anything else passes through untouched
        with decompression_errors(tmp_path / "t.gz"):
            raise ValueError("not mine")


@pytest.mark.skipif(not os.path.isdir("/proc/self/fd"), reason="needs Linux's /proc")
def test_probe_atomic_write_leaves_nothing_and_fails_where_no_file_can_be_made(tmp_path):
    from w2v.fileio import probe_atomic_write

    (tmp_path / "kept.txt").write_text("keep me")
    probe_atomic_write(tmp_path / "kept.txt")
    probe_atomic_write(tmp_path / "new.bin")
    probe_atomic_write(os.devnull)  # a device is written into at the end, never replaced: nothing to probe
    assert sorted(os.listdir(tmp_path)) == ["kept.txt"] and (tmp_path / "kept.txt").read_text() == "keep me"
    with pytest.raises(OSError):
        probe_atomic_write("/proc/x.bin")  # /proc takes no new file, even from root


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs named pipes")
def test_probe_atomic_write_does_not_open_a_pipe(tmp_path):
    # opening a pipe waits for its reader, and closing it ends the reader's stream (``-o >(gzip > v.gz)``
    # would see an empty file before training starts): a pipe is written into at the end, not probed
    import threading

    from w2v.fileio import probe_atomic_write

    fifo = tmp_path / "out.fifo"
    os.mkfifo(fifo)
    probing = threading.Thread(target=probe_atomic_write, args=(fifo,), daemon=True)
    probing.start()
    probing.join(timeout=5)
    if probing.is_alive():  # unblock the thread (and fail): a reader ends its open()
        with open(fifo, "rb"):
            pass
    assert not probing.is_alive()


def test_check_regular_file_refuses_devices_and_fifos_without_opening_them(tmp_path):
    """Side files (questions, word pairs, classes, ...) are read whole: /dev/zero never ends and a
    FIFO without a writer never answers, so both are refused by their type, before any read."""
    from fifos import released_fifo
    from w2v.errors import ModelFormatError
    from w2v.fileio import check_regular_file

    with pytest.raises(CorpusError, match=r"^--pairs '/dev/zero' is not a regular file but a device"):
        check_regular_file("/dev/zero", "--pairs")
    with released_fifo(tmp_path / "q.fifo") as fifo:
        with pytest.raises(ModelFormatError, match=r"is not a regular file but a pipe \(FIFO\)"):
            check_regular_file(fifo, "questions file", ModelFormatError)
    with pytest.raises(CorpusError, match="is a folder"):
        check_regular_file(tmp_path, "classes file")
    with pytest.raises(CorpusError, match="does not exist"):
        check_regular_file(tmp_path / "missing.txt", "classes file")
    (tmp_path / "ok.txt").write_text("a 1\n")
    assert check_regular_file(str(tmp_path / "ok.txt"), "classes file") == tmp_path / "ok.txt"


def test_decompression_errors_tell_a_system_error_from_bad_data(tmp_path):
    import bz2
    import errno
    import lzma
    import zlib

    from w2v.errors import CorpusError
    from w2v.fileio import decompression_errors

    # the decompressors' errors: gzip raises a plain OSError (errno None) in some Python versions
    bad_data = [gzip.BadGzipFile("Not a gzipped file (b'x\\n')"), OSError("Not a gzipped file"),
                OSError("Invalid data stream"), EOFError("Compressed file ended before the end-of-stream marker"),
                zlib.error("invalid stored block lengths"), lzma.LZMAError("Input format not supported")]
    for err in bad_data:
        with pytest.raises(CorpusError, match="corrupt or truncated"):
            with decompression_errors("c.gz", "corpus"):
                raise err
    (tmp_path / "x.bz2").write_bytes(b"hello")
    with pytest.raises(CorpusError, match="corrupt or truncated"):
        with decompression_errors(tmp_path / "x.bz2", "corpus"):
            bz2.open(tmp_path / "x.bz2").read()
    # the system's errors say what they are
    for code in (errno.ENOENT, errno.ELOOP, errno.EIO, errno.EISDIR):
        with pytest.raises(CorpusError) as caught:
            with decompression_errors("c.txt", "corpus"):
                raise OSError(code, os.strerror(code), "c.txt")
        message = str(caught.value)
        assert "corrupt" not in message and os.strerror(code) in message and "'c.txt'" in message, message


def test_words_are_read_back_as_written_lone_surrogates_too():
    from w2v.fileio import WORD_DECODE_ERRORS, WORD_ENCODE_ERRORS

    words = "a \udcff b\ud800c \ud83d\ude42 \U0001f642 naïve"  # a pair of lone surrogates stays two
    data = words.encode("utf-8", WORD_ENCODE_ERRORS)
    assert data == words.encode("utf-8", "surrogatepass")  # the binary and native formats' bytes
    assert data.decode("utf-8", WORD_DECODE_ERRORS) == words
    # any other invalid UTF-8 is still one U+FFFD per invalid sequence, as "replace" gives
    for bad in (b"\xff", b"a\xc3", b"\xed\xb3", b"\xed\xb3x", b"\xe2\x82", b"\xf0\x9f\x99", b"\xc0\xaf"):
        assert bad.decode("utf-8", WORD_DECODE_ERRORS) == bad.decode("utf-8", "replace")
    assert (b"\xff\xed\xb3\xbf\xfe").decode("utf-8", WORD_DECODE_ERRORS) == "\ufffd\udcff\ufffd"
    assert (b"\xef\xbb\xbf\xed\xa0\x80").decode("utf-8-sig", WORD_DECODE_ERRORS) == "\ud800"


def test_atomic_write_passes_its_errors_to_a_text_file(tmp_path):
    target = tmp_path / "words.txt"
    with atomic_write(target, "w", errors="surrogatepass") as f:
        f.write("\udcff\n")
    assert target.read_bytes() == b"\xed\xb3\xbf\n"
    with pytest.raises(ValueError, match="text mode"):
        with atomic_write(target, "wb", errors="surrogatepass"):
            pass

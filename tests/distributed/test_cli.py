"""``w2v train --local-cluster N``: an ordinary vector file and state (through a real subprocess, which
starts and stops its Dask cluster), and one-line errors."""
import contextlib
import os
import signal
import subprocess
import sys
import time

import numpy as np
import pytest

pytest.importorskip("distributed")

from cli_runner import run_cli  # noqa: E402
from w2v.corpus.demo import write_demo_corpus  # noqa: E402
from w2v.models.word2vec import Word2Vec  # noqa: E402
from w2v.vectors import KeyedVectors  # noqa: E402


def w2v(*args):
    return subprocess.run([sys.executable, "-m", "w2v", *map(str, args)], capture_output=True, text=True,
                          timeout=180)


def test_local_cluster_writes_vectors_and_a_resumable_state(tmp_path):
    corpus, _ = write_demo_corpus(tmp_path, n_tokens=30_000, seed=2)
    made = run_cli("phrases", corpus, "-o", tmp_path / "phrased.txt", "--save-model", tmp_path / "phrases.npz",
                   "--threshold", "5", "--min-count", "3", "--quiet")
    assert made.returncode == 0, made.stderr
    # given as a file:// URL, which the workers read through fsspec as they would s3://, and with
    # phrases joined on the workers
    out = w2v("train", corpus.as_uri(), "-o", tmp_path / "v.bin", "--local-cluster", "2", "--round-words", "5000",
              "--dim", "16", "--epochs", "2", "--save-state", tmp_path / "run.npz", "--quiet",
              "--phrases", tmp_path / "phrases.npz")
    assert out.returncode == 0, out.stderr
    assert "Traceback" not in out.stderr
    vectors = KeyedVectors.load(tmp_path / "v.bin")
    assert any("_" in w for w in vectors.words)
    state = Word2Vec.load_state(tmp_path / "run.npz")
    assert vectors.vectors.shape == (len(state.vocab_), 16)
    assert state.epochs_trained_ == 2 and [h["workers"] for h in state.history_] == [2, 2]


def test_a_url_corpus_without_a_cluster_is_a_one_line_error(tmp_path):
    out = run_cli("train", "s3://bucket/corpus.txt", "-o", tmp_path / "v.bin")
    assert out.returncode == 2 and "--local-cluster" in out.stderr and "Traceback" not in out.stderr
    assert not (tmp_path / "v.bin").exists()


def test_scheduler_and_local_cluster_exclude_each_other(tmp_path):
    corpus, _ = write_demo_corpus(tmp_path, n_tokens=2_000, seed=2)
    out = run_cli("train", corpus, "-o", tmp_path / "v.bin", "--local-cluster", "2", "--scheduler", "tcp://x:1")
    assert out.returncode == 2 and "not allowed with" in out.stderr


def test_an_unreachable_scheduler_is_a_one_line_error():
    from w2v.distributed import ClusterError, open_client

    with pytest.raises(ClusterError) as err:
        with open_client("tcp://127.0.0.1:9", timeout=1):
            pass
    assert "could not reach the Dask scheduler" in str(err.value) and "\n" not in str(err.value)


@pytest.mark.parametrize("verbose", [False, True], ids=["quiet", "verbose"])
def test_a_local_clusters_own_errors_reach_stderr_only_when_verbose(capfd, monkeypatch, verbose):
    import logging

    from w2v.distributed import open_client

    if verbose:  # ``w2v -v`` sets the root logger to INFO
        monkeypatch.setattr(logging.getLogger(), "level", logging.INFO)
    def log_a_dask_error():  # nested: pickled by value, so a worker need not import this test module
        import logging

        # what a worker logs when the scheduler closes under a heartbeat at shutdown (a known race of
        # Dask's): an ERROR with a traceback on the worker process's stderr
        logging.getLogger("distributed.worker").error("probe: failed to communicate with scheduler")

    with open_client(local_workers=1) as client:
        client.run(log_a_dask_error)
    assert ("probe: failed" in capfd.readouterr().err) == verbose


def test_a_local_cluster_says_nothing_when_port_8787_is_taken(capfd):
    # the scheduler serves its HTTP routes even without a dashboard, at 8787 by default: with that
    # port taken (another cluster's dashboard) Dask warned on stderr, and chose another port anyway
    import socket
    import warnings

    from w2v.distributed import open_client

    holder = socket.socket()
    with contextlib.suppress(OSError):   # already taken by something else: the case to test all the same
        holder.bind(("", 8787))
        holder.listen()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            with open_client(local_workers=1) as client:
                assert client.submit(sum, [1, 2]).result() == 3
    finally:
        holder.close()
    assert "8787" not in capfd.readouterr().err


@pytest.mark.parametrize("address", ["garbage", "foo://host:8786", "tcp://host:notaport", "tcp://127.0.0.1:99999"])
def test_a_malformed_scheduler_address_is_a_one_line_usage_error(tmp_path, address):
    """``--scheduler garbage`` printed Dask's 50-line traceback ending in a ValueError."""
    corpus, _ = write_demo_corpus(tmp_path, n_tokens=2_000, seed=2)
    out = run_cli("train", corpus, "-o", tmp_path / "v.bin", "--scheduler", address, "--quiet")
    assert out.returncode == 2, (out.returncode, out.stderr)
    assert "Traceback" not in out.stderr and len(out.stderr.strip().splitlines()) == 1, out.stderr
    assert f"scheduler address {address!r} is malformed" in out.stderr and "tcp://" in out.stderr
    assert not (tmp_path / "v.bin").exists()


class _NoCluster(Exception):
    """Raised by the stand-in for LocalCluster: nothing is started."""


@pytest.fixture
def no_local_cluster(monkeypatch):
    """Replace distributed.LocalCluster by a stand-in that records ``n_workers`` and starts nothing
    (the bug under test would start 100,000 processes)."""
    import distributed

    asked = []

    def refuse(*args, n_workers=None, **kwargs):
        asked.append(n_workers)
        raise _NoCluster(f"LocalCluster(n_workers={n_workers})")

    monkeypatch.setattr(distributed, "LocalCluster", refuse)
    return asked


def test_local_cluster_is_capped_like_workers(tmp_path, no_local_cluster):
    corpus, _ = write_demo_corpus(tmp_path, n_tokens=2_000, seed=2)
    out = run_cli("train", corpus, "-o", tmp_path / "v.bin", "--local-cluster", "100000", "--quiet")
    assert no_local_cluster == []
    assert out.returncode == 2 and "Traceback" not in out.stderr, out.stderr
    assert "--local-cluster" in out.stderr and "at most 1,024" in out.stderr and "100000" in out.stderr
    # the cap itself is allowed (the stand-in then refuses to start it)
    run_cli("train", corpus, "-o", tmp_path / "v.bin", "--local-cluster", "1024", "--quiet")
    assert no_local_cluster == [1024]


@pytest.mark.parametrize("kind", ["-", "named pipe"])
def test_a_corpus_only_this_process_reads_is_refused_before_the_cluster_starts(tmp_path, no_local_cluster, kind):
    # "-" was refused only once the cluster had started (seconds, and its processes, for nothing)
    from fifos import released_fifo

    with contextlib.ExitStack() as stack:
        corpus = "-" if kind == "-" else str(stack.enter_context(released_fifo(tmp_path / "c.fifo")))
        out = run_cli("train", corpus, "-o", tmp_path / "v.bin", "--local-cluster", "2", "--quiet",
                      stdin=b"a b c\n" * 100)
    assert no_local_cluster == []
    assert out.returncode == 2 and "Traceback" not in out.stderr and len(out.stderr.splitlines()) == 1, out.stderr
    assert "only this process reads" in out.stderr
    assert ("standard input" in out.stderr) == (kind == "-")


def test_open_client_caps_local_workers(no_local_cluster):
    from w2v.distributed import open_client
    from w2v.errors import ParameterError

    with pytest.raises(ParameterError, match="local_workers=100000 is invalid: must be at most 1,024"):
        with open_client(local_workers=100_000):
            pass
    assert no_local_cluster == []


def test_an_address_of_another_dask_transport_is_left_to_dask():
    # ucx:// (a transport Dask knows) has no host:port form its parser takes: not "malformed" here
    import distributed

    from w2v.distributed.cluster import _check_address

    _check_address(distributed, "ucx://10.0.0.5:13337")
    _check_address(distributed, "inproc://10.0.0.5/1234/1")


@contextlib.contextmanager
def _not_a_scheduler(reply: bytes | None):
    """A TCP server on a free local port that accepts connections and answers each with ``reply``
    (an HTTP error, say) or, if None, never answers: a port where no Dask scheduler listens."""
    import socket
    import threading

    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(8)
    server.settimeout(0.2)
    stop, held = threading.Event(), []

    def serve():
        while not stop.is_set():
            try:
                conn, _ = server.accept()
            except OSError:
                continue
            held.append(conn)
            if reply is not None:
                conn.sendall(reply)

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield f"tcp://127.0.0.1:{server.getsockname()[1]}"
    finally:
        stop.set()
        thread.join(5)
        for conn in held:
            conn.close()
        server.close()


def _open_client_outcome(address, timeout):
    """What ``open_client(address)`` raised, run in a thread that the test gives up on (rather than
    hanging) after ``timeout * 5`` seconds: the exception, or "hang"."""
    import threading

    from w2v.distributed import open_client

    outcome = []

    def attempt():
        try:
            with open_client(address, timeout=timeout):
                outcome.append(None)
        except BaseException as err:  # noqa: BLE001 - the test asserts what it was
            outcome.append(err)

    thread = threading.Thread(target=attempt, daemon=True)
    thread.start()
    thread.join(timeout * 5)
    return outcome[0] if outcome else "hang"


@pytest.mark.parametrize("reply", [None, b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n" * 4],
                         ids=["silent", "http"])
def test_a_port_where_no_dask_scheduler_listens_is_a_one_line_error_not_a_hang(reply):
    """A silent server there hung ``w2v train --scheduler`` for ever (Dask's handshake has no
    timeout); an HTTP server's answer was read as a frame length: a MemoryError traceback."""
    from w2v.distributed import ClusterError

    with _not_a_scheduler(reply) as address:
        outcome = _open_client_outcome(address, timeout=1)
    assert outcome != "hang"
    assert isinstance(outcome, ClusterError), repr(outcome)
    assert "not answer as a Dask scheduler" in str(outcome) and address in str(outcome)
    assert "\n" not in str(outcome)


def test_a_malformed_address_of_another_dask_transport_is_a_one_line_usage_error():
    """``--scheduler inproc://x`` (left to Dask's parser) ended in a ValueError traceback."""
    from w2v.distributed import ClusterError

    outcome = _open_client_outcome("inproc://x", timeout=1)
    assert isinstance(outcome, ClusterError) and outcome.exit_code == 2, repr(outcome)
    assert "'inproc://x' is malformed" in str(outcome)


@pytest.mark.parametrize("resume", [False, True], ids=["fit", "resume"])
def test_round_words_without_a_cluster_is_refused_like_other_options_that_do_nothing(tmp_path, resume):
    """--round-words in a single-process run was accepted and did nothing."""
    corpus, _ = write_demo_corpus(tmp_path, n_tokens=2_000, seed=2)
    state = tmp_path / "run.npz"
    if resume:
        made = run_cli("train", corpus, "-o", tmp_path / "first.bin", "--dim", "8", "--epochs", "1", "--quiet",
                       "--save-state", state)
        assert made.returncode == 0, made.stderr
    more = ["--resume", state] if resume else ["--dim", "8", "--epochs", "1"]
    out = run_cli("train", corpus, "-o", tmp_path / "v.bin", "--round-words", "5000", "--quiet", *more)
    assert out.returncode == 2, (out.returncode, out.stderr)
    assert "--round-words does nothing without --scheduler or --local-cluster" in out.stderr
    assert not (tmp_path / "v.bin").exists()


def _start_training(tmp_path, epochs=500):
    """``w2v -v train --local-cluster 2`` in a session of its own, once training has started: the
    process and the stderr lines read so far."""
    corpus, _ = write_demo_corpus(tmp_path, n_tokens=100_000, seed=3)
    proc = subprocess.Popen([sys.executable, "-m", "w2v", "-v", "train", str(corpus), "-o", str(tmp_path / "v.bin"),
                             "--local-cluster", "2", "--epochs", str(epochs), "--dim", "16", "--quiet",
                             "--save-state", str(tmp_path / "run.npz")],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True)
    seen = []
    while not any("distributed training of" in line for line in seen[-1:]):
        seen.append(proc.stderr.readline())
        assert seen[-1] or proc.poll() is None, "".join(seen)
    return proc, seen


def _stopped(proc, seen, timeout=60) -> str:
    """All of the process's stderr once it ended (killed, and the test failed, after ``timeout`` s)."""
    try:
        _, rest = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.communicate()
        pytest.fail(f"w2v train did not stop within {timeout} s of the signal")
    return "".join(seen) + rest


def _session_processes(sid: int) -> list:
    """The processes of session ``sid`` still running (Linux's /proc; zombies are not running)."""
    found = []
    for entry in os.listdir("/proc"):
        try:
            with open(f"/proc/{entry}/stat") as stat:
                fields = stat.read().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if fields[0] != "Z" and int(fields[3]) == sid:
            found.append(int(entry))
    return found


# a terminal sends Ctrl-C's SIGINT to its whole foreground process group: the local cluster's worker
# processes too, not only the client (which is all the API's tests interrupt); a service manager
# sends SIGTERM to the whole group
@pytest.mark.parametrize("signum, delay, said", [(signal.SIGINT, 0.0, "interrupted"), (signal.SIGINT, 1.0, "interrupted"),
                                                 (signal.SIGTERM, 1.0, "terminated")],
                         ids=["ctrl-c-as-training-starts", "ctrl-c-mid-training", "sigterm-mid-training"])
def test_a_signal_to_the_process_group_stops_the_local_cluster_cleanly_and_keeps_what_was_trained(
        tmp_path, signum, delay, said):
    proc, seen = _start_training(tmp_path)
    time.sleep(delay)
    sent = time.monotonic()
    os.killpg(proc.pid, signum)
    stderr = _stopped(proc, seen)
    assert proc.returncode == 128 + signum, stderr
    assert time.monotonic() - sent < 20, stderr   # all 500 epochs would take many minutes
    assert f"{said} after" in stderr and "saved what was trained" in stderr, stderr
    if signum == signal.SIGINT:
        # no worker's KeyboardInterrupt traceback, no worker lost, the last combined round fetched
        # (not "no traceback": with -v, Dask's own ERROR of a known shutdown race may carry one)
        assert "KeyboardInterrupt" not in stderr, stderr
        assert "lost worker" not in stderr and "could not fetch" not in stderr, stderr
    model = Word2Vec.load_state(tmp_path / "run.npz")
    assert model.epochs_trained_ < 500 and np.isfinite(model.wv_.vectors).all()
    assert np.isfinite(KeyedVectors.load(tmp_path / "v.bin").vectors).all()


@pytest.mark.skipif(not os.path.isdir("/proc/self"), reason="finds the worker processes through Linux's /proc")
@pytest.mark.parametrize("second", [0.05, 0.3])
def test_ctrl_c_twice_still_saves_and_leaves_no_process_behind(tmp_path, second):
    # the second Ctrl-C lands while the last round is fetched or while the cluster closes
    proc, seen = _start_training(tmp_path)
    time.sleep(1.0)
    sent = time.monotonic()
    os.killpg(proc.pid, signal.SIGINT)
    time.sleep(second)
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGINT)
    stderr = _stopped(proc, seen)
    assert proc.returncode == 130 and time.monotonic() - sent < 8, stderr
    assert "interrupted after" in stderr and "saved what was trained" in stderr, stderr
    deadline = time.monotonic() + 5   # the workers end as the client closes the cluster
    while _session_processes(proc.pid) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert _session_processes(proc.pid) == []
    assert np.isfinite(KeyedVectors.load(tmp_path / "v.bin").vectors).all()


def _children(pid: int, marker: str) -> list:
    """Processes whose parent is ``pid`` and whose command line holds ``marker`` (Linux's /proc)."""
    found = []
    for entry in os.listdir("/proc"):
        try:
            with open(f"/proc/{entry}/stat") as stat:
                ppid = int(stat.read().rsplit(")", 1)[1].split()[1])
            with open(f"/proc/{entry}/cmdline", "rb") as cmdline:
                command = cmdline.read()
        except (OSError, ValueError, IndexError):
            continue
        if ppid == pid and marker.encode() in command:
            found.append(int(entry))
    return found


@pytest.mark.skipif(not os.path.isdir("/proc/self"), reason="finds the worker processes through Linux's /proc")
def test_ctrl_c_in_a_terminal_while_the_local_cluster_starts_is_a_clean_stop(tmp_path):
    # the worker processes are in the terminal's process group from their first instruction: a
    # Ctrl-C while they import Dask stopped each with a traceback, and the cluster failed to close
    corpus, _ = write_demo_corpus(tmp_path, n_tokens=30_000, seed=3)
    proc = subprocess.Popen([sys.executable, "-m", "w2v", "train", str(corpus), "-o", str(tmp_path / "v.bin"),
                             "--local-cluster", "2", "--epochs", "5", "--dim", "16", "--quiet"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True)
    deadline = time.monotonic() + 60
    while not _children(proc.pid, "spawn_main") and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.005)
    os.killpg(proc.pid, signal.SIGINT)
    try:
        _, stderr = proc.communicate(timeout=60)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.communicate()
        pytest.fail("w2v train did not stop within 60 s of Ctrl-C")
    assert proc.returncode == 130, stderr
    assert "Traceback" not in stderr and "KeyboardInterrupt" not in stderr, stderr
    assert stderr.strip().splitlines()[-1] == "w2v train: interrupted before training started; nothing written"
    assert not (tmp_path / "v.bin").exists()

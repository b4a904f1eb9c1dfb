"""A failed test that used the LocalCluster ``client`` fixture reports the cluster's recent log lines.

The cluster's processes write to the stderr they inherited when the module's fixture started them,
which pytest shows (if at all) with another test; so a failure caused by the cluster itself (a worker
gone, the client's connection closed) would otherwise leave no trace of why.
"""
import concurrent.futures

import pytest

#: seconds to wait for the logs: a broken cluster must not hang the report
_LOG_TIMEOUT = 10.0
#: log lines kept per process
_LINES = 40


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    client = getattr(item, "funcargs", {}).get("client")
    if report.when == "call" and report.failed and hasattr(client, "get_worker_logs"):
        report.sections.append(("Dask cluster logs", _cluster_logs(client)))


def _cluster_logs(client) -> str:
    """The client's status, then the scheduler's, nannies' and workers' last log lines, oldest first."""
    def gather():
        parts = {"scheduler": client.get_scheduler_logs(n=_LINES)}
        for address, lines in client.get_worker_logs(n=_LINES, nanny=True).items():
            parts[f"nanny {address}"] = lines
        for address, lines in client.get_worker_logs(n=_LINES).items():
            parts[f"worker {address}"] = lines
        return parts

    head = f"client status: {client.status}"
    pool = concurrent.futures.ThreadPoolExecutor(1)
    try:
        parts = pool.submit(gather).result(timeout=_LOG_TIMEOUT)
    except Exception as err:  # noqa: BLE001 - a closed client or a dead scheduler: say so instead
        return f"{head}\n(no logs: {type(err).__name__}: {err})"
    finally:
        pool.shutdown(wait=False)
    lines = [head]
    for source, records in parts.items():
        lines.append(f"-- {source}")
        lines.extend(f"{level} {message}" for level, message in reversed(records))
    return "\n".join(lines)

"""The Dask helper: serial paths and bad input; the local workers' log filter."""

import logging

import pytest

from aucluster import parallel
from aucluster.errors import ParameterError


def _square(x, offset=0):
    return x * x + offset


def test_one_worker_runs_in_this_process():
    assert sorted(parallel.map_unordered(_square, [1, 2, 3], workers=1, offset=1)) == [
        (0, 2),
        (1, 5),
        (2, 10),
    ]


def test_default_falls_back_to_serial_without_dask(monkeypatch):
    monkeypatch.setattr(parallel, "dask_available", lambda: False)
    assert dict(parallel.map_unordered(_square, [4, 5])) == {0: 16, 1: 25}


def test_explicit_workers_without_dask_is_a_clear_error(monkeypatch):
    monkeypatch.setattr(parallel, "dask_available", lambda: False)
    with pytest.raises(parallel.DaskMissingError, match="aucluster\\[parallel\\]"):
        list(parallel.map_unordered(_square, [1], workers=2))


def test_bad_worker_count():
    with pytest.raises(ParameterError, match="workers"):
        list(parallel.map_unordered(_square, [1], workers=0))


def _record(message: str, exc: BaseException | None) -> logging.LogRecord:
    exc_info = (type(exc), exc, None) if exc is not None else None
    return logging.LogRecord("distributed.worker", logging.ERROR, "", 0, message, (), exc_info)


def test_a_heartbeat_cut_by_the_closing_scheduler_is_dropped_other_failures_are_kept():
    pytest.importorskip("distributed")
    from distributed.comm.core import CommClosedError

    from aucluster._dask_worker import ClosedSchedulerHeartbeat

    keep = ClosedSchedulerHeartbeat().filter
    heartbeat = "Failed to communicate with scheduler during heartbeat."
    assert not keep(_record(heartbeat, CommClosedError("Stream is closed")))
    assert keep(_record(heartbeat, ConnectionRefusedError("refused")))  # not a closing
    assert keep(_record(heartbeat, TimeoutError("timed out")))
    assert keep(_record(heartbeat, None))
    assert keep(_record("Compute Failed", CommClosedError("Stream is closed")))


def _heartbeat_filtered() -> bool:
    from aucluster._dask_worker import ClosedSchedulerHeartbeat

    log = logging.getLogger("distributed.worker")
    return any(isinstance(f, ClosedSchedulerHeartbeat) for f in log.filters)


@pytest.mark.slow
def test_only_local_workers_drop_the_closing_heartbeat():
    """The local cluster's workers carry the filter; batch jobs' workers, whose scheduler is
    not this process, are given the other settings without it."""
    pytest.importorskip("distributed")
    from aucluster._dask_worker import LOCAL_KEY

    results = parallel.map_unordered(lambda _: _heartbeat_filtered(), [0, 1], workers=2)
    assert [flag for _, flag in results] == [True, True]
    assert LOCAL_KEY not in parallel.WORKER_CONFIG  # what worker_environment() exports
    assert not _heartbeat_filtered()  # not in this process either

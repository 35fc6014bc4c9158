"""The Dask helper: serial paths and bad input."""

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

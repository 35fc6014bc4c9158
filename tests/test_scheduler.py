"""A real Dask scheduler with two workers on 127.0.0.1 (the `dask scheduler` and `dask worker`
command lines, as a user starts them on a cluster): an ensemble and a stability table sent to
it equal the local ones; a worker killed with SIGKILL mid-ensemble costs nothing but time; the
scheduler going away is one Error line, exit 2, and the rerun keeps what was finished
(issue 22, items 1-2)."""

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from aucluster.cli import main

pytest.importorskip("distributed")
pytestmark = pytest.mark.slow

SCENARIO = Path(__file__).parents[1] / "workflows" / "attachment.toml"


def _start(*args, log: Path) -> subprocess.Popen:
    with open(log, "w") as handle:
        return subprocess.Popen(
            [sys.executable, "-m", "dask", *args],
            stdout=handle,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own group: killed alone, and with everything it started
        )


def _stop(process: subprocess.Popen, sig=signal.SIGKILL) -> None:
    if process.poll() is None:
        os.killpg(process.pid, sig)
    process.wait(timeout=60)


def _address(scheduler_file: Path) -> str | None:
    """The scheduler's address once its file is written whole."""
    try:
        return json.loads(scheduler_file.read_text())["address"]
    except (OSError, ValueError, KeyError):
        return None


class Cluster:
    """`dask scheduler` and two `dask worker` processes (no nanny: a killed worker is gone)."""

    def __init__(self, root: Path) -> None:
        self.root = root
        file = root / "scheduler.json"
        file.unlink(missing_ok=True)  # a former scheduler's
        self.scheduler = _start(
            "scheduler", "--host", "127.0.0.1", "--port", "0", "--no-dashboard",
            "--scheduler-file", str(file), log=root / "scheduler.log",
        )  # fmt: skip
        deadline = time.monotonic() + 60
        while (address := _address(file)) is None:
            assert self.scheduler.poll() is None, (root / "scheduler.log").read_text()
            assert time.monotonic() < deadline, "the scheduler did not start"
            time.sleep(0.1)
        self.address = address
        worker = ["worker", self.address, "--nthreads", "1", "--no-nanny", "--no-dashboard",
                  "--preload", "aucluster._dask_worker"]  # fmt: skip
        self.workers = [
            _start(*worker, "--name", f"w{i}", log=root / f"worker{i}.log") for i in range(2)
        ]
        self.wait_for_workers(2)

    def wait_for_workers(self, n: int) -> None:
        from distributed import Client

        with Client(self.address, timeout="30s") as client:
            client.wait_for_workers(n, timeout=60)

    def close(self) -> None:
        for process in (*self.workers, self.scheduler):
            _stop(process)


@pytest.fixture
def cluster(tmp_path):
    root = tmp_path / "dask"
    root.mkdir()
    started = Cluster(root)
    yield started
    started.close()


def _invoke(*args) -> str:
    result = CliRunner().invoke(main, [str(a) for a in args])
    assert result.exit_code == 0, result.output
    return result.output


def _ensemble(out: Path, *where) -> str:
    _invoke("run", SCENARIO, "--smoke", "--replicas", "2", "-o", out, *where)
    return (out / "ensemble.csv").read_text()


@pytest.fixture(scope="module")
def local(tmp_path_factory) -> str:
    """ensemble.csv of the two smoke replicas run in this process: what every remote run
    must reproduce."""
    return _ensemble(tmp_path_factory.mktemp("local") / "ensemble", "--workers", "1")


def test_an_ensemble_and_a_table_on_a_scheduler_equal_the_local_ones(cluster, local, tmp_path):
    assert _ensemble(tmp_path / "remote", "--scheduler", cluster.address) == local

    table = ["stability", "--potential", "emt", "--motifs", "icosahedron,octahedron",
             "--max-atoms", "80"]  # fmt: skip
    _invoke(*table, "--workers", "1", "--db", tmp_path / "l.db", "--csv", tmp_path / "l.csv")
    _invoke(*table, "--scheduler", cluster.address, "--db", tmp_path / "r.db",
            "--csv", tmp_path / "r.csv")  # fmt: skip
    assert (tmp_path / "r.csv").read_text() == (tmp_path / "l.csv").read_text()


def _run_on(cluster, out: Path) -> tuple[subprocess.Popen, Path]:
    log = out.parent / f"{out.name}.log"
    with open(log, "w") as handle:
        process = subprocess.Popen(
            [sys.executable, "-m", "aucluster.cli", "run", str(SCENARIO), "--smoke",
             "--replicas", "2", "--scheduler", cluster.address, "-o", str(out)],
            stdout=handle, stderr=subprocess.STDOUT,
        )  # fmt: skip
    return process, log


def _wait_for_md(out: Path, process: subprocess.Popen) -> None:
    """Until both members' MD has written a few frames."""
    deadline = time.monotonic() + 300
    while True:
        logs = list(out.glob("member-*/md/log.csv"))
        if len(logs) == 2 and all(len(p.read_text().splitlines()) >= 3 for p in logs):
            return
        assert process.poll() is None, "the ensemble ended before its MD was under way"
        assert time.monotonic() < deadline
        time.sleep(0.05)


def test_a_worker_killed_mid_ensemble_costs_only_time(cluster, local, tmp_path):
    out = tmp_path / "remote"
    process, log = _run_on(cluster, out)
    _wait_for_md(out, process)
    _stop(cluster.workers[0])  # SIGKILL: its member is rescheduled on the other worker
    process.wait(timeout=600)
    assert process.returncode == 0, log.read_text()
    assert (out / "ensemble.csv").read_text() == local


def test_the_scheduler_going_away_is_one_error_line_and_the_rerun_finishes(
    cluster, local, tmp_path
):
    out = tmp_path / "remote"
    process, log = _run_on(cluster, out)
    _wait_for_md(out, process)
    cluster.close()  # scheduler and workers gone
    process.wait(timeout=600)
    output = log.read_text()
    assert process.returncode == 2, output
    last = output.strip().splitlines()[-1]
    assert last.startswith("Error:"), output
    assert cluster.address in last
    assert "Traceback" not in output
    assert not (out / "ensemble.csv").exists()
    # a new scheduler: the members continue from their checkpoints, and the result is the same
    again = Cluster(tmp_path / "dask")
    try:
        assert _ensemble(out, "--scheduler", again.address) == local
    finally:
        again.close()


def test_a_worker_killed_mid_table_leaves_the_table_unchanged(cluster, tmp_path):
    table = ["stability", "--potential", "emt", "--max-atoms", "250"]
    _invoke(*table, "--workers", "1", "--db", tmp_path / "l.db", "--csv", tmp_path / "l.csv")
    database = tmp_path / "r.db"
    log = tmp_path / "table.log"
    with open(log, "w") as handle:
        process = subprocess.Popen(
            [sys.executable, "-m", "aucluster.cli", *table, "--scheduler", cluster.address,
             "--db", str(database), "--csv", str(tmp_path / "r.csv")],
            stdout=handle, stderr=subprocess.STDOUT,
        )  # fmt: skip
    deadline = time.monotonic() + 120
    while not (database.exists() and database.stat().st_size > 0):  # tasks submitted
        assert process.poll() is None, log.read_text()
        assert time.monotonic() < deadline
        time.sleep(0.02)
    time.sleep(0.5)  # relaxations under way on both workers (~5 s of them in all)
    assert process.poll() is None, "the table was done before the worker was killed"
    _stop(cluster.workers[0])
    process.wait(timeout=600)
    assert process.returncode == 0, log.read_text()
    assert (tmp_path / "r.csv").read_text() == (tmp_path / "l.csv").read_text()

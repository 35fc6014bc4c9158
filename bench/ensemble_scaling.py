"""Wall time of one ensemble run three ways on this machine (docs/scaling.md): serially in
this process (the anchor), on a 2-worker LocalCluster, and on a `dask scheduler` with two
`dask worker` processes started from the command line (what a cluster user does); each
printed with its ratio to the serial run measured in the same invocation, and every way's
ensemble.csv checked identical to the serial one.

    python bench/ensemble_scaling.py [--replicas 4] [--scenario workflows/attachment.toml]
"""

import argparse
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _cli(*args: str) -> float:
    start = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "aucluster.cli", *args],
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    return time.perf_counter() - start


def _dask(*args: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "dask", *args],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )


def _scheduler(root: Path) -> tuple[str, list[subprocess.Popen]]:
    file = root / "scheduler.json"
    scheduler = _dask("scheduler", "--host", "127.0.0.1", "--port", "0", "--no-dashboard",
                      "--scheduler-file", str(file))  # fmt: skip
    while True:
        try:
            address = json.loads(file.read_text())["address"]
            break
        except (OSError, ValueError, KeyError):
            time.sleep(0.1)
    worker = ["worker", address, "--nthreads", "1", "--no-dashboard",
              "--preload", "aucluster._dask_worker"]  # fmt: skip
    workers = [_dask(*worker) for _ in range(2)]
    from distributed import Client

    with Client(address) as client:
        client.wait_for_workers(2, timeout=120)
    return address, [scheduler, *workers]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--replicas", type=int, default=4)
    parser.add_argument("--scenario", default=str(ROOT / "workflows" / "attachment.toml"))
    args = parser.parse_args()
    run = ["run", args.scenario, "--smoke", "--replicas", str(args.replicas)]
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        times = {"serial (anchor)": _cli(*run, "--workers", "1", "-o", str(root / "serial"))}
        times["LocalCluster, 2 workers"] = _cli(*run, "--workers", "2", "-o", str(root / "local"))
        address, processes = _scheduler(root)
        try:
            times["dask scheduler + 2 dask workers"] = _cli(
                *run, "--scheduler", address, "-o", str(root / "remote")
            )
        finally:
            for process in processes:
                os.killpg(process.pid, signal.SIGTERM)
                process.wait()
        reference = (root / "serial" / "ensemble.csv").read_text()
        for name in ("local", "remote"):
            assert (root / name / "ensemble.csv").read_text() == reference, name
    cores = len(os.sched_getaffinity(0))
    print(f"{args.replicas} smoke replicas of {Path(args.scenario).name}, {cores} cores; "
          "wall time including start-up, ensemble.csv identical all three ways")  # fmt: skip
    anchor = times["serial (anchor)"]
    for name, seconds in times.items():
        print(f"{name:34s} {seconds:6.1f} s   ratio {seconds / anchor:.2f}")


if __name__ == "__main__":
    main()

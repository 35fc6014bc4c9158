"""Wall time of the EMT stability table to N = 2000 from an empty database, on a Dask
LocalCluster of two workers against the same work done serially, in the same run.

Targets (issues 4 and 20): the two-worker table, with the complete decahedral grid (1,361
clusters to N = 2000), in ≤ 3 minutes, and ≥ 1.8× speed-up from the second core. Then a rerun
against the filled database, which must relax nothing. `--gupta-none` also times the
untruncated Gupta table (`--gupta-cutoff none`: every pair, ~1,300 neighbours per atom against
~40) on the same two workers, as a ratio to the EMT table of the same run.

    python bench/stability_table.py [--max-atoms 2000] [--keep DIR] [--gupta-none]

`--keep DIR` keeps the two-worker databases (DIR/stability_emt.db, DIR/stability_gupta_none.db)
for the data tables.
"""

import argparse
import tempfile
import time
from pathlib import Path

from aucluster.stability import bulk_reference, candidates, compute_table


def timed_table(
    path: Path, max_atoms: int, workers: int, dask: bool = False, **table
) -> tuple[float, int]:
    """Wall time and relaxations of the table; `dask` runs even one worker on a LocalCluster;
    `table` overrides the potential (EMT) and its settings."""
    table = {"potential": "emt", **table}
    start = time.perf_counter()
    if dask and workers == 1:
        from aucluster.parallel import _local_cluster

        with _local_cluster(1) as cluster:  # the same worker settings as the 2-worker run
            run = compute_table(
                path,
                **table,
                motifs="all",
                max_atoms=max_atoms,
                scheduler=cluster.scheduler_address,
            )
        return time.perf_counter() - start, run.relaxed
    run = compute_table(path, **table, motifs="all", max_atoms=max_atoms, workers=workers)
    return time.perf_counter() - start, run.relaxed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--max-atoms", type=int, default=2000)
    parser.add_argument("--keep", type=Path, help="directory to keep the two-worker database in")
    parser.add_argument(
        "--gupta-none", action="store_true", help="also time the untruncated Gupta table"
    )
    args = parser.parse_args()
    n = len(candidates("all", args.max_atoms))
    bulk_reference("emt")  # cached: neither timing pays for it
    with tempfile.TemporaryDirectory() as tmp:
        where = args.keep or Path(tmp)
        where.mkdir(parents=True, exist_ok=True)
        parallel_db = where / "stability_emt.db"
        parallel_db.unlink(missing_ok=True)
        t2, relaxed2 = timed_table(parallel_db, args.max_atoms, workers=2)
        t1, relaxed1 = timed_table(Path(tmp) / "serial.db", args.max_atoms, workers=1)
        t1d, _ = timed_table(Path(tmp) / "dask1.db", args.max_atoms, workers=1, dask=True)
        t_again, relaxed_again = timed_table(parallel_db, args.max_atoms, workers=2)
        if args.gupta_none:
            bulk_reference("gupta", "Au", "none")
            gupta_db = where / "stability_gupta_none.db"
            gupta_db.unlink(missing_ok=True)
            t_gupta, relaxed_gupta = timed_table(
                gupta_db, args.max_atoms, workers=2, potential="gupta", gupta_cutoff="none"
            )
    print(f"EMT table, {n} clusters of 13–{args.max_atoms} atoms, empty database")
    print(f"serial (1 process):        {t1:7.1f} s  ({relaxed1} relaxed)")
    print(f"Dask LocalCluster, 2 workers: {t2:7.1f} s  ({relaxed2} relaxed)  target ≤ 180 s")
    print(f"Dask LocalCluster, 1 worker:  {t1d:7.1f} s  (the same machinery on one core)")
    print(f"speed-up 2 workers / serial: {t1 / t2:.2f}  (target ≥ 1.8)")
    print(f"speed-up 2 workers / 1 Dask worker: {t1d / t2:.2f}")
    print(f"rerun on the filled database: {t_again:.1f} s, {relaxed_again} relaxed (must be 0)")
    if args.gupta_none:
        print(
            f"untruncated Gupta, 2 workers: {t_gupta:7.1f} s  ({relaxed_gupta} relaxed), "
            f"{t_gupta / t2:.2f}× the EMT table"
        )


if __name__ == "__main__":
    main()

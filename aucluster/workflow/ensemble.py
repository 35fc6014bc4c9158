"""Ensembles: replicas (seeds) and parameter sweeps of one scenario as Dask tasks.

Each member is a whole `run_scenario` in its own directory (``member-000`` …), so members
resume independently; the summary table `ensemble.csv` has one row per member with its seed,
swept values and key results. A LocalCluster by default, a scheduler address when given.
"""

import copy
import csv
import itertools
from pathlib import Path
from typing import Any

from aucluster.errors import ParameterError
from aucluster.parallel import map_unordered
from aucluster.store import atomic_output
from aucluster.store.files import make_output_dir
from aucluster.workflow.scenario import Scenario, scenario_from_dict

SUMMARY_COLUMNS = (
    "member",
    "seed",
    "sweep",
    "crystalline_fraction_first",
    "crystalline_fraction_last",
    "grains_first",
    "grains_last",
    "cloud_atoms_last",
    "detached_atoms",
    "attached_atoms",
    "first_coalescence_ps",
    "area_nm2_last",
    "mean_grey_last",
    "fft_verdict_last",
)


def parse_sweep(items) -> list[tuple[str, list[Any]]]:
    """``table.key=v1,v2,…`` (dotted path into the scenario, e.g. md.solvent.mu_eV) → values."""
    out = []
    for item in items:
        if "=" not in item:
            raise ParameterError(f"--sweep {item!r}: write table.key=value1,value2,…")
        key, values = item.split("=", 1)
        parsed = []
        for v in values.split(","):
            try:
                parsed.append(int(v) if v.strip().lstrip("-").isdigit() else float(v))
            except ValueError:
                raise ParameterError(f"--sweep {item!r}: {v!r} is not a number") from None
        out.append((key.strip(), parsed))
    return out


def _set(data: dict, dotted: str, value) -> None:
    *path, last = dotted.split(".")
    node = data
    for key in path:
        node = node.setdefault(key, {})
        if not isinstance(node, dict):
            raise ParameterError(f"--sweep {dotted!r}: {key!r} is not a table")
    node[last] = value


def members(scenario: Scenario, replicas: int, sweep) -> list[tuple[Scenario, str]]:
    """Every (scenario, sweep label): replicas × the product of the sweep values."""
    if int(replicas) != replicas or replicas < 1:
        raise ParameterError(f"--replicas {replicas!r}: must be an integer ≥ 1")
    grid = list(itertools.product(*[[(k, v) for v in vals] for k, vals in sweep])) or [()]
    out = []
    for point in grid:
        data = copy.deepcopy(scenario.to_dict())  # nested tables too: members never share them
        smoke = data.pop("smoke")
        for key, value in point:
            _set(data, key, value)
        label = " ".join(f"{k}={v}" for k, v in point)
        for r in range(int(replicas)):
            data["seed"] = scenario.seed + r
            member = scenario_from_dict(copy.deepcopy(data))
            out.append((Scenario(**{**member.to_dict(), "smoke": smoke}), label))
    return out


def _run_member(job) -> dict:
    from aucluster.workflow.pipeline import run_scenario
    from aucluster.workflow.report import _read_csv

    scenario, label, directory = job
    run_scenario(scenario, directory)
    out = Path(directory)
    frames = _read_csv(out / "analysis" / "frames.csv")
    events = _read_csv(out / "analysis" / "events.csv")
    measured = _read_csv(out / "measurements.csv")
    last_frame = max((int(r["frame"]) for r in measured), default=-1)
    last = [r for r in measured if int(r["frame"]) == last_frame]
    largest = max(last, key=lambda r: float(r["area_nm2"])) if last else None
    coal = [e for e in events if e["kind"] == "coalescence"]
    return {
        "member": out.name,
        "seed": scenario.seed,
        "sweep": label,
        "crystalline_fraction_first": frames[0]["crystalline_fraction"],
        "crystalline_fraction_last": frames[-1]["crystalline_fraction"],
        "grains_first": frames[0]["n_grains"],
        "grains_last": frames[-1]["n_grains"],
        "cloud_atoms_last": frames[-1]["n_cloud"],
        # atoms of expelled clusters are detach events too (analysis.events)
        "detached_atoms": sum(int(e["n_atoms"]) for e in events if e["kind"] == "detach"),
        "attached_atoms": sum(int(e["n_atoms"]) for e in events if e["kind"] == "attach"),
        "first_coalescence_ps": coal[0]["time_ps"] if coal else "",
        "area_nm2_last": largest["area_nm2"] if largest else "",
        "mean_grey_last": largest["mean_grey"] if largest else "",
        "fft_verdict_last": largest["fft_verdict"] if largest else "no particle",
    }


def run_ensemble(
    scenario: Scenario,
    out_dir: str | Path,
    *,
    replicas: int = 1,
    sweep=(),
    workers: int | None = None,
    scheduler: str | None = None,
    progress=None,
) -> Path:
    """Run every member (Dask tasks) and write `ensemble.csv`; returns its path."""
    if scenario.kind != "md":
        raise ParameterError("ensembles are for md scenarios (a stability table has no seed)")
    jobs = members(scenario, replicas, parse_sweep(sweep) if sweep else [])
    out = make_output_dir(out_dir)
    tasks = [(s, label, str(out / f"member-{i:03d}")) for i, (s, label) in enumerate(jobs)]
    rows: list[dict | None] = [None] * len(tasks)
    for index, row in map_unordered(_run_member, tasks, workers=workers, scheduler=scheduler):
        rows[index] = row
        if progress is not None:
            progress(1)
    path = out / "ensemble.csv"
    with atomic_output(path) as tmp, open(tmp, "w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=SUMMARY_COLUMNS)
        writer.writeheader()
        writer.writerows(r for r in rows if r is not None)
    return path

"""Ensembles: replicas (seeds) and parameter sweeps of one scenario as Dask tasks.

Each member is a whole `run_scenario` in its own directory (``member-000`` …), so members
resume independently; the summary table `ensemble.csv` has one row per member with its seed,
swept values and key results. A LocalCluster by default, a scheduler address when given.
"""

import copy
import itertools
from pathlib import Path
from typing import Any

from aucluster.compare import FFTVerdict
from aucluster.errors import ParameterError
from aucluster.parallel import BatchCluster, map_unordered
from aucluster.store import write_csv
from aucluster.store.files import check_output_dir, make_output_dir
from aucluster.workflow.pipeline import run_scenario
from aucluster.workflow.scenario import Scenario, ScenarioKind, scenario_from_dict
from aucluster.workflow.summary import summarise_run

SUMMARY_COLUMNS = (
    "member",
    "seed",
    "sweep",
    "crystalline_fraction_first",
    "crystalline_fraction_last",
    "interior_crystalline_fraction_first",
    "interior_crystalline_fraction_last",
    "grains_first",
    "grains_last",
    "cloud_atoms_last",
    "detached_atoms",
    "attached_atoms",
    "detach_rate_per_ps",
    "attach_rate_per_ps",
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
            out.append((scenario_from_dict(data, smoke_merged=smoke), label))
    return out


def _run_member(job) -> dict:
    scenario, label, directory = job
    run_scenario(scenario, directory)
    s = summarise_run(directory)
    last = s.last_particle
    return {
        "member": Path(directory).name,
        "seed": scenario.seed,
        "sweep": label,
        "crystalline_fraction_first": s.crystalline_fraction_first,
        "crystalline_fraction_last": s.crystalline_fraction_last,
        "interior_crystalline_fraction_first": s.interior_crystalline_fraction_first,
        "interior_crystalline_fraction_last": s.interior_crystalline_fraction_last,
        "grains_first": s.grains_first,
        "grains_last": s.grains_last,
        "cloud_atoms_last": s.cloud_atoms_last,
        "detached_atoms": s.detached_atoms,
        "attached_atoms": s.attached_atoms,
        "detach_rate_per_ps": s.detach_rate.per_ps,
        "attach_rate_per_ps": s.attach_rate.per_ps,
        "first_coalescence_ps": "" if s.first_coalescence_ps is None else s.first_coalescence_ps,
        "area_nm2_last": last.area_nm2 if last else "",
        "mean_grey_last": last.mean_grey if last else "",
        "fft_verdict_last": last.fft_verdict if last else FFTVerdict.NO_PARTICLE,
    }


def run_ensemble(
    scenario: Scenario,
    out_dir: str | Path,
    *,
    replicas: int = 1,
    sweep=(),
    workers: int | None = None,
    scheduler: "str | BatchCluster | None" = None,
    progress=None,
) -> Path:
    """Run every member (Dask tasks) and write `ensemble.csv`; returns its path."""
    if scenario.kind is not ScenarioKind.MD:
        raise ParameterError("ensembles are for md scenarios (a stability table has no seed)")
    jobs = members(scenario, replicas, parse_sweep(sweep) if sweep else [])
    out = check_output_dir(out_dir)
    tasks = [(s, label, str(out / f"member-{i:03d}")) for i, (s, label) in enumerate(jobs)]
    rows: list[dict | None] = [None] * len(tasks)
    # the pool first (workers checked, scheduler reached): a refusal leaves no directory
    results = map_unordered(_run_member, tasks, workers=workers, scheduler=scheduler)
    try:
        make_output_dir(out)
    except BaseException:
        results.close()
        raise
    for index, row in results:
        rows[index] = row
        if progress is not None:
            progress(1)
    return write_csv(out / "ensemble.csv", [r for r in rows if r is not None], SUMMARY_COLUMNS)

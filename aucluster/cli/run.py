"""`aucluster run SCENARIO.toml`: one scenario end to end (or an ensemble of it) into one
directory, with a report; run the same command again to resume after an interruption."""

import math
from pathlib import Path

import click

from aucluster.cli.options import MDProgress, scheduler_option, workers_option
from aucluster.errors import ParameterError
from aucluster.parallel import BatchCluster, check_workers
from aucluster.workflow import ScenarioKind, load_scenario, run_ensemble, run_scenario
from aucluster.workflow.claims import is_study_file, load_study, members, run_study
from aucluster.workflow.ensemble import parse_sweep


@click.command()
@click.argument("scenario_file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "-o",
    "--output",
    "out_dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="Run directory [default: results/NAME, or results/NAME-smoke].",
)
@click.option("--smoke", is_flag=True, help="The scenario's [smoke] size (seconds; what CI runs).")
@click.option(
    "--replicas",
    type=click.IntRange(min=1),
    default=1,
    show_default=True,
    help="Independent runs with seeds seed, seed+1, … (Dask tasks).",
)
@click.option(
    "--sweep",
    multiple=True,
    help="Parameter sweep, repeatable: TABLE.KEY=V1,V2,… (e.g. md.cloud.supersaturation=1,2).",
)
@workers_option
@scheduler_option
def run(
    scenario_file: Path,
    out_dir: Path | None,
    smoke: bool,
    replicas: int,
    sweep: tuple[str, ...],
    workers: int | None,
    scheduler: str | BatchCluster | None,
) -> None:
    """Build → MD → analysis → simulated movie → measurements → report for SCENARIO_FILE
    (workflows/*.toml). Interrupted? Run the same command again: finished stages are kept
    and the MD continues from its last checkpoint.

    A study file (kind = "study", e.g. workflows/claims.toml) runs every arm × temperature ×
    replica as its own run directory (Dask tasks, each resumable) and writes claims.csv,
    claims.png and claims.md (docs/claims.md)."""
    check_workers(workers)
    if is_study_file(scenario_file):
        _run_study(scenario_file, out_dir, smoke, replicas, sweep, workers, scheduler)
        return
    scenario = load_scenario(scenario_file, smoke=smoke)
    if out_dir is None:
        out_dir = Path("results") / (scenario.name + ("-smoke" if smoke else ""))
    if replicas > 1 or sweep:
        n_members = replicas * math.prod(len(values) for _, values in parse_sweep(sweep))
        with click.progressbar(length=n_members, label="ensemble members", show_pos=True) as bar:
            path = run_ensemble(
                scenario,
                out_dir,
                replicas=replicas,
                sweep=sweep,
                workers=workers,
                scheduler=scheduler,
                progress=bar.update,
            )
        click.echo(f"ensemble summary → {path}")
        return
    if scheduler is not None and scenario.kind is ScenarioKind.MD:
        given = f"--scheduler {scheduler}" if isinstance(scheduler, str) else "--cluster"
        raise ParameterError(
            f"{given}: a single MD run is one process here; a scheduler or batch jobs take "
            "ensembles (--replicas, --sweep), studies and stability scenarios"
        )
    observers = []
    progress = None
    if scenario.md is not None:
        settings = scenario.md
        progress = MDProgress("md", settings.total_steps, settings.sample_interval)
        observers = [(progress, settings.sample_interval)]
    try:
        result = run_scenario(
            scenario,
            out_dir,
            scheduler=scheduler,
            workers=workers,
            log=lambda msg: click.echo(msg, err=True),
            md_observers=observers,
        )
    finally:
        if progress is not None:
            progress.close()
    click.echo(f"report → {result.report} (and report.html)")


def _run_study(path, out_dir, smoke, replicas, sweep, workers, scheduler) -> None:
    if replicas != 1 or sweep:
        raise ParameterError(
            "--replicas and --sweep do not apply to a study: its file sets replicas and arms"
        )
    study = load_study(path, smoke=smoke)
    if out_dir is None:
        out_dir = Path("results") / (study.name + ("-smoke" if smoke else ""))
    n = len(members(study, Path(out_dir)))
    with click.progressbar(length=n, label="study members", show_pos=True) as bar:
        result = run_study(
            study, out_dir, workers=workers, scheduler=scheduler, progress=bar.update
        )
    click.echo(f"claims → {result.claims_csv} (and claims.md, claims.png)")

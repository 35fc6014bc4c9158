"""`aucluster run SCENARIO.toml`: one scenario end to end (or an ensemble of it) into one
directory, with a report; run the same command again to resume after an interruption."""

import math
from pathlib import Path

import click

from aucluster.cli.options import MDProgress, scheduler_option, workers_option
from aucluster.workflow import load_scenario, run_ensemble, run_scenario
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
    type=int,
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
    scheduler: str | None,
) -> None:
    """Build → MD → analysis → simulated movie → measurements → report for SCENARIO_FILE
    (workflows/*.toml). Interrupted? Run the same command again: finished stages are kept
    and the MD continues from its last checkpoint."""
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

"""`aucluster kinetics rates DIR -o OUT`: exchange rates of every finished run under DIR (a
study's member runs, or any set of `aucluster run` directories held at fixed temperatures),
pooled per temperature and cloud, and their Arrhenius fits (`aucluster.kinetics`)."""

import math
from pathlib import Path

import click

from aucluster.errors import ParameterError
from aucluster.kinetics import (
    ARRHENIUS_COLUMNS,
    RATE_TABLE_COLUMNS,
    arrhenius_rows,
    check_one_particle,
    find_runs,
    member_counts,
    plot_arrhenius,
    pooled_rates,
)
from aucluster.store import atomic_output, write_csv, write_provenance
from aucluster.store.files import make_output_dir
from aucluster.store.provenance import provenance_record


@click.group()
def kinetics() -> None:
    """Rates from MD ensembles (times are MD time in ps; nothing here is in seconds)."""


@kinetics.command()
@click.argument("directory", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option(
    "-o",
    "--output",
    "out_dir",
    type=click.Path(file_okay=False, path_type=Path),
    required=True,
    help="Directory for rates.csv, arrhenius.csv and arrhenius.png.",
)
@click.option(
    "--confidence",
    type=float,
    default=0.95,
    show_default=True,
    help="Confidence level of every interval (0–1).",
)
def rates(directory: Path, out_dir: Path, confidence: float) -> None:
    """Detach and attach rates [1/ps] per site class, temperature and cloud S of every run
    under DIRECTORY, with exact Poisson intervals, and Arrhenius fits (activation energy [eV],
    prefactor [1/ps]) with intervals widened by the replicas' dispersion."""
    if not (math.isfinite(confidence) and 0 < confidence < 1):
        raise ParameterError(f"--confidence {confidence!r}: a number between 0 and 1")
    runs = find_runs(directory)
    if not runs:
        raise ParameterError(
            f"{str(directory)!r} holds no finished run (scenario.json with analysis/events.csv)"
        )
    members = []
    with click.progressbar(runs, label="reading runs", show_pos=True) as bar:
        for run in bar:
            members.append(member_counts(run))
    check_one_particle(members)
    table = pooled_rates(members, confidence)
    fits = arrhenius_rows(members, confidence)
    make_output_dir(out_dir)
    record = provenance_record(
        settings={"confidence": confidence, "n_runs": len(runs), "time_unit": "MD ps"},
        inputs=[run / "analysis" / "events.csv" for run in runs],
    )
    paths = [
        write_csv(out_dir / "rates.csv", table, RATE_TABLE_COLUMNS),
        write_csv(out_dir / "arrhenius.csv", fits, ARRHENIUS_COLUMNS),
    ]
    with atomic_output(out_dir / "arrhenius.png") as tmp:
        plot_arrhenius(table, fits, tmp, title=f"{directory.name}: {len(runs)} runs")
    paths.append(out_dir / "arrhenius.png")
    for path in paths:
        write_provenance(path, record)
    temps = sorted({m.temperature_K for m in members})
    click.echo(
        f"{len(runs)} runs at {len(temps)} temperature(s) ({', '.join(f'{t:g}' for t in temps)} K)"
        f" → {out_dir}"
    )

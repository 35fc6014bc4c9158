"""`aucluster stability`: relax the motif families, store them in an ASE database, and write
the table (CSV), the class fits and crossovers (CSV) and the Δ / Δ2E figure (PNG)."""

from pathlib import Path

import click

from aucluster.cli.options import overwrite_option, scheduler_option, workers_option
from aucluster.parallel import BatchCluster, dask_available, default_workers
from aucluster.potentials import Potential
from aucluster.stability.candidates import TABLE_MOTIFS, check_max_atoms, parse_motifs
from aucluster.stability.relax import DEFAULT_FMAX, check_fmax
from aucluster.stability.summary import sibling, summarise, write_outputs
from aucluster.stability.table import (
    DEFAULT_POINT_GROUP_MAX_ATOMS,
    StabilitySettings,
    check_database,
    compute_table,
)
from aucluster.store import check_writable
from aucluster.store.files import refuse_existing
from aucluster.store.provenance import provenance_record

DEFAULTS = StabilitySettings()


@click.command()
@click.option(
    "--potential",
    type=click.Choice([str(p) for p in Potential]),
    default=str(DEFAULTS.potential),
    show_default=True,
    help="asap3 EMT or Gupta (Baletto's Au).",
)
@click.option(
    "--motifs",
    default=DEFAULTS.motifs,
    show_default=True,
    help="Comma-separated motif families, or 'all': " + ", ".join(str(m) for m in TABLE_MOTIFS),
)
@click.option(
    "--max-atoms",
    type=int,
    default=DEFAULTS.max_atoms,
    show_default=True,
    help="Largest cluster [atoms], ≥ 13.",
)
@click.option(
    "--db",
    "database",
    default="stability.db",
    show_default=True,
    help="ASE database: an SQLite file (created if missing) or a postgresql:// URL. Rows "
    "already there are reused, not relaxed again.",
)
@click.option(
    "--csv",
    "csv_path",
    type=click.Path(dir_okay=False, path_type=Path),
    default=Path("stability.csv"),
    show_default=True,
    help="The table; crossovers and fits go to NAME_crossovers.csv and NAME_fits.csv beside it.",
)
@click.option(
    "--plot",
    "plot_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Δ and Δ2E figure (PNG).",
)
@click.option(
    "--fmax",
    type=float,
    default=DEFAULT_FMAX,
    show_default=True,
    help="Force criterion of the FIRE relaxations [eV/Å].",
)
@click.option(
    "--point-group-max-atoms",
    type=int,
    default=DEFAULT_POINT_GROUP_MAX_ATOMS,
    show_default=True,
    help="Compute point groups (pymatgen) up to this size [atoms]; larger ones are left blank.",
)
@workers_option
@scheduler_option
@overwrite_option
def stability(
    overwrite: bool,
    potential: str,
    motifs: str,
    max_atoms: int,
    database: str,
    csv_path: Path,
    plot_path: Path | None,
    fmax: float,
    point_group_max_atoms: int,
    workers: int | None,
    scheduler: str | BatchCluster | None,
) -> None:
    """Relax every member of the motif families up to --max-atoms, compute Δ, Δ2E, the lowest
    motif per size and the crossover sizes. Interrupt it at any time: a rerun relaxes only
    what is missing from the database."""
    motif_list = parse_motifs(motifs)
    check_max_atoms(max_atoms)
    check_fmax(fmax)
    tables = (csv_path, sibling(csv_path, "crossovers"), sibling(csv_path, "fits"), plot_path)
    for path in tables:
        if path is not None:
            check_writable(path)
    refuse_existing(tables, overwrite)  # the tables; the database resumes by design
    check_database(database)
    if workers is None and scheduler is None:
        workers = default_workers() if dask_available() else 1
        if workers == 1 and default_workers() > 1:
            click.echo(
                "Dask is not installed: relaxing serially (pip install 'aucluster[parallel]')",
                err=True,
            )

    bar = click.progressbar(length=1, label=f"relaxing ({potential})", show_pos=True)

    def progress(done: int, total: int) -> None:
        bar.length = max(total, 1)
        bar.update(done - bar.pos)

    with bar:
        run = compute_table(
            database,
            potential=potential,
            motifs=motif_list,
            max_atoms=max_atoms,
            fmax=fmax,
            point_group_max_atoms=point_group_max_atoms,
            workers=workers,
            scheduler=scheduler,
            progress=progress,
        )
    summary = summarise(run.rows)
    settings = {
        "potential": potential,
        "motifs": [str(m) for m in motif_list],
        "max_atoms": max_atoms,
        "fmax_eV_per_A": fmax,
        "database": database,
        "bulk_lattice_constant_A": run.bulk.lattice_constant_A,
        "bulk_energy_per_atom_eV": run.bulk.energy_per_atom_eV,
    }
    record = provenance_record(settings=settings)
    title = f"Au, {potential.upper()}: {len(run.rows)} clusters up to {max_atoms} atoms"
    written = write_outputs(summary, csv_path, plot_path=plot_path, title=title, record=record)
    click.echo(
        f"{len(run.rows)} clusters ({run.relaxed} relaxed now, {run.reused} from {database}); "
        f"ε_bulk = {run.bulk.energy_per_atom_eV:.5f} eV at a0 = {run.bulk.lattice_constant_A:.4f} Å"
    )
    for c in summary.crossovers:
        if c.lowest:
            where = "extrapolated" if c.extrapolated else "within the table"
            click.echo(f"crossover {c.below} → {c.above} at N ≈ {c.n_atoms:.0f} ({where})")
    click.echo(f"→ {', '.join(str(p) for p in written)}")

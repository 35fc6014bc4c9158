"""`aucluster stability`: relax the motif families, store them in an ASE database, and write
the table (CSV), the class fits and crossovers (CSV) and the Δ / Δ2E figure (PNG)."""

from pathlib import Path

import click

from aucluster.cli.options import (
    overwrite_option,
    scheduler_option,
    task_progress,
    workers_option,
)
from aucluster.errors import ParameterError
from aucluster.parallel import BatchCluster, dask_available, default_workers
from aucluster.potentials import Potential
from aucluster.stability.candidates import (
    MIN_ATOMS,
    TABLE_MOTIFS,
    check_max_atoms,
    parse_motifs,
)
from aucluster.stability.free_energy import (
    DEFAULT_VIB_MAX_ATOMS,
    check_free_energy_cutoff,
    parse_temperatures,
)
from aucluster.stability.relax import DEFAULT_FMAX, check_fmax
from aucluster.stability.summary import sibling, summarise, write_outputs
from aucluster.stability.table import (
    DEFAULT_POINT_GROUP_MAX_ATOMS,
    StabilitySettings,
    check_database,
    check_gupta_cutoff,
    check_start_lattice_constant,
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
    "--gupta-cutoff",
    default=DEFAULTS.gupta_cutoff,
    show_default=True,
    help="Gupta only: where the pair terms are cut: 'asap3' (its default, smoothing from "
    "1.73 to 1.88 nearest-neighbour distances, 4.98–5.41 Å for Au), a radius in Å (the "
    "smoothing starts there) or 'none' (every pair; ε_bulk the untruncated lattice sum).",
)
@click.option(
    "--start-lattice-constant",
    type=float,
    help="Build the clusters at this fcc lattice constant [Å] before relaxing them  "
    "[default: the potential's own bulk value; ASE's Au default is 4.08].",
)
@click.option(
    "--point-group-max-atoms",
    type=int,
    default=DEFAULT_POINT_GROUP_MAX_ATOMS,
    show_default=True,
    help="Compute point groups (pymatgen) up to this size [atoms]; larger ones are left blank.",
)
@click.option(
    "--temperatures",
    help="Also harmonic free energies at these temperatures [K, comma-separated, e.g. "
    "300,550,600]: each class's compact shapes up to --free-energy-max-atoms, their "
    "crossovers at each T beside 0 K (NAME_free_energy.csv, NAME_free_energy_crossovers.csv).",
)
@click.option(
    "--free-energy-max-atoms",
    type=int,
    default=DEFAULT_VIB_MAX_ATOMS,
    show_default=True,
    help="Largest cluster whose vibrational modes are computed [atoms] (6N force calls and "
    "a 3N × 3N eigenproblem each: ~15 s at 1,000 atoms).",
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
    gupta_cutoff: str,
    start_lattice_constant: float | None,
    point_group_max_atoms: int,
    temperatures: str | None,
    free_energy_max_atoms: int,
    workers: int | None,
    scheduler: str | BatchCluster | None,
) -> None:
    """Relax every member of the motif families up to --max-atoms, compute Δ, Δ2E, the lowest
    motif per size and the crossover sizes. Interrupt it at any time: a rerun relaxes only
    what is missing from the database."""
    motif_list = parse_motifs(motifs)
    check_max_atoms(max_atoms)
    check_fmax(fmax)
    cutoff = check_gupta_cutoff(potential, gupta_cutoff)
    check_start_lattice_constant(start_lattice_constant)
    temps = parse_temperatures(temperatures) if temperatures is not None else []
    if temps:
        check_free_energy_cutoff(potential, str(cutoff))
    if free_energy_max_atoms < MIN_ATOMS:
        raise ParameterError(
            f"--free-energy-max-atoms {free_energy_max_atoms}: must be ≥ {MIN_ATOMS}"
        )
    tables: tuple[Path | None, ...] = (
        csv_path,
        sibling(csv_path, "crossovers"),
        sibling(csv_path, "fits"),
        plot_path,
    )
    if temps:
        tables += (
            sibling(csv_path, "free_energy"),
            sibling(csv_path, "free_energy_crossovers"),
            None if plot_path is None else sibling(plot_path, "free_energy"),
        )
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

    with task_progress(f"relaxing ({potential})") as progress:
        run = compute_table(
            database,
            potential=potential,
            motifs=motif_list,
            max_atoms=max_atoms,
            fmax=fmax,
            gupta_cutoff=cutoff,
            start_lattice_constant=start_lattice_constant,
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
        "gupta_cutoff": run.bulk.gupta_cutoff or None,
        "start_lattice_constant_A": start_lattice_constant or run.bulk.lattice_constant_A,
        "database": database,
        "bulk_lattice_constant_A": run.bulk.lattice_constant_A,
        "bulk_energy_per_atom_eV": run.bulk.energy_per_atom_eV,
    }
    if temps:  # the free-energy files' settings too (they share this record)
        settings |= {"temperatures_K": temps, "free_energy_max_atoms": free_energy_max_atoms}
    record = provenance_record(settings=settings)
    name = potential.upper() + (
        f" (cutoff {run.bulk.gupta_cutoff})" if run.bulk.gupta_cutoff not in ("", "asap3") else ""
    )
    title = f"Au, {name}: {len(run.rows)} clusters up to {max_atoms} atoms"
    written = write_outputs(summary, csv_path, plot_path=plot_path, title=title, record=record)
    click.echo(
        f"{len(run.rows)} clusters ({run.relaxed} relaxed now, {run.reused} from {database}); "
        f"ε_bulk = {run.bulk.energy_per_atom_eV:.5f} eV at a0 = {run.bulk.lattice_constant_A:.4f} Å"
    )
    for c in summary.crossovers:
        if c.lowest:
            where = "extrapolated" if c.extrapolated else "within the table"
            click.echo(f"crossover {c.below} → {c.above} at N ≈ {c.n_atoms:.0f} ({where})")
    if temps:
        written += _free_energies(
            database,
            summary,
            potential=potential,
            cutoff=run.bulk.gupta_cutoff or None,
            temperatures=temps,
            max_atoms=free_energy_max_atoms,
            workers=workers,
            scheduler=scheduler,
            csv_path=csv_path,
            plot_path=plot_path,
            record=record,
            name=name,
        )
    click.echo(f"→ {', '.join(str(p) for p in written)}")


def _free_energies(
    database,
    summary,
    *,
    potential,
    cutoff,
    temperatures,
    max_atoms,
    workers,
    scheduler,
    csv_path,
    plot_path,
    record,
    name,
) -> list[Path]:
    from aucluster.stability.free_energy import (
        FREE_ENERGY_COLUMNS,
        FREE_ENERGY_CROSSOVER_COLUMNS,
        free_energy_crossover_rows,
        free_energy_rows,
        free_energy_table,
        plot_free_energies,
    )
    from aucluster.store import atomic_output, write_csv, write_provenance
    from aucluster.thermo.homologous import melting_scale

    with task_progress("vibrational modes") as progress:
        table = free_energy_table(
            database,
            summary.on_envelope,
            potential=potential,
            temperatures=temperatures,
            gupta_cutoff=cutoff,
            max_atoms=max_atoms,
            workers=workers,
            scheduler=scheduler,
            progress=progress,
        )
    paths = [
        write_csv(sibling(csv_path, "free_energy"), free_energy_rows(table), FREE_ENERGY_COLUMNS),
        write_csv(
            sibling(csv_path, "free_energy_crossovers"),
            free_energy_crossover_rows(table),
            FREE_ENERGY_CROSSOVER_COLUMNS,
        ),
    ]
    if plot_path is not None:
        figure = sibling(plot_path, "free_energy")
        with atomic_output(figure) as tmp:
            plot_free_energies(
                table, tmp, title=f"Au, {name}: harmonic free energies, N ≤ {max_atoms}"
            )
        paths.append(figure)
    for path in paths:
        write_provenance(path, record)
    for row, imaginary in table.saddles:
        click.echo(
            f"left out of the free energies: {row.motif} {row.parameters} ({row.n_atoms} "
            f"atoms), a saddle point (imaginary mode {imaginary:.2f} meV)"
        )
    scale = melting_scale(potential)
    for t, found in table.crossovers.items():
        label = (
            "0 K"
            if t == 0
            else f"{t:g} K" + (f" = {t / scale.bulk_K:.2f} T_m(bulk)" if scale is not None else "")
        )
        lowest = [c for c in found if c.lowest] or found
        text = "; ".join(
            f"{c.below} → {c.above} at N ≈ {c.n_atoms:.0f}"
            + (" (extrapolated)" if c.extrapolated else "")
            for c in lowest
        )
        click.echo(f"free energy, {label}: {text or 'no crossover'}")
    return paths

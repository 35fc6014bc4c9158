"""`aucluster minima`: global minima of small clusters by basin hopping seeded from the motif
table, with Δ, Δ2E and the magic sizes (CSV, extended XYZ of the structures, figure)."""

from pathlib import Path

import click

from aucluster.cli.options import (
    overwrite_option,
    scheduler_option,
    task_progress,
    workers_option,
)
from aucluster.errors import ParameterError
from aucluster.parallel import BatchCluster
from aucluster.potentials import Potential
from aucluster.store.files import check_output_dir, refuse_existing
from aucluster.store.provenance import provenance_record

MINIMA_COLUMNS = (
    "n_atoms",
    "potential",
    "energy_eV",
    "delta_eV",
    "delta2_energy_eV",
    "magic",
    "cna_motif",
    "found_from",
    "restarts_at_minimum",
    "restarts",
    "steps",
    "pass2_gain_eV",
    "neighbour_gap_eV",
    "motif_table_lowest_eV",
    "below_motif_table_eV",
)


def parse_sizes(text: str) -> list[int]:
    """'13-80' or '13,38,55' → sizes."""
    try:
        if "-" in text:
            low, high = (int(x) for x in text.split("-", 1))
            sizes = list(range(low, high + 1))
        else:
            sizes = [int(x) for x in text.split(",") if x.strip()]
    except ValueError:
        raise ParameterError(f"sizes {text!r}: a range such as 13-80 or a list 13,38,55") from None
    if not sizes or min(sizes) < 2 or max(sizes) > 200:
        raise ParameterError(f"sizes {text!r}: global search is for 2–200 atoms")
    return sizes


def _table_lowest(path: Path | None) -> dict[int, float]:
    if path is None:
        return {}
    import csv

    try:
        with open(path, newline="", encoding="utf-8") as handle:
            rows = list(csv.DictReader(handle))
        lowest: dict[int, float] = {}
        for r in rows:
            n, e = int(r["n_atoms"]), float(r["energy_eV"])
            lowest[n] = min(e, lowest.get(n, e))
    except (OSError, KeyError, ValueError) as exc:
        raise ParameterError(f"motif table {str(path)!r}: {exc}") from None
    return lowest


@click.command()
@click.option(
    "--potential",
    type=click.Choice([str(p) for p in Potential]),
    default=str(Potential.EMT),
    show_default=True,
    help="asap3 EMT or Gupta (Baletto's Au, asap3's cutoff).",
)
@click.option("--sizes", default="13-80", show_default=True, help="Cluster sizes [atoms].")
@click.option(
    "--steps-per-size",
    type=int,
    default=10_000,
    show_default=True,
    help="Basin-hopping steps per size, shared equally by its restarts: pass 1 from every "
    "motif seed and the random starts, pass 2 from the neighbouring sizes' minima (N+1 minus "
    "an atom, N-1 plus one) and its own.",
)
@click.option(
    "--random-restarts",
    type=int,
    default=4,
    show_default=True,
    help="Restarts from random compact starts per size, beside the motif seeds.",
)
@click.option("--seed", type=int, default=0, show_default=True, help="Random seed.")
@click.option(
    "--motif-table",
    type=click.Path(dir_okay=False, exists=True, path_type=Path),
    help="A stability table (CSV of `aucluster stability`) to compare each minimum with.",
)
@click.option(
    "--compare",
    "compare_csv",
    type=click.Path(dir_okay=False, exists=True, path_type=Path),
    help="Another run's global_minima.csv (e.g. the other potential): drawn beside this one, "
    "and the magic sizes of both compared.",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("minima"),
    show_default=True,
    help="Directory: global_minima.csv, global_minima.extxyz, global_minima.png.",
)
@workers_option
@scheduler_option
@overwrite_option
def minima(
    overwrite: bool,
    potential: str,
    sizes: str,
    steps_per_size: int,
    random_restarts: int,
    seed: int,
    motif_table: Path | None,
    compare_csv: Path | None,
    output: Path,
    workers: int | None,
    scheduler: str | BatchCluster | None,
) -> None:
    """Global minima by basin hopping (Wales & Doye 1997) from the motif table's members
    (stripped to each size) and random starts; Δ, Δ2E and the magic sizes."""
    from aucluster.stability.search import global_minima

    size_list = parse_sizes(sizes)
    if steps_per_size < 1 or random_restarts < 0 or seed < 0:
        raise ParameterError("--steps-per-size must be ≥ 1, --random-restarts ≥ 0 and --seed ≥ 0")
    table = _table_lowest(motif_table)
    other = None if compare_csv is None else read_minima(compare_csv)
    outputs = [output / n for n in ("global_minima.csv", "global_minima.extxyz")]
    outputs.append(output / "global_minima.png")
    check_output_dir(output)
    refuse_existing(outputs, overwrite)
    with task_progress(f"basin hopping ({potential})") as progress:
        rows = global_minima(
            size_list,
            potential=potential,
            steps_per_size=steps_per_size,
            random_restarts=random_restarts,
            seed=seed,
            workers=workers,
            scheduler=scheduler,
            progress=progress,
        )
    from ase.io import write

    from aucluster.store import atomic_output, write_csv, write_provenance

    output.mkdir(parents=True, exist_ok=True)
    table_rows = []
    for r in rows:
        ref = table.get(r.n_atoms)
        table_rows.append(
            [
                r.n_atoms,
                potential,
                f"{r.energy_eV:.6f}",
                f"{r.delta_eV:.6f}",
                "" if r.delta2_eV is None else f"{r.delta2_eV:.6f}",
                int(r.magic),
                r.motif,
                r.start,
                r.hits,
                r.restarts,
                r.steps,
                f"{r.pass2_gain_eV:.6f}",
                "" if r.neighbour_gap_eV is None else f"{r.neighbour_gap_eV:.6f}",
                "" if ref is None else f"{ref:.6f}",
                "" if ref is None else f"{ref - r.energy_eV:.6f}",
            ]
        )
    record = provenance_record(
        settings={
            "potential": potential,
            "sizes": size_list,
            "steps_per_size": steps_per_size,
            "random_restarts": random_restarts,
            "seed": seed,
            "motif_table": None if motif_table is None else str(motif_table),
            "compare": None if compare_csv is None else str(compare_csv),
        }
    )
    written = [write_csv(outputs[0], table_rows, MINIMA_COLUMNS)]
    with atomic_output(outputs[1]) as tmp:
        frames = []
        for r in rows:
            atoms = r.atoms.copy()
            atoms.info.update(n_atoms=r.n_atoms, energy_eV=r.energy_eV, found_from=r.start)
            frames.append(atoms)
        write(tmp, frames, format="extxyz")
    written.append(outputs[1])
    with atomic_output(outputs[2]) as tmp:
        _plot(
            rows,
            tmp,
            title=f"Au, {potential.upper()}: global minima, {steps_per_size} steps/size",
            label=potential.upper(),
            other=other,
        )
    written.append(outputs[2])
    for path in written:
        write_provenance(path, record)
    magic = [r.n_atoms for r in rows if r.magic]
    click.echo(f"{len(rows)} sizes; magic (Δ2E peaks): {', '.join(map(str, magic)) or 'none'}")
    gained = [f"{r.n_atoms} ({r.pass2_gain_eV:.3f} eV)" for r in rows if r.pass2_gain_eV > 1e-3]
    click.echo(f"lowered by pass 2 (neighbours' minima): {', '.join(gained) or 'none'}")
    short = [f"{r.n_atoms} ({r.neighbour_gap_eV:.3f} eV)" for r in _unconverged(rows)]
    click.echo(
        "not converged (a neighbour's final minimum, one atom off, relaxes lower): "
        + (", ".join(short) or "none")
    )
    below = [
        r.n_atoms for r in rows if r.n_atoms in table and table[r.n_atoms] - r.energy_eV > 1e-3
    ]
    if table:
        click.echo(f"below the motif table's lowest: {', '.join(map(str, below)) or 'none'}")
    if other is not None:
        mine, theirs = set(magic), {n for n, row in other.items() if row["magic"]}
        name = next(iter(other.values()))["potential"].upper() if other else "other"
        for what, sizes_ in (
            ("magic in both", mine & theirs),
            (f"only {potential.upper()}", mine - theirs),
            (f"only {name}", theirs - mine),
        ):
            click.echo(f"{what}: {', '.join(map(str, sorted(sizes_))) or 'none'}")
    click.echo(f"→ {', '.join(str(p) for p in written)}")


def read_minima(path: Path) -> dict[int, dict]:
    """A global_minima.csv: n_atoms → {potential, delta_eV, delta2_eV (or None), magic}."""
    import csv

    try:
        with open(path, newline="", encoding="utf-8") as handle:
            return {
                int(r["n_atoms"]): {
                    "potential": r["potential"],
                    "delta_eV": float(r["delta_eV"]),
                    "delta2_eV": float(r["delta2_energy_eV"]) if r["delta2_energy_eV"] else None,
                    "magic": r["magic"] == "1",
                }
                for r in csv.DictReader(handle)
            }
    except (OSError, KeyError, ValueError) as exc:
        raise ParameterError(f"minima table {str(path)!r}: {exc}") from None


def _unconverged(rows) -> list:
    """The rows whose neighbour check proves the search short (`neighbour_gap_eV` below
    minus the search's energy tolerance)."""
    from aucluster.stability.search import SearchSettings

    tolerance = SearchSettings().energy_tolerance_eV
    return [r for r in rows if r.neighbour_gap_eV is not None and r.neighbour_gap_eV < -tolerance]


def _plot(rows, path, *, title: str, label: str = "", other=None) -> None:
    from matplotlib.figure import Figure

    fig = Figure(figsize=(11, 4.2), layout="constrained")
    left, right = fig.subplots(1, 2)
    series = [
        (
            label,
            [(r.n_atoms, r.delta_eV) for r in rows],
            [(r.n_atoms, r.delta2_eV, r.magic) for r in rows if r.delta2_eV is not None],
        )
    ]
    if other:
        name = next(iter(other.values()))["potential"].upper()
        series.append(
            (
                name,
                [(n, o["delta_eV"]) for n, o in sorted(other.items())],
                [
                    (n, o["delta2_eV"], o["magic"])
                    for n, o in sorted(other.items())
                    if o["delta2_eV"] is not None
                ],
            )
        )
    for k, (name, deltas, d2) in enumerate(series):
        colour = f"C{k}"
        left.plot(*zip(*deltas, strict=True), "o-", ms=3, color=colour, label=name or None)
        if d2:
            right.plot([n for n, _, _ in d2], [v for _, v, _ in d2], "o-", ms=3, color=colour)
        for n, v, magic in d2:
            if magic:
                right.annotate(
                    str(n), (n, v), fontsize=7, ha="center", va="bottom" if k == 0 else "top",
                    color=colour,
                )  # fmt: skip
    short = [(r.n_atoms, r.delta_eV) for r in _unconverged(rows)]
    if short:
        left.plot(
            *zip(*short, strict=True), "o", ms=8, mfc="none", color="C3",
            label=f"{label} not converged (neighbour check)".strip(),
        )  # fmt: skip
    if other or short:
        left.legend()
    left.set_xlabel("N")
    left.set_ylabel("Δ = (E − N ε$_{bulk}$) / N$^{2/3}$ [eV]")
    left.set_title("(a) Δ against N")
    right.axhline(0, color="grey", lw=0.8)
    right.set_xlabel("N")
    right.set_ylabel("Δ$_2$E [eV]")
    right.set_title("(b) second difference; magic sizes labelled")
    fig.suptitle(title)
    fig.savefig(path, dpi=120, format="png")

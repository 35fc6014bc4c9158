"""A table read as researchers read it: lowest motif per size, Δ2E, class fits, crossovers,
written as CSV (units in the column names) and drawn as the classic Δ-against-N^(1/3) figure."""

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from aucluster.stability.candidates import MIN_ATOMS, MOTIF_CLASS
from aucluster.stability.energetics import (
    Crossover,
    LinearFit,
    crossovers,
    envelope,
    fit_class,
    lowest_per_size,
    second_difference,
)
from aucluster.stability.table import TableRow
from aucluster.structures.motif import Motif

#: Columns of the table CSV, units in the names.
TABLE_COLUMNS = (
    "n_atoms",
    "motif",
    "structural_class",
    "parameters",
    "potential",
    "gupta_cutoff",
    "energy_eV",
    "energy_per_atom_eV",
    "delta_eV",
    "lowest_at_size",
    "delta2_energy_eV",
    "point_group",
    "relax_steps",
    "converged",
)
CROSSOVER_COLUMNS = ("below", "above", "n_atoms", "extrapolated", "changes_lowest_class")
FIT_COLUMNS = (
    "structural_class",
    "intercept_eV",
    "slope_eV",
    "n_points",
    "n_atoms_min",
    "n_atoms_max",
)


@dataclass(frozen=True, kw_only=True)
class TableSummary:
    """`delta2` uses only the class envelopes (the compact shapes): a size held only by a long
    thin decahedron would make Δ2E of its neighbours meaningless."""

    rows: list[TableRow]
    on_envelope: list[TableRow]  # the compact shapes of each class (see `envelope`)
    lowest: dict[int, int]  # size → index into rows
    delta2: dict[int, float]  # size → Δ2E [eV]
    fits: list[LinearFit]
    crossovers: list[Crossover]


def summarise(rows: Sequence[TableRow]) -> TableSummary:
    rows = list(rows)
    fits = []
    on_envelope: list[TableRow] = []
    for name in dict.fromkeys(MOTIF_CLASS.values()):
        members = [r for r in rows if MOTIF_CLASS[Motif(r.motif)] == name]
        sizes, deltas = [r.n_atoms for r in members], [r.delta_eV for r in members]
        on_envelope.extend(members[i] for i in envelope(sizes, deltas))
        fit = fit_class(name, sizes, deltas)
        if fit is not None:
            fits.append(fit)
    return TableSummary(
        rows=rows,
        on_envelope=on_envelope,
        lowest=lowest_per_size([r.n_atoms for r in rows], [r.energy_eV for r in rows]),
        delta2=second_difference(
            [r.n_atoms for r in on_envelope], [r.energy_eV for r in on_envelope]
        ),
        fits=fits,
        crossovers=crossovers(fits, min_atoms=MIN_ATOMS),
    )


def table_rows(summary: TableSummary) -> list[list]:
    """Rows of the table CSV, in `TABLE_COLUMNS` order."""
    lowest = set(summary.lowest.values())
    rows = []
    for i, r in enumerate(summary.rows):
        is_lowest = i in lowest
        d2 = summary.delta2.get(r.n_atoms) if is_lowest else None
        rows.append(
            [
                r.n_atoms,
                r.motif,
                MOTIF_CLASS[Motif(r.motif)],
                r.parameters,
                r.potential,
                r.gupta_cutoff,
                f"{r.energy_eV:.6f}",
                f"{r.energy_per_atom_eV:.6f}",
                f"{r.delta_eV:.6f}",
                int(is_lowest),
                "" if d2 is None else f"{d2:.6f}",
                r.point_group,
                r.relax_steps,
                int(r.converged),
            ]
        )
    return rows


def crossover_rows(summary: TableSummary) -> list[list]:
    """Rows of the crossovers CSV (its own file: two blocks in one would confuse readers)."""
    return [
        [c.below, c.above, f"{c.n_atoms:.1f}", int(c.extrapolated), int(c.lowest)]
        for c in summary.crossovers
    ]


def fit_rows(summary: TableSummary) -> list[list]:
    """Rows of the class-fits CSV."""
    return [
        [
            f.name,
            f"{f.intercept_eV:.6f}",
            f"{f.slope_eV:.6f}",
            f.n_points,
            round(f.x_range[0] ** 3),
            round(f.x_range[1] ** 3),
        ]
        for f in summary.fits
    ]


def plot_table(summary: TableSummary, path: Path, *, title: str) -> None:
    """(a) Δ against N^(1/3) per motif, class fits dashed, crossovers marked; (b) each class's
    compact shapes relative to the fcc fit; (c) Δ2E against N where the table defines it."""
    import numpy as np
    from matplotlib.figure import Figure

    panels = 3 if summary.delta2 else 2
    fig = Figure(figsize=(6 * panels, 4.6), layout="constrained")
    axes = fig.subplots(1, panels)
    left, middle = axes[0], axes[1]
    for motif in dict.fromkeys(r.motif for r in summary.rows):
        pts = [r for r in summary.rows if r.motif == motif]
        left.plot(
            [r.n_atoms ** (1 / 3) for r in pts], [r.delta_eV for r in pts], ".", ms=4, label=motif
        )
    x_all = np.array([r.n_atoms ** (1 / 3) for r in summary.rows])
    xs = np.linspace(x_all.min(), x_all.max(), 50)
    for fit in summary.fits:
        left.plot(
            xs,
            fit(xs),
            "--",
            lw=1.2,
            color="k" if fit.name == "fcc" else None,
            label=f"fit: {fit.name}",
        )
    best = min(r.delta_eV for r in summary.rows)
    left.set_ylim(best - 0.05, best + 0.45)  # the competitive shapes; rods run off the top
    for c in summary.crossovers:
        if c.extrapolated or not c.lowest:
            continue
        x = c.n_atoms ** (1 / 3)
        left.axvline(x, color="grey", lw=0.8)
        left.annotate(
            f"{c.below}→{c.above}\nN≈{c.n_atoms:.0f}",
            (x, best + 0.43),
            fontsize=7,
            ha="center",
            va="top",
        )
    left.set_xlabel("N$^{1/3}$")
    left.set_ylabel("Δ = (E − N ε$_{bulk}$)/N$^{2/3}$ [eV]")
    left.set_title("(a) excess energy")
    left.legend(fontsize=7, ncol=2)
    # (b) each class's envelope against the fcc fit: the ordering of near-degenerate classes
    reference = next((f for f in summary.fits if f.name == "fcc"), None)
    if reference is not None:
        for name in dict.fromkeys(MOTIF_CLASS.values()):
            pts = [r for r in summary.on_envelope if MOTIF_CLASS[Motif(r.motif)] == name]
            if pts:
                n = np.array([r.n_atoms for r in pts])
                d = np.array([r.delta_eV for r in pts]) - reference(np.cbrt(n))
                middle.plot(n, 1000 * d, "o", ms=3, label=name)
        middle.axhline(0, color="k", lw=0.8)
        middle.set_xscale("log")
        middle.legend(fontsize=7)
    middle.set_xlabel("N")
    middle.set_ylabel("Δ − Δ$_{fcc\\ fit}$ [meV]")
    middle.set_title("(b) lowest shapes of each class against the fcc fit")
    if summary.delta2:
        right = axes[2]
        ns = sorted(summary.delta2)
        right.plot(ns, [summary.delta2[n] for n in ns], "o-", ms=3)
        right.axhline(0, color="grey", lw=0.8)
        right.set_xlabel("N")
        right.set_ylabel("Δ$_2$E [eV]")
        right.set_title("(c) second difference of the lowest energy")
    fig.suptitle(title)
    fig.savefig(path, dpi=120, format="png")


def sibling(path: Path, suffix: str) -> Path:
    """NAME.csv → NAME_suffix.csv (where the fits and crossovers of a table go)."""
    return path.with_name(f"{path.stem}_{suffix}{path.suffix}")


def write_outputs(
    summary: TableSummary, csv_path: Path, *, plot_path: Path | None, title: str, record
) -> list[Path]:
    """The table CSV, its `_crossovers` and `_fits` siblings and (optionally) the figure, each
    written atomically with its provenance record. Returns the paths written."""
    from aucluster.store import atomic_output, write_csv, write_provenance

    paths = [
        write_csv(csv_path, table_rows(summary), TABLE_COLUMNS),
        write_csv(sibling(csv_path, "crossovers"), crossover_rows(summary), CROSSOVER_COLUMNS),
        write_csv(sibling(csv_path, "fits"), fit_rows(summary), FIT_COLUMNS),
    ]
    if plot_path is not None:
        with atomic_output(plot_path) as tmp:
            plot_table(summary, tmp, title=title)
        paths.append(plot_path)
    for path in paths:
        write_provenance(path, record)
    return paths

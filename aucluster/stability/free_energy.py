"""Harmonic free energies of a stability table's compact structures, and the motif crossovers
at temperature beside the 0 K ones.

For each class's compact shapes (the envelope of `aucluster.stability.summary`, N ≤
`max_atoms`), the stored structure is relaxed tighter (max |F| < `VIB_FMAX`), its modes
computed (`aucluster.stability.vibrations`) and, at each temperature,

    F(T) = E + F_vib(T),   Δ_F(N, T) = (F(T) − N f_bulk(T)) / N^(2/3),

with f_bulk(T) = ε_bulk + f_vib,bulk(T) of the same potential. The class fits and crossovers
are those of the 0 K table (`aucluster.stability.energetics`) applied to Δ_F; the 0 K line
here uses the same structures (and E without zero-point energy), so the two are comparable.
The harmonic approximation holds well below melting; at the scenarios' 0.6–0.7 T_m the
clusters' anharmonicity (and surface melting) is not in it, which the docs say.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from ase import Atoms

from aucluster.errors import ParameterError
from aucluster.parallel import BatchCluster, map_unordered
from aucluster.potentials import BALETTO_AU_GUPTA, Potential, make_potential
from aucluster.potentials.gupta import GuptaCutoff
from aucluster.stability.bulk import BulkReference, bulk_reference
from aucluster.stability.candidates import MIN_ATOMS, MOTIF_CLASS
from aucluster.stability.energetics import Crossover, LinearFit, crossovers, fit_class
from aucluster.stability.relax import relax
from aucluster.stability.table import TableRow, read_structures
from aucluster.stability.vibrations import (
    BulkVibrations,
    bulk_vibrations,
    hessian,
    vibrational_energies,
    vibrational_free_energy,
)
from aucluster.structures.motif import Motif

#: Force criterion [eV/Å] of the relaxation before the Hessian (the table's 0.005 leaves
#: soft modes of a few tenths of a meV ill-defined).
VIB_FMAX = 1e-4
#: Largest cluster whose modes are computed by default [atoms] (1,000 atoms: 6,000 force
#: calls and a 3,000² eigenproblem, ~15 s).
DEFAULT_VIB_MAX_ATOMS = 1000
#: Cubic cells per side of the bulk supercell (500 atoms).
BULK_REPEAT = 5

FREE_ENERGY_COLUMNS = (
    "n_atoms",
    "motif",
    "structural_class",
    "parameters",
    "temperature_K",
    "energy_eV",
    "vibrational_free_energy_eV",
    "free_energy_eV",
    "bulk_free_energy_per_atom_eV",
    "delta_F_eV",
    "lowest_mode_meV",
    "n_modes",
)
FREE_ENERGY_CROSSOVER_COLUMNS = (
    "temperature_K",
    "below",
    "above",
    "n_atoms",
    "extrapolated",
    "changes_lowest_class",
)


def check_temperatures(temperatures: Sequence[float]) -> list[float]:
    values = [float(t) for t in temperatures]
    bad = [t for t in values if not np.isfinite(t) or t <= 0 or t > 5000]
    if bad or not values:
        raise ParameterError(
            f"temperatures {', '.join(f'{t:g}' for t in bad) or '(none)'} K: each must lie in "
            "(0, 5000] K"
        )
    return sorted(set(values))


def parse_temperatures(text: str) -> list[float]:
    """'300,550' → [300.0, 550.0] (K)."""
    try:
        values = [float(t) for t in text.split(",") if t.strip()]
    except ValueError:
        raise ParameterError(
            f"temperatures {text!r}: comma-separated numbers in K, e.g. 300,550"
        ) from None
    return check_temperatures(values)


def check_free_energy_cutoff(potential: Potential | str, gupta_cutoff: str | None) -> None:
    """Refuse a Gupta cutoff reaching beyond half the bulk supercell (the bulk modes would
    see an atom's own periodic images)."""
    if Potential(potential) is not Potential.GUPTA:
        return  # asap3 EMT reaches ~5.5 Å (between the 3rd and 4th shells)
    reach = GuptaCutoff.parse(gupta_cutoff or "asap3").reach_A(BALETTO_AU_GUPTA)
    width = BULK_REPEAT * 4.07  # Å, the supercell's side
    if 2 * reach >= width:
        raise ParameterError(
            f"Gupta cutoff {gupta_cutoff}: reaches {reach:.1f} Å, more than half the "
            f"{width:.0f} Å crystal the bulk modes are computed in; free energies need a "
            f"cutoff below {width / 2 - 0.5:.0f} Å"
        )


def modes_task(
    structure: dict[str, Any], *, potential: str, gupta_cutoff: str | None
) -> dict[str, Any]:
    """Relax one stored structure to `VIB_FMAX` and return its energy and modes (a Dask task)."""
    atoms = Atoms(
        numbers=structure["numbers"], positions=structure["positions"], cell=structure["cell"]
    )
    relaxed = relax(atoms, potential, fmax=VIB_FMAX, max_steps=20000, gupta_cutoff=gupta_cutoff)
    calc = make_potential(potential, set(atoms.get_chemical_symbols()), gupta_cutoff=gupta_cutoff)
    modes = vibrational_energies(
        relaxed.atoms, hessian(relaxed.atoms, calc), periodic=False, allow_imaginary=True
    )
    return {"energy_eV": relaxed.energy_eV, "modes_eV": modes, "converged": relaxed.converged}


@dataclass(frozen=True, kw_only=True)
class FreeEnergyPoint:
    """One structure at one temperature (T = 0: the static energy, no zero-point term)."""

    row: TableRow
    temperature_K: float
    energy_eV: float
    vibrational_free_energy_eV: float
    bulk_free_energy_per_atom_eV: float
    lowest_mode_meV: float
    n_modes: int

    @property
    def free_energy_eV(self) -> float:
        return self.energy_eV + self.vibrational_free_energy_eV

    @property
    def delta_f_eV(self) -> float:
        n = self.row.n_atoms
        return (self.free_energy_eV - n * self.bulk_free_energy_per_atom_eV) / n ** (2 / 3)


@dataclass(frozen=True, kw_only=True)
class FreeEnergyTable:
    """Points per temperature (0 K first), class fits and crossovers per temperature, and
    the structures left out as saddle points (row, its imaginary mode |ħω| in meV): a
    symmetric relaxation can stop on one (e.g. the EMT cuboctahedron), and a harmonic free
    energy needs a minimum."""

    points: list[FreeEnergyPoint]
    saddles: list[tuple[TableRow, float]]
    fits: dict[float, list[LinearFit]]
    crossovers: dict[float, list[Crossover]]
    bulk: BulkReference


def _fits(points: Sequence[FreeEnergyPoint]) -> tuple[list[LinearFit], list[Crossover]]:
    fits = []
    for name in dict.fromkeys(MOTIF_CLASS.values()):
        members = [p for p in points if MOTIF_CLASS[Motif(p.row.motif)] == name]
        fit = fit_class(name, [p.row.n_atoms for p in members], [p.delta_f_eV for p in members])
        if fit is not None:
            fits.append(fit)
    return fits, crossovers(fits, min_atoms=MIN_ATOMS)


def free_energy_table(
    database: str,
    rows: Sequence[TableRow],
    *,
    potential: Potential | str,
    temperatures: Sequence[float],
    gupta_cutoff: str | None = None,
    element: str = "Au",
    max_atoms: int = DEFAULT_VIB_MAX_ATOMS,
    workers: int | None = None,
    scheduler: "str | BatchCluster | None" = None,
    progress: Callable[[int, int], None] | None = None,
) -> FreeEnergyTable:
    """Harmonic free energies of `rows` (a table's compact shapes) with N ≤ `max_atoms`, read
    from `database`, at each temperature [K]; fits and crossovers at 0 K and each T."""
    temperatures = check_temperatures(temperatures)
    potential = str(Potential(potential))
    cutoff = gupta_cutoff if potential == Potential.GUPTA else None
    chosen = [r for r in rows if r.n_atoms <= max_atoms]
    if not chosen:
        raise ParameterError(f"no compact structure of ≤ {max_atoms} atoms in the table")
    check_free_energy_cutoff(potential, cutoff)
    ref = bulk_reference(potential, element, cutoff)
    calc = make_potential(potential, {element}, gupta_cutoff=cutoff)
    bulk_modes: BulkVibrations = bulk_vibrations(
        element, ref.lattice_constant_A, calc, repeat=BULK_REPEAT
    )
    structures = read_structures(database, [r.table_key for r in chosen])
    if progress is not None:
        progress(0, len(chosen))
    order = sorted(range(len(chosen)), key=lambda i: -chosen[i].n_atoms)  # largest first
    results: dict[int, dict] = {}
    for count, (index, result) in enumerate(
        map_unordered(
            modes_task,
            [structures[chosen[i].table_key] for i in order],
            workers=workers,
            scheduler=scheduler,
            potential=potential,
            gupta_cutoff=cutoff,
        ),
        start=1,
    ):
        results[order[index]] = result
        if progress is not None:
            progress(count, len(chosen))
    saddles = [
        (chosen[i], -1e3 * float(r["modes_eV"][0]))
        for i, r in results.items()
        if r["modes_eV"][0] < 0
    ]
    minima = [i for i in range(len(chosen)) if results[i]["modes_eV"][0] >= 0]
    points: list[FreeEnergyPoint] = []
    for t in [0.0, *temperatures]:
        f_bulk = ref.energy_per_atom_eV + (bulk_modes.free_energy_per_atom(t) if t > 0 else 0.0)
        for i in minima:
            row, modes = chosen[i], results[i]["modes_eV"]
            points.append(
                FreeEnergyPoint(
                    row=row,
                    temperature_K=t,
                    energy_eV=float(results[i]["energy_eV"]),
                    vibrational_free_energy_eV=vibrational_free_energy(modes, t) if t > 0 else 0.0,
                    bulk_free_energy_per_atom_eV=f_bulk,
                    lowest_mode_meV=float(modes[0] * 1e3),
                    n_modes=len(modes),
                )
            )
    fits, crosses = {}, {}
    for t in [0.0, *temperatures]:
        fits[t], crosses[t] = _fits([p for p in points if p.temperature_K == t])
    return FreeEnergyTable(
        points=points,
        fits=fits,
        crossovers=crosses,
        saddles=sorted(saddles, key=lambda s: s[0].n_atoms),
        bulk=ref,
    )


def free_energy_rows(table: FreeEnergyTable) -> list[list]:
    return [
        [
            p.row.n_atoms,
            p.row.motif,
            MOTIF_CLASS[Motif(p.row.motif)],
            p.row.parameters,
            f"{p.temperature_K:g}",
            f"{p.energy_eV:.6f}",
            f"{p.vibrational_free_energy_eV:.6f}",
            f"{p.free_energy_eV:.6f}",
            f"{p.bulk_free_energy_per_atom_eV:.6f}",
            f"{p.delta_f_eV:.6f}",
            f"{p.lowest_mode_meV:.3f}",
            p.n_modes,
        ]
        for p in table.points
    ]


def free_energy_crossover_rows(table: FreeEnergyTable) -> list[list]:
    return [
        [f"{t:g}", c.below, c.above, f"{c.n_atoms:.1f}", int(c.extrapolated), int(c.lowest)]
        for t, found in table.crossovers.items()
        for c in found
    ]


def plot_free_energies(table: FreeEnergyTable, path, *, title: str) -> None:
    """Each class's compact shapes against the fcc fit at each temperature (one panel per
    T, 0 K first): where a class's points cross zero is where it overtakes fcc."""
    from matplotlib.figure import Figure

    temps = list(table.fits)
    fig = Figure(figsize=(4.2 * len(temps), 4.2), layout="constrained")
    axes = fig.subplots(1, len(temps), sharey=True, squeeze=False)[0]
    for ax, t in zip(axes, temps, strict=True):
        reference = next((f for f in table.fits[t] if f.name == "fcc"), None)
        pts = [p for p in table.points if p.temperature_K == t]
        for name in dict.fromkeys(MOTIF_CLASS.values()):
            mine = [p for p in pts if MOTIF_CLASS[Motif(p.row.motif)] == name]
            if not mine or reference is None:
                continue
            n = np.array([p.row.n_atoms for p in mine])
            d = np.array([p.delta_f_eV for p in mine]) - reference(np.cbrt(n))
            ax.plot(n, 1000 * d, "o", ms=3, label=name)
        ax.axhline(0, color="k", lw=0.8)
        ax.set_xscale("log")
        ax.set_xlabel("N")
        ax.set_title("0 K (static)" if t == 0 else f"{t:g} K (harmonic)")
    axes[0].set_ylabel("Δ$_F$ − Δ$_F$ of the fcc fit [meV]")
    axes[0].legend(fontsize=7)
    fig.suptitle(title)
    fig.savefig(path, dpi=120, format="png")

"""Reference energies of small Au clusters, and the fit of the small-cluster correction.

EMT over-binds small Au clusters (Au₂ by 5.14 eV against 2.29 eV measured; Au₃ by 8.43 eV
against 3.80 ± 0.13 eV measured; `docs/cloud.md`). The correction of
`aucluster.potentials.correction` replaces EMT's dimer by the real molecule and charges ε per bond
between atoms that both have fewer than ``c_upper`` neighbours (`BondPenalty`); ε and the
switch are fitted here to reference binding energies of Au₃ … Au₇.

The references (``data/small_clusters.json``) are PBE energies from GPAW (LCAO, dzp basis,
0.2 Å grid, 6 Å vacuum, Fermi–Dirac 0.1 eV extrapolated to zero width, spin-polarised for odd
n, BFGS to 0.05 eV/Å) of the planar ground-state motifs of neutral Au_n, computed by
``bench/small_clusters_dft.py`` (GPAW is not a dependency: Debian's ``gpaw`` and
``gpaw-data`` packages). PBE is checked against the two measured values that exist: Au₂
(D_e, Huber & Herzberg 1979) and Au₃ (atomization enthalpy, Hilpert & Gingerich 1980).
"""

import json
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources

import numpy as np
from ase import Atoms
from ase.optimize import FIRE

from aucluster.errors import ParameterError
from aucluster.potentials.correction import BondPenalty

#: Au₃ atomization enthalpy at 0 K, D₀⁰ = 367 ± 13 kJ/mol (Knudsen-cell mass spectrometry;
#: "Atomization enthalpies of the molecules Cu₃, Ag₃ and Au₃", Hilpert & Gingerich,
#: Ber. Bunsenges. Phys. Chem. 1980) [eV].
AU3_ATOMIZATION_EV = 367.0 / 96.485
AU3_ATOMIZATION_UNCERTAINTY_EV = 13.0 / 96.485


@dataclass(frozen=True, kw_only=True)
class Reference:
    """One reference cluster: PBE binding energy E_b = n E_atom − E_n [eV] and geometry [Å]."""

    isomer: str
    n_atoms: int
    binding_eV: float
    positions: tuple[tuple[float, float, float], ...]

    def atoms(self) -> Atoms:
        from aucluster.structures.geometry import in_vacuum_box

        return in_vacuum_box(Atoms(f"Au{self.n_atoms}", positions=self.positions), 8.0)


@cache
def reference_data() -> dict:
    """The stored reference file (references, provenance and the fitted correction)."""
    text = resources.files("aucluster.potentials").joinpath("data/small_clusters.json")
    return json.loads(text.read_text())


def fitted_penalty() -> BondPenalty:
    """The bond penalty fitted to the references (``fit`` in the data file,
    `bench/fit_small_clusters.py`)."""
    fit = reference_data().get("fit")
    if fit is None:
        raise ParameterError("the small-cluster data file holds no fit")
    return BondPenalty(
        epsilon_eV=fit["epsilon_eV"],
        decay_per_neighbour=fit["decay_per_neighbour"],
        c_lower=fit["c_lower"],
        c_upper=fit["c_upper"],
    )


def references() -> list[Reference]:
    """The lowest-energy reference isomer of each size in the stored table."""
    best: dict[int, Reference] = {}
    for row in reference_data()["references"]:
        ref = Reference(
            isomer=row["isomer"],
            n_atoms=int(row["n_atoms"]),
            binding_eV=float(row["binding_eV"]),
            positions=tuple(tuple(p) for p in row["positions"]),
        )
        if ref.n_atoms not in best or ref.binding_eV > best[ref.n_atoms].binding_eV:
            best[ref.n_atoms] = ref
    return [best[n] for n in sorted(best)]


def fit_starts(reference: Reference) -> list[Atoms]:
    """The starts a model energy of `reference`'s size is relaxed from: the PBE geometry, the
    compact cluster of `build_small_cluster`, and four copies of each rattled by 0.1 Å
    (seeds 0–3)."""
    from aucluster.structures.assemblies import build_small_cluster
    from aucluster.structures.geometry import in_vacuum_box

    base = [reference.atoms(), in_vacuum_box(build_small_cluster(reference.n_atoms), 8.0)]
    out = list(base)
    for seed in range(4):
        for atoms in base:
            copy = atoms.copy()
            copy.rattle(0.1, seed=seed)
            out.append(copy)
    return out


def model_binding(
    calculator_factory, starts: Sequence[Atoms], *, fmax_eV_per_A: float = 0.005
) -> tuple[float, Atoms]:
    """The largest binding energy [eV] (n E_atom − E_n) over relaxations of `starts` (all of
    one size) on calculators from `calculator_factory()`, and that relaxed structure."""
    if not starts:
        raise ParameterError("no starting structures")
    n = len(starts[0])
    single = Atoms("Au", positions=[[10.0, 10.0, 10.0]], cell=[20.0] * 3)
    single.calc = calculator_factory()
    e_atom = single.get_potential_energy()
    best, best_atoms = -np.inf, starts[0]
    for start in starts:
        if len(start) != n:
            raise ParameterError("starting structures of different sizes")
        work = start.copy()
        work.calc = calculator_factory()
        FIRE(work, logfile=None).run(fmax=fmax_eV_per_A, steps=5000)
        binding = n * e_atom - work.get_potential_energy()
        if binding > best:
            best, best_atoms = binding, work
    return float(best), best_atoms


__all__ = [
    "AU3_ATOMIZATION_EV",
    "AU3_ATOMIZATION_UNCERTAINTY_EV",
    "Reference",
    "fit_starts",
    "fitted_penalty",
    "model_binding",
    "reference_data",
    "references",
]

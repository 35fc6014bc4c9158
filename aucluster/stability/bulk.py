"""The bulk reference of a potential: fcc lattice constant and energy per atom at zero pressure.

Δ needs ε_bulk of the *same* potential. asap3 EMT is referenced to its own fcc crystal
(ε_bulk ≈ 0, Jacobsen, Stoltze & Nørskov, Surf. Sci. 366, 394 (1996)); the Gupta potential
gives the cohesive energy it was fitted to (≈ −3.8 eV for Au). Both are computed here, never
assumed, with the same calculator the clusters see: for Gupta the same cutoff (asap3's default
gives −3.82752 eV per atom; every pair, `--gupta-cutoff none`, the untruncated lattice sum
−3.82819 eV at a0 = 4.0685 Å).
"""

from dataclasses import dataclass
from functools import cache

from ase.build import bulk
from scipy.optimize import minimize_scalar

from aucluster.potentials import Potential, make_potential
from aucluster.potentials.gupta import GuptaCutoff
from aucluster.potentials.total import BALETTO_AU_GUPTA
from aucluster.structures.elements import lattice_constant


@dataclass(frozen=True, kw_only=True)
class BulkReference:
    """fcc bulk of one potential at its energy minimum (zero pressure, 0 K)."""

    potential: str
    element: str
    lattice_constant_A: float
    energy_per_atom_eV: float
    #: The Gupta cutoff ("asap3", a radius in Å or "none"); "" for EMT.
    gupta_cutoff: str = ""


def _energy_per_atom(potential: Potential, element: str, a0: float, cutoff: GuptaCutoff) -> float:
    reach = cutoff.reach_A(BALETTO_AU_GUPTA) if potential is Potential.GUPTA else 6.0
    repeat = max(4, int(2.0 * reach / a0) + 1)  # > 2 cutoffs wide: 4 cells (256 atoms) at least
    crystal = bulk(element, "fcc", a=a0, cubic=True).repeat(repeat)
    gupta = cutoff if potential is Potential.GUPTA else None
    crystal.calc = make_potential(potential, {element}, gupta_cutoff=gupta)
    return float(crystal.get_potential_energy()) / len(crystal)


def bulk_reference(
    potential: Potential | str = Potential.EMT,
    element: str = "Au",
    gupta_cutoff: GuptaCutoff | str | None = None,
) -> BulkReference:
    """Minimise the fcc energy per atom over the lattice constant (to 10⁻⁵ Å), with the
    Gupta cutoff `gupta_cutoff` (asap3's default when None)."""
    potential = Potential(potential)
    cutoff = GuptaCutoff.parse(gupta_cutoff if gupta_cutoff is not None else "asap3")
    if potential is Potential.EMT:
        make_potential(potential, {element}, gupta_cutoff=cutoff)  # refuses a Gupta setting
    return _bulk_reference(potential, element, cutoff)


@cache
def _bulk_reference(potential: Potential, element: str, cutoff: GuptaCutoff) -> BulkReference:
    guess = lattice_constant(element)
    result = minimize_scalar(
        lambda a: _energy_per_atom(potential, element, a, cutoff),
        bounds=(0.9 * guess, 1.1 * guess),
        method="bounded",
        options={"xatol": 1e-5},
    )
    return BulkReference(
        potential=str(potential),
        element=element,
        lattice_constant_A=float(result.x),
        energy_per_atom_eV=float(result.fun),
        gupta_cutoff=str(cutoff) if potential is Potential.GUPTA else "",
    )

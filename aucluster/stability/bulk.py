"""The bulk reference of a potential: fcc lattice constant and energy per atom at zero pressure.

Δ needs ε_bulk of the *same* potential. asap3 EMT is referenced to its own fcc crystal
(ε_bulk ≈ 0, Jacobsen, Stoltze & Nørskov, Surf. Sci. 366, 394 (1996)); the Gupta potential
gives the cohesive energy it was fitted to (≈ −3.8 eV for Au). Both are computed here, never
assumed.
"""

from dataclasses import dataclass
from functools import cache

from ase.build import bulk
from scipy.optimize import minimize_scalar

from aucluster.potentials import Potential, make_potential
from aucluster.structures.elements import lattice_constant


@dataclass(frozen=True, kw_only=True)
class BulkReference:
    """fcc bulk of one potential at its energy minimum (zero pressure, 0 K)."""

    potential: str
    element: str
    lattice_constant_A: float
    energy_per_atom_eV: float


def _energy_per_atom(potential: Potential, element: str, a0: float) -> float:
    crystal = bulk(element, "fcc", a=a0, cubic=True).repeat(4)  # 256 atoms, > 2 cutoffs wide
    crystal.calc = make_potential(potential, {element})
    return float(crystal.get_potential_energy()) / len(crystal)


@cache
def bulk_reference(
    potential: Potential | str = Potential.EMT, element: str = "Au"
) -> BulkReference:
    """Minimise the fcc energy per atom over the lattice constant (to 10⁻⁵ Å)."""
    potential = Potential(potential)
    guess = lattice_constant(element)
    result = minimize_scalar(
        lambda a: _energy_per_atom(potential, element, a),
        bounds=(0.9 * guess, 1.1 * guess),
        method="bounded",
        options={"xatol": 1e-5},
    )
    return BulkReference(
        potential=str(potential),
        element=element,
        lattice_constant_A=float(result.x),
        energy_per_atom_eV=float(result.fun),
    )

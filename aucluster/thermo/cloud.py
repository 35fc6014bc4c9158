"""Which species dissolves: the cost of moving atoms from the bulk into a small cluster.

The cloud around a particle holds whatever species is cheapest to make from the crystal. At
0 K and per atom, for a cluster of n atoms relaxed on a Hamiltonian (potential, Au₂
correction, implicit solvent; `aucluster.potentials.Hamiltonian`),

.. math::

    \\Delta_n = E_n / n - \\varepsilon_{bulk},

with E_n the cluster's relaxed energy and ε_bulk the potential's fcc energy per atom at zero
pressure (`aucluster.stability.bulk_reference`; the solvent and the small-cluster correction
vanish in the bulk). Δ₁ is the cohesive energy less the solvent's gain μ_s; a species with
Δ_n ≤ 0 is more stable than the crystal, which then dissolves into it without limit. In
equilibrium the cloud holds species n at a density ∝ exp(−n Δ_n / kT) (times its internal and
translational partition functions, not included here), so the n with the lowest Δ_n
dominates a dense cloud.

This is an energy balance, not a free energy: it tells which species the model favours, and
where the solvent reward makes a species cheaper than the bulk; the cloud's density at
temperature is measured by MD (`aucluster.thermo.solubility`).
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
from ase import Atoms

from aucluster.errors import ParameterError
from aucluster.potentials import Hamiltonian
from aucluster.stability.bulk import bulk_reference
from aucluster.stability.relax import relax
from aucluster.structures.assemblies import build_small_cluster
from aucluster.structures.geometry import in_vacuum_box

#: The sizes of `dissolution_costs` by default: monomer to the 13-atom icosahedron.
DEFAULT_SIZES = (1, 2, 3, 4, 5, 6, 7, 13)


@dataclass(frozen=True, kw_only=True)
class DissolutionCost:
    """Δ_n of the module notes for one cluster size."""

    n_atoms: int
    energy_eV: float
    cost_eV_per_atom: float


def _relaxed_energy(atoms: Atoms, hamiltonian: Hamiltonian, fmax: float, steps: int) -> float:
    calculator = hamiltonian.calculator(set(atoms.get_chemical_symbols()))
    return relax(atoms, calculator=calculator, fmax=fmax, max_steps=steps).energy_eV


def dissolution_costs(
    hamiltonian: Hamiltonian,
    sizes: Iterable[int] = DEFAULT_SIZES,
    *,
    element: str = "Au",
    fmax_eV_per_A: float = 0.01,
    max_steps: int = 3000,
    rattle_A: float = 0.05,
) -> list[DissolutionCost]:
    """Δ_n [eV/atom] for each size in `sizes`, each cluster built by
    `aucluster.structures.build_small_cluster` (13 → Mackay icosahedron, others → its
    fragments), rattled by `rattle_A` [Å] (seed n) so that symmetric saddles are left, and
    relaxed with FIRE (`aucluster.stability.relax`) to `fmax_eV_per_A` on `hamiltonian`."""
    if hamiltonian.wall is not None:
        raise ParameterError("dissolution costs are for clusters without a wall")
    reference = bulk_reference(hamiltonian.potential, element).energy_per_atom_eV
    rows = []
    for n in sizes:
        atoms = in_vacuum_box(build_small_cluster(n, element=element), 10.0)
        if n > 1 and rattle_A > 0:
            atoms.rattle(rattle_A, seed=int(n))
        energy = _relaxed_energy(atoms, hamiltonian, fmax_eV_per_A, max_steps)
        rows.append(
            DissolutionCost(
                n_atoms=int(n), energy_eV=energy, cost_eV_per_atom=energy / n - reference
            )
        )
    return rows


def cheapest_species(costs: Sequence[DissolutionCost]) -> DissolutionCost:
    """The size with the lowest Δ_n: what a dense cloud of this model is made of."""
    if not costs:
        raise ParameterError("no dissolution costs given")
    return costs[int(np.argmin([c.cost_eV_per_atom for c in costs]))]


__all__ = ["DEFAULT_SIZES", "DissolutionCost", "cheapest_species", "dissolution_costs"]

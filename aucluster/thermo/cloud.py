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
    #: Whether the relaxed cluster is still one piece (bonds within 3.7 Å): a cluster the
    #: Hamiltonian does not bind falls apart, and its Δ_n is then that of its fragments.
    intact: bool = True


def _relaxed(atoms: Atoms, hamiltonian: Hamiltonian, fmax: float, steps: int):
    calculator = hamiltonian.calculator(set(atoms.get_chemical_symbols()))
    return relax(atoms, calculator=calculator, fmax=fmax, max_steps=steps)


def _one_piece(atoms: Atoms, cutoff_A: float = 3.7) -> bool:
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components
    from scipy.spatial import cKDTree

    if len(atoms) < 2:
        return True
    pairs = cKDTree(atoms.positions).query_pairs(cutoff_A, output_type="ndarray")
    n = len(atoms)
    graph = coo_matrix((np.ones(len(pairs)), (pairs[:, 0], pairs[:, 1])), shape=(n, n))
    return connected_components(graph, directed=False)[0] == 1


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
        relaxed = _relaxed(atoms, hamiltonian, fmax_eV_per_A, max_steps)
        energy = relaxed.energy_eV
        rows.append(
            DissolutionCost(
                n_atoms=int(n),
                energy_eV=energy,
                cost_eV_per_atom=energy / n - reference,
                intact=_one_piece(relaxed.atoms),
            )
        )
    return rows


def cheapest_species(costs: Sequence[DissolutionCost]) -> DissolutionCost:
    """The size with the lowest Δ_n among the clusters that stay in one piece: what a dense
    cloud of this model is made of."""
    bound = [c for c in costs if c.intact]
    if not bound:
        raise ParameterError("no dissolution costs given (or no cluster stayed in one piece)")
    return bound[int(np.argmin([c.cost_eV_per_atom for c in bound]))]


__all__ = ["DEFAULT_SIZES", "DissolutionCost", "cheapest_species", "dissolution_costs"]

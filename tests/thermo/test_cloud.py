"""Dissolution costs Δ_n against exact facts of the Hamiltonian: the isolated atom gains μ_s,
the corrected dimer binds by D_e = D₀ + ħω_e/2 (Huber & Herzberg 1979), and a dimer atom
(one neighbour inside 3.1 Å) gains μ_s (5/6)² from the solvent."""

import numpy as np
import pytest
from ase import Atoms, units

from aucluster.errors import ParameterError
from aucluster.potentials import Hamiltonian, SolventParameters, WallParameters, make_potential
from aucluster.potentials.correction import AU2_D0_EV, AU2_OMEGA_CM
from aucluster.stability.bulk import bulk_reference
from aucluster.thermo.cloud import cheapest_species, dissolution_costs


def _emt_cohesive_energy() -> float:
    atom = Atoms("Au", positions=[[10, 10, 10]], cell=[20] * 3)
    atom.calc = make_potential("emt", {"Au"})
    return atom.get_potential_energy() - bulk_reference("emt").energy_per_atom_eV


def _costs(mu_eV: float, correction: bool) -> dict[int, float]:
    hamiltonian = Hamiltonian(solvent=SolventParameters(mu_eV=mu_eV), cluster_correction=correction)
    return {c.n_atoms: c.cost_eV_per_atom for c in dissolution_costs(hamiltonian, (1, 2))}


def test_monomer_and_dimer_costs_are_the_exact_values():
    e_c = _emt_cohesive_energy()
    plain, solvated = _costs(0.0, True), _costs(1.0, True)
    assert plain[1] == pytest.approx(e_c, abs=1e-9)
    assert solvated[1] == pytest.approx(e_c - 1.0, abs=1e-9)
    zero_point = 0.5 * units._hbar * 2 * np.pi * units._c * 100 * AU2_OMEGA_CM / units._e
    assert plain[2] == pytest.approx(e_c - 0.5 * (AU2_D0_EV + zero_point), abs=0.05)
    assert solvated[2] - plain[2] == pytest.approx(-1.0 * (5 / 6) ** 2, abs=1e-4)
    # without the correction the dimer is EMT's, bound by 5.14 eV (issue 15's measurement)
    assert _costs(0.0, False)[2] == pytest.approx(e_c - 5.14 / 2, abs=0.01)


def test_cheapest_species_and_refusals():
    costs = dissolution_costs(Hamiltonian(cluster_correction=True), (1, 2))
    assert cheapest_species(costs).n_atoms == 2  # bound atoms are cheaper without solvent
    with pytest.raises(ParameterError):
        cheapest_species([])
    with pytest.raises(ParameterError, match="wall"):
        dissolution_costs(Hamiltonian(wall=WallParameters(radius=10.0)), (1,))

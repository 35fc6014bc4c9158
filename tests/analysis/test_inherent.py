"""Inherent structures: the quench is ASE's FIRE step for step, converges, and leaves the
frame alone; quenched labels hold where instantaneous ones flicker."""

import numpy as np
import pytest
from ase.optimize import FIRE

from aucluster.analysis.inherent import quench
from aucluster.errors import ParameterError
from aucluster.potentials import Hamiltonian, SolventParameters, make_calculator
from aucluster.structures import build_icosahedron


def _hot_icosahedron(seed: int = 3, amplitude: float = 0.15):
    atoms = build_icosahedron(3)  # 55 atoms
    rng = np.random.default_rng(seed)
    atoms.positions += rng.normal(0.0, amplitude, atoms.positions.shape)
    return atoms


@pytest.mark.parametrize(
    "hamiltonian", [Hamiltonian(), Hamiltonian(solvent=SolventParameters(mu_eV=1.0))]
)
def test_quench_takes_ase_fires_steps(hamiltonian):
    # side by side with ase.optimize.FIRE (same parameters): the same positions after 40 steps
    hot = _hot_icosahedron()
    reference = hot.copy()
    reference.calc = make_calculator(
        hamiltonian.potential, {"Au"}, solvent=hamiltonian.solvent, wall=hamiltonian.wall
    )
    FIRE(reference, logfile=None).run(fmax=1e-12, steps=40)
    ours = quench(hot, hamiltonian, fmax=1e-12, max_steps=40)
    assert ours.n_steps == 40
    assert not ours.converged
    np.testing.assert_allclose(ours.atoms.positions, reference.positions, atol=1e-10)


def test_quench_reaches_the_tolerance_and_leaves_the_frame_alone():
    hot = _hot_icosahedron()
    before = hot.positions.copy()
    result = quench(hot, fmax=0.01)
    assert result.converged
    assert result.max_force_eV_per_A < 0.01
    np.testing.assert_array_equal(hot.positions, before)  # the trajectory frame is untouched
    relaxed = result.atoms.copy()
    relaxed.calc = make_calculator("emt", {"Au"})
    forces = relaxed.get_forces()
    assert np.sqrt((forces**2).sum(axis=1)).max() < 0.01
    # an exact minimum quenches in no step
    again = quench(result.atoms, fmax=0.01)
    assert again.n_steps == 0


def test_quench_bad_input():
    with pytest.raises(ParameterError, match="fmax"):
        quench(_hot_icosahedron(), fmax=0.0)
    with pytest.raises(ParameterError, match="max_steps"):
        quench(_hot_icosahedron(), max_steps=-1)

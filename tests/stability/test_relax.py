"""`relax.fire` is ASE's FIRE step for step: the same steps and the same floats."""

import numpy as np
import pytest
from ase.calculators.lj import LennardJones
from ase.optimize import FIRE

from aucluster.potentials import make_potential
from aucluster.stability.relax import fire
from aucluster.structures import build_icosahedron, build_octahedron
from aucluster.structures.geometry import in_vacuum_box


def _calculator(name: str):
    if name == "lj":
        return LennardJones(epsilon=1.0, sigma=2.6, rc=8.0, smooth=True)
    return make_potential(name, {"Au"})


@pytest.mark.parametrize("potential", ["emt", "gupta", "lj"])
@pytest.mark.parametrize("max_steps", [7, 5000])
def test_fire_takes_ases_steps_exactly(potential, max_steps):
    for index, atoms in enumerate([build_icosahedron(3), build_octahedron(4, 1)]):
        atoms = in_vacuum_box(atoms)
        atoms.rattle(0.15, seed=index)
        ours, ases = atoms.copy(), atoms.copy()
        ours.calc, ases.calc = _calculator(potential), _calculator(potential)
        converged, steps = fire(ours, 0.01, max_steps)
        optimizer = FIRE(ases, logfile=None)
        ase_converged = optimizer.run(fmax=0.01, steps=max_steps)
        assert (converged, steps) == (ase_converged, optimizer.nsteps)
        assert steps > 20 if max_steps > 7 else steps == 7
        np.testing.assert_array_equal(ours.positions, ases.positions)


def test_fire_leaves_a_converged_structure_alone():
    atoms = in_vacuum_box(build_icosahedron(3))
    atoms.calc = _calculator("emt")
    fire(atoms, 0.01, 5000)
    start = atoms.positions.copy()
    assert fire(atoms, 0.01, 5000) == (True, 0)
    np.testing.assert_array_equal(atoms.positions, start)

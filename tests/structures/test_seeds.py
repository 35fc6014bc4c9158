"""Polycrystalline seeds and core + disordered-shell particles."""

import math

import numpy as np
import pytest

from aucluster.errors import ParameterError
from aucluster.structures import Region, build_core_shell, build_polycrystal, minimum_distance
from aucluster.structures.seeds import AMORPHOUS_RELATIVE_DENSITY, GRAIN_BOUNDARY_MIN_FRACTION

AU_NN = 4.08 / math.sqrt(2)  # Å, a0/√2 with ase.data's Au lattice constant
SEEDS = range(12)
#: Slack on the shell atom count: rounding of density × volume to a whole atom.
COUNT_ATOL = 1
#: Shell atoms are placed ≥ 0.75 d apart and then only pushed apart by EMT's repulsion;
#: after the quench they must still be at least that far apart.
SHELL_MIN_FRACTION = 0.75


@pytest.mark.parametrize("seed", SEEDS)
def test_polycrystal_minimum_distance_and_grains(seed):
    atoms = build_polycrystal(14.0, 4, seed=seed)
    assert minimum_distance(atoms) >= GRAIN_BOUNDARY_MIN_FRACTION * AU_NN - 1e-9
    assert sorted(set(atoms.arrays["grain"].tolist())) == [0, 1, 2, 3]
    centre = atoms.positions.mean(axis=0)
    assert np.linalg.norm(atoms.positions - centre, axis=1).max() <= 2 * 14.0


def test_polycrystal_grains_are_crystals_with_distinct_orientations():
    atoms = build_polycrystal(16.0, 3, seed=5)
    # inside one grain every distance to a nearest neighbour is a perfect-lattice one
    for g in range(3):
        grain = atoms[atoms.arrays["grain"] == g]
        dist = np.sort(
            np.linalg.norm(grain.positions[:, None] - grain.positions[None], axis=2), axis=1
        )[:, 1]
        assert np.isclose(dist, AU_NN, atol=1e-6).mean() > 0.95


def test_polycrystal_same_seed_same_structure_other_seed_differs():
    a = build_polycrystal(12.0, 3, seed=7)
    b = build_polycrystal(12.0, 3, seed=7)
    c = build_polycrystal(12.0, 3, seed=8)
    assert np.array_equal(a.positions, b.positions)
    assert len(a) != len(c) or not np.allclose(a.positions, c.positions)
    assert a.info["seed"] == 7
    assert a.info["n_grains"] == 3


@pytest.mark.parametrize("seed", range(4))
def test_core_shell_distances_counts_and_regions(seed):
    atoms = build_core_shell(7.0, 4.0, seed=seed)
    region = atoms.arrays["build_region"]
    n_core, n_shell = (region == Region.CORE).sum(), (region == Region.SHELL).sum()
    assert n_core == atoms.info["n_core"]
    assert n_shell == atoms.info["n_shell"]
    expected = AMORPHOUS_RELATIVE_DENSITY * 4 / 4.08**3 * 4 / 3 * math.pi * (11.0**3 - 7.0**3)
    assert abs(n_shell - expected) <= COUNT_ATOL
    assert minimum_distance(atoms) >= SHELL_MIN_FRACTION * AU_NN
    # the core was held fixed during the quench: still a perfect fcc sphere
    core = atoms[region == Region.CORE]
    assert minimum_distance(core) == pytest.approx(AU_NN, abs=1e-9)


def test_core_shell_is_reproducible_and_relaxed():
    from asap3 import EMT

    a = build_core_shell(6.0, 3.0, seed=3)
    b = build_core_shell(6.0, 3.0, seed=3)
    assert np.array_equal(a.positions, b.positions)
    assert a.info["relaxed"] is True
    placed = build_core_shell(6.0, 3.0, seed=3, relax=False)  # same placement, not quenched
    placed.calc = EMT()
    shell = placed.arrays["build_region"] == Region.SHELL
    initial = np.linalg.norm(placed.get_forces()[shell], axis=1).max()
    assert a.info["residual_fmax_eV_per_A"] < 0.1 * initial


def test_unrelaxed_core_shell_keeps_placement_distance():
    atoms = build_core_shell(6.0, 3.0, seed=1, relax=False)
    assert minimum_distance(atoms) >= SHELL_MIN_FRACTION * AU_NN - 1e-9
    assert "residual_fmax_eV_per_A" not in atoms.info


@pytest.mark.parametrize(
    "call",
    [
        lambda: build_polycrystal(-3.0, 3, seed=0),
        lambda: build_polycrystal(10.0, 0, seed=0),
        lambda: build_polycrystal(2.0, 3, seed=0),
        lambda: build_core_shell(5.0, -1.0, seed=0),
        lambda: build_core_shell(0.0, 3.0, seed=0),
        lambda: build_core_shell(5.0, 3.0, seed=0, shell_density=2.0),
    ],
)
def test_seed_errors(call):
    with pytest.raises(ParameterError):
        call()

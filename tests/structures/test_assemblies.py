"""Core + cloud and core + satellites: no overlaps, exact gaps, reproducible, inputs untouched."""

import math

import numpy as np
import pytest
from scipy.spatial import cKDTree

from aucluster.errors import ParameterError
from aucluster.structures import (
    Region,
    build_core_cloud,
    build_core_satellites,
    build_icosahedron,
    build_small_cluster,
    default_directions,
    minimum_distance,
    parse_size_distribution,
    point_group,
)

AU_NN = 4.08 / math.sqrt(2)  # Å, a0/√2 with ase.data's Au lattice constant
#: Bisection of the satellite distance stops at 1e-7 Å; the closest contact is then this exact.
GAP_ATOL = 1e-6
#: Double-icosahedron centre–centre bond, the shortest bond of any cloud cluster: 2d/√5.
SHORTEST_CLUSTER_BOND = 2 * AU_NN / math.sqrt(5)


def _pieces(atoms, key):
    ids = atoms.arrays[key]
    return [atoms.positions[ids == i] for i in np.unique(ids)]


def _closest_between_pieces(atoms, key):
    pieces = _pieces(atoms, key)
    return min(cKDTree(a).query(b)[0].min() for i, a in enumerate(pieces) for b in pieces[:i])


@pytest.fixture(scope="module")
def core():
    return build_icosahedron(4)  # 147 atoms, radius 3·a0/√2 ≈ 8.7 Å


@pytest.mark.parametrize("seed", range(10))
def test_cloud_separation_shell_and_count(core, seed):
    atoms = build_core_cloud(
        core, inner_radius=11.0, outer_radius=24.0, density_per_nm3=3.0, seed=seed
    )
    sep = atoms.info["separation"]
    assert sep == pytest.approx(2 * AU_NN)
    assert _closest_between_pieces(atoms, "cloud_cluster") >= sep - 1e-9
    assert minimum_distance(atoms) >= SHORTEST_CLUSTER_BOND - 1e-9
    cloud = atoms.arrays["build_region"] == Region.CLOUD
    core_centre = atoms.positions[~cloud].mean(axis=0)
    r = np.linalg.norm(atoms.positions[cloud] - core_centre, axis=1)
    assert r.min() >= 11.0 - 1e-9
    assert r.max() <= 24.0 + 1e-9
    target = 3.0 * 4 / 3 * math.pi * (24.0**3 - 11.0**3) / 1000
    assert target <= cloud.sum() < target + 38  # first draw that reaches the target
    assert cloud.sum() == atoms.info["n_cloud_atoms"]
    assert (~cloud).sum() == len(core)


def test_cloud_holds_the_requested_sizes(core):
    atoms = build_core_cloud(
        core,
        inner_radius=11.0,
        outer_radius=26.0,
        density_per_nm3=2.0,
        size_distribution={1: 1.0, 13: 1.0},
        seed=4,
    )
    sizes = [len(p) for p in _pieces(atoms, "cloud_cluster")]
    assert sizes[0] == len(core)  # id −1 sorts first
    assert set(sizes[1:]) == {1, 13}


def test_cloud_is_reproducible_and_leaves_core_untouched(core):
    before = core.positions.copy()
    a = build_core_cloud(core, inner_radius=11.0, outer_radius=22.0, density_per_nm3=2.0, seed=9)
    b = build_core_cloud(core, inner_radius=11.0, outer_radius=22.0, density_per_nm3=2.0, seed=9)
    assert np.array_equal(a.positions, b.positions)
    assert np.array_equal(core.positions, before)


@pytest.mark.parametrize(
    "kwargs",
    [
        {"inner_radius": 5.0, "outer_radius": 20.0, "density_per_nm3": 1.0},  # inside the core
        {"inner_radius": 12.0, "outer_radius": 11.0, "density_per_nm3": 1.0},
        {"inner_radius": 11.0, "outer_radius": 20.0, "density_per_nm3": 0.0},
        {"inner_radius": 11.0, "outer_radius": 16.0, "density_per_nm3": 40.0},  # too dense
        {
            "inner_radius": 11.0,
            "outer_radius": 14.0,
            "density_per_nm3": 1.0,
            "size_distribution": {147: 1.0},
        },  # cluster does not fit the shell
        {
            "inner_radius": 11.0,
            "outer_radius": 20.0,
            "density_per_nm3": 1.0,
            "size_distribution": {0: 1.0},
        },
    ],
)
def test_cloud_errors(core, kwargs):
    with pytest.raises(ParameterError):
        build_core_cloud(core, seed=0, **kwargs)


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("gap", [0.0, 1.5])
def test_satellites_sit_at_the_requested_gap(core, seed, gap):
    sat = build_icosahedron(3)
    atoms = build_core_satellites(core, sat, 4, gap=gap, seed=seed)
    ids = atoms.arrays["satellite"]
    core_pos = atoms.positions[ids == -1]
    for i in range(4):
        closest = cKDTree(core_pos).query(atoms.positions[ids == i])[0].min()
        assert closest == pytest.approx(AU_NN + gap, abs=GAP_ATOL)
    assert _closest_between_pieces(atoms, "satellite") >= AU_NN + gap - GAP_ATOL
    assert len(atoms) == len(core) + 4 * len(sat)


def test_satellites_are_rigid_copies(core):
    sat = build_icosahedron(3)
    atoms = build_core_satellites(core, sat, 2, gap=1.0, seed=1)
    for i in range(2):
        piece = atoms[atoms.arrays["satellite"] == i]
        assert point_group(piece) == "Ih"


def test_satellites_leave_inputs_untouched_and_reproduce(core):
    sat = build_icosahedron(3)
    before = (core.positions.copy(), sat.positions.copy())
    a = build_core_satellites(core, sat, 3, gap=0.5, seed=2)
    b = build_core_satellites(core, sat, 3, gap=0.5, seed=2)
    assert np.array_equal(a.positions, b.positions)
    assert np.array_equal(core.positions, before[0])
    assert np.array_equal(sat.positions, before[1])


def test_satellite_errors(core):
    sat = build_icosahedron(4)
    with pytest.raises(ParameterError, match="overlap"):
        build_core_satellites(core, sat, 12, gap=0.0, seed=0)
    with pytest.raises(ParameterError):
        build_core_satellites(core, sat, 2, gap=-1.0, seed=0)
    with pytest.raises(ParameterError):
        build_core_satellites(core, sat, 2, directions=np.zeros((2, 3)), seed=0)


@pytest.mark.parametrize("n", [1, 2, 3, 4, 6, 9])
def test_default_directions_are_unit_and_spread(n):
    dirs = default_directions(n)
    assert dirs.shape == (n, 3)
    assert np.allclose(np.linalg.norm(dirs, axis=1), 1.0)
    assert np.linalg.norm(dirs.sum(axis=0)) < 1e-9 or n in (1, 9)


def test_tetrahedral_directions():
    dirs = default_directions(4)
    cosines = (dirs @ dirs.T)[np.triu_indices(4, 1)]
    assert np.allclose(cosines, -1.0 / 3.0)  # tetrahedral angle, arccos(−1/3)


@pytest.mark.parametrize(
    ("n", "motif"),
    [
        (1, "monomer"),
        (13, "icosahedron"),
        (19, "double-icosahedron"),
        (38, "truncated-octahedron"),
        (20, "icosahedral-fragment"),
    ],
)
def test_small_cluster_rule(n, motif):
    cluster = build_small_cluster(n)
    assert len(cluster) == n
    assert cluster.info["motif"] == motif
    assert np.allclose(cluster.positions.mean(axis=0), 0.0)


def test_size_distribution_parsing():
    assert parse_size_distribution("1:0.7,13:0.3") == {1: 0.7, 13: 0.3}
    with pytest.raises(ParameterError):
        parse_size_distribution("1-0.7")


def test_a_polycrystalline_core_is_the_polycrystal_of_the_same_seed():
    """core_grains with core_radius: the host of a coalescence arm is the very seed of its
    host-alone arm (claims study), so the arms differ only by the satellites."""
    from aucluster.structures.registry import build_structure

    host = build_structure("polycrystal", {"radius": 12.0, "grains": 3, "seed": 5})
    both = build_structure(
        "core-satellites",
        {"core_radius": 12.0, "core_grains": 3, "satellites": 2, "satellite_size": 13, "seed": 5},
    )
    assert len(both) == len(host) + 2 * 13
    # the host's atoms keep their relative positions (the assembly only re-centres the box)
    shift = both.positions[0] - host.positions[0]
    assert np.allclose(both.positions[: len(host)], host.positions + shift, atol=1e-9)
    with pytest.raises(ParameterError, match="core_grains goes with core_radius"):
        build_structure(
            "core-satellites",
            {
                "core_motif": "icosahedron",
                "core_atoms": 55,
                "core_grains": 3,
                "satellites": 1,
                "satellite_size": 13,
            },
        )

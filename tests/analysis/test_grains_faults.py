"""Grains, orientations and planar faults on structures whose answer is known by construction."""

import numpy as np
import pytest
from scipy.spatial.transform import Rotation

from aucluster.analysis import (
    FaultKind,
    adaptive_cna,
    cubic_misorientation,
    lattice_orientations,
    planar_faults,
    segment_grains,
)
from aucluster.errors import ParameterError
from aucluster.structures import (
    build_decahedron,
    build_octahedron,
    build_polycrystal,
    build_stacked,
)

from .conftest import thermalise

# Stacking sequences (exact structural facts of close packing): a mirror in the sequence is a
# twin (one hcp layer), a missing layer an intrinsic fault (two adjacent hcp layers), an
# inserted layer an extrinsic fault (two hcp layers with one fcc layer between).
PERFECT = "ABCABCABCABC"
TWIN = "ABCABCBACBACB"
INTRINSIC = "ABCABABCABC"
EXTRINSIC = "ABCABACABCA"
RADIUS = 14.0  # [Å], ~670 atoms

#: The angle between twins: 60° about <111> (exact, Σ3 twin).
TWIN_MISORIENTATION_DEG = 60.0
#: Between neighbouring decahedron segments: 70.53° = arccos(1/3) about <110> (exact).
DECAHEDRON_SEGMENT_DEG = 70.53


def _grains(atoms):
    cna = adaptive_cna(atoms)
    return cna, segment_grains(cna, lattice_orientations(atoms))


def test_single_crystal_is_one_grain_with_share_one():
    _, grains = _grains(build_octahedron(12, 4))
    assert grains.n_grains == 1
    assert grains.largest_share == pytest.approx(1.0)


def test_twinned_bicrystal_is_two_grains_60_degrees_apart():
    _, grains = _grains(build_stacked(TWIN, RADIUS))
    assert grains.n_grains == 2
    angle = cubic_misorientation(grains.orientations[0], grains.orientations[1])
    np.testing.assert_allclose(angle, TWIN_MISORIENTATION_DEG, atol=0.5)


def test_decahedron_is_five_segments():
    _, grains = _grains(build_decahedron(4, 2, 2))
    assert grains.n_grains == 5
    assert len(set(grains.sizes.tolist())) == 1  # five equal segments by symmetry


def test_grains_survive_thermal_motion():
    for atoms, expected in ((build_stacked(TWIN, RADIUS), 2), (build_decahedron(4, 2, 2), 5)):
        _, grains = _grains(thermalise(atoms, 300.0, 300, seed=2))
        assert grains.n_grains == expected


@pytest.mark.parametrize("n_grains", [1, 2, 3, 4])
def test_k_grain_seed_gives_about_k_grains(n_grains):
    found = [_grains(build_polycrystal(22.0, n_grains, seed=s))[1].n_grains for s in (3, 4, 5)]
    assert all(abs(f - n_grains) <= 1 for f in found), found
    assert sorted(found)[1] == n_grains, found  # the median is exact


def test_stacking_fault_does_not_split_a_grain_but_a_twin_does():
    assert _grains(build_stacked(INTRINSIC, RADIUS))[1].n_grains == 1
    assert _grains(build_stacked(TWIN, RADIUS))[1].n_grains == 2


def test_orientation_follows_a_rotation_of_the_crystal():
    atoms = build_octahedron(8, 3)
    rotation = Rotation.from_euler("zxz", [20.0, 35.0, 50.0], degrees=True)
    turned = atoms.copy()
    turned.positions = rotation.apply(atoms.positions - atoms.get_center_of_mass())
    turned.positions += atoms.get_center_of_mass()
    before, after = lattice_orientations(atoms), lattice_orientations(turned)
    fcc = adaptive_cna(atoms).structure == 1
    expected = (rotation * Rotation.from_quat(before[fcc])).as_quat()
    np.testing.assert_allclose(cubic_misorientation(after[fcc], expected), 0.0, atol=1e-3)


def test_misorientation_is_zero_for_cubic_symmetry_and_exact_for_a_known_angle():
    identity = np.array([0.0, 0.0, 0.0, 1.0])
    quarter_turn = Rotation.from_euler("z", 90.0, degrees=True).as_quat()
    small = Rotation.from_euler("x", 7.0, degrees=True).as_quat()
    # arccos near 1 loses half the digits: 1e-4° is the honest resolution.
    np.testing.assert_allclose(cubic_misorientation(identity, quarter_turn), 0.0, atol=1e-4)
    np.testing.assert_allclose(cubic_misorientation(identity, small), 7.0, atol=1e-4)


def test_liquid_has_no_orientation_with_an_rmsd_cutoff():
    melt = thermalise(build_octahedron(7, 2), 1500.0, 2000, seed=4)
    assert np.isnan(lattice_orientations(melt)).any(axis=1).mean() > 0.9


def test_bad_grain_parameters_are_refused():
    cna = adaptive_cna(build_octahedron(5))
    orientations = lattice_orientations(build_octahedron(5))
    with pytest.raises(ParameterError, match="max_misorientation_deg"):
        segment_grains(cna, orientations, max_misorientation_deg=75.0)
    with pytest.raises(ParameterError, match="min_size"):
        segment_grains(cna, orientations, min_size=0)


@pytest.mark.parametrize(
    ("sequence", "expected"),
    [
        (PERFECT, []),
        (TWIN, [FaultKind.TWIN]),
        (INTRINSIC, [FaultKind.INTRINSIC]),
        (EXTRINSIC, [FaultKind.EXTRINSIC]),
        ("ABCABCBACBACBCABCA", [FaultKind.TWIN, FaultKind.TWIN]),
    ],
)
def test_planar_faults_of_stacking_sequences(sequence, expected):
    atoms = build_stacked(sequence, RADIUS)
    faults = planar_faults(atoms, adaptive_cna(atoms))
    assert sorted(f.kind for f in faults) == sorted(expected)
    for f in faults:  # the builder stacks along z
        np.testing.assert_allclose(np.abs(f.normal), [0.0, 0.0, 1.0], atol=1e-6)
        assert set(atoms.arrays["layer"][f.atoms]) <= set(range(len(sequence)))


def test_fault_layers_are_where_the_sequence_says():
    atoms = build_stacked(TWIN, RADIUS)
    (fault,) = planar_faults(atoms, adaptive_cna(atoms))
    # The mirror layer is the one between two equal letters: TWIN[5] = C between B and B.
    assert set(atoms.arrays["layer"][fault.atoms]) == {5}


def test_decahedron_has_five_twin_planes_at_72_degrees():
    atoms = build_decahedron(4, 2, 2)
    faults = planar_faults(atoms, adaptive_cna(atoms))
    assert [f.kind for f in faults] == [FaultKind.TWIN] * 5
    normals = np.array([f.normal for f in faults])
    angles = np.degrees(np.arccos(np.clip(np.abs(normals @ normals.T), 0, 1)))
    # Planes through one axis at multiples of 36°, folded into [0, 90]: 36° and 72°.
    off_diagonal = angles[~np.eye(5, dtype=bool)]
    assert np.all(
        np.isclose(off_diagonal, 36.0, atol=1.5) | np.isclose(off_diagonal, 72.0, atol=1.5)
    )

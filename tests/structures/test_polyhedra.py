"""Exact structural facts about the polyhedral builders."""

import math

import numpy as np
import pytest
from scipy.spatial.distance import pdist

from aucluster.errors import ParameterError
from aucluster.structures import (
    SUPPORTED_ELEMENTS,
    build_cuboctahedron,
    build_decahedron,
    build_double_icosahedron,
    build_fcc_sphere,
    build_icosahedron,
    build_octahedron,
    describe,
    lattice_constant,
    minimum_distance,
    point_group,
)

#: Mackay icosahedra and cuboctahedra with 1–7 shells (Mackay, Acta Cryst. 15, 916 (1962)).
MACKAY_NUMBERS = (1, 13, 55, 147, 309, 561, 923)
#: Au fcc lattice constant of ase.data's reference states (Kittel) [Å].
AU_A0 = 4.08
#: Intra-shell over radial distance in a Mackay icosahedron: the circumradius of a regular
#: icosahedron is sin(2π/5) times its edge (exact geometry).
MACKAY_RADIAL_OVER_EDGE = math.sin(2 * math.pi / 5)
#: Surface atoms of Mackay icosahedra: the outer shell holds 10k² + 2 atoms (k = shells − 1).
ICOSAHEDRON_SURFACE = {13: 12, 55: 42, 147: 92}
DISTANCE_ATOL = 1e-9  # Å, ideal lattice sites from exact arithmetic


@pytest.mark.parametrize(("n_shells", "n_atoms"), list(enumerate(MACKAY_NUMBERS, start=1)))
def test_icosahedron_and_cuboctahedron_sizes(n_shells, n_atoms):
    assert len(build_icosahedron(n_shells)) == n_atoms
    assert len(build_cuboctahedron(n_shells)) == n_atoms


def test_icosahedron_centre_to_vertex_over_edge_is_mackay_ratio():
    atoms = build_icosahedron(2)
    centre = atoms.positions.mean(axis=0)
    radial = np.linalg.norm(atoms.positions - centre, axis=1)
    radial = radial[radial > 1e-6]
    edge = np.sort(pdist(atoms.positions))[12]  # the 12 radial bonds come first, then edges
    assert radial.max() / edge == pytest.approx(MACKAY_RADIAL_OVER_EDGE, rel=1e-12)


@pytest.mark.parametrize(
    "builder",
    [
        lambda **k: build_icosahedron(4, **k),
        lambda **k: build_cuboctahedron(4, **k),
        lambda **k: build_decahedron(3, 3, 0, **k),
        lambda **k: build_decahedron(3, 2, 1, **k),
        lambda **k: build_octahedron(6, **k),
        lambda **k: build_octahedron(7, 2, **k),
        lambda **k: build_fcc_sphere(9.0, **k),
    ],
)
@pytest.mark.parametrize("element", ["Au", "Cu", "Pt"])
def test_nearest_neighbour_distance_is_a0_over_sqrt2(builder, element):
    atoms = builder(element=element)
    assert set(atoms.get_chemical_symbols()) == {element}
    assert minimum_distance(atoms) == pytest.approx(
        lattice_constant(element) / math.sqrt(2), abs=DISTANCE_ATOL
    )


def test_au_lattice_constant_is_the_reference_value():
    assert lattice_constant("Au") == AU_A0


def test_lattice_constant_override_scales_the_cluster():
    assert minimum_distance(build_icosahedron(3, a0=4.0)) == pytest.approx(
        4.0 / math.sqrt(2), abs=DISTANCE_ATOL
    )


@pytest.mark.parametrize(
    ("atoms_factory", "group"),
    [
        (lambda: build_icosahedron(2), "Ih"),
        (lambda: build_icosahedron(4), "Ih"),
        (lambda: build_decahedron(2, 2, 0), "D5h"),
        (lambda: build_decahedron(3, 3, 0), "D5h"),
        (lambda: build_decahedron(3, 1, 0), "D5h"),
        (lambda: build_decahedron(2, 2, 1), "D5h"),
        (lambda: build_cuboctahedron(3), "Oh"),
        (lambda: build_octahedron(5), "Oh"),
        (lambda: build_octahedron(4, 1), "Oh"),
        (lambda: build_double_icosahedron(), "D5h"),
    ],
)
def test_point_groups(atoms_factory, group):
    assert point_group(atoms_factory()) == group


def test_distorted_icosahedron_loses_its_symmetry():
    atoms = build_icosahedron(3)
    atoms.positions[5] += [0.8, 0.0, 0.0]  # far beyond the 0.3 Å tolerance
    assert point_group(atoms) != "Ih"


def test_double_icosahedron_geometry():
    atoms = build_double_icosahedron()
    d = AU_A0 / math.sqrt(2)
    dist = np.sort(pdist(atoms.positions))
    assert len(atoms) == 19
    # the only bond shorter than d is the centre–centre one, compressed to 2d/√5
    assert dist[0] == pytest.approx(2 * d / math.sqrt(5), abs=DISTANCE_ATOL)
    assert dist[1] >= d - DISTANCE_ATOL


def test_builders_record_what_they_built():
    atoms = build_decahedron(3, 2, 1, element="Ag")
    assert atoms.info["motif"] == "marks-decahedron"
    assert (atoms.info["p"], atoms.info["q"], atoms.info["r"]) == (3, 2, 1)
    assert atoms.info["element"] == "Ag"


def test_clusters_sit_in_a_vacuum_box():
    atoms = build_icosahedron(3, vacuum=7.0)
    assert not atoms.pbc.any()
    lo, hi = atoms.positions.min(axis=0), atoms.positions.max(axis=0)
    # cubic box: at least `vacuum` everywhere, exactly `vacuum` along the widest extent
    assert (lo >= 7.0 - 1e-9).all()
    assert (atoms.cell.lengths() - hi >= 7.0 - 1e-9).all()
    assert np.allclose(atoms.cell.lengths(), atoms.cell.lengths()[0])


@pytest.mark.parametrize(("n_atoms", "n_surface"), list(ICOSAHEDRON_SURFACE.items()))
def test_icosahedron_surface_atoms(n_atoms, n_surface):
    shells = {13: 2, 55: 3, 147: 4}[n_atoms]
    assert describe(build_icosahedron(shells)).n_surface_atoms == n_surface


@pytest.mark.parametrize(
    "call",
    [
        lambda: build_icosahedron(0),
        lambda: build_icosahedron(-2),
        lambda: build_icosahedron(2.5),
        lambda: build_decahedron(1, 1, 0),
        lambda: build_decahedron(1, 5, 0),  # ASE's row of five atoms
        lambda: build_decahedron(0, 2, 1),
        lambda: build_decahedron(2, 2, -1),
        lambda: build_octahedron(3, 2),
        lambda: build_fcc_sphere(-1.0),
        lambda: build_icosahedron(2, element="Xx"),
        lambda: build_icosahedron(2, element="Fe"),
        lambda: build_icosahedron(2, a0=-4.0),
        lambda: build_icosahedron(2, vacuum=0.0),
    ],
)
def test_impossible_parameters_raise_parameter_error(call):
    with pytest.raises(ParameterError):
        call()


def test_unknown_element_message_lists_the_allowed_ones():
    with pytest.raises(ParameterError, match="Fe") as err:
        build_icosahedron(2, element="Fe")
    assert all(el in str(err.value) for el in SUPPORTED_ELEMENTS)

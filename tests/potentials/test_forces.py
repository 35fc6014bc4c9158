"""Forces of every term and of their sum against central finite differences."""

import numpy as np
import pytest
from ase import Atoms
from ase.calculators.fd import calculate_numerical_forces

from aucluster.errors import ParameterError
from aucluster.potentials import (
    ImplicitSolvent,
    SolventParameters,
    SphericalWall,
    TotalCalculator,
    WallParameters,
    make_calculator,
    make_potential,
)
from aucluster.potentials.correction import SmallClusterCorrection
from aucluster.potentials.small_clusters import fitted_penalty
from aucluster.structures import build_icosahedron, build_octahedron
from aucluster.structures.geometry import in_vacuum_box

#: Central differences with a 1e-5 Å step are accurate to ~1e-8 eV/Å for these smooth
#: potentials (truncation O(h²·F''') plus round-off ~1e-16 eV / 1e-5 Å); 1e-6 leaves room.
FORCE_ATOL = 1e-6
FD_STEP = 1e-5  # Å


@pytest.fixture
def cluster():
    """A 55-atom icosahedron, rattled, with two surface atoms pulled out: every branch of the
    solvent switch (C = 0, between, ≥ C_max) and of the wall (inside, outside) is visited."""
    return pulled_icosahedron()


def pulled_icosahedron():
    """The `cluster` fixture's structure (also used by tests/potentials/test_embedding.py)."""
    atoms = build_icosahedron(3)
    atoms.rattle(0.08, seed=2)
    centre = atoms.positions.mean(axis=0)
    for index, extra in ((54, 1.2), (40, 3.5)):
        radial = atoms.positions[index] - centre
        atoms.positions[index] += extra * radial / np.linalg.norm(radial)
    return atoms


def _check(atoms, calc):
    atoms = atoms.copy()
    atoms.calc = calc
    analytic = atoms.get_forces()
    numeric = calculate_numerical_forces(atoms, eps=FD_STEP)
    assert np.abs(analytic - numeric).max() < FORCE_ATOL
    return analytic


def test_emt_forces(cluster):
    _check(cluster, TotalCalculator([make_potential("emt", {"Au"})]))


def test_gupta_forces(cluster):
    _check(cluster, TotalCalculator([make_potential("gupta", {"Au"})]))


@pytest.mark.parametrize("compiled", [False, True])
def test_solvent_forces(cluster, compiled):
    calc = ImplicitSolvent(SolventParameters(mu_eV=1.7), compiled=compiled)
    forces = _check(cluster, calc)
    assert np.abs(forces).max() > 1e-3  # the check above was not on an all-zero field


def _cloud_around(particle):
    """`particle` with monomers and dimers around it at 3–7 Å from its surface."""
    rng = np.random.default_rng(5)
    atoms = particle.copy()
    atoms.positions -= atoms.positions.mean(axis=0)
    radius = np.linalg.norm(atoms.positions, axis=1).max()
    for k in range(14):
        u = rng.normal(size=3)
        p = u / np.linalg.norm(u) * (radius + 3 + 4 * rng.random())
        atoms += Atoms("Au", positions=[p])
        if k % 2:
            atoms += Atoms("Au", positions=[p + np.array([2.5, 0.2, 0.1])])
    return in_vacuum_box(atoms, 8.0)


def _straddling(atoms):
    """The same atoms in a fully periodic cell, shifted by half the cell: the particle is cut
    by the cell's faces and held together by minimum images alone."""
    periodic = atoms.copy()
    periodic.positions += 0.5 * np.diag(periodic.cell.array)
    periodic.pbc = True
    return periodic


def test_compiled_and_numpy_paths_agree_and_minimum_images_hold():
    # the numba kernels and the NumPy path compute the same thing: energies and forces of the
    # solvent (every switch branch) and of the Au₂ correction (monomers and dimers present);
    # and a periodic cell that cuts the cluster gives the isolated cluster's numbers
    atoms = _cloud_around(build_icosahedron(4))
    for make in (
        lambda compiled: ImplicitSolvent(SolventParameters(mu_eV=1.7), compiled=compiled),
        lambda compiled: SmallClusterCorrection(compiled=compiled),
        lambda compiled: SmallClusterCorrection(bonds=fitted_penalty(), compiled=compiled),
    ):
        results = []
        for structure in (atoms, _straddling(atoms)):
            for compiled in (False, True):
                work = structure.copy()
                work.calc = make(compiled)
                results.append((work.get_potential_energy(), work.get_forces()))
        assert results[0][0] != 0.0
        for energy, forces in results[1:]:
            assert energy == pytest.approx(results[0][0], abs=1e-10)
            assert np.abs(forces - results[0][1]).max() < 1e-10


def test_wall_forces(cluster):
    forces = _check(cluster, SphericalWall(WallParameters(radius=7.0, stiffness_eV_per_A2=2.0)))
    assert np.count_nonzero(np.abs(forces).sum(axis=1)) >= 1


def test_sum_forces_and_energy(cluster):
    calc = make_calculator(
        "emt", {"Au"}, solvent=SolventParameters(mu_eV=1.5), wall=WallParameters(radius=7.0)
    )
    assert len(calc.terms) == 3
    _check(cluster, calc)
    atoms = cluster.copy()
    atoms.calc = calc
    total = atoms.get_potential_energy()
    parts = []
    for term in (
        make_potential("emt", {"Au"}),
        ImplicitSolvent(SolventParameters(mu_eV=1.5)),
        SphericalWall(WallParameters(radius=7.0)),
    ):
        single = cluster.copy()
        single.calc = TotalCalculator([term])
        parts.append(single.get_potential_energy())
    assert total == pytest.approx(sum(parts), rel=1e-12)


#: Solvent energy per atom by coordination, from the docstring's w(C) = (1 − C/6)².
@pytest.mark.parametrize(
    ("n_atoms", "gain_per_atom"),
    [(1, 1.0), (2, (5 / 6) ** 2)],
)
def test_solvent_gain_of_monomer_and_dimer(n_atoms, gain_per_atom):
    from ase import Atoms

    atoms = Atoms(
        "Au" * n_atoms, positions=[[0, 0, 0], [2.88, 0, 0]][:n_atoms], cell=[20, 20, 20], pbc=False
    )
    atoms.calc = ImplicitSolvent(SolventParameters(mu_eV=2.0))
    assert atoms.get_potential_energy() == pytest.approx(-2.0 * gain_per_atom * n_atoms)


def test_solvent_ignores_fully_coordinated_atoms():
    # in a 147-atom icosahedron the 55 inner atoms have 12 neighbours within 3.1 Å: no gain;
    # the outer shell's vertices and edges (6 and 8 first neighbours) gain nothing either
    atoms = build_icosahedron(4)
    calc = ImplicitSolvent(SolventParameters(mu_eV=2.0))
    atoms.calc = calc
    assert np.abs(calc.get_property("energies", atoms)).max() < 1e-12


def test_wall_is_zero_inside_and_harmonic_outside():
    from ase import Atoms

    atoms = Atoms("Au2", positions=[[10, 10, 10], [10, 10, 16]], cell=[20, 20, 20], pbc=False)
    atoms.calc = SphericalWall(WallParameters(radius=4.0, stiffness_eV_per_A2=3.0))
    assert atoms.get_potential_energy() == pytest.approx(0.5 * 3.0 * 2.0**2)
    assert atoms.get_forces()[1] == pytest.approx([0, 0, -6.0])
    assert atoms.get_forces()[0] == pytest.approx([0, 0, 0])


def test_octahedron_emt_energy_is_referenced_to_bulk():
    # EMT energies are per atom relative to the bulk crystal (DESIGN): E/N > 0 and falls
    # with size as the surface share falls
    e = []
    for length in (4, 8):
        atoms = build_octahedron(length)
        atoms.calc = make_potential("emt", {"Au"})
        e.append(atoms.get_potential_energy() / len(atoms))
    assert 0 < e[1] < e[0]


@pytest.mark.parametrize(
    "call",
    [
        lambda: make_potential("emt", {"Fe"}),
        lambda: make_potential("gupta", {"Ag"}),
        lambda: make_potential("lj", {"Au"}),
        lambda: SolventParameters(mu_eV=-1.0),
        lambda: SolventParameters(r_inner=3.7, r_outer=3.1),
        lambda: WallParameters(radius=0.0),
        lambda: WallParameters(radius=5.0, stiffness_eV_per_A2=-1.0),
    ],
)
def test_bad_parameters(call):
    with pytest.raises(ParameterError):
        call()


def test_shared_coordinations_give_the_separate_terms_numbers():
    # make_calculator lets the correction reuse the solvent's coordinations (one pass per
    # step): energies and forces equal separate terms', also after the atoms move
    from aucluster.potentials.small_clusters import fitted_penalty

    atoms = _cloud_around(build_icosahedron(4))
    solvent = SolventParameters(mu_eV=3.2)
    shared = make_calculator("emt", {"Au"}, solvent=solvent, cluster_correction=True)
    separate = TotalCalculator(
        [
            make_potential("emt", {"Au"}),
            SmallClusterCorrection(bonds=fitted_penalty()),
            ImplicitSolvent(solvent),
        ]
    )
    a, b = atoms.copy(), atoms.copy()
    a.calc, b.calc = shared, separate
    for step in range(3):
        assert a.get_potential_energy() == pytest.approx(b.get_potential_energy(), abs=1e-10)
        assert np.abs(a.get_forces() - b.get_forces()).max() < 1e-10
        shift = np.random.default_rng(step).normal(0.0, 0.05, a.positions.shape)
        a.positions += shift  # in place: the cache must notice
        b.positions += shift

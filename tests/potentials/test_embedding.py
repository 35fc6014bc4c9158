"""The embedding form of the implicit solvent (`aucluster.potentials.embedding`): its limits,
its forces, and the property it exists for: a monomer reaches a surface site downhill."""

import numpy as np
import pytest
from ase import Atoms
from ase.build import add_adsorbate, bulk, fcc100, fcc111
from ase.calculators.fd import calculate_numerical_forces

from aucluster.errors import ParameterError
from aucluster.potentials import EmbeddingSolvent, SolventParameters, make_calculator
from aucluster.potentials.embedding import (
    DENSITY_MARGIN,
    EMT_AU_E0_EV,
    GAMMA1,
    density_pair,
    embedding_cost,
    reward_shape,
)
from aucluster.potentials.terms import periodic_box
from aucluster.structures.geometry import in_vacuum_box
from tests.potentials.test_forces import pulled_icosahedron

CLOUD = SolventParameters(mu_eV=3.2, form="embedding")
#: asap3 EMT's zero-pressure Au lattice constant at 0 K [Å] (minimised to 1e-7 Å).
EMT_A0 = 4.05616


def _cluster_with_strays():
    """test_forces' rattled 55-atom icosahedron with one atom pulled 1.2 Å out and one 3.5 Å
    out, and a monomer 4 Å off: atoms below the onset, on the ramp and on the linear part."""
    atoms = pulled_icosahedron()
    far = atoms.positions[40] + np.array([4.0, 0.0, 0.0])
    atoms += Atoms("Au", positions=[far])
    return in_vacuum_box(atoms, 8.0)


@pytest.mark.parametrize("compiled", [False, True])
def test_forces_match_finite_differences(compiled):
    atoms = _cluster_with_strays()
    atoms.calc = EmbeddingSolvent(CLOUD, compiled=compiled)
    analytic = atoms.get_forces()
    numeric = calculate_numerical_forces(atoms, eps=1e-5)
    assert np.abs(analytic).max() > 0.1  # the reward acts on the strays
    assert np.abs(analytic - numeric).max() < 1e-6


def test_compiled_numpy_and_periodic_images_agree():
    atoms = _cluster_with_strays()
    shifted = atoms.copy()
    shifted.positions += 0.5 * np.diag(shifted.cell.array)
    shifted.pbc = True  # cut by the cell faces, held together by minimum images
    results = []
    for structure in (atoms, shifted):
        for compiled in (False, True):
            work = structure.copy()
            work.calc = EmbeddingSolvent(CLOUD, compiled=compiled)
            results.append((work.get_potential_energy(), work.get_forces()))
    assert results[0][0] < -3.0
    for energy, forces in results[1:]:
        assert energy == pytest.approx(results[0][0], abs=1e-10)
        assert np.abs(forces - results[0][1]).max() < 1e-10


def reference_density(atoms):
    """σ of the module notes for `atoms` (NumPy path)."""
    solvent = EmbeddingSolvent(CLOUD, compiled=False)
    return solvent.densities(atoms.positions, periodic_box(atoms))[0]


def test_rows_of_candidates_from_emt_density_equal_the_full_pass():
    # inside the MD calculator the compiled path evaluates only the atoms EMT's own density
    # puts near or below the onset; the skipped ones must change nothing, isolated or
    # periodic, after the atoms move (the pair list is then kept) and on a hot, rough
    # particle with a cloud around it
    from aucluster.md.cloud import cloud_hamiltonian

    rng = np.random.default_rng(5)
    base = _cluster_with_strays()
    hot = pulled_icosahedron()
    hot.positions += rng.normal(0.0, 0.25, hot.positions.shape)  # a liquid-like disorder
    offsets = np.array([[6.0, 0.0, 0.0], [0.0, 6.5, 0.0], [0.0, 0.0, 7.0]])
    hot += Atoms("Au3", positions=hot.positions[:3] + offsets)  # strays off three atoms
    hot = in_vacuum_box(hot, 8.0)
    periodic = base.copy()
    periodic.positions += 0.5 * np.diag(periodic.cell.array)
    periodic.pbc = True
    for structure in (base, periodic, hot):
        work = structure.copy()
        work.calc = cloud_hamiltonian().calculator({"Au"})
        solvent = work.calc.terms[2]
        assert isinstance(solvent, EmbeddingSolvent)
        for _ in range(3):
            work.positions = work.positions + rng.normal(0.0, 0.03, work.positions.shape)
            work.get_forces()
            emt_sigma = np.asarray(work.calc.terms[0].get_extra("sigma"))[0, 0]
            ours = reference_density(work)
            assert np.abs(emt_sigma - ours).max() < 0.1 * DENSITY_MARGIN  # the margin's premise
            reference = EmbeddingSolvent(CLOUD, compiled=False)
            reference.calculate(work)
            assert reference.results["energy"] < -3.0
            assert solvent.results["energy"] == pytest.approx(
                reference.results["energy"], abs=1e-10
            )
            assert np.abs(solvent.results["forces"] - reference.results["forces"]).max() < 1e-10
            assert np.abs(solvent.results["energies"] - reference.results["energies"]).max() < (
                1e-10
            )


def test_embedding_cost_limits():
    # an isolated atom lacks all of EMT's cohesive energy |E0| = 3.80 eV (Jacobsen et al.
    # 1996); an atom of the ideal lattice's density (σ = 12 γ1) lacks nothing; more density
    # (compression) does not count
    cost, slope = embedding_cost(np.array([0.0, 12.0 * GAMMA1, 14.0 * GAMMA1]))
    assert cost[0] == pytest.approx(-EMT_AU_E0_EV, abs=1e-12)
    assert cost[1:] == pytest.approx([0.0, 0.0], abs=1e-12)
    assert slope[1:] == pytest.approx([0.0, 0.0], abs=1e-12)
    # C¹: e'(σ) matches the difference quotient, also just below the ideal density
    sigma = np.array([0.05, 1.0, 6.0, 12.0 * GAMMA1 * 0.999])
    h = 1e-7
    numeric = (embedding_cost(sigma + h)[0] - embedding_cost(sigma - h)[0]) / (2 * h)
    assert embedding_cost(sigma)[1] == pytest.approx(numeric, rel=1e-5, abs=1e-8)
    # the reward's shape: 0 below the onset, 1 for an isolated atom, C¹ at the ramp's ends
    h_of, dh = reward_shape(np.array([0.0, 0.3, 0.7, -EMT_AU_E0_EV]), 0.3, 0.4)
    assert h_of[[0, 1, 3]] == pytest.approx([0.0, 0.0, 1.0], abs=1e-12)
    assert dh[2] == pytest.approx(1.0 / (-EMT_AU_E0_EV - 0.3 - 0.2))
    r = np.array([3.0, 5.1, 5.4, 5.65])
    _, dtheta = density_pair(r)
    numeric = (density_pair(r + 1e-7)[0] - density_pair(r - 1e-7)[0]) / 2e-7
    assert dtheta == pytest.approx(numeric, rel=1e-5, abs=1e-9)
    assert density_pair(np.array([5.7]))[0][0] == 0.0


def _solvent_energy(atoms):
    atoms = atoms.copy()
    atoms.calc = EmbeddingSolvent(CLOUD)
    return atoms.get_potential_energy()


def test_isolated_atom_gains_mu_and_crystal_surfaces_and_vacancy_nothing():
    monomer = in_vacuum_box(Atoms("Au", positions=[[0, 0, 0]]), 8.0)
    assert _solvent_energy(monomer) == pytest.approx(-3.2, abs=1e-12)
    # EMT's bulk, (111) and (100) surfaces and a vacancy keep their energies exactly: their
    # atoms lack less embedding energy than the 0.3 eV onset
    crystal = bulk("Au", "fcc", a=EMT_A0, cubic=True).repeat(4)
    vacancy = crystal.copy()
    del vacancy[0]
    slabs = []
    for build in (fcc111, fcc100):
        slab = build("Au", size=(6, 6, 5), a=EMT_A0, vacuum=12.0, orthogonal=True)
        slab.pbc = True
        slabs.append(slab)
    for structure in (crystal, vacancy, *slabs):
        assert _solvent_energy(structure) == 0.0


def _approach(solvent, build, site, heights):
    """Energy [eV] of a monomer at `heights` [Å] above `site` of a 5-layer slab on EMT + the
    small-cluster correction + `solvent`, relative to slab and monomer apart."""
    slab = build("Au", size=(6, 6, 5), a=EMT_A0, vacuum=12.0, orthogonal=True)
    slab.pbc = True

    def energy(atoms):
        atoms.calc = make_calculator("emt", {"Au"}, solvent=solvent, cluster_correction=True)
        return atoms.get_potential_energy()

    apart = energy(slab.copy()) + energy(Atoms("Au", positions=[[20, 20, 20]], cell=[40] * 3))
    out = []
    for h in heights:
        atoms = slab.copy()
        add_adsorbate(atoms, "Au", float(h), site)
        out.append(energy(atoms) - apart)
    return np.array(out)


def _largest_rise_inwards(path):
    """The largest energy rise met coming in from far away down to the path's minimum."""
    inward = path[np.argmin(path) :][::-1]
    return float((inward - np.minimum.accumulate(inward)).max())


@pytest.mark.parametrize(
    ("build", "site"), [(fcc111, "fcc"), (fcc100, "hollow"), (fcc111, "ontop")]
)
def test_monomer_attaches_downhill(build, site):
    # the embedding form: coming in from 7 Å, the energy never rises by more than 0.03 eV
    # (below kT/2 at 600 K) before the site's minimum, which lies below the monomer's
    heights = np.arange(1.5, 7.01, 0.1)
    path = _approach(CLOUD, build, site, heights)
    assert _largest_rise_inwards(path) < 0.03
    assert path.min() < -0.05
    assert abs(path[-1]) < 1e-3  # 7 Å up, out of range


def test_coordination_form_hovers_above_111():
    # what the embedding form replaces: at the same μ_s the coordination form's lowest state
    # is a monomer hovering 3.3 Å above the (111) hollow, behind a barrier of more than 1 eV
    heights = np.arange(1.5, 7.01, 0.1)
    path = _approach(SolventParameters(mu_eV=3.2), fcc111, "fcc", heights)
    assert heights[np.argmin(path)] > 3.0
    rise = path[heights < heights[np.argmin(path)]]
    assert rise.max() - path.min() > 1.0


@pytest.mark.parametrize(
    "kwargs",
    [
        {"form": "glue"},
        {"form": "embedding", "c_max": 4.0},
        {"form": "embedding", "onset_eV": -0.1},
        {"form": "embedding", "ramp_eV": 0.0},
        {"form": "embedding", "onset_eV": float("nan")},
        {"form": "embedding", "mu_eV": 3.4},  # above 3.80 − 0.3 − 0.2: reward outruns bonding
    ],
)
def test_bad_parameters(kwargs):
    with pytest.raises(ParameterError):
        SolventParameters(**{"mu_eV": 1.0, **kwargs})


def test_embedding_solvent_is_emt_au_only():
    with pytest.raises(ParameterError, match="EMT Au"):
        make_calculator("gupta", {"Au"}, solvent=CLOUD)


def test_embedding_parameters_are_refused_on_the_coordination_form():
    with pytest.raises(ParameterError, match="embedding"):
        SolventParameters(mu_eV=1.0, onset_eV=0.2)

"""The small-cluster correction: the real dimer (Huber & Herzberg 1979), EMT's bulk, surfaces and
vacancy untouched, forces that are the energy's gradient, energy conserved with every term on."""

import numpy as np
import pytest
from ase import Atoms, units
from ase.build import bulk, fcc100, fcc111
from scipy.optimize import minimize_scalar

from aucluster.md import MDSettings, calculator_for, constant, run_md
from aucluster.potentials import SolventParameters, WallParameters, make_calculator
from aucluster.potentials.correction import AU2_OMEGA_CM, SmallClusterCorrection
from aucluster.structures import build_icosahedron
from aucluster.structures.geometry import in_vacuum_box
from tests.md.test_runner import NVE_DRIFT_BOUND, _log

CORRECTED = MDSettings(n_steps=0, cluster_correction=True)
PLAIN = MDSettings(n_steps=0)


def _energy(atoms, settings) -> float:
    work = atoms.copy()
    work.calc = calculator_for(settings, work)
    return work.get_potential_energy()


def _binding(r: float, settings) -> float:
    pair = Atoms("Au2", positions=[[20, 20, 20], [20 + r, 20, 20]], cell=[40] * 3)
    single = Atoms("Au", positions=[[20, 20, 20]], cell=[40] * 3)
    return _energy(pair, settings) - 2 * _energy(single, settings)


def test_the_dimer_is_the_real_molecule():
    # Huber & Herzberg (1979): D0 = 2.29 eV, r_e = 2.472 Å; the classical well is D0 + ħω/2
    best = minimize_scalar(lambda r: _binding(r, CORRECTED), bounds=(2.0, 3.2), method="bounded")
    zero_point = 0.5 * units._hbar * 2 * np.pi * units._c * 100 * AU2_OMEGA_CM / units._e
    assert best.x == pytest.approx(2.47, abs=0.05)
    assert -best.fun - zero_point == pytest.approx(2.29, abs=0.10)
    # and EMT alone is the over-bound dimer of the issue: 5.14 eV at 2.30 Å
    plain = minimize_scalar(lambda r: _binding(r, PLAIN), bounds=(2.0, 3.2), method="bounded")
    assert plain.x == pytest.approx(2.30, abs=0.02)
    assert -plain.fun == pytest.approx(5.14, abs=0.02)


A0 = 4.0562  # asap3 EMT's Au lattice constant [Å]: the minimum of its bulk energy


def _slab(build):
    # a periodic slab with 10 Å of vacuum each side: periodic in z too, as the terms need
    slab = build("Au", size=(6, 6, 6), a=A0, vacuum=10.0, orthogonal=True, periodic=True)
    slab.pbc = True
    return slab


@pytest.mark.parametrize("build", [fcc111, fcc100])
def test_surface_energies_are_emts(build):
    # γ = (E_slab − N ε_bulk) / 2A with and without the correction (asap3 EMT side by side):
    # every atom of a slab has ≥ 2 neighbours, so EMT's γ(111) and γ(100) are kept
    crystal = bulk("Au", "fcc", a=A0, cubic=True).repeat(4)
    crystal.pbc = True
    slab = _slab(build)
    area = np.linalg.norm(np.cross(slab.cell[0], slab.cell[1]))
    gammas = []
    for settings in (CORRECTED, PLAIN):
        eps = _energy(crystal, settings) / len(crystal)
        gammas.append((_energy(slab, settings) - len(slab) * eps) / (2 * area))
    assert gammas[1] > 0.03  # EMT's Au(111) 0.033, Au(100) 0.040 eV/Å² (unrelaxed)
    assert gammas[0] == pytest.approx(gammas[1], rel=0.01)


def test_vacancy_formation_energy_is_emts():
    crystal = bulk("Au", "fcc", a=A0, cubic=True).repeat(4)
    crystal.pbc = True
    vacancy = crystal.copy()
    del vacancy[0]
    formation = []
    for settings in (CORRECTED, PLAIN):
        e_bulk = _energy(crystal, settings)
        formation.append(_energy(vacancy, settings) - e_bulk * (len(vacancy) / len(crystal)))
    assert formation[1] > 0.3  # EMT's unrelaxed Au vacancy: 0.75 eV
    assert formation[0] == pytest.approx(formation[1], rel=0.01)


def test_a_dimer_across_the_periodic_boundary_is_the_same_molecule():
    # minimum images: a dimer straddling the cell edge binds as one in the middle of the box
    box = [16.0, 16.0, 16.0]
    middle = Atoms("Au2", positions=[[7, 8, 8], [9.47, 8, 8]], cell=box, pbc=True)
    edge = Atoms("Au2", positions=[[15.0, 8, 8], [1.47, 8, 8]], cell=box, pbc=True)
    assert _energy(edge, CORRECTED) == pytest.approx(_energy(middle, CORRECTED), abs=1e-9)
    assert _energy(middle, CORRECTED) != pytest.approx(_energy(middle, PLAIN), abs=0.1)


def test_particle_vacancy_and_adatom_energies_are_emts():
    # in a particle every atom — interior, (111) and (100)-like facets, a vacancy's neighbours,
    # an adatom's neighbour — has ≥ 2 neighbours, so the correction is exactly zero (the
    # adatom's own pair with its one neighbour is switched off by that neighbour): EMT's
    # energies are kept, far within the 1 %
    ico = build_icosahedron(4)
    vacancy = ico.copy()
    del vacancy[int(np.argmin(np.linalg.norm(ico.positions - ico.positions.mean(0), axis=1)))]
    adatom = ico.copy()
    top = ico.positions[np.argmax(ico.positions[:, 2])]
    adatom += Atoms("Au", positions=[top + np.array([0.0, 0.0, 2.7])])
    for atoms in (ico, vacancy, adatom):
        assert _energy(atoms, CORRECTED) == pytest.approx(_energy(atoms, PLAIN), abs=1e-9)


def _trimer_in_switch():
    # a dimer and a third atom 3.4 Å from one end: that atom's coordination is between 1 and
    # 2, so every term of the force (φ′, s′ and the coordination's switch) is exercised
    return in_vacuum_box(
        Atoms("Au3", positions=[[0, 0, 0], [2.5, 0.1, 0], [2.5 + 1.2, 3.15, 0.3]]), 10.0
    )


def test_forces_are_minus_the_gradient():
    atoms = _trimer_in_switch()
    atoms.calc = SmallClusterCorrection()
    forces = atoms.get_forces()
    assert np.abs(forces).max() > 1e-3  # not vacuous
    h = 1e-5
    for i in range(len(atoms)):
        for k in range(3):
            shifted = atoms.copy()
            shifted.calc = SmallClusterCorrection()
            shifted.positions[i, k] += h
            plus = shifted.get_potential_energy()
            shifted.positions[i, k] -= 2 * h
            minus = shifted.get_potential_energy()
            assert forces[i, k] == pytest.approx(-(plus - minus) / (2 * h), abs=1e-5)


def _nve_drift_per_atom(atoms, settings, directory) -> float:
    """Run `settings` (NVE) and fit the total energy's drift [eV/atom/ps] from its log."""
    run_md(atoms, settings, directory=directory)
    log = _log(directory)
    return np.polyfit(log["time_ps"], log["total_energy_eV"], 1)[0] / len(atoms)


@pytest.mark.slow
def test_nve_conserves_energy_with_every_term_on(tmp_path):
    # an Ih55 with dimers and monomers around it inside the wall, EMT + correction (both its
    # terms) + solvent, 1 fs steps: at 5 fs this small cloud system drifts 1.4e-5 eV/atom/ps
    # already without the correction (solvent and wall alone; measured), and with the bond
    # penalty 1.05e-5 at 2 fs (its switch between C = 5.9 and 6.7 is steep)
    core = build_icosahedron(3)
    centre = core.positions.mean(axis=0)
    rng = np.random.default_rng(3)
    extra = []
    for k in range(6):
        direction = rng.normal(size=3)
        direction /= np.linalg.norm(direction)
        base = centre + (9.0 + 1.5 * k) * direction
        extra.append(base)
        if k % 2 == 0:
            extra.append(
                base
                + 2.47
                * np.cross(direction, [0, 0, 1])
                / np.linalg.norm(np.cross(direction, [0, 0, 1]))
            )
    atoms = core + Atoms("Au" * len(extra), positions=extra)
    atoms.cell = core.cell
    settings = MDSettings(
        ensemble="nve",
        program=constant(300.0),
        duration_ps=5.0,
        timestep_fs=1.0,
        sample_interval=100,
        checkpoint_interval=5000,
        seed=1,
        solvent=SolventParameters(mu_eV=1.0),
        wall=WallParameters(radius=16.0),
        cluster_correction=True,
    )
    drift = _nve_drift_per_atom(atoms, settings, tmp_path / "nve")
    assert abs(drift) < NVE_DRIFT_BOUND  # 1e-5 eV/atom/ps (issue 15)


def test_the_correction_is_for_emt_au():
    with pytest.raises(Exception, match="EMT Au only"):
        MDSettings(n_steps=0, cluster_correction=True, potential="gupta")
    with pytest.raises(Exception, match="EMT Au only"):
        make_calculator("emt", {"Au", "Ag"}, cluster_correction=True)


@pytest.mark.slow
def test_nve_conserves_energy_with_the_cloud_model_at_its_2_fs_step(tmp_path):
    # the cloud model as runs use it — EMT + correction + the embedding solvent at μ_s 3.2 eV
    # + wall — on an Ih147 with ten monomers around it, NVE from 600 K at 2 fs (the cloud
    # model's longest step): drift below 1e-5 eV/atom/ps (issue 15); measured 3e-7, and
    # 1.2e-5 at 5 fs, which the cloud model therefore refuses
    from aucluster.md.cloud import cloud_hamiltonian

    core = build_icosahedron(4)
    centre = core.positions.mean(axis=0)
    rng = np.random.default_rng(3)
    extra = []
    for k in range(10):
        direction = rng.normal(size=3)
        extra.append(centre + (12.0 + 1.2 * k) * direction / np.linalg.norm(direction))
    atoms = core + Atoms("Au" * len(extra), positions=extra)
    atoms.cell = core.cell
    settings = MDSettings(
        ensemble="nve",
        program=constant(600.0),
        duration_ps=10.0,
        timestep_fs=2.0,
        sample_interval=25,
        checkpoint_interval=2500,
        seed=1,
        solvent=cloud_hamiltonian().solvent,
        wall=WallParameters(radius=26.0),
        cluster_correction=True,
    )
    drift = _nve_drift_per_atom(atoms, settings, tmp_path / "nve")
    assert abs(drift) < NVE_DRIFT_BOUND

"""Long physics checks of the cloud model (validation marker; `python -m pytest -m
validation tests/thermo/test_cloud_validation.py`, a few hours on 2 cores). The same runs,
with their numbers, are in docs/cloud.md (`bench/solubility_slab.py`,
`bench/gibbs_thomson.py`); the verdict rules of the slab and Gibbs–Thomson checks were
written before those runs, the thermodynamic integration's after a first run (its comment)."""

import math

import numpy as np
import pytest

from aucluster.md import MDSettings, constant
from aucluster.md.cloud import cloud_hamiltonian, equilibrium_density
from aucluster.potentials import WallParameters
from aucluster.structures.wulff import build_wulff
from aucluster.thermo.gibbs_thomson import (
    atomic_volume_A3,
    effective_surface_energy,
    growth_start,
    measure_pocket_cloud,
    predicted_ln_s,
)
from aucluster.thermo.melting import zero_pressure_lattice_constant
from aucluster.thermo.solubility import SlabSettings, measure_solubility

pytestmark = pytest.mark.validation


def test_slab_vapour_brackets_the_monomer_gas_against_the_crystal():
    # a stepped (111) slab at 600 K, 2 fs, 1 ns, started once with an empty vacuum and once
    # with 20 monomers in it: the vapour fills and drains on a nanosecond (the Langevin gas
    # is diffusive, D = kT/mγ ≈ 1.3 Å²/ps across 72 Å), so neither run reaches equilibrium;
    # the rule (set after the first pair of runs, docs/cloud.md): the monomer gas's ρ_eq
    # lies between the two runs' means over their last quarter
    def last_quarter(initial):
        settings = SlabSettings(
            temperature_K=600.0,
            stepped=True,
            vacuum_A=80.0,
            initial_vapour=initial,
            equilibration_ps=20.0,
            production_ps=1000.0,
            seed=4,
        )
        result = measure_solubility(settings)
        counts = result.counts[3 * len(result.counts) // 4 :]
        return counts.mean() / result.vapour_volume_A3

    assert last_quarter(0) <= equilibrium_density(600.0) <= last_quarter(20)


def _pocket(n_atoms, temperature, start, seed=0):
    a = zero_pressure_lattice_constant(temperature, seed=seed)
    omega, gamma = atomic_volume_A3(a), effective_surface_energy(a)
    particle = build_wulff(n_atoms, a0=a, vacuum=60.0)
    particle.pbc = False
    centre = 0.5 * particle.cell.array.sum(axis=0)
    particle.positions += centre - particle.positions.mean(axis=0)
    radius = np.linalg.norm(particle.positions - centre, axis=1).max()
    predicted = predicted_ln_s(len(particle), temperature, gamma_eV_per_A2=gamma, omega_A3=omega)
    volume = 0.1 * len(particle) / (equilibrium_density(temperature) * math.exp(predicted))
    wall = (3 * volume / (4 * math.pi) + (radius + 11.0) ** 3) ** (1 / 3) + 2.0
    atoms = particle
    if start == "grow":  # the same atoms, twice the predicted cloud taken off the particle
        atoms = growth_start(
            particle, round(0.2 * len(particle)), centre=centre, wall_radius_A=float(wall)
        )
    settings = MDSettings(
        program=constant(temperature),
        duration_ps=500.0,
        timestep_fs=2.0,
        friction_per_fs=0.002,
        seed=seed,
        solvent=cloud_hamiltonian().solvent,
        cluster_correction=True,
        wall=WallParameters(radius=float(wall)),
    )
    result = measure_pocket_cloud(atoms, settings, omega_A3=omega, discard_ps=150.0)
    measured_prediction = predicted_ln_s(
        result.particle_atoms, temperature, gamma_eV_per_A2=gamma, omega_A3=omega
    )
    return result, measured_prediction


@pytest.mark.xfail(
    strict=True,
    reason="measured 2026-12-04 (docs/cloud.md): at 550 K a closed-facet Wulff particle stays "
    "at S = 0.16 from an empty pocket and at 13.7 above it for 500 ps (predicted ~10-11): "
    "not stationary from either side",
)
def test_gibbs_thomson_slope_and_reversibility_at_550_K():
    # rules: (i) the least-squares slope of ln S* against 2γΩ/(RkT) through the origin over
    # three sizes (225, 459, 861 atoms, from an empty pocket) is 1 within 20 % (issue 15);
    # (ii) for each size, the pocket's cloud reached from a pocket seeded at twice the
    # predicted S* (the same atoms: twice the expected cloud taken off the particle) holds
    # the same number of atoms within 10 % (reversibility)
    measured, predicted = [], []
    for n in (225, 459, 861):
        empty, prediction = _pocket(n, 550.0, "empty")
        grown, _ = _pocket(n, 550.0, "grow")
        measured.append(empty.ln_supersaturation)
        predicted.append(prediction)
        cloud_empty = empty.n_total - empty.particle_atoms
        cloud_grown = grown.n_total - grown.particle_atoms
        assert cloud_grown == pytest.approx(cloud_empty, rel=0.10)
    slope = float(np.dot(measured, predicted) / np.dot(predicted, predicted))
    assert slope == pytest.approx(1.0, abs=0.2)


@pytest.mark.xfail(
    strict=True,
    reason="not run in this configuration; the nearest runs (docs/cloud.md, 2026-12-04) did "
    "not meet: Wulff 459 at 650 K with a tenth of the friction kept 84 cloud atoms from the "
    "empty start and 149 (still rising) from the growth start",
)
def test_reversibility_at_a_second_temperature():
    # rule (ii) at 600 K for the 225-atom particle
    empty, _ = _pocket(225, 600.0, "empty")
    grown, _ = _pocket(225, 600.0, "grow")
    assert grown.n_total - grown.particle_atoms == pytest.approx(
        empty.n_total - empty.particle_atoms, rel=0.10
    )


def test_crystal_chemical_potential_matches_thermodynamic_integration():
    # an independent route to g(600 K): the 256-atom crystal at its zero-pressure lattice
    # constant, from its own harmonic Hamiltonian (Hessian by finite differences, 3N − 3
    # modes) to EMT by integrating ⟨U_EMT − U_harm⟩ over λ (6 Gauss–Legendre points, 20 ps
    # each at 2 fs; Frenkel & Ladd, J. Chem. Phys. 81, 3188 (1984), with the harmonic
    # lattice as reference). Rule (set after a first exploratory run gave −0.2701 eV against
    # −0.2726 from phonons plus Gibbs–Helmholtz): within 5 meV, 10 % in ρ_eq at 600 K
    from asap3 import EMT
    from asap3.md.langevin import Langevin
    from ase import units
    from ase.build import bulk
    from ase.calculators.calculator import Calculator, all_changes

    from aucluster.thermo.vapour import crystal_chemical_potential, stored_crystal

    temperature = 600.0
    a = zero_pressure_lattice_constant(temperature, seed=0)
    crystal = bulk("Au", "fcc", a=a, cubic=True).repeat(4)
    n, sites = len(crystal), crystal.positions.copy()
    crystal.calc = EMT()
    e0 = crystal.get_potential_energy()
    hessian = np.zeros((3 * n, 3 * n))
    for i in range(n):
        for k in range(3):
            moved = crystal.copy()
            moved.calc = EMT()
            moved.positions[i, k] += 0.005
            plus = moved.get_forces().ravel()
            moved.positions[i, k] -= 0.01
            hessian[3 * i + k] = -(plus - moved.get_forces().ravel()) / 0.01
    hessian = 0.5 * (hessian + hessian.T)
    mass = crystal.get_masses()[0]
    omega2 = np.sort(np.linalg.eigvalsh(hessian / mass))[3:]  # eV/(Å² amu)
    hbar_omega = units._hbar * np.sqrt(omega2 * units._e / (1e-20 * units._amu)) / units._e
    kt = units.kB * temperature
    f_harmonic = (e0 + kt * np.log(hbar_omega / kt).sum()) / n

    class Mixed(Calculator):
        implemented_properties = ["energy", "forces"]  # noqa: RUF012 (ASE API)

        def __init__(self, lam):
            super().__init__()
            self.lam, self.emt = lam, EMT()

        def calculate(self, atoms=None, properties=("energy",), system_changes=all_changes):
            super().calculate(atoms, properties, system_changes)
            u = atoms.positions - sites
            u = (u - u.mean(axis=0)).ravel()
            hu = hessian @ u
            work = atoms.copy()
            work.calc = self.emt
            u_emt = work.get_potential_energy()
            u_harm = e0 + 0.5 * u @ hu
            self.results = {
                "energy": (1 - self.lam) * u_harm + self.lam * u_emt,
                "forces": -(1 - self.lam) * hu.reshape(-1, 3) + self.lam * work.get_forces(),
                "difference": u_emt - u_harm,
            }

    points, weights = np.polynomial.legendre.leggauss(6)
    integral = 0.0
    for x, w in zip(points, weights, strict=True):
        work = crystal.copy()
        work.calc = Mixed(0.5 * (x + 1))
        rng = np.random.default_rng(1)
        work.set_momenta(rng.standard_normal((n, 3)) * np.sqrt(mass * kt))
        dyn = Langevin(
            work, 2 * units.fs, temperature_K=temperature, friction=0.01 / units.fs, seed=3
        )
        dyn.run(2000)
        samples = []
        for _ in range(500):
            dyn.run(10)
            work.get_potential_energy()
            samples.append(work.calc.results["difference"])
        integral += 0.5 * w * np.mean(samples) / n
    harmonic, anharmonic = stored_crystal()
    expected = crystal_chemical_potential(temperature, harmonic, anharmonic)
    assert f_harmonic + integral == pytest.approx(expected, abs=0.005)

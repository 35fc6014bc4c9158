"""The crystal's chemical potential and the monomer gas in equilibrium with it
(`aucluster.thermo.vapour`): lattice dynamics against MD, and thermodynamic identities."""

import numpy as np
import pytest
from ase import units
from ase.build import bulk

from aucluster.md import MDSettings, constant, initial_momenta, make_integrator
from aucluster.potentials import Hamiltonian, SolventParameters, make_potential
from aucluster.thermo.vapour import (
    Anharmonic,
    Harmonic,
    crystal_chemical_potential,
    harmonic_crystal,
    monomer_gas_density,
)


def _commensurate_qpoints(primitive, repeats: int) -> np.ndarray:
    """The wave vectors a `repeats`³ repetition of the cubic fcc cell holds, in reduced
    coordinates of `primitive`'s reciprocal lattice, without Γ."""
    a = primitive.cell.cellpar()[0] * np.sqrt(2.0)
    grid = np.stack(np.meshgrid(*[np.arange(2 * repeats)] * 3, indexing="ij"), -1)
    q_over_2pi = grid.reshape(-1, 3) / (repeats * a)  # cartesian q / 2π
    reduced = np.mod(np.round(q_over_2pi @ primitive.cell.array.T, 8), 1.0)
    reduced = np.unique(np.round(reduced, 6) % 1.0, axis=0)
    return reduced[np.abs(reduced).sum(axis=1) > 1e-9]


def test_phonons_give_the_md_mean_square_displacement():
    # two codes side by side: ASE's finite-displacement force constants (harmonic_crystal)
    # and asap3 MD of the same EMT crystal. At 50 K (0.05 T_m) the crystal is harmonic to
    # better than 1 %: the MD's mean square displacement about the lattice sites must be
    # 3kT⟨1/(mω²)⟩ over the modes the periodic 256-atom cell holds (255 of its 256 q, the
    # centre of mass taken out), within 2 %
    repeats, temperature = 4, 50.0
    reference = harmonic_crystal()
    primitive = bulk("Au", "fcc", a=reference.lattice_constant_A)
    phonons = harmonic_crystal(qpoints=_commensurate_qpoints(primitive, repeats))
    n_atoms = 4 * repeats**3
    expected = phonons.msd_per_K_A2 * temperature * (n_atoms - 1) / n_atoms
    crystal = bulk("Au", "fcc", a=reference.lattice_constant_A, cubic=True).repeat(repeats)
    sites = crystal.positions.copy()
    crystal.calc = make_potential("emt", {"Au"})
    settings = MDSettings(
        program=constant(temperature),
        duration_ps=1.0,
        timestep_fs=5.0,
        friction_per_fs=0.002,
        seed=4,
    )
    initial_momenta(crystal, settings)
    dyn = make_integrator(crystal, settings)
    dyn.run(2000)
    samples = []
    for _ in range(1200):
        dyn.run(10)
        u = crystal.positions - sites
        u -= u.mean(axis=0)
        samples.append((u**2).sum(axis=1).mean())
    assert np.mean(samples) == pytest.approx(expected, rel=0.02)


def test_chemical_potential_obeys_gibbs_helmholtz():
    # d(g/T)/dT = −H/T² with H = E0 + 3kT + aT² + bT³ per atom, at several temperatures
    harmonic = Harmonic(
        lattice_constant_A=4.0, energy_per_atom_eV=-0.2, mean_log_hbar_omega=-4.7, msd_per_K_A2=0
    )
    anharmonic = Anharmonic(
        a=3e-8, b=-1e-11, temperatures_K=(), excess_enthalpy_eV=(), max_residual_eV=0
    )
    for t in (100.0, 400.0, 700.0):
        step = 1e-3
        ratio = [
            crystal_chemical_potential(x, harmonic, anharmonic) / x for x in (t - step, t + step)
        ]
        derivative = (ratio[1] - ratio[0]) / (2 * step)
        enthalpy = -0.2 + 3 * units.kB * t + 3e-8 * t**2 - 1e-11 * t**3
        assert derivative == pytest.approx(-enthalpy / t**2, rel=1e-6)


def test_monomer_density_follows_the_monomer_energy():
    # only E1 depends on μ_s: raising μ_s by δ multiplies ρ_eq by exp(δ/kT) exactly
    harmonic = Harmonic(
        lattice_constant_A=4.0, energy_per_atom_eV=0.0, mean_log_hbar_omega=-4.67, msd_per_K_A2=0
    )
    t = 600.0
    densities = [
        monomer_gas_density(
            t,
            Hamiltonian(solvent=SolventParameters(mu_eV=mu, form="embedding")),
            harmonic,
            None,
        )
        for mu in (3.0, 3.1)
    ]
    assert densities[1] / densities[0] == pytest.approx(np.exp(0.1 / (units.kB * t)), rel=1e-9)

"""Harmonic modes and free energies: the dimer's analytic oscillator, ASE's Vibrations side by
side, and low-temperature MD against the harmonic model."""

import numpy as np
import pytest
from ase import Atoms, units
from ase.cluster import Icosahedron
from ase.vibrations import Vibrations

from aucluster.errors import ParameterError
from aucluster.potentials import make_potential
from aucluster.stability import relax
from aucluster.stability.free_energy import parse_temperatures
from aucluster.stability.vibrations import (
    bulk_vibrations,
    hessian,
    vibrational_energies,
    vibrational_free_energy,
)


def _relaxed(atoms, potential="emt"):
    atoms = atoms.copy()
    atoms.center(vacuum=6.0)
    atoms.pbc = False
    return relax(atoms, potential, fmax=1e-6, max_steps=20000).atoms


def _energy(atoms, potential="emt"):
    work = atoms.copy()
    work.calc = make_potential(potential, {"Au"})
    return work.get_potential_energy()


@pytest.mark.parametrize("potential", ["emt", "gupta"])
def test_dimer_is_the_analytic_harmonic_oscillator(potential):
    dimer = _relaxed(Atoms("Au2", positions=[[0, 0, 0], [0, 0, 2.5]]), potential)
    # curvature of the bond from energies alone (no forces, no Hessian code): k = E''(r)
    h = 1e-3
    stretched = [dimer.copy() for _ in range(3)]
    for sign, atoms in zip((-1, 0, 1), stretched, strict=True):
        atoms.positions[1, 2] += sign * h
    e_minus, e_0, e_plus = (_energy(a, potential) for a in stretched)
    k = (e_plus - 2 * e_0 + e_minus) / h**2  # eV/Å²
    mu = dimer.get_masses()[0] / 2  # amu
    hbar_omega = units._hbar * np.sqrt(k * units._e / (mu * units._amu)) * 1e10 / units._e  # eV
    modes = vibrational_energies(
        dimer, hessian(dimer, make_potential(potential, {"Au"})), periodic=False
    )
    assert len(modes) == 1  # a linear molecule: 3N − 5 = 1 mode
    assert modes[0] == pytest.approx(hbar_omega, rel=1e-4)
    for t in (10.0, 300.0, 1000.0):  # the oscillator's free energy, ħω/2 + kT ln(1 − e^(−ħω/kT))
        kt = units.kB * t
        analytic = modes[0] / 2 + kt * np.log(1 - np.exp(-modes[0] / kt))
        assert vibrational_free_energy(modes, t) == pytest.approx(analytic, rel=1e-9)


def test_modes_agree_with_ase_vibrations(tmp_path):
    # ASE's own finite-difference Hessian, run side by side (its six rigid-body modes come out
    # as near zeros, which it does not project out)
    atoms = _relaxed(Icosahedron("Au", 2))
    ours = vibrational_energies(atoms, hessian(atoms, make_potential("emt", {"Au"})))
    work = atoms.copy()
    work.calc = make_potential("emt", {"Au"})
    vib = Vibrations(work, delta=0.005, name=str(tmp_path / "vib"))
    vib.run()
    theirs = np.sort(np.abs(vib.get_energies()))
    assert len(ours) == 3 * len(atoms) - 6
    assert theirs[:6].max() < 1e-3  # eV: the rigid-body leftovers
    assert np.abs(theirs[6:] - ours).max() < 1e-6


def test_a_saddle_point_shows_its_imaginary_mode():
    # the EMT cuboctahedron stays a cuboctahedron under a symmetric relaxation, but it is a
    # saddle point on the way to the icosahedron (the square faces fold: Mackay's transformation)
    from ase.cluster import Octahedron

    atoms = _relaxed(Octahedron("Au", 3, 1))  # Co13
    h = hessian(atoms, make_potential("emt", {"Au"}))
    with pytest.raises(ParameterError, match="imaginary mode"):
        vibrational_energies(atoms, h)
    assert vibrational_energies(atoms, h, allow_imaginary=True)[0] < 0


def test_low_temperature_md_matches_the_harmonic_model():
    """Langevin MD of Ih13 at 15 K (0.016 T_m(bulk) of EMT Au): the mean potential energy above
    the minimum equals the classical harmonic (3N − 6) kT/2, and the mass-weighted square
    fluctuation, after removing rotation and translation frame by frame, equals
    kT Σ 1/ω² from the Hessian's modes — both within the MD's block error."""
    from asap3.md.langevin import Langevin_Fast
    from ase.build import minimize_rotation_and_translation

    atoms = _relaxed(Icosahedron("Au", 2))
    e0 = _energy(atoms)
    modes = vibrational_energies(atoms, hessian(atoms, make_potential("emt", {"Au"})))
    temperature = 15.0
    kt = units.kB * temperature
    n_modes = 3 * len(atoms) - 6
    omega2 = (modes / units._hbar / 1e10 * np.sqrt(units._e * units._amu)) ** 2  # eV/(Å² amu)
    expected_fluctuation = kt * np.sum(1.0 / omega2)  # amu Å²

    md = atoms.copy()
    md.calc = make_potential("emt", {"Au"})
    md.set_momenta(
        np.random.default_rng(7).normal(size=(len(md), 3)) * np.sqrt(md.get_masses()[:, None] * kt)
    )
    dyn = Langevin_Fast(md, 5 * units.fs, temperature_K=temperature, friction=0.01, seed=7)
    dyn.run(2000)  # 10 ps to equilibrate
    energies, fluctuations = [], []
    masses = md.get_masses()
    for _ in range(4000):
        dyn.run(10)
        energies.append(md.get_potential_energy() - e0)
        frame = md.copy()
        minimize_rotation_and_translation(atoms, frame)
        fluctuations.append(
            float(np.sum(masses[:, None] * (frame.positions - atoms.positions) ** 2))
        )

    def mean_and_block_error(x, blocks=20):
        parts = np.array_split(np.asarray(x), blocks)
        means = np.array([p.mean() for p in parts])
        return means.mean(), means.std(ddof=1) / np.sqrt(blocks)

    e_mean, e_err = mean_and_block_error(energies)
    f_mean, f_err = mean_and_block_error(fluctuations)
    assert abs(e_mean - n_modes * kt / 2) < 3 * e_err + 0.01 * n_modes * kt / 2
    assert abs(f_mean - expected_fluctuation) < 3 * f_err + 0.02 * expected_fluctuation


def test_bulk_free_energy_per_atom_converges_with_the_supercell():
    # Γ-point modes of 4³ and 5³ cubic cells: f_vib(300 K) per atom within 0.5 meV
    calc = make_potential("emt", {"Au"})
    small = bulk_vibrations("Au", 4.0562, calc, repeat=4)
    large = bulk_vibrations("Au", 4.0562, make_potential("emt", {"Au"}), repeat=5)
    assert len(large.energies_eV) == 3 * 500 - 3
    assert small.free_energy_per_atom(300) == pytest.approx(
        large.free_energy_per_atom(300), abs=5e-4
    )
    # high-temperature limit of the quantum oscillators: kT ln(ħω/kT) + (ħω)²/(24 kT) per
    # mode (the expansion of kT ln(2 sinh(ħω/2kT)) to second order), at 1500 K
    kt = units.kB * 1500.0
    x = large.energies_eV
    classical = 3 * np.mean(kt * np.log(x / kt) + x**2 / (24 * kt))
    assert large.free_energy_per_atom(1500.0) == pytest.approx(classical, abs=1e-6)


@pytest.mark.parametrize("text", ["", "0", "-5,300", "abc", "300,nan"])
def test_bad_temperatures_are_refused(text):
    with pytest.raises(ParameterError, match="temperatures"):
        parse_temperatures(text)


def test_temperatures_parse_sorted_and_unique():
    assert parse_temperatures("600, 300,600") == [300.0, 600.0]

"""The pieces of the Gibbs–Thomson measurement (`aucluster.thermo.gibbs_thomson`) against
exact facts: the sphere's capillarity formula, the Wulff shape's area factor, which atoms
are the particle, and a short pocket run's bookkeeping."""

import math

import numpy as np
import pytest
from ase import Atoms, units

from aucluster.errors import ParameterError
from aucluster.md import MDSettings, constant
from aucluster.md.cloud import cloud_hamiltonian, equilibrium_density
from aucluster.potentials import WallParameters
from aucluster.structures import build_icosahedron
from aucluster.structures.geometry import in_vacuum_box
from aucluster.thermo.gibbs_thomson import (
    atomic_volume_A3,
    effective_surface_energy,
    growth_start,
    measure_pocket_cloud,
    particle_and_cloud,
    predicted_ln_s,
)


def test_capillarity_formula_for_a_sphere():
    # N atoms of volume Ω make a sphere of R = (3NΩ/4π)^{1/3}; ln S* = 2γΩ/(RkT)
    omega = atomic_volume_A3(4.0)
    assert omega == pytest.approx(16.0)
    n = 1000
    radius = (3 * n * omega / (4 * math.pi)) ** (1 / 3)
    expected = 2 * 0.04 * omega / (radius * units.kB * 500.0)
    assert predicted_ln_s(n, 500.0, gamma_eV_per_A2=0.04, omega_A3=omega) == pytest.approx(
        expected, rel=1e-12
    )
    # eight times the atoms, twice the radius, half the excess chemical potential
    assert predicted_ln_s(8 * n, 500.0, gamma_eV_per_A2=0.04, omega_A3=omega) == pytest.approx(
        expected / 2, rel=1e-12
    )


def test_effective_surface_energy_exceeds_the_lowest_face():
    # a polyhedron has more area than the sphere of its volume, and its faces' mean γ is at
    # least the (111) value: γ_eff > γ(111) of EMT (0.0352 eV/Å², unrelaxed slabs)
    from aucluster.structures.wulff import emt_surface_energies

    gamma = effective_surface_energy(4.06)
    assert gamma > emt_surface_energies("Au")[(1, 1, 1)]
    assert gamma < 1.2 * emt_surface_energies("Au")[(1, 0, 0)]


def test_particle_is_the_largest_connected_cluster():
    core = build_icosahedron(3)
    far = core.positions.mean(axis=0) + np.array([15.0, 0, 0])
    atoms = core + Atoms("Au2", positions=[far, far + np.array([0, 8.0, 0])])
    mask = particle_and_cloud(atoms)
    assert mask.sum() == 55
    assert not mask[-2:].any()


def test_a_short_pocket_run_counts_its_cloud():
    # an Ih55 with monomers in a pocket: the bookkeeping (sizes add up, the density is the
    # count in the shell over its volume, S is that over ρ_eq) on a few ps at 600 K
    core = build_icosahedron(3)
    centre = core.positions.mean(axis=0)
    rng = np.random.default_rng(0)
    extra = []
    while len(extra) < 12:
        u = rng.normal(size=3)
        p = centre + u / np.linalg.norm(u) * rng.uniform(16.0, 20.0)
        if all(np.linalg.norm(p - q) > 4.0 for q in extra):
            extra.append(p)
    atoms = in_vacuum_box(core + Atoms(f"Au{len(extra)}", positions=extra), 30.0)
    settings = MDSettings(
        program=constant(600.0),
        duration_ps=4.0,
        timestep_fs=2.0,
        friction_per_fs=0.002,
        solvent=cloud_hamiltonian().solvent,
        cluster_correction=True,
        wall=WallParameters(radius=24.0),
    )
    result = measure_pocket_cloud(
        atoms, settings, omega_A3=17.0, discard_ps=1.0, sample_every_ps=0.25
    )
    assert result.n_total == 67
    assert (result.particle_series >= 55).all()
    assert result.particle_series.max() <= 67
    assert result.cloud_density_per_A3 > 0
    assert result.equilibrium_density_per_A3 == equilibrium_density(600.0)
    assert result.supersaturation == pytest.approx(
        result.cloud_density_per_A3 / result.equilibrium_density_per_A3
    )
    with pytest.raises(ParameterError, match="wall"):
        measure_pocket_cloud(atoms, MDSettings(n_steps=10), omega_A3=17.0, discard_ps=0.0)


def test_growth_start_moves_the_outermost_atoms_into_the_pocket():
    particle = in_vacuum_box(build_icosahedron(4), 30.0)  # 147 atoms
    centre = particle.positions.mean(axis=0)
    start = growth_start(particle, 12, centre=centre, wall_radius_A=28.0, seed=1)
    assert len(start) == len(particle)  # the same atoms: the reversibility check's condition
    kept = start.positions[:135]
    radius = np.linalg.norm(kept - centre, axis=1).max()
    moved = np.linalg.norm(start.positions[135:] - centre, axis=1)
    assert (moved >= radius + 4.0).all()
    assert (moved <= 27.0).all()
    with pytest.raises(ParameterError):
        growth_start(particle, 0, centre=centre, wall_radius_A=28.0)


def test_the_shell_volume_is_the_ball_less_the_shared_lens():
    from aucluster.thermo.gibbs_thomson import _outside_of

    big = 4 / 3 * math.pi * 20.0**3
    small = 4 / 3 * math.pi * 8.0**3
    assert _outside_of(8.0, 5.0, 20.0) == pytest.approx(big - small)  # wholly inside
    assert _outside_of(8.0, 30.0, 20.0) == pytest.approx(big)  # apart
    # half-way: a Monte Carlo estimate of the ball less the lens, to 1 %
    rng = np.random.default_rng(0)
    points = rng.uniform(-20, 20, size=(400_000, 3))
    in_ball = (points**2).sum(axis=1) < 400.0
    outside = ((points - [17.0, 0, 0]) ** 2).sum(axis=1) > 64.0
    estimate = 64000.0 * np.mean(in_ball & outside)
    assert _outside_of(8.0, 17.0, 20.0) == pytest.approx(estimate, rel=0.01)


def test_growth_start_takes_a_wulff_cluster():
    from aucluster.structures.wulff import build_wulff

    particle = build_wulff(225, vacuum=30.0)
    centre = particle.positions.mean(axis=0)
    start = growth_start(particle, 20, centre=centre, wall_radius_A=30.0, seed=2)
    assert len(start) == len(particle)

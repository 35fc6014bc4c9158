"""The parts of the slab–vapour solubility measurement, against exact facts: the (111) layer
spacing a/√3, which atoms are vapour, species found across the periodic boundary, and the
interval's coverage of a known mean."""

import numpy as np
import pytest

from aucluster.errors import ParameterError
from aucluster.potentials import Hamiltonian, WallParameters
from aucluster.thermo.solubility import (
    SlabSettings,
    build_slab,
    correlated_interval,
    measure_solubility,
    slab_surfaces,
    species_sizes,
    vapour_mask,
)


def test_slab_layers_are_the_111_spacing_and_the_cell_is_periodic():
    settings = SlabSettings(temperature_K=600.0, layers=6, vacuum_A=30.0)
    slab, (low, high) = build_slab(settings, 4.1)
    assert slab.pbc.all()
    assert len(slab) == 6 * 6 * 6
    assert high - low == pytest.approx(5 * 4.1 / np.sqrt(3), abs=1e-9)
    assert slab.cell[2, 2] == pytest.approx(high - low + 30.0, abs=1e-9)


def test_vapour_is_beyond_the_contact_distance_on_either_side():
    surfaces, cell_z = (10.0, 20.0), 50.0
    z = np.array([15.0, 23.9, 24.1, 5.9, 6.1, 49.0, 51.0 + 24.5])  # the last folds to 25.5
    positions = np.column_stack([np.zeros_like(z), np.zeros_like(z), z])
    mask = vapour_mask(positions, surfaces, cell_z, 4.0)
    assert mask.tolist() == [False, False, True, True, False, True, True]


def test_species_are_connected_across_the_boundary():
    box = np.array([20.0, 20.0, 20.0])
    positions = np.array(
        [[1.0, 10, 10], [19.0, 10, 10], [10, 10, 10], [10, 3, 3], [10, 3, 6.0]]
    )  # a dimer across x = 0 (2 Å apart), a monomer, a dimer 3 Å apart
    assert sorted(species_sizes(positions, box).tolist()) == [1, 2, 2]
    assert species_sizes(np.empty((0, 3)), box).size == 0


def test_interval_covers_a_known_mean_for_independent_and_correlated_series():
    # white noise (τ = 1) and an AR(1) series with φ = 0.9 (τ = (1 + φ)/(1 − φ) = 19): the
    # autocorrelation-aware interval covers the true mean about 95 % of the time for both
    rng = np.random.default_rng(7)
    for phi, expected_tau in ((0.0, 1.0), (0.9, 19.0)):
        hits, taus = 0, []
        for _ in range(300):
            noise = rng.normal(0.0, 1.0, 2000)
            series = np.empty_like(noise)
            series[0] = noise[0] / np.sqrt(1 - phi**2)
            for k in range(1, len(noise)):
                series[k] = phi * series[k - 1] + noise[k]
            _, low, high, tau = correlated_interval(3.0 + series)
            hits += low <= 3.0 <= high
            taus.append(tau)
        assert 0.90 <= hits / 300 <= 0.99, (phi, hits)  # binomial sd at 0.95: 0.013
        assert np.median(taus) == pytest.approx(expected_tau, rel=0.25)
    with pytest.raises(ParameterError):
        correlated_interval(np.ones(3))


@pytest.mark.parametrize(
    "bad",
    [
        {"temperature_K": 0.0},
        {"temperature_K": float("nan")},
        {"temperature_K": 600.0, "layers": 3},
        {"temperature_K": 600.0, "lateral_cells": (6, 5)},
        {"temperature_K": 600.0, "vacuum_A": 12.0},
        {"temperature_K": 600.0, "hamiltonian": Hamiltonian(wall=WallParameters(radius=9.0))},
    ],
)
def test_bad_settings_are_refused(bad):
    with pytest.raises(ParameterError):
        SlabSettings(**bad)


def test_slab_surfaces_follow_the_slab_across_the_cell_boundary():
    # the slab drifts under Langevin dynamics: its planes are found where it is, also when it
    # straddles the periodic boundary in z, and a vapour atom is not part of it
    settings = SlabSettings(temperature_K=600.0, layers=6, vacuum_A=30.0)
    slab, (low, high) = build_slab(settings, 4.1)
    box = np.diag(slab.cell.array).copy()
    thickness = high - low
    for shift in (0.0, 7.5, -0.5 * box[2] + 1.0):
        moved = slab.copy()
        moved.positions[:, 2] += shift
        moved += moved[:1]
        moved.positions[-1, 2] = 0.5 * (low + high) + shift + 0.5 * box[2]  # mid-vacuum
        new_low, new_high = slab_surfaces(moved.positions, box)
        assert new_high - new_low == pytest.approx(thickness, abs=1e-9)
        mask = vapour_mask(moved.positions, (new_low, new_high), box[2], 4.0)
        assert np.flatnonzero(mask).tolist() == [len(moved) - 1]


def test_stepped_slab_has_half_outer_layers():
    settings = SlabSettings(temperature_K=600.0, layers=6, vacuum_A=30.0, stepped=True)
    slab, (low, high) = build_slab(settings, 4.1)
    z = slab.positions[:, 2]
    assert len(slab) == 4 * 36 + 2 * 18
    assert np.count_nonzero(z > high - 0.5) == 18
    assert np.count_nonzero(z < low + 0.5) == 18


def test_a_slab_can_start_from_a_supersaturated_vapour():
    # the approach from above: monomers placed in the vacuum are counted as vapour at once
    settings = SlabSettings(
        temperature_K=600.0,
        vacuum_A=40.0,
        initial_vapour=10,
        equilibration_ps=0.1,
        production_ps=2.0,
        sample_every_ps=0.5,
    )
    result = measure_solubility(settings, lattice_constant_A=4.11)
    assert result.n_slab_atoms == 216
    assert len(result.counts) == 4
    assert result.counts[0] >= 9  # at most one has reached a surface within 0.6 ps

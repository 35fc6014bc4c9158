"""Caloric curves, melting points, the Pawlow fit and bulk coexistence (aucluster.thermo)."""

import numpy as np
import pytest

from aucluster.errors import ParameterError
from aucluster.structures import build_icosahedron
from aucluster.thermo import (
    CaloricCurve,
    bulk_coexistence,
    caloric_curve,
    melting_point,
    pawlow_fit,
)


def test_melting_point_from_a_step_curve():
    t = np.arange(500.0, 1001.0, 50.0)
    e = 0.001 * (t - 500) / 100 + np.where(t >= 800, 0.05, 0.0)  # jump between 750 and 800
    lind = np.where(t >= 800, 0.2, 0.03)
    curve = CaloricCurve(
        n_atoms=10, temperature_K=t, energy_per_atom_eV=e, energy_std_eV=0 * t, lindemann=lind
    )
    mp = melting_point(curve)
    # a sharp step between 750 and 800 K: the fitted midpoint lies between them, and the
    # uncertainty is at least half a temperature step
    assert 750 < mp.temperature_K < 800
    assert mp.uncertainty_K >= 25.0
    assert 750 < mp.lindemann_K < 800


def test_melting_point_of_a_smooth_step_is_its_midpoint():
    t = np.arange(500.0, 1001.0, 25.0)
    e = 1e-4 * t + 0.05 / (1 + np.exp(-(t - 812.0) / 20.0))
    curve = CaloricCurve(
        n_atoms=10, temperature_K=t, energy_per_atom_eV=e, energy_std_eV=0 * t, lindemann=e
    )
    assert melting_point(curve).temperature_K == pytest.approx(812.0, abs=0.5)


def test_pawlow_fit_recovers_exact_parameters():
    n = np.array([147, 309, 561, 923])
    fit = pawlow_fit(n, 1000.0 * (1 - 1.5 * n ** (-1 / 3)))
    assert fit.bulk_K == pytest.approx(1000.0)
    assert fit.c == pytest.approx(1.5)
    with pytest.raises(ParameterError, match="3 sizes"):
        pawlow_fit([147, 309], [600, 700])


@pytest.mark.slow
def test_caloric_curve_melts_a_small_cluster():
    # Ih 55 with EMT: solid (Lindemann < 0.1) at 200 K, liquid (> 0.1) at 1300 K, and the
    # potential energy rises with temperature.
    curve = caloric_curve(
        build_icosahedron(3), [200, 700, 1300], equilibrate_ps=2, sample_ps=10, seed=1
    )
    assert np.all(np.diff(curve.energy_per_atom_eV) > 0)
    assert curve.lindemann[0] < 0.1 < curve.lindemann[-1]


@pytest.mark.validation
def test_bulk_coexistence_of_emt_au_is_self_consistent():
    # Two starts 40 K apart on either side of the EMT melting point must settle within 30 K
    # of each other with both phases present (~90 s).
    low = bulk_coexistence(880.0, run_ps=80.0, lattice_temperature_K=920.0, seed=1)
    high = bulk_coexistence(960.0, run_ps=80.0, lattice_temperature_K=920.0, seed=2)
    assert abs(low.temperature_K - high.temperature_K) < 30.0
    # latent heat moves each start towards T_m: the one below warms (crystal grows, releasing
    # heat), the one above cools (crystal melts)
    assert low.temperature_K > low.start_K
    assert high.temperature_K < high.start_K

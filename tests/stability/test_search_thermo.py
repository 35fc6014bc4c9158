"""Basin hopping against the Cambridge Cluster Database, and the thermodynamics tools."""

import numpy as np
import pytest
from ase.calculators.calculator import Calculator, all_changes

from aucluster.errors import ParameterError
from aucluster.stability import relax
from aucluster.stability.search import SearchSettings, global_minimum
from aucluster.stability.thermo import (
    CaloricCurve,
    caloric_curve,
    melting_point,
    pawlow_fit,
)
from aucluster.structures import build_icosahedron


class LennardJones(Calculator):
    """All-pairs Lennard-Jones in reduced units (ε = σ = 1), no cutoff."""

    implemented_properties = ("energy", "forces")

    def calculate(self, atoms=None, properties=("energy",), system_changes=all_changes):
        super().calculate(atoms, properties, system_changes)
        r = self.atoms.positions
        d = r[:, None, :] - r[None, :, :]
        r2 = (d**2).sum(-1) + np.eye(len(r))
        inv6 = r2**-3
        np.fill_diagonal(inv6, 0.0)
        self.results["energy"] = float(2.0 * (inv6**2 - inv6).sum())
        coef = 24.0 * (2.0 * inv6**2 - inv6) / r2
        self.results["forces"] = (coef[:, :, None] * d).sum(axis=1)


@pytest.mark.slow
def test_basin_hopping_finds_lj13():
    # LJ13 global minimum −44.326801 ε (Wales & Doye, J. Phys. Chem. A 101, 5111 (1997);
    # Cambridge Cluster Database), the icosahedron.
    result = global_minimum(
        13,
        restarts=2,
        seed=1,
        settings=SearchSettings(steps=40, temperature_eV=0.8, step_A=0.4, fmax=1e-3),
        element="Ar",
        nn_distance=2 ** (1 / 6),
        calculator_factory=LennardJones,
    )
    assert result.energy_eV == pytest.approx(-44.326801, abs=1e-4)
    assert 1 <= result.hits <= 2
    assert len(result.restarts) == 2


@pytest.mark.slow
def test_basin_hopping_reaches_the_emt_icosahedron_and_is_reproducible():
    # Au13 with EMT: the search from random starts must reach (at least) the relaxed Mackay
    # icosahedron's energy; the same seeds give the same answer.
    settings = SearchSettings(steps=40, step_A=1.2, temperature_eV=0.2)
    first = global_minimum(13, restarts=2, seed=3, settings=settings)
    again = global_minimum(13, restarts=2, seed=3, settings=settings)
    ih = relax(build_icosahedron(2), "emt", fmax=settings.fmax).energy_eV
    assert first.energy_eV <= ih + 1e-3
    assert again.energy_eV == first.energy_eV
    assert first.motif == "icosahedral"  # CNA's verdict on the structure found


def test_search_bad_input():
    with pytest.raises(ParameterError, match="restarts"):
        global_minimum(13, restarts=0)
    with pytest.raises(ParameterError, match="step_A"):
        SearchSettings(step_A=-1)


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
    from aucluster.stability.thermo import bulk_coexistence

    low = bulk_coexistence(880.0, run_ps=80.0, lattice_temperature_K=920.0, seed=1)
    high = bulk_coexistence(960.0, run_ps=80.0, lattice_temperature_K=920.0, seed=2)
    assert abs(low.temperature_K - high.temperature_K) < 30.0
    assert 0.1 < low.solid_fraction_end < 0.9
    assert 0.1 < high.solid_fraction_end < 0.9

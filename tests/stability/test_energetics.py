"""Δ, Δ2E, envelopes and crossovers on numbers whose answers are exact."""

import numpy as np
import pytest

from aucluster.errors import ParameterError
from aucluster.stability import (
    Candidate,
    candidates,
    crossovers,
    envelope,
    excess_energy,
    fit_class,
    lowest_per_size,
    parse_motifs,
    second_difference,
)
from aucluster.stability.energetics import LinearFit
from aucluster.structures import Motif, icosahedron_size


def test_excess_energy_formula():
    assert excess_energy(10.0, 8, 0.5) == pytest.approx((10.0 - 4.0) / 4.0)


def test_second_difference_only_where_neighbours_exist():
    n = [10, 11, 12, 12, 14]
    e = [1.0, 3.0, 2.0, 7.0, 0.0]  # size 12 twice: the lower (2.0) counts
    assert lowest_per_size(n, e) == {10: 0, 11: 1, 12: 2, 14: 4}
    assert second_difference(n, e) == {11: pytest.approx(2.0 + 1.0 - 6.0)}


def test_crossover_of_two_lines_is_exact():
    # Δ_ico = 1.0 + 0.02 x, Δ_fcc = 1.2 − 0.01 x cross at x = 20/3, N = (20/3)^3
    x = np.linspace(4, 12, 30)
    n = np.round(x**3).astype(int)
    ico = fit_class("icosahedral", n, 1.0 + 0.02 * np.cbrt(n))
    fcc = fit_class("fcc", n, 1.2 - 0.01 * np.cbrt(n))
    assert ico is not None
    assert fcc is not None
    assert ico.slope_eV == pytest.approx(0.02)
    assert fcc.intercept_eV == pytest.approx(1.2)
    (c,) = crossovers([ico, fcc])
    assert (c.below, c.above) == ("icosahedral", "fcc")
    assert c.n_atoms == pytest.approx((20 / 3) ** 3)
    assert not c.extrapolated
    assert c.lowest


def test_crossover_hidden_by_a_third_class_is_not_the_lowest():
    a = LinearFit(name="a", intercept_eV=1.0, slope_eV=0.02, n_points=5, x_range=(4, 12))
    b = LinearFit(name="b", intercept_eV=1.2, slope_eV=-0.01, n_points=5, x_range=(4, 12))
    c = LinearFit(name="c", intercept_eV=0.5, slope_eV=0.0, n_points=5, x_range=(4, 12))
    ab = next(x for x in crossovers([a, b, c]) if {x.below, x.above} == {"a", "b"})
    assert not ab.lowest


def test_envelope_drops_rods():
    n = np.array([100, 105, 110, 300, 310])
    d = np.array([1.2, 1.9, 1.21, 1.18, 2.5])  # 105 and 310 are elongated outliers
    # 110 lies within 0.25 of 100 in N^(1/3) and is higher: not on the envelope either
    assert envelope(n, d).tolist() == [0, 3]


def test_candidates_cover_the_families():
    cands = candidates("all", 150)
    by_motif = {
        m: [c for c in cands if c.motif is m] for m in Motif if any(c.motif is m for c in cands)
    }
    assert [c.n_atoms for c in by_motif[Motif.ICOSAHEDRON]] == [13, 55, 147]
    assert [c.n_atoms for c in by_motif[Motif.VACANCY_ICOSAHEDRON]] == [54, 146]
    assert all(13 <= c.n_atoms <= 150 for c in cands)
    marks = {c.describe_parameters() for c in by_motif[Motif.MARKS_DECAHEDRON]}
    assert "p=2 q=2 r=1" in marks  # the 75-atom Marks decahedron


def test_vacancy_icosahedron_has_no_central_atom():
    cand = Candidate(motif=Motif.VACANCY_ICOSAHEDRON, parameters=(("n_shells", 3),), n_atoms=54)
    atoms = cand.build()
    assert len(atoms) == icosahedron_size(3) - 1
    centre = atoms.positions.mean(axis=0)
    assert np.linalg.norm(atoms.positions - centre, axis=1).min() > 2.5
    assert atoms.info["motif"] == "vacancy-icosahedron"


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: parse_motifs("icosahedron,blob"), "blob"),
        (lambda: candidates("all", 12), "≥ 13"),
        (lambda: candidates("all", 20.5), "20.5"),
    ],
)
def test_bad_input(call, message):
    with pytest.raises(ParameterError, match=message):
        call()


def test_crossings_below_the_smallest_cluster_are_dropped():
    a = LinearFit(name="a", intercept_eV=1.0, slope_eV=0.02, n_points=5, x_range=(4, 12))
    b = LinearFit(name="b", intercept_eV=1.05, slope_eV=-0.01, n_points=5, x_range=(4, 12))
    # they cross at x = 5/3, N = 4.6: "b is lower at every size of the table", not a crossover
    assert len(crossovers([a, b])) == 1
    assert crossovers([a, b], min_atoms=13) == []

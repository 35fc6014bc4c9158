"""Basin hopping against the Cambridge Cluster Database."""

import numpy as np
import pytest
from ase.calculators.calculator import Calculator, all_changes

from aucluster.errors import ParameterError
from aucluster.stability import relax
from aucluster.stability.search import (
    SearchSettings,
    add_atom,
    global_minima,
    global_minimum,
    motif_seeds,
    neighbour_gaps,
    random_cluster,
    strip_to,
)
from aucluster.structures import build_icosahedron
from aucluster.structures.elements import nearest_neighbour_distance
from aucluster.structures.geometry import coordination_numbers


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
    # hits: the restarts that ended within the tolerance of the best, counted here
    assert result.hits == sum(
        r.energy_eV <= result.energy_eV + SearchSettings().energy_tolerance_eV
        for r in result.restarts
    )
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


#: The LJ fcc lattice constant whose nearest-neighbour distance is the pair minimum 2^(1/6) σ.
LJ_A0 = 2 ** (1 / 6) * np.sqrt(2)


@pytest.mark.slow
def test_seeded_search_finds_lj38():
    # LJ38 global minimum −173.928427 ε, the fcc truncated octahedron (Doye, Miller & Wales,
    # J. Chem. Phys. 110, 6896 (1999); Cambridge Cluster Database): a narrow funnel that
    # random starts rarely reach and that the motif table enters from the start
    seeds = motif_seeds(38, a0=LJ_A0)
    assert all(len(atoms) == 38 for _, atoms in seeds)
    result = global_minimum(
        38,
        restarts=1,
        seed=1,
        seeds=seeds,
        settings=SearchSettings(steps=5, temperature_eV=0.8, step_A=0.3, fmax=1e-3),
        nn_distance=2 ** (1 / 6),
        calculator_factory=LennardJones,
    )
    assert result.energy_eV == pytest.approx(-173.928427, abs=1e-4)
    # the TO38 member and the 44-atom octahedron stripped of its 6 vertices (the same
    # structure) both end there
    at_minimum = {r.start for r in result.restarts if r.energy_eV < -173.9284}
    assert {"truncated-octahedron length=4 cutoff=1", "octahedron length=4 −6"} <= at_minimum
    assert len(result.restarts) == len(seeds) + 1


def test_motif_seeds_strip_the_least_coordinated_atoms():
    # Au54 from the 55-atom Mackay icosahedron: one vertex (coordination 6) goes, never the
    # centre (12); seeds come from every shell motif within 12 atoms above
    seeds = dict(motif_seeds(54))
    ih = seeds["icosahedron n_shells=3 −1"]
    full = build_icosahedron(3)
    centre = full.positions.mean(axis=0)
    assert len(ih) == 54
    assert np.min(np.linalg.norm(ih.positions - centre, axis=1)) < 1e-6  # centre kept
    labels = " ".join(seeds)
    for motif in ("icosahedron", "ino-decahedron", "marks-decahedron", "cuboctahedron"):
        assert motif in labels


def test_strip_to_removes_a_vertex_and_add_atom_fills_a_hollow_site():
    # Mackay Ih55 → 54: a vertex goes (coordination 6, the lowest); Ih13 + 1: the new atom
    # sits in a three-fold hollow of the (111)-like facets (3 neighbours at d_nn, none closer)
    d_nn = nearest_neighbour_distance("Au")
    ih55 = build_icosahedron(3)
    ih54 = strip_to(ih55, 54, d_nn)
    assert len(ih54) == 54
    gaps = np.linalg.norm(ih55.positions[:, None] - ih54.positions[None], axis=2).min(axis=1)
    kept = gaps < 1e-6
    assert np.sum(~kept) == 1
    assert coordination_numbers(ih55, 1.2 * d_nn)[~kept][0] == 6
    ih13 = build_icosahedron(2)
    ih14 = add_atom(ih13, d_nn, np.random.default_rng(0))
    new = ih14.positions[-1]
    distances = np.linalg.norm(ih14.positions[:-1] - new, axis=1)
    assert distances.min() >= 0.95 * d_nn
    assert np.sum(distances < 1.2 * d_nn) == 3


@pytest.mark.slow
def test_pass_2_starts_from_the_neighbouring_sizes_minima():
    rows = global_minima(
        [37, 38, 39],
        steps_per_size=12,
        random_restarts=1,
        settings=SearchSettings(steps=1),
        workers=1,
    )
    for row in rows:
        assert row.pass2_gain_eV >= 0
        assert row.neighbour_gap_eV is not None
        assert row.steps == row.restarts * (12 // row.restarts)
    by_size = {r.n_atoms: r for r in rows}
    # every size had its own continuation, the middle one both neighbours as well
    assert by_size[38].restarts == len(motif_seeds(38)) + 1 + 3
    assert by_size[37].restarts == len(motif_seeds(37)) + 1 + 2


def test_a_size_left_above_a_neighbours_minimum_has_a_negative_gap():
    # 14 atoms: Ih13 with an adatom, relaxed; stripped of its adatom it relaxes back to Ih13,
    # so a 13-atom "minimum" above Ih13 is proven short by exactly its distance to Ih13
    d_nn = nearest_neighbour_distance("Au")
    ih13 = relax(build_icosahedron(2), "emt", fmax=0.001)
    ih14 = relax(add_atom(ih13.atoms, d_nn, np.random.default_rng(0)), "emt", fmax=0.001)
    start = random_cluster(13, np.random.default_rng(3), nn_distance=d_nn)
    worse = relax(start, "emt", fmax=0.001)
    assert worse.energy_eV > ih13.energy_eV + 0.05  # not the icosahedron
    for at_13, expected in ((worse, ih13.energy_eV - worse.energy_eV), (ih13, 0.0)):
        minima = {13: (at_13.atoms, at_13.energy_eV), 14: (ih14.atoms, ih14.energy_eV)}
        gaps = neighbour_gaps(minima, potential="emt", fmax=0.001)
        assert gaps[13] == pytest.approx(expected, abs=1e-4)
    assert set(gaps) == {13, 14}
    assert neighbour_gaps({13: minima[13]}, potential="emt") == {}  # no neighbour: no check
    assert neighbour_gaps({}, potential="emt") == {}


def test_search_bad_input():
    with pytest.raises(ParameterError, match="restarts"):
        global_minimum(13, restarts=0)
    with pytest.raises(ParameterError, match="do not have 13 atoms"):
        global_minimum(13, restarts=1, seeds=[("wrong", build_icosahedron(3))])
    with pytest.raises(ParameterError, match="step_A"):
        SearchSettings(step_A=-1)

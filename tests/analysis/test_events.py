"""Exchange events with hysteresis on a scripted trajectory, rates, and the Lindemann index."""

import numpy as np
import pytest
from ase import Atoms

from aucluster.analysis import AnalysisSettings, EventKind, analyze_trajectory, lindemann_index
from aucluster.errors import ParameterError
from aucluster.structures import build_icosahedron

FAR = np.array([40.0, 0.0, 0.0])  # [Å] well outside any bond
DT = 0.5  # [ps] between scripted frames
LANDING = 2.6  # [Å] beyond the outermost atom: one bond, not an overlap


def _outermost(positions: np.ndarray, direction) -> tuple[int, np.ndarray]:
    u = np.asarray(direction, dtype=float) / np.linalg.norm(direction)
    i = int(np.argmax(positions @ u))
    return i, u


def _scripted_trajectory() -> tuple[list[Atoms], dict]:
    """Ih147 with, far away, a monomer, a dimer and an Ih13; frames 0.5 ps apart:
    2–3: surface atom A is out 8 Å, back at 4 (1 ps: shorter than the 2 ps dwell);
    3: surface atom B leaves for good; 5: the monomer lands; 6: the dimer lands;
    7: the Ih13 lands; 8: a surface trio leaves together for good; frames to 12 (6 ps)."""
    particle = build_icosahedron(4)
    particle.positions -= particle.positions.mean(axis=0)
    p = particle.positions
    small = build_icosahedron(2).positions
    small -= small.mean(axis=0)
    n_p, n_s = len(p), len(small)
    monomer, dimer = n_p + n_s, (n_p + n_s + 1, n_p + n_s + 2)
    base = np.vstack([p, small + FAR, [-FAR], [[0, 40.0, 0], [0, 42.8, 0]]])
    a, ua = _outermost(p, [0, 0, 1])
    b, ub = _outermost(p, [0, 0, -1])
    trio_seed, ut = _outermost(p, [1, 1, 1])
    trio = tuple(sorted(int(i) for i in np.argsort(np.linalg.norm(p - p[trio_seed], axis=1))[:3]))
    m_site, um = _outermost(p, [0, 1, 0])
    d_site, ud = _outermost(p, [0, -1, 0])
    _, us = _outermost(p, [-1, 0, 0])
    frames = []
    for k in range(13):
        f = base.copy()
        if k in (2, 3):
            f[a] = p[a] + 8.0 * ua
        if k >= 3:
            f[b] = p[b] + 30.0 * ub
        if k >= 5:
            f[monomer] = p[m_site] + LANDING * um
        if k >= 6:
            f[dimer[0]] = p[d_site] + LANDING * ud
            f[dimer[1]] = p[d_site] + (LANDING + 2.8) * ud
        if k >= 7:
            reach = (p @ us).max() + LANDING - (small @ -us).max()
            f[n_p:monomer] = small + reach * us
        if k >= 8:
            f[list(trio)] += 30.0 * ut
        frames.append(f)
    atoms = []
    for k, f in enumerate(frames):
        frame = Atoms("Au" * len(f), positions=f + 60.0, cell=np.eye(3) * 150.0)
        frame.info["time_ps"] = k * DT
        atoms.append(frame)
    truth = {
        "a": a,
        "b": b,
        "monomer": monomer,
        "dimer": dimer,
        "small": tuple(range(n_p, monomer)),
        "trio": trio,
    }
    return atoms, truth


INSTANT = AnalysisSettings(lindemann_window=0, labels="instantaneous")


def test_scripted_trajectory_gives_exactly_its_events():
    frames, truth = _scripted_trajectory()
    result = analyze_trajectory(frames, INSTANT)
    seen = {(e.frame, e.kind, e.atoms) for e in result.events}
    expected = {
        (3, EventKind.DETACH, (truth["b"],)),
        (5, EventKind.ATTACH, (truth["monomer"],)),
        (6, EventKind.ATTACH, (truth["dimer"][0],)),
        (6, EventKind.ATTACH, (truth["dimer"][1],)),
        (7, EventKind.COALESCENCE, truth["small"]),
        (8, EventKind.EXPEL, truth["trio"]),
    }
    expected |= {(7, EventKind.ATTACH, (a,)) for a in truth["small"]}
    expected |= {(8, EventKind.DETACH, (a,)) for a in truth["trio"]}
    # A's 1 ps excursion is no event; the dimer landing is two attaches, not a coalescence
    assert seen == expected
    sites = {e.atoms[0]: e.site_coordination for e in result.events if e.kind == "detach"}
    assert sites[truth["b"]] == 6  # a vertex of the icosahedron: six neighbours


def test_a_shorter_dwell_counts_the_excursion():
    frames, truth = _scripted_trajectory()
    short = AnalysisSettings(lindemann_window=0, labels="instantaneous", dwell_ps=0.5)
    kinds = {
        (e.frame, e.kind)
        for e in analyze_trajectory(frames, short).events
        if e.atoms == (truth["a"],)
    }
    assert kinds == {(2, EventKind.DETACH), (4, EventKind.ATTACH)}


def test_events_do_not_depend_on_the_sampling_interval():
    frames, _ = _scripted_trajectory()
    every = analyze_trajectory(frames, INSTANT).events
    second = analyze_trajectory(frames[::2], INSTANT).events
    count = lambda events, kind: sum(e.kind == kind for e in events)  # noqa: E731
    for kind in (EventKind.DETACH, EventKind.ATTACH, EventKind.EXPEL, EventKind.COALESCENCE):
        assert count(every, kind) == count(second, kind), kind


def test_trajectory_table_counts_the_events_and_the_cloud():
    frames, _ = _scripted_trajectory()
    rows = analyze_trajectory(frames, INSTANT).rows
    assert [r["n_detached"] for r in rows][:9] == [0, 0, 0, 1, 0, 0, 0, 0, 3]
    assert [r["n_attached"] for r in rows][:9] == [0, 0, 0, 0, 0, 1, 2, 13, 0]
    assert [r["n_coalescence_contacts"] for r in rows][:9] == [0] * 7 + [1, 0]
    assert [r["n_expelled_clusters"] for r in rows][:9] == [0] * 8 + [1]
    # the cloud: monomer, dimer, Ih13 at first; A out at 2–3, B gone from 3, trio from 8
    assert [r["n_cloud_monomers"] for r in rows][:9] == [1, 1, 2, 3, 2, 1, 1, 1, 1]
    assert [r["n_cloud_dimers"] for r in rows][:7] == [1, 1, 1, 1, 1, 1, 0]
    assert [r["n_cloud_clusters_13_plus"] for r in rows][6:9] == [1, 0, 0]
    assert rows[8]["n_cloud_trimers"] == 1


def test_rates_come_with_poisson_intervals():
    frames, _ = _scripted_trajectory()
    result = analyze_trajectory(frames, INSTANT)
    whole = [r for r in result.rates if r["site_class"] == "all" and r["kind"] == "detach"]
    (row,) = whole  # 6 ps < one 20 ps window: the whole run only
    assert row["n_events"] == 4
    assert row["rate_per_ps"] == pytest.approx(4 / 6.0)
    # exact (Garwood, Biometrika 28, 437 (1936)) 95 % interval for 4 counts: [1.0899, 10.2416]
    assert row["rate_ci_low_per_ps"] * 6.0 == pytest.approx(1.0899, abs=1e-3)
    assert row["rate_ci_high_per_ps"] * 6.0 == pytest.approx(10.2416, abs=1e-3)


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        ({"labels": "frozen"}, "allowed are quenched, instantaneous, averaged"),
        ({"detach_radius": 3.0}, "must exceed r_in"),
        ({"dwell_ps": -1.0}, "dwell_ps"),
        ({"min_coalescence_atoms": 1}, "min_coalescence_atoms"),
        ({"average_window": 0}, "average_window"),
        ({"quench_fmax_eV_per_A": 0.0}, "quench_fmax_eV_per_A"),
        ({"rate_window_ps": 0.0}, "rate_window_ps"),
    ],
)
def test_bad_analysis_settings_are_refused(settings, message):
    with pytest.raises(ParameterError, match=message):
        AnalysisSettings(**settings)


def test_frames_of_different_sizes_are_refused():
    frames, _ = _scripted_trajectory()
    with pytest.raises(ParameterError, match="same atoms"):
        analyze_trajectory([frames[0], frames[1][:-1]], INSTANT)


def test_lindemann_index_exact_for_a_breathing_pair():
    # Two atoms at distance d ± a in alternate frames: std a, mean d, so δ = a/d exactly.
    d, a = 2.9, 0.2
    frames = np.array([[[0, 0, 0], [d + s * a, 0, 0]] for s in (1, -1, 1, -1)], dtype=float)
    assert lindemann_index(frames) == pytest.approx(a / d)
    rigid = np.repeat(frames[:1], 3, axis=0)
    assert lindemann_index(rigid) == pytest.approx(0.0, abs=1e-7)


def test_lindemann_index_rises_on_melting():
    from .conftest import thermalise

    def block(atoms, temperature_K, seed):
        frames = [thermalise(atoms, temperature_K, 300, seed=seed)]
        for k in range(9):
            frames.append(thermalise(frames[-1], temperature_K, 200, seed=seed + k + 1))
        return np.stack([f.positions for f in frames])

    ico = build_icosahedron(4)
    solid, liquid = lindemann_index(block(ico, 300.0, 1)), lindemann_index(block(ico, 1500.0, 1))
    # Lindemann's criterion for clusters: solid below ~0.1, liquid above (Zhou et al. 2002).
    assert solid < 0.1 < liquid

"""Structure in time on scripted trajectories: a twin boundary that moves one plane per
frame, a 13-atom cluster that lands and takes the host's lattice (or its twin, or none),
grain identities, and the neck radius of a flat contact."""

import numpy as np
import pytest
from ase import Atoms

from aucluster.analysis import AnalysisSettings, EventKind, analyze_trajectory
from aucluster.analysis.tracking import Outcome, neck_radius, track_grains
from aucluster.structures.polyhedra import fcc_sites_in_sphere

A0 = 4.08  # [Å] Au
D111 = A0 / np.sqrt(3.0)  # (111) spacing
DT = 0.5  # [ps] between frames
INSTANT = AnalysisSettings(lindemann_window=0, labels="instantaneous")
_OFFSETS = {"A": (0.0, 0.0), "B": (1 / 3, 1 / 3), "C": (2 / 3, 2 / 3)}


def _frames(positions: list[np.ndarray]) -> list[Atoms]:
    out = []
    for k, p in enumerate(positions):
        a = Atoms("Au" * len(p), positions=p + 60.0, cell=np.eye(3) * 150.0)
        a.info["time_ps"] = k * DT
        out.append(a)
    return out


def _twinned_column(mirror: int, n_layers: int = 14, reach: int = 7) -> np.ndarray:
    """Close-packed layers on one fixed set of lattice columns (so the same atoms in every
    frame), stacked ABC… up to layer `mirror` and mirrored above it: a twin plane there."""
    d = A0 / np.sqrt(2.0)
    a1, a2 = d * np.array([1.0, 0, 0]), d * np.array([0.5, np.sqrt(3) / 2, 0])
    grid = np.arange(-reach, reach + 1)
    u, v = (g.ravel() for g in np.meshgrid(grid, grid, indexing="ij"))
    lateral = np.outer(u, a1) + np.outer(v, a2)
    keep = np.linalg.norm(lateral, axis=1) <= reach * d * 0.8
    u, v = u[keep], v[keep]
    letters = "ABC"
    layers = []
    for k in range(n_layers):
        letter = letters[k % 3] if k <= mirror else letters[(2 * mirror - k) % 3]
        ou, ov = _OFFSETS[letter]
        pos = np.outer(u + ou, a1) + np.outer(v + ov, a2)
        pos[:, 2] = k * D111
        layers.append(pos)
    return np.vstack(layers)


def test_a_twin_boundary_moving_one_plane_per_frame_is_measured():
    frames = _frames([_twinned_column(m) for m in (5, 6, 7, 8)])
    result = analyze_trajectory(frames, INSTANT)
    rows = result.twins
    assert [r["frame"] for r in rows] == [0, 1, 2, 3]  # one twin per frame
    assert len({r["twin"] for r in rows}) == 1  # the same boundary throughout
    moved = [r["migration_A"] for r in rows[1:]]
    np.testing.assert_allclose(np.abs(moved), D111, rtol=0.02)
    assert len({np.sign(m) for m in moved}) == 1  # always the same way
    speeds = [r["twin_migration_A_per_ps"] for r in result.rows]
    assert np.isnan(speeds[0])
    np.testing.assert_allclose(speeds[1:], D111 / DT, rtol=0.02)
    # the two twins keep their identities while the boundary sweeps: no grain event
    assert [r["n_grains"] for r in result.rows] == [2, 2, 2, 2]
    assert not [e for e in result.events if e.kind.startswith("grain")]


def _host_and_landing():
    """An fcc sphere of 9 Å and the 13 sites of its own lattice just outside it at the
    [111] pole (compact: the nearest to a point 2 Å above the surface there)."""
    sites = fcc_sites_in_sphere(15.0, A0).positions
    host = sites[np.linalg.norm(sites, axis=1) <= 9.0]
    n = np.array([1.0, 1.0, 1.0]) / np.sqrt(3.0)
    outside = sites[np.linalg.norm(sites, axis=1) > 9.0]
    top = (host @ n).max()
    pole = (top + 2.0 * D111) * n
    landing = outside[np.argsort(np.linalg.norm(outside - pole, axis=1))[:13]]
    return host, landing, n, top


def _coalescence(final: np.ndarray) -> list[Atoms]:
    host, landing, n, _ = _host_and_landing()
    frames = []
    for k in range(10):
        if k < 3:
            incoming = landing + 12.0 * n  # a cloud cluster
        elif k == 3:
            incoming = landing + 0.3 * n  # contact
        else:
            incoming = final
        frames.append(np.vstack([host, incoming]))
    return _frames(frames)


def _coalescence_event(result):
    (event,) = [e for e in result.events if e.kind == EventKind.COALESCENCE]
    return event


def test_a_13_atom_cluster_taking_the_host_lattice_is_recrystallised():
    host, landing, _, _ = _host_and_landing()
    result = analyze_trajectory(_coalescence(landing), INSTANT)
    event = _coalescence_event(result)
    assert event.frame == 3
    assert event.atoms == tuple(range(len(host), len(host) + 13))
    assert event.outcome == Outcome.RECRYSTALLISED
    necks = [r for r in result.necks if r["contact_frame"] == 3]
    assert [r["frame"] for r in necks] == list(range(3, 10))
    assert all(r["neck_radius_A"] > 2.0 for r in necks)


def test_a_cluster_on_the_mirrored_lattice_is_a_twin():
    _, _, n, top = _host_and_landing()
    sites = fcc_sites_in_sphere(15.0, A0).positions
    below = sites[((sites @ n) < top - 0.5 * D111) & ((sites @ n) > top - 2.5 * D111)]
    below = below[np.argsort(np.linalg.norm(below - top * n, axis=1))[:13]]
    mirrored = below - 2.0 * np.outer(below @ n - top, n)  # across the top (111) layer
    result = analyze_trajectory(_coalescence(mirrored), INSTANT)
    assert _coalescence_event(result).outcome == Outcome.TWIN


def test_a_cluster_off_any_lattice_is_disordered():
    _, landing, _, _ = _host_and_landing()
    shaken = landing + np.random.default_rng(2).normal(0.0, 0.6, landing.shape)
    result = analyze_trajectory(_coalescence(shaken), INSTANT)
    assert _coalescence_event(result).outcome == Outcome.DISORDERED


def test_grain_identities_absorbed_and_dissolved():
    # frame 0: grains 1 (atoms 0–11) and 2 (12–19); frame 1: one grain, mostly old 1, which
    # keeps its id (2 is absorbed); frame 2: that grain again, labelled 5 by the segmentation
    g0 = np.array([1] * 12 + [2] * 8)
    g1 = np.array([1] * 20)
    g2 = np.array([5] * 20)
    ids, events = track_grains([g0, g1, g2])
    assert ids[1].tolist() == [1] * 20
    assert ids[2].tolist() == [1] * 20
    assert [(e.frame, e.kind) for e in events] == [(1, "grain-absorbed")]
    # everything in no grain: both dissolved
    g3 = np.array([0] * 20)
    _, events = track_grains([g0, g3])
    assert sorted((e.frame, e.kind) for e in events) == [
        (1, "grain-dissolved"),
        (1, "grain-dissolved"),
    ]


def test_neck_radius_of_a_flat_disc_contact():
    # two layers of a dense grid, one bond apart, filling a disc of radius 10 Å: the neck is
    # the whole disc, radius 10 Å (√2 × RMS distance from the axis, exact for a uniform disc)
    g = np.arange(-10.0, 10.01, 0.25)
    x, y = (a.ravel() for a in np.meshgrid(g, g))
    disc = np.hypot(x, y) <= 10.0
    layer = np.column_stack([x[disc], y[disc], np.zeros(disc.sum())])
    up = np.array([0.0, 0.0, 1.0])
    positions = np.vstack([layer, layer + 2.8 * up, layer - 40.0 * up, layer + 40.0 * up])
    n = len(layer)
    host = np.concatenate([np.arange(n), np.arange(2 * n, 3 * n)])
    incoming = np.concatenate([np.arange(n, 2 * n), np.arange(3 * n, 4 * n)])
    assert neck_radius(positions, host, incoming, 3.0) == pytest.approx(10.0, rel=0.02)

"""Exchange events on a scripted trajectory, shape anisotropy and the Lindemann index."""

import numpy as np
import pytest
from ase import Atoms

from aucluster.analysis import (
    AnalysisSettings,
    EventKind,
    analyze_trajectory,
    cluster_labels,
    exchange_events,
    lindemann_index,
    shape_anisotropy,
)
from aucluster.errors import ParameterError
from aucluster.structures import build_fcc_sphere, build_icosahedron, in_vacuum_box

FAR = np.array([40.0, 0.0, 0.0])  # [Å] well outside any bond


def _scripted_trajectory() -> tuple[list[Atoms], dict]:
    """147-atom icosahedron, a monomer and a 13-atom icosahedron far away, then:
    1: one surface atom leaves; 2: it comes back; 3: the 13-atom cluster touches the particle;
    4: particle and cluster have become one compact sphere; 5: a surface trimer leaves."""
    particle = build_icosahedron(4)
    particle.positions -= particle.positions.mean(axis=0)
    small = build_icosahedron(2)
    small.positions -= small.positions.mean(axis=0)
    n_p, n_s = len(particle), len(small)
    monomer = n_p + n_s
    radius = np.linalg.norm(particle.positions, axis=1)
    leaver = int(np.argmax(radius))
    base = np.vstack([particle.positions, small.positions + FAR, [-FAR]])
    frames = [base.copy()]
    f1 = base.copy()
    f1[leaver] = [0.0, 0.0, -30.0]
    frames += [f1, base.copy()]
    touching = base.copy()
    # Put the small cluster's nearest atom one bond (2.8 Å) beyond the particle's surface.
    direction = np.array([1.0, 0.0, 0.0])
    reach = (particle.positions @ direction).max() + 2.8 - (small.positions @ -direction).max()
    touching[n_p:monomer] = small.positions + reach * direction
    frames.append(touching)
    compact = build_fcc_sphere(9.0).positions
    compact = compact[np.argsort(np.linalg.norm(compact - compact.mean(axis=0), axis=1))]
    merged = base.copy()
    merged[:monomer] = compact[:monomer] - compact[:monomer].mean(axis=0)
    frames.append(merged)
    expelled = merged.copy()
    trio = np.argsort(-np.linalg.norm(merged[:monomer], axis=1))[:1]
    nearest = np.argsort(np.linalg.norm(merged[:monomer] - merged[trio[0]], axis=1))[:3]
    expelled[nearest] += [0.0, 30.0, 0.0]
    frames.append(expelled)
    atoms = [in_vacuum_box(Atoms("Au" * len(p), positions=p), 15.0) for p in frames]
    for i, a in enumerate(atoms):
        a.positions = frames[i] + 60.0  # same box offset for every frame
        a.cell = np.eye(3) * 150.0
    truth = {
        "leaver": leaver,
        "small": tuple(range(n_p, monomer)),
        "trio": tuple(sorted(int(i) for i in nearest)),
    }
    return atoms, truth


def test_scripted_trajectory_gives_exactly_its_events():
    frames, truth = _scripted_trajectory()
    clusters = [cluster_labels(f) for f in frames]
    kappa2 = [shape_anisotropy(f.positions[c == 0]) for f, c in zip(frames, clusters, strict=True)]
    events = exchange_events(clusters, kappa2)
    seen = {(e.frame, e.kind, e.atoms, e.completed_frame) for e in events}
    expected = {
        (1, EventKind.DETACH, (truth["leaver"],), -1),
        (2, EventKind.ATTACH, (truth["leaver"],), -1),
        (3, EventKind.COALESCENCE, truth["small"], 4),
        (5, EventKind.EXPEL, truth["trio"], -1),
    }
    expected |= {(3, EventKind.ATTACH, (a,), -1) for a in truth["small"]}
    expected |= {(5, EventKind.DETACH, (a,), -1) for a in truth["trio"]}
    assert seen == expected


def test_trajectory_table_counts_the_events_per_frame():
    frames, truth = _scripted_trajectory()
    result = analyze_trajectory(frames, AnalysisSettings(lindemann_window=0))
    rows = result.rows
    assert [r["n_detached"] for r in rows] == [0, 1, 0, 0, 0, 3]
    assert [r["n_attached"] for r in rows] == [0, 0, 1, len(truth["small"]), 0, 0]
    assert [r["n_coalescence_contacts"] for r in rows] == [0, 0, 0, 1, 0, 0]
    assert [r["n_coalescence_completed"] for r in rows] == [0, 0, 0, 0, 1, 0]
    assert [r["n_expelled_clusters"] for r in rows] == [0, 0, 0, 0, 0, 1]
    assert [r["n_monomers"] for r in rows] == [1, 2, 1, 1, 1, 1]


def test_frames_of_different_sizes_are_refused():
    frames, _ = _scripted_trajectory()
    with pytest.raises(ParameterError, match="same atoms"):
        analyze_trajectory([frames[0], frames[1][:-1]], AnalysisSettings(lindemann_window=0))


# Exact shape facts: κ² = 1 for points on a line, 1/4 for a regular planar polygon (two
# equal eigenvalues, one zero), 0 for the vertices of a cube.
def test_shape_anisotropy_exact_values():
    line = np.outer(np.arange(5.0), [1.0, 2.0, 3.0])
    angles = np.linspace(0, 2 * np.pi, 7)[:-1]
    hexagon = np.stack([np.cos(angles), np.sin(angles), np.zeros(6)], axis=1)
    cube = np.array([[x, y, z] for x in (0, 1) for y in (0, 1) for z in (0, 1)], float)
    assert shape_anisotropy(line) == pytest.approx(1.0)
    assert shape_anisotropy(hexagon) == pytest.approx(0.25)
    assert shape_anisotropy(cube) == pytest.approx(0.0, abs=1e-12)


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

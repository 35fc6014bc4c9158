"""Labels that hold at temperature (validation: MD of real clusters, ~2 min).

Each cluster is heated by Langevin MD from 300 K to 0.9 T_m(N) of EMT Au, T_m(N) from the
package's own melting data (data/melting_emt.csv, icosahedra 147–923 atoms) through the
Pawlow fit T_m(N) = T_bulk (1 − c N^(−1/3)); the default labels (each frame's inherent
structure) must give the cluster's motif in ≥ 99 % of the frames and an interior crystalline
fraction within ±0.02 of the 0 K value. The instantaneous labels are reported beside them
(docs/analysis.md) to show what the quench removes.
"""

import csv
from pathlib import Path

import numpy as np
import pytest
from ase.io import read

from aucluster.analysis import AnalysisSettings, analyze_frame, analyze_trajectory
from aucluster.md import MDSettings, run_md
from aucluster.md.programs import TemperatureProgram
from aucluster.structures import Motif, build_member, nearest_member
from aucluster.thermo import pawlow_fit

MELTING = Path(__file__).resolve().parents[2] / "data" / "melting_emt.csv"
CASES = [
    (Motif.ICOSAHEDRON, 147, "icosahedral"),
    (Motif.TRUNCATED_OCTAHEDRON, 201, "single-fcc"),
    (Motif.TRUNCATED_OCTAHEDRON, 405, "single-fcc"),
    (Motif.MARKS_DECAHEDRON, 146, "decahedral"),
]


def melting_point_K(n_atoms: int) -> float:
    with open(MELTING, newline="") as handle:
        rows = list(csv.DictReader(handle))
    fit = pawlow_fit(
        [int(r["n_atoms"]) for r in rows],
        [float(r["melting_K"]) for r in rows],
        [float(r["uncertainty_K"]) for r in rows],
    )
    return float(fit(n_atoms))


def heated(motif: Motif, n_atoms: int, tmp_path, *, duration_ps: float = 40.0):
    atoms = build_member(nearest_member(motif, n_atoms))
    top = 0.9 * melting_point_K(len(atoms))
    settings = MDSettings(
        program=TemperatureProgram(points=((0.0, 300.0), (duration_ps, top))),
        duration_ps=duration_ps,
        sample_interval=40,  # 0.2 ps
        checkpoint_interval=400,
        seed=1,
    )
    run_md(atoms, settings, directory=tmp_path / "md")
    return atoms, read(tmp_path / "md" / "trajectory.traj", index=":"), top


@pytest.mark.validation
@pytest.mark.parametrize(("motif", "n_atoms", "label"), CASES)
def test_labels_hold_up_to_nine_tenths_of_the_melting_point(motif, n_atoms, label, tmp_path):
    ideal, frames, top = heated(motif, n_atoms, tmp_path)
    zero = analyze_frame(ideal).interior_crystalline_fraction
    result = analyze_trajectory(frames, AnalysisSettings())
    motifs = [r["motif"] for r in result.rows]
    interior = np.array([r["crystalline_fraction_interior"] for r in result.rows])
    instant = analyze_trajectory(frames, AnalysisSettings(labels="instantaneous")).rows
    print(
        f"{motif} {len(ideal)} to {top:.0f} K: quenched motif right "
        f"{np.mean([m == label for m in motifs]):.3f}, interior {interior.min():.3f}–"
        f"{interior.max():.3f} (0 K {zero:.3f}); instantaneous motif right "
        f"{np.mean([r['motif'] == label for r in instant]):.3f}, interior "
        f"{min(r['crystalline_fraction_interior'] for r in instant):.3f}"
    )
    assert np.mean([m == label for m in motifs]) >= 0.99
    assert np.all(np.abs(interior - zero) <= 0.02)

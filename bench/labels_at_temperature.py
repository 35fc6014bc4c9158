"""The numbers behind the analysis defaults at temperature (docs/analysis.md):

1. quench tolerance: the adaptive-CNA labels of a 1,504-atom TO after 4 ps at 650 K, quenched
   to fmax 0.5 … 0.01 eV/Å, against those quenched to 0.002 eV/Å;
2. flicker: an Ih147 at 650 K (μ_s = 0), 20 ps sampled every 0.2 ps: share of frames labelled
   icosahedral and crystalline fractions, instantaneous against quenched;
3. dwell time: an Ih309 at 600 K with μ_s = 1.5 eV, 40 ps sampled every 0.2 ps: how long atoms
   that cross the single 3.7 Å cutoff stay out (return-time distribution), the basis of τ.

    python bench/labels_at_temperature.py
"""

import tempfile
from pathlib import Path

import numpy as np
from ase.io import read

from aucluster.analysis import AnalysisSettings, adaptive_cna, analyze_trajectory, quench
from aucluster.analysis.clusters import cluster_labels
from aucluster.md import MDSettings, constant, run_md
from aucluster.potentials import SolventParameters, WallParameters
from aucluster.structures import Motif, Within, build_icosahedron, build_member, nearest_member


def md(atoms, settings, tmp) -> list:
    run_md(atoms, settings, directory=Path(tmp) / "md")
    return read(Path(tmp) / "md" / "trajectory.traj", index=":")


def tolerance() -> None:
    atoms = build_member(nearest_member(Motif.TRUNCATED_OCTAHEDRON, 1500, within=Within.FAMILY))
    s = MDSettings(
        program=constant(650.0),
        duration_ps=4.0,
        sample_interval=800,
        checkpoint_interval=800,
        seed=1,
    )
    with tempfile.TemporaryDirectory() as tmp:
        hot = md(atoms, s, tmp)[-1]
    reference = adaptive_cna(quench(hot, s.hamiltonian, fmax=0.002, max_steps=20000).atoms)
    print(f"1. quench tolerance, TO{len(atoms)} at 650 K (labels against fmax 0.002 eV/Å):")
    print(f"   instantaneous: {np.mean(adaptive_cna(hot).structure == reference.structure):.4f}")
    for fmax in (0.5, 0.3, 0.1, 0.05, 0.01):
        q = quench(hot, s.hamiltonian, fmax=fmax, max_steps=20000)
        same = np.mean(adaptive_cna(q.atoms).structure == reference.structure)
        print(f"   fmax {fmax:5.2f} eV/Å: {q.n_steps:4d} steps, same labels {same:.4f}")


def flicker() -> None:
    s = MDSettings(
        program=constant(650.0),
        duration_ps=20.0,
        sample_interval=40,
        checkpoint_interval=400,
        seed=1,
    )
    with tempfile.TemporaryDirectory() as tmp:
        frames = md(build_icosahedron(4), s, tmp)
    print("2. Ih147 at 650 K, 100 frames every 0.2 ps:")
    for labels in ("instantaneous", "quenched"):
        rows = analyze_trajectory(frames, AnalysisSettings(labels=labels)).rows
        ico = np.mean([r["motif"] == "icosahedral" for r in rows])
        cf = [r["crystalline_fraction"] for r in rows]
        ci = [r["crystalline_fraction_interior"] for r in rows]
        twins = [r["n_twins"] for r in rows]
        print(
            f"   {labels:13s}: icosahedral {ico:.2f} of frames, crystalline fraction "
            f"{min(cf):.2f}–{max(cf):.2f}, interior {min(ci):.2f}–{max(ci):.2f}, "
            f"twins {min(twins)}–{max(twins)}"
        )


def return_times() -> None:
    s = MDSettings(
        program=constant(600.0),
        duration_ps=40.0,
        sample_interval=40,
        checkpoint_interval=800,
        solvent=SolventParameters(mu_eV=1.5),
        wall=WallParameters(radius=20.0),
        seed=2,
    )
    with tempfile.TemporaryDirectory() as tmp:
        frames = md(build_icosahedron(5), s, tmp)
    inside = np.array([cluster_labels(f) == 0 for f in frames])
    durations, still_out = [], 0
    for atom in range(inside.shape[1]):
        t = 1
        while t < len(inside):
            if inside[t - 1, atom] and not inside[t, atom]:
                back = np.flatnonzero(inside[t:, atom])
                if len(back):
                    durations.append(0.2 * back[0])
                    t += back[0]
                else:
                    still_out += 1
                    break
            t += 1
    d = np.array(durations)
    print(
        f"3. Ih309, 600 K, μ_s 1.5 eV, 40 ps: {len(d)} single-cutoff excursions that return, "
        f"{still_out} that never do"
    )
    for limit in (0.2, 0.5, 1.0, 2.0, 5.0):
        print(f"   back within {limit:3.1f} ps: {np.mean(d <= limit + 1e-9):.2f}")


if __name__ == "__main__":
    tolerance()
    flicker()
    return_times()

"""Adaptive-CNA throughput: atoms per second on one core, against OVITO in the same run.

Frames: a 1,504-atom truncated octahedron and a ~20,000-atom fcc sphere, both thermalised
(rattled by 0.1 Å, so some atoms are "other"). Anchor: OVITO's adaptive CNA
(`CommonNeighborAnalysisModifier`, the `ovito` pip package of the test extra) run with
OVITO_THREAD_COUNT=1, on the same frames. Each timing is the best of `--repeats`; OVITO's
pipeline is rebuilt each time so no cached result is reused. The labels are also compared
(they must agree on every atom). Target (issue 5): ours/OVITO ≥ 2.

Also timed, for scale: the whole per-frame analysis (`analyze_frame`: CNA, PTM orientations,
grains, faults, segmentation, motif).

    OVITO_THREAD_COUNT=1 taskset -c 0 python bench/cna_throughput.py [--repeats 5]
"""

import argparse
import os

os.environ.setdefault("OVITO_THREAD_COUNT", "1")

import numpy as np
from ase import Atoms
from timing import best_seconds  # bench/ is on sys.path

from aucluster.analysis import adaptive_cna, analyze_frame
from aucluster.structures import build_fcc_sphere, build_octahedron


def ovito_labels(atoms: Atoms) -> np.ndarray:
    from ovito.io.ase import ase_to_ovito
    from ovito.modifiers import CommonNeighborAnalysisModifier
    from ovito.pipeline import Pipeline, StaticSource

    data = ase_to_ovito(Atoms(atoms.numbers, atoms.positions, cell=atoms.cell, pbc=atoms.pbc))
    pipeline = Pipeline(source=StaticSource(data=data))
    pipeline.modifiers.append(
        CommonNeighborAnalysisModifier(mode=CommonNeighborAnalysisModifier.Mode.AdaptiveCutoff)
    )
    return np.asarray(pipeline.compute().particles["Structure Type"])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    rng = np.random.default_rng(0)
    frames = {"truncated octahedron": build_octahedron(14, 5), "fcc sphere": build_fcc_sphere(43.5)}
    print(f"OVITO_THREAD_COUNT={os.environ['OVITO_THREAD_COUNT']}, best of {args.repeats}")
    print(
        f"{'frame':>22} {'atoms':>7} {'ours [at/s]':>12} {'OVITO [at/s]':>13} {'ratio':>6} "
        f"{'agree':>6} {'analyze_frame [at/s]':>21}"
    )
    for name, atoms in frames.items():
        atoms.rattle(0.1, rng=rng)
        ours = best_seconds(lambda a=atoms: adaptive_cna(a), args.repeats)
        theirs = best_seconds(lambda a=atoms: ovito_labels(a), args.repeats)
        agree = float((adaptive_cna(atoms).structure == ovito_labels(atoms)).mean())
        full = best_seconds(lambda a=atoms: analyze_frame(a), max(1, args.repeats // 2))
        n = len(atoms)
        print(
            f"{name:>22} {n:>7} {n / ours:>12.3g} {n / theirs:>13.3g} {theirs / ours:>6.2f} "
            f"{agree:>6.4f} {n / full:>21.3g}"
        )


if __name__ == "__main__":
    main()

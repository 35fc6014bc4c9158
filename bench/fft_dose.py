"""How the FFT crystallinity count degrades with dose (issue: compare with experiment).

Particles from the builders (one fcc crystal; k-grain Voronoi polycrystals, radius `--radius`
Å), each in `--orientations` random orientations, imaged by the incoherent model (200 keV,
25 mrad, 0.1 Å pixels, liquid cell 20 nm water + 2 graphene) and recorded at doses from
10⁵ down to the experiment's 149 e/Å² per frame. Prints the mean number of fringe sets, the
mean number of lattice orientations they index into and the fraction of frames called
polycrystalline (> 4 lattice orientations, the paper's criterion), with the CNA ground truth
(grains and motif) beside it. The frames are those of
`aucluster.workflow.detectability` (the maturation scenario's study).

    python bench/fft_dose.py [--radius 25] [--orientations 5]
"""

import argparse

import numpy as np

from aucluster.workflow.detectability import DetectabilitySettings, detectability

DOSES = (1e5, 1e4, 1e3, 149.0)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--radius", type=float, default=25.0)
    parser.add_argument("--orientations", type=int, default=5)
    parser.add_argument("--grains", default="1,4,8,12")
    args = parser.parse_args()
    grains = [int(x) for x in args.grains.split(",")]
    settings = DetectabilitySettings(
        radii_A=(args.radius,),
        grains=tuple(grains),
        doses_e_per_A2=DOSES,
        orientations=args.orientations,
    )
    rows = detectability(settings, seed=0)
    print(
        f"radius {args.radius} Å; {args.orientations} orientations; cells: mean fringe sets / "
        "mean lattice orientations (fraction called polycrystalline)"
    )
    print(f"{'k':>3} {'CNA grains':>10} {'CNA motif':>16} " + " ".join(f"{d:>18g}" for d in DOSES))
    for k in grains:
        mine = [r for r in rows if r["grains_built"] == k]
        cells = []
        for dose in DOSES:
            at = [r for r in mine if r["dose_e_per_A2"] == dose]
            sets = np.array([r["n_fringe_sets"] for r in at])
            lattices = np.array([r["n_lattice_orientations"] for r in at])
            poly = np.mean([r["fft_verdict"] == "polycrystalline" for r in at])
            cells.append(f"{sets.mean():4.1f} / {lattices.mean():3.1f} ({poly:.2f})")
        print(
            f"{k:>3} {mine[0]['cna_grains']:>10} {mine[0]['cna_motif']:>16} "
            + " ".join(f"{c:>18}" for c in cells)
        )


if __name__ == "__main__":
    main()

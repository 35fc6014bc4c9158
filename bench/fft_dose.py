"""How the FFT crystallinity count degrades with dose (issue: compare with experiment).

Particles from the builders (one fcc crystal; k-grain Voronoi polycrystals, radius `--radius`
Å), each in `--orientations` random orientations, imaged by the incoherent model (200 keV,
25 mrad, 0.1 Å pixels, liquid cell 20 nm water + 2 graphene) and recorded at doses from
10⁵ down to the experiment's 149 e/Å² per frame. Prints the mean number of fringe sets and
the fraction of frames called polycrystalline (> 4 sets, the paper's criterion), with the
CNA ground truth (grains) beside it.

    python bench/fft_dose.py [--radius 25] [--orientations 5]
"""

import argparse

import numpy as np

from aucluster.analysis import adaptive_cna, lattice_orientations, segment_grains
from aucluster.compare import measure_frame, particle_crystallinity
from aucluster.imaging import (
    AcquisitionSettings,
    ImagingSettings,
    ScanSettings,
    acquire,
    orientation_rotation,
    oriented,
    simulate_adf,
)
from aucluster.structures import build_polycrystal

DOSES = (1e5, 1e4, 1e3, 149.0)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--radius", type=float, default=25.0)
    parser.add_argument("--orientations", type=int, default=5)
    parser.add_argument("--grains", default="1,4,8,12")
    args = parser.parse_args()
    settings = ImagingSettings(scan=ScanSettings(pixel_size=0.1, shape=(640, 640)))
    print(
        f"radius {args.radius} Å; {args.orientations} orientations; cells: mean fringe sets "
        "(fraction called polycrystalline)"
    )
    print(f"{'k':>3} {'CNA grains':>10} " + " ".join(f"{d:>14g}" for d in DOSES))
    for k in (int(x) for x in args.grains.split(",")):
        particle = build_polycrystal(args.radius, k, seed=k)
        cna = adaptive_cna(particle)
        grains = segment_grains(cna, lattice_orientations(particle)).n_grains
        cells = []
        for dose in DOSES:
            counts = []
            for o in range(args.orientations):
                clean = simulate_adf(oriented(particle, orientation_rotation(seed=o)), settings)
                frame = acquire(clean, AcquisitionSettings(dose=dose), seed=o)
                found = measure_frame(frame).particles
                counts.append(
                    particle_crystallinity(frame, found[0].mask).n_fringe_sets if found else 0
                )
            counts_arr = np.array(counts)
            cells.append(f"{counts_arr.mean():5.1f} ({(counts_arr > 4).mean():.2f})")
        print(f"{k:>3} {grains:>10} " + " ".join(f"{c:>14}" for c in cells))


if __name__ == "__main__":
    main()

"""How the FFT's merge angle and zone-angle tolerance change the lattice count (the sweep
behind `FFTSettings.merge_deg` = 8° and `angle_tolerance_deg` = 5°, docs/compare.md).

Voronoi particles from `build_polycrystal` (radius `--radius` Å; 1, 4 and 8 grains), each in
`--orientations` random orientations, imaged as in `aucluster.workflow.detectability` (0.1 Å
pixels over 2.56 radii) and recorded at 10⁵ and 149 e/Å²; each frame's particle FFT is
indexed with every (merge, tolerance) pair of the grid. Prints, per particle, dose and pair,
the mean fringe sets, the mean lattice orientations and how often each verdict was given.
A single crystal should give one lattice; the pair that brings it there without merging the
polycrystals' grains is the default.

    python bench/fft_tolerance.py [--radius 25] [--orientations 8]
"""

import argparse
from collections import Counter

import numpy as np

from aucluster.compare import FFTSettings, measure_frame, particle_crystallinity
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

GRID = ((4.0, 3.0), (8.0, 3.0), (8.0, 5.0), (12.0, 5.0), (15.0, 6.0))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--radius", type=float, default=25.0, help="particle radius [Å]")
    parser.add_argument("--orientations", type=int, default=8)
    args = parser.parse_args()
    side = round(25.6 * args.radius)
    microscope = ImagingSettings(scan=ScanSettings(pixel_size_A=0.1, shape_px=(side, side)))
    results: dict[tuple, list] = {}
    for grains in (1, 4, 8):
        particle = build_polycrystal(args.radius, grains, seed=grains)
        for o in range(args.orientations):
            clean = simulate_adf(oriented(particle, orientation_rotation(seed=o)), microscope)
            for dose in (1e5, 149.0):
                frame = acquire(clean, AcquisitionSettings(dose_e_per_A2=dose), seed=o)
                found = measure_frame(frame).particles
                for merge, tolerance in GRID:
                    settings = FFTSettings(merge_deg=merge, angle_tolerance_deg=tolerance)
                    fft = particle_crystallinity(frame, found[0].mask, settings)
                    results.setdefault((grains, dose, merge, tolerance), []).append(fft)
    print(
        f"radius {args.radius} Å, {args.orientations} orientations; "
        "grains, dose [e/Å²], merge [deg], tolerance [deg]: mean sets, mean lattices, verdicts"
    )
    for (grains, dose, merge, tolerance), ffts in sorted(results.items()):
        sets = np.mean([f.n_fringe_sets for f in ffts])
        lattices = np.mean([f.n_lattice_orientations for f in ffts])
        verdicts = Counter(str(f.verdict) for f in ffts).most_common()
        print(
            f"{grains:>2} {dose:>8g} {merge:>4g} {tolerance:>3g}: {sets:4.2f} {lattices:4.2f} "
            + ", ".join(f"{v} {n}" for v, n in verdicts)
        )


if __name__ == "__main__":
    main()

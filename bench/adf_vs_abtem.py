"""Incoherent ADF model against abTEM PRISM with frozen phonons, side by side.

A ~2 nm Au particle (the 201-atom truncated octahedron, EMT-relaxed shape as built) on the
[110] zone axis and in a random off-axis orientation; 200 keV, 25 mrad, HAADF 70–200 mrad,
pixel 0.2 Å; source size 0 (pure probe) and 0.8 Å FWHM (realistic). For each: Pearson r after
the best gain/offset fit (r does not change under a linear map; the fit gives the gain the
incoherent model would need), total intensity ratio ours/abTEM, and the column (peak)
intensities compared atom column by atom column. Writes a figure and a JSON of the numbers.

    python bench/adf_vs_abtem.py [--phonons 2] [--interpolation 3] [-o docs/figures]
    (needs the abtem extra; ~12 minutes per orientation on two cores)
"""

import argparse
import json
import time
from dataclasses import replace
from pathlib import Path

import numpy as np
from scipy.ndimage import gaussian_filter

from aucluster.imaging import (
    BackgroundSettings,
    ImagingSettings,
    ProbeSettings,
    ScanSettings,
    orientation_rotation,
    oriented,
    simulate_adf,
)
from aucluster.imaging.abtem_backend import simulate_adf_abtem
from aucluster.structures import build_octahedron


def column_intensities(
    ours: np.ndarray, theirs: np.ndarray, pixel: float
) -> tuple[np.ndarray, np.ndarray]:
    """Peak values of both images at the local maxima of the abTEM image above 30 % of its
    maximum (atom columns), each averaged over a 3×3 pixel box."""
    from scipy.ndimage import maximum_filter, uniform_filter

    size = max(3, round(1.0 / pixel))
    peaks = (theirs == maximum_filter(theirs, size=size)) & (theirs > 0.3 * theirs.max())
    a, b = uniform_filter(ours, 3), uniform_filter(theirs, 3)
    return a[peaks], b[peaks]


def compare(ours: np.ndarray, theirs: np.ndarray, settings, t_ours: float, t_theirs: float) -> dict:
    gain, offset = np.polyfit(ours.ravel(), theirs.ravel(), 1)
    r = float(np.corrcoef(ours.ravel(), theirs.ravel())[0, 1])
    col_ours, col_theirs = column_intensities(ours, theirs, settings.scan.pixel_size_A)
    return {
        "pearson_r": r,
        "gain_fit": float(gain),
        "offset_fit": float(offset),
        "total_ratio_ours_over_abtem": float(ours.sum() / theirs.sum()),
        "n_columns": len(col_ours),
        "column_ratio_mean": float(np.mean(col_ours / col_theirs)) if len(col_ours) else None,
        "column_ratio_std": float(np.std(col_ours / col_theirs)) if len(col_ours) else None,
        "column_pearson_r": float(np.corrcoef(col_ours, col_theirs)[0, 1])
        if len(col_ours) > 2
        else None,
        "seconds_ours": t_ours,
        "seconds_abtem": t_theirs,
        "_images": (ours, theirs),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--phonons", type=int, default=2)
    parser.add_argument("--interpolation", type=int, default=3, help="PRISM interpolation")
    parser.add_argument("-o", "--output", type=Path, default=Path("docs/figures"))
    args = parser.parse_args()
    args.output.mkdir(parents=True, exist_ok=True)
    particle = build_octahedron(7, 2)  # 201-atom truncated octahedron, ~1.8 nm across
    base = ImagingSettings(
        scan=ScanSettings(pixel_size_A=0.2, shape_px=(160, 160)),
        background=BackgroundSettings(water_thickness=0.0, graphene_layers=0),
    )
    orientations = {
        "[110] zone axis": orientation_rotation(zone_axis=(1, 1, 0)),
        "off axis (random, seed 3)": orientation_rotation(seed=3),
    }
    results = {}
    for name, rotation in orientations.items():
        atoms = oriented(particle, rotation)
        # abTEM once without source blur; the source is a Gaussian blur of the image, applied
        # afterwards (periodic, as abTEM's own gaussian_filter), so one run serves both.
        sharp = replace(base, probe=ProbeSettings(source_fwhm=0.0))
        start = time.perf_counter()
        theirs_sharp = simulate_adf_abtem(
            atoms, sharp, n_phonons=args.phonons, prism_interpolation=args.interpolation
        ).data
        t_theirs = time.perf_counter() - start
        for fwhm in (0.0, 0.8):
            settings = replace(base, probe=ProbeSettings(source_fwhm=fwhm))
            start = time.perf_counter()
            ours = simulate_adf(atoms, settings, background=False).data
            t_ours = time.perf_counter() - start
            sigma_px = fwhm / 2.3548 / settings.scan.pixel_size_A
            theirs = gaussian_filter(theirs_sharp, sigma_px, mode="wrap") if fwhm else theirs_sharp
            key = f"{name}, source {fwhm} Å"
            results[key] = compare(ours, theirs, settings, t_ours, t_theirs)
            shown = {k: v for k, v in results[key].items() if not k.startswith("_")}
            print(key, json.dumps(shown, indent=1), flush=True)

    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(
        len(results), 3, figsize=(10, 3.2 * len(results)), constrained_layout=True
    )
    for row, (key, res) in zip(axes, results.items(), strict=True):
        ours, theirs = res["_images"]
        row[0].imshow(ours, cmap="inferno")
        row[0].set_title(f"incoherent: {key}", fontsize=8)
        row[1].imshow(theirs, cmap="inferno")
        row[1].set_title(
            f"abTEM PRISM ×{args.interpolation}, {args.phonons} phonon configs", fontsize=8
        )
        row[2].plot(ours.ravel(), theirs.ravel(), ",", alpha=0.3)
        row[2].set_xlabel("incoherent [fraction of beam]")
        row[2].set_ylabel("abTEM")
        row[2].set_title(
            f"r = {res['pearson_r']:.3f}, total ratio {res['total_ratio_ours_over_abtem']:.3f}",
            fontsize=8,
        )
        for ax in row[:2]:
            ax.set_axis_off()
    fig.savefig(args.output / "adf_vs_abtem.png", dpi=110)
    (args.output / "adf_vs_abtem.json").write_text(
        json.dumps(
            {
                k: {kk: vv for kk, vv in v.items() if not kk.startswith("_")}
                for k, v in results.items()
            },
            indent=1,
        )
        + "\n"
    )


if __name__ == "__main__":
    main()

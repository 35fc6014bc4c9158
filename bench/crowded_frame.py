"""The background and segmentation on a crowded frame, as a figure (docs/compare.md).

A synthetic frame from `aucluster.compare.synthetic.crowded_frame` (thick particles covering
`--coverage` of a 128 Å field, a background rising 5× across it, Poisson noise, the 976-atom
truncated octahedron on [110] alone at the centre) measured with default settings. Prints the
isolated particle's half-maximum diameter against that of its noise-free image, the
background against the truth, and what the frame's median would have given; draws the frame,
a profile through the particle with the true and the fitted background and the threshold, and
the segmentation.

    python bench/crowded_frame.py [--coverage 0.7] [--seed 3] [-o docs/figures/crowded_frame.png]
"""

import argparse

import numpy as np
from matplotlib.figure import Figure
from scipy import ndimage

from aucluster.compare import SegmentationSettings, measure_frame, particle_crystallinity
from aucluster.compare.measure import MAD_TO_SIGMA, estimate_background
from aucluster.compare.synthetic import crowded_frame


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--coverage", type=float, default=0.7)
    parser.add_argument("--seed", type=int, default=3)
    parser.add_argument("--dose", type=float, default=5e3, help="e/Å² per frame")
    parser.add_argument("-o", "--output", default="docs/figures/crowded_frame.png")
    args = parser.parse_args()
    crowded = crowded_frame(args.coverage, seed=args.seed, dose_e_per_A2=args.dose)
    frame = crowded.frame
    settings = SegmentationSettings()
    pixel = frame.pixel_size
    smoothed = ndimage.gaussian_filter(frame.data, settings.smoothing / pixel)
    found = estimate_background(smoothed, raw=frame.data, order=settings.background_order)
    m = measure_frame(frame, settings)
    row, col = (round(c / pixel) for c in crowded.centre[::-1])
    (particle,) = [p for p in m.particles if p.mask[row, col]]
    clean = ndimage.gaussian_filter(crowded.isolated, settings.smoothing / pixel)
    truth = 2 * np.sqrt((clean >= 0.5 * clean.max()).sum() * pixel**2 / 100 / np.pi)
    fft = particle_crystallinity(frame, particle.mask)
    median = float(np.median(smoothed))
    mad_threshold = median + 3 * MAD_TO_SIGMA * float(np.median(np.abs(smoothed - median)))
    print(f"coverage {(crowded.thick > 0).mean():.2f}, {len(m.particles)} particle(s)")
    print(
        f"isolated: half-maximum diameter {particle.half_max_diameter_nm:.3f} nm "
        f"(its noise-free image: {truth:.3f} nm, "
        f"ratio {particle.half_max_diameter_nm / truth:.3f});"
        f" threshold-mask diameter {particle.equivalent_diameter_nm:.3f} nm; FFT {fft.verdict} "
        f"{sorted(f.family for f in fft.fringes)}"
    )
    error = np.abs(found.level - crowded.background).max()
    print(
        f"background: max |fitted − true| {error:.3f} counts, noise σ {found.noise:.4f}; "
        f"under the particle {particle.background:.3f} "
        f"(true {crowded.background[particle.mask].mean():.3f})"
    )
    print(
        f"the median rule's threshold {mad_threshold:.2f} counts against the isolated "
        f"particle's smoothed peak {smoothed[particle.mask].max():.2f}"
    )

    fig = Figure(figsize=(13, 4.4), layout="constrained")
    left, middle, right = fig.subplots(1, 3)
    extent = (0, frame.data.shape[1] * pixel, frame.data.shape[0] * pixel, 0)
    left.imshow(np.sqrt(np.clip(frame.data, 0, None)), cmap="gray", extent=extent)
    left.set_title(f"frame (√counts), {args.dose:g} e/Å²", fontsize=9)
    x = np.arange(frame.data.shape[1]) * pixel
    middle.plot(x, smoothed[row], lw=0.8, color="0.3", label="smoothed frame")
    middle.plot(x, crowded.background[row], "g", lw=2, label="true background")
    middle.plot(x, found.level[row], "m--", lw=1.2, label="fitted background")
    threshold = found.level[row] + settings.threshold_sigma * found.noise
    middle.plot(x, threshold, "b:", lw=1, label="threshold (3 σ)")
    middle.axhline(mad_threshold, color="r", lw=1, label="median + 3·1.48 MAD")
    middle.set_yscale("log")
    middle.set_ylim(0.5 * found.level.min(), 2 * max(mad_threshold, smoothed[row].max()))
    middle.set_xlabel("x [Å]")
    middle.set_ylabel("counts per pixel")
    middle.set_title("profile through the isolated particle", fontsize=9)
    middle.legend(fontsize=7)
    labels = np.zeros(frame.data.shape)
    for p in m.particles:
        labels[p.mask] = 1 if p.touches_edge else 2
    right.imshow(labels, cmap="Pastel1_r", extent=extent, vmin=0, vmax=8)
    excess = smoothed - found.level
    peak = excess[particle.mask].max()
    right.contour(x, x, np.where(particle.mask, excess, 0), [0.5 * peak], colors="k")
    right.set_title(
        f"pink: touches the edge; black: half maximum ({particle.half_max_diameter_nm:.2f} nm)",
        fontsize=9,
    )
    for axes in (left, right):
        axes.set_xlabel("x [Å]")
    left.set_ylabel("y [Å]")
    fig.savefig(args.output, dpi=110)
    print(f"→ {args.output}")


if __name__ == "__main__":
    main()

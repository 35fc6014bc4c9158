"""Fringe sets indexed into lattices, as a figure (docs/compare.md, "Fringe sets → lattice
orientations").

Four frames with a known answer, each imaged by the incoherent model (0.1 Å pixels, 640² px,
liquid cell) and recorded at `--dose`: the 976-atom octahedron on [110] (one lattice), a
{111} twin on its common [110] (`build_stacked("ABCABCBACBA", 14)` seen along x), the
(4, 3, 1) decahedron on its five-fold axis, and a graphene bilayer twisted by 13° with no Au
(recorded at 10⁷ e/Å², where its spots show). Top row: the frame; bottom row: its
diffractogram (log power, |k| up to 0.8 1/Å) with each fringe set the particle's FFT found
marked at ±k, coloured by the lattice that explains it (grey crosses: set aside as graphene),
the verdict in the title. Prints each frame's fringe sets and lattices.

    python bench/lattice_indexing.py [--dose 1e5] [-o docs/figures/lattice_indexing.png]
"""

import argparse

import numpy as np
from matplotlib.figure import Figure
from scipy.spatial.transform import Rotation

from aucluster.compare import fringe_sets, measure_frame, particle_crystallinity
from aucluster.compare.synthetic import graphene_bilayer
from aucluster.imaging import (
    AcquisitionSettings,
    ImagingSettings,
    ScanSettings,
    acquire,
    diffractogram,
    oriented,
    simulate_adf,
    zone_axis_rotation,
)
from aucluster.structures import build_decahedron, build_octahedron, build_stacked

SETTINGS = ImagingSettings(scan=ScanSettings(pixel_size_A=0.1, shape_px=(640, 640)))
COLOURS = ("tab:red", "tab:blue", "tab:green", "tab:orange", "tab:purple", "tab:brown")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dose", type=float, default=1e5, help="e/Å² per frame (Au frames)")
    parser.add_argument("-o", "--output", default="docs/figures/lattice_indexing.png")
    args = parser.parse_args()
    cases = [
        ("[110] octahedron", oriented(build_octahedron(12, 4), zone_axis_rotation((1, 1, 0)))),
        (
            "[110] {111} twin",
            oriented(build_stacked("ABCABCBACBA", 14), Rotation.from_euler("y", 90, degrees=True)),
        ),
        ("decahedron, 5-fold axis", build_decahedron(4, 3, 1)),
        ("graphene bilayer, 13°", graphene_bilayer(13.0)),
    ]
    fig = Figure(figsize=(12, 7.2), layout="constrained")
    axes = fig.subplots(2, len(cases))
    for column, (name, atoms) in enumerate(cases):
        is_graphene = name.startswith("graphene")
        dose = 1e7 if is_graphene else args.dose
        clean = simulate_adf(atoms, SETTINGS, outside="drop" if is_graphene else "error")
        frame = acquire(clean, AcquisitionSettings(dose_e_per_A2=dose), seed=1)
        if is_graphene:
            result = fringe_sets(frame)
        else:
            particle = max(measure_frame(frame).particles, key=lambda p: p.area_nm2)
            result = particle_crystallinity(frame, particle.mask)
        print(
            f"{name}: {result.n_fringe_sets} fringe sets, {result.n_lattice_orientations} "
            f"lattices {[la.zone or '?' for la in result.indexing.lattices]}, "
            f"{len(result.graphene)} set aside as graphene → {result.verdict}"
        )
        top, bottom = axes[0, column], axes[1, column]
        extent = (0, frame.data.shape[1] * 0.1, frame.data.shape[0] * 0.1, 0)
        top.imshow(frame.data, cmap="gray", extent=extent)
        top.set_title(f"{name}\n{dose:.0e} e/Å²", fontsize=9)
        top.set_xlabel("x [Å]", fontsize=8)
        dg = diffractogram(frame)
        k_max = 0.8
        ny, nx = dg.power.shape
        half_y, half_x = (round(k_max / s) for s in dg.frequency_step)
        cut = dg.power[ny // 2 - half_y : ny // 2 + half_y, nx // 2 - half_x : nx // 2 + half_x]
        bottom.imshow(
            np.log10(cut + cut.max() * 1e-8),
            cmap="magma",
            extent=(-k_max, k_max, k_max, -k_max),
        )
        owner: dict[int, int] = {}
        for colour_index, lattice in enumerate(result.indexing.lattices):
            for m in lattice.members:
                owner.setdefault(m, colour_index)
        for i, f in enumerate(result.fringes):
            colour_index = owner.get(i, len(COLOURS) - 1)
            k = 1.0 / f.spacing
            angle = np.radians(f.direction_deg)
            for sign in (1, -1):
                bottom.plot(
                    sign * k * np.cos(angle),
                    sign * k * np.sin(angle),
                    "o",
                    mfc="none",
                    mec=COLOURS[colour_index % len(COLOURS)],
                    ms=9,
                    mew=1.5,
                )
        for f in result.graphene:
            k, angle = 1.0 / f.spacing, np.radians(f.direction_deg)
            for sign in (1, -1):
                bottom.plot(sign * k * np.cos(angle), sign * k * np.sin(angle), "x", c="0.8")
        zones = ", ".join(f"[{la.zone}]" if la.zone else "?" for la in result.indexing.lattices)
        bottom.set_title(
            f"{result.n_fringe_sets} sets → {result.n_lattice_orientations} lattices "
            f"{zones}\nverdict: {result.verdict}",
            fontsize=8,
        )
        bottom.set_xlabel("k_x [1/Å]", fontsize=8)
    fig.savefig(args.output, dpi=100)
    print(f"wrote {args.output}")


if __name__ == "__main__":
    main()

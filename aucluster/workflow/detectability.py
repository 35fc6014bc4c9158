"""Can the microscope see what CNA sees? The FFT verdict on simulated frames against the CNA
grain count, over orientations, doses and particle sizes.

For each radius and grain count a Voronoi polycrystal (or a single crystal, 1 grain) is
built; its ground truth is CNA's grain count (`segment_grains`), not the construction. Each
is imaged noise-free in random orientations (orientation o drawn with seed + o; 0.1 Å
pixels over 2.56 particle radii, the default microscope and liquid cell), then recorded at
every dose (Poisson noise, seeded), segmented, and its FFT counted as in the experiment
(> 4 fringe sets: polycrystalline). The summary gives, per size and dose, how often a true
polycrystal is called mono (not polycrystalline) and how often a true single crystal is
called polycrystalline.
"""

from collections.abc import Sequence

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

DETECTABILITY_COLUMNS = (
    "radius_A",
    "n_atoms",
    "grains_built",
    "cna_grains",
    "truth",
    "dose_e_per_A2",
    "orientation",
    "n_fringe_sets",
    "fft_verdict",
)
SUMMARY_COLUMNS = (
    "radius_A",
    "dose_e_per_A2",
    "n_polycrystal_frames",
    "polycrystal_called_mono",
    "n_single_crystal_frames",
    "single_called_polycrystalline",
)


def detectability(
    *,
    radii_A: Sequence[float],
    grains: Sequence[int],
    doses: Sequence[float],
    orientations: int,
    seed: int,
    progress=None,
) -> list[dict]:
    """One row per particle, orientation and dose (see the module notes)."""
    rows = []
    for radius in radii_A:
        side = round(25.6 * radius)  # 0.1 Å pixels: a field of view of 2.56 radii
        settings = ImagingSettings(scan=ScanSettings(pixel_size=0.1, shape=(side, side)))
        for k in grains:
            particle = build_polycrystal(float(radius), int(k), seed=seed + int(k))
            cna = adaptive_cna(particle)
            n_grains = segment_grains(cna, lattice_orientations(particle)).n_grains
            for o in range(int(orientations)):
                turn = orientation_rotation(seed=seed + o)
                clean = simulate_adf(oriented(particle, turn), settings)
                for dose in doses:
                    frame = acquire(clean, AcquisitionSettings(dose=float(dose)), seed=seed + o)
                    found = measure_frame(frame).particles
                    fft = particle_crystallinity(frame, found[0].mask) if found else None
                    rows.append(
                        {
                            "radius_A": float(radius),
                            "n_atoms": len(particle),
                            "grains_built": int(k),
                            "cna_grains": n_grains,
                            "truth": "polycrystalline" if n_grains > 1 else "single crystal",
                            "dose_e_per_A2": float(dose),
                            "orientation": o,
                            "n_fringe_sets": fft.n_fringe_sets if fft else 0,
                            "fft_verdict": fft.verdict if fft else "no particle",
                        }
                    )
                if progress is not None:
                    progress(1)
    return rows


def summarise_detectability(rows: list[dict]) -> list[dict]:
    """Per radius and dose: the two error rates (NaN-free: empty classes give blank cells)."""
    out = []
    keys = sorted({(r["radius_A"], r["dose_e_per_A2"]) for r in rows}, key=lambda k: (k[0], -k[1]))
    for radius, dose in keys:
        mine = [r for r in rows if r["radius_A"] == radius and r["dose_e_per_A2"] == dose]
        poly = [r for r in mine if r["truth"] == "polycrystalline"]
        single = [r for r in mine if r["truth"] == "single crystal"]
        missed = sum(r["fft_verdict"] != "polycrystalline" for r in poly)
        false = sum(r["fft_verdict"] == "polycrystalline" for r in single)
        out.append(
            {
                "radius_A": radius,
                "dose_e_per_A2": dose,
                "n_polycrystal_frames": len(poly),
                "polycrystal_called_mono": f"{missed / len(poly):.2f}" if poly else "",
                "n_single_crystal_frames": len(single),
                "single_called_polycrystalline": f"{false / len(single):.2f}" if single else "",
            }
        )
    return out

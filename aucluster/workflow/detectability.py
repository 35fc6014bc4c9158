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

from dataclasses import dataclass

from aucluster.analysis import adaptive_cna, lattice_orientations, segment_grains
from aucluster.compare import FFTVerdict, measure_frame, particle_crystallinity
from aucluster.errors import ParameterError
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


@dataclass(frozen=True, kw_only=True)
class DetectabilitySettings:
    """The study's grid: particle radii [Å], grain counts built, doses per frame [e/Å²] and
    random orientations per particle."""

    radii_A: tuple[float, ...] = (15.0, 25.0)
    grains: tuple[int, ...] = (1, 4, 8)
    doses_e_per_A2: tuple[float, ...] = (1e5, 1e3, 149.0)
    orientations: int = 5

    def __post_init__(self) -> None:
        for name in ("radii_A", "grains", "doses_e_per_A2"):
            values = getattr(self, name)
            if not values or not all(v > 0 for v in values):
                raise ParameterError(
                    f"[detectability] {name} = {list(values)!r}: one or more positive values"
                )
        if self.orientations < 1:
            raise ParameterError(
                f"[detectability] orientations = {self.orientations!r}: must be an integer ≥ 1"
            )


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


def detectability(settings: DetectabilitySettings, *, seed: int, progress=None) -> list[dict]:
    """One row per particle, orientation and dose (see the module notes)."""
    rows = []
    for radius in settings.radii_A:
        side = round(25.6 * radius)  # 0.1 Å pixels: a field of view of 2.56 radii
        microscope = ImagingSettings(scan=ScanSettings(pixel_size_A=0.1, shape_px=(side, side)))
        for k in settings.grains:
            particle = build_polycrystal(float(radius), int(k), seed=seed + int(k))
            cna = adaptive_cna(particle)
            n_grains = segment_grains(cna, lattice_orientations(particle)).n_grains
            for o in range(settings.orientations):
                turn = orientation_rotation(seed=seed + o)
                clean = simulate_adf(oriented(particle, turn), microscope)
                for dose in settings.doses_e_per_A2:
                    recording = AcquisitionSettings(dose_e_per_A2=float(dose))
                    frame = acquire(clean, recording, seed=seed + o)
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
                            "fft_verdict": fft.verdict if fft else FFTVerdict.NO_PARTICLE,
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
        missed = sum(r["fft_verdict"] != FFTVerdict.POLYCRYSTALLINE for r in poly)
        false = sum(r["fft_verdict"] == FFTVerdict.POLYCRYSTALLINE for r in single)
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

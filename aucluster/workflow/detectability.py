"""Can the microscope see what CNA sees? The FFT verdict on simulated frames against the CNA
motif, over orientations, doses and particle sizes.

For each radius and grain count a Voronoi polycrystal (or a single crystal, 1 grain) is
built; its ground truth is CNA's motif (`aucluster.analysis.particle_motif`), not the
construction, split as the FFT verdict is (`TRUTH_OF_MOTIF`): single crystal, twinned,
multiply twinned (icosahedral or decahedral), polycrystalline. Each is imaged noise-free in
random orientations (orientation o drawn with seed + o; 0.1 Å pixels over 2.56 particle
radii, the default microscope and liquid cell), then recorded at every dose (Poisson noise,
seeded), segmented, and its FFT indexed into lattice orientations
(`aucluster.compare.lattices`; > 4 orientations: polycrystalline, the paper's rule). The
summary gives, per size, dose and truth class, how often the verdict names the class and how
often it is "polycrystalline", each with its Wilson 95 % interval.
"""

from dataclasses import dataclass

from scipy import stats

from aucluster.analysis import ParticleMotif, analyze_frame
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


#: CNA's motif → the truth class the FFT verdict is scored against.
TRUTH_OF_MOTIF = {
    ParticleMotif.SINGLE_FCC: "single crystal",
    ParticleMotif.TWINNED_FCC: "twinned",
    ParticleMotif.DECAHEDRAL: "multiply twinned",
    ParticleMotif.ICOSAHEDRAL: "multiply twinned",
    ParticleMotif.POLYCRYSTALLINE: "polycrystalline",
    ParticleMotif.AMORPHOUS: "amorphous",
}
#: The verdict that names each truth class.
VERDICT_OF_TRUTH = {
    "single crystal": FFTVerdict.CRYSTALLINE,
    "twinned": FFTVerdict.TWINNED,
    "multiply twinned": FFTVerdict.MULTIPLY_TWINNED,
    "polycrystalline": FFTVerdict.POLYCRYSTALLINE,
    "amorphous": FFTVerdict.NO_LATTICE,
}

DETECTABILITY_COLUMNS = (
    "radius_A",
    "n_atoms",
    "grains_built",
    "cna_grains",
    "cna_motif",
    "truth",
    "dose_e_per_A2",
    "orientation",
    "n_fringe_sets",
    "n_lattice_orientations",
    "fft_verdict",
)
SUMMARY_COLUMNS = (
    "radius_A",
    "dose_e_per_A2",
    "truth",
    "n_frames",
    "called_as_truth",
    "called_as_truth_ci95",
    "called_polycrystalline",
    "called_polycrystalline_ci95",
    "mean_fringe_sets",
    "mean_lattice_orientations",
)


def detectability(settings: DetectabilitySettings, *, seed: int, progress=None) -> list[dict]:
    """One row per particle, orientation and dose (see the module notes)."""
    rows = []
    for radius in settings.radii_A:
        side = round(25.6 * radius)  # 0.1 Å pixels: a field of view of 2.56 radii
        microscope = ImagingSettings(scan=ScanSettings(pixel_size_A=0.1, shape_px=(side, side)))
        for k in settings.grains:
            particle = build_polycrystal(float(radius), int(k), seed=seed + int(k))
            analysis = analyze_frame(particle)
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
                            "cna_grains": analysis.grains.n_grains,
                            "cna_motif": str(analysis.motif),
                            "truth": TRUTH_OF_MOTIF[analysis.motif],
                            "dose_e_per_A2": float(dose),
                            "orientation": o,
                            "n_fringe_sets": fft.n_fringe_sets if fft else 0,
                            "n_lattice_orientations": fft.n_lattice_orientations if fft else 0,
                            "fft_verdict": fft.verdict if fft else FFTVerdict.NO_PARTICLE,
                        }
                    )
                if progress is not None:
                    progress(1)
    return rows


def wilson_interval(k: int, n: int) -> tuple[float, float]:
    """Wilson score 95 % interval of the proportion k/n (scipy's `binomtest`)."""
    ci = stats.binomtest(int(k), int(n)).proportion_ci(confidence_level=0.95, method="wilson")
    return float(ci.low), float(ci.high)


def summarise_detectability(rows: list[dict]) -> list[dict]:
    """Per radius, dose and truth class: how often the verdict names the class and how often
    it is "polycrystalline", with Wilson 95 % intervals, and the mean counts."""
    out = []
    keys = sorted(
        {(r["radius_A"], r["dose_e_per_A2"], r["truth"]) for r in rows},
        key=lambda k: (k[0], -k[1], k[2]),
    )
    for radius, dose, truth in keys:
        mine = [
            r
            for r in rows
            if (r["radius_A"], r["dose_e_per_A2"], r["truth"]) == (radius, dose, truth)
        ]
        n = len(mine)
        right = sum(r["fft_verdict"] == VERDICT_OF_TRUTH[truth] for r in mine)
        poly = sum(r["fft_verdict"] == FFTVerdict.POLYCRYSTALLINE for r in mine)
        out.append(
            {
                "radius_A": radius,
                "dose_e_per_A2": dose,
                "truth": truth,
                "n_frames": n,
                "called_as_truth": f"{right / n:.2f}",
                "called_as_truth_ci95": "[{:.2f}, {:.2f}]".format(*wilson_interval(right, n)),
                "called_polycrystalline": f"{poly / n:.2f}",
                "called_polycrystalline_ci95": "[{:.2f}, {:.2f}]".format(*wilson_interval(poly, n)),
                "mean_fringe_sets": f"{sum(r['n_fringe_sets'] for r in mine) / n:.2f}",
                "mean_lattice_orientations": (
                    f"{sum(r['n_lattice_orientations'] for r in mine) / n:.2f}"
                ),
            }
        )
    return out

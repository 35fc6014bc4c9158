"""Can the microscope see what CNA sees? The FFT verdict on simulated frames against the CNA
motif, over orientations, doses, particle sizes and kinds, frame sums and spot thresholds.

Particles, per radius: a Voronoi polycrystal for each grain count (`build_polycrystal`; 1
grain is a single crystal) and each of `motifs`: "twinned" (a sphere cut from close-packed
layers with one {111} twin plane through its centre, `build_stacked`), "decahedron" (the
Marks decahedron (p, q, r ≥ 1) nearest the radius and most compact) and "icosahedron" (the
Mackay icosahedron of the nearest size). The ground truth is CNA's motif
(`aucluster.analysis.particle_motif`), not the construction, split as the FFT verdict is
(`TRUTH_OF_MOTIF`): single crystal, twinned, multiply twinned (icosahedral or decahedral),
polycrystalline.

Orientations: `prior` "uniform" draws orientation o from seed + o; "111" lays the particle on
a {111} plane of its largest grain (PTM orientation; which of the four {111} drawn from the
seed), tilted from it by a polar angle |N(0, `tilt_spread_deg`)| in a random direction, and
turned about the beam at random — particles on graphene tend to lie (111) down. A particle in
which CNA finds no fcc grain (the Mackay icosahedron: its twenty tetrahedra are each smaller
than a grain's ten atoms or strained out of fcc) keeps the uniform prior.

Imaging: 0.1 Å pixels over 2.56 particle radii, the default microscope and liquid cell,
noise-free; then, for every dose and every entry of `frames_summed`, that many frames
recorded with their own Poisson noise and summed (between frames the particle turns by a
random rotation of `rotation_per_frame_deg`; at 0 a sum of n frames is, by Poisson
additivity, one frame at n times the dose), segmented, and the particle's FFT indexed into
lattice orientations (`aucluster.compare.lattices`; > 4 orientations: polycrystalline, the
paper's rule) at every spot threshold of `min_strengths`.

One row per particle, orientation, dose, frame sum and threshold. The summary gives, per
size, dose, frame sum and truth class, at the default threshold, how often the verdict names
the class and how often it is "polycrystalline", each with its Wilson 95 % interval;
`threshold_roc` gives, per threshold, the rate at which polycrystals and single crystals are
called polycrystalline (the ROC of the spot threshold). Particles and orientations are Dask
tasks (`workers`, `scheduler`).
"""

from dataclasses import dataclass

import numpy as np
from ase import Atoms
from scipy import stats
from scipy.spatial.transform import Rotation

from aucluster.analysis import ParticleMotif, analyze_frame
from aucluster.compare import FFTSettings, FFTVerdict, measure_frame, particle_crystallinity
from aucluster.errors import ParameterError
from aucluster.imaging import (
    AcquisitionSettings,
    Image,
    ImagingSettings,
    ScanSettings,
    acquire,
    orientation_rotation,
    oriented,
    simulate_adf,
)
from aucluster.parallel import map_unordered
from aucluster.structures import (
    build_decahedron,
    build_icosahedron,
    build_polycrystal,
    build_stacked,
    nearest_neighbour_distance,
)

MOTIFS = ("twinned", "decahedron", "icosahedron")
PRIORS = ("uniform", "111")
#: The spot threshold the summary reads (FFTSettings' default).
DEFAULT_MIN_STRENGTH = FFTSettings().min_strength


@dataclass(frozen=True, kw_only=True)
class DetectabilitySettings:
    """The study's grid: particle radii [Å], grain counts of the Voronoi particles, the
    multiply twinned and twinned particles beside them (`MOTIFS`), doses per frame [e/Å²],
    orientations per particle and their prior (`PRIORS`; tilt spread [deg] for "111"),
    frames summed, the turn between summed frames [deg] and the spot thresholds (spot power
    over its ring's median) at which each FFT is read."""

    radii_A: tuple[float, ...] = (15.0, 25.0)
    grains: tuple[int, ...] = (1, 4, 8)
    motifs: tuple[str, ...] = ()
    doses_e_per_A2: tuple[float, ...] = (1e5, 1e3, 149.0)
    orientations: int = 5
    prior: str = "uniform"
    tilt_spread_deg: float = 5.0
    frames_summed: tuple[int, ...] = (1,)
    rotation_per_frame_deg: float = 0.0
    min_strengths: tuple[float, ...] = (DEFAULT_MIN_STRENGTH,)

    def __post_init__(self) -> None:
        for name in ("radii_A", "doses_e_per_A2", "frames_summed", "min_strengths"):
            values = getattr(self, name)
            if not values or not all(v > 0 for v in values):
                raise ParameterError(
                    f"[detectability] {name} = {list(values)!r}: one or more positive values"
                )
        if not all(v >= 1 for v in self.grains) or not (self.grains or self.motifs):
            raise ParameterError(
                f"[detectability] grains = {list(self.grains)!r}: grain counts ≥ 1 (or none, "
                "with motifs)"
            )
        if not all(int(n) == n for n in (*self.grains, *self.frames_summed)):
            raise ParameterError("[detectability] grains and frames_summed: whole numbers")
        bad = [m for m in self.motifs if m not in MOTIFS]
        if bad:
            raise ParameterError(f"[detectability] motifs {bad}: choose from {list(MOTIFS)}")
        if self.prior not in PRIORS:
            raise ParameterError(
                f"[detectability] prior = {self.prior!r}: choose from {list(PRIORS)}"
            )
        if self.orientations < 1:
            raise ParameterError(
                f"[detectability] orientations = {self.orientations!r}: must be an integer ≥ 1"
            )
        for name in ("tilt_spread_deg", "rotation_per_frame_deg"):
            value = getattr(self, name)
            if not np.isfinite(value) or not 0 <= value <= 90:
                raise ParameterError(f"[detectability] {name} = {value!r}: must lie in [0, 90]")
        if any(v <= 1 for v in self.min_strengths):
            raise ParameterError(
                f"[detectability] min_strengths = {list(self.min_strengths)!r}: each must exceed 1"
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
    "particle",
    "n_atoms",
    "grains_built",
    "cna_grains",
    "cna_motif",
    "truth",
    "prior",
    "dose_e_per_A2",
    "frames_summed",
    "min_strength",
    "orientation",
    "n_fringe_sets",
    "n_lattice_orientations",
    "fft_verdict",
)
SUMMARY_COLUMNS = (
    "radius_A",
    "dose_e_per_A2",
    "frames_summed",
    "truth",
    "n_frames",
    "called_as_truth",
    "called_as_truth_ci95",
    "called_polycrystalline",
    "called_polycrystalline_ci95",
    "two_or_more_lattices",
    "two_or_more_lattices_ci95",
    "mean_fringe_sets",
    "mean_lattice_orientations",
)
ROC_COLUMNS = (
    "radius_A",
    "dose_e_per_A2",
    "frames_summed",
    "min_strength",
    "n_polycrystal_frames",
    "polycrystal_called_polycrystalline",
    "n_single_crystal_frames",
    "single_called_polycrystalline",
)


def twin_sequence(radius: float, spacing: float) -> str:
    """Close-packed layers (A, B, C) enough for a sphere of `radius` [Å] at layer `spacing`
    [Å], mirrored about the middle layer: one {111} twin plane through the centre."""
    half = int(np.ceil(radius / spacing)) + 1
    below = "".join("ABC"[i % 3] for i in range(half + 1))
    return below + below[-2::-1]


def marks_decahedron_parameters(radius: float, d_nn: float) -> tuple[int, int, int]:
    """The Marks decahedron (p, q, r ≥ 1, ASE's parameters) whose mean of half-height and
    largest distance from the five-fold axis is nearest `radius` [Å], of those within one
    nearest-neighbour distance the most compact (half-height nearest that distance)."""
    options = []
    reach = int(radius / d_nn) + 3
    for p in range(2, reach + 1):
        for q in range(1, reach):
            for r in (1, 2, 3):
                if r >= p:
                    continue
                atoms = build_decahedron(p, q, r)
                xy = np.linalg.norm(atoms.positions[:, :2] - atoms.positions[:, :2].mean(0), axis=1)
                extent, half = xy.max(), np.ptp(atoms.positions[:, 2]) / 2
                options.append((abs((extent + half) / 2 - radius), abs(extent - half), (p, q, r)))
    near = [o for o in options if o[0] <= min(x[0] for x in options) + d_nn]
    return min(near, key=lambda o: (o[1], o[0]))[2]


def build_particles(
    settings: DetectabilitySettings, seed: int
) -> list[tuple[float, str, int, Atoms]]:
    """(radius [Å], label, grains built or 0, atoms) of every particle of the study."""
    d_nn = nearest_neighbour_distance("Au")
    spacing = d_nn * np.sqrt(2.0 / 3.0)  # {111} layer spacing a0/√3
    particles = []
    for radius in settings.radii_A:
        for k in settings.grains:
            label = "single crystal" if k == 1 else f"voronoi-{k}"
            atoms = build_polycrystal(float(radius), int(k), seed=seed + int(k))
            particles.append((float(radius), label, int(k), atoms))
        for motif in settings.motifs:
            if motif == "twinned":
                atoms = build_stacked(twin_sequence(radius, spacing), float(radius))
            elif motif == "decahedron":
                atoms = build_decahedron(*marks_decahedron_parameters(radius, d_nn))
            else:
                atoms = build_icosahedron(max(2, round(radius / d_nn) + 1))
            particles.append((float(radius), motif, 0, atoms))
    return particles


def _prior_rotation(
    settings: DetectabilitySettings, seed: int, o: int, grain_quaternion: np.ndarray | None
) -> Rotation:
    if settings.prior == "uniform" or grain_quaternion is None:
        return orientation_rotation(seed=seed + o)
    rng = np.random.default_rng(seed + o)
    lattice = Rotation.from_quat(grain_quaternion)
    normals = np.array([[1, 1, 1], [1, 1, -1], [1, -1, 1], [-1, 1, 1]]) / np.sqrt(3.0)
    normal = lattice.apply(normals[rng.integers(4)])
    down, _ = Rotation.align_vectors([[0.0, 0.0, 1.0]], [normal])
    tilt = abs(rng.normal(0.0, settings.tilt_spread_deg))
    azimuth = rng.uniform(0.0, 360.0)
    axis = np.array([np.cos(np.radians(azimuth)), np.sin(np.radians(azimuth)), 0.0])
    spin = Rotation.from_euler("z", rng.uniform(0.0, 360.0), degrees=True)
    return spin * Rotation.from_rotvec(np.radians(tilt) * axis) * down


def _frames(clean_of, turn: Rotation, n: int, dose: float, seed: int, settings) -> Image:
    """The sum of `n` recorded frames (each with its own noise, seed + i), the particle
    turned by a random rotation of `rotation_per_frame_deg` between them; one frame as
    recorded."""
    rng = np.random.default_rng(seed)
    frames = []
    for i in range(n):
        frames.append(
            acquire(clean_of(turn), AcquisitionSettings(dose_e_per_A2=dose), seed=seed + i)
        )
        if settings.rotation_per_frame_deg > 0:
            axis = rng.normal(size=3)
            axis /= np.linalg.norm(axis)
            turn = Rotation.from_rotvec(np.radians(settings.rotation_per_frame_deg) * axis) * turn
    if n == 1:
        return frames[0]
    first = frames[0]
    total = np.sum([f.data for f in frames], axis=0)
    return Image(total, first.pixel_size, first.unit, pixel_size_y=first.pixel_size_y)


def _orientation_rows(task, *, settings: DetectabilitySettings, seed: int) -> list[dict]:
    """Every dose, frame sum and threshold of one particle in one orientation."""
    radius, label, k, particle, n_grains, motif, quaternion, o = task
    side = round(25.6 * radius)  # 0.1 Å pixels: a field of view of 2.56 radii
    microscope = ImagingSettings(scan=ScanSettings(pixel_size_A=0.1, shape_px=(side, side)))
    cache: dict[bytes, Image] = {}

    def clean_of(turn: Rotation) -> Image:
        key = turn.as_quat().tobytes()
        if key not in cache:
            cache[key] = simulate_adf(oriented(particle, turn), microscope)
        return cache[key]

    turn = _prior_rotation(settings, seed, o, quaternion)
    rows = []
    for dose in settings.doses_e_per_A2:
        for n in settings.frames_summed:
            frame = _frames(clean_of, turn, int(n), float(dose), seed + o, settings)
            found = measure_frame(frame).particles
            for threshold in settings.min_strengths:
                fft = (
                    particle_crystallinity(
                        frame, found[0].mask, FFTSettings(min_strength=float(threshold))
                    )
                    if found
                    else None
                )
                rows.append(
                    {
                        "radius_A": radius,
                        "particle": label,
                        "n_atoms": len(particle),
                        "grains_built": k,
                        "cna_grains": n_grains,
                        "cna_motif": motif,
                        "truth": TRUTH_OF_MOTIF[ParticleMotif(motif)],
                        "prior": settings.prior,
                        "dose_e_per_A2": float(dose),
                        "frames_summed": int(n),
                        "min_strength": float(threshold),
                        "orientation": o,
                        "n_fringe_sets": fft.n_fringe_sets if fft else 0,
                        "n_lattice_orientations": fft.n_lattice_orientations if fft else 0,
                        "fft_verdict": fft.verdict if fft else FFTVerdict.NO_PARTICLE,
                    }
                )
    return rows


def detectability(
    settings: DetectabilitySettings,
    *,
    seed: int,
    progress=None,
    workers: int | None = 1,
    scheduler=None,
) -> list[dict]:
    """One row per particle, orientation, dose, frame sum and spot threshold (module notes),
    in a fixed order whatever the scheduling; particle × orientation tasks run over Dask when
    `workers` > 1 or a `scheduler` is given. `progress(1)` after each task."""
    tasks = []
    for radius, label, k, atoms in build_particles(settings, seed):
        analysis = analyze_frame(atoms)
        grains = analysis.grains
        quaternion = grains.orientations[0] if grains.n_grains else None
        for o in range(settings.orientations):
            tasks.append(
                (radius, label, k, atoms, grains.n_grains, str(analysis.motif), quaternion, o)
            )
    results: list[list[dict]] = [[] for _ in tasks]
    for index, rows in map_unordered(
        _orientation_rows, tasks, workers=workers, scheduler=scheduler, settings=settings, seed=seed
    ):
        results[index] = rows
        if progress is not None:
            progress(1)
    return [row for rows in results for row in rows]


def wilson_interval(k: int, n: int) -> tuple[float, float]:
    """Wilson score 95 % interval of the proportion k/n (scipy's `binomtest`)."""
    ci = stats.binomtest(int(k), int(n)).proportion_ci(confidence_level=0.95, method="wilson")
    return float(ci.low), float(ci.high)


def summarise_detectability(
    rows: list[dict], *, min_strength: float = DEFAULT_MIN_STRENGTH
) -> list[dict]:
    """Per radius, dose, frame sum and truth class, at the spot threshold `min_strength`: how
    often the verdict names the class, how often it is "polycrystalline" (the paper's > 4
    lattice orientations) and how often the FFT shows two or more lattice orientations, with
    Wilson 95 % intervals, and the mean counts."""
    rows = [r for r in rows if r["min_strength"] == min_strength]
    out = []
    keys = sorted(
        {(r["radius_A"], r["dose_e_per_A2"], r["frames_summed"], r["truth"]) for r in rows},
        key=lambda k: (k[0], -k[1], k[2], k[3]),
    )
    for radius, dose, summed, truth in keys:
        mine = [
            r
            for r in rows
            if (r["radius_A"], r["dose_e_per_A2"], r["frames_summed"], r["truth"])
            == (radius, dose, summed, truth)
        ]
        n = len(mine)
        right = sum(r["fft_verdict"] == VERDICT_OF_TRUTH[truth] for r in mine)
        poly = sum(r["fft_verdict"] == FFTVerdict.POLYCRYSTALLINE for r in mine)
        several = sum(r["n_lattice_orientations"] >= 2 for r in mine)
        out.append(
            {
                "radius_A": radius,
                "dose_e_per_A2": dose,
                "frames_summed": summed,
                "truth": truth,
                "n_frames": n,
                "called_as_truth": f"{right / n:.2f}",
                "called_as_truth_ci95": "[{:.2f}, {:.2f}]".format(*wilson_interval(right, n)),
                "called_polycrystalline": f"{poly / n:.2f}",
                "called_polycrystalline_ci95": "[{:.2f}, {:.2f}]".format(*wilson_interval(poly, n)),
                "two_or_more_lattices": f"{several / n:.2f}",
                "two_or_more_lattices_ci95": "[{:.2f}, {:.2f}]".format(
                    *wilson_interval(several, n)
                ),
                "mean_fringe_sets": f"{sum(r['n_fringe_sets'] for r in mine) / n:.2f}",
                "mean_lattice_orientations": (
                    f"{sum(r['n_lattice_orientations'] for r in mine) / n:.2f}"
                ),
            }
        )
    return out


def threshold_roc(rows: list[dict]) -> list[dict]:
    """Per radius, dose, frame sum and spot threshold: the fraction of true polycrystals and
    of true single crystals called polycrystalline (one ROC point; blank without frames)."""
    out = []
    keys = sorted(
        {(r["radius_A"], r["dose_e_per_A2"], r["frames_summed"], r["min_strength"]) for r in rows},
        key=lambda k: (k[0], -k[1], k[2], k[3]),
    )
    for key in keys:
        mine = [
            r
            for r in rows
            if (r["radius_A"], r["dose_e_per_A2"], r["frames_summed"], r["min_strength"]) == key
        ]
        poly = [r for r in mine if r["truth"] == "polycrystalline"]
        single = [r for r in mine if r["truth"] == "single crystal"]

        def rate(group: list[dict]) -> str:
            if not group:
                return ""
            called = sum(r["fft_verdict"] == FFTVerdict.POLYCRYSTALLINE for r in group)
            return f"{called / len(group):.3f}"

        out.append(
            {
                "radius_A": key[0],
                "dose_e_per_A2": key[1],
                "frames_summed": key[2],
                "min_strength": key[3],
                "n_polycrystal_frames": len(poly),
                "polycrystal_called_polycrystalline": rate(poly),
                "n_single_crystal_frames": len(single),
                "single_called_polycrystalline": rate(single),
            }
        )
    return out


def _interval(text: str) -> tuple[float, float]:
    low, high = (float(x) for x in text.strip("[]").split(","))
    return low, high


def plot_detectability(summary: list[dict], roc: list[dict], path) -> None:
    """Left: per truth class, the fraction of frames whose verdict names it against dose
    (Wilson 95 % bars; one line per radius and frame sum). Right: the ROC of the spot
    threshold, polycrystals called polycrystalline against single crystals called so."""
    from matplotlib.figure import Figure

    fig = Figure(figsize=(11, 4.4), layout="constrained")
    left, right = fig.subplots(1, 2)
    styles = ("o-", "s--", "^:", "d-.")
    groups = sorted({(r["truth"], r["radius_A"], r["frames_summed"]) for r in summary})
    colours = {t: f"C{i}" for i, t in enumerate(sorted({g[0] for g in groups}))}
    radii = sorted({g[1] for g in groups})
    for truth, radius, summed in groups:
        mine = sorted(
            (
                r
                for r in summary
                if (r["truth"], r["radius_A"], r["frames_summed"]) == (truth, radius, summed)
            ),
            key=lambda r: r["dose_e_per_A2"],
        )
        dose = [r["dose_e_per_A2"] for r in mine]
        value = np.array([float(r["called_as_truth"]) for r in mine])
        ci = np.array([_interval(r["called_as_truth_ci95"]) for r in mine])
        left.errorbar(
            dose,
            value,
            yerr=[value - ci[:, 0], ci[:, 1] - value],
            fmt=styles[radii.index(radius) % len(styles)],
            color=colours[truth],
            capsize=2,
            ms=4,
            label=f"{truth}, {radius:g} Å" + (f", {summed} frames" if summed != 1 else ""),
        )
    left.set_xscale("log")
    left.set_xlabel("dose per frame [e/Å²]")
    left.set_ylabel("fraction of frames the verdict names the CNA class")
    left.set_ylim(-0.03, 1.03)
    if groups:
        left.legend(fontsize=7)
    curves = sorted({(r["radius_A"], r["dose_e_per_A2"], r["frames_summed"]) for r in roc})
    for i, key in enumerate(curves):
        mine = sorted(
            (
                r
                for r in roc
                if (r["radius_A"], r["dose_e_per_A2"], r["frames_summed"]) == key
                and r["polycrystal_called_polycrystalline"] != ""
                and r["single_called_polycrystalline"] != ""
            ),
            key=lambda r: -r["min_strength"],
        )
        if not mine:
            continue
        x = [float(r["single_called_polycrystalline"]) for r in mine]
        y = [float(r["polycrystal_called_polycrystalline"]) for r in mine]
        right.plot(
            x,
            y,
            styles[i % len(styles)],
            color=f"C{i}",
            ms=4,
            label=f"{key[0]:g} Å, {key[1]:g} e/Å², {key[2]} fr.",
        )
        for r, xi, yi in zip(mine, x, y, strict=True):
            right.annotate(
                f"{r['min_strength']:g}",
                (xi, yi),
                fontsize=6,
                xytext=(3, 3),
                textcoords="offset points",
            )
    right.plot([0, 1], [0, 1], color="0.7", lw=0.8)
    false_rates = [
        float(r["single_called_polycrystalline"])
        for r in roc
        if r["single_called_polycrystalline"] != ""
    ]
    # single crystals are rarely called polycrystalline: zoom in on that axis when so
    right.set_xlim(-0.005, max(0.1, 1.2 * max(false_rates, default=0.0)))
    right.set_ylim(-0.03, 1.03)
    right.set_xlabel("single crystals called polycrystalline")
    right.set_ylabel("polycrystals called polycrystalline")
    right.set_title("ROC of the spot threshold (labels: spot power / ring median)", fontsize=9)
    if right.get_legend_handles_labels()[0]:
        right.legend(fontsize=6)
    else:
        right.text(
            0.5,
            0.5,
            "needs single crystals and polycrystals",
            ha="center",
            fontsize=8,
            transform=right.transAxes,
        )
    fig.savefig(path, dpi=110, format="png")

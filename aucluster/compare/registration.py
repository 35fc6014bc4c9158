"""Aligning a simulated frame to an experimental one, and scoring the match.

Scale comes from the pixel sizes (the simulated frame is resampled to the experimental
pixel); rotation is searched on a grid of `angle_step` degrees and refined by a parabola
through the best three; translation at each angle by phase correlation (FFT, periodic),
refined to sub-pixel by a parabola. Scores: the zero-mean normalised cross-correlation (NCC,
−1…1) of the aligned frames, and, when the experimental frame holds counts, the Poisson
log-likelihood of those counts given the aligned simulation scaled to the same total
(`poisson_log_likelihood`).
"""

from dataclasses import dataclass

import numpy as np
from scipy import ndimage
from scipy.special import gammaln

from aucluster.errors import ParameterError
from aucluster.imaging.image import Image


@dataclass(frozen=True)
class Alignment:
    """How the simulated frame maps onto the experimental one: first a rotation of the
    specimen by `rotation_deg` about the frame centre (counter-clockwise from +x towards +y,
    x along columns and y along rows), then a shift (rows, columns) [pixels of the
    experimental frame]; the aligned simulated array and its NCC with the experiment."""

    shift: tuple[float, float]
    rotation_deg: float
    aligned: np.ndarray
    ncc: float


def normalised_cross_correlation(a: np.ndarray, b: np.ndarray) -> float:
    """Zero-mean NCC of two equally shaped arrays (Pearson r of their pixels)."""
    a = np.asarray(a, dtype=float) - np.mean(a)
    b = np.asarray(b, dtype=float) - np.mean(b)
    denominator = np.sqrt((a * a).sum() * (b * b).sum())
    return float((a * b).sum() / denominator) if denominator > 0 else 0.0


def poisson_log_likelihood(counts: np.ndarray, expected: np.ndarray) -> float:
    """Σ k log λ − λ − log k! of integer `counts` k given `expected` λ (> 0), per pixel."""
    k = np.asarray(counts, dtype=float)
    lam = np.clip(np.asarray(expected, dtype=float), 1e-12, None)
    if np.any(k < 0) or not np.allclose(k, np.round(k)):
        raise ParameterError("a Poisson likelihood needs non-negative integer counts")
    return float(np.mean(k * np.log(lam) - lam - gammaln(k + 1.0)))


def _to_grid(sim: Image, target: Image) -> np.ndarray:
    """The simulated frame resampled to the target's pixel size, cropped or padded (with its
    median) to the target's shape, centred."""
    if sim.is_movie or target.is_movie:
        raise ParameterError("registration works on single frames")
    zoom = (
        sim.pixel_size_yx[0] / target.pixel_size_yx[0],
        sim.pixel_size_yx[1] / target.pixel_size_yx[1],
    )
    data = ndimage.zoom(np.asarray(sim.data, dtype=float), zoom, order=1)
    out = np.full(target.frame_shape, float(np.median(data)))
    ty, tx = target.frame_shape
    sy, sx = data.shape
    oy, ox = (ty - sy) // 2, (tx - sx) // 2
    src = data[max(0, -oy) : max(0, -oy) + min(sy, ty), max(0, -ox) : max(0, -ox) + min(sx, tx)]
    out[max(0, oy) : max(0, oy) + src.shape[0], max(0, ox) : max(0, ox) + src.shape[1]] = src
    return out


def _phase_correlation(moving: np.ndarray, fixed: np.ndarray) -> tuple[tuple[float, float], float]:
    """Sub-pixel shift that moves `moving` onto `fixed`, and the correlation peak height."""
    a = np.fft.fft2(fixed - fixed.mean())
    b = np.fft.fft2(moving - moving.mean())
    cross = a * np.conj(b)
    cross /= np.maximum(np.abs(cross), 1e-30)
    corr = np.fft.ifft2(cross).real
    peak = np.unravel_index(int(np.argmax(corr)), corr.shape)
    shift = []
    for axis, p in enumerate(peak):
        n = corr.shape[axis]
        idx = [peak[0], peak[1]]
        idx[axis] = (p - 1) % n
        left = corr[tuple(idx)]
        idx[axis] = (p + 1) % n
        right = corr[tuple(idx)]
        curvature = left - 2 * corr[peak] + right
        delta = 0.5 * (left - right) / curvature if curvature < 0 else 0.0
        value = p + delta
        shift.append(value - n if value > n / 2 else value)
    return (shift[0], shift[1]), float(corr[peak])


def align(
    sim: Image, exp: Image, *, max_rotation_deg: float = 180.0, angle_step: float = 2.0
) -> Alignment:
    """Best shift and rotation of `sim` onto `exp` (module docstring)."""
    if not 0 < angle_step <= 45:
        raise ParameterError(f"angle_step = {angle_step!r}°: must lie in (0, 45]")
    fixed = np.asarray(exp.data, dtype=float)
    base = _to_grid(sim, exp)
    fill = float(np.median(base))

    pivot = np.array(base.shape, dtype=float) / 2.0  # the frame centre (pixel n/2)

    def rotate(angle: float) -> np.ndarray:
        # Output pixel (row, col) takes the input at R(−angle)·(p − pivot) + pivot, with
        # p = (row = y, col = x): the specimen turns by +angle from x towards y.
        t = np.radians(angle)
        inverse = np.array([[np.cos(t), -np.sin(t)], [np.sin(t), np.cos(t)]])
        offset = pivot - inverse @ pivot
        return ndimage.affine_transform(
            base, inverse, offset=offset, order=1, mode="constant", cval=fill
        )

    def score(angle: float) -> tuple[float, tuple[float, float]]:
        rotated = rotate(angle)
        shift, _ = _phase_correlation(rotated, fixed)
        moved = ndimage.shift(rotated, shift, order=1, mode="wrap")
        return normalised_cross_correlation(moved, fixed), shift

    angles = np.arange(-max_rotation_deg, max_rotation_deg + 1e-9, angle_step)
    scores = [score(a)[0] for a in angles]
    best = int(np.argmax(scores))
    angle = float(angles[best])
    if 0 < best < len(angles) - 1:
        left, centre, right = scores[best - 1], scores[best], scores[best + 1]
        curvature = left - 2 * centre + right
        if curvature < 0:
            angle += 0.5 * (left - right) / curvature * angle_step
    ncc, shift = score(angle)
    aligned = ndimage.shift(rotate(angle), shift, order=1, mode="wrap")
    return Alignment(
        shift=(float(shift[0]), float(shift[1])), rotation_deg=angle, aligned=aligned, ncc=ncc
    )


def best_match(candidates: list[Image], exp: Image, **kwargs) -> tuple[int, list[Alignment]]:
    """Index of the candidate (frames or orientations) that matches `exp` best by NCC, and
    every candidate's alignment."""
    if not candidates:
        raise ParameterError("no candidate frames to match")
    alignments = [align(c, exp, **kwargs) for c in candidates]
    return int(np.argmax([a.ncc for a in alignments])), alignments


@dataclass(frozen=True, kw_only=True)
class MatchScores:
    """How well a simulated frame matches an experimental one after `align`: the normalised
    cross-correlation, the transform, and, when the experiment is in counts (non-negative
    integers), the Poisson log-likelihood per pixel of the counts given the aligned
    simulation scaled to the same total (None otherwise)."""

    ncc: float
    rotation_deg: float
    shift_rows_px: float
    shift_columns_px: float
    scale_sim_to_exp: float
    sim_pixel_size_A: tuple[float, float]
    exp_pixel_size_A: tuple[float, float]
    poisson_log_likelihood_per_pixel: float | None

    def to_dict(self) -> dict:
        out = dict(vars(self))
        if self.poisson_log_likelihood_per_pixel is None:
            del out["poisson_log_likelihood_per_pixel"]
        return out


def score_match(sim: Image, exp: Image, alignment: Alignment) -> MatchScores:
    """Scores of `alignment` (from ``align(sim, exp)``); see `MatchScores`."""
    counts = np.asarray(exp.data, dtype=float)
    likelihood = None
    if np.all(counts >= 0) and np.allclose(counts, np.round(counts)):
        expected = alignment.aligned * counts.sum() / max(alignment.aligned.sum(), 1e-300)
        likelihood = poisson_log_likelihood(counts, np.clip(expected, 1e-12, None))
    return MatchScores(
        ncc=alignment.ncc,
        rotation_deg=alignment.rotation_deg,
        shift_rows_px=alignment.shift[0],
        shift_columns_px=alignment.shift[1],
        scale_sim_to_exp=sim.pixel_size / exp.pixel_size,
        sim_pixel_size_A=sim.pixel_size_yx,
        exp_pixel_size_A=exp.pixel_size_yx,
        poisson_log_likelihood_per_pixel=likelihood,
    )


def plot_match(alignment: Alignment, exp: Image, scores: MatchScores, path) -> None:
    """Experiment, aligned simulation and their red–green overlay side by side (PNG)."""
    from matplotlib.figure import Figure

    counts = np.asarray(exp.data, dtype=float)

    def scaled(a: np.ndarray) -> np.ndarray:
        lo, hi = np.percentile(a, [1, 99.5])
        return np.clip((a - lo) / max(hi - lo, 1e-300), 0, 1)

    fig = Figure(figsize=(12, 4.2), layout="constrained")
    axes = fig.subplots(1, 3)
    axes[0].imshow(counts, cmap="gray")
    axes[0].set_title("experiment")
    axes[1].imshow(alignment.aligned, cmap="gray")
    axes[1].set_title(f"simulation aligned ({scores.rotation_deg:.1f}°)")
    overlay = np.dstack([scaled(counts), scaled(alignment.aligned), np.zeros_like(counts)])
    axes[2].imshow(overlay)
    axes[2].set_title(f"overlay (red exp, green sim), NCC {scores.ncc:.3f}")
    for ax in axes:
        ax.set_axis_off()
    fig.savefig(path, dpi=110, format="png")

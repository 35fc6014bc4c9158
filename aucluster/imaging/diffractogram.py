"""Diffractograms: the windowed power spectrum of a frame, and its strongest spots.

Shared by simulated and experimental frames (`aucluster.compare` uses the same functions), so
both are judged the same way. A Hann window suppresses the streaks the frame edges would
otherwise cause; the mean is removed first so the zero-frequency peak does not swamp the rest.
"""

from dataclasses import dataclass

import numpy as np
from scipy.ndimage import maximum_filter

from aucluster.errors import ParameterError
from aucluster.imaging.image import Image


@dataclass(frozen=True)
class Diffractogram:
    """Power spectrum, zero frequency at the centre pixel (fftshift), and its sampling.

    power : ndarray (ny, nx). frequency_step : (dk_y, dk_x) [1/Å per pixel].
    """

    power: np.ndarray
    frequency_step: tuple[float, float]

    def frequencies(self) -> tuple[np.ndarray, np.ndarray]:
        """(k_y, k_x) [1/Å] of every pixel, each shape (ny, nx)."""
        ny, nx = self.power.shape
        ky = (np.arange(ny) - ny // 2) * self.frequency_step[0]
        kx = (np.arange(nx) - nx // 2) * self.frequency_step[1]
        return np.meshgrid(ky, kx, indexing="ij")


@dataclass(frozen=True)
class Spot:
    """A diffractogram maximum: position (k_x, k_y) [1/Å], |k|, the lattice spacing 1/|k| [Å],
    its angle [deg, from +k_x, counter-clockwise in image rows-down coordinates], strength
    (power over the median power at that |k|)."""

    kx: float
    ky: float
    strength: float

    @property
    def k(self) -> float:
        return float(np.hypot(self.kx, self.ky))

    @property
    def spacing(self) -> float:
        return 1.0 / self.k

    @property
    def angle_deg(self) -> float:
        return float(np.degrees(np.arctan2(self.ky, self.kx)))


def diffractogram(image: Image) -> Diffractogram:
    """Hann-windowed power spectrum of a single frame."""
    if image.is_movie:
        raise ParameterError("diffractogram of a movie: take one frame (image.frames())")
    data = np.asarray(image.data, dtype=float)
    window = np.outer(np.hanning(data.shape[0]), np.hanning(data.shape[1]))
    spectrum = np.fft.fftshift(np.fft.fft2((data - data.mean()) * window))
    ny, nx = data.shape
    dy, dx = image.pixel_size_yx
    step = (1.0 / (ny * dy), 1.0 / (nx * dx))
    return Diffractogram(np.abs(spectrum) ** 2, step)


def find_spots(
    dg: Diffractogram,
    *,
    k_min: float,
    k_max: float,
    min_strength: float = 5.0,
    max_spots: int = 24,
) -> list[Spot]:
    """Local maxima of the power between |k| = `k_min` and `k_max` [1/Å] that stand
    `min_strength` times above the median power of their ring, strongest first; each spot and
    its centrosymmetric partner are both kept."""
    if not 0 < k_min < k_max:
        raise ParameterError(f"k range {k_min}–{k_max} 1/Å: need 0 < k_min < k_max")
    ky, kx = dg.frequencies()
    k = np.hypot(kx, ky)
    ring = (k >= k_min) & (k <= k_max)
    if not ring.any():
        return []
    # Background per |k|: the median power in thin rings.
    step = max(dg.frequency_step)
    bins = np.floor(k / step).astype(int)
    median = np.zeros(bins.max() + 1)
    for b in np.unique(bins[ring]):
        median[b] = np.median(dg.power[bins == b])
    reference = median[bins]
    strength = np.zeros_like(dg.power)
    np.divide(dg.power, reference, out=strength, where=ring & (reference > 0))
    peaks = (strength == maximum_filter(strength, size=5)) & (strength >= min_strength)
    rows, cols = np.nonzero(peaks)
    order = np.argsort(-strength[rows, cols])[:max_spots]
    spots = []
    for r, c in zip(rows[order], cols[order], strict=True):
        dy, dx = _subpixel(dg.power, r, c)
        spots.append(
            Spot(
                float(kx[r, c] + dx * dg.frequency_step[1]),
                float(ky[r, c] + dy * dg.frequency_step[0]),
                float(strength[r, c]),
            )
        )
    return spots


def _subpixel(power: np.ndarray, r: int, c: int) -> tuple[float, float]:
    """Offset of a maximum from its pixel by a parabola through log power in y and in x."""
    ny, nx = power.shape
    if not (0 < r < ny - 1 and 0 < c < nx - 1):
        return 0.0, 0.0
    logp = np.log(np.maximum(power[r - 1 : r + 2, c - 1 : c + 2], 1e-300))

    def vertex(left: float, centre: float, right: float) -> float:
        curvature = left - 2.0 * centre + right
        return (
            0.0 if curvature >= 0 else float(np.clip(0.5 * (left - right) / curvature, -0.5, 0.5))
        )

    return vertex(logp[0, 1], logp[1, 1], logp[2, 1]), vertex(logp[1, 0], logp[1, 1], logp[1, 2])

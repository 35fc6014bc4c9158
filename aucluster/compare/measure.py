"""The paper's measurements on a frame: particles, their projected Au-rich area and mean grey
value, tracked over a movie. Same functions for simulated and experimental frames.

Segmentation (documented because every number depends on it):

1. Smooth the frame with a Gaussian of `smoothing` Å (standard deviation), which averages the
   shot noise of low-dose frames over a few columns.
2. Background level and noise: the median and the MAD-based standard deviation (1.4826 · MAD)
   of the smoothed frame, taken over `background_region` when given, else over the whole
   frame (valid while particles cover less than half of it). A noise-free simulated frame
   (MAD 0) uses 1 % of its range above the background as the noise.
3. Particle pixels: smoothed value above background + `threshold_sigma` × noise; connected
   pieces (8-connectivity) with holes filled, kept when at least `min_area_nm2` and
   `min_pixels` pixels (a few pixels over threshold are noise, whatever their size in nm²).
4. Per particle: projected area [nm²] = pixels × pixel area; mean grey value = mean of the
   *unsmoothed* frame over those pixels (the paper's Fig. 2b quantity, in the frame's units);
   equivalent diameter = 2√(area/π); centroid [Å].

Tracking: particles of consecutive frames are matched by their centroids (minimum total
distance, `scipy.optimize.linear_sum_assignment`), a match only when closer than
`max_step` Å; unmatched particles start new tracks.
"""

from dataclasses import dataclass

import numpy as np
from scipy import ndimage
from scipy.optimize import linear_sum_assignment

from aucluster.errors import ParameterError
from aucluster.imaging.image import Image

#: MAD → standard deviation for Gaussian noise.
MAD_TO_SIGMA = 1.4826


@dataclass(frozen=True, kw_only=True)
class SegmentationSettings:
    """smoothing [Å]; threshold_sigma [background noise units]; min_area_nm2 [nm²]; min_pixels;
    background_region: (row0, row1, col0, col1) in pixels, or None for the whole frame."""

    smoothing: float = 2.0
    threshold_sigma: float = 3.0
    min_area_nm2: float = 0.5
    min_pixels: int = 9
    background_region: tuple[int, int, int, int] | None = None

    def __post_init__(self) -> None:
        if not self.smoothing >= 0:
            raise ParameterError(f"smoothing = {self.smoothing!r} Å: must be ≥ 0")
        if not self.threshold_sigma > 0:
            raise ParameterError(f"threshold_sigma = {self.threshold_sigma!r}: must be > 0")
        if not self.min_area_nm2 >= 0:
            raise ParameterError(f"min_area_nm2 = {self.min_area_nm2!r} nm²: must be ≥ 0")


@dataclass(frozen=True)
class Particle:
    """One segmented particle: mask (ny, nx) bool, area [nm²], mean grey value (frame units),
    equivalent diameter [nm], centroid (x, y) [Å]."""

    mask: np.ndarray
    area_nm2: float
    mean_grey: float
    equivalent_diameter_nm: float
    centroid: tuple[float, float]


@dataclass(frozen=True)
class FrameMeasurement:
    """Particles of one frame (largest first) and the background estimate."""

    particles: list[Particle]
    background: float
    noise: float


def background_and_noise(smoothed: np.ndarray, region=None) -> tuple[float, float]:
    """Median and robust standard deviation (1.4826·MAD) of `smoothed` over `region`."""
    values = smoothed if region is None else smoothed[region[0] : region[1], region[2] : region[3]]
    if values.size == 0:
        raise ParameterError(f"background region {region!r} holds no pixels")
    median = float(np.median(values))
    mad = float(np.median(np.abs(values - median)))
    return median, MAD_TO_SIGMA * mad


def measure_frame(image: Image, settings: SegmentationSettings | None = None) -> FrameMeasurement:
    """Segment one frame into particles and measure each (module rules)."""
    s = SegmentationSettings() if settings is None else settings
    if image.is_movie:
        raise ParameterError("measure_frame takes one frame; use measure_movie for a movie")
    data = np.asarray(image.data, dtype=float)
    dy, dx = image.pixel_size_yx
    smoothed = (
        ndimage.gaussian_filter(data, (s.smoothing / dy, s.smoothing / dx)) if s.smoothing else data
    )
    background, noise = background_and_noise(smoothed, s.background_region)
    if noise == 0:  # noise-free simulated frame: the threshold sits at 3 % of the range
        noise = _noise_floor(smoothed, background)
    above = smoothed > background + s.threshold_sigma * noise
    labels, n = ndimage.label(above, structure=np.ones((3, 3)))
    particles = []
    pixel_nm2 = image.pixel_area / 100.0
    for k in range(1, n + 1):
        mask = ndimage.binary_fill_holes(labels == k)
        area = float(mask.sum() * pixel_nm2)
        if area < s.min_area_nm2 or mask.sum() < s.min_pixels:
            continue
        rows, cols = np.nonzero(mask)
        particles.append(
            Particle(
                mask=mask,
                area_nm2=area,
                mean_grey=float(data[mask].mean()),
                equivalent_diameter_nm=float(2.0 * np.sqrt(area / np.pi)),
                centroid=(float(cols.mean() * dx), float(rows.mean() * dy)),
            )
        )
    particles.sort(key=lambda p: -p.area_nm2)
    return FrameMeasurement(particles, background, noise)


def track(measurements: list[FrameMeasurement], *, max_step: float = 20.0) -> list[list[int]]:
    """Track id of each particle in each frame (lists parallel to `particles`)."""
    ids: list[list[int]] = []
    next_id = 0
    previous: list[tuple[int, tuple[float, float]]] = []
    for m in measurements:
        current = [-1] * len(m.particles)
        if previous and m.particles:
            cost = np.array(
                [
                    [np.hypot(p.centroid[0] - c[0], p.centroid[1] - c[1]) for _, c in previous]
                    for p in m.particles
                ]
            )
            rows, cols = linear_sum_assignment(cost)
            for r, c in zip(rows, cols, strict=True):
                if cost[r, c] <= max_step:
                    current[r] = previous[c][0]
        for i, value in enumerate(current):
            if value < 0:
                current[i] = next_id
                next_id += 1
        ids.append(current)
        previous = [(current[i], p.centroid) for i, p in enumerate(m.particles)]
    return ids


def normalised(image: Image, settings: SegmentationSettings | None = None) -> Image:
    """Each frame as (value − background) / noise, both from the frame's own background (step
    2 of the module rules, on the unsmoothed frame), so a simulated frame (fraction of beam or
    counts) and an experimental one (detector counts with any gain and offset) share one
    scale; unit "background sigma"."""
    from dataclasses import replace

    s = SegmentationSettings() if settings is None else settings
    out = []
    for frame in image.frames():
        data = np.asarray(frame.data, dtype=float)
        background, noise = background_and_noise(data, s.background_region)
        out.append((data - background) / (noise if noise > 0 else _noise_floor(data, background)))
    return replace(image, data=np.stack(out) if image.is_movie else out[0], unit="background sigma")


def _noise_floor(values: np.ndarray, background: float) -> float:
    """Stand-in noise of a noise-free frame: 1 % of its range above the background."""
    return max(1e-300, 0.01 * float(values.max() - background))

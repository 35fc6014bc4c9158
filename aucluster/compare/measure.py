"""The paper's measurements on a frame: particles, their projected Au-rich area and mean grey
value, tracked over a movie. Same functions for simulated and experimental frames.

Segmentation (documented because every number depends on it):

1. Smooth the frame with a Gaussian of `smoothing` Å (standard deviation), which averages the
   shot noise of low-dose frames over a few columns.
2. Background level and noise (`estimate_background`). Real liquid-cell frames are crowded:
   thick particles can cover most of the field, so the frame's median can be particle. In an
   ADF frame particles only add signal, so the background is the *darkest* prominent peak of
   the histogram of the smoothed frame, and the noise σ is read from that peak's dark side
   alone (1.4826 × the median distance below the peak), which no particle reaches. A smooth
   thickness gradient is fitted as a polynomial surface of `background_order` (0 constant,
   1 plane, 2 quadratic) to the pixels within 3 σ of the current surface, iterated to a fixed
   point, the peak re-read from the residuals each time. With `background_region` (a part of
   the field known to hold no particle) the level and noise are instead its median and
   1.4826 · MAD, a constant. A noise-free simulated frame (σ 0) uses 1 % of its range above
   the background as the noise.
3. Particle pixels: smoothed value above background + `threshold_sigma` × noise; connected
   pieces (8-connectivity) with the holes smaller than a particle filled (a larger hole is a
   gap enclosed by touching particles, and may hold a particle of its own), kept when at
   least `min_area_nm2` and `min_pixels` pixels (a few pixels over threshold are noise,
   whatever their size in nm²).
4. Per particle: projected area [nm²] = pixels × pixel area; mean grey value = mean of the
   *unsmoothed* frame over those pixels (the paper's Fig. 2b quantity, in the frame's units);
   the background under it (mean of the level surface over its pixels); equivalent diameter
   = 2√(area/π); the half-maximum diameter, 2√(a/π) of the area a of its pixels whose smoothed
   height above the background is at least half the particle's highest (the size a
   microscopist reads off a profile; the threshold mask's diameter grows with the dose, as
   the threshold sinks into the particle's blurred foot); centroid [Å]; whether it touches
   the frame's edge (then its area and diameters are lower bounds).

Tracking: particles of consecutive frames are matched by their centroids (minimum total
distance, `scipy.optimize.linear_sum_assignment`), a match only when closer than
`max_step` Å; unmatched particles start new tracks.
"""

from dataclasses import dataclass

import numpy as np
from scipy import ndimage
from scipy.optimize import linear_sum_assignment
from scipy.signal import find_peaks

from aucluster.errors import ParameterError
from aucluster.imaging.image import Image

#: MAD → standard deviation for Gaussian noise.
MAD_TO_SIGMA = 1.4826
#: Pixels within this many σ of the background surface are fitted as background (step 2).
BACKGROUND_CLIP_SIGMA = 3.0
#: The darkest histogram peak taken as background must be this prominent, as a fraction of
#: the histogram's highest bin: smaller bumps on the dark tail are noise of the histogram.
PEAK_PROMINENCE = 0.1


@dataclass(frozen=True, kw_only=True)
class SegmentationSettings:
    """smoothing [Å]; threshold_sigma [background noise units]; min_area_nm2 [nm²]; min_pixels;
    background_order: polynomial order of the background surface (0, 1 or 2; step 2 of the
    module rules); background_region: (row0, row1, col0, col1) in pixels of a particle-free
    part of the field, or None to find the background in the whole frame."""

    smoothing: float = 2.0
    threshold_sigma: float = 3.0
    min_area_nm2: float = 0.5
    min_pixels: int = 9
    background_order: int = 1
    background_region: tuple[int, int, int, int] | None = None

    def __post_init__(self) -> None:
        if not self.smoothing >= 0:
            raise ParameterError(f"smoothing = {self.smoothing!r} Å: must be ≥ 0")
        if not self.threshold_sigma > 0:
            raise ParameterError(f"threshold_sigma = {self.threshold_sigma!r}: must be > 0")
        if not self.min_area_nm2 >= 0:
            raise ParameterError(f"min_area_nm2 = {self.min_area_nm2!r} nm²: must be ≥ 0")
        if self.background_order not in (0, 1, 2):
            raise ParameterError(
                f"background_order = {self.background_order!r}: 0 (constant), 1 (plane) or 2"
            )


@dataclass(frozen=True)
class Particle:
    """One segmented particle: mask (ny, nx) bool, area [nm²], mean grey value and the
    background under it (frame units), equivalent diameter [nm] of the mask and of its part
    above half the particle's peak height (the half-maximum size), centroid (x, y) [Å], and
    whether it touches the frame's edge (area and diameters then lower bounds)."""

    mask: np.ndarray
    area_nm2: float
    mean_grey: float
    equivalent_diameter_nm: float
    half_max_diameter_nm: float
    centroid: tuple[float, float]
    background: float
    touches_edge: bool


@dataclass(frozen=True)
class FrameMeasurement:
    """Particles of one frame (largest first) and the background estimate: `background` the
    mean of the level surface over the frame, `noise` its σ (frame units)."""

    particles: list[Particle]
    background: float
    noise: float


@dataclass(frozen=True)
class Background:
    """A frame's background (step 2 of the module rules): `level` (ny, nx) per pixel, `noise`
    σ (frame units, 0 for a noise-free frame), `pixels` (ny, nx) bool, those it was fitted to."""

    level: np.ndarray
    noise: float
    pixels: np.ndarray


def dark_peak(values: np.ndarray) -> tuple[float, float]:
    """Centre of the darkest prominent peak of the histogram of `values` and the σ of its dark
    side, 1.4826 × median(centre − v) over v below the centre (exact for Gaussian noise, and
    blind to anything brighter than the background).

    The histogram is smoothed by a Gaussian of half the σ found and binned at a quarter of
    it, from the darkest values up; iterated to a fixed point from a start set by the darkest
    5 % of the pixels (background wherever it covers ≥ 10 % of the field). Finer smoothing
    makes spurious peaks of the noise itself (a smoothed frame has few independent pixels),
    coarser merges the background with the particles."""
    v = np.asarray(values, dtype=float).ravel()
    v = v[np.isfinite(v)]
    if v.size == 0:
        raise ParameterError("no finite pixel to take the background from")
    if v.size > 2**18:  # a regular subsample: the peak needs no more pixels than this
        v = v[:: v.size // 2**18 + 1]
    v = np.sort(v)  # every median below is then the middle of a slice
    lo, dark, hi = np.percentile(v, [0.1, 5.0, 99.9])
    if not dark > lo:  # ≥ 5 % of the pixels at the lowest value: a noise-free background
        return float(lo), 0.0
    steps = np.diff(v)
    steps = steps[steps > 0]
    # Quantised data (counts): bins narrower than a quantum would leave empty bins between.
    # v is sorted, so its distinct values are the positive steps plus one.
    quantum = float(steps.min()) if 0 < steps.size + 1 <= 4096 and steps.size else 0.0
    bandwidth = float(dark - lo)
    centre, sigma = float(dark), bandwidth
    for _ in range(30):
        width = max(0.25 * bandwidth, quantum)
        n_bins = int(min(4096, np.ceil((hi - lo) / width) + 1))
        edges = lo - 0.5 * width + width * np.arange(n_bins + 1)
        hist = np.diff(np.searchsorted(v, edges)).astype(float)
        smooth = ndimage.gaussian_filter1d(hist, bandwidth / width, mode="constant")
        padded = np.concatenate(([0.0], smooth, [0.0]))  # a peak in the first bin still counts
        peaks, _ = find_peaks(padded, prominence=PEAK_PROMINENCE * smooth.max())
        k = int(peaks[0]) - 1
        centre = 0.5 * (edges[k] + edges[k + 1])
        sigma = _dark_sigma(v, centre)
        # The bin centre refined to the median of the peak itself (±1 σ, at least ±2 bins):
        # exact for a constant background, unbiased for a symmetric one.
        half = max(sigma, 2.0 * width)
        centre = _sorted_median(v, centre - half, centre + half)
        sigma = _dark_sigma(v, centre)
        updated = max(0.5 * sigma, quantum)
        if abs(updated - bandwidth) <= 0.02 * bandwidth:
            break
        bandwidth = updated
    return centre, sigma


def estimate_background(
    smoothed: np.ndarray,
    *,
    raw: np.ndarray | None = None,
    order: int = 1,
    region=None,
    max_iterations: int = 30,
) -> Background:
    """The background of a (smoothed) ADF frame by the module's step 2: a polynomial surface of
    `order` through the darkest histogram peak, or the median and 1.4826 · MAD of `region`
    (row0, row1, col0, col1) [pixels] when given.

    The surface's shape is fitted to `raw`, the unsmoothed frame, when given: smoothing
    correlates the noise over ~4πσ² pixels, leaving a 2 Å-smoothed 50 Å field a few dozen
    independent values, which a plane would follow; its height and the noise are those of
    `smoothed`, whose noise sets the threshold."""
    data = np.asarray(smoothed, dtype=float)
    shape_source = data if raw is None else np.asarray(raw, dtype=float)
    if region is not None:
        values = data[region[0] : region[1], region[2] : region[3]]
        if values.size == 0:
            raise ParameterError(f"background region {region!r} holds no pixels")
        median = float(np.median(values))
        mad = float(np.median(np.abs(values - median)))
        pixels = np.zeros(data.shape, dtype=bool)
        pixels[region[0] : region[1], region[2] : region[3]] = True
        return Background(np.full(data.shape, median), MAD_TO_SIGMA * mad, pixels)
    centre, sigma = dark_peak(data)
    level = np.full(data.shape, centre)
    pixels = data - level <= BACKGROUND_CLIP_SIGMA * sigma
    if order == 0 or sigma == 0:
        return Background(level, sigma, pixels)
    basis = _polynomial_basis(data.shape, order)
    for _ in range(max_iterations):
        coefficients = np.linalg.lstsq(basis[pixels.ravel()], shape_source[pixels], rcond=None)[0]
        surface = (basis @ coefficients).reshape(data.shape)
        offset, sigma = dark_peak((data - surface)[pixels])
        # A fixed point to within a hundredth of the noise: the pixel set itself can cycle
        # through a few boundary pixels forever.
        moved = float(np.max(np.abs(surface + offset - level)))
        level = surface + offset
        pixels = data - level <= BACKGROUND_CLIP_SIGMA * sigma
        if moved <= 0.01 * sigma or sigma == 0:
            break
    return Background(level, sigma, pixels)


def _sorted_median(v: np.ndarray, low: float, high: float) -> float:
    """Median of the sorted `v` over [low, high] (a slice of it)."""
    i, j = int(np.searchsorted(v, low, "left")), int(np.searchsorted(v, high, "right"))
    return float(np.median(v[i:j])) if j > i else 0.5 * (low + high)


def _dark_sigma(v: np.ndarray, centre: float) -> float:
    """1.4826 × median(centre − v) over the sorted `v` below `centre`."""
    n = int(np.searchsorted(v, centre, "left"))
    return MAD_TO_SIGMA * (centre - float(np.median(v[:n]))) if n else 0.0


def _polynomial_basis(shape: tuple[int, int], order: int) -> np.ndarray:
    """(ny·nx, terms): 1, x, y (, x², xy, y²) over the frame, coordinates scaled to [−1, 1]."""
    y, x = np.meshgrid(
        np.linspace(-1.0, 1.0, shape[0]), np.linspace(-1.0, 1.0, shape[1]), indexing="ij"
    )
    terms = [np.ones(shape)]
    for total in range(1, order + 1):
        terms += [x ** (total - j) * y**j for j in range(total + 1)]
    return np.stack([t.ravel() for t in terms], axis=1)


def _fill_small_holes(piece: np.ndarray, min_pixels: int, min_area_px: float) -> np.ndarray:
    """`piece` with its holes smaller than a particle (< `min_pixels` or < `min_area_px`)
    filled: noise dips inside a particle. A larger hole is background that the piece encloses,
    as a ring of touching particles in a crowded field encloses a gap, which may hold a
    particle of its own."""
    filled = ndimage.binary_fill_holes(piece)
    holes, n_holes = ndimage.label(filled & ~piece)
    if n_holes == 0:
        return piece
    sizes = np.bincount(holes.ravel(), minlength=n_holes + 1)
    small = (sizes < min_pixels) | (sizes < min_area_px)
    small[0] = False
    return piece | small[holes]


def region_pixels(
    corners: tuple[float, float, float, float], image: Image
) -> tuple[int, int, int, int]:
    """A rectangle (x0, y0, x1, y1) [Å from the top-left corner of the frame] as the pixel
    slice (row0, row1, col0, col1) of `SegmentationSettings.background_region`: the pixels
    at positions inside it (pixel k at k × pixel size, as the centroids). Refused unless it
    holds at least one pixel of the frame."""
    x0, y0, x1, y1 = corners
    dy, dx = image.pixel_size_yx
    ny, nx = image.data.shape[-2:]
    text = ",".join(f"{v:g}" for v in corners)
    if not (x1 > x0 and y1 > y0):
        raise ParameterError(f"background region {text} Å: needs x1 > x0 and y1 > y0")
    col0, col1 = (int(np.clip(np.ceil(v / dx), 0, nx)) for v in (x0, x1))
    row0, row1 = (int(np.clip(np.ceil(v / dy), 0, ny)) for v in (y0, y1))
    if col1 <= col0 or row1 <= row0:
        raise ParameterError(
            f"background region {text} Å holds no pixel of the {nx * dx:.1f} × "
            f"{ny * dy:.1f} Å frame"
        )
    return row0, row1, col0, col1


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
    found = estimate_background(
        smoothed, raw=data, order=s.background_order, region=s.background_region
    )
    level = found.level
    noise = found.noise
    if noise == 0:  # noise-free simulated frame: the threshold sits at 3 % of the range
        noise = _noise_floor(smoothed, level)
    above = smoothed > level + s.threshold_sigma * noise
    labels, n = ndimage.label(above, structure=np.ones((3, 3)))
    particles = []
    pixel_nm2 = image.pixel_area / 100.0
    for k in range(1, n + 1):
        mask = _fill_small_holes(labels == k, s.min_pixels, s.min_area_nm2 / pixel_nm2)
        area = float(mask.sum() * pixel_nm2)
        if area < s.min_area_nm2 or mask.sum() < s.min_pixels:
            continue
        rows, cols = np.nonzero(mask)
        excess = smoothed[mask] - level[mask]
        half_max_pixels = int((excess >= 0.5 * excess.max()).sum())
        particles.append(
            Particle(
                mask=mask,
                area_nm2=area,
                mean_grey=float(data[mask].mean()),
                equivalent_diameter_nm=float(2.0 * np.sqrt(area / np.pi)),
                half_max_diameter_nm=float(2.0 * np.sqrt(half_max_pixels * pixel_nm2 / np.pi)),
                centroid=(float(cols.mean() * dx), float(rows.mean() * dy)),
                background=float(level[mask].mean()),
                touches_edge=bool(
                    mask[0].any() or mask[-1].any() or mask[:, 0].any() or mask[:, -1].any()
                ),
            )
        )
    particles.sort(key=lambda p: -p.area_nm2)
    return FrameMeasurement(particles, float(level.mean()), noise)


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
        found = estimate_background(data, order=s.background_order, region=s.background_region)
        noise = found.noise if found.noise > 0 else _noise_floor(data, found.level)
        out.append((data - found.level) / noise)
    return replace(image, data=np.stack(out) if image.is_movie else out[0], unit="background sigma")


def _noise_floor(values: np.ndarray, level: np.ndarray) -> float:
    """Stand-in noise of a noise-free frame: 1 % of its range above the background."""
    return max(1e-300, 0.01 * float(np.max(values - level)))

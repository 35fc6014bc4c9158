"""Background and segmentation on crowded frames (issue 19, item 1): thick particles covering
60–80 % of the field, a liquid-thickness gradient, Poisson noise, and one isolated particle whose
size and lattice are known from its noise-free image."""

import numpy as np
import pytest
from scipy import ndimage

from aucluster.compare import SegmentationSettings, measure_frame, particle_crystallinity
from aucluster.compare.measure import dark_peak, estimate_background, region_pixels
from aucluster.compare.synthetic import crowded_frame
from aucluster.errors import ParameterError
from aucluster.imaging import Image

PIXEL = 0.2  # Å, crowded_frame's default: resolves Au(111) 2.355 Å and (220) 1.442 Å
SHAPE = 640  # pixels, crowded_frame's default: a 128 Å field
SMOOTHING = SegmentationSettings().smoothing  # Å
#: Against the half-maximum size of the *same* noise-free image measured the same way, what is
#: left is the noise, the gradient and the crowd: 5 %, tighter than the issue's 15 % (it
#: measures ≤ 0.6 % here).
HALF_MAX_RTOL = 0.05


def _half_max_diameter_nm(noise_free: np.ndarray) -> float:
    """Equivalent diameter of the smoothed noise-free particle above half its maximum."""
    smoothed = ndimage.gaussian_filter(noise_free, SMOOTHING / PIXEL)
    area_nm2 = (smoothed >= 0.5 * smoothed.max()).sum() * PIXEL**2 / 100.0
    return float(2.0 * np.sqrt(area_nm2 / np.pi))


@pytest.mark.parametrize("coverage", [0.6, 0.8])
def test_the_isolated_particle_among_thick_ones_is_found_sized_and_its_lattice_seen(coverage):
    crowded = crowded_frame(coverage, seed=3)
    frame = crowded.frame
    # The frame is crowded: its median is particle, far above the background anywhere.
    assert (crowded.thick > 0).mean() >= coverage
    assert np.median(frame.data) > 2.0 * crowded.background.max()

    m = measure_frame(frame)  # default settings
    # One particle holds the frame's centre, where the isolated one sits, and none encloses it
    # (a ring of touching thick particles around it is not filled in).
    (particle,) = [p for p in m.particles if p.mask[SHAPE // 2, SHAPE // 2]]
    assert particle.centroid == pytest.approx(crowded.centre, abs=1.0)
    assert not particle.touches_edge
    truth = _half_max_diameter_nm(crowded.isolated)
    assert particle.half_max_diameter_nm == pytest.approx(truth, rel=HALF_MAX_RTOL)
    # Its background is the gradient under it, not the crowd's level.
    under = crowded.background[particle.mask].mean()
    assert particle.background == pytest.approx(under, abs=3 * m.noise)
    # The lattice: a [110] fcc crystal shows {111} twice, (002) and (2-20) (exact geometry).
    fft = particle_crystallinity(frame, particle.mask)
    assert fft.verdict == "crystalline"
    assert sorted(f.family for f in fft.fringes) == ["111", "111", "200", "220"]
    # The thick particles the frame's edge cuts (by construction) are flagged.
    border = np.zeros((SHAPE, SHAPE), dtype=bool)
    border[[0, -1], :] = border[:, [0, -1]] = True
    cut = border & (crowded.thick > 0)
    assert cut.any()
    for p in m.particles:
        if (p.mask & cut).any():
            assert p.touches_edge


@pytest.mark.parametrize("coverage", [0.6, 0.8])
def test_the_background_surface_follows_the_gradient_under_the_crowd(coverage):
    crowded = crowded_frame(coverage, seed=7, dose_e_per_A2=2e3)
    frame = crowded.frame
    smoothed = ndimage.gaussian_filter(frame.data, SMOOTHING / PIXEL)
    found = estimate_background(smoothed, raw=frame.data, order=1)
    truth = crowded.background
    # The smoothed frame's noise σ over the background: Poisson variance λ per pixel, smoothed
    # by a Gaussian of s pixels, var = λ / (4π s²) (sum of the squared kernel).
    s = SMOOTHING / PIXEL
    expected_noise = np.sqrt(truth / (4 * np.pi * s**2))
    empty = crowded.thick == 0
    assert found.noise == pytest.approx(expected_noise[empty].mean(), rel=0.25)
    # Everywhere, also under the thick particles, within 3 noise σ of the true level.
    assert np.max(np.abs(found.level - truth)) < 3 * expected_noise.max()
    # A constant cannot: with a gradient 5× from edge to edge it is wrong somewhere by far more.
    flat = estimate_background(smoothed, raw=frame.data, order=0)
    assert np.max(np.abs(flat.level - truth)) > 10 * expected_noise.max()


def test_the_dark_peak_of_gaussian_noise_under_bright_pixels():
    # 30 % background N(100, 2²) under 70 % particles spread over 120–400: the peak's centre
    # and its dark-side σ are the background's, within their sampling errors (N = 3·10⁴:
    # σ/√N ≈ 0.012 for the centre, σ/√(2N)·~1.6 ≈ 0.013 for the half-normal σ).
    rng = np.random.default_rng(0)
    background = rng.normal(100.0, 2.0, 30_000)
    particles = rng.uniform(120.0, 400.0, 70_000)
    centre, sigma = dark_peak(np.concatenate([background, particles]))
    assert centre == pytest.approx(100.0, abs=0.1)
    assert sigma == pytest.approx(2.0, rel=0.03)
    assert np.median(np.concatenate([background, particles])) > 150  # the median is particle


def test_counts_noise_free_frames_and_a_given_region():
    # Integer counts: bins of one count, so the peak of Poisson(20) is at its mean.
    counts = np.random.default_rng(1).poisson(20.0, 50_000).astype(float)
    centre, sigma = dark_peak(np.concatenate([counts, np.full(20_000, 200.0)]))
    assert centre == pytest.approx(20.0, abs=0.5)
    assert sigma == pytest.approx(np.sqrt(20.0), rel=0.15)  # Poisson σ = √λ
    # A noise-free background is its exact value, with no noise.
    flat = np.full((64, 64), 0.25)
    flat[20:40, 20:40] = 1.0
    assert dark_peak(flat) == (0.25, 0.0)
    # A given region: its median and 1.4826 · MAD, a constant level.
    data = np.random.default_rng(2).normal(3.0, 0.5, (100, 100))
    data[:, 60:] += 10.0
    found = estimate_background(data, region=(0, 100, 0, 50))
    assert np.all(found.level == np.median(data[:, :50]))
    assert found.noise == pytest.approx(0.5, rel=0.05)


def test_background_region_in_angstrom():
    image = Image(np.zeros((50, 80)), PIXEL, "counts")
    # Pixel k sits at k × 0.2 Å: x in [1.0, 3.0) Å holds columns 5–14, y in [0, 0.5) rows 0–2.
    assert region_pixels((1.0, 0.0, 3.0, 0.5), image) == (0, 3, 5, 15)
    with pytest.raises(ParameterError, match="no pixel"):
        region_pixels((100.0, 0.0, 120.0, 5.0), image)
    with pytest.raises(ParameterError, match="x1 > x0"):
        region_pixels((3.0, 0.0, 1.0, 5.0), image)
    with pytest.raises(ParameterError, match="background_order"):
        SegmentationSettings(background_order=3)

"""Acquisition noise, movies and the files they are written to."""

import numpy as np
import pytest
from ase import Atoms

from aucluster.errors import ParameterError
from aucluster.imaging import (
    AcquisitionSettings,
    BackgroundSettings,
    Image,
    ImagingSettings,
    ScanSettings,
    acquire,
    electrons_per_pixel,
    simulate_movie,
    write_animation,
    write_png,
    write_tiff,
)
from aucluster.structures import build_icosahedron


def _flat(level: float, shape=(256, 256)) -> Image:
    return Image(np.full(shape, level), pixel_size=0.2, unit="fraction of beam")


def test_poisson_mean_and_variance_at_a_dose():
    # N electrons per pixel × fraction F: Poisson with mean = variance = N·F.
    settings = AcquisitionSettings(dose_e_per_A2=1000.0)
    level = 0.3
    counts = acquire(_flat(level), settings, seed=3).data
    expected = electrons_per_pixel(settings, 0.2**2) * level  # 1000 × 0.04 × 0.3 = 12
    n = counts.size
    assert counts.mean() == pytest.approx(expected, abs=4 * np.sqrt(expected / n))
    assert counts.var() == pytest.approx(expected, rel=4 * np.sqrt(2.0 / n))
    assert np.all(counts == np.round(counts))


def test_gain_offset_and_read_noise():
    plain = acquire(_flat(0.3), AcquisitionSettings(dose_e_per_A2=1000.0), seed=5).data
    scaled = acquire(
        _flat(0.3), AcquisitionSettings(dose_e_per_A2=1000.0, gain=2.5, offset=100.0), seed=5
    ).data
    np.testing.assert_allclose(scaled, 2.5 * plain + 100.0)
    noisy = acquire(
        _flat(0.3), AcquisitionSettings(dose_e_per_A2=1000.0, read_noise=3.0), seed=5
    ).data
    assert (noisy - plain).std() == pytest.approx(3.0, rel=0.05)


def test_same_seed_same_frame_and_experiment_defaults():
    a = acquire(_flat(0.01), seed=7)
    b = acquire(_flat(0.01), seed=7)
    np.testing.assert_array_equal(a.data, b.data)
    assert a.metadata["acquisition"]["dose_e_per_A2"] == pytest.approx(149.0)
    assert a.frame_time_s == pytest.approx(0.5)
    assert not np.array_equal(a.data, acquire(_flat(0.01), seed=8).data)


def test_drift_moves_the_image_by_velocity_times_time():
    frame = np.zeros((64, 64))
    frame[32, 20] = 1.0
    from scipy.ndimage import gaussian_filter

    smooth = Image(
        gaussian_filter(frame, 2.0, mode="wrap"), pixel_size=0.2, unit="fraction of beam"
    )
    settings = AcquisitionSettings(dose_e_per_A2=1e9, drift=(2.0, 0.0), frame_time_s=0.5)
    moved = acquire(smooth, settings, seed=1).data
    row = moved[32]
    # Pixel (32, x) is scanned at t ≈ 0.5 s × 32/64: the specimen has moved 2 Å/s × t.
    t = 0.5 * (32 * 64 + 20) / 64**2
    shift_px = 2.0 * t / 0.2
    assert np.argmax(row) == pytest.approx(20 - shift_px, abs=1.0)


def test_acquire_refuses_counts():
    with pytest.raises(ParameterError, match="noise-free"):
        acquire(Image(np.ones((8, 8)), 0.2, "counts"), seed=1)


def _snapshots(n: int) -> list[Atoms]:
    base = build_icosahedron(3)
    out = []
    for k in range(n):
        a = base.copy()
        a.positions[:, 0] += 0.5 * k
        a.info["time_ps"] = 2.0 * k  # as an MD trajectory's frames carry it
        out.append(a)
    return out


SETTINGS = ImagingSettings(
    scan=ScanSettings(pixel_size_A=0.2, shape_px=(96, 96)),
    background=BackgroundSettings(water_thickness=0.0, graphene_layers=0),
)


def test_movie_frames_and_exposure_averaging():
    snaps = _snapshots(4)
    clean = simulate_movie(snaps, SETTINGS, seed=1, noise=False)
    assert clean.data.shape == (4, 96, 96)
    # MD time is the axis, never seconds: no frame time, each frame's MD time in the metadata.
    assert clean.frame_time_s is None
    assert clean.metadata["md_time_ps"] == [0.0, 2.0, 4.0, 6.0]
    assert clean.metadata["md_frame_interval_ps"] == pytest.approx(2.0)
    assert "MD time [ps]" in clean.metadata["time_axis"]
    pairs = simulate_movie(snaps, SETTINGS, seed=1, snapshots_per_frame=2, noise=False)
    assert pairs.data.shape == (2, 96, 96)
    assert pairs.metadata["md_time_ps"] == [0.0, 4.0]  # each frame's first snapshot
    untimed = [a.copy() for a in snaps]
    for a in untimed:
        a.info.pop("time_ps")
    plain = simulate_movie(untimed, SETTINGS, seed=1, noise=False)
    assert plain.frame_time_s is None
    assert "md_time_ps" not in plain.metadata
    np.testing.assert_allclose(pairs.data[1], 0.5 * (clean.data[2] + clean.data[3]))
    # The frame stays put: the particle's moving centre of intensity follows its 0.5 Å steps.
    cols = np.arange(96) * 0.2
    centroid = [(f.sum(axis=0) * cols).sum() / f.sum() for f in clean.data]
    np.testing.assert_allclose(np.diff(centroid), 0.5, atol=0.02)
    noisy = simulate_movie(snaps, SETTINGS, seed=1)
    assert noisy.unit == "counts"


def test_movie_files(tmp_path):
    import tifffile
    from PIL import Image as PILImage

    movie = simulate_movie(_snapshots(3), SETTINGS, seed=2)
    tif = write_tiff(movie, tmp_path / "movie.tif")
    with tifffile.TiffFile(tif) as handle:
        data = handle.asarray()
        meta = handle.imagej_metadata
        x_resolution = handle.pages[0].tags["XResolution"].value
    assert data.shape == (3, 96, 96)
    np.testing.assert_allclose(data, movie.data.astype(np.float32))
    assert meta["finterval"] == pytest.approx(2.0)  # the MD interval, in ImageJ's time unit
    assert meta["tunit"] == "ps"
    assert "MD time [ps]" in meta["Info"]
    assert meta["unit"] == "nm"
    assert x_resolution[1] / x_resolution[0] == pytest.approx(0.02, rel=1e-6)  # nm per pixel
    gif = write_animation(movie, tmp_path / "movie.gif")
    with PILImage.open(gif) as handle:
        assert handle.n_frames == 3
    mp4 = write_animation(movie, tmp_path / "movie.mp4")
    assert mp4.stat().st_size > 1000
    png = write_png(movie, tmp_path / "frame.png")
    assert png.read_bytes()[:4] == b"\x89PNG"

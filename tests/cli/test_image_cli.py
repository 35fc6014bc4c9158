"""`aucluster image` through CliRunner: files written with their metadata, and refusals."""

import json

import numpy as np
import pytest
from ase import Atoms
from ase.io import write
from click.testing import CliRunner

from aucluster.cli import main
from aucluster.structures import build_icosahedron


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


@pytest.fixture
def trajectory(tmp_path):
    frames = []
    for k in range(3):
        a = build_icosahedron(3)
        a.positions[:, 0] += 0.3 * k
        a.info["time_ps"] = 2.0 * k  # an MD trajectory's time stamps
        frames.append(a)
    path = tmp_path / "traj.extxyz"
    write(path, frames)
    return path


def test_trajectory_to_tiff_with_provenance(tmp_path, trajectory):
    import tifffile

    out = tmp_path / "movie.tif"
    result = run(
        "image",
        trajectory,
        "-o",
        out,
        "--size",
        96,
        "--zone-axis",
        "1,1,1",
        "--dose",
        500,
        "--seed",
        3,
    )
    assert result.exit_code == 0, result.output
    assert "3 frame(s) of 96×96 px" in result.output
    with tifffile.TiffFile(out) as handle:
        assert handle.asarray().shape == (3, 96, 96)
        # The frames are the trajectory's MD time apart, in ps; never 0.5 s.
        assert handle.imagej_metadata["finterval"] == pytest.approx(2.0)
        assert handle.imagej_metadata["tunit"] == "ps"
    record = json.loads((tmp_path / "movie.tif.provenance.json").read_text())
    assert record["settings"]["frame_time_s"] is None
    assert record["settings"]["md_frame_interval_ps"] == pytest.approx(2.0)
    assert record["settings"]["acquisition"]["dose_e_per_A2"] == 500.0
    assert record["settings"]["unit"] == "counts"
    assert record["seed"] == 3


def test_noise_free_npy_sums_to_the_cross_sections(tmp_path, trajectory):
    from aucluster.imaging import ImagingSettings, adf_cross_section, background_fraction

    out = tmp_path / "clean.npy"
    result = run("image", trajectory, "-o", out, "--size", 96, "--no-noise", "--index", "0")
    assert result.exit_code == 0, result.output
    data = np.load(out)
    defaults = ImagingSettings()
    b = background_fraction(defaults.background, defaults.probe, defaults.detector)
    total = (data - b).sum() * 0.2**2
    assert total == pytest.approx(55 * adf_cross_section("Au", 200e3, 70.0, 200.0, 25.0), rel=1e-9)


def test_png_and_gif(tmp_path, trajectory):
    png = tmp_path / "f.png"
    refused = run("image", trajectory, "-o", png, "--size", 64)  # every frame: PNG holds one
    assert refused.exit_code == 2
    assert "a PNG holds one frame" in refused.output
    assert not png.exists()
    assert run("image", trajectory, "-o", png, "--size", 64, "--index", "0").exit_code == 0
    assert png.read_bytes()[:4] == b"\x89PNG"
    assert run("image", trajectory, "-o", tmp_path / "m.gif", "--size", 64).exit_code == 0
    assert (tmp_path / "m.gif").read_bytes()[:3] == b"GIF"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--size", 16), "outside"),
        (("--dose", 0), "dose"),
        (("--dose", -5), "dose"),
        (("--zone-axis", "1,1"), "three comma-separated"),
        (("--zone-axis", "1,1,0", "--euler", "1,2,3"), "one of"),
        (("--outer", 50), "outer"),
        (("--drift", "x"), "--drift"),
    ],
)
def test_bad_input_is_refused_without_output(tmp_path, trajectory, args, message):
    out = tmp_path / "x.tif"
    result = run("image", trajectory, "-o", out, *args)
    assert result.exit_code == 2, result.output
    assert message in result.output
    assert not out.exists()


def test_unknown_element_and_bad_suffix(tmp_path):
    source = tmp_path / "u.extxyz"
    write(source, Atoms("U2", positions=[[0, 0, 0], [2.5, 0, 0]], cell=[10, 10, 10]))
    result = run("image", source, "-o", tmp_path / "u.tif")
    assert result.exit_code == 2
    assert "'U'" in result.output
    result = run("image", source, "-o", tmp_path / "u.jpg")
    assert result.exit_code == 2
    assert ".tif" in result.output


def test_undersampled_pixel_is_a_warning_not_an_error(tmp_path, trajectory):
    out = tmp_path / "coarse.npy"
    result = run("image", trajectory, "-o", out, "--pixel-size", 0.5, "--size", 64, "--index", "0")
    assert result.exit_code == 0, result.output
    assert "Warning: pixel size 0.5 Å exceeds the probe's Nyquist limit" in result.output
    assert out.exists()

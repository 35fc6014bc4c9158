"""`aucluster compare measure` and `compare match` through CliRunner."""

import csv
import json

import numpy as np
import pytest
from click.testing import CliRunner

from aucluster.cli import main
from aucluster.compare import FFTVerdict
from aucluster.imaging import (
    AcquisitionSettings,
    Image,
    ImagingSettings,
    ScanSettings,
    acquire,
    orientation_rotation,
    oriented,
    simulate_adf,
    simulate_movie,
    write_tiff,
)
from aucluster.structures import build_decahedron, build_icosahedron
from tests.conftest import MICROSCOPE_DATA

DATA = MICROSCOPE_DATA


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


def test_measure_a_simulated_tiff_movie(tmp_path):
    snapshots = []
    for k in range(4):
        a = build_icosahedron(5)
        a.positions *= 1.0 - 0.06 * k  # the particle tightens: area down, grey up
        a.info["time_ps"] = 2.0 * k
        snapshots.append(a)
    settings = ImagingSettings(
        scan=ScanSettings(pixel_size_A=0.2, shape_px=(200, 200)),
        acquisition=AcquisitionSettings(dose_e_per_A2=2000.0),
    )
    movie = write_tiff(simulate_movie(snapshots, settings, seed=1), tmp_path / "movie.tif")
    out = tmp_path / "measured"
    result = run("compare", "measure", movie, "-o", out)
    assert result.exit_code == 0, result.output
    with open(out / "measurements.csv", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert [int(r["frame"]) for r in rows] == [0, 1, 2, 3]
    # A simulated movie is on MD time: no seconds unless the user gives a frame time.
    assert all(np.isnan(float(r["time_s"])) for r in rows)
    assert [float(r["md_time_ps"]) for r in rows] == [0.0, 2.0, 4.0, 6.0]
    assert len({r["track"] for r in rows}) == 1
    areas = [float(r["area_nm2"]) for r in rows]
    greys = [float(r["mean_grey"]) for r in rows]
    assert np.all(np.diff(areas) < 0)
    assert np.all(np.diff(greys) > 0)
    particle_verdicts = {str(v) for v in FFTVerdict} - {"no particle"}
    assert all(r["fft_verdict"] in particle_verdicts for r in rows)
    assert all(0 <= int(r["n_lattice_orientations"]) <= int(r["n_fringe_sets"]) for r in rows)
    assert (out / "measurements.png").read_bytes()[:4] == b"\x89PNG"
    assert (out / "measurements.csv.provenance.json").exists()
    mapped = tmp_path / "mapped"
    assert run("compare", "measure", movie, "-o", mapped, "--frame-time", 0.5).exit_code == 0
    with open(mapped / "measurements.csv", newline="") as handle:
        assert [float(r["time_s"]) for r in csv.DictReader(handle)] == [0.0, 0.5, 1.0, 1.5]


@pytest.mark.shared
def test_a_real_frame_without_particle_is_refused(tmp_path):
    # velox_haadf.emd's HAADF frame is flat: 9989–10003 counts, pure noise around 9996, at
    # 874 Å per pixel: no particle and no lattice can be there.
    result = run("compare", "measure", DATA / "velox_haadf.emd", "-o", tmp_path / "v")
    assert result.exit_code == 2
    assert "no particle found in any frame" in result.output
    from aucluster.compare import read_image, resolves_lattice

    assert not resolves_lattice(read_image(DATA / "velox_haadf.emd"))


def test_match_recovers_rotation(tmp_path):
    settings = ImagingSettings(scan=ScanSettings(pixel_size_A=0.2, shape_px=(128, 128)))
    atoms = oriented(build_decahedron(4, 2, 1), orientation_rotation(euler_deg=(10, 40, 0)))
    centre = atoms.positions[:, :2].mean(axis=0)
    sim = simulate_adf(atoms, settings, centre=centre)
    from scipy.spatial.transform import Rotation

    turned = atoms.copy()
    pivot = np.array([*centre, 0.0])
    turned.positions = (
        Rotation.from_euler("z", 25.0, degrees=True).apply(atoms.positions - pivot) + pivot
    )
    exp = acquire(
        simulate_adf(turned, settings, centre=centre),
        AcquisitionSettings(dose_e_per_A2=5000),
        seed=4,
    )
    np.save(tmp_path / "sim.npy", sim.data)
    np.save(tmp_path / "exp.npy", exp.data)
    out = tmp_path / "match"
    result = run(
        "compare",
        "match",
        tmp_path / "sim.npy",
        tmp_path / "exp.npy",
        "-o",
        out,
        "--sim-pixel-size",
        0.2,
        "--exp-pixel-size",
        0.2,
    )
    assert result.exit_code == 0, result.output
    scores = json.loads((out / "match.json").read_text())
    assert scores["rotation_deg"] == pytest.approx(25.0, abs=1.0)
    assert scores["ncc"] > 0.5
    assert "poisson_log_likelihood_per_pixel" in scores
    assert (out / "match.png").exists()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        pytest.param(("measure", DATA / "08_carbon.dm3"), "spectrum", marks=pytest.mark.shared),
        pytest.param(("measure", DATA / "README.md"), "unsupported", marks=pytest.mark.shared),
        (("measure", "NOISE"), "no particle"),
        (("measure", "NPY"), "--pixel-size"),
    ],
)
def test_bad_input(tmp_path, args, message):
    noise = tmp_path / "noise.tif"
    write_tiff(
        Image(np.random.default_rng(0).poisson(5.0, (64, 64)).astype(float), 0.2, "counts"), noise
    )
    npy = tmp_path / "frame.npy"
    np.save(npy, np.zeros((8, 8)))
    args = tuple({"NOISE": noise, "NPY": npy}.get(a, a) if isinstance(a, str) else a for a in args)
    result = run("compare", *args, "-o", tmp_path / "out")
    assert result.exit_code == 2, result.output
    assert message in result.output
    assert not (tmp_path / "out" / "measurements.csv").exists()


def test_measure_a_crowded_frame_with_defaults_and_with_a_background_region(tmp_path):
    # Three thick disks cut by the frame's edges cover 60 % of an 80 Å field on a gradient;
    # a small dim disk (3 Å radius) sits alone in the gap. Counts, 0.2 Å pixels.
    rows, cols = np.mgrid[0:400, 0:400] * 0.2
    level = 20.0 + 10.0 * cols / 80.0  # background 20 → 30 counts across the field
    thick = (
        (np.hypot(cols, rows) < 45.0)
        | (np.hypot(cols - 80.0, rows - 80.0) < 38.0)
        | (np.hypot(cols, rows - 80.0) < 38.0)
    )
    small = np.hypot(cols - 62.0, rows - 16.0) < 3.0
    expected = level + 400.0 * thick + 60.0 * small
    frame = tmp_path / "crowded.npy"
    np.save(frame, np.random.default_rng(4).poisson(expected).astype(float))
    assert np.median(expected) > 400.0  # the median is particle
    out = tmp_path / "m"
    result = run("compare", "measure", frame, "--pixel-size", 0.2, "-o", out)
    assert result.exit_code == 0, result.output
    with open(out / "measurements.csv", newline="") as handle:
        found = list(csv.DictReader(handle))
    alone = [r for r in found if r["touches_edge"] == "False"]
    assert len(alone) == 1
    assert float(alone[0]["centroid_x_A"]) == pytest.approx(62.0, abs=0.5)
    assert float(alone[0]["centroid_y_A"]) == pytest.approx(16.0, abs=0.5)
    assert float(alone[0]["half_max_diameter_nm"]) == pytest.approx(
        2 * _blurred_disk_half_max_radius(3.0, 2.0) / 10, rel=0.05
    )
    # The background under it: the gradient there (27.75 counts at x = 62 Å).
    assert float(alone[0]["background"]) == pytest.approx(27.75, abs=0.5)
    assert [r["touches_edge"] for r in found].count("True") == 1  # the three, touching
    # A given rectangle (x 40–55 Å, y 30–45 Å, in the gap): its median is the background.
    given = tmp_path / "given"
    args = ("--pixel-size", 0.2, "--background-region", "40,30,55,45", "-o", given)
    assert run("compare", "measure", frame, *args).exit_code == 0
    with open(given / "measurements.csv", newline="") as handle:
        backgrounds = [float(r["background"]) for r in csv.DictReader(handle)]
    from scipy import ndimage

    smoothed = ndimage.gaussian_filter(np.load(frame), 2.0 / 0.2)
    # Pixel k at k × 0.2 Å: y in [30, 45) is rows 150–224, x in [40, 55) columns 200–274.
    region_median = float(np.median(smoothed[150:225, 200:275]))
    # (A constant: with the gradient, the right half of the field then rises above threshold
    # and joins the crowd, which is why the default fits a plane.)
    assert backgrounds
    assert backgrounds == pytest.approx([region_median] * len(backgrounds), rel=1e-9)
    record = json.loads((given / "measurements.csv.provenance.json").read_text())
    assert record["settings"]["background_region_A"] == [40.0, 30.0, 55.0, 45.0]


def _blurred_disk_half_max_radius(radius: float, sigma: float) -> float:
    """Where a uniform disk blurred by a 2-D Gaussian of σ falls to half its peak: at distance
    r its height is C·ncx2.cdf((R/σ)², 2, (r/σ)²) (a non-central χ², 2 degrees of freedom)."""
    from scipy.optimize import brentq
    from scipy.stats import ncx2

    def height(r: float) -> float:
        return float(ncx2.cdf((radius / sigma) ** 2, 2, (r / sigma) ** 2))

    half = 0.5 * (1.0 - np.exp(-0.5 * (radius / sigma) ** 2))  # peak: the centre's height
    return float(brentq(lambda r: height(r) - half, 1e-6, radius + 10 * sigma))

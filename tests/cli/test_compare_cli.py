"""`aucluster compare measure` and `compare match` through CliRunner."""

import csv
import json

import numpy as np
import pytest
from click.testing import CliRunner

from aucluster.cli import main
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
    assert all(r["fft_verdict"] in {"crystalline", "polycrystalline", "no lattice"} for r in rows)
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

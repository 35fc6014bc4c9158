"""Each real microscope file in ../shared/data/microscope read into an Image whose shape, dtype,
pixel size and unit equal what the file's own metadata says, read independently (raw HDF5,
the MRC header bytes, the DigitalMicrograph tag tree)."""

import json

import h5py
import numpy as np
import pytest

from aucluster.compare import read_image
from aucluster.errors import ParameterError
from tests.conftest import MICROSCOPE_DATA

DATA = MICROSCOPE_DATA


@pytest.mark.shared
def test_the_shared_files_are_there():
    assert {p.name for p in DATA.iterdir()} >= {
        "08_carbon.dm3",
        "dmTest_float32_nonSquare_diffPixelSize.dm4",
        "temp.mrc",
        "velox_haadf.emd",
        "Acquisition_18.emd",
    }


@pytest.mark.shared
def test_velox_emd_haadf_against_its_json_metadata():
    path = DATA / "velox_haadf.emd"
    expected = {}
    with h5py.File(path, "r") as f:
        for group in f["Data/Image"].values():
            raw = group["Metadata"][:, 0]
            meta = json.loads(bytes(raw[raw > 0]).decode())
            detector = meta["BinaryResult"]["Detector"]
            size = meta["BinaryResult"]["PixelSize"]
            unit = meta["BinaryResult"]["PixelUnitX"]
            assert unit == "m"
            expected[detector] = (
                group["Data"].shape[:2],
                group["Data"].dtype,
                float(size["height"]) * 1e10,
                float(size["width"]) * 1e10,
                group["Data"][:, :, 0],
            )
    assert set(expected) == {"HAADF", "DF2", "BF", "DF4"}
    for name in ("HAADF", "BF"):
        image = read_image(path, signal=name)
        shape, dtype, dy, dx, data = expected[name]
        assert image.data.shape == shape
        assert image.data.dtype == dtype
        assert image.pixel_size_yx == pytest.approx((dy, dx), rel=1e-9)
        np.testing.assert_array_equal(image.data, data)
    assert read_image(path).metadata["title"] == "HAADF"  # the default when present
    with pytest.raises(ParameterError, match="no signal 'EELS'"):
        read_image(path, signal="EELS")


@pytest.mark.shared
def test_berkeley_emd_against_its_dimension_vectors():
    path = DATA / "Acquisition_18.emd"
    with h5py.File(path, "r") as f:
        group = f["data/single"]
        data = group["data"][...]
        steps = [float(np.diff(group[d][:2])[0]) for d in ("dim1", "dim2")]
        units = [group[d].attrs["units"].decode() for d in ("dim1", "dim2")]
    assert units == ["n_m", "n_m"]  # how this writer spells nanometres
    image = read_image(path)
    assert image.data.shape == data.shape == (1024, 1024)
    assert image.data.dtype == data.dtype == np.uint16
    assert image.pixel_size_yx == pytest.approx((steps[0] * 10.0, steps[1] * 10.0), rel=1e-6)
    np.testing.assert_array_equal(image.data, data)


@pytest.mark.shared
def test_mrc_stack_against_its_header():
    path = DATA / "temp.mrc"
    header = np.fromfile(path, dtype="<i4", count=10)
    nx, ny, nz, mode = header[:4]
    mx, my = np.fromfile(path, dtype="<i4", count=2, offset=28)
    cell_x, cell_y = np.fromfile(path, dtype="<f4", count=2, offset=40)  # cell lengths [Å]
    assert mode == 2  # float32
    image = read_image(path)
    assert image.data.shape == (nz, ny, nx)
    assert image.is_movie
    assert image.data.dtype == np.float32
    assert image.pixel_size_yx == pytest.approx((cell_y / my, cell_x / mx), rel=1e-6)
    assert image.frame_time_s is None  # the header holds no time


@pytest.mark.shared
def test_dm4_non_square_pixels_against_its_tags():
    path = DATA / "dmTest_float32_nonSquare_diffPixelSize.dm4"
    image = read_image(path)
    tags = image.metadata["original_metadata"]["ImageList"]
    data_tags = [v["ImageData"] for v in tags.values() if v["ImageData"].get("Dimensions")]
    main = max(data_tags, key=lambda d: np.prod(list(d["Dimensions"].values())))
    dims = main["Dimensions"]
    calib = main["Calibrations"]["Dimension"]
    to_A = {"nm": 10.0, "A": 1.0, "Å": 1.0, "µm": 1e4}
    dx = calib["TagGroup0"]["Scale"] * to_A[calib["TagGroup0"]["Units"]]
    dy = calib["TagGroup1"]["Scale"] * to_A[calib["TagGroup1"]["Units"]]
    assert image.data.shape == (dims["Data1"], dims["Data0"]) == (64, 128)
    assert image.data.dtype == np.float32
    assert image.pixel_size_yx == pytest.approx((dy, dx), rel=1e-6)
    assert image.pixel_size_yx == pytest.approx((2.0, 10.0), rel=1e-6)  # y 2 Å, x 1 nm


@pytest.mark.shared
def test_dm3_spectrum_is_refused_as_a_frame():
    # The shared README calls this a TEM image; its own tags say a 2048-channel EELS spectrum
    # (Dimensions 2048 × 1, calibrated in eV), so a frame reader must refuse it.
    path = DATA / "08_carbon.dm3"
    from rsciio.digitalmicrograph import file_reader

    tags = file_reader(str(path))[0]["original_metadata"]["ImageList"]["TagGroup0"]["ImageData"]
    assert tags["Dimensions"] == {"Data0": 2048, "Data1": 1}
    assert tags["Calibrations"]["Dimension"]["TagGroup0"]["Units"] == "eV"
    with pytest.raises(ParameterError, match="spectrum"):
        read_image(path)


def test_pixel_size_override_and_missing_calibration(tmp_path):
    import tifffile

    bare = tmp_path / "bare.tif"
    tifffile.imwrite(bare, np.zeros((16, 16), dtype=np.uint16))
    with pytest.raises(ParameterError, match="--pixel-size"):
        read_image(bare)
    assert read_image(bare, pixel_size=0.3).pixel_size_yx == (0.3, 0.3)


def test_our_own_tiff_movie_reads_back(tmp_path):
    from aucluster.imaging import Image, write_tiff

    movie = Image(
        np.random.default_rng(0).poisson(3.0, (4, 32, 48)).astype(float),
        0.25,
        "counts",
        frame_time_s=0.5,
    )
    path = write_tiff(movie, tmp_path / "m.tif")
    back = read_image(path)
    assert back.data.shape == (4, 32, 48)
    assert back.pixel_size_yx == pytest.approx((0.25, 0.25), rel=1e-5)
    assert back.frame_time_s == pytest.approx(0.5)
    np.testing.assert_allclose(back.data, movie.data)


def test_a_simulated_movie_reads_back_on_md_time_not_seconds(tmp_path):
    """A simulated movie's TIFF keeps its MD time axis (ImageJ tunit=ps): read back, it has
    no frame time in seconds, and its measurements are on MD time with time_s NaN."""
    from aucluster.compare.movie import measure_movie, time_axis
    from aucluster.imaging import Image, write_tiff

    rng = np.random.default_rng(0)
    movie = Image(
        rng.poisson(3.0, (3, 64, 64)).astype(float),
        0.25,
        "counts",
        metadata={"md_time_ps": [0.0, 2.0, 4.0], "md_frame_interval_ps": 2.0},
    )
    back = read_image(write_tiff(movie, tmp_path / "sim.tif"))
    assert back.frame_time_s is None
    assert back.metadata["md_frame_interval_ps"] == pytest.approx(2.0)
    yy, xx = np.mgrid[0:64, 0:64]
    blob = np.where((yy - 32) ** 2 + (xx - 32) ** 2 < 12**2, 40.0, 0.0)
    frames = Image(
        rng.poisson(3.0 + blob[None].repeat(3, 0)).astype(float),
        0.25,
        "counts",
        metadata=back.metadata,
    )
    rows, _ = measure_movie(frames)
    assert rows
    assert all(np.isnan(r["time_s"]) for r in rows)
    assert sorted({r["md_time_ps"] for r in rows}) == [0.0, 2.0, 4.0]
    assert time_axis(rows) == ("md_time_ps", "MD time [ps]")


def test_movie_with_inconsistent_frame_sizes_is_refused(tmp_path):
    import tifffile

    mixed = tmp_path / "mixed.tif"
    with tifffile.TiffWriter(mixed) as handle:
        handle.write(np.zeros((32, 32), dtype=np.float32))
        handle.write(np.zeros((40, 40), dtype=np.float32))
    with pytest.raises(ParameterError, match="different sizes"):
        read_image(mixed, pixel_size=0.2)


def test_unsupported_and_damaged_files(tmp_path):
    with pytest.raises(ParameterError, match="unsupported"):
        read_image(tmp_path / "frame.jpg")
    broken = tmp_path / "broken.dm4"
    broken.write_bytes(b"not a DigitalMicrograph file")
    with pytest.raises(ParameterError, match="cannot read"):
        read_image(broken)

"""`aucluster compare measure MOVIE -o DIR` and `aucluster compare match SIM EXP -o DIR`.

measure: the paper's measurements per frame (projected Au-rich area, mean grey value, FFT
crystallinity) as measurements.csv, a figure of area and grey value against time, and the FFT
verdict per frame. match: a simulated frame aligned to an experimental one (shift, rotation,
scale from the pixel sizes) with its scores and an overlay figure.
"""

import math
from pathlib import Path

import click
import numpy as np

from aucluster.cli.options import overwrite_option
from aucluster.compare import (
    SegmentationSettings,
    align,
    plot_match,
    read_image,
    resolves_lattice,
    score_match,
)
from aucluster.compare.measure import region_pixels
from aucluster.compare.movie import MEASUREMENT_COLUMNS, measure_movie, plot_measurements
from aucluster.errors import ParameterError
from aucluster.imaging import Image
from aucluster.store import atomic_output, write_csv, write_provenance
from aucluster.store.files import check_output_dir, make_output_dir, refuse_existing, write_json
from aucluster.store.provenance import provenance_record

#: Smallest frame [pixels per side] either command measures or aligns.
MIN_FRAME_PX = 8


def _load(
    path: Path, signal: str | None, pixel_size: float | None, option: str = "--pixel-size"
) -> Image:
    """The frames in `path`, refused unless they are intensities: one real number per pixel
    (not an RGB picture), finite, frames of at least `MIN_FRAME_PX` pixels a side."""
    if path.suffix.lower() == ".npy":
        if signal is not None:
            raise ParameterError(
                f"--signal {signal!r}: {str(path)!r} is a .npy array, which holds one signal "
                "(--signal picks among a microscope file's detectors)"
            )
        if pixel_size is None:
            raise ParameterError(
                f"{str(path)!r}: a .npy array has no calibration; give {option} (Å)"
            )
        try:
            data = np.load(path)
        except (OSError, ValueError) as exc:
            raise ParameterError(f"cannot read {str(path)!r} as a NumPy array: {exc}") from None
        if not (np.isfinite(pixel_size) and pixel_size > 0):
            raise ParameterError(f"{option} {pixel_size!r} Å: must be positive")
        image = Image(data, pixel_size=pixel_size, unit="counts")
    else:
        image = read_image(path, signal=signal, pixel_size=pixel_size, pixel_size_option=option)
    data = image.data
    if data.dtype.names is not None:
        raise ParameterError(
            f"{str(path)!r} holds a colour ({', '.join(data.dtype.names)}) image: a microscope "
            "frame has one intensity per pixel (save the detector signal, not an RGB picture)"
        )
    if not (np.issubdtype(data.dtype, np.integer) or np.issubdtype(data.dtype, np.floating)):
        raise ParameterError(
            f"{str(path)!r} holds {data.dtype} values: a frame is real intensities"
        )
    ny, nx = data.shape[-2:]
    if min(ny, nx) < MIN_FRAME_PX:
        raise ParameterError(
            f"{str(path)!r}: frames of {ny} × {nx} pixels (array shape {data.shape}); at least "
            f"{MIN_FRAME_PX} × {MIN_FRAME_PX} are needed (an RGB array is not a movie)"
        )
    bad = int(np.size(data) - np.count_nonzero(np.isfinite(data)))
    if bad:
        raise ParameterError(f"{str(path)!r}: {bad} pixels are non-finite (NaN or inf)")
    return image


SEGMENTATION = SegmentationSettings()


@click.group()
def compare() -> None:
    """Measure microscope movies the way the experiment did, and match simulations to them."""


@compare.command()
@click.argument("movie", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "-o",
    "--output",
    "out_dir",
    type=click.Path(file_okay=False, path_type=Path),
    required=True,
    help="Directory for measurements.csv and measurements.png.",
)
@click.option("--pixel-size", type=float, help="Pixel size [Å]; overrides the file's calibration.")
@click.option("--signal", help="Signal to read when the file holds several (e.g. HAADF).")
@click.option(
    "--frame-time",
    type=float,
    help="Frame time [s] (> 0): maps frames to seconds, replacing any the file states (a "
    "simulated movie states none: its frames are MD ps apart).",
)
@click.option(
    "--smoothing",
    type=float,
    default=SEGMENTATION.smoothing,
    show_default=True,
    help="Gaussian smoothing before segmentation [Å].",
)
@click.option(
    "--threshold-sigma",
    type=float,
    default=SEGMENTATION.threshold_sigma,
    show_default=True,
    help="Particle threshold above the background [background noise σ].",
)
@click.option(
    "--min-area",
    type=float,
    default=SEGMENTATION.min_area_nm2,
    show_default=True,
    help="Smallest particle [nm²].",
)
@click.option(
    "--background-order",
    type=click.IntRange(0, 2),
    default=SEGMENTATION.background_order,
    show_default=True,
    help="Background surface: 0 constant, 1 plane, 2 quadratic (a liquid-thickness gradient); "
    "fitted through the histogram's darkest peak, so particles may cover most of the field.",
)
@click.option(
    "--background-region",
    metavar="X0,Y0,X1,Y1",
    help="A particle-free rectangle [Å from the frame's top-left corner] whose median and "
    "1.4826·MAD are the background and noise, instead of finding them.",
)
@overwrite_option
def measure(
    movie: Path,
    out_dir: Path,
    overwrite: bool,
    pixel_size: float | None,
    signal: str | None,
    frame_time: float | None,
    smoothing: float,
    threshold_sigma: float,
    min_area: float,
    background_order: int,
    background_region: str | None,
) -> None:
    """Projected Au-rich area, mean grey value, half-maximum size and FFT crystallinity of
    every particle in every frame of MOVIE (TIFF, DM3/DM4, EMD, SER, MRC, or .npy with
    --pixel-size)."""
    refuse_existing([out_dir], overwrite)
    check_output_dir(out_dir)
    if frame_time is not None and not (math.isfinite(frame_time) and frame_time > 0):
        raise ParameterError(f"--frame-time {frame_time!r}: a time > 0 [s]")
    corners = None if background_region is None else _rectangle(background_region)
    image = _load(movie, signal, pixel_size)
    settings = SegmentationSettings(
        smoothing=smoothing,
        threshold_sigma=threshold_sigma,
        min_area_nm2=min_area,
        background_order=background_order,
        background_region=None if corners is None else region_pixels(corners, image),
    )
    dt = frame_time if frame_time is not None else image.frame_time_s
    n_frames = len(image.frames())
    with click.progressbar(length=n_frames, label="measuring frames", show_pos=True) as bar:
        rows, empty = measure_movie(image, settings, frame_time_s=dt, progress=bar.update)
    if not rows:
        raise ParameterError(
            f"{str(movie)!r}: no particle found in any frame (try a lower "
            "--threshold-sigma or --min-area, or check --pixel-size)"
        )
    make_output_dir(out_dir)  # only once there is something to write
    if not resolves_lattice(image):
        click.echo(
            f"Warning: {max(image.pixel_size_yx):.3g} Å pixels cannot show Au lattice "
            "fringes; the FFT verdict is left out",
            err=True,
        )
    table = out_dir / "measurements.csv"
    write_csv(table, rows, MEASUREMENT_COLUMNS)
    figure = out_dir / "measurements.png"
    with atomic_output(figure) as tmp:
        plot_measurements(rows, tmp, title=movie.name)
    record = provenance_record(
        settings={
            "pixel_size_A": image.pixel_size_yx,
            "frame_time_s": dt,
            "md_frame_interval_ps": image.metadata.get("md_frame_interval_ps"),
            "signal": signal,
            "smoothing_A": smoothing,
            "threshold_sigma": threshold_sigma,
            "min_area_nm2": min_area,
            "background_order": background_order,
            "background_region_A": corners,
        },
        inputs=[movie],
    )
    for path in (table, figure):
        write_provenance(path, record)
    note = f"; {empty} frame(s) without a particle" if empty else ""
    click.echo(f"{n_frames} frame(s), {len(rows)} particle measurement(s){note} → {out_dir}")


def _rectangle(text: str) -> tuple[float, float, float, float]:
    """--background-region "x0,y0,x1,y1" [Å] as four finite numbers."""
    try:
        values = tuple(float(part) for part in text.split(","))
    except ValueError:
        values = ()
    if len(values) != 4 or not all(math.isfinite(v) for v in values):
        raise ParameterError(f"--background-region {text!r}: four numbers x0,y0,x1,y1 [Å]")
    return values  # type: ignore[return-value]


@compare.command()
@click.argument("sim", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.argument("exp", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "-o",
    "--output",
    "out_dir",
    type=click.Path(file_okay=False, path_type=Path),
    required=True,
    help="Directory for match.json and match.png.",
)
@click.option("--sim-pixel-size", type=float, help="Pixel size of SIM [Å] if not in the file.")
@click.option("--exp-pixel-size", type=float, help="Pixel size of EXP [Å] if not in the file.")
@click.option("--signal", help="Signal of EXP to read when it holds several (e.g. HAADF).")
@click.option("--sim-frame", type=int, default=0, show_default=True, help="Frame of SIM to use.")
@click.option("--exp-frame", type=int, default=0, show_default=True, help="Frame of EXP to use.")
@click.option(
    "--angle-step",
    type=float,
    default=2.0,
    show_default=True,
    help="Rotation search step [deg] (refined below it).",
)
@overwrite_option
def match(
    sim: Path,
    exp: Path,
    out_dir: Path,
    overwrite: bool,
    sim_pixel_size: float | None,
    exp_pixel_size: float | None,
    signal: str | None,
    sim_frame: int,
    exp_frame: int,
    angle_step: float,
) -> None:
    """Align a simulated frame SIM to an experimental frame EXP and score the match."""
    refuse_existing([out_dir], overwrite)
    check_output_dir(out_dir)
    simulated = _pick(_load(sim, None, sim_pixel_size, "--sim-pixel-size"), sim_frame, sim)
    experiment = _pick(_load(exp, signal, exp_pixel_size, "--exp-pixel-size"), exp_frame, exp)
    for name, frame in (("SIM", simulated), ("EXP", experiment)):
        if np.ptp(frame.data) == 0:
            raise ParameterError(f"{name} frame is flat (one value): nothing to align")
    alignment = align(simulated, experiment, angle_step=angle_step)
    scores = score_match(simulated, experiment, alignment)
    make_output_dir(out_dir)  # only once there is something to write
    result = write_json(out_dir / "match.json", scores.to_dict())
    figure = out_dir / "match.png"
    with atomic_output(figure) as tmp:
        plot_match(alignment, experiment, scores, tmp)
    record = provenance_record(
        settings={
            "angle_step_deg": angle_step,
            "sim_frame": sim_frame,
            "exp_frame": exp_frame,
            "signal": signal,
        },
        inputs=[sim, exp],
    )
    for path in (result, figure):
        write_provenance(path, record)
    click.echo(
        f"NCC {alignment.ncc:.3f} at rotation {alignment.rotation_deg:.1f}° and shift "
        f"({alignment.shift[0]:.1f}, {alignment.shift[1]:.1f}) px → {out_dir}"
    )


def _pick(image: Image, index: int, path: Path) -> Image:
    frames = image.frames()
    if not 0 <= index < len(frames):
        raise ParameterError(f"{str(path)!r} has {len(frames)} frame(s); frame {index} is not one")
    return frames[index]

"""`aucluster image INPUT -o OUTPUT`: simulated ADF-STEM of a structure or a trajectory.

One frame per snapshot (or per --snapshots-per-frame), recorded at the experiment's dose by
default. The output kind follows the extension: .tif/.tiff (float32 stack with pixel size and
frame interval; needs the io extra), .gif/.mp4 (false-colour movie with scale bar), .png (the
first frame), .npy (the raw array). A provenance record is written beside it.
"""

import dataclasses
import warnings
from pathlib import Path

import click
import numpy as np

from aucluster.cli.options import index_option, overwrite_option
from aucluster.errors import ParameterError
from aucluster.imaging import (
    AcquisitionSettings,
    BackgroundSettings,
    DetectorSettings,
    ImagingSettings,
    ProbeSettings,
    ScanSettings,
    UndersampledWarning,
    orientation_rotation,
    simulate_movie,
    write_animation,
    write_png,
    write_tiff,
)
from aucluster.imaging.adf import check_frame_memory
from aucluster.imaging.settings import EXPERIMENT_DOSE_RATE, EXPERIMENT_FRAME_TIME_S
from aucluster.store import atomic_output, write_provenance
from aucluster.store.files import check_writable, read_frames, refuse_existing
from aucluster.store.provenance import provenance_record

SUFFIXES = (".tif", ".tiff", ".gif", ".mp4", ".png", ".npy")
#: Defaults of every option: the settings dataclasses' own.
PROBE, DETECTOR, SCAN = ProbeSettings(), DetectorSettings(), ScanSettings()
BACKGROUND, ACQUISITION = BackgroundSettings(), AcquisitionSettings()


def _triple(text: str | None, name: str) -> tuple[float, float, float] | None:
    if text is None:
        return None
    try:
        values = tuple(float(v) for v in text.replace(" ", "").split(","))
    except ValueError:
        raise ParameterError(f"{name} {text!r}: three comma-separated numbers") from None
    if len(values) != 3:
        raise ParameterError(f"{name} {text!r}: three comma-separated numbers")
    return values  # type: ignore[return-value]


@click.command()
@click.argument("input_file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    required=True,
    help="Output file: .tif/.tiff, .gif, .mp4, .png or .npy.",
)
@index_option(":", "Snapshots to image")
@click.option(
    "--energy-keV",
    "energy_kev",
    type=float,
    default=PROBE.energy / 1e3,
    show_default=True,
    help="Beam energy [keV].",
)
@click.option(
    "--semiangle",
    type=float,
    default=PROBE.semiangle,
    show_default=True,
    help="Probe convergence semi-angle [mrad].",
)
@click.option(
    "--defocus", type=float, default=PROBE.defocus, show_default=True, help="Defocus [Å]."
)
@click.option(
    "--cs", type=float, default=PROBE.cs, show_default=True, help="C30 [Å] (1 µm = 1e4 Å)."
)
@click.option("--c5", type=float, default=PROBE.c5, show_default=True, help="C50 [Å].")
@click.option(
    "--source-fwhm",
    type=float,
    default=PROBE.source_fwhm,
    show_default=True,
    help="Effective source size, FWHM [Å].",
)
@click.option(
    "--focal-spread",
    type=float,
    default=PROBE.focal_spread,
    show_default=True,
    help="Defocus spread (standard deviation) [Å].",
)
@click.option(
    "--inner",
    type=float,
    default=DETECTOR.inner,
    show_default=True,
    help="ADF detector inner angle [mrad].",
)
@click.option(
    "--outer",
    type=float,
    default=DETECTOR.outer,
    show_default=True,
    help="ADF detector outer angle [mrad].",
)
@click.option(
    "--pixel-size", type=float, default=SCAN.pixel_size_A, show_default=True, help="Pixel size [Å]."
)
@click.option(
    "--size",
    type=int,
    default=SCAN.shape_px[0],
    show_default=True,
    help="Frame size [pixels] (square).",
)
@click.option("--zone-axis", help="Orient along this direction of the structure frame, e.g. 1,1,0.")
@click.option("--euler", help="Orient by ZXZ Euler angles [deg], e.g. 10,20,30.")
@click.option(
    "--random-orientation",
    type=click.IntRange(min=0),
    metavar="SEED",
    help="Orient at random (uniform), seeded (≥ 0).",
)
@click.option(
    "--in-plane",
    type=float,
    default=0.0,
    show_default=True,
    help="Turn the image about the beam [deg].",
)
@click.option(
    "--water",
    type=float,
    default=BACKGROUND.water_thickness,
    show_default=True,
    help="Liquid-cell water thickness [Å].",
)
@click.option(
    "--graphene-layers",
    type=int,
    default=BACKGROUND.graphene_layers,
    show_default=True,
    help="Graphene layers in the beam (both windows).",
)
@click.option(
    "--dose",
    type=float,
    default=ACQUISITION.dose_e_per_A2,
    show_default=True,
    help=f"Dose per frame [e/Å²] ({EXPERIMENT_DOSE_RATE:g} e/Å²/s × "
    f"{EXPERIMENT_FRAME_TIME_S:g} s).",
)
@click.option(
    "--frame-time",
    type=float,
    default=ACQUISITION.frame_time_s,
    show_default=True,
    help="Exposure (scan) time of one frame [s]: it times drift across the scan. A movie's "
    "frames are the trajectory's MD time apart (ps), not this.",
)
@click.option(
    "--gain",
    type=float,
    default=ACQUISITION.gain,
    show_default=True,
    help="Detector gain [counts per electron].",
)
@click.option(
    "--offset",
    type=float,
    default=ACQUISITION.offset,
    show_default=True,
    help="Detector offset [counts].",
)
@click.option(
    "--read-noise",
    type=float,
    default=ACQUISITION.read_noise,
    show_default=True,
    help="Read noise [counts rms].",
)
@click.option(
    "--jitter",
    type=float,
    default=ACQUISITION.jitter,
    show_default=True,
    help="Scan-line jitter [Å rms].",
)
@click.option(
    "--drift",
    default=",".join(f"{v:g}" for v in ACQUISITION.drift),
    show_default=True,
    help="Specimen drift x,y [Å/s].",
)
@click.option(
    "--snapshots-per-frame",
    type=int,
    default=1,
    show_default=True,
    help="Snapshots averaged into one exposure.",
)
@click.option(
    "--rotation-deg-per-frame",
    type=float,
    default=0.0,
    show_default=True,
    help="Slow rotation of the particle about the image y axis [deg per frame].",
)
@click.option("--no-noise", is_flag=True, help="Write the noise-free fraction of the beam.")
@click.option(
    "--drop-outside",
    is_flag=True,
    help="Leave out atoms outside the field of view instead of refusing.",
)
@click.option(
    "--seed", type=click.IntRange(min=0), default=0, show_default=True, help="Noise seed (≥ 0)."
)
@overwrite_option
def image(
    input_file: Path,
    output: Path,
    overwrite: bool,
    index: str,
    energy_kev: float,
    semiangle: float,
    defocus: float,
    cs: float,
    c5: float,
    source_fwhm: float,
    focal_spread: float,
    inner: float,
    outer: float,
    pixel_size: float,
    size: int,
    zone_axis: str | None,
    euler: str | None,
    random_orientation: int | None,
    in_plane: float,
    water: float,
    graphene_layers: int,
    dose: float,
    frame_time: float,
    gain: float,
    offset: float,
    read_noise: float,
    jitter: float,
    drift: str,
    snapshots_per_frame: int,
    rotation_deg_per_frame: float,
    no_noise: bool,
    drop_outside: bool,
    seed: int,
) -> None:
    """Simulated ADF-STEM (incoherent model) of INPUT: one structure or a whole trajectory."""
    if output.suffix.lower() not in SUFFIXES:
        raise ParameterError(f"output {str(output)!r}: use one of {', '.join(SUFFIXES)}")
    check_writable(output)
    refuse_existing([output], overwrite)
    try:
        dx, dy = (float(v) for v in drift.split(","))
    except ValueError:
        raise ParameterError(f"--drift {drift!r}: two comma-separated numbers [Å/s]") from None
    settings = ImagingSettings(
        probe=ProbeSettings(
            energy=energy_kev * 1e3,
            semiangle=semiangle,
            defocus=defocus,
            cs=cs,
            c5=c5,
            source_fwhm=source_fwhm,
            focal_spread=focal_spread,
        ),
        detector=DetectorSettings(inner=inner, outer=outer),
        scan=ScanSettings(pixel_size_A=pixel_size, shape_px=(size, size)),
        background=BackgroundSettings(water_thickness=water, graphene_layers=graphene_layers),
        acquisition=AcquisitionSettings(
            dose_e_per_A2=dose,
            frame_time_s=frame_time,
            gain=gain,
            offset=offset,
            read_noise=read_noise,
            jitter=jitter,
            drift=(dx, dy),
        ),
    )
    rotation = orientation_rotation(
        zone_axis=_triple(zone_axis, "--zone-axis"),
        euler_deg=_triple(euler, "--euler"),
        seed=random_orientation,
        in_plane_deg=in_plane,
    )
    snapshots = read_frames(input_file, index)
    if output.suffix.lower() == ".png" and len(snapshots) > snapshots_per_frame:
        raise ParameterError(
            f"output {str(output)!r}: a PNG holds one frame, and --index {index!r} selects "
            f"{len(snapshots)} snapshots (choose one with --index, or write .tif, .gif or .mp4)"
        )
    n_frames = len(snapshots) // max(snapshots_per_frame, 1)
    check_frame_memory(settings)  # before the progress bar: a refusal is one line
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", UndersampledWarning)
        with click.progressbar(length=n_frames, label="imaging", show_pos=True) as bar:
            if not drop_outside:  # refuse before any work if the first snapshot does not fit
                from aucluster.imaging import oriented, simulate_adf

                simulate_adf(oriented(snapshots[0], rotation), settings)
            movie = simulate_movie(
                snapshots,
                settings,
                seed=seed,
                rotation=rotation,
                snapshots_per_frame=snapshots_per_frame,
                rotation_deg_per_frame=rotation_deg_per_frame,
                noise=not no_noise,
                progress=bar.update,
            )
    for message in {str(w.message) for w in caught if issubclass(w.category, UndersampledWarning)}:
        click.echo(f"Warning: {message}", err=True)
    if not drop_outside and movie.metadata.get("n_atoms_outside_max", 0):
        click.echo(
            f"Warning: up to {movie.metadata['n_atoms_outside_max']} atoms left the field of view "
            "in later snapshots and were not imaged",
            err=True,
        )
    suffix = output.suffix.lower()
    if suffix in (".tif", ".tiff"):
        write_tiff(movie, output)
    elif suffix in (".gif", ".mp4"):
        write_animation(movie, output)
    elif suffix == ".png":
        write_png(movie, output)
    else:
        with atomic_output(output) as tmp, open(tmp, "wb") as handle:
            np.save(handle, movie.data)
    record = provenance_record(
        settings={
            **dataclasses.asdict(settings),
            "index": index,
            "orientation": rotation.as_quat().tolist(),
            "snapshots_per_frame": snapshots_per_frame,
            "rotation_deg_per_frame": rotation_deg_per_frame,
            "noise": not no_noise,
            "unit": movie.unit,
            "pixel_size_A": movie.pixel_size,
            "frame_time_s": movie.frame_time_s,
            "time_axis": movie.metadata.get("time_axis"),
            "md_frame_interval_ps": movie.metadata.get("md_frame_interval_ps"),
        },
        seed=seed,
        inputs=[input_file],
    )
    write_provenance(output, record)
    click.echo(
        f"{movie.n_frames} frame(s) of {size}×{size} px at {pixel_size} Å ({movie.unit}) → {output}"
    )

"""Movies: a trajectory imaged frame by frame, and the files microscopists open.

A movie frame is one exposure: the noise-free frames of `snapshots_per_frame` consecutive
snapshots are averaged (the particle moves during the exposure), then recorded once at the
frame's dose. The field of view stays where it was for the first snapshot (the stage does not
follow the particle), and the orientation may turn slowly about an axis in the image plane.

The time axis of a simulated movie is MD time in ps (the snapshots' ``info["time_ps"]``), never
seconds: a frame's dose is that of one exposure (0.5 s at the experiment's 2 frames/s), but the
MD between two frames covers picoseconds, and no kinetic model maps one onto the other here
(docs/kinetics.md). So the movie's `frame_time_s` is None, its metadata hold ``md_time_ps`` and
``md_frame_interval_ps``, the TIFF's ImageJ frame interval is in ps (``tunit=ps``) and the
animation's stamp reads "MD t = … ps".
"""

from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

import numpy as np
from ase import Atoms
from scipy.spatial.transform import Rotation

from aucluster.errors import ParameterError
from aucluster.imaging.acquisition import acquire
from aucluster.imaging.adf import Outside, check_frame_memory, simulate_adf
from aucluster.imaging.image import Image, stack
from aucluster.imaging.orientation import oriented
from aucluster.imaging.settings import EXPERIMENT_FRAME_TIME_S, ImagingSettings
from aucluster.limits import check_memory

#: The simulated movie's time axis, in its metadata and its TIFF's ImageJ Info.
MD_TIME_AXIS = (
    "MD time [ps] (not seconds: no kinetic model maps MD time onto the experiment's here; "
    "each frame's dose is one exposure's)"
)


def md_times_ps(snapshots: Sequence[Atoms]) -> list[float] | None:
    """The snapshots' MD times [ps] (``info["time_ps"]``), or None if any lacks one."""
    times = [a.info.get("time_ps") for a in snapshots]
    if not times or any(t is None for t in times):
        return None
    return [float(t) for t in times]


def simulate_movie(
    snapshots: Sequence[Atoms],
    settings: ImagingSettings | None = None,
    *,
    seed: int,
    rotation: Rotation | None = None,
    snapshots_per_frame: int = 1,
    rotation_deg_per_frame: float = 0.0,
    rotation_axis=(0.0, 1.0, 0.0),
    noise: bool = True,
    progress=None,
) -> Image:
    """One movie frame per `snapshots_per_frame` snapshots (a trailing partial group is
    dropped). `rotation` orients every snapshot (e.g. a zone axis); the orientation then turns
    by `rotation_deg_per_frame` [deg] per movie frame about `rotation_axis` (beam frame).
    Atoms that leave the field of view are not imaged. Returns counts (or, with `noise`
    False, the fraction of the beam) on the MD time axis: ``frame_time_s`` None, and when the
    snapshots carry ``info["time_ps"]`` the metadata hold each frame's ``md_time_ps`` (its
    first snapshot's) and ``md_frame_interval_ps``. `progress(n)` is called after each frame."""
    s = ImagingSettings() if settings is None else settings
    k = int(snapshots_per_frame)
    if k != snapshots_per_frame or k < 1:
        raise ParameterError(f"snapshots_per_frame = {snapshots_per_frame!r}: an integer ≥ 1")
    n_frames = len(snapshots) // k
    if n_frames == 0:
        raise ParameterError(f"{len(snapshots)} snapshot(s): fewer than one frame of {k}")
    check_frame_memory(s)
    ny, nx = s.scan.shape_px
    # the stack, and its noisy copy: float64 frames
    check_memory(16.0 * n_frames * ny * nx, f"{n_frames} frames of {ny} × {nx} px")
    base = Rotation.identity() if rotation is None else rotation
    axis = np.asarray(rotation_axis, dtype=float)
    if axis.shape != (3,) or np.linalg.norm(axis) == 0:
        raise ParameterError(f"rotation axis {rotation_axis!r}: three numbers, not all zero")
    if not np.isfinite(rotation_deg_per_frame):
        raise ParameterError(
            f"rotation_deg_per_frame = {rotation_deg_per_frame!r}: a finite angle [deg]"
        )
    axis = axis / np.linalg.norm(axis)
    centre = None
    frames = []
    for f in range(n_frames):
        turn = Rotation.from_rotvec(axis * np.radians(rotation_deg_per_frame * f)) * base
        group = [oriented(a, turn) for a in snapshots[f * k : (f + 1) * k]]
        if centre is None:
            first = group[0].positions[:, :2]
            centre = 0.5 * (first.min(axis=0) + first.max(axis=0))
        images = [simulate_adf(a, s, centre=centre, outside=Outside.DROP) for a in group]
        mean = np.mean([im.data for im in images], axis=0)
        frames.append(replace(images[0], data=mean))
        if progress is not None:
            progress(1)
    times = md_times_ps(snapshots)
    timing: dict[str, object] = {"time_axis": MD_TIME_AXIS}
    if times is not None:
        starts = times[: n_frames * k : k]
        timing["md_time_ps"] = starts
        if n_frames > 1:
            timing["md_frame_interval_ps"] = (starts[-1] - starts[0]) / (n_frames - 1)
    movie = replace(
        stack(frames),
        frame_time_s=None,
        metadata={
            **frames[0].metadata,
            **timing,
            "snapshots_per_frame": k,
            "rotation_deg_per_frame": rotation_deg_per_frame,
            "n_atoms_outside_max": max(int(im.metadata.get("n_atoms_outside", 0)) for im in frames),
        },
    )
    return acquire(movie, s.acquisition, seed=seed) if noise else movie


def write_tiff(image: Image, path: str | Path) -> Path:
    """TIFF (a stack for a movie) as float32, ImageJ-style: the resolution tags hold pixels per
    nm (ImageJ metadata must be ASCII, so nm rather than Å); the frame interval is in s for a
    movie with a physical frame time, in ps (``tunit=ps``, MD time) for a simulated one, and the
    time axis is said in ImageJ's Info; readable by Fiji, hyperspy/rosettasciio and tifffile.
    Needs the ``io`` extra."""
    try:
        import tifffile
    except ImportError:
        raise ParameterError("writing TIFF needs tifffile: pip install 'aucluster[io]'") from None
    from aucluster.store import atomic_output

    metadata: dict[str, object] = {"unit": "nm", "axes": "TYX" if image.is_movie else "YX"}
    if image.frame_time_s is not None:
        metadata["finterval"] = image.frame_time_s
    elif image.metadata.get("md_frame_interval_ps"):
        metadata["finterval"] = float(image.metadata["md_frame_interval_ps"])
        metadata["tunit"] = "ps"
    if image.metadata.get("time_axis"):
        metadata["Info"] = f"time axis: {image.metadata['time_axis']}"
    with atomic_output(path) as tmp:
        tifffile.imwrite(
            tmp,
            np.asarray(image.data, dtype=np.float32),
            imagej=True,
            resolution=(10.0 / image.pixel_size, 10.0 / image.pixel_size),  # pixels per nm
            metadata=metadata,
        )
    return Path(path)


def _scale_bar_nm(width_A: float) -> float:
    """A round scale-bar length [nm] near a fifth of the frame width."""
    target = width_A / 10.0 / 5.0
    for nice in (0.2, 0.5, 1, 2, 5, 10, 20, 50, 100):
        if nice >= target:
            return float(nice)
    return 100.0


def _colour_limits(values: np.ndarray) -> tuple[float, float]:
    """Display range: 0.5th to 99.8th percentile (a few hot pixels do not wash the frame
    out), the full range when those coincide."""
    low, high = np.percentile(values, [0.5, 99.8])
    if high <= low:
        return float(values.min()), float(values.max()) + 1e-12
    return float(low), float(high)


def _draw(ax, frame: np.ndarray, pixel_size: float, cmap: str, limits, label: str):
    ny, nx = frame.shape
    artist = ax.imshow(frame, cmap=cmap, vmin=limits[0], vmax=limits[1], interpolation="nearest")
    ax.set_axis_off()
    bar_nm = _scale_bar_nm(nx * pixel_size)
    bar_px = bar_nm * 10.0 / pixel_size
    ax.plot([0.05 * nx, 0.05 * nx + bar_px], [0.93 * ny] * 2, color="white", lw=3)
    ax.text(0.05 * nx, 0.9 * ny, f"{bar_nm:g} nm", color="white", fontsize=9)
    text = ax.text(0.03 * nx, 0.06 * ny, label, color="white", fontsize=9)
    return artist, text


def time_stamps(image: Image) -> list[str]:
    """Each frame's time stamp: physical seconds when the movie has a frame time, its MD time
    for a simulated movie, else the frame number."""
    n = image.n_frames
    if image.frame_time_s is not None:
        return [f"t = {i * image.frame_time_s:.1f} s" for i in range(n)]
    times = image.metadata.get("md_time_ps")
    if times is None and image.metadata.get("md_frame_interval_ps"):
        times = [i * float(image.metadata["md_frame_interval_ps"]) for i in range(n)]
    if times is not None and len(times) == n:
        return [f"MD t = {float(t):.1f} ps" for t in times]
    return [f"frame {i}" for i in range(n)]


def write_animation(
    image: Image, path: str | Path, *, cmap: str = "inferno", fps: float | None = None
) -> Path:
    """False-colour animation with a scale bar and time stamp: GIF (Pillow, always there) or
    MP4 (needs ffmpeg, from the ``io`` extra's imageio-ffmpeg). `fps` defaults to the real
    frame rate, or the experiment's 2 frames/s for a simulated movie, whose stamp is its MD
    time ("MD t = … ps"). A single frame is written as a one-frame animation."""
    import matplotlib
    from matplotlib import animation
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    from aucluster.store import atomic_output

    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in (".gif", ".mp4"):
        raise ParameterError(f"animation {str(path)!r}: use .gif or .mp4")
    frames = image.data if image.is_movie else image.data[None]
    stamps = time_stamps(image)
    dt = image.frame_time_s or EXPERIMENT_FRAME_TIME_S
    rate = max(1, round(fps if fps is not None else 1.0 / dt))  # writers take whole fps
    limits = _colour_limits(frames)
    ny, nx = image.frame_shape
    fig = Figure(figsize=(4.0, 4.0 * ny / nx), dpi=100)
    FigureCanvasAgg(fig)
    ax = fig.subplots()
    fig.subplots_adjust(0, 0, 1, 1)
    artist, text = _draw(ax, frames[0], image.pixel_size, cmap, limits, stamps[0])

    def update(i: int):
        artist.set_data(frames[i])
        text.set_text(stamps[i])
        return artist, text

    anim = animation.FuncAnimation(fig, update, frames=len(frames), blit=False)
    if suffix == ".gif":
        writer: animation.AbstractMovieWriter = animation.PillowWriter(fps=rate)
    else:
        try:
            import imageio_ffmpeg
        except ImportError:
            raise ParameterError(
                "MP4 needs ffmpeg: pip install 'aucluster[io]' or use .gif"
            ) from None
        matplotlib.rcParams["animation.ffmpeg_path"] = imageio_ffmpeg.get_ffmpeg_exe()
        writer = animation.FFMpegWriter(
            fps=rate, codec="libx264", extra_args=["-pix_fmt", "yuv420p"]
        )
    with atomic_output(path) as tmp:
        anim.save(str(tmp), writer=writer)
    return path


def write_png(image: Image, path: str | Path, *, cmap: str = "inferno") -> Path:
    """One frame (the first of a movie) in false colour with a scale bar."""
    from matplotlib.figure import Figure

    from aucluster.store import atomic_output

    frame = image.data[0] if image.is_movie else image.data
    limits = _colour_limits(frame)
    ny, nx = frame.shape
    fig = Figure(figsize=(5.0, 5.0 * ny / nx), dpi=120)
    ax = fig.subplots()
    fig.subplots_adjust(0, 0, 1, 1)
    _draw(ax, frame, image.pixel_size, cmap, limits, image.unit)
    with atomic_output(path) as tmp:
        fig.savefig(tmp, format="png")
    return Path(path)

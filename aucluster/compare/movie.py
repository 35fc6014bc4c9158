"""The paper's measurements over a whole movie: per frame and particle, the projected Au-rich
area, mean grey value, equivalent diameter, track and FFT verdict; and their figure. The CLI
(`aucluster compare measure`) and the workflows write exactly these rows.

Time has two columns that are never mixed: ``time_s``, physical seconds, when the movie has a
frame time (a microscope file, or ``--frame-time``), and ``md_time_ps``, MD time, for a simulated
movie; the other is NaN. A simulated movie's MD time is not relabelled as seconds."""

from pathlib import Path

from aucluster.compare.crystallinity import FFTVerdict, particle_crystallinity
from aucluster.compare.measure import SegmentationSettings, measure_frame, track
from aucluster.imaging import Image

#: Columns of measurements.csv.
MEASUREMENT_COLUMNS = (
    "frame",
    "time_s",
    "md_time_ps",
    "track",
    "area_nm2",
    "mean_grey",
    "equivalent_diameter_nm",
    "half_max_diameter_nm",
    "touches_edge",
    "centroid_x_A",
    "centroid_y_A",
    "n_fringe_sets",
    "n_lattice_orientations",
    "fft_verdict",
    "fft_strength",
    "background",
    "background_noise",
)


def measure_movie(
    image: Image,
    settings: SegmentationSettings | None = None,
    *,
    frame_time_s: float | None = None,
    progress=None,
) -> tuple[list[dict], int]:
    """Rows of measurements (one per particle per frame) and the number of frames without a
    particle. `frame_time_s` [s] overrides the movie's frame time. `progress(1)` is called
    after each frame is segmented."""
    frames = image.frames()
    dt = frame_time_s if frame_time_s is not None else image.frame_time_s
    md = md_times(image)
    measurements = []
    for frame in frames:
        measurements.append(measure_frame(frame, settings))
        if progress is not None:
            progress(1)
    tracks = track(measurements)
    rows = []
    for k, (frame, m, ids) in enumerate(zip(frames, measurements, tracks, strict=True)):
        for particle, track_id in zip(m.particles, ids, strict=True):
            fft = particle_crystallinity(frame, particle.mask)
            rows.append(
                {
                    "frame": k,
                    "time_s": k * dt if dt is not None else float("nan"),
                    "md_time_ps": md[k],
                    "track": track_id,
                    "area_nm2": particle.area_nm2,
                    "mean_grey": particle.mean_grey,
                    "equivalent_diameter_nm": particle.equivalent_diameter_nm,
                    "half_max_diameter_nm": particle.half_max_diameter_nm,
                    "touches_edge": particle.touches_edge,
                    "centroid_x_A": particle.centroid[0],
                    "centroid_y_A": particle.centroid[1],
                    "n_fringe_sets": fft.n_fringe_sets,
                    "n_lattice_orientations": fft.n_lattice_orientations,
                    "fft_verdict": fft.verdict,
                    "fft_strength": fft.strength,
                    "background": particle.background,
                    "background_noise": m.noise,
                }
            )
    return rows, sum(1 for m in measurements if not m.particles)


def md_times(image: Image) -> list[float]:
    """Each frame's MD time [ps] from a simulated movie's metadata (``md_time_ps``, or
    ``md_frame_interval_ps`` as a movie read back from its TIFF has it), NaN where unknown."""
    n = image.n_frames
    times = image.metadata.get("md_time_ps")
    if times is not None and len(times) == n:
        return [float(t) for t in times]
    interval = image.metadata.get("md_frame_interval_ps")
    if interval:
        return [k * float(interval) for k in range(n)]
    return [float("nan")] * n


def time_axis(rows: list[dict]) -> tuple[str, str]:
    """(column, axis label) to plot the rows against: physical seconds when every row has
    them, else MD time, else the frame index."""
    for key, label in (("time_s", "time [s]"), ("md_time_ps", "MD time [ps]")):
        values = [r.get(key) for r in rows]
        if values and all(v is not None and v == v for v in values):
            return key, label
    return "frame", "frame"


def plot_measurements(rows: list[dict], path: Path, *, title: str) -> None:
    """Area and grey value of each tracked particle against time (seconds for a microscope
    movie, MD picoseconds for a simulated one: `time_axis`); polycrystalline FFT marked."""
    from matplotlib.figure import Figure

    key, label = time_axis(rows)
    fig = Figure(figsize=(7, 6), layout="constrained")
    area, grey = fig.subplots(2, 1, sharex=True)
    for track_id in sorted({r["track"] for r in rows}):
        mine = [r for r in rows if r["track"] == track_id]
        x = [r[key] for r in mine]
        line = area.plot(
            x, [r["area_nm2"] for r in mine], "o-", ms=3, label=f"particle {track_id}"
        )[0]
        grey.plot(x, [r["mean_grey"] for r in mine], "o-", ms=3, color=line.get_color())
        poly = [r for r in mine if r["fft_verdict"] == FFTVerdict.POLYCRYSTALLINE]
        grey.plot([r[key] for r in poly], [r["mean_grey"] for r in poly], "kx", ms=6)
    area.set_ylabel("projected Au-rich area [nm²]")
    grey.set_ylabel("mean grey value")
    grey.set_xlabel(label)
    area.legend(fontsize=7)
    grey.set_title("× : FFT shows > 4 lattice orientations (polycrystalline)", fontsize=8)
    fig.suptitle(title)
    fig.savefig(path, dpi=120, format="png")

"""The paper's measurements over a whole movie: per frame and particle, the projected Au-rich
area, mean grey value, equivalent diameter, track and FFT verdict; and their figure. The CLI
(`aucluster compare measure`) and the workflows write exactly these rows."""

from pathlib import Path

from aucluster.compare.crystallinity import FFTVerdict, particle_crystallinity
from aucluster.compare.measure import SegmentationSettings, measure_frame, track
from aucluster.imaging import Image

#: Columns of measurements.csv.
MEASUREMENT_COLUMNS = (
    "frame",
    "time_s",
    "track",
    "area_nm2",
    "mean_grey",
    "equivalent_diameter_nm",
    "centroid_x_A",
    "centroid_y_A",
    "n_fringe_sets",
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
    particle. `progress(1)` is called after each frame is segmented."""
    frames = image.frames()
    dt = frame_time_s if frame_time_s is not None else image.frame_time_s
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
                    "track": track_id,
                    "area_nm2": particle.area_nm2,
                    "mean_grey": particle.mean_grey,
                    "equivalent_diameter_nm": particle.equivalent_diameter_nm,
                    "centroid_x_A": particle.centroid[0],
                    "centroid_y_A": particle.centroid[1],
                    "n_fringe_sets": fft.n_fringe_sets,
                    "fft_verdict": fft.verdict,
                    "fft_strength": fft.strength,
                    "background": m.background,
                    "background_noise": m.noise,
                }
            )
    return rows, sum(1 for m in measurements if not m.particles)


def plot_measurements(rows: list[dict], path: Path, *, title: str, timed: bool) -> None:
    """Area and grey value of each tracked particle against time; polycrystalline FFT marked."""
    from matplotlib.figure import Figure

    key = "time_s" if timed else "frame"
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
    grey.set_xlabel("time [s]" if timed else "frame")
    area.legend(fontsize=7)
    grey.set_title("× : FFT shows > 4 fringe sets (polycrystalline)", fontsize=8)
    fig.suptitle(title)
    fig.savefig(path, dpi=120, format="png")

"""Recording a frame: scan distortions, shot noise at the dose, detector gain, offset, read noise.

For a noise-free frame F (fraction of the beam per pixel) the detector sees N = dose × a_pixel
electrons per pixel, of which Poisson(N·F) reach it; the recorded value is
gain × counts + offset + read noise (Gaussian). Scan-line jitter shifts each line along x by a
Gaussian amount; drift moves the specimen at constant velocity while the frame is scanned line
by line (each pixel at its own time). Distortions resample F with cubic splines (periodic), so
they are exact for a band-limited frame sampled above Nyquist.
"""

from dataclasses import asdict, replace

import numpy as np
from scipy.ndimage import map_coordinates

from aucluster.errors import ParameterError
from aucluster.imaging.image import Image
from aucluster.imaging.settings import AcquisitionSettings


def electrons_per_pixel(acquisition: AcquisitionSettings, pixel_area: float) -> float:
    """Incident electrons per pixel: dose [e/Å²] × pixel area [Å²]."""
    return acquisition.dose_e_per_A2 * pixel_area


def distorted(
    frame: np.ndarray, acquisition: AcquisitionSettings, pixel_size: float, rng
) -> np.ndarray:
    """`frame` as scanned with line jitter and drift (unchanged if both are zero)."""
    if acquisition.jitter == 0 and not any(acquisition.drift):
        return frame
    ny, nx = frame.shape
    rows, cols = np.mgrid[0:ny, 0:nx].astype(float)
    t = (rows * nx + cols) / (ny * nx) * acquisition.frame_time_s  # time of each pixel [s]
    shift_x = rng.normal(0.0, acquisition.jitter, size=(ny, 1)) if acquisition.jitter else 0.0
    x = cols + (shift_x + acquisition.drift[0] * t) / pixel_size
    y = rows + acquisition.drift[1] * t / pixel_size
    return map_coordinates(frame, [y, x], order=3, mode="grid-wrap")


def acquire(image: Image, acquisition: AcquisitionSettings | None = None, *, seed: int) -> Image:
    """Record the noise-free `image` (fraction of beam; one frame or a movie) at the dose of
    `acquisition`: scan distortions, Poisson noise, gain, offset and read noise, seeded."""
    a = AcquisitionSettings() if acquisition is None else acquisition
    if image.unit != "fraction of beam":
        raise ParameterError(f"acquire needs a noise-free simulated image, got unit {image.unit!r}")
    if np.any(image.data < 0):
        raise ParameterError("a fraction of the beam cannot be negative")
    rng = np.random.default_rng(seed)
    electrons = electrons_per_pixel(a, image.pixel_area)
    frames = image.data if image.is_movie else image.data[None]
    out = np.empty(frames.shape)
    for k, frame in enumerate(frames):
        seen = np.clip(distorted(frame, a, image.pixel_size, rng), 0.0, None)
        counts = rng.poisson(electrons * seen)
        out[k] = a.gain * counts + a.offset
        if a.read_noise:
            out[k] += rng.normal(0.0, a.read_noise, size=frame.shape)
    return replace(
        image,
        data=out if image.is_movie else out[0],
        unit="counts",
        frame_time_s=image.frame_time_s if image.is_movie else a.frame_time_s,
        metadata={
            **image.metadata,
            "acquisition": asdict(a),
            "seed": seed,
            "electrons_per_pixel": electrons,
        },
    )

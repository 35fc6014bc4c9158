"""`Image`: one frame or a movie with its pixel size, intensity unit and metadata.

The one image type of the package: the simulator returns it and the microscope-file readers of
`aucluster.compare` produce it, so simulated and experimental frames go through the same
measurement functions.
"""

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np

from aucluster.errors import ParameterError


@dataclass(frozen=True)
class Image:
    """A frame (ny, nx) or a movie (n_frames, ny, nx).

    Attributes
    ----------
    data : ndarray
        Intensities; row 0 is the top scan line, column 0 the first pixel of a line.
    pixel_size : float
        Pixel size along x (columns) [Å].
    pixel_size_y : float or None
        Pixel size along y (rows) [Å] when it differs (some detectors, some files); None for
        square pixels.
    unit : str
        What the intensities are: "fraction of beam" (simulated, noise-free), "counts", or
        the unit a microscope file gives.
    frame_time_s : float or None
        Time between frames [s] when known (a microscope movie); None for a simulated movie,
        whose frames are MD time apart (metadata "md_time_ps", docs/kinetics.md).
    metadata : mapping
        Settings and provenance of a simulation, or a file's original metadata.
    """

    data: np.ndarray
    pixel_size: float
    unit: str
    frame_time_s: float | None = None
    metadata: Mapping[str, Any] = field(default_factory=dict)
    pixel_size_y: float | None = None

    def __post_init__(self) -> None:
        if self.data.ndim not in (2, 3):
            raise ParameterError(f"image data of shape {self.data.shape}: need 2-D or 3-D")
        for size in (self.pixel_size, self.pixel_size_y):
            if size is not None and not (np.isfinite(size) and size > 0):
                raise ParameterError(f"pixel size {size!r} Å: must be positive")

    @property
    def pixel_size_yx(self) -> tuple[float, float]:
        """(row, column) pixel sizes [Å]."""
        y = self.pixel_size if self.pixel_size_y is None else self.pixel_size_y
        return (float(y), float(self.pixel_size))

    @property
    def pixel_area(self) -> float:
        """Area of one pixel [Å²]."""
        dy, dx = self.pixel_size_yx
        return dy * dx

    @property
    def is_movie(self) -> bool:
        return self.data.ndim == 3

    @property
    def n_frames(self) -> int:
        return self.data.shape[0] if self.is_movie else 1

    @property
    def frame_shape(self) -> tuple[int, int]:
        return (int(self.data.shape[-2]), int(self.data.shape[-1]))

    def frames(self) -> list["Image"]:
        """Each frame as its own 2-D `Image` (metadata shared, frame index added)."""
        if not self.is_movie:
            return [self]
        return [
            replace(self, data=frame, metadata={**self.metadata, "frame": i})
            for i, frame in enumerate(self.data)
        ]


def stack(frames: list[Image]) -> Image:
    """Frames of one size and pixel size as a movie (metadata of the first frame)."""
    if not frames:
        raise ParameterError("no frames to stack")
    first = frames[0]
    for k, f in enumerate(frames):
        if f.frame_shape != first.frame_shape or f.is_movie:
            raise ParameterError(
                f"frame {k} has shape {f.data.shape}, frame 0 {first.data.shape}: "
                "a movie needs frames of one size"
            )
        if not np.allclose(f.pixel_size_yx, first.pixel_size_yx):
            raise ParameterError(
                f"frame {k}: pixel size {f.pixel_size_yx} Å ≠ {first.pixel_size_yx} Å"
            )
    return replace(first, data=np.stack([f.data for f in frames]))

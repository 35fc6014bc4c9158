"""The incoherent ADF-STEM model: cross-sections deposited on a fine grid, convolved with the
probe, sampled at the scan positions, plus the liquid cell's uniform background.

    I(r) = Σ_atoms σ(Z_i) P(r − r_i) + b,

I the fraction of the incident beam reaching the detector with the probe at r, σ the ADF
partial cross-section (`crosssections`: phase-object amplitude, detector averaged over the
probe aperture, so Σ I·(pixel area) is exact for isolated atoms), P the probe intensity
(`probe`, ∫P = 1), b the
background of the water layer and the graphene windows. Each atom's σ is spread on a grid of
spacing ≤ 0.1 Å by cloud-in-cell weights; the convolution is done by FFT on the periodic frame,
dividing out the cloud-in-cell smoothing (sinc²) inside the probe's band, and the fine image is
sampled at the pixel positions. ∑ I·(pixel area) over the frame equals ∑ σ exactly when the
pixel samples the probe (`probe.nyquist_pixel_size`).

Known limits (against abTEM PRISM with frozen phonons on 1.8 nm Au, docs/imaging.md): image
correlation r = 0.99 with a 0.8 Å source on and off a zone axis; total intensity within 4 %
off axis, but 37 % low on [110], where channelling along the columns scatters more to high
angles than independent atoms do.
"""

import math
import warnings
from dataclasses import asdict
from enum import StrEnum
from functools import cache

import numpy as np
from ase import Atoms

from aucluster.errors import ParameterError
from aucluster.imaging.crosssections import adf_cross_section
from aucluster.imaging.image import Image
from aucluster.imaging.probe import nyquist_pixel_size, probe_transfer
from aucluster.imaging.settings import (
    BackgroundSettings,
    DetectorSettings,
    ImagingSettings,
    ProbeSettings,
)
from aucluster.limits import check_memory

#: Finest-grid spacing bound [Å] (DESIGN: deposit on a grid ≤ 0.1 Å).
MAX_GRID_SPACING = 0.1

#: Water molecules per Å³ at 298 K (997.05 kg/m³, 18.015 g/mol).
WATER_MOLECULES_PER_A3 = 997.05e3 / 18.015 * 6.02214076e23 * 1e-30
#: Carbon atoms per Å² in one graphene layer: 2 atoms per a²√3/2 cell, a = 2.46 Å.
GRAPHENE_ATOMS_PER_A2 = 2.0 / (2.46**2 * np.sqrt(3.0) / 2.0)


class UndersampledWarning(UserWarning):
    """The pixel is larger than the probe's Nyquist limit: lattice fringes alias."""


def background_fraction(
    background: BackgroundSettings, probe: ProbeSettings, detector: DetectorSettings
) -> float:
    """Uniform fraction of the beam scattered into the detector by the liquid cell: the areal
    density of each element times its σ (water: O + 2 H per molecule; graphene: C)."""

    def sigma(symbol: str) -> float:
        return adf_cross_section(
            symbol, probe.energy, detector.inner, detector.outer, probe.semiangle
        )

    water = background.water_thickness * WATER_MOLECULES_PER_A3
    carbon = background.graphene_layers * GRAPHENE_ATOMS_PER_A2
    return float(water * (sigma("O") + 2 * sigma("H")) + carbon * sigma("C"))


def cross_sections(atoms: Atoms, settings: ImagingSettings) -> np.ndarray:
    """σ [Å²] of every atom for the probe energy and detector annulus of `settings`."""
    p, d = settings.probe, settings.detector
    table = {
        s: adf_cross_section(s, p.energy, d.inner, d.outer, p.semiangle)
        for s in set(atoms.get_chemical_symbols())
    }
    return np.array([table[s] for s in atoms.get_chemical_symbols()])


def frame_positions(atoms: Atoms, settings: ImagingSettings, centre=None) -> np.ndarray:
    """Projected (x, y) of every atom [Å] in frame coordinates (origin at pixel (0, 0)'s
    position, x along columns, y along rows), the structure's `centre` (default its x–y
    bounding-box centre) at the middle of the frame."""
    xy = atoms.positions[:, :2]
    if centre is None:
        centre = 0.5 * (xy.min(axis=0) + xy.max(axis=0)) if len(xy) else np.zeros(2)
    height, width = settings.scan.field_of_view
    return xy - np.asarray(centre)[:2] + np.array([width / 2.0, height / 2.0])


#: Bytes per cell of the fine grid while a frame is made: the cloud-in-cell grid (8), its
#: half-spectrum (16), the cached transfer (8) and the convolved image (8), rounded up.
FINE_GRID_BYTES_PER_CELL = 48


def subdivision(settings: ImagingSettings) -> int:
    """Fine-grid cells per pixel along each axis (`fine_image`: fine spacing ≤ 0.1 Å)."""
    return max(1, math.ceil(settings.scan.pixel_size_A / MAX_GRID_SPACING - 1e-9))


def frame_memory_bytes(settings: ImagingSettings) -> float:
    """Memory [bytes] one frame needs on its fine grid, estimated before allocating it: the
    grid is (pixels × subdivision)², so it grows with the frame size and the pixel size."""
    m = subdivision(settings)
    ny, nx = settings.scan.shape_px
    return float(ny) * m * float(nx) * m * FINE_GRID_BYTES_PER_CELL


def check_frame_memory(settings: ImagingSettings) -> None:
    """Refuse, before allocating, a frame whose fine grid would exceed the memory limit."""
    ny, nx = settings.scan.shape_px
    check_memory(
        frame_memory_bytes(settings),
        f"a {ny} × {nx} px frame at {settings.scan.pixel_size_A:g} Å per pixel (a fine grid "
        f"of {subdivision(settings)}² cells per pixel)",
    )


def fine_image(
    xy: np.ndarray, sigma: np.ndarray, settings: ImagingSettings
) -> tuple[np.ndarray, int]:
    """Noise-free I − b on the fine grid (ny·m, nx·m) and the subdivision m (pixel / m ≤ 0.1 Å)."""
    scan = settings.scan
    check_frame_memory(settings)
    m = subdivision(settings)
    h = scan.pixel_size_A / m
    shape = (scan.shape_px[0] * m, scan.shape_px[1] * m)
    u = xy[:, 0] / h
    v = xy[:, 1] / h
    iu, iv = np.floor(u).astype(np.int64), np.floor(v).astype(np.int64)
    fu, fv = u - iu, v - iv
    grid = np.zeros(shape[0] * shape[1])
    for du, wu in ((0, 1.0 - fu), (1, fu)):
        for dv, wv in ((0, 1.0 - fv), (1, fv)):
            flat = ((iv + dv) % shape[0]) * shape[1] + (iu + du) % shape[1]
            grid += np.bincount(flat, weights=sigma * wu * wv, minlength=grid.size)
    transfer = _gridded_transfer(settings.probe, shape, h)
    image = np.fft.irfft2(np.fft.rfft2(grid.reshape(shape)) * transfer, s=shape) / h**2
    return image, m


@cache
def _gridded_transfer(probe: ProbeSettings, shape: tuple[int, int], h: float) -> np.ndarray:
    """Probe transfer divided by the cloud-in-cell smoothing sinc²(k_x h)·sinc²(k_y h);
    cached like the probe transfer, so the frames of a movie do not redo the division."""
    ky = np.fft.fftfreq(shape[0], h)[:, None]
    kx = np.fft.rfftfreq(shape[1], h)[None, :]
    cic = (np.sinc(kx * h) * np.sinc(ky * h)) ** 2
    transfer = probe_transfer(probe, shape, h) / cic
    transfer.setflags(write=False)
    return transfer


class Outside(StrEnum):
    """What `simulate_adf` does with atoms outside the field of view."""

    ERROR = "error"  # refuse the frame
    DROP = "drop"  # leave them out, count them in the metadata


def simulate_adf(
    atoms: Atoms,
    settings: ImagingSettings | None = None,
    *,
    centre=None,
    outside: Outside | str = Outside.ERROR,
    background: bool = True,
) -> Image:
    """Noise-free ADF-STEM frame of `atoms` as seen along −z: the fraction of the incident
    beam reaching the detector at each pixel (add noise with `acquire`).

    centre : (x, y) [Å] placed at the middle of the frame (default: the x–y bounding-box
        centre of `atoms`; pass a fixed one for the frames of a movie).
    outside : "error" refuses atoms outside the field of view; "drop" leaves them out (they
        are outside the scanned area) and records how many in the metadata.
    background : include the liquid cell (water, graphene).
    """
    s = ImagingSettings() if settings is None else settings
    try:
        outside = Outside(outside)
    except ValueError:
        raise ParameterError(f"outside = {outside!r}: use 'error' or 'drop'") from None
    nyquist = nyquist_pixel_size(s.probe)
    if s.scan.pixel_size_A > nyquist:
        warnings.warn(
            f"pixel size {s.scan.pixel_size_A} Å exceeds the probe's Nyquist limit {nyquist:.3f} Å "
            f"(λ/4α): lattice fringes finer than 2·pixel alias, as in an undersampled scan",
            UndersampledWarning,
            stacklevel=2,
        )
    sigma = cross_sections(atoms, s)
    xy = frame_positions(atoms, s, centre)
    height, width = s.scan.field_of_view
    inside = (xy[:, 0] >= 0) & (xy[:, 0] < width) & (xy[:, 1] >= 0) & (xy[:, 1] < height)
    n_outside = int((~inside).sum())
    if n_outside and n_outside == len(atoms):
        raise ParameterError(
            f"all {len(atoms)} atoms lie outside the {width:.1f} × {height:.1f} Å field of "
            "view: nothing to image (enlarge the frame or centre it)"
        )
    if n_outside and outside is Outside.ERROR:
        extent = np.ptp(atoms.positions[:, :2], axis=0)
        raise ParameterError(
            f"{n_outside} of {len(atoms)} atoms lie outside the {width:.1f} × {height:.1f} Å "
            f"field of view (structure spans {extent[0]:.1f} × {extent[1]:.1f} Å): enlarge the "
            "frame (shape or pixel size) or centre it"
        )
    image, m = fine_image(xy[inside], sigma[inside], s)
    data = image[::m, ::m].copy()
    b = background_fraction(s.background, s.probe, s.detector)
    if background:
        data += b
    return Image(
        data=data,
        pixel_size=s.scan.pixel_size_A,
        unit="fraction of beam",
        metadata={
            "settings": asdict(s),
            "n_atoms": len(atoms),
            "n_atoms_outside": n_outside,
            "background_fraction": b if background else 0.0,
            "sum_cross_sections_A2": float(sigma[inside].sum()),
            "model": "incoherent",
        },
    )

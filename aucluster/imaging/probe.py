"""The probe: intensity from the aberration function, with source-size and focal-spread blur.

ψ(r) = F⁻¹[A(k) exp(−iχ(k))], A the hard condenser aperture (|k| ≤ α/λ), and

    χ(k) = (2π/λ) [ C10 (λk)²/2 + C30 (λk)⁴/4 + C50 (λk)⁶/6 ],   C10 = −defocus

(abTEM's convention, so the same settings mean the same probe in both backends). The
intensity |ψ|² is normalised to ∫ P d²r = 1. Focal spread averages P over defocus with
Gauss–Hermite weights; the source size convolves P with a Gaussian of the given FWHM, applied
as its transfer function exp(−2π²s²k²). For an aberration-free probe P is the Airy pattern
with FWHM 0.5145 λ/α.
"""

from functools import cache

import numpy as np

from aucluster.imaging.crosssections import wavelength
from aucluster.imaging.settings import ProbeSettings

#: FWHM of the Airy intensity |2J₁(v)/v|² in units of λ/α (v = 2π α r/λ): v_half = 1.6163.
AIRY_FWHM = 1.6163 * 2.0 / (2.0 * np.pi)

#: Gauss–Hermite points for the focal-spread average.
_FOCAL_POINTS = 7

_FWHM_TO_SIGMA = 1.0 / (2.0 * np.sqrt(2.0 * np.log(2.0)))


def airy_fwhm(settings: ProbeSettings) -> float:
    """FWHM [Å] of the aberration-free probe intensity: 0.5145 λ/α."""
    return AIRY_FWHM * wavelength(settings.energy) / (settings.semiangle * 1e-3)


def nyquist_pixel_size(settings: ProbeSettings) -> float:
    """Largest pixel size [Å] that samples the probe intensity without aliasing: the
    intensity holds spatial frequencies up to 2α/λ, so the pixel must be ≤ λ/(4α)."""
    return wavelength(settings.energy) / (4.0 * settings.semiangle * 1e-3)


def _frequencies(shape: tuple[int, int], spacing: float) -> tuple[np.ndarray, np.ndarray]:
    ky = np.fft.fftfreq(shape[0], spacing)
    kx = np.fft.fftfreq(shape[1], spacing)
    return ky[:, None], kx[None, :]


def _coherent_intensity(
    settings: ProbeSettings, shape: tuple[int, int], spacing: float, defocus: float
) -> np.ndarray:
    lam = wavelength(settings.energy)
    ky, kx = _frequencies(shape, spacing)
    k2 = kx**2 + ky**2
    alpha2 = (lam**2) * k2
    chi = (2.0 * np.pi / lam) * (
        -defocus * alpha2 / 2.0 + settings.cs * alpha2**2 / 4.0 + settings.c5 * alpha2**3 / 6.0
    )
    aperture = alpha2 <= (settings.semiangle * 1e-3) ** 2
    psi = np.fft.ifft2(np.where(aperture, np.exp(-1j * chi), 0.0))
    intensity = np.abs(psi) ** 2
    return intensity / (intensity.sum() * spacing**2)


def probe_intensity(settings: ProbeSettings, shape: tuple[int, int], spacing: float) -> np.ndarray:
    """Probe intensity P [1/Å²] on a periodic grid of `shape` and `spacing` [Å], centred on
    pixel (0, 0) (wrap-around), normalised to Σ P · spacing² = 1; focal spread and source
    size included."""
    transfer = probe_transfer(settings, (int(shape[0]), int(shape[1])), float(spacing))
    return np.fft.irfft2(transfer, s=shape) / spacing**2


@cache
def probe_transfer(settings: ProbeSettings, shape: tuple[int, int], spacing: float) -> np.ndarray:
    """rFFT of the probe intensity times the grid cell area, shape (ny, nx//2 + 1): the
    transfer function that turns deposited cross-sections into the image (1 at k = 0).
    Cached per (settings, grid)."""
    if settings.focal_spread > 0:
        nodes, weights = np.polynomial.hermite_e.hermegauss(_FOCAL_POINTS)
        weights = weights / weights.sum()
        intensity = sum(
            w
            * _coherent_intensity(
                settings, shape, spacing, settings.defocus + settings.focal_spread * x
            )
            for x, w in zip(nodes, weights, strict=True)
        )
    else:
        intensity = _coherent_intensity(settings, shape, spacing, settings.defocus)
    transfer = np.fft.rfft2(intensity) * spacing**2
    if settings.source_fwhm > 0:
        s = settings.source_fwhm * _FWHM_TO_SIGMA
        ky = np.fft.fftfreq(shape[0], spacing)[:, None]
        kx = np.fft.rfftfreq(shape[1], spacing)[None, :]
        transfer = transfer * np.exp(-2.0 * np.pi**2 * s**2 * (kx**2 + ky**2))
    transfer.setflags(write=False)
    return transfer

"""Simulated ADF-STEM: the incoherent model (default), acquisition noise, the liquid-cell
background, movies, diffractograms, and abTEM as the accurate backend (optional).

`simulate_adf(atoms, settings)` gives the noise-free fraction of the beam per pixel;
`acquire(image, settings.acquisition, seed=...)` records it at a dose; `simulate_movie` does a
trajectory. Settings are frozen dataclasses in microscope units (`settings`). Does not import
`aucluster.md`.
"""

from aucluster.imaging.acquisition import acquire, electrons_per_pixel
from aucluster.imaging.adf import (
    Outside,
    UndersampledWarning,
    background_fraction,
    cross_sections,
    simulate_adf,
)
from aucluster.imaging.crosssections import adf_cross_section, scattering_factor, wavelength
from aucluster.imaging.diffractogram import Diffractogram, Spot, diffractogram, find_spots
from aucluster.imaging.image import Image, stack
from aucluster.imaging.movie import simulate_movie, write_animation, write_png, write_tiff
from aucluster.imaging.orientation import orientation_rotation, oriented, zone_axis_rotation
from aucluster.imaging.probe import airy_fwhm, nyquist_pixel_size, probe_intensity
from aucluster.imaging.settings import (
    AcquisitionSettings,
    BackgroundSettings,
    DetectorSettings,
    ImagingSettings,
    ProbeSettings,
    ScanSettings,
)

__all__ = [
    "AcquisitionSettings",
    "BackgroundSettings",
    "DetectorSettings",
    "Diffractogram",
    "Image",
    "ImagingSettings",
    "Outside",
    "ProbeSettings",
    "ScanSettings",
    "Spot",
    "UndersampledWarning",
    "acquire",
    "adf_cross_section",
    "airy_fwhm",
    "background_fraction",
    "cross_sections",
    "diffractogram",
    "electrons_per_pixel",
    "find_spots",
    "nyquist_pixel_size",
    "orientation_rotation",
    "oriented",
    "probe_intensity",
    "scattering_factor",
    "simulate_adf",
    "simulate_movie",
    "stack",
    "wavelength",
    "write_animation",
    "write_png",
    "write_tiff",
    "zone_axis_rotation",
]

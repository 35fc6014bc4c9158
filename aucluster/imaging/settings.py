"""Microscope settings as frozen, keyword-only dataclasses in microscope units.

Lengths in Å (aberrations too: 1 µm = 10⁴ Å, 1 mm = 10⁷ Å), angles in mrad, beam energy in eV,
dose in electrons per Å². Defaults describe an aberration-corrected ADF-STEM recording a
graphene liquid cell as in the experiment this package models: 298 e/Å²/s at 2 frames/s,
hence 149 e/Å² per 0.5 s frame.

Beam energy default: 200 keV. The design card does not record the experiment's voltage;
200 keV is a common operating voltage of the probe-corrected instruments used for liquid-cell
ADF-STEM (300 keV ones are common too). Set `energy` to your microscope's: the cross-sections
and the probe follow it.
"""

from dataclasses import dataclass, field

import numpy as np

from aucluster.errors import ParameterError

#: Experiment dose rate [e/Å²/s] and frame time [s] (the paper's acquisition).
EXPERIMENT_DOSE_RATE = 298.0
EXPERIMENT_FRAME_TIME_S = 0.5


def _positive(name: str, value: float) -> None:
    if not (np.isfinite(value) and value > 0):
        raise ParameterError(f"{name} = {value!r}: must be a positive number")


def _non_negative(name: str, value: float) -> None:
    if not (np.isfinite(value) and value >= 0):
        raise ParameterError(f"{name} = {value!r}: must be ≥ 0")


@dataclass(frozen=True, kw_only=True)
class ProbeSettings:
    """The focused probe.

    energy : beam energy [eV]. semiangle : convergence semi-angle [mrad].
    defocus : [Å], abTEM's sign (C10 = −defocus; positive = underfocus).
    cs, c5 : spherical aberrations C30 and C50 [Å] (0 for a corrected probe).
    source_fwhm : FWHM of the Gaussian effective source at the specimen [Å] (incoherent blur;
    0.5–1 Å is typical of corrected instruments).
    focal_spread : standard deviation of defocus from chromatic spread [Å] (0 = off).
    """

    energy: float = 200e3
    semiangle: float = 25.0
    defocus: float = 0.0
    cs: float = 0.0
    c5: float = 0.0
    source_fwhm: float = 0.8
    focal_spread: float = 0.0

    def __post_init__(self) -> None:
        _positive("energy (eV)", self.energy)
        _positive("semiangle (mrad)", self.semiangle)
        _non_negative("source_fwhm (Å)", self.source_fwhm)
        _non_negative("focal_spread (Å)", self.focal_spread)
        for name in ("defocus", "cs", "c5"):
            if not np.isfinite(getattr(self, name)):
                raise ParameterError(f"{name} = {getattr(self, name)!r} Å: must be finite")


@dataclass(frozen=True, kw_only=True)
class DetectorSettings:
    """Annular dark-field detector: inner and outer collection semi-angles [mrad]."""

    inner: float = 70.0
    outer: float = 200.0

    def __post_init__(self) -> None:
        _positive("detector inner angle (mrad)", self.inner)
        if not self.outer > self.inner:
            raise ParameterError(
                f"detector outer angle {self.outer!r} mrad: must exceed the inner {self.inner!r}"
            )


@dataclass(frozen=True, kw_only=True)
class ScanSettings:
    """The scanned frame: pixel size [Å] and shape (rows, columns) [pixels]."""

    pixel_size_A: float = 0.2
    shape_px: tuple[int, int] = (256, 256)

    def __post_init__(self) -> None:
        _positive("pixel_size_A", self.pixel_size_A)
        if len(self.shape_px) != 2 or any(int(n) != n or n < 8 for n in self.shape_px):
            raise ParameterError(f"shape_px = {self.shape_px!r}: two integers ≥ 8 (rows, columns)")

    @property
    def field_of_view(self) -> tuple[float, float]:
        """(height, width) of the frame [Å]."""
        return (self.shape_px[0] * self.pixel_size_A, self.shape_px[1] * self.pixel_size_A)


@dataclass(frozen=True, kw_only=True)
class BackgroundSettings:
    """The liquid cell around the particle: water thickness [Å] and graphene layers (in
    total, both windows). Their scattering into the detector is a uniform background."""

    water_thickness: float = 200.0
    graphene_layers: int = 2

    def __post_init__(self) -> None:
        _non_negative("water_thickness (Å)", self.water_thickness)
        if int(self.graphene_layers) != self.graphene_layers or self.graphene_layers < 0:
            raise ParameterError(f"graphene_layers = {self.graphene_layers!r}: an integer ≥ 0")


#: The largest dose per frame [e/Å²] the noise model takes (numpy's Poisson sampler overflows
#: near 10¹⁹ counts per pixel; 1.5·10¹¹ e/Å² is 10⁹ times the experiment's 149 e/Å²).
MAX_DOSE_E_PER_A2 = 1.5e11


@dataclass(frozen=True, kw_only=True)
class AcquisitionSettings:
    """Recording: dose per frame [e/Å²], frame time [s], detector gain [counts per electron]
    and offset [counts], read noise [counts rms], scan-line jitter [Å rms], drift [Å/s]."""

    dose_e_per_A2: float = EXPERIMENT_DOSE_RATE * EXPERIMENT_FRAME_TIME_S
    frame_time_s: float = EXPERIMENT_FRAME_TIME_S
    gain: float = 1.0
    offset: float = 0.0
    read_noise: float = 0.0
    jitter: float = 0.0
    drift: tuple[float, float] = (0.0, 0.0)

    def __post_init__(self) -> None:
        _positive("dose_e_per_A2 (per frame)", self.dose_e_per_A2)
        if self.dose_e_per_A2 > MAX_DOSE_E_PER_A2:
            raise ParameterError(
                f"dose {self.dose_e_per_A2:g} e/Å² per frame: at most {MAX_DOSE_E_PER_A2:g} "
                "(10⁹× the experiment's; Poisson counts beyond it overflow)"
            )
        _positive("frame_time_s", self.frame_time_s)
        _positive("gain (counts per electron)", self.gain)
        _non_negative("read_noise (counts)", self.read_noise)
        _non_negative("jitter (Å)", self.jitter)
        if len(self.drift) != 2 or not np.all(np.isfinite(self.drift)):
            raise ParameterError(f"drift = {self.drift!r}: two finite numbers (Å/s along x, y)")


@dataclass(frozen=True, kw_only=True)
class ImagingSettings:
    """Everything one simulated ADF-STEM frame needs."""

    probe: ProbeSettings = field(default_factory=ProbeSettings)
    detector: DetectorSettings = field(default_factory=DetectorSettings)
    scan: ScanSettings = field(default_factory=ScanSettings)
    background: BackgroundSettings = field(default_factory=BackgroundSettings)
    acquisition: AcquisitionSettings = field(default_factory=AcquisitionSettings)

"""ADF partial cross-sections σ(Z, beam energy, detector annulus) from electron scattering
factors.

In the incoherent model each atom scatters into the annular detector the fraction σ/A of a
beam of cross-section A that illuminates it, with

    σ = ∫_annulus |γ f_e(g)|² dΩ = 2π ∫_{θ_in}^{θ_out} |γ f_e(2 sin(θ/2)/λ)|² sin θ dθ   [Å²],

f_e the electron scattering factor of the free atom (Lobato and Van Dyck 2014, parameters in
``data/lobato.json``), γ = 1 + E/(m c²) the relativistic mass factor, λ the relativistic
wavelength. Values are computed once per (element, energy, annulus) and cached.
"""

import json
from functools import cache
from importlib import resources

import numpy as np
from scipy import constants
from scipy.integrate import quad

from aucluster.errors import ParameterError

_ELECTRON_REST_ENERGY_EV = constants.m_e * constants.c**2 / constants.e


@cache
def _lobato() -> dict[str, dict[str, list[float]]]:
    text = resources.files("aucluster.imaging").joinpath("data/lobato.json").read_text()
    return json.loads(text)["parameters"]


def tabulated_elements() -> tuple[str, ...]:
    """Elements with scattering-factor parameters here."""
    return tuple(_lobato())


def wavelength(energy: float) -> float:
    """Relativistic electron wavelength [Å] at beam energy `energy` [eV]."""
    p_c = np.sqrt(energy * (energy + 2.0 * _ELECTRON_REST_ENERGY_EV)) * constants.e  # [J]
    return float(constants.h * constants.c / p_c * 1e10)


def relativistic_factor(energy: float) -> float:
    """γ = 1 + E/(m c²) at beam energy `energy` [eV]."""
    return 1.0 + energy / _ELECTRON_REST_ENERGY_EV


def scattering_factor(symbol: str, g: np.ndarray | float) -> np.ndarray:
    """Electron scattering factor f_e(g) [Å] of a neutral atom at spatial frequency g [1/Å]
    (non-relativistic; multiply by γ for the beam)."""
    params = _lobato().get(symbol)
    if params is None:
        raise ParameterError(
            f"element {symbol!r}: no scattering factors; tabulated are "
            f"{', '.join(tabulated_elements())}"
        )
    g2 = np.asarray(g, dtype=float) ** 2
    a, b = np.asarray(params["a"]), np.asarray(params["b"])
    bg = np.multiply.outer(g2, b)
    return np.sum(a * (2.0 + bg) / (1.0 + bg) ** 2, axis=-1)


@cache
def adf_cross_section(symbol: str, energy: float, inner: float, outer: float) -> float:
    """Partial cross-section σ [Å²] for scattering into the annulus `inner`–`outer` [mrad] at
    beam energy `energy` [eV] (module docstring)."""
    if not 0 <= inner < outer:
        raise ParameterError(f"annulus {inner}–{outer} mrad: need 0 ≤ inner < outer")
    lam, gamma = wavelength(energy), relativistic_factor(energy)

    def integrand(theta: float) -> float:
        g = 2.0 * np.sin(theta / 2.0) / lam
        return float((gamma * scattering_factor(symbol, g)) ** 2 * np.sin(theta))

    value, _ = quad(integrand, inner * 1e-3, outer * 1e-3, limit=200, epsabs=0.0, epsrel=1e-10)
    return 2.0 * np.pi * value

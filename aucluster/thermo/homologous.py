"""Temperatures as fractions of the potential's own melting points.

EMT Au melts at 938 K in bulk (solid–liquid coexistence, three starts: 934.5, 935.7, 944.5 K),
not at Au's 1,337 K, and small clusters lower still; a temperature in K alone says little
about how close a run is to melting. Every run states T / T_m(bulk) and T / T_m(N) of its
potential, from the package's own measurements shipped with it (`thermo/data/bulk_melting_emt.csv`,
`thermo/data/melting_emt.csv`, written by `bench/melting_emt.py`, methods in docs/stability.md):
T_m(N) is the Pawlow fit T_m(N) = T_bulk (1 − c N^(−1/3)) of the icosahedra's melting points
(147–923 atoms; a fit to one motif family, used as the size scale for all). A potential
without measurements (Gupta) has no homologous temperature: None, and the text says so.
"""

import csv
import io
from dataclasses import dataclass
from functools import cache
from importlib.resources import files

from aucluster.potentials import Potential
from aucluster.thermo.melting import PawlowFit, pawlow_fit


@dataclass(frozen=True)
class MeltingScale:
    """A potential's bulk melting point [K] and the size dependence of cluster melting."""

    bulk_K: float
    bulk_uncertainty_K: float
    clusters: PawlowFit

    def cluster_K(self, n_atoms: int) -> float:
        """T_m(N) [K] from the Pawlow fit."""
        return float(self.clusters(n_atoms))


def _rows(name: str) -> list[dict]:
    text = files("aucluster.thermo").joinpath("data", name).read_text(encoding="utf-8")
    return list(csv.DictReader(io.StringIO(text)))


@cache
def melting_scale(potential: Potential | str) -> MeltingScale | None:
    """The measured melting scale of `potential`, or None where none was measured."""
    if Potential(potential) is not Potential.EMT:
        return None
    bulk = next(r for r in _rows("bulk_melting_emt.csv") if r["run"] == "mean")
    clusters = _rows("melting_emt.csv")
    fit = pawlow_fit(
        [int(r["n_atoms"]) for r in clusters],
        [float(r["melting_K"]) for r in clusters],
        [float(r["uncertainty_K"]) for r in clusters],
    )
    return MeltingScale(
        bulk_K=float(bulk["melting_K"]),
        bulk_uncertainty_K=float(bulk["block_error_K"]),
        clusters=fit,
    )


#: Sizes the cluster melting points were measured at (icosahedra): outside them the Pawlow
#: fit is an extrapolation; below `MIN_FIT_ATOMS` (clusters without a sharp melting step) it
#: is not given at all.
MEASURED_ATOMS = (147, 923)
MIN_FIT_ATOMS = 100


def homologous(temperature_K: float, potential: Potential | str, n_atoms: int) -> str:
    """ "T K = x T_m(bulk) = y T_m(N)" for `potential`, or the reason there is none."""
    scale = melting_scale(potential)
    if scale is None:
        return f"{temperature_K:g} K (no melting point measured for {Potential(potential)})"
    text = (
        f"{temperature_K:g} K = {temperature_K / scale.bulk_K:.2f} T_m(bulk, {scale.bulk_K:.0f} K)"
    )
    if n_atoms >= MIN_FIT_ATOMS:
        t_n = scale.cluster_K(n_atoms)
        note = ", extrapolated" if not MEASURED_ATOMS[0] <= n_atoms <= MEASURED_ATOMS[1] else ""
        text += f" = {temperature_K / t_n:.2f} T_m(N = {n_atoms}: {t_n:.0f} K{note})"
    return text


def program_extremes(program, potential: Potential | str, n_atoms: int) -> list[str]:
    """`homologous` of the lowest and the highest target temperature of a program."""
    temps = [t for _, t in program.points]
    return [homologous(t, potential, n_atoms) for t in sorted({min(temps), max(temps)})]


def check_below_melting(program, potential: Potential | str) -> str | None:
    """None if the program stays at or below the bulk melting point of `potential` (or none
    was measured), else a sentence saying how far above it goes."""
    scale = melting_scale(potential)
    highest = max(t for _, t in program.points)
    if scale is None or highest <= scale.bulk_K:
        return None
    return (
        f"the program reaches {highest:g} K = {highest / scale.bulk_K:.2f} T_m(bulk, "
        f"{scale.bulk_K:.0f} K of {Potential(potential)})"
    )


__all__ = [
    "MEASURED_ATOMS",
    "MIN_FIT_ATOMS",
    "MeltingScale",
    "check_below_melting",
    "homologous",
    "melting_scale",
]

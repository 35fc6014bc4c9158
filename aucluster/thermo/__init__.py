"""Thermodynamics of a potential at temperature: caloric curves and cluster melting, the size
dependence of the melting point, and the bulk melting point by solid–liquid coexistence
(`aucluster.thermo.melting`), run with the md engine's own integrator."""

from aucluster.thermo.melting import (
    CaloricCurve,
    Coexistence,
    MeltingPoint,
    PawlowFit,
    bulk_coexistence,
    caloric_curve,
    fit_step,
    melting_point,
    pawlow_fit,
    zero_pressure_lattice_constant,
)

__all__ = [
    "CaloricCurve",
    "Coexistence",
    "MeltingPoint",
    "PawlowFit",
    "bulk_coexistence",
    "caloric_curve",
    "fit_step",
    "melting_point",
    "pawlow_fit",
    "zero_pressure_lattice_constant",
]

"""Molecular dynamics: settings, temperature programs, the runner, checkpoints and restart."""

from aucluster.md.cloud import CloudSettings, equilibrium_density, seed_cloud
from aucluster.md.programs import (
    TemperatureProgram,
    anneal_and_quench,
    constant,
    linear_ramp,
    parse_program,
    piecewise,
)
from aucluster.md.runner import (
    MDInstabilityError,
    MDResult,
    calculator_for,
    degrees_of_freedom,
    initial_momenta,
    kinetic_temperature,
    make_integrator,
    resume_md,
    run_md,
)
from aucluster.md.settings import Ensemble, MDSettings, load_settings, settings_from_dict

__all__ = [
    "CloudSettings",
    "Ensemble",
    "MDInstabilityError",
    "MDResult",
    "MDSettings",
    "TemperatureProgram",
    "anneal_and_quench",
    "calculator_for",
    "constant",
    "degrees_of_freedom",
    "equilibrium_density",
    "initial_momenta",
    "kinetic_temperature",
    "linear_ramp",
    "load_settings",
    "make_integrator",
    "parse_program",
    "piecewise",
    "resume_md",
    "run_md",
    "seed_cloud",
    "settings_from_dict",
]

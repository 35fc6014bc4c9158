r"""A rate-equation model of a particle and its monomer cloud in a closed pocket: Becker–Döring
truncated to what the cloud model holds (one particle of N atoms and N_c monomers; the cloud
model's cloud has no stable small cluster), with diffusion-limited attachment and detachment
fixed by detailed balance against Gibbs–Thomson.

.. math::

    \frac{dN_c}{dt} = k_d(N) - k_a(N)\, N_c = k_a(N)\,\bigl(N_c^*(N) - N_c\bigr), \qquad
    \frac{dN}{dt} = -\frac{dN_c}{dt},

- **attachment**: a monomer diffusing (coefficient D) in the free shell between the capture
  radius a = R(N) + r_in (R = (3NΩ/4π)^{1/3} the volume-equivalent radius, r_in the
  analysis' bond cutoff: a monomer that close is counted as attached) and the wall's reflecting
  radius b reaches the particle at the rate k_a = 1/⟨τ⟩, ⟨τ⟩ the mean first-passage time from
  a uniform start (`capture_rate`; 4πDa/V when b ≫ a);
- **detachment**: k_d(N) = k_a(N) N_c^*(N), N_c^* = V_free ρ_eq(T) S^*(N), ln S* = 2γΩ/(RkT)
  (`aucluster.thermo.gibbs_thomson`): at the Gibbs–Thomson cloud the fluxes balance (detailed
  balance), and a pocket relaxes to it from either side.

The MD's transport is Langevin: D = k_BT/(mγ) (`langevin_diffusion`). On the experiment's time
axis D is an aqueous species' and the pocket the liquid cell's. Gross exchange — events that an
atom leaves and comes back, counted by the MD's hysteretic rule — is not in this mean-field
model; the net exchange and the cloud size are.
"""

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from ase import units
from ase.data import atomic_masses, atomic_numbers
from scipy.integrate import solve_ivp

from aucluster.errors import ParameterError
from aucluster.thermo.gibbs_thomson import predicted_ln_s

#: D [m²/s] of AuCl₄⁻ in water at 298.15 K by Stokes–Einstein, k_BT/(6πηr): η = 0.890 mPa s
#: (water at 25 °C, CRC Handbook), r = 4.0 Å = Au–Cl 2.28 Å (EXAFS of Au(III) chloride
#: solutions, Geochim. Cosmochim. Acta 1993, OSTI 6486683) + Cl's van der Waals radius
#: 1.75 Å (Bondi 1964). An estimate, documented as such (docs/kinetics.md).
STOKES_EINSTEIN_AUCL4_M2_PER_S = units.kB * 298.15 * units._e / (6 * math.pi * 0.890e-3 * 4.0e-10)

#: Au's atomic mass [amu] (ASE's table, the mass the MD moves).
AU_MASS_AMU = float(atomic_masses[atomic_numbers["Au"]])


def langevin_diffusion(temperature_K: float, friction_per_fs: float, mass_amu: float) -> float:
    """D = k_BT/(mγ) [Å²/ps] of a free atom under Langevin friction γ [1/fs]."""
    if not (temperature_K > 0 and friction_per_fs > 0 and mass_amu > 0):
        raise ParameterError("langevin_diffusion: temperature, friction and mass > 0")
    kt_joule = units.kB * temperature_K * units._e
    mass_kg = mass_amu * units._amu
    gamma_per_s = friction_per_fs * 1e15
    return kt_joule / (mass_kg * gamma_per_s) * 1e20 / 1e12  # m²/s → Å²/ps


def mean_capture_time(a: float, b: float, diffusion: float) -> float:
    """⟨τ⟩ [ps]: mean first-passage time to an absorbing sphere of radius `a` [Å] of a walker
    started uniformly in the shell a < r < b, reflected at b, diffusing with D [Å²/ps].

    τ(r) = (a² − r²)/(6D) + b³(1/a − 1/r)/(3D) solves D∇²τ = −1 with τ(a) = 0, τ'(b) = 0;
    averaged over the shell's volume."""
    if not (0 < a < b and diffusion > 0):
        raise ParameterError(f"capture: need 0 < a ({a:g}) < b ({b:g}) and D > 0")
    shell = b**3 - a**3
    first = (a**2 * shell / 3.0 - (b**5 - a**5) / 5.0) / (6.0 * diffusion)
    second = b**3 / (3.0 * diffusion) * (shell / (3.0 * a) - (b**2 - a**2) / 2.0)
    return 3.0 / shell * (first + second)


def reaction_time(a: float, b: float, velocity: float) -> float:
    """The time [ps] a partly absorbing sphere adds to ⟨τ⟩: with the Robin condition
    Dτ'(a) = κτ(a) (surface reaction velocity κ [Å/ps]) the mean first-passage time gains the
    constant (b³ − a³)/(3a²κ) = V_free/(4πa²κ); infinite κ is the perfect sink."""
    if math.isinf(velocity):
        return 0.0
    if not velocity > 0:
        raise ParameterError(f"reaction velocity κ = {velocity!r} Å/ps: must be > 0")
    return (b**3 - a**3) / (3.0 * a**2 * velocity)


def thermal_velocity(temperature_K: float, mass_amu: float = 0.0) -> float:
    """v̄/4 [Å/ps]: the kinetic-theory flux per density onto a wall, (1/4)√(8kT/πm); a sticking
    probability σ makes the reaction velocity κ = σ v̄/4."""
    mass = (mass_amu or AU_MASS_AMU) * units._amu
    v = math.sqrt(8.0 * units.kB * temperature_K * units._e / (math.pi * mass))  # m/s
    return v / 4.0 * 1e10 / 1e12


def capture_rate(a: float, b: float, diffusion: float, velocity: float = math.inf) -> float:
    """k_a = 1/⟨τ⟩ [1/ps] per monomer: diffusion to the sphere (`mean_capture_time`), then
    the surface reaction (`reaction_time`) at velocity κ [Å/ps] (∞: diffusion-limited)."""
    return 1.0 / (mean_capture_time(a, b, diffusion) + reaction_time(a, b, velocity))


@dataclass(frozen=True, kw_only=True)
class PocketModel:
    """The model's constants: T [K], D [Å²/ps], the wall's reflecting radius [Å], the capture
    offset r_in [Å], Ω [Å³], γ [eV/Å²] and ρ_eq [1/Å³] of the flat crystal at T."""

    temperature_K: float
    diffusion_A2_per_ps: float
    reflect_radius_A: float
    capture_offset_A: float
    omega_A3: float
    gamma_eV_per_A2: float
    rho_eq_per_A3: float
    #: σ: the reaction velocity κ = σ v̄/4 at the capture sphere (kinetic theory's flux onto a
    #: wall, `thermal_velocity`); None: a perfect sink (κ → ∞), the diffusion limit
    sticking: float | None = None

    def radius(self, n: float) -> float:
        return (3.0 * max(n, 1.0) * self.omega_A3 / (4.0 * math.pi)) ** (1.0 / 3.0)

    def capture_radius(self, n: float) -> float:
        return self.radius(n) + self.capture_offset_A

    def free_volume(self, n: float) -> float:
        a, b = self.capture_radius(n), self.reflect_radius_A
        return 4.0 / 3.0 * math.pi * (b**3 - a**3)

    def s_star(self, n: float) -> float:
        return math.exp(
            predicted_ln_s(
                max(n, 1.0),
                self.temperature_K,
                gamma_eV_per_A2=self.gamma_eV_per_A2,
                omega_A3=self.omega_A3,
            )
        )

    def cloud_equilibrium(self, n: float) -> float:
        """N_c^*(N) = V_free ρ_eq S*(N): the cloud the particle of N atoms keeps."""
        return self.free_volume(n) * self.rho_eq_per_A3 * self.s_star(n)

    def attach_rate(self, n: float) -> float:
        """k_a(N) [1/ps per monomer]."""
        velocity = (
            math.inf
            if self.sticking is None
            else self.sticking * thermal_velocity(self.temperature_K)
        )
        return capture_rate(
            self.capture_radius(n), self.reflect_radius_A, self.diffusion_A2_per_ps, velocity
        )

    def detach_rate(self, n: float) -> float:
        """k_d(N) [1/ps]: detailed balance against the Gibbs–Thomson cloud."""
        return self.attach_rate(n) * self.cloud_equilibrium(n)

    def net_flux(self, n: float, n_cloud: float) -> float:
        """dN_c/dt [1/ps] = k_d(N) − k_a(N) N_c."""
        return self.detach_rate(n) - self.attach_rate(n) * n_cloud


@dataclass(frozen=True)
class Trajectory:
    times_ps: np.ndarray
    particle: np.ndarray
    cloud: np.ndarray


def evolve(
    model: PocketModel, n_particle: float, n_cloud: float, times_ps: Sequence[float]
) -> Trajectory:
    """N(t) and N_c(t) from N(0) = `n_particle`, N_c(0) = `n_cloud` (scipy's LSODA)."""
    times = np.asarray(times_ps, dtype=float)
    if times.ndim != 1 or len(times) < 1 or np.any(np.diff(times) <= 0) or times[0] < 0:
        raise ParameterError("evolve: times ≥ 0, increasing")
    reach = model.capture_radius(n_particle + n_cloud)
    if reach >= model.reflect_radius_A:
        raise ParameterError(
            f"the pocket (reflecting at {model.reflect_radius_A:g} Å) cannot hold a particle "
            f"of {n_particle + n_cloud:g} atoms (capture radius {reach:.1f} Å)"
        )

    def rhs(_t, y):
        flux = model.net_flux(y[0], y[1])
        return [-flux, flux]

    def gone(_t, y):  # the particle down to a Mackay icosahedron's 13 atoms
        return y[0] - 13.0

    gone.terminal = True  # type: ignore[attr-defined]
    solution = solve_ivp(
        rhs,
        (0.0, float(times[-1])),
        [float(n_particle), float(n_cloud)],
        t_eval=times,
        method="LSODA",
        rtol=1e-8,
        atol=1e-8,
        events=gone,
    )
    if solution.status == 1:
        raise ParameterError(
            f"the particle dissolves (13 atoms left at {solution.t_events[0][0]:.3g} ps): "
            "its pocket has no Gibbs–Thomson equilibrium from this start"
        )
    if not solution.success:
        raise ParameterError(f"the rate equations did not integrate: {solution.message}")
    return Trajectory(times, solution.y[0], solution.y[1])


def relaxation_time(model: PocketModel, n: float) -> float:
    """1/k_a(N) [ps]: the cloud's approach to N_c^*, linearised (N_c^* changes little as N
    moves by a few atoms)."""
    return 1.0 / model.attach_rate(n)


__all__ = [
    "AU_MASS_AMU",
    "STOKES_EINSTEIN_AUCL4_M2_PER_S",
    "PocketModel",
    "Trajectory",
    "capture_rate",
    "evolve",
    "langevin_diffusion",
    "mean_capture_time",
    "relaxation_time",
]

"""Harmonic vibrational free energies of relaxed clusters and of the bulk crystal.

The Hessian is a central difference of the forces (each atom displaced ± `DEFAULT_DELTA` Å
along x, y, z: 6N force calls), symmetrised; the rigid-body motions (3 translations and, for
a cluster, 3 rotations) are projected out of the mass-weighted Hessian, leaving the 3N − 6
(cluster) or 3N − 3 (periodic cell) vibrational modes. ASE's `Vibrations` computes the same
Hessian but writes one cache file per displacement (12,000 files for a 1,000-atom cluster)
and does not project out rotations; the finite differences here are ten lines and keep
nothing on disk. The free energy of the modes is ASE's `HarmonicThermo` (quantum harmonic
oscillators, zero-point energy included):

    F_vib(T) = Σ_i [ħω_i/2 + kT ln(1 − exp(−ħω_i/kT))]

and the cluster's free energy F(T) = E + F_vib(T). The bulk per atom, f_bulk(T) = ε_bulk +
f_vib(T), comes from the Γ-point modes of a periodic supercell (500 atoms: 5 × 5 × 5 cubic
cells, i.e. a 10 × 10 × 10 sampling of the primitive cell's Brillouin zone), so that

    Δ_F(N, T) = (F(T) − N f_bulk(T)) / N^(2/3)

reduces to Δ at T → 0 apart from zero-point energy. A bulk term of the same per-atom form
shifts every class's Δ_F line by the same −f N^(1/3), so the crossover sizes do not depend on
it at all; it only makes Δ_F comparable with Δ.
"""

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from ase import Atoms, units
from ase.build import bulk
from ase.thermochemistry import HarmonicThermo

from aucluster.errors import ParameterError

#: Finite-difference displacement of the Hessian [Å].
DEFAULT_DELTA = 0.005
#: ħ·sqrt(eV/(Å² amu)) in eV: a mass-weighted Hessian eigenvalue λ has ħω = HBAR_SQRT · √λ.
HBAR_SQRT = units._hbar * 1e10 / np.sqrt(units._e * units._amu)
#: Modes softer than this (in eV, ħω²-scaled: |λ| · HBAR_SQRT²) after projection count as
#: rigid-body leftovers; an imaginary mode harder than it means the structure is no minimum.
SOFT_MODE_EV = 1e-4


def hessian(atoms: Atoms, calculator, *, delta: float = DEFAULT_DELTA) -> np.ndarray:
    """The 3N × 3N Hessian [eV/Å²] of `atoms` by central differences of the forces."""
    if not 0 < delta < 0.1:
        raise ParameterError(f"delta = {delta!r} Å: must lie in (0, 0.1)")
    work = atoms.copy()
    work.calc = calculator
    x0 = work.positions.copy()
    n = len(work)
    h = np.empty((3 * n, 3 * n))
    for i in range(n):
        for k in range(3):
            work.positions = x0
            work.positions[i, k] += delta
            plus = work.get_forces().ravel()
            work.positions = x0
            work.positions[i, k] -= delta
            minus = work.get_forces().ravel()
            h[3 * i + k] = -(plus - minus) / (2 * delta)
    return 0.5 * (h + h.T)


def _rigid_body_basis(atoms: Atoms, periodic: bool) -> np.ndarray:
    """Orthonormal mass-weighted translations (and rotations, for a cluster): 3N × k."""
    m = np.sqrt(atoms.get_masses())
    n = len(atoms)
    vectors = []
    for k in range(3):
        t = np.zeros((n, 3))
        t[:, k] = m
        vectors.append(t.ravel())
    if not periodic:
        r = atoms.positions - atoms.get_center_of_mass()
        for k in range(3):
            axis = np.zeros(3)
            axis[k] = 1.0
            vectors.append((np.cross(axis, r) * m[:, None]).ravel())
    # an orthonormal basis of their span: a linear molecule has only 2 rotations
    u, s, _ = np.linalg.svd(np.array(vectors).T, full_matrices=False)
    return u[:, s > 1e-8 * s.max()]


def vibrational_energies(
    atoms: Atoms,
    hessian_eV_per_A2: np.ndarray,
    *,
    periodic: bool | None = None,
    allow_imaginary: bool = False,
) -> np.ndarray:
    """ħω [eV] of the 3N − 6 (cluster; 3N − 5 if linear) or 3N − 3 (periodic) vibrational
    modes, ascending.

    A mode imaginary beyond `SOFT_MODE_EV` (the structure is a saddle point, not a minimum)
    raises `ParameterError`, or with `allow_imaginary` is returned as −|ħω|."""
    periodic = bool(np.any(atoms.pbc)) if periodic is None else periodic
    inv_m = 1.0 / np.sqrt(np.repeat(atoms.get_masses(), 3))
    weighted = hessian_eV_per_A2 * inv_m[:, None] * inv_m[None, :]
    q = _rigid_body_basis(atoms, periodic)
    projector = np.eye(len(weighted)) - q @ q.T
    eigenvalues = np.linalg.eigvalsh(projector @ weighted @ projector)
    n_rigid = q.shape[1]
    order = np.argsort(np.abs(eigenvalues))
    rigid, modes = eigenvalues[order[:n_rigid]], np.sort(eigenvalues[order[n_rigid:]])
    del rigid  # zero by construction of the projector
    scale = HBAR_SQRT**2
    if modes[0] * scale < -(SOFT_MODE_EV**2) and not allow_imaginary:
        raise ParameterError(
            f"{len(atoms)} atoms: an imaginary mode of {np.sqrt(-modes[0] * scale) * 1e3:.2f} "
            "meV: the structure is not a local minimum (relax it tighter)"
        )
    hard_imaginary = modes * scale < -(SOFT_MODE_EV**2)
    return (
        np.where(hard_imaginary, -1.0, 1.0)
        * HBAR_SQRT
        * np.sqrt(np.where(hard_imaginary, -modes, np.clip(modes, 0.0, None)))
    )


def vibrational_free_energy(
    energies_eV: "Sequence[float] | np.ndarray", temperature_K: float
) -> float:
    """F_vib(T) [eV] of harmonic modes ħω = `energies_eV` (ASE's `HarmonicThermo`)."""
    if not np.isfinite(temperature_K) or temperature_K <= 0:
        raise ParameterError(f"temperature {temperature_K!r} K: must be > 0")
    energies = np.asarray(energies_eV, dtype=float)
    energies = energies[energies > 0]  # a zero mode has no harmonic free energy
    thermo = HarmonicThermo(vib_energies=list(energies), potentialenergy=0.0)
    return float(thermo.get_helmholtz_energy(temperature_K, verbose=False))


@dataclass(frozen=True, kw_only=True)
class BulkVibrations:
    """Γ-point modes of a periodic fcc supercell: f_vib(T) per atom."""

    n_atoms: int
    energies_eV: np.ndarray

    def free_energy_per_atom(self, temperature_K: float) -> float:
        """3 × the mean free energy per mode: the 3 acoustic modes at Γ (ω = 0) are left
        out of the average, not counted as modes of zero free energy."""
        f = vibrational_free_energy(self.energies_eV, temperature_K)
        return 3.0 * f / len(self.energies_eV)


def bulk_vibrations(
    element: str, lattice_constant_A: float, calculator, *, repeat: int = 5
) -> BulkVibrations:
    """The modes of a `repeat`³ cubic fcc supercell at `lattice_constant_A` [Å]."""
    crystal = bulk(element, "fcc", a=lattice_constant_A, cubic=True).repeat(repeat)
    h = hessian(crystal, calculator)
    return BulkVibrations(
        n_atoms=len(crystal), energies_eV=vibrational_energies(crystal, h, periodic=True)
    )

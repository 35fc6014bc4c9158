r"""The cloud's equilibrium density from statistical mechanics: crystal against monomer gas.

In the cloud model (EMT + small-cluster correction + the embedding solvent) pairs of
monomers repel (a dimer at 2.47 Å lies 3.4 eV above two monomers) and every cluster of 2–7
atoms relaxes apart (docs/cloud.md), so the vapour in equilibrium with the crystal is an
ideal gas of single atoms. Its density then follows from equal chemical potentials, with
no MD of the vapour at all (classical statistics, as the MD samples):

.. math::

    \rho_{eq}(T) = \Lambda^{-3} \exp\{[g(T) - E_1] / kT\}, \qquad
    \Lambda = h / \sqrt{2\pi m k T},

E₁ the isolated atom's energy on the model (EMT's cohesive energy less μ_s) and g(T) the
crystal's Gibbs energy per atom at zero pressure,

.. math::

    g(T) = E_0 + 3kT\,\overline{\ln(\hbar\omega/kT)} - a T^2 - b T^3/2 .

The harmonic part (E₀ and ω at the 0 K lattice constant) comes from the force constants of
ASE's `Phonons` on a 7×7×7 supercell of the primitive cell, the mean of ln ħω over an even
Monkhorst–Pack q mesh (no Γ point). The anharmonic part integrates the Gibbs–Helmholtz
relation d(g/T)/dT = −H/T² from 0 K, with H − (E₀ + 3kT) = a T² + b T³ fitted to MD at
zero pressure: the mean potential energy of a 256-atom periodic crystal (Langevin, at
`zero_pressure_lattice_constant`) less E₀ + 3kT/2 (the kinetic energy is 3kT/2 exactly;
`aucluster.thermo.melting.anharmonic_enthalpy`). The solvent and the correction are zero in
the crystal, so g is EMT's.

This is the model's solubility for any μ_s of the embedding form at once (only E₁ depends on
it); the slab MD of `aucluster.thermo.solubility` is the check that the dynamics reaches it.
"""

import json
import tempfile
from dataclasses import asdict, dataclass
from functools import cache
from importlib.resources import files

import numpy as np
from ase import Atoms, units
from ase.build import bulk
from ase.data import atomic_masses, atomic_numbers

from aucluster.errors import ParameterError
from aucluster.potentials import Hamiltonian, Potential, make_potential
from aucluster.stability.bulk import bulk_reference


@dataclass(frozen=True, kw_only=True)
class Harmonic:
    """The 0 K crystal: lattice constant [Å], energy per atom E₀ [eV], the mean of ln ħω
    [ħω in eV] over the phonon branches and the q mesh, and the classical mean square
    displacement per kelvin, ⟨|u|²⟩/T = 3 k ⟨1/(m ω²)⟩ [Å²/K]."""

    lattice_constant_A: float
    energy_per_atom_eV: float
    mean_log_hbar_omega: float
    msd_per_K_A2: float


def harmonic_crystal(
    potential: Potential | str = Potential.EMT,
    element: str = "Au",
    *,
    supercell: int = 7,
    mesh: int = 16,
    qpoints: np.ndarray | None = None,
) -> Harmonic:
    """E₀ and the mean ln ħω of the fcc crystal (module notes), from ASE `Phonons` (finite
    displacements of 0.01 Å, acoustic sum rule imposed) on a `supercell`³ supercell of the
    primitive cell, sampled on a `mesh`³ Monkhorst–Pack grid (even: no Γ point) or at
    `qpoints` (reduced coordinates of the primitive cell's reciprocal lattice, Γ excluded:
    e.g. the wave vectors a finite periodic MD cell holds)."""
    from ase.dft.kpoints import monkhorst_pack
    from ase.phonons import Phonons

    if mesh % 2:
        raise ParameterError(f"q mesh {mesh}: must be even (the Γ point has ω = 0)")
    reference = bulk_reference(potential, element)
    primitive = bulk(element, "fcc", a=reference.lattice_constant_A)
    with tempfile.TemporaryDirectory() as cache_dir:
        phonons = Phonons(
            primitive,
            make_potential(potential, {element}),
            supercell=(supercell,) * 3,
            delta=0.01,
            name=f"{cache_dir}/phonon",
        )
        phonons.run()
        phonons.read(acoustic=True)
        q = monkhorst_pack((mesh,) * 3) if qpoints is None else np.asarray(qpoints, dtype=float)
        energies = phonons.band_structure(q, verbose=False)
    if (energies <= 0).any():
        raise ParameterError("imaginary phonon frequencies: the crystal is not a minimum")
    mass = atomic_masses[atomic_numbers[element]] * units._amu  # kg
    omega = energies * units._e / units._hbar  # rad/s
    msd = 3.0 * units._k * np.mean(1.0 / (mass * omega**2)) * 1e20  # Å²/K
    return Harmonic(
        lattice_constant_A=reference.lattice_constant_A,
        energy_per_atom_eV=reference.energy_per_atom_eV,
        mean_log_hbar_omega=float(np.log(energies).mean()),
        msd_per_K_A2=float(msd),
    )


@dataclass(frozen=True, kw_only=True)
class Anharmonic:
    """H − (E₀ + 3kT) = a T² + b T³ per atom: the coefficients [eV/K², eV/K³], the MD points
    they were fitted to [K, eV], and the largest residual [eV]."""

    a: float
    b: float
    temperatures_K: tuple[float, ...]
    excess_enthalpy_eV: tuple[float, ...]
    max_residual_eV: float

    def free_energy(self, temperature_K: float) -> float:
        """The anharmonic Gibbs energy per atom [eV]: −(a T² + b T³/2)."""
        t = temperature_K
        return -(self.a * t**2 + 0.5 * self.b * t**3)


def crystal_chemical_potential(
    temperature_K: float, harmonic: Harmonic, anharmonic: Anharmonic | None
) -> float:
    """g(T) [eV per atom] of the module notes (harmonic only if `anharmonic` is None)."""
    kt = units.kB * temperature_K
    g = harmonic.energy_per_atom_eV + 3.0 * kt * (harmonic.mean_log_hbar_omega - np.log(kt))
    return float(g + (anharmonic.free_energy(temperature_K) if anharmonic else 0.0))


def thermal_wavelength_A(temperature_K: float, element: str = "Au") -> float:
    """Λ = h / √(2π m k T) [Å]."""
    mass = atomic_masses[atomic_numbers[element]] * units._amu
    return float(units._hplanck / np.sqrt(2 * np.pi * mass * units._k * temperature_K) * 1e10)


@cache
def monomer_energy_eV(hamiltonian: Hamiltonian) -> float:
    """E₁: one atom alone in a large box on `hamiltonian` (no wall)."""
    atom = Atoms("Au", positions=[[15.0, 15.0, 15.0]], cell=[30.0] * 3)
    atom.calc = hamiltonian.calculator({"Au"})
    return float(atom.get_potential_energy())


def monomer_gas_density(
    temperature_K: float,
    hamiltonian: Hamiltonian,
    harmonic: Harmonic,
    anharmonic: Anharmonic | None,
) -> float:
    """ρ_eq [1/Å³] of an ideal monomer gas in equilibrium with the crystal (module notes)."""
    if hamiltonian.wall is not None:
        raise ParameterError("the equilibrium density is for the Hamiltonian without a wall")
    kt = units.kB * temperature_K
    g = crystal_chemical_potential(temperature_K, harmonic, anharmonic)
    excess = (g - monomer_energy_eV(hamiltonian)) / kt
    return float(np.exp(excess) / thermal_wavelength_A(temperature_K) ** 3)


#: Where the package keeps EMT Au's crystal (`bench/crystal_free_energy.py --write`).
STORED_CRYSTAL = "data/crystal_emt.json"


def crystal_record(harmonic: Harmonic, anharmonic: Anharmonic, **provenance) -> dict:
    """The JSON record of a crystal's free energy (`stored_crystal` reads it back)."""
    return {"harmonic": asdict(harmonic), "anharmonic": asdict(anharmonic), **provenance}


@cache
def stored_crystal() -> tuple[Harmonic, Anharmonic]:
    """EMT Au's harmonic crystal and anharmonic fit as the package ships them."""
    record = json.loads(files("aucluster.thermo").joinpath(STORED_CRYSTAL).read_text())
    anharmonic = dict(record["anharmonic"])
    for key in ("temperatures_K", "excess_enthalpy_eV"):
        anharmonic[key] = tuple(anharmonic[key])
    return Harmonic(**record["harmonic"]), Anharmonic(**anharmonic)


__all__ = [
    "STORED_CRYSTAL",
    "Anharmonic",
    "Harmonic",
    "crystal_chemical_potential",
    "crystal_record",
    "harmonic_crystal",
    "monomer_energy_eV",
    "monomer_gas_density",
    "stored_crystal",
    "thermal_wavelength_A",
]

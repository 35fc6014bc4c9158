"""A correction that gives EMT Au the real dimer, and leaves everything larger alone.

asap3 EMT binds Au₂ by 5.14 eV at 2.30 Å; the molecule has D₀ = 2.29 eV, r_e = 2.472 Å and
ω_e = 190.9 cm⁻¹ (Huber & Herzberg, *Constants of Diatomic Molecules*, 1979). Since the dimer
is what dissolves in the solvent model (issue 15), this matters for the cloud. The
correction is a pair term between atoms that are themselves isolated or in a dimer:

.. math::

    E = \\sum_{i<j} \\varphi(r_{ij})\\, s(C_i)\\, s(C_j), \\qquad
    \\varphi(r) = [V_M(r) - V_{EMT}(r)]\\, h(r),

with C_i the smooth coordination of the implicit solvent (neighbours within 3.1 Å counted
fully, switched off by 3.7 Å), s(C) = 1 for C ≤ 1, 0 for C ≥ 2 and the smoothstep 1 − 3x² + 2x³
(x = C − 1) between; V_EMT the isolated EMT dimer's binding curve (tabulated from asap3 on a
0.005 Å grid and interpolated by a cubic spline, whose derivative gives the force); V_M the
Morse curve with D_e = D₀ + ħω_e/2, r_e and a = ω_e √(μ/2D_e); h = 1 below 5.0 Å, the
smoothstep to 0 at 6.0 Å (past EMT's range). So an isolated dimer follows Morse up to 5 Å; an
atom with two or more neighbours (a trimer, any adatom, surface or bulk atom) feels nothing:
bulk, surface and vacancy energies are EMT's exactly (periodic orthorhombic cells are taken
with minimum images, so this is checked on slabs and a vacancy supercell). Trimers and larger
clusters keep EMT's over-binding (not corrected here: `aucluster.thermo.cloud` measures it).
C¹ throughout (s, h and the spline are C¹).
"""

from functools import cache

import numpy as np
from ase import Atoms, units
from ase.calculators.calculator import all_changes
from scipy.interpolate import CubicSpline
from scipy.spatial import cKDTree

from aucluster.potentials.terms import (
    ExactStateCalculator,
    ImplicitSolvent,
    SolventParameters,
    minimum_image,
    periodic_box,
)

#: Au₂ ground state (Huber & Herzberg 1979): dissociation energy D₀ [eV], bond length [Å],
#: harmonic frequency ω_e [cm⁻¹].
AU2_D0_EV, AU2_RE_A, AU2_OMEGA_CM = 2.29, 2.472, 190.9
#: The correction's taper [Å]: full below the first, none beyond the second.
TAPER_A = (5.0, 6.0)
_GRID = np.arange(1.6, TAPER_A[1] + 1e-9, 0.005)
#: The coordination the correction uses: the solvent's switching function.
_SWITCH = SolventParameters()


def morse(r: np.ndarray) -> np.ndarray:
    """The Au₂ Morse curve [eV] (zero at dissociation) from D₀, r_e and ω_e."""
    omega = 2.0 * np.pi * units._c * 100.0 * AU2_OMEGA_CM  # rad/s
    hbar_omega = units._hbar * omega / units._e  # eV
    de = AU2_D0_EV + 0.5 * hbar_omega
    mu = 0.5 * 196.966570 * units._amu  # kg
    a = omega * np.sqrt(mu / (2.0 * de * units._e)) * 1e-10  # 1/Å
    return de * ((1.0 - np.exp(-a * (np.asarray(r) - AU2_RE_A))) ** 2 - 1.0)


def _smoothstep_down(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """1 at x ≤ 0, 0 at x ≥ 1, 1 − 3x² + 2x³ between; and its derivative."""
    t = np.clip(x, 0.0, 1.0)
    return 1.0 - 3.0 * t**2 + 2.0 * t**3, np.where((x > 0) & (x < 1), -6.0 * t + 6.0 * t**2, 0.0)


@cache
def _phi() -> CubicSpline:
    from asap3 import EMT

    def binding(r: float) -> float:
        pair = Atoms("Au2", positions=[[20, 20, 20], [20 + r, 20, 20]], cell=[40] * 3)
        pair.calc = EMT()
        single = Atoms("Au", positions=[[20, 20, 20]], cell=[40] * 3)
        single.calc = EMT()
        return pair.get_potential_energy() - 2.0 * single.get_potential_energy()

    emt = np.array([binding(float(r)) for r in _GRID])
    h, _ = _smoothstep_down((_GRID - TAPER_A[0]) / (TAPER_A[1] - TAPER_A[0]))
    return CubicSpline(_GRID, (morse(_GRID) - emt) * h, bc_type="clamped")


class DimerCorrection(ExactStateCalculator):
    """The pair term of the module notes, as an ASE calculator (energy, forces, energies).

    Only atoms with C < 2 (s > 0) carry the term, and in a particle they are few (the cloud's
    monomers and dimers): coordinations come from a Verlet list within the switch's 3.7 Å,
    and the 6 Å pairs of φ are searched among those few atoms alone.
    """

    implemented_properties = ["energy", "forces", "energies"]  # noqa: RUF012 (ASE API)

    def __init__(self, *, compiled: bool | None = None) -> None:
        """`compiled` as for `ImplicitSolvent` (numba kernels for the coordinations)."""
        super().__init__()
        self._coordination = ImplicitSolvent(_SWITCH, compiled=compiled)  # its C and pairs

    def calculate(self, atoms=None, properties=("energy",), system_changes=all_changes):
        self.atoms = atoms
        self.remember(atoms)
        box = periodic_box(atoms)
        n = len(atoms)
        positions = atoms.positions
        forces = np.zeros((n, 3))
        energies = np.zeros(n)
        c, first, second, df_over_r, d = self._coordination.coordinations(positions, box)
        s, ds = _smoothstep_down(c - 1.0)
        active = np.flatnonzero(s > 0.0)
        if len(active) >= 2:
            pi, pj, dp, rp = _pairs_among(positions, active, box, TAPER_A[1])
            spline = _phi()
            phi, dphi = spline(rp), spline(rp, 1)
            si, sj = s[pi], s[pj]
            pair_energy = phi * si * sj
            energies = 0.5 * (np.bincount(pi, pair_energy, n) + np.bincount(pj, pair_energy, n))
            # ∂E/∂C_i = s'(C_i) Σ_j φ(r_ij) s(C_j), nonzero only for atoms with 1 < C_i < 2
            g = ds * (np.bincount(pi, phi * sj, n) + np.bincount(pj, phi * si, n))
            _add_radial(forces, pi, pj, dp.T, dphi * si * sj / rp)
            coupled = np.flatnonzero(g.take(first) + g.take(second))
            if len(coupled):
                gf = (g[first[coupled]] + g[second[coupled]]) * df_over_r[coupled]
                columns = [dk[coupled] for dk in d]
                _add_radial(forces, first[coupled], second[coupled], columns, gf)
        self.results = {"energy": float(energies.sum()), "energies": energies, "forces": forces}


def _pairs_among(positions, atoms, box, cutoff):
    """Pairs of the atoms `atoms` (indices) closer than `cutoff`: both indices, the
    separation vectors (minimum images) and the distances."""
    sub = positions[atoms]
    tree = cKDTree(sub) if box is None else cKDTree(np.mod(sub, box), boxsize=box)
    local = tree.query_pairs(cutoff, output_type="ndarray")
    pi, pj = atoms[local[:, 0]], atoms[local[:, 1]]
    d = minimum_image(positions[pj] - positions[pi], box)
    return pi, pj, d, np.sqrt((d**2).sum(axis=1))


def _add_radial(forces, first, second, d, coef) -> None:
    """Forces of pair terms with dE/dr · 1/r = `coef` along d = r_second − r_first (its
    three components)."""
    n = len(forces)
    for k in range(3):
        component = coef * d[k]
        forces[:, k] += np.bincount(first, component, n) - np.bincount(second, component, n)


__all__ = ["AU2_D0_EV", "AU2_RE_A", "DimerCorrection", "morse"]

r"""A correction for EMT Au's small clusters that leaves bulk, surfaces and vacancies alone.

asap3 EMT binds Au₂ by 5.14 eV at 2.30 Å; the molecule has D₀ = 2.29 eV, r_e = 2.472 Å and
ω_e = 190.9 cm⁻¹ (Huber & Herzberg, *Constants of Diatomic Molecules*, 1979). It binds Au₃ by
8.4 eV (measured: 3.80 ± 0.13 eV) and Au₄–Au₇ by 1.2–1.4 eV per atom more than PBE
(`aucluster.potentials.small_clusters`, docs/cloud.md). Since small clusters are what the
solvent model dissolves the particle into (issue 15), this decides the cloud. Two terms:

.. math::

    E = \sum_{i<j} \varphi(r_{ij})\, s(C_i)\, s(C_j)
      + \sum_{i<j} \varepsilon\, e^{-\kappa (\bar C_{ij} - 2)}\, f(r_{ij})\,
        [t(C_i)\, t(C_j) - s(C_i)\, s(C_j)],
    \qquad \varphi(r) = [V_M(r) - V_{EMT}(r)]\, h(r),

with C_i the smooth coordination of the implicit solvent (f(r): neighbours within 3.1 Å
counted fully, switched off by 3.7 Å) and C̄_ij = (C_i + C_j)/2.

*The dimer term.* s(C) = 1 for C ≤ 1, 0 for C ≥ 2 and the smoothstep 1 − 3x² + 2x³
(x = C − 1) between; V_EMT the isolated EMT dimer's binding curve (tabulated from asap3 on a
0.005 Å grid and interpolated by a cubic spline, whose derivative gives the force); V_M the
Morse curve with D_e = D₀ + ħω_e/2, r_e and a = ω_e √(μ/2D_e); h = 1 below 5.0 Å, the
smoothstep to 0 at 6.0 Å (past EMT's range). An isolated dimer follows Morse up to 5 Å.

*The bond penalty* (`BondPenalty`): each bond between two atoms that both have fewer than
c_upper neighbours costs ε e^{−κ(C̄−2)}; t(C) = 1 below c_lower, the smoothstep to 0 at
c_upper. The bracket is zero for a dimer (the first term has it) and for any bond to an atom
with c_upper or more neighbours, so an adatom's bonds to the surface below keep EMT's
energy. ε, κ and the switch are fitted to PBE binding energies of Au₃–Au₇
(`bench/fit_small_clusters.py`; off, ε = 0, unless a penalty is given).

c_upper ≤ 8: every atom of a bulk crystal, a (111) or (100) surface or next to a vacancy has
8 or more neighbours and feels nothing, so EMT's bulk, surface and vacancy energies are kept
exactly (periodic orthorhombic cells are taken with minimum images; checked on slabs and a
vacancy supercell). C¹ throughout (s, t, h and the spline are C¹).
"""

from dataclasses import dataclass
from functools import cache

import numpy as np
from ase import Atoms, units
from ase.calculators.calculator import all_changes
from scipy.interpolate import CubicSpline
from scipy.spatial import cKDTree

from aucluster.errors import ParameterError
from aucluster.potentials.terms import (
    ExactStateCalculator,
    ImplicitSolvent,
    SolventParameters,
    minimum_image,
    neighbour_switch,
    periodic_box,
    wrap_into,
)

#: Au₂ ground state (Huber & Herzberg 1979): dissociation energy D₀ [eV], bond length [Å],
#: harmonic frequency ω_e [cm⁻¹].
AU2_D0_EV, AU2_RE_A, AU2_OMEGA_CM = 2.29, 2.472, 190.9
#: The correction's taper [Å]: full below the first, none beyond the second.
TAPER_A = (5.0, 6.0)
_GRID = np.arange(1.6, TAPER_A[1] + 1e-9, 0.005)
#: The coordination the correction uses: the solvent's switching function at its default
#: 3.1–3.7 Å, fixed here (the fit of `aucluster.potentials.small_clusters` rests on it).
_SWITCH = SolventParameters(r_inner=3.1, r_outer=3.7)


def shares_switch(parameters: SolventParameters) -> bool:
    """Whether a solvent's coordination switch is the correction's (so both can share it)."""
    return parameters.r_inner == _SWITCH.r_inner and parameters.r_outer == _SWITCH.r_outer


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


@dataclass(frozen=True, kw_only=True)
class BondPenalty:
    """The small-cluster bond term: each bond between two atoms that both have smooth
    coordination below `c_upper` (fully below `c_lower`) costs
    ε exp(−κ (C̄ − 2)) [eV], C̄ the pair's mean coordination (the dimer term's part taken out).
    """

    epsilon_eV: float = 0.0
    decay_per_neighbour: float = 0.0
    c_lower: float = 2.0
    c_upper: float = 5.0

    def __post_init__(self) -> None:
        if not (np.isfinite(self.epsilon_eV) and self.epsilon_eV >= 0):
            raise ParameterError(f"bond penalty {self.epsilon_eV!r} eV: must be ≥ 0")
        if not (np.isfinite(self.decay_per_neighbour) and self.decay_per_neighbour >= 0):
            raise ParameterError(f"bond penalty decay {self.decay_per_neighbour!r}: must be ≥ 0")
        if not 2.0 <= self.c_lower < self.c_upper <= 8.0:
            raise ParameterError(
                f"bond penalty switch {self.c_lower}–{self.c_upper}: need 2 ≤ lower < upper ≤ 8"
                " (1 is the dimer term's, 8 a (100) surface atom's coordination)"
            )

    def switch(self, c: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        t, dt = _smoothstep_down((c - self.c_lower) / (self.c_upper - self.c_lower))
        return t, dt / (self.c_upper - self.c_lower)


class SmallClusterCorrection(ExactStateCalculator):
    """The two terms of the module notes, as an ASE calculator (energy, forces, energies).

    Coordinations come from a Verlet list within the switch's 3.7 Å (the solvent's kernels).
    Only atoms with C < 2 carry the dimer term, and in a particle they are few (the cloud's
    monomers and dimers), so its 6 Å pairs are searched among those atoms alone. The bond
    penalty (`bonds`; none by default — `make_calculator` passes the fitted one) acts on the
    3.7 Å pairs whose atoms both have C < c_upper.
    """

    implemented_properties = ["energy", "forces", "energies"]  # noqa: RUF012 (ASE API)

    def __init__(
        self,
        *,
        bonds: BondPenalty | None = None,
        compiled: bool | None = None,
        coordination: ImplicitSolvent | None = None,
    ) -> None:
        """`compiled` as for `ImplicitSolvent` (numba kernels for the coordinations);
        `coordination`: a solvent term with the same 3.1–3.7 Å switch whose coordinations
        are shared (computed once per step for both terms); by default an own one."""
        super().__init__()
        self.bonds = BondPenalty() if bonds is None else bonds
        if coordination is not None and not shares_switch(coordination.solvent):
            raise ParameterError("a shared coordination needs the 3.1–3.7 Å switch")
        self._coordination = (
            ImplicitSolvent(_SWITCH, compiled=compiled) if coordination is None else coordination
        )

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
        g = np.zeros(n)  # ∂E/∂C_i
        active = np.flatnonzero(s > 0.0)
        if len(active) >= 2:
            pi, pj, dp, rp = _pairs_among(positions, active, box, TAPER_A[1])
            spline = _phi()
            phi, dphi = spline(rp), spline(rp, 1)
            si, sj = s[pi], s[pj]
            pair_energy = phi * si * sj
            energies += 0.5 * (np.bincount(pi, pair_energy, n) + np.bincount(pj, pair_energy, n))
            # ∂E/∂C_i = s'(C_i) Σ_j φ(r_ij) s(C_j), nonzero only for atoms with 1 < C_i < 2
            g += ds * (np.bincount(pi, phi * sj, n) + np.bincount(pj, phi * si, n))
            _add_radial(forces, pi, pj, dp.T, dphi * si * sj / rp)
        if self._coordination.compiled:
            from aucluster.potentials._kernels_numba import bond_penalty

            b = self.bonds
            bond_energies, bond_forces = bond_penalty(
                c, first, second, df_over_r, *d, g, b.epsilon_eV, b.decay_per_neighbour,
                b.c_lower, b.c_upper, _SWITCH.r_inner, _SWITCH.r_outer,
            )  # fmt: skip
            energies += bond_energies
            forces += bond_forces
            self.results = {"energy": float(energies.sum()), "energies": energies, "forces": forces}
            return
        radial = np.zeros(len(first))  # extra dE/dr / f'(r) of each switch pair
        eps = self.bonds.epsilon_eV
        low_atoms = c < self.bonds.c_upper  # t > 0: in a particle only vertices and the cloud
        if eps > 0.0 and np.count_nonzero(low_atoms) >= 2:
            t, dt = self.bonds.switch(c)
            low = np.flatnonzero(low_atoms[first] & low_atoms[second])
            if len(low):
                i, j = first[low], second[low]
                f = _bond_count([dk[low] for dk in d])
                weight = t[i] * t[j] - s[i] * s[j]  # ≥ 0: the dimer term has the C ≤ 1 part
                kappa = self.bonds.decay_per_neighbour
                scale = eps * np.exp(-kappa * (0.5 * (c[i] + c[j]) - 2.0))  # ε e^{−κ(C̄−2)}
                pair_energy = scale * f * weight
                energies += 0.5 * (np.bincount(i, pair_energy, n) + np.bincount(j, pair_energy, n))
                ti, tj, si, sj = t[i], t[j], s[i], s[j]
                half_decay = 0.5 * kappa * weight
                g += np.bincount(i, scale * f * (dt[i] * tj - ds[i] * sj - half_decay), n)
                g += np.bincount(j, scale * f * (dt[j] * ti - ds[j] * si - half_decay), n)
                radial[low] += scale * weight
        g_atoms = g != 0.0  # atoms inside a switch (1 < C < 2, or c_lower < C < c_upper)
        if g_atoms.any():
            near = np.flatnonzero(g_atoms[first] | g_atoms[second])
            radial[near] += g[first[near]] + g[second[near]]
        coupled = np.flatnonzero(radial)
        if len(coupled):
            coef = radial[coupled] * df_over_r[coupled]
            columns = [dk[coupled] for dk in d]
            _add_radial(forces, first[coupled], second[coupled], columns, coef)
        self.results = {"energy": float(energies.sum()), "energies": energies, "forces": forces}


def _bond_count(d: list[np.ndarray]) -> np.ndarray:
    """f(r) of switch pairs from their separations (the coordination's switch)."""
    r = np.sqrt(d[0] ** 2 + d[1] ** 2 + d[2] ** 2)
    f, _ = neighbour_switch(r, _SWITCH.r_inner, _SWITCH.r_outer)
    return f


def _pairs_among(positions, atoms, box, cutoff):
    """Pairs of the atoms `atoms` (indices) closer than `cutoff`: both indices, the
    separation vectors (minimum images) and the distances."""
    sub = positions[atoms]
    tree = cKDTree(sub) if box is None else cKDTree(wrap_into(sub, box), boxsize=box)
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


__all__ = ["AU2_D0_EV", "AU2_RE_A", "BondPenalty", "SmallClusterCorrection", "morse"]

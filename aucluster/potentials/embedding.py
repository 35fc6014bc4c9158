r"""The implicit solvent in its embedding form: the reward follows EMT's own cohesion.

Why (issue 15, docs/cloud.md). The coordination form of `ImplicitSolvent`, −μ_s (1 − C/6)²
with neighbours counted by a cosine between 3.1 and 3.7 Å, takes the reward away over
0.6 Å while EMT's attraction reaches ~5.5 Å. At the cloud's μ_s = 3.2 eV a monomer above
Au(111) then has its lowest energy hovering 3.3 Å up (−0.89 eV), 1.2 eV below the barrier
between it and the adatom site, and the corrected dimer has a second well at 3.67 Å: monomer
attachment, the paper's main in-process, cannot happen. A reward that lags or leads the
bonding by a fraction of an ångström is a barrier of electronvolts when μ_s is most of the
cohesive energy.

Here the atom's coordination is EMT's neighbour density and its cost is EMT's cohesive
function of it (Jacobsen, Stoltze & Nørskov, Surf. Sci. 366, 394 (1996); Au: E₀ = −3.80 eV,
s₀ = 3.00 bohr, η₂ = 1.674 bohr⁻¹, λ = 2.182 bohr⁻¹, β = 1.809):

.. math::

    \sigma_i = \sum_{j \ne i} e^{-\eta_2 (r_{ij} - \beta s_0)}\, \theta(r_{ij}), \qquad
    u_i = \min\!\Big(1, \big(\tfrac{\sigma_i}{12 \gamma_1}\big)^{\lambda / (\beta \eta_2)}\Big),

    e_i = |E_0| \,[1 - u_i (1 - \ln u_i)] \in [0, |E_0|], \qquad
    E = -\mu_s \sum_i h(e_i),

θ a smoothstep from 1 to 0 between 5.06 and 5.66 Å (between the third and fourth fcc
shells, where EMT cuts off; EMT itself uses a Fermi function), γ₁ normalising the three
shells of the ideal EMT lattice (a = √2 β s₀) to 12. e_i is the embedding part of EMT's
cohesive energy that atom i lacks: 0 in the bulk (and for compressed atoms, u ≥ 1),
3.80 eV for an isolated atom, 0.07 and 0.13 eV for (111) and (100) surface atoms, 0.29
and 0.26 eV for adatoms on their hollow sites, 0.84 eV for a dimer atom. h is 0 below the
onset e₀, rises quadratically over the ramp w, then linearly to h(|E₀|) = 1:

.. math::

    h(e) = \frac{x^2}{2 w L} \;(0 < x < w), \qquad \frac{x - w/2}{L} \;(x \ge w), \qquad
    x = e - e_0, \quad L = |E_0| - e_0 - w/2 .

An isolated atom gains μ_s; atoms below the onset (bulk, surfaces, most edges) gain nothing,
so the potential's bulk, surface and vacancy energies are kept exactly. Because the reward is a
function of the same density EMT's energy is, an atom approaching a surface loses it as it
bonds, never ahead of the bonding: the slope μ_s/L stays below 1, so the atom's own
embedding energy still falls as it binds (tested: no barrier and no hovering state on the
way to (111), (100) and step sites). h, u and θ are C¹, e is C¹ in σ (its derivative in r
goes to zero with σ at the cutoff), so forces are continuous; they are analytic:

.. math::

    \mathbf F_j = -\mathbf F_i = \mu_s [h'(e_i) e'(\sigma_i) + h'(e_j) e'(\sigma_j)]\,
    \theta_\eta'(r)\, \mathbf u, \qquad e'(\sigma) = |E_0| \ln u \cdot \frac{q\, u}{\sigma},

with θ_η(r) the pair function above and u = (r_j − r_i)/r.
"""

import numpy as np
from ase.calculators.calculator import all_changes
from ase.units import Bohr
from scipy.optimize import brentq

from aucluster.potentials.terms import (
    ExactStateCalculator,
    SolventParameters,
    _close_pairs,
    _pair_forces,
    _PairList,
    numba_available,
    periodic_box,
)

#: EMT Au (Jacobsen, Stoltze & Nørskov 1996): E₀ [eV], s₀ [Å], η₂ [1/Å], λ [1/Å]; β.
EMT_AU_E0_EV = -3.80
EMT_AU_S0_A = 3.00 * Bohr
EMT_AU_ETA2 = 1.674 / Bohr
EMT_AU_LAMBDA = 2.182 / Bohr
EMT_BETA = 1.809
#: The ideal EMT lattice constant and its first three neighbour shells [Å].
_A = np.sqrt(2.0) * EMT_BETA * EMT_AU_S0_A
_SHELLS = np.array([1.0, np.sqrt(2.0), np.sqrt(3.0)]) * _A / np.sqrt(2.0)
_SHELL_SIZES = np.array([12, 6, 24])
#: The density's cutoff [Å]: a smoothstep from 1 to 0 across ±0.3 Å about the midpoint of
#: the third (4.97 Å) and fourth (5.74 Å) shells.
_MID = 0.5 * (np.sqrt(3.0) + 2.0) * _A / np.sqrt(2.0)
CUTOFF_A = (_MID - 0.3, _MID + 0.3)
#: q = λ / (β η₂): u = (σ / 12γ₁)^q.
_Q = EMT_AU_LAMBDA / (EMT_BETA * EMT_AU_ETA2)


def density_pair(r: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The density one neighbour at distance r [Å] contributes, θ_η(r) =
    exp(−η₂ (r − β s₀)) θ(r), and its derivative."""
    r = np.asarray(r, dtype=float)
    lo, hi = CUTOFF_A
    x = np.clip((r - lo) / (hi - lo), 0.0, 1.0)
    taper = 1.0 - 3.0 * x**2 + 2.0 * x**3
    dtaper = np.where((r > lo) & (r < hi), (-6.0 * x + 6.0 * x**2) / (hi - lo), 0.0)
    base = np.exp(-EMT_AU_ETA2 * (r - EMT_BETA * EMT_AU_S0_A))
    return base * taper, base * (dtaper - EMT_AU_ETA2 * taper)


#: γ₁: the ideal lattice's density over 12.
GAMMA1 = float((_SHELL_SIZES * density_pair(_SHELLS)[0]).sum() / 12.0)


def embedding_cost(sigma: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """e(σ) [eV], the embedding energy an atom of density σ lacks (module notes), and
    de/dσ (0 where σ = 0 or the atom is compressed)."""
    sigma = np.asarray(sigma, dtype=float)
    e0 = -EMT_AU_E0_EV
    positive = sigma > 0.0
    ratio = np.where(positive, sigma, 1.0) / (12.0 * GAMMA1)
    u = np.where(positive, np.minimum(ratio**_Q, 1.0), 0.0)
    log_u = np.log(np.where(u > 0.0, u, 1.0))
    cost = e0 * (1.0 - u * (1.0 - log_u))
    safe = np.where(positive, sigma, 1.0)
    slope = np.where(positive & (u < 1.0), e0 * log_u * _Q * u / safe, 0.0)
    return cost, slope


def onset_density(onset_eV: float) -> float:
    """The density σ at which the embedding cost e(σ) falls to `onset_eV` (e falls with σ:
    every denser atom is below the onset), a hair above it so that rounding never skips an
    atom on the reward; 0 for an onset at or above |E₀| (no atom is then rewarded)."""
    e0 = -EMT_AU_E0_EV
    if onset_eV >= e0:
        return 0.0
    if onset_eV <= 0.0:
        return 12.0 * GAMMA1 * (1.0 + 1e-12)  # e > 0 for every u < 1
    u = brentq(lambda u: e0 * (1.0 - u * (1.0 - np.log(u))) - onset_eV, 1e-300, 1.0, xtol=1e-15)
    return 12.0 * GAMMA1 * u ** (1.0 / _Q) * (1.0 + 1e-9)


def reward_shape(e: np.ndarray, onset_eV: float, ramp_eV: float) -> tuple[np.ndarray, np.ndarray]:
    """h(e) of the module notes (0 below the onset, 1 for an isolated atom) and h'(e)."""
    length = -EMT_AU_E0_EV - onset_eV - 0.5 * ramp_eV
    x = np.clip(np.asarray(e, dtype=float) - onset_eV, 0.0, None)
    ramp = x < ramp_eV
    h = np.where(ramp, x**2 / (2.0 * ramp_eV * length), (x - 0.5 * ramp_eV) / length)
    dh = np.where(ramp, x / (ramp_eV * length), 1.0 / length)
    return h, dh


#: The scalars the compiled kernels take, in the order of their `params` array.
KERNEL_PARAMETERS = (
    "eta", "r0", "cut_lo", "cut_hi", "gamma12", "q", "e0", "mu", "onset", "ramp", "sigma_onset",
)  # fmt: skip

#: How far above σ_onset an atom's density as asap3 EMT computes it (`potential_density`)
#: may lie and the atom still be evaluated. asap3's σ₁ is this module's σ with EMT's Fermi
#: cutoff instead of the smoothstep: they differ by < 1e-3 per atom (measured on a rattled
#: 4,897-atom particle), fifty times less than this margin.
DENSITY_MARGIN = 0.05


class EmbeddingSolvent(ExactStateCalculator):
    """The solvent of the module notes as an ASE calculator (energy, forces, energies).

    `parameters`: a `SolventParameters` with ``form = "embedding"`` (μ_s, onset, ramp).
    Pairs come from a Verlet list within the density's 5.66 Å cutoff; `compiled` as for
    `ImplicitSolvent` (one numba kernel that passes the pairs twice, σ first and then the
    forces of the pairs touching a rewarded atom; tested equal to the NumPy path).

    Inside the MD calculator (`TotalCalculator`, after asap3 EMT's forces) the compiled path
    takes EMT's own per-atom density (`potential_density`): only atoms within
    `DENSITY_MARGIN` of the onset density or below it can be on the reward, and only their
    rows of the neighbour list are evaluated (in a particle its edges, vertices and the
    cloud; tested equal to the full pass).
    """

    implemented_properties = ["energy", "forces", "energies"]  # noqa: RUF012 (ASE API)
    #: `TotalCalculator` passes asap3 EMT's per-atom density to `calculate`.
    takes_potential_density = True

    def __init__(self, parameters: SolventParameters, *, compiled: bool | None = None) -> None:
        super().__init__()
        if parameters.form != "embedding":
            raise ValueError("EmbeddingSolvent takes a solvent of form 'embedding'")
        self.solvent = parameters
        self._pairs = _PairList(CUTOFF_A[1], skin=1.4)
        self.compiled = numba_available() if compiled is None else compiled
        self._sigma_onset = onset_density(parameters.onset_eV)
        values = {
            "eta": EMT_AU_ETA2,
            "r0": EMT_BETA * EMT_AU_S0_A,
            "cut_lo": CUTOFF_A[0],
            "cut_hi": CUTOFF_A[1],
            "gamma12": 12.0 * GAMMA1,
            "q": _Q,
            "e0": -EMT_AU_E0_EV,
            "mu": parameters.mu_eV,
            "onset": parameters.onset_eV,
            "ramp": parameters.ramp_eV,
            "sigma_onset": self._sigma_onset,
        }
        self._params = np.array([values[name] for name in KERNEL_PARAMETERS])
        self._rows: tuple | None = None  # (first, start, neighbours) of the last pair list

    def densities(self, positions: np.ndarray, box: np.ndarray | None = None) -> tuple:
        """σ_i (n,), then for the pairs within the cutoff: first, second, θ_η'(r)/r and the
        three components of r_second − r_first (minimum images in a periodic `box`). The
        NumPy path; the compiled one (`_kernels_numba.embedding_solvent`) keeps no pairs."""
        first, second = self._pairs.update(positions, box)
        first, second, d, r = _close_pairs(positions, first, second, box, CUTOFF_A[1])
        theta, dtheta = density_pair(r)
        n = len(positions)
        sigma = np.bincount(first, theta, n) + np.bincount(second, theta, n)
        return sigma, first, second, dtheta / r, d

    def calculate(
        self,
        atoms=None,
        properties=("energy",),
        system_changes=all_changes,
        *,
        potential_density: np.ndarray | None = None,
    ):
        """As ASE's; `potential_density`: asap3 EMT's σ₁ per atom for these very positions
        (class notes), used by the compiled path to skip atoms that cannot be rewarded."""
        self.atoms = atoms
        self.remember(atoms)
        box = periodic_box(atoms)
        p = self.solvent
        n = len(atoms)
        forces = np.zeros((n, 3))
        if p.mu_eV == 0.0 or n == 0:
            self.results = {"energy": 0.0, "energies": np.zeros(n), "forces": forces}
            return
        if self.compiled:
            from aucluster.potentials import _kernels_numba as kernels

            first, second = self._pairs.update(atoms.positions, box)
            periodic = box is not None
            positions = np.ascontiguousarray(atoms.positions, dtype=float)
            cell = box if periodic else np.ones(3)
            if potential_density is None:
                energies, forces = kernels.embedding_solvent(
                    positions, first, second, cell, periodic, self._params
                )
            else:
                if self._rows is None or self._rows[0] is not first:
                    self._rows = (first, *kernels.full_rows(first, second, n))
                candidates = np.flatnonzero(
                    np.asarray(potential_density) < self._sigma_onset + DENSITY_MARGIN
                )
                energies, forces = kernels.embedding_solvent_rows(
                    positions,
                    self._rows[1],
                    self._rows[2],
                    candidates,
                    cell,
                    periodic,
                    self._params,
                )
            self.results = {"energy": float(energies.sum()), "energies": energies, "forces": forces}
            return
        sigma, first, second, dtheta_over_r, d = self.densities(atoms.positions, box)
        e, de = embedding_cost(sigma)
        h, dh = reward_shape(e, p.onset_eV, p.ramp_eV)
        energies = -p.mu_eV * h
        kappa = p.mu_eV * dh * de  # −∂E_i/∂σ_i; zero below the onset, as for most atoms
        forces = _pair_forces(n, first, second, kappa, dtheta_over_r, d)
        self.results = {"energy": float(energies.sum()), "energies": energies, "forces": forces}


__all__ = [
    "CUTOFF_A",
    "DENSITY_MARGIN",
    "GAMMA1",
    "KERNEL_PARAMETERS",
    "EmbeddingSolvent",
    "density_pair",
    "embedding_cost",
    "onset_density",
    "reward_shape",
]

"""The extra energy terms of aucluster: the implicit solvent and the confining wall.

Both are plain ASE calculators with analytic forces. The wall is for isolated clusters (pbc
False); the solvent also takes a fully periodic orthorhombic cell (minimum images), so a slab
with vacuum can be put in contact with its own vapour (`aucluster.thermo.solubility`).
"""

import importlib.util
from dataclasses import dataclass

import numpy as np
from ase.calculators.calculator import Calculator, all_changes
from scipy.spatial import cKDTree

from aucluster.errors import ParameterError


@dataclass(frozen=True, kw_only=True)
class SolventParameters:
    """Parameters of the implicit-solvent term (see `ImplicitSolvent`).

    Attributes
    ----------
    mu_eV : float
        μ_s, the largest gain [eV], that of an isolated atom. 0 switches the term off.
    r_inner, r_outer : float
        The neighbour count switches from 1 to 0 by a cosine between these distances [Å].
        Defaults sit between Au's first (2.88 Å) and second (4.08 Å) neighbour shells.
    c_max : float
        Coordination at and above which an atom gains nothing.
    form : str
        "coordination" (default): the reward −μ_s (1 − C/C_max)² of `ImplicitSolvent`, with
        the neighbour count above. "embedding": the reward follows EMT's own cohesive
        function of its neighbour density (`aucluster.potentials.embedding`; the cloud
        model's form, without the coordination form's hovering state and attachment
        barrier); r_inner, r_outer and c_max are then not used and must keep their defaults.
    onset_eV, ramp_eV : float
        Embedding form only: atoms lacking less than `onset_eV` of EMT's embedding energy
        gain nothing; the reward then rises quadratically over `ramp_eV` [eV] and linearly
        to μ_s for an isolated atom.
    """

    mu_eV: float = 0.0
    r_inner: float = 3.1
    r_outer: float = 3.7
    c_max: float = 6.0
    form: str = "coordination"
    onset_eV: float = 0.3
    ramp_eV: float = 0.4

    def __post_init__(self) -> None:
        if not (self.mu_eV >= 0 and np.isfinite(self.mu_eV)):
            raise ParameterError(f"solvent mu_eV = {self.mu_eV!r}: must be ≥ 0 (0 = off)")
        if self.form not in ("coordination", "embedding"):
            raise ParameterError(
                f"solvent form {self.form!r}: must be 'coordination' or 'embedding'"
            )
        if self.form == "coordination" and (self.onset_eV, self.ramp_eV) != (0.3, 0.4):
            raise ParameterError(
                "onset_eV and ramp_eV belong to the embedding solvent: give form = 'embedding'"
            )
        if self.form == "embedding":
            if (self.r_inner, self.r_outer, self.c_max) != (3.1, 3.7, 6.0):
                raise ParameterError(
                    "the embedding solvent has no r_inner, r_outer or c_max: leave them out"
                )
            if not (
                np.isfinite(self.onset_eV)
                and np.isfinite(self.ramp_eV)
                and self.onset_eV >= 0
                and self.ramp_eV > 0
                and self.onset_eV + self.ramp_eV < 3.0
            ):
                raise ParameterError(
                    f"solvent onset {self.onset_eV!r} eV, ramp {self.ramp_eV!r} eV: need "
                    "onset ≥ 0, ramp > 0 and onset + ramp < 3 eV (an isolated Au atom lacks "
                    "3.80 eV)"
                )
            limit = 3.80 - self.onset_eV - 0.5 * self.ramp_eV
            if self.mu_eV >= limit:
                raise ParameterError(
                    f"solvent mu_eV = {self.mu_eV:g} with onset {self.onset_eV:g} and ramp "
                    f"{self.ramp_eV:g} eV: need μ_s < {limit:.2f} eV, or the reward falls "
                    "faster than the embedding energy as an atom bonds (a barrier to "
                    "attachment)"
                )
        if not 0 < self.r_inner < self.r_outer:
            raise ParameterError(
                f"solvent switch {self.r_inner}–{self.r_outer} Å: need 0 < r_inner < r_outer"
            )
        if not self.c_max > 0:
            raise ParameterError(f"solvent c_max = {self.c_max!r}: must be positive")


class _PairList:
    """Verlet list of pairs i < j within `cutoff` + `skin`, rebuilt when an atom has moved
    more than skin/2 since the last build (then no pair inside `cutoff` can be missing).
    With `box` (the lengths of a periodic orthorhombic cell) pairs are minimum images."""

    def __init__(self, cutoff: float, skin: float) -> None:
        self.cutoff, self.skin = cutoff, skin
        self._reference: np.ndarray | None = None
        self._box: np.ndarray | None = None
        self.first = np.empty(0, dtype=np.intp)
        self.second = np.empty(0, dtype=np.intp)

    def update(
        self, positions: np.ndarray, box: np.ndarray | None = None
    ) -> tuple[np.ndarray, np.ndarray]:
        ref = self._reference
        same_box = (box is None and self._box is None) or (
            box is not None and self._box is not None and np.array_equal(box, self._box)
        )
        if ref is None or ref.shape != positions.shape or not same_box:
            stale = True
        else:
            moved = minimum_image(positions - ref, box)
            stale = (moved**2).sum(axis=1).max() > (0.5 * self.skin) ** 2
        if stale:
            reach = self.cutoff + self.skin
            if box is None:
                tree = cKDTree(positions)
            else:
                if reach >= 0.5 * box.min():
                    raise ParameterError(
                        f"periodic cell {box.min():.2f} Å across: the terms need more than "
                        f"{2 * reach:.1f} Å (twice their reach)"
                    )
                tree = cKDTree(wrap_into(positions, box), boxsize=box)
            pairs = tree.query_pairs(reach, output_type="ndarray")
            self.first, self.second = _sorted_pairs(pairs, len(positions))
            self._reference = positions.copy()
            self._box = None if box is None else box.copy()
        return self.first, self.second


def _sorted_pairs(pairs: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray]:
    """cKDTree's pairs (m, 2) as two contiguous int64 arrays, sorted by first, then second
    where the compiled kernels will loop over them (they then read neighbours in memory
    order: twice as fast on a 5,000-atom particle as cKDTree's order); the NumPy path's
    vectorised gathers do not care, so without numba the order is cKDTree's."""
    first = np.ascontiguousarray(pairs[:, 0], dtype=np.int64)
    second = np.ascontiguousarray(pairs[:, 1], dtype=np.int64)
    if not numba_available():
        return first, second
    from aucluster.potentials._kernels_numba import sorted_pairs

    return sorted_pairs(first, second, n)


def wrap_into(positions: np.ndarray, box: np.ndarray) -> np.ndarray:
    """Positions folded into [0, box) per axis. np.mod alone returns exactly `box` for
    coordinates a rounding error below zero, which scipy's periodic cKDTree refuses."""
    wrapped = np.mod(positions, box)
    return np.where(wrapped >= box, 0.0, wrapped)


def minimum_image(d: np.ndarray, box: np.ndarray | None) -> np.ndarray:
    """Displacements `d` (…, 3) [Å] folded to their nearest periodic image (unchanged for
    `box` None)."""
    return d if box is None else d - box * np.round(d / box)


def periodic_box(atoms) -> np.ndarray | None:
    """The edge lengths [Å] of `atoms`' cell if it is fully periodic and orthorhombic, None if
    no direction is periodic (an isolated cluster); anything else is refused."""
    pbc = np.asarray(atoms.pbc, dtype=bool)
    if not pbc.any():
        return None
    cell = atoms.cell.array
    if not pbc.all() or np.abs(cell - np.diag(np.diag(cell))).max() > 1e-9:
        raise ParameterError(
            "the solvent and small-cluster terms take an isolated cluster (pbc False) or a fully "
            "periodic orthorhombic cell (a slab with vacuum), not this cell"
        )
    return np.diag(cell).copy()


class ExactStateCalculator(Calculator):
    """ASE calculator base whose change detection is an exact array comparison.

    ASE's default `check_state` compares every array with `np.isclose`, which costs ~2 ms
    per call for 5,000 atoms: more than the wall and solvent terms themselves. An MD step
    changes the positions anyway, so exact equality is the right test.
    """

    _key: tuple | None = None

    def check_state(self, atoms, tol=1e-15):
        key = self._key
        current = (atoms.positions, atoms.numbers, atoms.cell.array, atoms.pbc)
        if (
            key is not None
            and atoms.positions.shape == key[0].shape
            and all(np.array_equal(a, b) for a, b in zip(key, current, strict=True))
        ):
            return []
        return list(all_changes)

    def remember(self, atoms) -> None:
        """Record the state the current results belong to."""
        self._key = tuple(
            np.array(x, copy=True)
            for x in (atoms.positions, atoms.numbers, atoms.cell.array, atoms.pbc)
        )

    def reset(self):
        super().reset()
        self._key = None


def _check_isolated(atoms) -> None:
    if atoms.pbc.any():
        raise ParameterError("the wall is for isolated clusters (pbc False)")


def numba_available() -> bool:
    """Whether numba (the ``fast`` extra) is installed: the compiled kernels are then used."""
    return importlib.util.find_spec("numba") is not None


def _close_pairs(
    positions: np.ndarray,
    first: np.ndarray,
    second: np.ndarray,
    box: np.ndarray | None,
    cutoff: float,
) -> tuple:
    """The candidate pairs closer than `cutoff`: first, second, the three components of
    r_second − r_first (minimum images in a periodic `box`) and the distances — the NumPy
    path's gather for the smooth-coordination terms. Coordinates are gathered column by
    column: 1-D `take` is ~5× faster than gathering rows of an (n, 3) array."""
    columns = np.ascontiguousarray(positions.T)
    d = [col.take(second) - col.take(first) for col in columns]
    if box is not None:
        d = [dk - length * np.round(dk / length) for dk, length in zip(d, box, strict=True)]
    r2 = d[0] * d[0] + d[1] * d[1] + d[2] * d[2]
    close = np.flatnonzero(r2 < cutoff**2)
    d = [component.take(close) for component in d]
    return first.take(close), second.take(close), d, np.sqrt(r2.take(close))


def _pair_forces(n: int, first, second, kappa, df_over_r, d) -> np.ndarray:
    """Forces of E = Σ_i e(x_i), x_i = Σ_j f(r_ij), from κ_i = −e'(x_i) per atom (the NumPy
    twin of `_kernels_numba.pair_forces`): F_second = −F_first = (κ_i + κ_j) f'(r)/r · d."""
    forces = np.zeros((n, 3))
    pair_kappa = kappa.take(first) + kappa.take(second)
    active = np.flatnonzero(pair_kappa)  # most pairs of a particle: both atoms off the reward
    coef = pair_kappa.take(active) * df_over_r.take(active)
    first, second = first.take(active), second.take(active)
    for k in range(3):  # bincount is far faster than np.add.at
        component = coef * d[k].take(active)
        forces[:, k] = np.bincount(second, component, n) - np.bincount(first, component, n)
    return forces


def neighbour_switch(r: np.ndarray, r_inner: float, r_outer: float) -> tuple:
    """How much a neighbour at distance r counts, f(r) (1 up to `r_inner`, a cosine to 0 at
    `r_outer`), and f'(r): the smooth coordination of `ImplicitSolvent`."""
    f = np.where(r < r_outer, 1.0, 0.0)
    df = np.zeros_like(r)
    switching = (r > r_inner) & (r < r_outer)  # only these need the cosine
    width = r_outer - r_inner
    x = np.pi * (r[switching] - r_inner) / width
    f[switching] = 0.5 * (1.0 + np.cos(x))
    df[switching] = -0.5 * np.pi / width * np.sin(x)
    return f, df


class ImplicitSolvent(ExactStateCalculator):
    r"""Implicit solvation that rewards low-coordinated atoms.

    Energy

    .. math::

        E = -\mu_s \sum_i w(C_i), \qquad C_i = \sum_{j \ne i} f(r_{ij}),

        w(C) = (1 - C/C_{max})^2 \;(C < C_{max}), \quad 0 \;(C \ge C_{max}),

        f(r) = 1 \;(r \le r_1), \quad \tfrac12[1 + \cos(\pi (r - r_1)/(r_2 - r_1))]
        \;(r_1 < r < r_2), \quad 0 \;(r \ge r_2).

    An isolated atom gains μ_s, a dimer atom μ_s(5/6)², an adatom on Au(111) (C = 3) μ_s/4,
    a (111) surface atom (C = 9) and a bulk atom nothing. w and f are C¹, so forces are
    continuous. Forces: for each pair at distance r with unit vector u = (r_j − r_i)/r,

    .. math::

        \mathbf F_j = -\mathbf F_i = \mu_s\,[w'(C_i) + w'(C_j)]\, f'(r)\, \mathbf u,

        w'(C) = -\tfrac{2}{C_{max}}(1 - C/C_{max}), \quad
        f'(r) = -\tfrac{\pi}{2(r_2 - r_1)} \sin(\pi (r - r_1)/(r_2 - r_1)).

    Its reward is lost between r_1 and r_2 (3.1–3.7 Å) while EMT still attracts to ~5.5 Å, so
    at large μ_s the reward goes before the bonding comes: at μ_s = 3.2 eV a monomer's lowest
    state hovers 3.25 Å above Au(111) behind a 1.27 eV barrier to the adatom site
    (`bench/cloud_landscape.py`). The cloud model uses the embedding form instead
    (`aucluster.potentials.embedding`, ``SolventParameters(form="embedding")``).

    μ_s is an energy reward for low coordination, meant for the free energy an Au atom gains
    from solvation and complexation in the liquid. It is not a chemical potential, and it does
    not set a supersaturation by itself: on plain EMT, whose small clusters are over-bound,
    the species it makes cheapest is the dimer; with the small-cluster correction the dimer
    and the monomer (docs/cloud.md, `aucluster.thermo.cloud`; the supersaturation knob is
    `aucluster.md.cloud`).
    """

    implemented_properties = ["energy", "forces", "energies"]  # noqa: RUF012 (ASE API)

    def __init__(self, parameters: SolventParameters, *, compiled: bool | None = None) -> None:
        """`compiled`: use the numba kernels (`_kernels_numba`); None (default) when numba is
        installed. Both paths give the same energies and forces (tested)."""
        super().__init__()
        self.solvent = parameters
        self._pairs = _PairList(parameters.r_outer, skin=0.8)
        self.compiled = numba_available() if compiled is None else compiled
        self._last: tuple | None = None

    def coordinations(self, positions: np.ndarray, box: np.ndarray | None = None) -> tuple:
        """Smooth coordination C_i (n,), then for the pairs closer than r_2: first and second
        atom (m,), f'(r)/r (m,) and the three components of r_second − r_first (m,) each
        (minimum images in a periodic `box`, `periodic_box`). Read-only arrays: the last
        result is kept and returned again for the same positions and box, so a term that
        shares this solvent's coordinations (the small-cluster correction) costs no second
        pass.
        """
        last = self._last
        if (
            last is not None
            and last[0].shape == positions.shape
            and np.array_equal(last[0], positions)
            and (last[1] is None) == (box is None)
            and (box is None or np.array_equal(last[1], box))
        ):
            return last[2]
        result = self._coordinations(positions, box)
        self._last = (positions.copy(), None if box is None else box.copy(), result)
        return result

    def _coordinations(self, positions: np.ndarray, box: np.ndarray | None) -> tuple:
        """`coordinations`, computed (the NumPy path's cost is the gather of `_close_pairs`)."""
        p = self.solvent
        first, second = self._pairs.update(positions, box)
        if self.compiled:
            from aucluster.potentials._kernels_numba import switch_pairs

            periodic = box is not None
            c, first, second, df_over_r, *d = switch_pairs(
                np.ascontiguousarray(positions, dtype=float),
                first.astype(np.int64, copy=False),
                second.astype(np.int64, copy=False),
                box if periodic else np.ones(3),
                periodic,
                p.r_inner,
                p.r_outer,
            )
            return c, first, second, df_over_r, d
        first, second, d, r = _close_pairs(positions, first, second, box, p.r_outer)
        f, df = neighbour_switch(r, p.r_inner, p.r_outer)
        n = len(positions)
        c = np.bincount(first, f, n) + np.bincount(second, f, n)
        return c, first, second, df / r, d

    def calculate(self, atoms=None, properties=("energy",), system_changes=all_changes):
        self.atoms = atoms
        self.remember(atoms)
        box = periodic_box(atoms)
        p = self.solvent
        n = len(atoms)
        forces = np.zeros((n, 3))
        if p.mu_eV == 0.0 or n == 0:
            self.results = {"energy": 0.0, "energies": np.zeros(n), "forces": forces}
            return
        c, first, second, df_over_r, d = self.coordinations(atoms.positions, box)
        s = np.clip(1.0 - c / p.c_max, 0.0, None)
        energies = -p.mu_eV * s**2
        dw = -2.0 / p.c_max * s  # w'(C); zero where C ≥ C_max, as for most atoms of a particle
        if self.compiled:
            from aucluster.potentials._kernels_numba import pair_forces

            forces = pair_forces(n, first, second, p.mu_eV * dw, df_over_r, *d)
            self.results = {"energy": float(energies.sum()), "energies": energies, "forces": forces}
            return
        forces = _pair_forces(n, first, second, p.mu_eV * dw, df_over_r, d)
        self.results = {"energy": float(energies.sum()), "energies": energies, "forces": forces}


@dataclass(frozen=True, kw_only=True)
class WallParameters:
    """A soft spherical wall: zero inside `radius` [Å] about a fixed `centre` [Å], harmonic
    with `stiffness_eV_per_A2` [eV/Å²] outside. centre None means the centre of the box."""

    radius: float
    stiffness_eV_per_A2: float = 1.0
    centre: tuple[float, float, float] | None = None

    def centre_of(self, atoms) -> np.ndarray:
        """The wall's centre [Å] for `atoms`: `centre`, or the middle of their box."""
        if self.centre is not None:
            return np.asarray(self.centre, dtype=float)
        return 0.5 * atoms.cell.array.sum(axis=0)

    def __post_init__(self) -> None:
        if not (self.radius > 0 and np.isfinite(self.radius)):
            raise ParameterError(f"wall radius {self.radius!r} Å: must be positive")
        if not self.stiffness_eV_per_A2 > 0:
            raise ParameterError(
                f"wall stiffness {self.stiffness_eV_per_A2!r} eV/Å²: must be positive"
            )


class SphericalWall(ExactStateCalculator):
    r"""Confining wall, E = ½ k Σ_i max(0, d_i − R)², d_i = |r_i − c|, with a fixed centre c.

    Forces F_i = −k (d_i − R) (r_i − c)/d_i outside, 0 inside. The centre is a fixed point,
    not the moving centre of mass, so energy is conserved (DESIGN, physics notes).
    """

    implemented_properties = ["energy", "forces", "energies"]  # noqa: RUF012 (ASE API)

    def __init__(self, parameters: WallParameters) -> None:
        super().__init__()
        self.wall = parameters

    def centre(self, atoms) -> np.ndarray:
        return self.wall.centre_of(atoms)

    def calculate(self, atoms=None, properties=("energy",), system_changes=all_changes):
        self.atoms = atoms
        self.remember(atoms)
        _check_isolated(atoms)
        n = len(atoms)
        energies, forces = np.zeros(n), np.zeros((n, 3))
        rel = atoms.positions - self.centre(atoms)
        d2 = np.einsum("ij,ij->i", rel, rel)
        outside = np.flatnonzero(d2 > self.wall.radius**2)  # usually few or none
        if len(outside):
            d = np.sqrt(d2[outside])
            excess = d - self.wall.radius
            k = self.wall.stiffness_eV_per_A2
            energies[outside] = 0.5 * k * excess**2
            forces[outside] = -k * (excess / d)[:, None] * rel[outside]
        self.results = {"energy": float(energies.sum()), "energies": energies, "forces": forces}

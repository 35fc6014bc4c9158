"""The Gupta (second-moment tight-binding, RGL) potential: asap3's calculator with a chosen
cutoff, and a direct NumPy implementation over every pair to check it.

E = Σ_i [ Σ_j A exp(−p (r_ij/r0 − 1)) − √(Σ_j ξ² exp(−2q (r_ij/r0 − 1))) ]
(Cleri & Rosato, Phys. Rev. B 48, 22 (1993), Eq. 1; Baletto et al., J. Chem. Phys. 116, 3856
(2002), Eq. 1).

asap3's `Gupta` replaces both exponentials by a fifth-order polynomial between a start radius
r_s and r_s + δ and drops every pair beyond. Its default, r_s = 1.73 and δ = 0.15 in units of
the potential's own nearest-neighbour distance a1 (2.880 Å for Au), keeps the third neighbours
and not the fourth; the fcc lattice sum then misses 0.68 meV per atom. The cutoff is a
setting here (`GuptaCutoff`):

- ``asap3``: asap3's default (r_s = 1.73 a1 = 4.98 Å);
- a radius in Å: r_s, with asap3's smoothing width δ = 0.15 a1 after it;
- ``none``: every pair. Realised as r_s = `UNTRUNCATED_RADIUS_R0` · r0 = 17.3 Å: the terms
  beyond are below 10⁻¹⁸ eV per pair, and the fcc lattice sum truncated there equals the
  sum over the whole lattice to the last bit of a double (`lattice_energy`); clusters of
  any size then cost O(N · 1000 neighbours), not O(N²).
"""

from dataclasses import dataclass

import numpy as np
from ase.calculators.calculator import Calculator, all_changes

from aucluster.errors import ParameterError

#: asap3's default start of the cutoff and width of its smoothing [nearest-neighbour distances].
ASAP3_CUTOFF_NN = 1.73
ASAP3_DELTA_NN = 0.15
#: "No cutoff" starts the smoothing here [units of r0]: beyond it every term is < 10⁻¹⁸ eV.
UNTRUNCATED_RADIUS_R0 = 6.0


def nearest_neighbour_distance(parameters) -> float:
    """The nearest-neighbour distance a1 [Å] asap3 derives from the parameters (the fcc
    distance at which the pair forces of the 12 neighbours balance), its unit of cutoff."""
    p, q, a, xi, r0 = parameters
    return float((np.log(np.sqrt(12.0) * a * p / (xi * q)) / (p - q) + 1.0) * r0)


@dataclass(frozen=True)
class GuptaCutoff:
    """How far a Gupta calculator reaches: asap3's default, a radius, or every pair."""

    #: "asap3", "radius" or "none"
    kind: str = "asap3"
    radius_A: float | None = None

    def __post_init__(self) -> None:
        if self.kind not in ("asap3", "radius", "none"):
            raise ParameterError(f"Gupta cutoff kind {self.kind!r}: asap3, radius or none")
        if (self.kind == "radius") != (self.radius_A is not None):
            raise ParameterError("a Gupta cutoff radius goes with kind 'radius' only")

    @classmethod
    def parse(cls, text: "str | float | GuptaCutoff") -> "GuptaCutoff":
        """'asap3', 'none' or a radius in Å (> 3 Å: beyond the nearest neighbours)."""
        if isinstance(text, GuptaCutoff):
            return text
        word = str(text).strip().lower()
        if word in ("asap3", "default"):
            return cls()
        if word in ("none", "untruncated", "inf"):
            return cls("none")
        try:
            radius = float(word)
        except ValueError:
            raise ParameterError(
                f"Gupta cutoff {text!r}: 'asap3' (its default), 'none' (every pair) or a "
                "radius in Å"
            ) from None
        if not np.isfinite(radius) or radius <= 3.0:
            raise ParameterError(
                f"Gupta cutoff {text!r} Å: must be a radius > 3 Å (the nearest neighbours sit "
                "at 2.88 Å), or 'none' for every pair"
            )
        return cls("radius", radius)

    def __str__(self) -> str:
        return f"{self.radius_A:g}" if self.kind == "radius" else self.kind

    def start_nn(self, parameters) -> float:
        """asap3's `cutoff` argument: r_s in nearest-neighbour distances."""
        a1 = nearest_neighbour_distance(parameters)
        if self.kind == "asap3":
            return ASAP3_CUTOFF_NN
        if self.kind == "none":
            return UNTRUNCATED_RADIUS_R0 * parameters[4] / a1
        assert self.radius_A is not None
        return self.radius_A / a1

    def reach_A(self, parameters) -> float:
        """The distance beyond which pairs do not interact [Å] (r_s + δ)."""
        return (self.start_nn(parameters) + ASAP3_DELTA_NN) * nearest_neighbour_distance(parameters)


def asap3_gupta(parameters, cutoff: GuptaCutoff | str = "asap3", element: str = "Au"):
    """asap3's Gupta calculator for one element with the given cutoff."""
    from asap3 import Gupta

    cutoff = GuptaCutoff.parse(cutoff)
    return Gupta(
        {element: list(parameters)}, cutoff=cutoff.start_nn(parameters), delta=ASAP3_DELTA_NN
    )


def _pair_terms(parameters, r: np.ndarray):
    p, q, a, xi, r0 = parameters
    repulsive = a * np.exp(-p * (r / r0 - 1.0))
    density = xi**2 * np.exp(-2.0 * q * (r / r0 - 1.0))
    return repulsive, density, -p / r0 * repulsive, -2.0 * q / r0 * density


def lattice_energy(parameters, a: float, *, radius_A: float | None = None) -> float:
    """Energy per atom of the perfect fcc crystal of lattice constant `a` [Å]: the sum over
    every lattice vector (`radius_A` None: out to where the terms vanish in double
    precision), or over those shorter than `radius_A` with a hard cut."""
    r0 = parameters[4]
    reach = radius_A if radius_A is not None else 12.0 * r0  # terms < 10⁻⁴⁰ eV beyond
    n = int(np.ceil(reach / a)) + 1
    g = np.arange(-n, n + 1, dtype=float)
    cells = np.stack(np.meshgrid(g, g, g, indexing="ij"), axis=-1).reshape(-1, 1, 3)
    basis = np.array([[0, 0, 0], [0.5, 0.5, 0], [0.5, 0, 0.5], [0, 0.5, 0.5]])
    r = np.linalg.norm((cells + basis).reshape(-1, 3) * a, axis=1)
    r = np.sort(r[(r > 1e-9) & (r < reach)])[::-1]  # small terms first: the sum rounds less
    repulsive, density, _, _ = _pair_terms(parameters, r)
    return float(repulsive.sum() - np.sqrt(density.sum()))


class NumpyGupta(Calculator):
    """The Gupta potential summed over every pair of atoms, in NumPy (O(N²) memory and time:
    a reference for tests, not for production). Energy, per-atom energies and forces."""

    implemented_properties = ["energy", "energies", "forces"]  # noqa: RUF012 (ASE API)

    def __init__(self, parameters, **kwargs) -> None:
        super().__init__(**kwargs)
        self.gupta = tuple(float(x) for x in parameters)

    def calculate(self, atoms=None, properties=("energy",), system_changes=all_changes):
        super().calculate(atoms, properties, system_changes)
        pos = self.atoms.positions
        n = len(pos)
        vec = pos[:, None, :] - pos[None, :, :]  # r_i − r_j
        r = np.linalg.norm(vec, axis=-1)
        np.fill_diagonal(r, np.inf)  # no self term: exp(−∞) = 0
        repulsive, density, d_repulsive, d_density = _pair_terms(self.gupta, r)
        rho = density.sum(axis=1)
        sqrt_rho = np.sqrt(rho)
        energies = repulsive.sum(axis=1) - sqrt_rho
        # dE/dr_ij over both atoms of the pair: 2 A' − (1/(2√ρ_i) + 1/(2√ρ_j)) ρ'
        inv = np.divide(0.5, sqrt_rho, out=np.zeros(n), where=sqrt_rho > 0)
        de_dr = 2.0 * d_repulsive - (inv[:, None] + inv[None, :]) * d_density
        with np.errstate(invalid="ignore"):
            unit = np.where(np.isfinite(r)[..., None], vec / r[..., None], 0.0)
        forces = -(de_dr[..., None] * unit).sum(axis=1)
        self.results["energies"] = energies
        self.results["energy"] = float(energies.sum())
        self.results["forces"] = forces

"""Energy barriers of representative exchange events by the nudged elastic band (ASE's NEB with
a climbing image), on the Hamiltonian the MD moves on, to check the Arrhenius energies of
`aucluster.kinetics.rates` independently.

An event takes one atom of a relaxed particle from its site (an adatom on a (111) or a (100)
facet, an edge atom, a corner atom) out along the particle's radius to a distance where it has
no neighbour within the potential's reach (`FREE_DISTANCE_A`): a monomer of the cloud. Both ends
are relaxed (FIRE), the band interpolated with IDPP and relaxed with the climbing image. The
detach barrier is the highest image's energy above the bound state; the attach barrier, above
the free state. When the highest image is the free end there is no saddle: detachment is uphill
all the way (its "barrier" is the reaction energy) and attachment barrierless.
"""

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
from ase import Atoms
from ase.mep import NEB
from ase.neighborlist import neighbor_list
from ase.optimize import FIRE

from aucluster.errors import ParameterError

#: Distance [Å] from the detached atom to its nearest particle atom in the free state: beyond
#: EMT's reach (~5.5 Å) and the embedding solvent's coordination count (3.7 Å).
FREE_DISTANCE_A = 7.5

#: A bump [eV] smaller than this above both ends of a band is not a saddle: ≪ k_BT (43 meV at
#: 500 K), and within what a band of 9 images relaxed to 0.03 eV/Å resolves.
SADDLE_MIN_EV = 0.01

#: The events `site_event` builds.
EVENTS = ("adatom-111", "adatom-100", "edge", "corner")

#: Nearest-neighbour distance cut [Å] for coordination numbers on a relaxed EMT Au particle.
NEIGHBOUR_CUT_A = 3.4

CalculatorFactory = Callable[[Atoms], object]


@dataclass(frozen=True)
class Path:
    """A relaxed minimum-energy path: the image energies [eV] along the band, relative to the
    bound (first) state, and what follows from them."""

    energies_eV: tuple[float, ...]
    converged: bool
    max_force_eV_A: float
    steps: int

    @property
    def detach_barrier_eV(self) -> float:
        return max(self.energies_eV) - self.energies_eV[0]

    @property
    def attach_barrier_eV(self) -> float:
        return max(self.energies_eV) - self.energies_eV[-1]

    @property
    def reaction_energy_eV(self) -> float:
        return self.energies_eV[-1] - self.energies_eV[0]

    @property
    def has_saddle(self) -> bool:
        """Whether the highest image lies inside the band (a barrier that is not the reaction
        energy), by more than `SADDLE_MIN_EV` above both ends."""
        top = max(self.energies_eV)
        return top > max(self.energies_eV[0], self.energies_eV[-1]) + SADDLE_MIN_EV


def relax(atoms: Atoms, calculator: CalculatorFactory, fmax: float = 0.01, steps: int = 5000):
    """`atoms` relaxed in place with FIRE to max |F| < `fmax` [eV/Å]; refused if it does not."""
    atoms.calc = calculator(atoms)
    if not FIRE(atoms, logfile=None).run(fmax=fmax, steps=steps):
        raise ParameterError(f"relaxation did not reach {fmax} eV/Å in {steps} steps")
    return atoms


def minimum_energy_path(
    initial: Atoms,
    final: Atoms,
    calculator: CalculatorFactory,
    *,
    n_images: int = 9,
    fmax: float = 0.03,
    steps: int = 3000,
    spring: float = 0.1,
    remove_rotation: bool = False,
) -> Path:
    """The climbing-image NEB between relaxed `initial` and `final` (same atoms, same order):
    `n_images` interior images interpolated by IDPP, relaxed with FIRE to `fmax` [eV/Å]."""
    if len(initial) != len(final) or (initial.numbers != final.numbers).any():
        raise ParameterError("NEB: the initial and final states must hold the same atoms")
    if n_images < 1:
        raise ParameterError(f"NEB: n_images = {n_images}: at least 1")
    images = [initial.copy() for _ in range(n_images + 1)] + [final.copy()]
    for image in images:
        image.calc = calculator(image)
    band = NEB(
        images,
        k=spring,
        climb=True,
        method="improvedtangent",
        remove_rotation_and_translation=remove_rotation,
    )
    band.interpolate(method="idpp")
    optimizer = FIRE(band, logfile=None)
    converged = bool(optimizer.run(fmax=fmax, steps=steps))
    energies = np.array([image.get_potential_energy() for image in images])
    forces = band.get_forces().reshape(-1, 3)
    return Path(
        energies_eV=tuple(float(e) for e in energies - energies[0]),
        converged=converged,
        max_force_eV_A=float(np.sqrt((forces**2).sum(axis=1)).max()),
        steps=int(optimizer.nsteps),
    )


def coordination(atoms: Atoms, cut: float = NEIGHBOUR_CUT_A) -> np.ndarray:
    i = neighbor_list("i", atoms, cut)
    return np.bincount(i, minlength=len(atoms))


def _outward(atoms: Atoms, index: int, direction: np.ndarray) -> Atoms:
    """`atoms` with atom `index` moved along `direction` until its nearest other atom is
    `FREE_DISTANCE_A` away."""
    moved = atoms.copy()
    unit = direction / np.linalg.norm(direction)
    others = np.delete(moved.positions, index, axis=0)
    for step in np.arange(0.0, 40.0, 0.05):
        p = atoms.positions[index] + step * unit
        if np.linalg.norm(others - p, axis=1).min() >= FREE_DISTANCE_A:
            moved.positions[index] = p
            return moved
    raise ParameterError("could not move the atom free of the particle within 40 Å")


def _facet_atoms(atoms: Atoms, cn: np.ndarray, normal: np.ndarray, wanted: int) -> np.ndarray:
    """Indices of the outermost layer along `normal` among atoms of coordination `wanted`."""
    centre = atoms.positions.mean(axis=0)
    height = (atoms.positions - centre) @ normal
    mine = np.where(cn == wanted)[0]
    top = height[mine].max()
    return mine[height[mine] > top - 0.5]


def site_event(particle: Atoms, event: str) -> tuple[Atoms, Atoms, int]:
    """Bound and free (unrelaxed) states of `event` on a cube-aligned fcc `particle` (e.g. a
    truncated octahedron of `aucluster build`), and the index of the atom that leaves."""
    if event not in EVENTS:
        raise ParameterError(f"event {event!r}: one of {', '.join(EVENTS)}")
    atoms = particle.copy()
    atoms.calc = None
    centre = atoms.positions.mean(axis=0)
    cn = coordination(atoms)
    if event in ("adatom-111", "adatom-100"):
        normal = np.ones(3) / math.sqrt(3) if event == "adatom-111" else np.array([1.0, 0, 0])
        facet_cn, corners = (9, 3) if event == "adatom-111" else (8, 4)
        facet = _facet_atoms(atoms, cn, normal, facet_cn)
        if len(facet) < corners:
            raise ParameterError(f"{event}: the particle has no such facet")
        # the hollow nearest the facet's centre: its `corners` atoms nearest the centre line
        foot = atoms.positions[facet] - centre
        lateral = foot - np.outer(foot @ normal, normal)
        picks = facet[np.argsort(np.linalg.norm(lateral, axis=1))[:corners]]
        hollow = atoms.positions[picks].mean(axis=0)
        d_nn = float(np.median(np.linalg.norm(np.diff(atoms.positions[picks], axis=0), axis=1)))
        lift = d_nn * (math.sqrt(2.0 / 3.0) if event == "adatom-111" else math.sqrt(0.5))
        bound = atoms + Atoms("Au", positions=[hollow + lift * normal])
        index = len(bound) - 1
        return bound, _outward(bound, index, normal), index
    wanted = 7 if event == "edge" else 6
    mine = np.where(cn == wanted)[0]
    if not len(mine):
        raise ParameterError(f"{event}: no atom of coordination {wanted} on the particle")
    # the most radial such atom (a reproducible choice among equivalent ones)
    distance = np.linalg.norm(atoms.positions[mine] - centre, axis=1)
    index = int(mine[np.lexsort((mine, -np.round(distance, 3)))[0]])
    return atoms, _outward(atoms, index, atoms.positions[index] - centre), index


@dataclass(frozen=True)
class EventBarrier:
    event: str
    coordination: int
    path: Path


def event_barriers(
    particle: Atoms,
    calculator: CalculatorFactory,
    events: Sequence[str] = EVENTS,
    *,
    n_images: int = 9,
    fmax: float = 0.03,
) -> list[EventBarrier]:
    """The NEB path of each event on `particle` (relaxed first), on `calculator`'s Hamiltonian."""
    relaxed = relax(particle.copy(), calculator)
    relaxed.calc = None
    out = []
    for event in events:
        bound, free, index = site_event(relaxed, event)
        relax(bound, calculator)
        relax(free, calculator)
        # the free atom has no force (nothing within reach): it stays where it was put
        path = minimum_energy_path(bound, free, calculator, n_images=n_images, fmax=fmax)
        out.append(EventBarrier(event, int(coordination(bound)[index]), path))
    return out


#: Columns of barriers.csv.
BARRIER_COLUMNS = (
    "event",
    "coordination",
    "site_class",
    "detach_barrier_eV",
    "attach_barrier_eV",
    "reaction_energy_eV",
    "has_saddle",
    "converged",
    "max_force_eV_A",
    "images",
    "energies_eV",
)


def barrier_rows(barriers: Sequence[EventBarrier]) -> list[dict]:
    from aucluster.analysis.exchange import site_class

    return [
        {
            "event": b.event,
            "coordination": b.coordination,
            "site_class": site_class(b.coordination),
            "detach_barrier_eV": b.path.detach_barrier_eV,
            "attach_barrier_eV": b.path.attach_barrier_eV,
            "reaction_energy_eV": b.path.reaction_energy_eV,
            "has_saddle": b.path.has_saddle,
            "converged": b.path.converged,
            "max_force_eV_A": b.path.max_force_eV_A,
            "images": len(b.path.energies_eV),
            "energies_eV": " ".join(f"{e:.4f}" for e in b.path.energies_eV),
        }
        for b in barriers
    ]


def plot_barriers(barriers: Sequence[EventBarrier], path, *, title: str) -> None:
    """Energy along each band (image index scaled to 0–1), relative to the bound state."""
    from matplotlib.figure import Figure

    fig = Figure(figsize=(5.5, 3.6), layout="constrained")
    ax = fig.subplots()
    for b in barriers:
        e = np.array(b.path.energies_eV)
        ax.plot(np.linspace(0, 1, len(e)), e, "o-", ms=3, label=f"{b.event} (CN {b.coordination})")
    ax.set_xlabel("reaction coordinate (bound → free monomer)")
    ax.set_ylabel("energy above the bound state [eV]")
    ax.legend(fontsize=8)
    ax.set_title(title, fontsize=9)
    fig.savefig(path, dpi=120, format="png")


__all__ = [
    "BARRIER_COLUMNS",
    "EVENTS",
    "FREE_DISTANCE_A",
    "EventBarrier",
    "Path",
    "barrier_rows",
    "coordination",
    "event_barriers",
    "minimum_energy_path",
    "plot_barriers",
    "relax",
    "site_event",
]

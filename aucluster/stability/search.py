"""Global-minimum search for small clusters: basin hopping with restarts.

Basin hopping (Wales & Doye, J. Phys. Chem. A 101, 5111 (1997)): perturb every atom by a
uniform random step, relax locally (FIRE), accept the new minimum by the Metropolis rule at
an effective temperature, remember the lowest. Independent restarts from random compact
starts show how reliably the search finds its best: `hits` counts the restarts that ended
within `energy_tolerance_eV` of the overall best.

ASE has a `BasinHopping` class, but it draws from NumPy's global random state (no seed per
run, so parallel restarts are not reproducible) and writes trajectory files; this loop is
the same algorithm with an explicit `numpy.random.Generator` per restart.
"""

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from ase import Atoms

from aucluster.errors import ParameterError
from aucluster.parallel import map_unordered
from aucluster.potentials import Potential
from aucluster.stability.relax import relax
from aucluster.structures.elements import nearest_neighbour_distance
from aucluster.structures.geometry import in_vacuum_box
from aucluster.structures.packing import points_in_shell, random_sequential_addition


@dataclass(frozen=True, kw_only=True)
class SearchSettings:
    """Basin-hopping settings.

    Attributes
    ----------
    steps : int
        Basin-hopping steps per restart.
    temperature_eV : float
        Metropolis temperature kT [eV]; 0.2 eV lets a gold cluster climb out of shallow
        funnels (a bond is ~0.4 eV).
    step_A : float
        Largest displacement of each Cartesian coordinate per step [Å]; 1.2 Å (0.4 of a
        bond) found the EMT Au13 icosahedron from 4 of 4 random starts where 0.4 Å found it
        from none (200 steps each).
    fmax : float
        Force criterion of each local relaxation [eV/Å].
    energy_tolerance_eV : float
        Two minima closer than this are the same.
    """

    steps: int = 200
    temperature_eV: float = 0.2
    step_A: float = 1.2
    fmax: float = 0.01
    energy_tolerance_eV: float = 1e-3

    def __post_init__(self) -> None:
        if int(self.steps) != self.steps or self.steps < 1:
            raise ParameterError(f"steps = {self.steps!r}: must be an integer ≥ 1")
        for name in ("temperature_eV", "step_A", "fmax", "energy_tolerance_eV"):
            value = getattr(self, name)
            if not np.isfinite(value) or value <= 0:
                raise ParameterError(f"{name} = {value!r}: must be a positive number")


@dataclass(frozen=True, kw_only=True)
class RestartResult:
    seed: int
    energy_eV: float
    atoms: Atoms
    step_found: int


@dataclass(frozen=True, kw_only=True)
class SearchResult:
    """The lowest minimum over all restarts and how often it was found."""

    n_atoms: int
    energy_eV: float
    atoms: Atoms
    restarts: list[RestartResult]
    hits: int
    motif: str  # of the best structure, by CNA (`aucluster.analysis.analyze_frame`)


def random_cluster(
    n_atoms: int, rng: np.random.Generator, *, nn_distance: float, element: str = "Au"
) -> Atoms:
    """`n_atoms` atoms at random in a sphere of the close-packed volume ×2, no pair closer than
    0.8 nearest-neighbour distances."""
    radius = nn_distance * (2.0 * n_atoms / 0.74) ** (1.0 / 3.0) / 2.0
    points = random_sequential_addition(
        n_atoms, lambda k: points_in_shell(k, 0.0, radius, rng), 0.8 * nn_distance
    )
    return in_vacuum_box(Atoms(f"{element}{n_atoms}", positions=points))


def basin_hopping(
    atoms: Atoms,
    settings: SearchSettings,
    rng: np.random.Generator,
    *,
    potential: Potential | str = Potential.EMT,
    calculator_factory: Callable[[], object] | None = None,
) -> tuple[Atoms, float, int]:
    """One basin-hopping run from `atoms`: (lowest structure, its energy [eV], step found)."""

    def local(structure: Atoms):
        calc = calculator_factory() if calculator_factory is not None else None
        return relax(structure, potential, fmax=settings.fmax, calculator=calc)

    current = local(atoms)
    best, best_step = current, 0
    for step in range(1, settings.steps + 1):
        trial_atoms = current.atoms.copy()
        trial_atoms.positions += rng.uniform(-settings.step_A, settings.step_A, (len(atoms), 3))
        trial_atoms = in_vacuum_box(trial_atoms)  # recentre: the box must keep its vacuum
        trial = local(trial_atoms)
        delta = trial.energy_eV - current.energy_eV
        if delta < 0 or rng.random() < np.exp(-delta / settings.temperature_eV):
            current = trial
        if current.energy_eV < best.energy_eV - 1e-9:
            best, best_step = current, step
    return best.atoms, best.energy_eV, best_step


def _restart(
    seed: int,
    *,
    n_atoms: int,
    settings: SearchSettings,
    potential: str,
    element: str,
    nn_distance: float,
    calculator_factory,
) -> RestartResult:
    rng = np.random.default_rng(seed)
    start = random_cluster(n_atoms, rng, nn_distance=nn_distance, element=element)
    atoms, energy, step = basin_hopping(
        start, settings, rng, potential=potential, calculator_factory=calculator_factory
    )
    return RestartResult(seed=seed, energy_eV=energy, atoms=atoms, step_found=step)


def global_minimum(
    n_atoms: int,
    *,
    potential: Potential | str = Potential.EMT,
    restarts: int = 4,
    seed: int = 0,
    settings: SearchSettings | None = None,
    element: str = "Au",
    nn_distance: float | None = None,
    calculator_factory: Callable[[], object] | None = None,
    workers: int | None = 1,
    scheduler: str | None = None,
) -> SearchResult:
    """Basin hopping from `restarts` random starts (seeds seed, seed+1, …), in parallel over
    Dask when `workers` > 1 or a `scheduler` is given.

    `calculator_factory` replaces `potential` (a model potential in reduced units, with
    `nn_distance` its nearest-neighbour distance).
    """
    if int(n_atoms) != n_atoms or not 2 <= n_atoms <= 200:
        raise ParameterError(f"n_atoms = {n_atoms!r}: global search is for 2–200 atoms")
    if int(restarts) != restarts or restarts < 1:
        raise ParameterError(f"restarts = {restarts!r}: must be an integer ≥ 1")
    settings = SearchSettings() if settings is None else settings
    if calculator_factory is None:
        potential = str(Potential(potential))
    d_nn = nearest_neighbour_distance(element) if nn_distance is None else nn_distance
    seeds = [seed + i for i in range(restarts)]
    results: list[RestartResult | None] = [None] * restarts
    for index, result in map_unordered(
        _restart,
        seeds,
        workers=workers,
        scheduler=scheduler,
        n_atoms=int(n_atoms),
        settings=settings,
        potential=str(potential),
        element=element,
        nn_distance=d_nn,
        calculator_factory=calculator_factory,
    ):
        results[index] = result
    done: list[RestartResult] = [r for r in results if r is not None]
    best = min(done, key=lambda r: r.energy_eV)
    hits = sum(r.energy_eV <= best.energy_eV + settings.energy_tolerance_eV for r in done)
    from aucluster.analysis import analyze_frame

    return SearchResult(
        n_atoms=int(n_atoms),
        energy_eV=best.energy_eV,
        atoms=best.atoms,
        restarts=done,
        hits=hits,
        motif=str(analyze_frame(best.atoms).motif),
    )

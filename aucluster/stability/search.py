"""Global-minimum search for small clusters: basin hopping with restarts.

Basin hopping (Wales & Doye, J. Phys. Chem. A 101, 5111 (1997)): perturb every atom by a
uniform random step, relax locally (FIRE), accept the new minimum by the Metropolis rule at
an effective temperature, remember the lowest. Independent restarts from random compact
starts show how reliably the search finds its best: `hits` counts the restarts that ended
within `energy_tolerance_eV` of the overall best.

Restarts may also start from the motif table (`motif_seeds`): every shell-motif member with
N to N + `SEED_EXTRA_ATOMS` atoms, stripped of its least-coordinated atoms down to N. Funnels
such as the 38-atom truncated octahedron's (LJ38, Au38), which random starts rarely reach,
are then entered from the start.

ASE has a `BasinHopping` class, but it draws from NumPy's global random state (no seed per
run, so parallel restarts are not reproducible) and writes trajectory files; this loop is
the same algorithm with an explicit `numpy.random.Generator` per restart.
"""

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from ase import Atoms

from aucluster.errors import ParameterError
from aucluster.parallel import BatchCluster, map_unordered
from aucluster.potentials import Potential
from aucluster.stability.relax import relax
from aucluster.structures.elements import nearest_neighbour_distance
from aucluster.structures.geometry import coordination_numbers, in_vacuum_box
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
    #: "random", or the motif member the restart was seeded from (`motif_seeds`)
    start: str = "random"


#: A seed is cut from motif members of N to N + this many atoms.
SEED_EXTRA_ATOMS = 12


def motif_seeds(
    n_atoms: int, *, element: str = "Au", a0: float | None = None
) -> list[tuple[str, Atoms]]:
    """Starts for a search of `n_atoms` atoms from the motif families: each member of every
    shell motif (icosahedra, Ino and Marks decahedra, cuboctahedra, octahedra, truncated
    octahedra) with N ≤ N' ≤ N + `SEED_EXTRA_ATOMS`, with its N' − N least-coordinated atoms
    removed one at a time (coordination within 1.2 nearest-neighbour distances, recounted
    after each removal; ties go to the atom farthest from the centre). Labelled
    "motif parameters −k"."""
    from aucluster.structures.motif import SHELL_MOTIFS
    from aucluster.structures.series import build_member, motif_family

    d_nn = nearest_neighbour_distance(element, a0)
    seeds = []
    for motif in SHELL_MOTIFS:
        for member in motif_family(motif, n_atoms + SEED_EXTRA_ATOMS):
            if member.n_atoms < n_atoms:
                continue
            atoms = strip_to(build_member(member, element=element, a0=a0), n_atoms, d_nn)
            removed = member.n_atoms - n_atoms
            label = " ".join(f"{k}={v}" for k, v in member.parameters)
            seeds.append((f"{motif} {label}" + (f" −{removed}" if removed else ""), atoms))
    return seeds


def strip_to(atoms: Atoms, n_atoms: int, nn_distance: float) -> Atoms:
    """A copy of `atoms` with its least-coordinated atoms removed one at a time down to
    `n_atoms` (neighbours within 1.2 `nn_distance`, recounted after each removal; ties go to
    the atom farthest from the centre)."""
    atoms = atoms.copy()
    while len(atoms) > n_atoms:
        coordination = coordination_numbers(atoms, 1.2 * nn_distance)
        radius = np.linalg.norm(atoms.positions - atoms.positions.mean(axis=0), axis=1)
        del atoms[int(np.lexsort((-radius, coordination))[0])]
    return atoms


def add_atom(
    atoms: Atoms, nn_distance: float, rng: np.random.Generator, *, directions: int = 32
) -> Atoms:
    """A copy of `atoms` with one atom more, on the surface site with the most neighbours:
    of `directions` random points one `nn_distance` from each atom, those no closer than
    0.95 `nn_distance` to any atom, the one with the most atoms within 1.2 `nn_distance`
    (ties: nearest the centre)."""
    from scipy.spatial import cKDTree

    v = rng.normal(size=(len(atoms), directions, 3))
    v /= np.linalg.norm(v, axis=2, keepdims=True)
    points = (atoms.positions[:, None, :] + nn_distance * v).reshape(-1, 3)
    tree = cKDTree(atoms.positions)
    nearest, _ = tree.query(points)
    points = points[nearest >= 0.95 * nn_distance]
    if not len(points):
        raise ValueError("no free site found around the cluster")
    counts = np.array([len(x) for x in tree.query_ball_point(points, 1.2 * nn_distance)])
    radius = np.linalg.norm(points - atoms.positions.mean(axis=0), axis=1)
    out = atoms.copy()
    out.append(atoms[0])
    out.positions[-1] = points[int(np.lexsort((radius, -counts))[0])]
    return in_vacuum_box(out)


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
    task: tuple[int, str, Atoms | None],
    *,
    n_atoms: int,
    settings: SearchSettings,
    potential: str,
    element: str,
    nn_distance: float,
    calculator_factory,
) -> RestartResult:
    seed, label, start = task
    rng = np.random.default_rng(seed)
    if start is None:
        start = random_cluster(n_atoms, rng, nn_distance=nn_distance, element=element)
    atoms, energy, step = basin_hopping(
        in_vacuum_box(start.copy()),
        settings,
        rng,
        potential=potential,
        calculator_factory=calculator_factory,
    )
    return RestartResult(seed=seed, energy_eV=energy, atoms=atoms, step_found=step, start=label)


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
    seeds: "list[tuple[str, Atoms]] | None" = None,
) -> SearchResult:
    """Basin hopping from `restarts` random starts and from each of `seeds` (label, start
    structure of `n_atoms` atoms; e.g. `motif_seeds`), restart i drawing from the random
    seed `seed` + i, in parallel over Dask when `workers` > 1 or a `scheduler` is given.

    `calculator_factory` replaces `potential` (a model potential in reduced units, with
    `nn_distance` its nearest-neighbour distance).
    """
    if int(n_atoms) != n_atoms or not 2 <= n_atoms <= 200:
        raise ParameterError(f"n_atoms = {n_atoms!r}: global search is for 2–200 atoms")
    seeds = list(seeds or [])
    if int(restarts) != restarts or restarts < 0 or (restarts == 0 and not seeds):
        raise ParameterError(
            f"restarts = {restarts!r}: must be an integer ≥ 1 (≥ 0 with seeded starts)"
        )
    bad = [label for label, atoms in seeds if len(atoms) != n_atoms]
    if bad:
        raise ParameterError(f"seeded starts {bad} do not have {n_atoms} atoms")
    settings = SearchSettings() if settings is None else settings
    if calculator_factory is None:
        potential = str(Potential(potential))
    d_nn = nearest_neighbour_distance(element) if nn_distance is None else nn_distance
    tasks: list[tuple[int, str, Atoms | None]] = [
        (seed + i, label, start)
        for i, (label, start) in enumerate([*seeds, *[("random", None)] * int(restarts)])
    ]
    results: list[RestartResult | None] = [None] * len(tasks)
    for index, result in map_unordered(
        _restart,
        tasks,
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


def _sized_restart(task, *, settings: SearchSettings, **kwargs) -> RestartResult:
    """A restart of a multi-size search: the task carries its size and its step count."""
    from dataclasses import replace

    n_atoms, steps, seed, label, start = task
    return _restart(
        (seed, label, start), n_atoms=n_atoms, settings=replace(settings, steps=steps), **kwargs
    )


@dataclass(frozen=True, kw_only=True)
class MinimumRow:
    """The lowest structure found at one size, with Δ and (where N ± 1 were searched) Δ2E."""

    n_atoms: int
    energy_eV: float
    delta_eV: float
    delta2_eV: float | None
    magic: bool  # Δ2E > 0 and above both neighbours' Δ2E
    motif: str  # CNA's verdict on the structure
    start: str  # the restart that found it: "random" or the motif member it was seeded from
    hits: int
    restarts: int
    steps: int  # basin-hopping steps at this size, over all its restarts
    #: how far pass 2 (starts from the neighbouring sizes' minima) went below pass 1 [eV]
    pass2_gain_eV: float
    #: the lowest of N + 1's final minimum stripped to N and N − 1's with an atom added, each
    #: relaxed once, minus E(N) [eV] (None without a searched neighbour); < 0 proves the
    #: search stopped above a lower N-atom structure (`neighbour_gaps`)
    neighbour_gap_eV: float | None
    atoms: Atoms


def neighbour_starts(
    structures: dict[int, Atoms], n_atoms: int, nn_distance: float, rng: np.random.Generator
) -> list[tuple[str, Atoms]]:
    """N-atom starts from the neighbouring sizes' structures, where `structures` holds them:
    N + 1's with its least-coordinated atom removed (`strip_to`) and N − 1's with an atom on
    its best-coordinated site (`add_atom`), labelled."""
    n = n_atoms
    starts = []
    if n + 1 in structures:
        starts.append((f"{n + 1}-atom minimum −1", strip_to(structures[n + 1], n, nn_distance)))
    if n - 1 in structures:
        starts.append((f"{n - 1}-atom minimum +1", add_atom(structures[n - 1], nn_distance, rng)))
    return starts


def neighbour_gaps(
    minima: dict[int, tuple[Atoms, float]],
    *,
    potential: Potential | str = Potential.EMT,
    fmax: float = 0.01,
    seed: int = 0,
    calculator_factory: Callable[[], object] | None = None,
) -> dict[int, float]:
    """A consistency check of a set of minima {N: (structure, energy [eV])}: for each N with
    a neighbour in the set, the lowest energy of its `neighbour_starts`, each relaxed once
    with FIRE to `fmax`, minus E(N).

    A negative gap is a proof that the search at N stopped above the global minimum: a lower
    N-atom structure is one relaxation away. A non-negative gap proves nothing. (Comparing
    E(N + 1) with E(N) does not: a cluster N + 1 lower than N only says that its last atom
    is bound more strongly than in the bulk, which a closed shell can do.)"""
    if not minima:
        return {}
    element = next(iter(minima.values()))[0].get_chemical_symbols()[0]
    d_nn = nearest_neighbour_distance(element)
    structures = {n: atoms for n, (atoms, _) in minima.items()}
    gaps = {}
    for n, (_, energy) in sorted(minima.items()):
        rng = np.random.default_rng(seed + 1000 * n + 998)
        candidates = neighbour_starts(structures, n, d_nn, rng)
        if not candidates:
            continue
        energies = []
        for _, start in candidates:
            calc = calculator_factory() if calculator_factory is not None else None
            energies.append(relax(start, potential, fmax=fmax, calculator=calc).energy_eV)
        gaps[n] = float(min(energies) - energy)
    return gaps


def global_minima(
    sizes,
    *,
    potential: Potential | str = Potential.EMT,
    steps_per_size: int = 10_000,
    random_restarts: int = 4,
    seed: int = 0,
    settings: SearchSettings | None = None,
    element: str = "Au",
    workers: int | None = None,
    scheduler: "str | BatchCluster | None" = None,
    progress: Callable[[int, int], None] | None = None,
) -> list[MinimumRow]:
    """Basin hopping at every size in `sizes`, in two passes over one Dask pool, then Δ
    (against ε_bulk of the potential), Δ2E from consecutive sizes and the magic sizes (local
    maxima of Δ2E).

    Pass 1 starts from `random_restarts` random structures and every `motif_seeds` start.
    Pass 2 starts from the pass-1 minima of the neighbouring sizes, where they were searched:
    N + 1's with its least-coordinated atom removed (`strip_to`), N − 1's with an atom added
    on its best-coordinated site (`add_atom`), and N's own (a continuation). A size whose
    pass-1 search stopped above a funnel its neighbours found is entered from there. Every
    restart of a size has the same length, `steps_per_size` shared by the restarts of both
    passes. Last, `neighbour_gaps` checks the final minima against their neighbours'."""
    from aucluster.analysis import analyze_frame
    from aucluster.stability.bulk import bulk_reference
    from aucluster.stability.energetics import excess_energy, second_difference

    sizes = sorted({int(n) for n in sizes})
    if not sizes or sizes[0] < 2 or sizes[-1] > 200:
        raise ParameterError(f"sizes {sizes[:1]}…{sizes[-1:]}: global search is for 2–200 atoms")
    if int(steps_per_size) != steps_per_size or steps_per_size < 1:
        raise ParameterError(f"steps per size = {steps_per_size!r}: must be an integer ≥ 1")
    if int(random_restarts) != random_restarts or random_restarts < 0:
        raise ParameterError(f"random restarts = {random_restarts!r}: must be an integer ≥ 0")
    potential = str(Potential(potential))
    base = SearchSettings() if settings is None else settings
    ref = bulk_reference(potential, element)
    d_nn = nearest_neighbour_distance(element)
    present = set(sizes)

    def neighbours(n: int) -> int:  # pass-2 starts of size n
        return 1 + (n + 1 in present) + (n - 1 in present)

    tasks: list[tuple[int, int, int, str, Atoms | None]] = []
    per_size: dict[int, tuple[int, int]] = {}
    for n in sizes:
        starts = [*motif_seeds(n, element=element), *[("random", None)] * int(random_restarts)]
        if not starts:
            raise ParameterError(f"{n} atoms: no motif seed and no random restart")
        n_starts = len(starts) + neighbours(n)
        per_size[n] = (n_starts, max(1, int(steps_per_size) // n_starts))
        tasks.extend(
            (n, per_size[n][1], seed + 1000 * n + i, label, start)
            for i, (label, start) in enumerate(starts)
        )
    total = len(tasks) + sum(neighbours(n) for n in sizes)
    results: dict[int, list[RestartResult]] = {n: [] for n in sizes}
    if progress is not None:
        progress(0, total)
    done = 0

    def run(batch) -> None:
        nonlocal done
        pool = map_unordered(
            _sized_restart,
            batch,
            workers=workers,
            scheduler=scheduler,
            settings=base,
            potential=potential,
            element=element,
            nn_distance=d_nn,
            calculator_factory=None,
        )
        for index, result in pool:
            results[batch[index][0]].append(result)
            done += 1
            if progress is not None:
                progress(done, total)

    run(tasks)
    first = {n: min(results[n], key=lambda r: r.energy_eV) for n in sizes}
    second: list[tuple[int, int, int, str, Atoms | None]] = []
    for n in sizes:
        rng = np.random.default_rng(seed + 1000 * n + 999)
        starts = [
            (f"{n}-atom pass-1 minimum", first[n].atoms),
            *neighbour_starts({m: r.atoms for m, r in first.items()}, n, d_nn, rng),
        ]
        second.extend(
            (n, per_size[n][1], seed + 1000 * n + 500 + i, label, start)
            for i, (label, start) in enumerate(starts)
        )
    run(second)
    best = {n: min(results[n], key=lambda r: r.energy_eV) for n in sizes}
    gaps = neighbour_gaps(
        {n: (best[n].atoms, best[n].energy_eV) for n in sizes},
        potential=potential,
        fmax=base.fmax,
        seed=seed,
    )
    d2 = second_difference(sizes, [best[n].energy_eV for n in sizes])
    rows = []
    for n in sizes:
        b = best[n]
        magic = n in d2 and d2[n] > 0 and all(d2[n] > d2[m] for m in (n - 1, n + 1) if m in d2)
        rows.append(
            MinimumRow(
                n_atoms=n,
                energy_eV=b.energy_eV,
                delta_eV=excess_energy(b.energy_eV, n, ref.energy_per_atom_eV),
                delta2_eV=d2.get(n),
                magic=bool(magic),
                motif=str(analyze_frame(b.atoms).motif),
                start=b.start,
                hits=sum(r.energy_eV <= b.energy_eV + base.energy_tolerance_eV for r in results[n]),
                restarts=per_size[n][0],
                steps=per_size[n][0] * per_size[n][1],
                pass2_gain_eV=first[n].energy_eV - b.energy_eV,
                neighbour_gap_eV=gaps.get(n),
                atoms=b.atoms,
            )
        )
    return rows

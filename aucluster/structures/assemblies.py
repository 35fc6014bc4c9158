"""Assemblies for the in-process: a particle in its cluster-cloud, and a particle with
satellite nanoclusters ready to coalesce."""

from collections.abc import Mapping, Sequence

import numpy as np
from ase import Atoms
from scipy.spatial import cKDTree

from aucluster.errors import ParameterError
from aucluster.limits import check_atoms
from aucluster.structures.elements import check_element, resolve_lattice_constant
from aucluster.structures.geometry import DEFAULT_VACUUM, in_vacuum_box
from aucluster.structures.motif import Motif, Region, label
from aucluster.structures.packing import points_in_shell, random_rotation
from aucluster.structures.polyhedra import (
    build_double_icosahedron,
    build_icosahedron,
    build_octahedron,
)
from aucluster.structures.sizes import icosahedron_size

#: Default make-up of the cloud, by number of clusters: mostly monomers, and the three small
#: magic clusters of the issue (13 icosahedron, 19 double icosahedron, 38 truncated octahedron).
DEFAULT_CLOUD_SIZES: Mapping[int, float] = {1: 0.7, 13: 0.1, 19: 0.1, 38: 0.1}

#: Default closest approach between atoms of different pieces (core, cloud clusters,
#: satellites) as a multiple of the nearest-neighbour distance d: beyond EMT's reach of
#: bonding (the second neighbour shell ends below 2·d), so pieces start unbonded.
SEPARATION_IN_NN = 2.0

#: Attempts to place one cloud cluster before the cloud is declared too dense.
MAX_PLACEMENT_ATTEMPTS = 2000


def build_small_cluster(n_atoms: int, *, element: str = "Au", a0: float | None = None) -> Atoms:
    """A small cluster of `n_atoms` atoms for the cloud, without a box, centred on its centroid.

    Rule: 1 → monomer; 13, 55, 147, … → Mackay icosahedron; 19 → double icosahedron; 38 →
    regular truncated octahedron; any other size → icosahedral fragment: the `n_atoms` atoms
    nearest the centre of the next larger Mackay icosahedron (ties by ASE's atom order).
    """
    if int(n_atoms) != n_atoms or n_atoms < 1:
        raise ParameterError(f"cluster size {n_atoms!r}: must be an integer ≥ 1")
    n_atoms = int(n_atoms)
    check_atoms(n_atoms, f"a cluster of {n_atoms} atoms")
    a0 = resolve_lattice_constant(element, a0)
    if n_atoms == 19:
        atoms = build_double_icosahedron(element=element, a0=a0)
    elif n_atoms == 38:
        atoms = build_octahedron(4, 1, element=element, a0=a0)
    else:
        k = 1
        while icosahedron_size(k) < n_atoms:
            k += 1
        atoms = build_icosahedron(k, element=element, a0=a0)
        if len(atoms) != n_atoms:
            centre = atoms.positions.mean(axis=0)
            order = np.argsort(np.linalg.norm(atoms.positions - centre, axis=1), kind="stable")
            atoms = atoms[np.sort(order[:n_atoms])]
            label(atoms, Motif.ICOSAHEDRAL_FRAGMENT, n_atoms=n_atoms)
        elif n_atoms == 1:
            label(atoms, Motif.MONOMER)
    atoms.cell = np.zeros((3, 3))
    atoms.positions -= atoms.positions.mean(axis=0)
    return atoms


def parse_size_distribution(text: str) -> dict[int, float]:
    """Parse 'SIZE:WEIGHT,…' (e.g. '1:0.7,13:0.1,19:0.1,38:0.1') into {size: weight}."""
    result: dict[int, float] = {}
    try:
        for item in text.split(","):
            size, weight = item.split(":")
            result[int(size)] = float(weight)
    except ValueError:
        raise ParameterError(
            f"size distribution {text!r}: expected SIZE:WEIGHT pairs like '1:0.7,13:0.3'"
        ) from None
    return result


def _centred(atoms: Atoms) -> Atoms:
    out = atoms.copy()
    out.positions -= out.positions.mean(axis=0)
    out.cell = np.zeros((3, 3))
    out.pbc = False
    out.constraints = []
    return out


def _radius(positions: np.ndarray) -> float:
    return float(np.linalg.norm(positions, axis=1).max()) if len(positions) else 0.0


def _element_of(atoms: Atoms) -> str:
    symbols = set(atoms.get_chemical_symbols())
    if len(symbols) != 1:
        raise ParameterError(f"core holds {sorted(symbols)}: the builders need one element")
    return check_element(symbols.pop())


def build_core_cloud(
    core: Atoms,
    *,
    inner_radius: float,
    outer_radius: float,
    density_per_nm3: float,
    seed: int,
    size_distribution: Mapping[int, float] = DEFAULT_CLOUD_SIZES,
    separation: float | None = None,
    a0: float | None = None,
    vacuum: float = DEFAULT_VACUUM,
) -> Atoms:
    """`core` (any particle, not modified) in a cloud of monomers and small clusters.

    Parameters
    ----------
    core : Atoms
        The particle, centred on its centroid; one element.
    inner_radius, outer_radius : float
        The cloud fills the spherical shell between these radii about the core centroid [Å].
        `inner_radius` must exceed the core's radius (its farthest atom from the centroid).
    density_per_nm3 : float
        Cloud atoms per nm³ of shell volume (fcc Au holds 59 nm⁻³). Cluster sizes are drawn
        from `size_distribution` until the cloud holds at least that many atoms.
    size_distribution : mapping of cluster size → weight
        Relative frequency of each size by number of clusters (see `build_small_cluster`).
    separation : float, optional
        Smallest distance between atoms of different pieces [Å] (default 2·a0/√2).

    Clusters are placed largest first, each randomly rotated, wholly inside the shell, by up to
    2000 random trials; a cloud that does not fit raises `ParameterError`. Per-atom arrays:
    ``build_region`` (0 core, 2 cloud) and ``cloud_cluster`` (−1 core, else the cluster index).
    """
    element = _element_of(core)
    a0 = resolve_lattice_constant(element, a0)
    d_nn = a0 / np.sqrt(2.0)
    separation = float(SEPARATION_IN_NN * d_nn if separation is None else separation)
    if not separation > 0:
        raise ParameterError(f"separation = {separation!r} Å: must be positive")
    if not density_per_nm3 > 0:
        raise ParameterError(f"cloud density {density_per_nm3!r} nm⁻³: must be positive")
    sizes = np.array(sorted(size_distribution), dtype=int)
    weights = np.array([size_distribution[s] for s in sizes], dtype=float)
    if len(sizes) == 0 or (sizes < 1).any() or (weights < 0).any() or weights.sum() <= 0:
        raise ParameterError(
            f"size distribution {dict(size_distribution)!r}: sizes ≥ 1, weights ≥ 0, not all 0"
        )
    core_pos = _centred(core).positions
    core_radius = _radius(core_pos)
    if not inner_radius > core_radius:
        raise ParameterError(
            f"cloud inner radius {inner_radius} Å lies inside the core (radius {core_radius:.2f} Å)"
        )
    if not outer_radius > inner_radius:
        raise ParameterError(
            f"cloud outer radius {outer_radius} Å must exceed the inner radius {inner_radius} Å"
        )
    rng = np.random.default_rng(seed)
    shell_nm3 = 4.0 / 3.0 * np.pi * (outer_radius**3 - inner_radius**3) / 1000.0
    target = density_per_nm3 * shell_nm3
    check_atoms(
        target + len(core_pos),
        f"a cloud of {density_per_nm3:g} nm⁻³ between {inner_radius:g} and {outer_radius:g} Å",
    )
    drawn: list[int] = []
    while sum(drawn) < target:
        drawn.append(int(rng.choice(sizes, p=weights / weights.sum())))
    drawn.sort(reverse=True)  # big pieces first: they are the hard ones to fit

    templates = {n: build_small_cluster(n, element=element, a0=a0) for n in set(drawn)}
    placed = [core_pos]
    cluster_ids = [np.full(len(core_pos), -1)]
    tree = cKDTree(core_pos)
    for index, n in enumerate(drawn):
        template = templates[n].positions
        r_cluster = _radius(template)
        if inner_radius + r_cluster > outer_radius - r_cluster:
            raise ParameterError(
                f"a {n}-atom cluster (radius {r_cluster:.1f} Å) does not fit in the cloud shell "
                f"{inner_radius}–{outer_radius} Å"
            )
        for _ in range(MAX_PLACEMENT_ATTEMPTS):
            centre = points_in_shell(1, inner_radius + r_cluster, outer_radius - r_cluster, rng)[0]
            trial = template @ random_rotation(rng).T + centre
            if not np.isfinite(tree.query(trial, distance_upper_bound=separation)[0]).any():
                break
        else:
            raise ParameterError(
                f"cloud too dense: placed {index} of {len(drawn)} clusters at "
                f"{density_per_nm3} atoms/nm³ with {separation:.2f} Å separation; "
                "lower the density or widen the shell"
            )
        placed.append(trial)
        cluster_ids.append(np.full(n, index))
        tree = cKDTree(np.vstack(placed))
    positions = np.vstack(placed)
    atoms = Atoms(element * len(positions), positions=positions)
    ids = np.concatenate(cluster_ids)
    atoms.arrays["build_region"] = np.where(ids < 0, Region.CORE, Region.CLOUD)
    atoms.arrays["cloud_cluster"] = ids
    out = in_vacuum_box(atoms, vacuum)
    counts = {n: drawn.count(n) for n in sorted(set(drawn))}
    label(
        out,
        Motif.CORE_CLOUD,
        element=element,
        a0=a0,
        core_motif=core.info.get("motif"),
        n_core=len(core_pos),
        inner_radius=float(inner_radius),
        outer_radius=float(outer_radius),
        density_per_nm3=float(density_per_nm3),
        size_distribution=",".join(f"{s}:{w:g}" for s, w in zip(sizes, weights, strict=False)),
        cloud_cluster_counts=",".join(f"{s}:{c}" for s, c in counts.items()),
        n_cloud_atoms=int(sum(drawn)),
        separation=separation,
        seed=int(seed),
    )
    return out


def default_directions(n: int) -> np.ndarray:
    """`n` unit vectors (n, 3) spread over the sphere: ±z for 1–2, a triangle for 3,
    a tetrahedron for 4, an octahedron for 6, else a Fibonacci lattice."""
    if n == 1:
        vecs = np.array([[0.0, 0.0, 1.0]])
    elif n == 2:
        vecs = np.array([[0.0, 0.0, 1.0], [0.0, 0.0, -1.0]])
    elif n == 3:
        angles = 2 * np.pi * np.arange(3) / 3
        vecs = np.column_stack([np.cos(angles), np.sin(angles), np.zeros(3)])
    elif n == 4:
        vecs = np.array([[1, 1, 1], [1, -1, -1], [-1, 1, -1], [-1, -1, 1]], dtype=float)
    elif n == 6:
        vecs = np.vstack([np.eye(3), -np.eye(3)])
    else:
        i = np.arange(n) + 0.5
        polar = np.arccos(1 - 2 * i / n)
        azimuth = np.pi * (1 + 5**0.5) * i
        vecs = np.column_stack(
            [np.cos(azimuth) * np.sin(polar), np.sin(azimuth) * np.sin(polar), np.cos(polar)]
        )
    return vecs / np.linalg.norm(vecs, axis=1, keepdims=True)


def _closest(a: np.ndarray, b: np.ndarray) -> float:
    return float(cKDTree(a).query(b)[0].min())


def build_core_satellites(
    core: Atoms,
    satellite: Atoms,
    n_satellites: int,
    *,
    gap: float | Sequence[float] = 0.0,
    directions: np.ndarray | None = None,
    seed: int,
    a0: float | None = None,
    vacuum: float = DEFAULT_VACUUM,
) -> Atoms:
    """`core` with `n_satellites` copies of `satellite` around it: a coalescence set-up.

    Parameters
    ----------
    gap : float or sequence of float
        Per satellite, the closest core–satellite atom distance minus the nearest-neighbour
        distance a0/√2 [Å]: 0 puts them at bonding contact, larger values leave empty space.
    directions : array (n_satellites, 3), optional
        Where the satellites sit, seen from the core centroid (see `default_directions`).

    Each satellite is randomly rotated (seeded) and moved out along its direction until the
    closest distance equals d + gap (bisection to 1e-6 Å). Satellites that would come closer
    than d + min(gap) to each other raise `ParameterError`. Per-atom arrays: ``build_region``
    (0 core, 3 satellite) and ``satellite`` (−1 core, else the satellite index).
    """
    element = _element_of(core)
    if _element_of(satellite) != element:
        raise ParameterError("satellites must be of the core's element")
    if int(n_satellites) != n_satellites or n_satellites < 1:
        raise ParameterError(f"n_satellites = {n_satellites!r}: must be an integer ≥ 1")
    n_satellites = int(n_satellites)
    check_atoms(
        len(core) + n_satellites * len(satellite),
        f"{n_satellites} satellites of {len(satellite)} atoms",
    )
    gaps = np.broadcast_to(np.asarray(gap, dtype=float), (n_satellites,)).copy()
    if (gaps < 0).any() or not np.isfinite(gaps).all():
        raise ParameterError(f"gap {gap!r} Å: must be ≥ 0 (0 = bonding contact)")
    dirs = default_directions(n_satellites) if directions is None else np.asarray(directions, float)
    if dirs.shape != (n_satellites, 3) or (np.linalg.norm(dirs, axis=1) == 0).any():
        raise ParameterError(f"directions: need {n_satellites} non-zero 3-vectors")
    dirs = dirs / np.linalg.norm(dirs, axis=1, keepdims=True)
    d_nn = resolve_lattice_constant(element, a0) / np.sqrt(2.0)
    rng = np.random.default_rng(seed)
    core_pos = _centred(core).positions
    sat_pos = _centred(satellite).positions
    far = _radius(core_pos) + _radius(sat_pos) + d_nn + gaps.max() + 1.0
    pieces = []
    for direction, g in zip(dirs, gaps, strict=False):
        body = sat_pos @ random_rotation(rng).T
        target = d_nn + g
        lo, hi = 0.0, far
        while hi - lo > 1e-7:
            mid = 0.5 * (lo + hi)
            if _closest(core_pos, body + mid * direction) < target:
                lo = mid
            else:
                hi = mid
        pieces.append(body + hi * direction)
    for i in range(n_satellites):
        for j in range(i):
            if _closest(pieces[i], pieces[j]) < d_nn + gaps.min():
                raise ParameterError(
                    f"satellites {j} and {i} overlap: use fewer satellites, other directions "
                    "or larger gaps"
                )
    positions = np.vstack([core_pos, *pieces])
    atoms = Atoms(element * len(positions), positions=positions)
    ids = np.concatenate(
        [np.full(len(core_pos), -1)] + [np.full(len(sat_pos), i) for i in range(n_satellites)]
    )
    atoms.arrays["build_region"] = np.where(ids < 0, Region.CORE, Region.SATELLITE)
    atoms.arrays["satellite"] = ids
    out = in_vacuum_box(atoms, vacuum)
    label(
        out,
        Motif.CORE_SATELLITES,
        element=element,
        core_motif=core.info.get("motif"),
        satellite_motif=satellite.info.get("motif"),
        n_core=len(core_pos),
        n_satellite_atoms=len(sat_pos),
        n_satellites=n_satellites,
        gaps=",".join(f"{g:g}" for g in gaps),
        seed=int(seed),
    )
    return out

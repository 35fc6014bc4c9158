"""Compiled adaptive-CNA kernels (numba): the same rules as `cna`, one atom at a time.

Used by `adaptive_cna` when numba is installed (the ``fast`` extra); the NumPy path gives the
same labels (tested on every reference frame) and stays the fallback. Neighbours come from a
cell list: an atom with at least 14 points inside the search radius has its 14 nearest
neighbours among them, exactly; the others (surfaces, the cloud) are searched again with a
wider radius until they have 14 or the radius spans the whole structure.
"""

import numpy as np
from numba import njit

from aucluster.analysis.neighbours import search_with_images
from aucluster.structures.geometry import FIRST_SHELL_CUTOFF as _FIRST_SHELL

#: First search radius over the typical nearest-neighbour distance: the 14th neighbour of
#: fcc and hcp lies at √2 = 1.41, of bcc at 2/√3 = 1.15 (the first shell at 1); 1.55 leaves
#: room for thermal motion, and the few atoms it misses (surfaces) get a wider second search.
_SEARCH_FACTOR = 1.55
_K = 14
#: Cells per search radius: finer cells test fewer far points, at more loop overhead.
_CELLS_PER_RADIUS = 2
_S421, _S422, _S555 = 0, 1, 2


#: Set bits of every 14-bit neighbour mask.
_POPCOUNT = np.array([bin(x).count("1") for x in range(1 << _K)], dtype=np.int64)


#: Index of the lowest set bit of every non-zero 14-bit mask.
_LOWEST = np.array([(x & -x).bit_length() - 1 for x in range(1 << _K)], dtype=np.int64)


@njit(cache=True)
def _popcount(x: int) -> int:
    return _POPCOUNT[x]


@njit(cache=True)
def _bonds_among(masks, common):
    """Bonds among the atoms of mask `common`, and the most that meet at one atom."""
    total = 0
    most = 0
    rest = common
    while rest:
        k = _LOWEST[rest]
        rest &= rest - 1
        b = _POPCOUNT[masks[k] & common]
        total += b
        most = max(most, b)
    return total // 2, most


@njit(cache=True)
def _cell_search(xs, ys, zs, cell3, cell_start, dims, centre, rows, radius, span, idx, d2, found):
    """For each row m in `rows`: the 14 nearest of the cell-sorted points (xs, ys, zs) within
    `radius` of point `centre[m]`, into idx[m] (sorted-point indices), d2[m] (ascending) and
    found[m] (points inside `radius`). Cells are at least radius/span wide."""
    r2 = radius * radius
    best_d = np.empty(_K)
    best_j = np.empty(_K, dtype=np.int64)
    for t in range(len(rows)):
        m = rows[t]
        i = centre[m]
        px, py, pz = xs[i], ys[i], zs[i]
        count = 0
        worst = np.inf
        for k in range(_K):
            best_j[k] = -1
            best_d[k] = np.inf
        for x in range(max(cell3[i, 0] - span, 0), min(cell3[i, 0] + span + 1, dims[0])):
            for y in range(max(cell3[i, 1] - span, 0), min(cell3[i, 1] + span + 1, dims[1])):
                row = (x * dims[1] + y) * dims[2]
                z0 = max(cell3[i, 2] - span, 0)
                z1 = min(cell3[i, 2] + span + 1, dims[2])
                for j in range(cell_start[row + z0], cell_start[row + z1]):
                    dx = xs[j] - px
                    dy = ys[j] - py
                    dz = zs[j] - pz
                    dd = dx * dx + dy * dy + dz * dz
                    if dd >= r2 or j == i:
                        continue
                    count += 1
                    if dd >= worst:
                        continue
                    k = _K - 1
                    while k > 0 and best_d[k - 1] > dd:
                        best_d[k] = best_d[k - 1]
                        best_j[k] = best_j[k - 1]
                        k -= 1
                    best_d[k] = dd
                    best_j[k] = j
                    worst = best_d[_K - 1]
        for k in range(_K):
            idx[m, k] = best_j[k]
            d2[m, k] = best_d[k]
        found[m] = count


@njit(cache=True)
def _bond_masks(vec, n, cutoff2, masks):
    for a in range(n):
        masks[a] = 0
    for a in range(n):
        for b in range(a + 1, n):
            dx = vec[a, 0] - vec[b, 0]
            dy = vec[a, 1] - vec[b, 1]
            dz = vec[a, 2] - vec[b, 2]
            if dx * dx + dy * dy + dz * dz <= cutoff2:
                masks[a] |= 1 << b
                masks[b] |= 1 << a


@njit(cache=True)
def _classify(pts, centre, idx, d2, owner_sorted):
    """Neighbour index, vectors and distances (as `nearest_neighbours`), then structure code,
    signature counts (n, 5) and per-pair codes (n, 12) per atom."""
    n = idx.shape[0]
    vectors = np.full((n, _K, 3), np.nan)
    distances = np.full((n, _K), np.inf)
    index = np.full((n, _K), -1, dtype=np.int64)
    structure = np.zeros(n, dtype=np.int64)
    signatures = np.zeros((n, 5), dtype=np.int64)
    pairs = np.full((n, 12), -1, dtype=np.int64)
    masks = np.zeros(_K, dtype=np.int64)
    for i in range(n):
        c0 = centre[i]
        n_found = 0
        for k in range(_K):
            j = idx[i, k]
            if j >= 0:
                for c in range(3):
                    vectors[i, k, c] = pts[j, c] - pts[c0, c]
                distances[i, k] = np.sqrt(d2[i, k])
                index[i, k] = owner_sorted[j]
                n_found += 1
        if n_found < 12:
            continue
        mean = 0.0
        for k in range(12):
            mean += distances[i, k]
        cutoff = _FIRST_SHELL * mean / 12.0
        _bond_masks(vectors[i], 12, cutoff * cutoff, masks)
        n421 = n422 = n555 = 0
        for j in range(12):
            common = masks[j]
            c = _popcount(common)
            if c != 4 and c != 5:
                continue
            bonds, most = _bonds_among(masks, common)
            if c == 4 and bonds == 2:
                if most == 1:
                    pairs[i, j] = _S421
                    n421 += 1
                elif most == 2:
                    pairs[i, j] = _S422
                    n422 += 1
            elif c == 5 and bonds == 5:
                pairs[i, j] = _S555
                n555 += 1
        signatures[i, 0], signatures[i, 1], signatures[i, 2] = n421, n422, n555
        if n421 == 12:
            structure[i] = 1
        elif n421 == 6 and n422 == 6:
            structure[i] = 2
        elif n555 == 12:
            structure[i] = 4
        if structure[i] != 0 or n_found < 14:
            continue
        scale = 0.0
        for k in range(8):
            scale += distances[i, k] / np.sqrt(0.75)
        for k in range(8, 14):
            scale += distances[i, k]
        cutoff = 1.207 * scale / 14.0
        _bond_masks(vectors[i], 14, cutoff * cutoff, masks)
        n444 = n666 = 0
        for j in range(14):
            common = masks[j]
            c = _popcount(common)
            if c != 4 and c != 6:
                continue
            total = 0
            start = -1
            for k in range(14):
                if common >> k & 1:
                    b = _popcount(masks[k] & common)
                    total += b
                    if b > 0 and start < 0:
                        start = k
            bonds = total // 2
            if c == 4 and bonds == 4:
                n444 += 1  # four bonds on four atoms are always one cluster
            elif c == 6 and bonds == 6 and start >= 0:
                reach = 1 << start
                while True:
                    grown = reach
                    for k in range(14):
                        if reach >> k & 1:
                            grown |= masks[k] & common
                    if grown == reach:
                        break
                    reach = grown
                inside = 0
                for k in range(14):
                    if reach >> k & 1:
                        inside += _popcount(masks[k] & common & reach)
                if inside // 2 == 6:
                    n666 += 1
        signatures[i, 3], signatures[i, 4] = n444, n666
        if n444 == 6 and n666 == 8:
            structure[i] = 3
    return index, vectors, distances, structure, signatures, pairs


def neighbours_and_signatures(atoms):
    """(index, vector, distance) of the 14 nearest neighbours as `nearest_neighbours`, then
    structure, signatures and per-pair codes from the compiled classifier."""
    return search_with_images(atoms, _search_and_classify)


def _typical_spacing(points: np.ndarray) -> float:
    """Nearest-neighbour distance of close packing at the density most atoms see, from the
    occupancy of coarse cells (a speed heuristic only: the search checks its own result)."""
    stride = max(1, len(points) // 2000)  # a subsample is enough for a density
    sample = points[::stride]
    extent = np.ptp(sample, axis=0)
    width = max(2.0 * float(extent.max()) / len(sample) ** (1.0 / 3.0), 1e-3)
    cell = ((sample - sample.min(axis=0)) // width).astype(np.int64)
    dims = cell.max(axis=0) + 1
    key = (cell[:, 0] * dims[1] + cell[:, 1]) * dims[2] + cell[:, 2]
    density = stride * float(np.median(np.bincount(key)[key])) / width**3
    return float((np.sqrt(2.0) / density) ** (1.0 / 3.0))


def _search_and_classify(centres, points, owner):
    n = len(centres)
    idx = np.full((n, _K), -1, dtype=np.int64)
    d2 = np.full((n, _K), np.inf)
    found = np.zeros(n, dtype=np.int64)
    pts, owner_sorted, centre = points[:n], owner[:n], np.arange(n)
    if len(points) >= 2:
        radius = _SEARCH_FACTOR * _typical_spacing(points)
        width = radius / _CELLS_PER_RADIUS
        cell3 = ((points - points.min(axis=0)) // width).astype(np.int64)
        dims = cell3.max(axis=0) + 1
        key = (cell3[:, 0] * dims[1] + cell3[:, 1]) * dims[2] + cell3[:, 2]
        order = np.argsort(key, kind="stable")
        cell_start = np.searchsorted(key[order], np.arange(int(np.prod(dims)) + 1))
        pts, cell3, owner_sorted = np.ascontiguousarray(points[order]), cell3[order], owner[order]
        centre = np.empty(len(order), dtype=np.int64)
        centre[order] = np.arange(len(order))
        centre = centre[:n]  # sorted row of each atom (the centres are the first n points)
        rows = np.argsort(centre)  # visit in memory order
        soa = tuple(np.ascontiguousarray(pts[:, c]) for c in range(3))
        span, reach = _CELLS_PER_RADIUS, width * float(np.linalg.norm(dims))  # grid diagonal
        first_radius = radius
        while len(rows):
            _cell_search(*soa, cell3, cell_start, dims, centre, rows, radius, span, idx, d2, found)
            rows = rows[found[rows] < _K]
            if radius > reach:  # every point was inside: fewer than 14 exist
                break
            # Widen by half a first radius per round: few atoms are left after the first.
            span += 1
            radius = first_radius * span / _CELLS_PER_RADIUS
    return _classify(pts, centre, idx, d2, owner_sorted)

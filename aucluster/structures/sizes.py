"""Numbers of atoms of the shell motifs in closed form (no structure is built), so sizes can
be listed, searched and checked against `aucluster.limits` before anything is allocated."""

import math


def icosahedron_size(n_shells: int) -> int:
    """Atoms in a Mackay icosahedron (or cuboctahedron) of `n_shells` shells.

    N = (10k³ − 15k² + 11k − 3)/3 with k = n_shells (Mackay, Acta Cryst. 15, 916 (1962)).
    """
    k = n_shells
    return (10 * k**3 - 15 * k**2 + 11 * k - 3) // 3


def octahedron_size(length: int, cutoff: int = 0) -> int:
    """Atoms in an fcc octahedron of `length` atoms per edge with `cutoff` layers cut off each
    of its six corners: N = (2L³ + L)/3 − 6·Σ_{j=1..c} j² = (2L³ + L)/3 − c(c+1)(2c+1).

    Each cut corner is a square pyramid of c layers holding 1 + 4 + … + c² atoms.
    """
    L, c = length, cutoff
    return (2 * L**3 + L) // 3 - c * (c + 1) * (2 * c + 1)


def decahedron_size(p: int, q: int, r: int = 0) -> int:
    """Atoms in a decahedron with ASE's (p, q, r) parameters.

    Count rows of atoms parallel to the five-fold axis. The axis holds h = p + q + 2r − 1
    atoms; the n-th ring around it (n = 1 … p + 2r − 1) has, in each of the five tetrahedral
    segments, c(n) rows of h − n atoms, where without re-entrance c(n) = n and a Marks
    re-entrance drops the rows more than s = p + r − 1 steps from either twin plane:
    c(n) = min(n − 1, s) − max(0, n − s) + 1. So N = h + 5·Σ_n c(n)·(h − n), which reduces to
    (5p³ + p)/6 for the regular decahedron (q = 1, r = 0; Martin, Phys. Rep. 273, 199 (1996)).
    """
    h = p + q + 2 * r - 1
    s = p + r - 1
    total = h
    for n in range(1, p + 2 * r):
        rows = min(n - 1, s) - max(0, n - s) + 1
        total += 5 * rows * (h - n)
    return total


def fcc_sphere_size(radius: float, a0: float) -> float:
    """Approximate atoms of an fcc sphere of `radius` [Å]: the volume times the fcc density
    4/a0³ (exact in the large-radius limit; an estimate for size checks)."""
    return 16.0 * math.pi / 3.0 * (radius / a0) ** 3


__all__ = ["decahedron_size", "fcc_sphere_size", "icosahedron_size", "octahedron_size"]

"""Compiled kernels (numba) of the smooth-coordination terms: one loop over the Verlet pairs.

Used by `ImplicitSolvent` (and through it the small-cluster correction) when numba is installed (the
``fast`` extra); the NumPy path in `aucluster.potentials.terms` computes the same numbers
(tested to 1e-12) and stays the fallback. The NumPy path spends its time gathering
coordinates of ~10⁵ candidate pairs into temporary arrays; here each pair is read once.
"""

import math

import numpy as np
from numba import njit


@njit(cache=True, inline="always")
def _separation(positions, i, j, box, periodic):
    """r_j − r_i (its minimum image if `periodic`) and its square length."""
    x = positions[j, 0] - positions[i, 0]
    y = positions[j, 1] - positions[i, 1]
    z = positions[j, 2] - positions[i, 2]
    if periodic:
        x -= box[0] * round(x / box[0])
        y -= box[1] * round(y / box[1])
        z -= box[2] * round(z / box[2])
    return x, y, z, x * x + y * y + z * z


@njit(cache=True, inline="always")
def _taper(r, cut_lo, width):
    """The smoothstep from 1 at `cut_lo` to 0 at `cut_lo` + `width`, and its derivative."""
    if r <= cut_lo:
        return 1.0, 0.0
    t = (r - cut_lo) / width
    return 1.0 - 3.0 * t * t + 2.0 * t * t * t, (-6.0 * t + 6.0 * t * t) / width


@njit(cache=True)
def switch_pairs(positions, first, second, box, periodic, r_inner, r_outer):
    """C_i and, for the candidate pairs closer than `r_outer`: first, second, f'(r)/r and the
    three components of r_second − r_first (minimum images if `periodic`)."""
    n, m = positions.shape[0], first.shape[0]
    c = np.zeros(n)
    kept_first = np.empty(m, np.int64)
    kept_second = np.empty(m, np.int64)
    dx, dy, dz = np.empty(m), np.empty(m), np.empty(m)
    df_over_r = np.empty(m)
    outer2 = r_outer * r_outer
    width = r_outer - r_inner
    k = 0
    for p in range(m):
        i, j = first[p], second[p]
        x, y, z, r2 = _separation(positions, i, j, box, periodic)
        if r2 >= outer2:
            continue
        r = math.sqrt(r2)
        if r > r_inner:
            t = math.pi * (r - r_inner) / width
            f = 0.5 * (1.0 + math.cos(t))
            df = -0.5 * math.pi / width * math.sin(t)
        else:
            f, df = 1.0, 0.0
        c[i] += f
        c[j] += f
        kept_first[k], kept_second[k] = i, j
        dx[k], dy[k], dz[k] = x, y, z
        df_over_r[k] = df / r
        k += 1
    return (
        c,
        kept_first[:k],
        kept_second[:k],
        df_over_r[:k],
        dx[:k],
        dy[:k],
        dz[:k],
    )


@njit(cache=True)
def pair_forces(n, first, second, coefficient, df_over_r, dx, dy, dz):
    """Forces of E = Σ_i e(C_i) over the pairs of `switch_pairs`: F_second = −F_first =
    (κ_i + κ_j) f'(r)/r · d with κ = `coefficient` = −e'(C) per atom (μ_s w'(C) for the
    solvent, whose e(C) = −μ_s w(C))."""
    forces = np.zeros((n, 3))
    for k in range(first.shape[0]):
        i, j = first[k], second[k]
        coef = (coefficient[i] + coefficient[j]) * df_over_r[k]
        if coef == 0.0:
            continue
        fx, fy, fz = coef * dx[k], coef * dy[k], coef * dz[k]
        forces[j, 0] += fx
        forces[j, 1] += fy
        forces[j, 2] += fz
        forces[i, 0] -= fx
        forces[i, 1] -= fy
        forces[i, 2] -= fz
    return forces


@njit(cache=True)
def embedding_solvent(
    positions,
    first,
    second,
    box,
    periodic,
    eta,
    r0,
    cut_lo,
    cut_hi,
    gamma12,
    q,
    e0,
    mu,
    onset,
    ramp,
):
    """The embedding solvent's per-atom energies and forces in two passes over the candidate
    pairs, storing none of them: σ_i first, then the forces of the pairs that touch an atom
    on the reward (κ ≠ 0; in a particle only its low-coordinated atoms and the cloud), with
    the same expressions as `aucluster.potentials.embedding` (tested equal)."""
    n, m = positions.shape[0], first.shape[0]
    outer2 = cut_hi * cut_hi
    width = cut_hi - cut_lo
    sigma = np.zeros(n)
    for p in range(m):
        i, j = first[p], second[p]
        x, y, z, r2 = _separation(positions, i, j, box, periodic)
        if r2 >= outer2:
            continue
        r = math.sqrt(r2)
        theta = math.exp(-eta * (r - r0)) * _taper(r, cut_lo, width)[0]
        sigma[i] += theta
        sigma[j] += theta
    length = e0 - onset - 0.5 * ramp
    energies = np.zeros(n)
    kappa = np.zeros(n)
    for i in range(n):
        s = sigma[i]
        if s > 0.0:
            u = (s / gamma12) ** q
            if u >= 1.0:
                continue  # compressed or bulk-dense: no cost, no reward
            log_u = math.log(u)
            cost = e0 * (1.0 - u * (1.0 - log_u))
            slope = e0 * log_u * q * u / s
        else:
            cost, slope = e0, 0.0
        x = cost - onset
        if x <= 0.0:
            continue
        if x < ramp:
            h, dh = x * x / (2.0 * ramp * length), x / (ramp * length)
        else:
            h, dh = (x - 0.5 * ramp) / length, 1.0 / length
        energies[i] = -mu * h
        kappa[i] = mu * dh * slope
    forces = np.zeros((n, 3))
    for p in range(m):
        i, j = first[p], second[p]
        k = kappa[i] + kappa[j]
        if k == 0.0:
            continue
        x, y, z, r2 = _separation(positions, i, j, box, periodic)
        if r2 >= outer2:
            continue
        r = math.sqrt(r2)
        base = math.exp(-eta * (r - r0))
        taper, dtaper = _taper(r, cut_lo, width)
        coef = k * base * (dtaper - eta * taper) / r
        forces[j, 0] += coef * x
        forces[j, 1] += coef * y
        forces[j, 2] += coef * z
        forces[i, 0] -= coef * x
        forces[i, 1] -= coef * y
        forces[i, 2] -= coef * z
    return energies, forces

"""Compiled kernels (numba) of the extra terms: loops over the Verlet pairs, read once.

Used by `ImplicitSolvent`, `EmbeddingSolvent` and the small-cluster correction when numba is
installed (the ``fast`` extra); the NumPy paths in `aucluster.potentials` compute the same
numbers (tested to 1e-10) and stay the fallback. Pair lists arrive sorted (`sorted_pairs`),
and each kernel fixes the periodic/open case before its loops: both halve the loop's time
(docs/md.md).
"""

import math

import numpy as np
from numba import njit


@njit(cache=True)
def sorted_pairs(first, second, n):
    """The pairs (first, second) of atoms 0 … n−1 sorted by first, then second: two stable
    counting sorts (O(pairs)). A pair loop in this order reads neighbours in memory order and
    meets the cutoff test in runs, which halves the kernels' time against cKDTree's order."""
    f1, s1 = _stable_by(second, first, second, n)
    return _stable_by(f1, f1, s1, n)


@njit(cache=True)
def _stable_by(key, first, second, n):
    start = np.zeros(n + 1, np.int64)
    for k in range(key.shape[0]):
        start[key[k] + 1] += 1
    for i in range(n):
        start[i + 1] += start[i]
    out_first = np.empty_like(first)
    out_second = np.empty_like(second)
    for k in range(key.shape[0]):
        slot = start[key[k]]
        out_first[slot] = first[k]
        out_second[slot] = second[k]
        start[key[k]] += 1
    return out_first, out_second


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
    if periodic:
        return _switch_pairs(positions, first, second, box, True, r_inner, r_outer)
    return _switch_pairs(positions, first, second, box, False, r_inner, r_outer)


@njit(cache=True, inline="always")
def _switch_pairs(positions, first, second, box, periodic, r_inner, r_outer):
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
def embedding_solvent(positions, first, second, box, periodic, params):
    """The embedding solvent's per-atom energies and forces in two passes over the candidate
    pairs, storing none of them: σ_i first, then the forces of the pairs that touch an atom
    on the reward (κ ≠ 0; in a particle only its low-coordinated atoms and the cloud), with
    the same expressions as `aucluster.potentials.embedding` (tested equal). `params`: the
    float64 array of `aucluster.potentials.embedding.KERNEL_PARAMETERS`, in that order."""
    if periodic:
        return _embedding_solvent(positions, first, second, box, True, params)
    return _embedding_solvent(positions, first, second, box, False, params)


@njit(cache=True, inline="always")
def _density_term(r, eta, r0, cut_lo, width):
    """θ_η(r) = exp(−η (r − r0)) θ(r) and θ_η'(r)/r."""
    base = math.exp(-eta * (r - r0))
    taper, dtaper = _taper(r, cut_lo, width)
    return base * taper, base * (dtaper - eta * taper) / r


@njit(cache=True, inline="always")
def _reward(s, params):
    """One atom's energy −μ_s h(e(σ)) and κ = μ_s h'(e) e'(σ) at density `s`; (0, 0) for
    atoms at least as dense as σ_onset, where the cost reaches the onset (it falls with σ),
    without evaluating the cost."""
    gamma12, q, e0, mu = params[4], params[5], params[6], params[7]
    onset, ramp, sigma_onset = params[8], params[9], params[10]
    if s >= sigma_onset:
        return 0.0, 0.0
    if s > 0.0:
        u = (s / gamma12) ** q
        if u >= 1.0:
            return 0.0, 0.0  # compressed or bulk-dense: no cost, no reward
        log_u = math.log(u)
        cost = e0 * (1.0 - u * (1.0 - log_u))
        slope = e0 * log_u * q * u / s
    else:
        cost, slope = e0, 0.0
    x = cost - onset
    if x <= 0.0:
        return 0.0, 0.0
    length = e0 - onset - 0.5 * ramp
    if x < ramp:
        h, dh = x * x / (2.0 * ramp * length), x / (ramp * length)
    else:
        h, dh = (x - 0.5 * ramp) / length, 1.0 / length
    return -mu * h, mu * dh * slope


@njit(cache=True, inline="always")
def _embedding_solvent(positions, first, second, box, periodic, params):
    """`embedding_solvent` with `periodic` a constant (the branch out of the pair loops)."""
    eta, r0, cut_lo, cut_hi = params[0], params[1], params[2], params[3]
    n, m = positions.shape[0], first.shape[0]
    outer2 = cut_hi * cut_hi
    width = cut_hi - cut_lo
    sigma = np.zeros(n)
    for p in range(m):
        i, j = first[p], second[p]
        x, y, z, r2 = _separation(positions, i, j, box, periodic)
        if r2 >= outer2:
            continue
        theta = _density_term(math.sqrt(r2), eta, r0, cut_lo, width)[0]
        sigma[i] += theta
        sigma[j] += theta
    energies = np.zeros(n)
    kappa = np.zeros(n)
    for i in range(n):
        energies[i], kappa[i] = _reward(sigma[i], params)
    forces = np.zeros((n, 3))
    for p in range(m):
        i, j = first[p], second[p]
        k = kappa[i] + kappa[j]
        if k == 0.0:
            continue
        x, y, z, r2 = _separation(positions, i, j, box, periodic)
        if r2 >= outer2:
            continue
        coef = k * _density_term(math.sqrt(r2), eta, r0, cut_lo, width)[1]
        forces[j, 0] += coef * x
        forces[j, 1] += coef * y
        forces[j, 2] += coef * z
        forces[i, 0] -= coef * x
        forces[i, 1] -= coef * y
        forces[i, 2] -= coef * z
    return energies, forces


@njit(cache=True)
def full_rows(first, second, n):
    """The half list (first < second) as a full neighbour list in compressed rows: the
    neighbours of atom i are ``neighbours[start[i]:start[i + 1]]``."""
    start = np.zeros(n + 1, np.int64)
    for k in range(first.shape[0]):
        start[first[k] + 1] += 1
        start[second[k] + 1] += 1
    for i in range(n):
        start[i + 1] += start[i]
    fill = start[:-1].copy()
    neighbours = np.empty(2 * first.shape[0], np.int64)
    for k in range(first.shape[0]):
        i, j = first[k], second[k]
        neighbours[fill[i]] = j
        fill[i] += 1
        neighbours[fill[j]] = i
        fill[j] += 1
    return start, neighbours


@njit(cache=True)
def embedding_solvent_rows(positions, start, neighbours, candidates, box, periodic, params):
    """`embedding_solvent` restricted to the `candidates`: σ, the reward and the forces of
    only those atoms, each from its own row of the full list (`full_rows`). Exact when every
    atom left out is at least as dense as σ_onset (it then has no reward and its density
    enters no force); the caller chooses the candidates so."""
    if periodic:
        return _solvent_rows(positions, start, neighbours, candidates, box, True, params)
    return _solvent_rows(positions, start, neighbours, candidates, box, False, params)


@njit(cache=True, inline="always")
def _solvent_rows(positions, start, neighbours, candidates, box, periodic, params):
    eta, r0, cut_lo, cut_hi = params[0], params[1], params[2], params[3]
    n = positions.shape[0]
    outer2 = cut_hi * cut_hi
    width = cut_hi - cut_lo
    energies = np.zeros(n)
    forces = np.zeros((n, 3))
    for c in range(candidates.shape[0]):
        i = candidates[c]
        s = 0.0
        for k in range(start[i], start[i + 1]):
            x, y, z, r2 = _separation(positions, i, neighbours[k], box, periodic)
            if r2 < outer2:
                s += _density_term(math.sqrt(r2), eta, r0, cut_lo, width)[0]
        energies[i], kappa = _reward(s, params)
        if kappa == 0.0:
            continue
        for k in range(start[i], start[i + 1]):
            j = neighbours[k]
            x, y, z, r2 = _separation(positions, i, j, box, periodic)
            if r2 >= outer2:
                continue
            coef = kappa * _density_term(math.sqrt(r2), eta, r0, cut_lo, width)[1]
            forces[j, 0] += coef * x
            forces[j, 1] += coef * y
            forces[j, 2] += coef * z
            forces[i, 0] -= coef * x
            forces[i, 1] -= coef * y
            forces[i, 2] -= coef * z
    return energies, forces


@njit(cache=True, inline="always")
def _smoothstep_down(x):
    """1 at x ≤ 0, 0 at x ≥ 1, 1 − 3x² + 2x³ between; and its derivative."""
    if x <= 0.0:
        return 1.0, 0.0
    if x >= 1.0:
        return 0.0, 0.0
    return 1.0 - 3.0 * x * x + 2.0 * x * x * x, -6.0 * x + 6.0 * x * x


@njit(cache=True)
def bond_penalty(
    c, first, second, df_over_r, dx, dy, dz, g, eps, kappa, c_lower, c_upper, r_inner, r_outer
):
    """The small-cluster correction's bond penalty over the switch pairs of `switch_pairs`
    and its forces together with the dimer term's ∂E/∂C (`g`, added to in place), with the
    expressions of `aucluster.potentials.correction` (tested equal): per-atom energies and
    forces of the penalty and of `g`."""
    n, m = c.shape[0], first.shape[0]
    energies = np.zeros(n)
    forces = np.zeros((n, 3))
    radial = np.zeros(m)
    width = c_upper - c_lower
    switch_width = r_outer - r_inner
    if eps > 0.0:
        for k in range(m):
            i, j = first[k], second[k]
            if c[i] >= c_upper or c[j] >= c_upper:
                continue
            r = math.sqrt(dx[k] * dx[k] + dy[k] * dy[k] + dz[k] * dz[k])
            f = 1.0
            if r > r_inner:
                f = 0.5 * (1.0 + math.cos(math.pi * (r - r_inner) / switch_width))
            ti, dti = _smoothstep_down((c[i] - c_lower) / width)
            tj, dtj = _smoothstep_down((c[j] - c_lower) / width)
            dti, dtj = dti / width, dtj / width
            si, dsi = _smoothstep_down(c[i] - 1.0)
            sj, dsj = _smoothstep_down(c[j] - 1.0)
            weight = ti * tj - si * sj  # ≥ 0: the dimer term has the C ≤ 1 part
            scale = eps * math.exp(-kappa * (0.5 * (c[i] + c[j]) - 2.0))
            pair_energy = scale * f * weight
            energies[i] += 0.5 * pair_energy
            energies[j] += 0.5 * pair_energy
            half_decay = 0.5 * kappa * weight
            g[i] += scale * f * (dti * tj - dsi * sj - half_decay)
            g[j] += scale * f * (dtj * ti - dsj * si - half_decay)
            radial[k] = scale * weight
    for k in range(m):
        i, j = first[k], second[k]
        coef = (radial[k] + (g[i] + g[j])) * df_over_r[k]
        if coef == 0.0:
            continue
        forces[i, 0] += coef * dx[k]
        forces[i, 1] += coef * dy[k]
        forces[i, 2] += coef * dz[k]
        forces[j, 0] -= coef * dx[k]
        forces[j, 1] -= coef * dy[k]
        forces[j, 2] -= coef * dz[k]
    return energies, forces

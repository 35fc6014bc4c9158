"""Orienting a structure for imaging: a zone axis, Euler angles, or a random orientation.

The beam travels along −z; an image shows the x–y projection. Directions are given in the
structure's own Cartesian frame (for the fcc builders, the cubic lattice axes).
"""

import numpy as np
from ase import Atoms
from scipy.spatial.transform import Rotation

from aucluster.errors import ParameterError
from aucluster.structures.packing import random_rotation


def zone_axis_rotation(zone_axis, in_plane_deg: float = 0.0) -> Rotation:
    """Rotation taking direction `zone_axis` (3 numbers) onto +z, then turning the image by
    `in_plane_deg` [deg] about z."""
    axis = np.asarray(zone_axis, dtype=float)
    if axis.shape != (3,) or not np.isfinite(axis).all() or np.linalg.norm(axis) == 0:
        raise ParameterError(f"zone axis {zone_axis!r}: need three numbers, not all zero")
    axis = axis / np.linalg.norm(axis)
    z = np.array([0.0, 0.0, 1.0])
    cross = np.cross(axis, z)
    if np.linalg.norm(cross) < 1e-12:
        align = Rotation.identity() if axis[2] > 0 else Rotation.from_euler("x", 180, degrees=True)
    else:
        angle = np.arccos(np.clip(axis @ z, -1.0, 1.0))
        align = Rotation.from_rotvec(cross / np.linalg.norm(cross) * angle)
    return Rotation.from_euler("z", in_plane_deg, degrees=True) * align


def orientation_rotation(
    *,
    zone_axis=None,
    euler_deg=None,
    seed: int | None = None,
    in_plane_deg: float = 0.0,
) -> Rotation:
    """One rotation from exactly one of: a zone axis, Euler angles (ZXZ, extrinsic [deg]), or a
    seed for a uniformly random orientation; none of them gives the identity (then only
    `in_plane_deg` applies)."""
    given = [x is not None for x in (zone_axis, euler_deg, seed)]
    if sum(given) > 1:
        raise ParameterError("give one of zone axis, Euler angles or a random seed, not several")
    turn = Rotation.from_euler("z", in_plane_deg, degrees=True)
    if zone_axis is not None:
        return zone_axis_rotation(zone_axis, in_plane_deg)
    if euler_deg is not None:
        angles = np.asarray(euler_deg, dtype=float)
        if angles.shape != (3,) or not np.isfinite(angles).all():
            raise ParameterError(f"Euler angles {euler_deg!r}: need three numbers [deg]")
        return turn * Rotation.from_euler("zxz", angles, degrees=True)
    if seed is not None:
        return turn * Rotation.from_matrix(random_rotation(np.random.default_rng(seed)))
    return turn


def oriented(atoms: Atoms, rotation: Rotation) -> Atoms:
    """Copy of `atoms` rotated by `rotation` about the centre of its positions."""
    out = atoms.copy()
    centre = out.positions.mean(axis=0) if len(out) else np.zeros(3)
    out.positions = rotation.apply(out.positions - centre) + centre
    return out

"""Cluster builders: every function returns a new `ase.Atoms` in a vacuum box (pbc False) and
records what it built in ``atoms.info`` (motif, parameters, seed)."""

from aucluster.structures.assemblies import (
    DEFAULT_CLOUD_SIZES,
    build_core_cloud,
    build_core_satellites,
    build_small_cluster,
    default_directions,
    parse_size_distribution,
)
from aucluster.structures.describe import ClusterDescription, describe
from aucluster.structures.elements import (
    SUPPORTED_ELEMENTS,
    lattice_constant,
    nearest_neighbour_distance,
)
from aucluster.structures.geometry import (
    DEFAULT_VACUUM,
    diameter,
    in_vacuum_box,
    minimum_distance,
    radius_of_gyration,
)
from aucluster.structures.motif import Motif, Region
from aucluster.structures.polyhedra import (
    build_cuboctahedron,
    build_decahedron,
    build_double_icosahedron,
    build_fcc_sphere,
    build_icosahedron,
    build_octahedron,
)
from aucluster.structures.seeds import build_core_shell, build_polycrystal
from aucluster.structures.series import (
    MotifMember,
    Within,
    build_member,
    decahedron_size,
    icosahedron_size,
    magic_series,
    motif_family,
    nearest_member,
    octahedron_size,
)
from aucluster.structures.stacking import build_stacked
from aucluster.structures.symmetry import point_group
from aucluster.structures.wulff import build_wulff, emt_surface_energies

__all__ = [
    "DEFAULT_CLOUD_SIZES",
    "DEFAULT_VACUUM",
    "SUPPORTED_ELEMENTS",
    "ClusterDescription",
    "Motif",
    "MotifMember",
    "Region",
    "Within",
    "build_core_cloud",
    "build_core_satellites",
    "build_core_shell",
    "build_cuboctahedron",
    "build_decahedron",
    "build_double_icosahedron",
    "build_fcc_sphere",
    "build_icosahedron",
    "build_member",
    "build_octahedron",
    "build_polycrystal",
    "build_small_cluster",
    "build_stacked",
    "build_wulff",
    "decahedron_size",
    "default_directions",
    "describe",
    "diameter",
    "emt_surface_energies",
    "icosahedron_size",
    "in_vacuum_box",
    "lattice_constant",
    "magic_series",
    "minimum_distance",
    "motif_family",
    "nearest_member",
    "nearest_neighbour_distance",
    "octahedron_size",
    "parse_size_distribution",
    "point_group",
    "radius_of_gyration",
]

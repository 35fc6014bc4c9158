"""The structural motifs the builders make, as an enum (not magic strings)."""

from enum import IntEnum, StrEnum


class Motif(StrEnum):
    """What a builder made; stored as ``atoms.info["motif"]`` and used as the CLI name."""

    MONOMER = "monomer"
    ICOSAHEDRON = "icosahedron"
    VACANCY_ICOSAHEDRON = "vacancy-icosahedron"
    INO_DECAHEDRON = "ino-decahedron"
    MARKS_DECAHEDRON = "marks-decahedron"
    CUBOCTAHEDRON = "cuboctahedron"
    OCTAHEDRON = "octahedron"
    TRUNCATED_OCTAHEDRON = "truncated-octahedron"
    DOUBLE_ICOSAHEDRON = "double-icosahedron"
    ICOSAHEDRAL_FRAGMENT = "icosahedral-fragment"
    WULFF = "wulff"
    FCC_SPHERE = "fcc-sphere"
    POLYCRYSTAL = "polycrystal"
    CORE_SHELL = "core-shell"
    CORE_CLOUD = "core-cloud"
    CORE_SATELLITES = "core-satellites"
    STACKED = "stacked"


#: Motifs made of shells of one closed-form family (sizes from formulas in `series`).
SHELL_MOTIFS: tuple[Motif, ...] = (
    Motif.ICOSAHEDRON,
    Motif.INO_DECAHEDRON,
    Motif.MARKS_DECAHEDRON,
    Motif.CUBOCTAHEDRON,
    Motif.OCTAHEDRON,
    Motif.TRUNCATED_OCTAHEDRON,
)


def label(atoms, motif: Motif, **parameters) -> None:
    """Record what was built in ``atoms.info``: the motif and each parameter as a flat key.

    Flat scalar keys survive extxyz, ASE databases and OVITO; parameters that are None are left
    out. Mutates `atoms`, which the calling builder has just created.
    """
    atoms.info["motif"] = str(motif)
    for key, value in parameters.items():
        if value is not None:
            atoms.info[key] = value


class Region(IntEnum):
    """Which part of a structure an atom is: as built (per-atom ``build_region``) or as found
    by `aucluster.analysis.segment` (per-atom ``region``; satellites are not told apart there,
    and the particle's outermost atoms are SURFACE)."""

    CORE = 0
    SHELL = 1
    CLOUD = 2
    SATELLITE = 3
    SURFACE = 4

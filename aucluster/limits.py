"""Size limits checked before anything is allocated, so that an absurd size (a typo's extra
zeros) is refused with one line naming the estimate instead of exhausting the machine.

Limits (each overridable by an environment variable):

``AUCLUSTER_MAX_ATOMS`` (default 2,000,000)
    The largest structure any builder makes, and the largest ``--max-atoms`` of a series or
    stability table. A 2-million-atom Au cluster is a 40 nm particle, beyond every study here.
``AUCLUSTER_MAX_MEMORY_GB`` (default 4)
    The largest array an image or movie may need (the imaging model's fine grid and the
    stack of frames), estimated from its shape before it is allocated.

`MAX_BOX_A` (10⁴ Å) bounds the box of an isolated cluster: asap3's neighbour list allocates
cells over the whole box and aborts (std::bad_alloc, no Python error) at 10⁷ Å (measured).
"""

import os

from aucluster.errors import ParameterError

MAX_ATOMS_ENV = "AUCLUSTER_MAX_ATOMS"
MAX_MEMORY_ENV = "AUCLUSTER_MAX_MEMORY_GB"
DEFAULT_MAX_ATOMS = 2_000_000
DEFAULT_MAX_MEMORY_GB = 4.0
#: Largest box edge [Å] of a non-periodic structure (vacuum included).
MAX_BOX_A = 1.0e4


def _env_number(name: str, default: float) -> float:
    text = os.environ.get(name)
    if text is None or not text.strip():
        return default
    try:
        value = float(text)
    except ValueError:
        raise ParameterError(f"{name}={text!r}: must be a positive number") from None
    if not value > 0:
        raise ParameterError(f"{name}={text!r}: must be a positive number")
    return value


def max_atoms() -> int:
    """The atom limit in force (`DEFAULT_MAX_ATOMS` unless ``AUCLUSTER_MAX_ATOMS`` says)."""
    return int(_env_number(MAX_ATOMS_ENV, DEFAULT_MAX_ATOMS))


def max_memory_bytes() -> float:
    """The memory limit in force, in bytes."""
    return _env_number(MAX_MEMORY_ENV, DEFAULT_MAX_MEMORY_GB) * 1e9


def check_atoms(estimate: float, what: str) -> None:
    """Refuse `what` (a phrase naming the value, e.g. "icosahedron of 100000 shells") when
    it would hold more than `max_atoms()` atoms; `estimate` is computed, not built."""
    limit = max_atoms()
    if not estimate <= limit:
        raise ParameterError(
            f"{what}: ≈ {estimate:.3g} atoms, beyond the limit of {limit:,} atoms "
            f"(set {MAX_ATOMS_ENV} to raise it)"
        )


def check_memory(n_bytes: float, what: str) -> None:
    """Refuse `what` when its arrays would need more than `max_memory_bytes()`."""
    limit = max_memory_bytes()
    if not n_bytes <= limit:
        raise ParameterError(
            f"{what}: needs ≈ {n_bytes / 1e9:.3g} GB, beyond the limit of "
            f"{limit / 1e9:.3g} GB (set {MAX_MEMORY_ENV} to raise it)"
        )


def check_box(edge_A: float, what: str) -> None:
    """Refuse a non-periodic box edge beyond `MAX_BOX_A`."""
    if not edge_A <= MAX_BOX_A:
        raise ParameterError(
            f"{what}: a box edge of {edge_A:.3g} Å, beyond {MAX_BOX_A:g} Å (asap3's "
            "neighbour list allocates cells over the box and aborts far beyond it)"
        )


__all__ = [
    "DEFAULT_MAX_ATOMS",
    "DEFAULT_MAX_MEMORY_GB",
    "MAX_ATOMS_ENV",
    "MAX_BOX_A",
    "MAX_MEMORY_ENV",
    "check_atoms",
    "check_box",
    "check_memory",
    "max_atoms",
    "max_memory_bytes",
]

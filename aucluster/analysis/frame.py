"""Everything the analysis knows about one frame, and its one-line summary."""

from dataclasses import dataclass

import numpy as np
from ase import Atoms

from aucluster.analysis.classify import ParticleMotif, particle_motif
from aucluster.analysis.clusters import DEFAULT_BOND_CUTOFF
from aucluster.analysis.cna import CNAResult, Structure, adaptive_cna
from aucluster.analysis.exchange import (
    DEFAULT_DETACH_RADIUS,
    DEFAULT_DWELL_PS,
    DEFAULT_MIN_COALESCENCE_ATOMS,
    check_exchange_parameters,
)
from aucluster.analysis.faults import FaultKind, PlanarFault, planar_faults
from aucluster.analysis.grains import (
    DEFAULT_MAX_MISORIENTATION_DEG,
    DEFAULT_MIN_GRAIN_SIZE,
    Grains,
    check_grain_parameters,
    segment_grains,
)
from aucluster.analysis.inherent import (
    DEFAULT_QUENCH_FMAX,
    DEFAULT_QUENCH_MAX_STEPS,
    LabelMode,
)
from aucluster.analysis.orientation import (
    DEFAULT_RMSD_MAX,
    check_rmsd_max,
    lattice_orientations,
)
from aucluster.analysis.segment import Segmentation, segment
from aucluster.errors import ParameterError
from aucluster.structures.motif import Region

#: Frames per Lindemann block: the index is computed over consecutive blocks of this many
#: frames, on the atoms in the particle throughout the block, and reported on the block's
#: last frame (NaN elsewhere).
DEFAULT_LINDEMANN_WINDOW = 10


def check_lindemann_window(lindemann_window: int) -> None:
    if int(lindemann_window) != lindemann_window or lindemann_window < 0 or lindemann_window == 1:
        raise ParameterError(
            f"lindemann_window = {lindemann_window!r}: 0 (off) or an integer ≥ 2 (frames per block)"
        )


@dataclass(frozen=True, kw_only=True)
class AnalysisSettings:
    """Knobs of the analysis (defaults for Au; see each module for the rules).

    `labels` says which positions the structural labels are computed on (`inherent`);
    `bond_cutoff` is both the particle / cloud connectivity and r_in of the exchange,
    `detach_radius` its r_out (`exchange`)."""

    bond_cutoff: float = DEFAULT_BOND_CUTOFF  # [Å] particle / cloud connectivity, r_in
    rmsd_max: float = DEFAULT_RMSD_MAX  # PTM RMSD cutoff (dimensionless)
    max_misorientation_deg: float = DEFAULT_MAX_MISORIENTATION_DEG
    min_grain_size: int = DEFAULT_MIN_GRAIN_SIZE  # [atoms]
    lindemann_window: int = DEFAULT_LINDEMANN_WINDOW  # [frames] per block; 0 = off
    labels: LabelMode = LabelMode.QUENCHED
    quench_fmax_eV_per_A: float = DEFAULT_QUENCH_FMAX
    quench_max_steps: int = DEFAULT_QUENCH_MAX_STEPS
    average_window: int = 5  # [frames] for labels = averaged
    detach_radius: float = DEFAULT_DETACH_RADIUS  # [Å] r_out
    dwell_ps: float = DEFAULT_DWELL_PS
    min_coalescence_atoms: int = DEFAULT_MIN_COALESCENCE_ATOMS
    rate_window_ps: float = 20.0  # [ps] windows of rates.csv

    def __post_init__(self) -> None:
        if not self.bond_cutoff > 0:
            raise ParameterError(f"bond_cutoff = {self.bond_cutoff!r} Å: must be positive")
        check_rmsd_max(self.rmsd_max)
        check_grain_parameters(self.max_misorientation_deg, self.min_grain_size)
        check_lindemann_window(self.lindemann_window)
        try:
            object.__setattr__(self, "labels", LabelMode(self.labels))
        except ValueError:
            allowed = ", ".join(str(m) for m in LabelMode)
            raise ParameterError(f"labels = {self.labels!r}: allowed are {allowed}") from None
        if not self.quench_fmax_eV_per_A > 0:
            raise ParameterError(
                f"quench_fmax_eV_per_A = {self.quench_fmax_eV_per_A!r}: must be positive"
            )
        if int(self.quench_max_steps) != self.quench_max_steps or self.quench_max_steps < 0:
            raise ParameterError(f"quench_max_steps = {self.quench_max_steps!r}: an integer ≥ 0")
        if int(self.average_window) != self.average_window or self.average_window < 1:
            raise ParameterError(f"average_window = {self.average_window!r}: an integer ≥ 1")
        check_exchange_parameters(
            self.bond_cutoff, self.detach_radius, self.dwell_ps, self.min_coalescence_atoms
        )
        if not self.rate_window_ps > 0:
            raise ParameterError(f"rate_window_ps = {self.rate_window_ps!r}: must be positive")


@dataclass(frozen=True)
class FrameAnalysis:
    """Per-atom results of one frame (CNA, orientations, grains, faults, regions, motif)."""

    cna: CNAResult
    orientations: np.ndarray
    grains: Grains
    faults: list[PlanarFault]
    segmentation: Segmentation
    motif: ParticleMotif

    def summary(self) -> dict[str, float | int | str]:
        """Scalar columns of the per-frame table (units in the names)."""
        seg, s = self.segmentation, self.cna.structure
        particle = seg.particle
        n_particle = int(particle.sum())
        kinds = [f.kind for f in self.faults]
        cloud = seg.cloud_cluster_sizes
        return {
            "n_atoms": len(s),
            "n_particle": n_particle,
            "crystalline_fraction": float(self.cna.crystalline[particle].sum() / n_particle),
            "crystalline_fraction_interior": self.interior_crystalline_fraction,
            "n_fcc": int((s == Structure.FCC).sum()),
            "n_hcp": int((s == Structure.HCP).sum()),
            "n_bcc": int((s == Structure.BCC).sum()),
            "n_ico": int((s == Structure.ICO).sum()),
            "n_other": int((s == Structure.OTHER).sum()),
            "n_five_fold": int(self.cna.five_fold.sum()),
            "n_grains": self.grains.n_grains,
            "largest_grain_share": self.grains.largest_share,
            "n_twins": kinds.count(FaultKind.TWIN),
            "n_intrinsic_faults": kinds.count(FaultKind.INTRINSIC),
            "n_extrinsic_faults": kinds.count(FaultKind.EXTRINSIC),
            "n_core": seg.count(Region.CORE),
            "n_shell": seg.count(Region.SHELL),
            "n_surface": seg.count(Region.SURFACE),
            "n_cloud": seg.count(Region.CLOUD),
            "n_monomers": seg.n_monomers,
            "n_cloud_clusters": len(cloud),
            "largest_cloud_cluster": int(cloud[0]) if len(cloud) else 0,
            "cloud_size_distribution": _distribution(cloud),
            "core_radius_A": seg.core_radius,
            "particle_radius_A": seg.particle_radius,
            "shell_thickness_A": seg.shell_thickness,
            "motif": str(self.motif),
        }

    @property
    def interior_crystalline_fraction(self) -> float:
        """Crystalline (CNA fcc/hcp/bcc/ico) atoms over the particle's non-surface atoms, whose
        ceiling does not fall with size as the all-atom fraction's does (NaN without any)."""
        seg = self.segmentation
        interior = seg.particle & (seg.region != Region.SURFACE)
        n = int(interior.sum())
        return float(self.cna.crystalline[interior].sum() / n) if n else float("nan")

    def per_atom(self) -> dict[str, np.ndarray]:
        """Per-atom arrays for extxyz / OVITO: cna, grain, region, five_fold."""
        return {
            "cna": self.cna.structure.astype(int),
            "grain": self.grains.grain.astype(int),
            "region": self.segmentation.region.astype(int),
            "five_fold": self.cna.five_fold.astype(int),
        }


def _distribution(sizes: np.ndarray) -> str:
    """Cluster-size distribution as 'size:count' pairs, smallest size first ('1:5 13:1')."""
    values, counts = np.unique(sizes, return_counts=True)
    return " ".join(f"{v}:{c}" for v, c in zip(values.tolist(), counts.tolist(), strict=True))


def analyze_frame(atoms: Atoms, settings: AnalysisSettings | None = None) -> FrameAnalysis:
    """Full structural analysis of one frame (an isolated particle with its cloud)."""
    s = AnalysisSettings() if settings is None else settings
    if len(atoms) < 2:
        raise ParameterError(f"{len(atoms)} atom(s): the analysis needs a structure of ≥ 2 atoms")
    cna = adaptive_cna(atoms)
    orientations = lattice_orientations(atoms, rmsd_max=s.rmsd_max)
    grains = segment_grains(
        cna,
        orientations,
        max_misorientation_deg=s.max_misorientation_deg,
        min_size=s.min_grain_size,
    )
    faults = planar_faults(atoms, cna)
    segmentation = segment(atoms, cna, cutoff=s.bond_cutoff)
    motif = particle_motif(atoms, cna, segmentation, grains, faults)
    return FrameAnalysis(cna, orientations, grains, faults, segmentation, motif)

"""Structural analysis: the ground truth for what the images suggest.

Adaptive CNA (`adaptive_cna`), PTM orientations, grains, planar faults, particle / cloud and
core / shell / surface segmentation, a motif label per particle, and over a trajectory the
per-frame table on inherent structures, exchange events with hysteresis and their rates
(detach, attach, expel, coalescence), grains and twin boundaries tracked in time, and the
Lindemann index. Per-atom labels use OVITO's structure codes (0 other, 1 fcc, 2 hcp, 3 bcc, 4 ico).
"""

from aucluster.analysis.classify import ParticleMotif, particle_motif
from aucluster.analysis.clusters import DEFAULT_BOND_CUTOFF, cluster_labels, detached_atoms
from aucluster.analysis.cna import SIGNATURES, CNABackend, CNAResult, Structure, adaptive_cna
from aucluster.analysis.events import Event, EventKind, lindemann_index
from aucluster.analysis.faults import FaultKind, PlanarFault, hcp_plane_normals, planar_faults
from aucluster.analysis.frame import AnalysisSettings, FrameAnalysis, analyze_frame
from aucluster.analysis.grains import Grains, segment_grains
from aucluster.analysis.inherent import LabelMode, Quench, quench
from aucluster.analysis.orientation import (
    cubic_misorientation,
    lattice_orientations,
    mean_orientation,
)
from aucluster.analysis.segment import Segmentation, segment
from aucluster.analysis.timeseries import TrajectoryAnalysis, analyze_trajectory

__all__ = [
    "DEFAULT_BOND_CUTOFF",
    "SIGNATURES",
    "AnalysisSettings",
    "CNABackend",
    "CNAResult",
    "Event",
    "EventKind",
    "FaultKind",
    "FrameAnalysis",
    "Grains",
    "LabelMode",
    "ParticleMotif",
    "PlanarFault",
    "Quench",
    "Segmentation",
    "Structure",
    "TrajectoryAnalysis",
    "adaptive_cna",
    "analyze_frame",
    "analyze_trajectory",
    "cluster_labels",
    "cubic_misorientation",
    "detached_atoms",
    "hcp_plane_normals",
    "lattice_orientations",
    "lindemann_index",
    "mean_orientation",
    "particle_motif",
    "planar_faults",
    "quench",
    "segment",
    "segment_grains",
]

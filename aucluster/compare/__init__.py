"""Comparing with experiment: microscope files, the paper's measurements (projected Au-rich
area, mean grey value, FFT crystallinity), registration and similarity. Simulated and
experimental frames go through the same functions (`aucluster.imaging.Image` is the one image
type)."""

from aucluster.compare.crystallinity import (
    AU_SPACINGS,
    Crystallinity,
    FFTSettings,
    FFTVerdict,
    FringeMap,
    FringeSet,
    fringe_sets,
    local_fringe_map,
    particle_crystallinity,
    resolves_lattice,
)
from aucluster.compare.measure import (
    FrameMeasurement,
    Particle,
    SegmentationSettings,
    measure_frame,
    normalised,
    track,
)
from aucluster.compare.readers import read_image
from aucluster.compare.registration import (
    Alignment,
    MatchScores,
    align,
    best_match,
    normalised_cross_correlation,
    plot_match,
    poisson_log_likelihood,
    score_match,
)

__all__ = [
    "AU_SPACINGS",
    "Alignment",
    "Crystallinity",
    "FFTSettings",
    "FFTVerdict",
    "FrameMeasurement",
    "FringeMap",
    "FringeSet",
    "MatchScores",
    "Particle",
    "SegmentationSettings",
    "align",
    "best_match",
    "fringe_sets",
    "local_fringe_map",
    "measure_frame",
    "normalised",
    "normalised_cross_correlation",
    "particle_crystallinity",
    "plot_match",
    "poisson_log_likelihood",
    "read_image",
    "resolves_lattice",
    "score_match",
    "track",
]

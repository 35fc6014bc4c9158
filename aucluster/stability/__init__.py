"""Cluster stability: motif series relaxed, excess energy Δ, second difference Δ2E, crossover
sizes, global-minimum search, melting, and the tables in an ASE database."""

from aucluster.stability.bulk import BulkReference, bulk_reference
from aucluster.stability.candidates import (
    MIN_ATOMS,
    MOTIF_CLASS,
    TABLE_MOTIFS,
    Candidate,
    candidates,
    parse_motifs,
)
from aucluster.stability.energetics import (
    Crossover,
    LinearFit,
    crossovers,
    envelope,
    excess_energy,
    fit_class,
    lowest_per_size,
    second_difference,
)
from aucluster.stability.relax import DEFAULT_FMAX, Relaxed, relax
from aucluster.stability.table import TableRow, TableRun, check_database, compute_table, read_table

__all__ = [
    "DEFAULT_FMAX",
    "MIN_ATOMS",
    "MOTIF_CLASS",
    "TABLE_MOTIFS",
    "BulkReference",
    "Candidate",
    "Crossover",
    "LinearFit",
    "Relaxed",
    "TableRow",
    "TableRun",
    "bulk_reference",
    "candidates",
    "check_database",
    "compute_table",
    "crossovers",
    "envelope",
    "excess_energy",
    "fit_class",
    "lowest_per_size",
    "parse_motifs",
    "read_table",
    "relax",
    "second_difference",
]

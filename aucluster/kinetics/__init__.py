"""Kinetics: exchange rates from MD ensembles with their intervals, and Arrhenius fits
(docs/kinetics.md). No mapping of MD time onto the experiment's seconds is made here yet."""

from aucluster.kinetics.rates import (
    ARRHENIUS_COLUMNS,
    RATE_TABLE_COLUMNS,
    ArrheniusFit,
    MemberCounts,
    arrhenius_fit,
    arrhenius_rows,
    check_one_particle,
    count_events,
    find_runs,
    member_counts,
    plot_arrhenius,
    pooled_rates,
)

__all__ = [
    "ARRHENIUS_COLUMNS",
    "RATE_TABLE_COLUMNS",
    "ArrheniusFit",
    "MemberCounts",
    "arrhenius_fit",
    "arrhenius_rows",
    "check_one_particle",
    "count_events",
    "find_runs",
    "member_counts",
    "plot_arrhenius",
    "pooled_rates",
]

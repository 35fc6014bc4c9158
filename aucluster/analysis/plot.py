"""The structural time series of a trajectory as a figure (`aucluster analyze`, workflows)."""

from collections.abc import Sequence
from pathlib import Path

import numpy as np
from matplotlib.figure import Figure


def plot_timeseries(rows: Sequence[dict], path: Path, *, title: str) -> None:
    """Four panels against time (or frame): crystallinity and grains; core / shell / surface /
    cloud atoms; cumulative detached and attached atoms with monomers; Lindemann index."""
    times = np.array([float(r["time_ps"]) for r in rows])
    if np.isfinite(times).all():
        x, xlabel = times, "time [ps]"
    else:
        x, xlabel = np.array([int(r["frame"]) for r in rows]), "frame"

    def col(name: str) -> np.ndarray:
        return np.array([float(r[name]) for r in rows])

    fig = Figure(figsize=(8, 10), layout="constrained")
    axes = fig.subplots(4, 1, sharex=True)
    order, regions, exchange, melt = axes
    order.plot(x, col("crystalline_fraction"), label="crystalline fraction (CNA)")
    order.plot(x, col("crystalline_fraction_interior"), label="… of the interior (no surface)")
    order.plot(x, col("largest_grain_share"), label="largest grain share")
    order.set_ylim(-0.02, 1.02)
    order.set_ylabel("fraction")
    grains = order.twinx()
    grains.step(x, col("n_grains"), where="mid", color="k", alpha=0.6, label="grains")
    grains.set_ylabel("grains")
    order.legend(loc="upper left", fontsize=8)
    for name in ("n_core", "n_shell", "n_surface", "n_cloud"):
        regions.plot(x, col(name), label=name.removeprefix("n_"))
    regions.set_ylabel("atoms")
    regions.legend(fontsize=8, ncol=4)
    exchange.plot(x, np.cumsum(col("n_detached")), label="detached (cumulative)")
    exchange.plot(x, np.cumsum(col("n_attached")), label="attached (cumulative)")
    exchange.plot(x, col("n_monomers"), label="monomers in cloud")
    for t in x[col("n_coalescence_contacts") > 0]:
        exchange.axvline(t, color="r", lw=0.8, ls="--")
    exchange.set_ylabel("atoms")
    exchange.legend(fontsize=8, title="red dashes: coalescence contact", title_fontsize=8)
    lindemann = col("lindemann_index")
    shown = np.isfinite(lindemann)
    melt.plot(x[shown], lindemann[shown], "o-")
    melt.axhline(0.1, color="grey", ls=":", lw=1)
    melt.set_ylabel("Lindemann index")
    melt.set_xlabel(xlabel)
    if not shown.any():
        melt.text(0.5, 0.5, "too few frames per block", transform=melt.transAxes, ha="center")
    fig.suptitle(title)
    fig.savefig(path, dpi=120, format="png")

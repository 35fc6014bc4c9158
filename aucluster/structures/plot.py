"""The figure of `aucluster series`: magic numbers per motif and how size grows with N."""

from collections.abc import Sequence
from pathlib import Path

from matplotlib.figure import Figure


def plot_series(rows: Sequence[dict], path: Path, *, title: str) -> None:
    """Two panels: (a) each motif's magic numbers on a log N axis; (b) diameter against N^(1/3)."""
    motifs = list(dict.fromkeys(r["motif"] for r in rows))
    fig = Figure(figsize=(11, 4.2), layout="constrained")
    ladder, growth = fig.subplots(1, 2)
    for y, motif in enumerate(motifs):
        ns = [int(r["n_atoms"]) for r in rows if r["motif"] == motif]
        ds = [float(r["diameter_A"]) for r in rows if r["motif"] == motif]
        line = ladder.plot(ns, [y] * len(ns), "o", ms=6)[0]
        for i, n in enumerate(ns):  # alternate above/below so crowded labels stay legible
            ladder.annotate(
                str(n),
                (n, y),
                textcoords="offset points",
                xytext=(0, 7 if i % 2 == 0 else -13),
                ha="center",
                fontsize=7,
            )
        growth.plot([n ** (1 / 3) for n in ns], ds, "o-", color=line.get_color(), label=motif)
    ladder.set_xscale("log")
    ladder.set_yticks(range(len(motifs)), motifs)
    ladder.set_ylim(-0.6, len(motifs) - 0.4)
    ladder.set_xlabel("number of atoms N")
    ladder.set_title("(a) magic numbers")
    growth.set_xlabel("N$^{1/3}$")
    growth.set_ylabel("diameter [Å]")
    growth.set_title("(b) size")
    growth.legend(fontsize=8)
    fig.suptitle(title)
    fig.savefig(path, dpi=120, format="png")

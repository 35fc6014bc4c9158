"""The Markdown tables of docs/workflows.md and docs/compare.md ("Detectability") from the
rows an `aucluster detectability` run wrote, summarised by the current code, and its figure.

    python bench/detectability_tables.py DIR [--figure docs/figures/detectability_X.png]
"""

import argparse
import csv
from pathlib import Path

from aucluster.workflow.detectability import (
    plot_detectability,
    summarise_detectability,
    threshold_roc,
)

NUMBERS = ("radius_A", "dose_e_per_A2", "min_strength")
INTEGERS = ("frames_summed", "n_fringe_sets", "n_lattice_orientations", "orientation")


def load_rows(path: Path) -> list[dict]:
    with open(path, newline="") as handle:
        rows = list(csv.DictReader(handle))
    for r in rows:
        for key in NUMBERS:
            r[key] = float(r[key])
        for key in INTEGERS:
            r[key] = int(r[key])
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("directory", type=Path)
    parser.add_argument("--figure", type=Path, help="Also draw the study's figure here.")
    args = parser.parse_args()
    rows = load_rows(args.directory / "detectability.csv")
    summary = summarise_detectability(rows)
    print(
        "| radius [Å] | dose [e/Å²] | frames | CNA class | n | verdict names it | "
        "> 4 lattices (paper) | ≥ 2 lattices | sets | lattices |"
    )
    print("|---:|---:|---:|---|---:|---|---|---|---:|---:|")
    for r in summary:
        print(
            f"| {r['radius_A']:g} | {r['dose_e_per_A2']:g} | {r['frames_summed']} | {r['truth']} "
            f"| {r['n_frames']} | {r['called_as_truth']} {r['called_as_truth_ci95']} "
            f"| {r['called_polycrystalline']} {r['called_polycrystalline_ci95']} "
            f"| {r['two_or_more_lattices']} {r['two_or_more_lattices_ci95']} "
            f"| {r['mean_fringe_sets']} | {r['mean_lattice_orientations']} |"
        )
    print()
    print(
        "| radius [Å] | dose [e/Å²] | frames | spot threshold | polycrystals called "
        "polycrystalline | single crystals called so |"
    )
    print("|---:|---:|---:|---:|---:|---:|")
    roc = threshold_roc(rows)
    for r in roc:
        print(
            f"| {r['radius_A']:g} | {r['dose_e_per_A2']:g} | {r['frames_summed']} "
            f"| {r['min_strength']:g} | {r['polycrystal_called_polycrystalline']} "
            f"| {r['single_called_polycrystalline']} |"
        )
    if args.figure is not None:
        plot_detectability(summary, roc, args.figure)
        print(f"\nwrote {args.figure}")


if __name__ == "__main__":
    main()

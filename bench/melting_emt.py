"""Melting of EMT Au: caloric curves of Mackay icosahedra, the bulk melting point by
solid–liquid coexistence, and the Pawlow fit.

    python bench/melting_emt.py [--out data] [--melting-out aucluster/thermo/data] [--workers 2]

Writes melting_emt.csv (per size: melting point from the step in E(T), the step in the
Lindemann index, T/T_m(bulk)) and bulk_melting_emt.csv (each coexistence run and their mean)
into the package's data (`aucluster.thermo.homologous` reads them to state every run's
temperatures as T/T_m), and data/caloric_emt.csv (the curves). ~5 minutes on 2 cores.
"""

import argparse
import csv
from pathlib import Path

import numpy as np

from aucluster.parallel import map_unordered
from aucluster.structures import build_icosahedron
from aucluster.thermo import bulk_coexistence, caloric_curve, melting_point, pawlow_fit

SHELLS = (4, 5, 6, 7)  # Ih 147, 309, 561, 923
TEMPERATURES_K = np.arange(300.0, 1001.0, 25.0)
COEXISTENCE_STARTS_K = (860.0, 900.0, 940.0)


def task(job):
    kind, value = job
    if kind == "cluster":
        return caloric_curve(
            build_icosahedron(value), TEMPERATURES_K, equilibrate_ps=10, sample_ps=10, seed=value
        )
    return bulk_coexistence(value, run_ps=80.0, lattice_temperature_K=920.0, seed=int(value))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("data"))
    parser.add_argument("--melting-out", type=Path, default=Path("aucluster/thermo/data"))
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    jobs = [("bulk", t) for t in COEXISTENCE_STARTS_K] + [("cluster", k) for k in SHELLS]
    results = dict(map_unordered(task, jobs, workers=args.workers))
    bulk = [results[i] for i in range(len(COEXISTENCE_STARTS_K))]
    curves = [results[i] for i in range(len(COEXISTENCE_STARTS_K), len(jobs))]
    t_bulk = float(np.mean([b.temperature_K for b in bulk]))
    # uncertainty: the spread of the three starts (larger than each run's block error)
    dt_bulk = float(np.std([b.temperature_K for b in bulk], ddof=1))
    with open(args.melting_out / "bulk_melting_emt.csv", "w", newline="") as handle:
        w = csv.writer(handle)
        w.writerow(
            [
                "run",
                "start_K",
                "melting_K",
                "block_error_K",
                "lattice_constant_A",
                "crystalline_fraction_end",
                "n_atoms",
            ]
        )
        for i, b in enumerate(bulk):
            w.writerow(
                [
                    i + 1,
                    b.start_K,
                    f"{b.temperature_K:.1f}",
                    f"{b.uncertainty_K:.1f}",
                    f"{b.lattice_constant_A:.4f}",
                    f"{b.solid_fraction_end:.3f}",
                    b.n_atoms,
                ]
            )
        w.writerow(["mean", "", f"{t_bulk:.1f}", f"{dt_bulk:.1f}", "", "", ""])
    points = [melting_point(c) for c in curves]
    fit = pawlow_fit(
        [c.n_atoms for c in curves],
        [p.temperature_K for p in points],
        [p.uncertainty_K for p in points],
    )
    with open(args.melting_out / "melting_emt.csv", "w", newline="") as handle:
        w = csv.writer(handle)
        w.writerow(
            [
                "motif",
                "n_atoms",
                "melting_K",
                "uncertainty_K",
                "lindemann_step_K",
                "melting_over_bulk",
            ]
        )
        for c, p in zip(curves, points, strict=True):
            lind = f"{p.lindemann_K:.0f}"
            w.writerow(
                [
                    "icosahedron",
                    c.n_atoms,
                    f"{p.temperature_K:.1f}",
                    f"{p.uncertainty_K:.1f}",
                    lind,
                    f"{p.temperature_K / t_bulk:.3f}",
                ]
            )
    with open(args.out / "caloric_emt.csv", "w", newline="") as handle:
        w = csv.writer(handle)
        w.writerow(["n_atoms", "temperature_K", "energy_per_atom_eV", "energy_std_eV", "lindemann"])
        for c in curves:
            for row in zip(
                c.temperature_K, c.energy_per_atom_eV, c.energy_std_eV, c.lindemann, strict=True
            ):
                w.writerow(
                    [c.n_atoms, f"{row[0]:.1f}", f"{row[1]:.6f}", f"{row[2]:.6f}", f"{row[3]:.4f}"]
                )
    print(
        f"bulk coexistence: T_m = {t_bulk:.0f} ± {dt_bulk:.0f} K "
        f"(runs: {[round(b.temperature_K) for b in bulk]})"
    )
    for c, p in zip(curves, points, strict=True):
        print(
            f"Ih {c.n_atoms}: T_m = {p.temperature_K:.0f} ± {p.uncertainty_K:.0f} K, "
            f"Lindemann step {p.lindemann_K:.0f} K, T/T_m = {p.temperature_K / t_bulk:.2f}"
        )
    print(
        f"Pawlow fit: T_bulk = {fit.bulk_K:.0f} ± {fit.bulk_error_K:.0f} K, "
        f"c = {fit.c:.2f} ± {fit.c_error:.2f}"
    )


if __name__ == "__main__":
    main()

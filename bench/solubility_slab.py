"""The model's solubility ρ_eq(T): a periodic (111) slab in contact with its own vapour.

Runs `aucluster.thermo.solubility.measure_solubility` for each temperature and prints one
Markdown row each: monomer-equivalent vapour density with its 95 % interval (autocorrelation
taken into account), the count's integrated correlation time, and the vapour's species (mean
number of clusters of each size). About 4 min per temperature on one core for 100 + 600 ps
at 2 fs with numba.

    python bench/solubility_slab.py --temperature-K 600 700 --mu-eV 2.2 [--c-max 6]
        [--no-cluster-correction] [--equilibration-ps 40] [--production-ps 160] [--seed 0]
        [--timestep-fs 2] [--write CSV]
"""

import argparse
import sys
import time

import click

from aucluster.potentials import Hamiltonian, SolventParameters
from aucluster.thermo.homologous import melting_scale
from aucluster.thermo.solubility import SlabSettings, measure_solubility

COLUMNS = (
    "temperature_K",
    "T_over_Tm_bulk",
    "mu_eV",
    "solvent_form",
    "stepped",
    "cluster_correction",
    "density_per_nm3",
    "ci_low_per_nm3",
    "ci_high_per_nm3",
    "correlation_time_ps",
    "mean_vapour_atoms",
    "vapour_volume_A3",
    "n_frames",
    "equilibration_ps",
    "production_ps",
    "timestep_fs",
    "seed",
    "lattice_constant_A",
    "n_slab_atoms",
    "monomers",
    "dimers",
    "larger",
    "seconds",
)


def append_row(path, result, args, seconds) -> None:
    """One row of the solubility table, with a header (and how it was made) if new."""
    import csv
    import os

    scale = melting_scale("emt")
    assert scale is not None
    monomers = result.species.get(1, 0.0)
    dimers = result.species.get(2, 0.0)
    larger = sum(v for k, v in result.species.items() if k > 2)
    new = not os.path.exists(path)
    with open(path, "a", newline="") as handle:
        if new:
            handle.write(
                "# rho_eq(T): monomer-equivalent vapour density over a periodic (111) slab, "
                "EMT + small-cluster correction + implicit solvent; python "
                "bench/solubility_slab.py (aucluster.thermo.solubility); species are mean "
                "numbers of vapour clusters of that size\n"
            )
        writer = csv.writer(handle)
        if new:
            writer.writerow(COLUMNS)
        low, high = (1000 * x for x in result.ci95_per_A3)
        writer.writerow(
            [
                result.temperature_K,
                round(result.temperature_K / scale.bulk_K, 3),
                result.mu_eV,
                args.form if args.form == "embedding" else f"coordination c_max={args.c_max:g}",
                args.stepped,
                not args.no_cluster_correction,
                round(result.density_per_nm3, 5),
                round(low, 5),
                round(high, 5),
                round(result.correlation_time_ps, 1),
                round(result.mean_vapour_atoms, 3),
                round(result.vapour_volume_A3, 1),
                result.n_frames,
                args.equilibration_ps,
                args.production_ps,
                args.timestep_fs,
                args.seed,
                round(result.lattice_constant_A, 5),
                result.n_slab_atoms,
                round(monomers, 3),
                round(dimers, 3),
                round(larger, 3),
                round(seconds, 1),
            ]
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--temperature-K", type=float, nargs="+", required=True)
    parser.add_argument("--mu-eV", type=float, required=True)
    parser.add_argument("--c-max", type=float, default=SolventParameters().c_max)
    parser.add_argument("--no-cluster-correction", action="store_true")
    parser.add_argument(
        "--form",
        choices=("coordination", "embedding"),
        default="embedding",
        help="the solvent's form (aucluster.potentials.SolventParameters)",
    )
    parser.add_argument("--stepped", action="store_true", help="half-layer stripes: two steps")
    parser.add_argument("--vacuum-A", type=float, default=SlabSettings.vacuum_A)
    parser.add_argument(
        "--lateral-cells", type=int, nargs=2, default=list(SlabSettings.lateral_cells)
    )
    parser.add_argument(
        "--initial-vapour", type=int, default=0, help="monomers placed in the vacuum at the start"
    )
    parser.add_argument("--series", metavar="NPZ", help="save the vapour count per sample")
    parser.add_argument("--equilibration-ps", type=float, default=40.0)
    parser.add_argument("--production-ps", type=float, default=160.0)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--timestep-fs", type=float, default=SlabSettings.timestep_fs)
    parser.add_argument(
        "--write",
        metavar="CSV",
        help="append the rows to this table (the package's is "
        "aucluster/md/data/solubility_emt.csv)",
    )
    args = parser.parse_args()
    hamiltonian = Hamiltonian(
        solvent=SolventParameters(mu_eV=args.mu_eV, c_max=args.c_max)
        if args.form == "coordination"
        else SolventParameters(mu_eV=args.mu_eV, form="embedding"),
        cluster_correction=not args.no_cluster_correction,
    )
    scale = melting_scale("emt")
    assert scale is not None  # the EMT table ships with the package
    t_m = scale.bulk_K
    print(
        "| T [K] | T/T_m(bulk) | μ_s [eV] | form | ρ_eq [nm⁻³] | 95 % interval | "
        "τ [ps] | species (size: mean count) | wall [s] |"
    )
    print("|---:|---:|---:|---:|---:|---|---:|---|---:|")
    for temperature in args.temperature_K:
        settings = SlabSettings(
            temperature_K=temperature,
            hamiltonian=hamiltonian,
            equilibration_ps=args.equilibration_ps,
            production_ps=args.production_ps,
            seed=args.seed,
            timestep_fs=args.timestep_fs,
            stepped=args.stepped,
            vacuum_A=args.vacuum_A,
            lateral_cells=tuple(args.lateral_cells),
            initial_vapour=args.initial_vapour,
        )
        start = time.perf_counter()
        with click.progressbar(length=1, label=f"{temperature:g} K", file=sys.stderr) as bar:

            def advance(i, total, bar=bar):
                bar.length = total
                bar.update(1)

            result = measure_solubility(settings, on_sample=advance)
        low, high = (1000 * x for x in result.ci95_per_A3)
        if args.series:
            import numpy as np

            np.savez(f"{args.series}_{temperature:g}.npz", counts=result.counts)
        if args.write:
            append_row(args.write, result, args, time.perf_counter() - start)
        species = ", ".join(f"{k}: {v:.2f}" for k, v in result.species.items() if v >= 0.01)
        print(
            f"| {temperature:g} | {temperature / t_m:.2f} | {args.mu_eV:g} | {args.form} | "
            f"{result.density_per_nm3:.3g} | [{low:.3g}, {high:.3g}] | "
            f"{result.correlation_time_ps:.0f} | {species or '—'} | "
            f"{time.perf_counter() - start:.0f} |"
        )


if __name__ == "__main__":
    main()

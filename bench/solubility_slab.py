"""The model's solubility ρ_eq(T): a periodic (111) slab in contact with its own vapour.

Runs `aucluster.thermo.solubility.measure_solubility` for each temperature and prints one
Markdown row each: monomer-equivalent vapour density with its 95 % block interval, the
lag-1 correlation of the block means (near 0 when the blocks are independent; large means
the vapour was still filling or the run is too short), and the vapour's species (mean number
of clusters of each size). About 90 s per temperature on one core at the defaults.

    python bench/solubility_slab.py --temperature-K 600 700 --mu-eV 2.2 [--c-max 6]
        [--no-dimer-correction] [--equilibration-ps 40] [--production-ps 160] [--seed 0]
"""

import argparse
import sys
import time

import click

from aucluster.potentials import Hamiltonian, SolventParameters
from aucluster.thermo.homologous import melting_scale
from aucluster.thermo.solubility import SlabSettings, measure_solubility


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--temperature-K", type=float, nargs="+", required=True)
    parser.add_argument("--mu-eV", type=float, required=True)
    parser.add_argument("--c-max", type=float, default=SolventParameters().c_max)
    parser.add_argument("--no-dimer-correction", action="store_true")
    parser.add_argument("--equilibration-ps", type=float, default=40.0)
    parser.add_argument("--production-ps", type=float, default=160.0)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    hamiltonian = Hamiltonian(
        solvent=SolventParameters(mu_eV=args.mu_eV, c_max=args.c_max),
        dimer_correction=not args.no_dimer_correction,
    )
    scale = melting_scale("emt")
    assert scale is not None  # the EMT table ships with the package
    t_m = scale.bulk_K
    print(
        "| T [K] | T/T_m(bulk) | μ_s [eV] | C_max | ρ_eq [nm⁻³] | 95 % interval | "
        "block lag-1 corr. | species (size: mean count) | wall [s] |"
    )
    print("|---:|---:|---:|---:|---:|---|---:|---|---:|")
    for temperature in args.temperature_K:
        settings = SlabSettings(
            temperature_K=temperature,
            hamiltonian=hamiltonian,
            equilibration_ps=args.equilibration_ps,
            production_ps=args.production_ps,
            seed=args.seed,
        )
        start = time.perf_counter()
        with click.progressbar(length=1, label=f"{temperature:g} K", file=sys.stderr) as bar:

            def advance(i, total, bar=bar):
                bar.length = total
                bar.update(1)

            result = measure_solubility(settings, on_sample=advance)
        low, high = (1000 * x for x in result.ci95_per_A3)
        species = ", ".join(f"{k}: {v:.2f}" for k, v in result.species.items() if v >= 0.01)
        print(
            f"| {temperature:g} | {temperature / t_m:.2f} | {args.mu_eV:g} | {args.c_max:g} | "
            f"{result.density_per_nm3:.3g} | [{low:.3g}, {high:.3g}] | "
            f"{result.blocks_correlation:.2f} | {species or '—'} | "
            f"{time.perf_counter() - start:.0f} |"
        )


if __name__ == "__main__":
    main()

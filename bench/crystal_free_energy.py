"""EMT Au's crystal chemical potential g(T): harmonic phonons plus the anharmonic enthalpy.

Computes what `aucluster.thermo.vapour` needs for the cloud's equilibrium density: E₀ and the
mean ln ħω of the 0 K crystal (ASE `Phonons`, 7×7×7 primitive supercell, 16³ q mesh), then
the excess enthalpy H − (E₀ + 3kT) of a 256-atom crystal at zero pressure by Langevin MD at
each temperature, fitted as a T² + b T³, and prints g(T) and ρ_eq(T) for the cloud model.
About 1 min on one core.

    python bench/crystal_free_energy.py [--temperature-K 100 200 ... 800] [--run-ps 40]
        [--seed 0] [--write aucluster/thermo/data/crystal_emt.json]
"""

import argparse
import json
import time

from ase import units

from aucluster.md.cloud import DEFAULT_CLOUD_MU_EV, cloud_hamiltonian
from aucluster.thermo.melting import anharmonic_enthalpy
from aucluster.thermo.vapour import (
    crystal_chemical_potential,
    crystal_record,
    harmonic_crystal,
    monomer_gas_density,
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--temperature-K",
        type=float,
        nargs="+",
        default=[100.0, 200.0, 300.0, 400.0, 500.0, 600.0, 700.0, 800.0],
    )
    parser.add_argument("--run-ps", type=float, default=40.0)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--write", metavar="JSON")
    args = parser.parse_args()
    start = time.perf_counter()
    harmonic = harmonic_crystal()
    anharmonic = anharmonic_enthalpy(
        harmonic, temperatures_K=args.temperature_K, run_ps=args.run_ps, seed=args.seed
    )
    print(harmonic)
    print(
        f"anharmonic: a = {anharmonic.a:.4e} eV/K², b = {anharmonic.b:.4e} eV/K³, "
        f"largest residual {1000 * anharmonic.max_residual_eV:.2f} meV"
    )
    hamiltonian = cloud_hamiltonian(DEFAULT_CLOUD_MU_EV)
    print("| T [K] | H − (E₀+3kT) [meV] | g(T) [eV] | harmonic only [eV] | ρ_eq [nm⁻³] |")
    print("|---:|---:|---:|---:|---:|")
    for t, excess in zip(anharmonic.temperatures_K, anharmonic.excess_enthalpy_eV, strict=True):
        g = crystal_chemical_potential(t, harmonic, anharmonic)
        g_h = crystal_chemical_potential(t, harmonic, None)
        rho = 1000 * monomer_gas_density(t, hamiltonian, harmonic, anharmonic)
        print(f"| {t:g} | {1000 * excess:.2f} | {g:.4f} | {g_h:.4f} | {rho:.3g} |")
    seconds = time.perf_counter() - start
    if args.write:
        record = crystal_record(
            harmonic,
            anharmonic,
            command="python bench/crystal_free_energy.py --temperature-K "
            + " ".join(f"{t:g}" for t in args.temperature_K)
            + f" --run-ps {args.run_ps:g} --seed {args.seed}",
            potential="asap3 EMT, Au",
            boltzmann_eV_per_K=units.kB,
            seconds=round(seconds, 1),
        )
        with open(args.write, "w") as handle:
            json.dump(record, handle, indent=1)
            handle.write("\n")
    print(f"{seconds:.0f} s")


if __name__ == "__main__":
    main()

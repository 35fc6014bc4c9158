"""Which species the cloud model favours: Δ_n [eV/atom] of small clusters against μ_s.

Δ_n = E_n/n − ε_bulk, the cost per atom of taking n atoms from the crystal into a relaxed
n-atom cluster (`aucluster.thermo.cloud`), for EMT with and without the small-cluster correction and
the implicit solvent at several μ_s. Prints the Markdown table of docs/cloud.md (a few
seconds on one core).

    python bench/cloud_species.py [--mu-eV 0 1 1.5 2 2.5 3] [--c-max 6]
"""

import argparse

from aucluster.potentials import Hamiltonian, SolventParameters
from aucluster.thermo.cloud import DEFAULT_SIZES, cheapest_species, dissolution_costs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mu-eV", type=float, nargs="+", default=[0, 1, 1.5, 2, 2.5, 3])
    parser.add_argument("--c-max", type=float, default=SolventParameters().c_max)
    args = parser.parse_args()
    sizes = DEFAULT_SIZES
    print("| correction | μ_s [eV] | " + " | ".join(f"Δ_{n}" for n in sizes) + " | cheapest |")
    print("|---|---:|" + "---:|" * len(sizes) + "---:|")
    for correction in (False, True):
        for mu in args.mu_eV:
            hamiltonian = Hamiltonian(
                solvent=SolventParameters(mu_eV=mu, c_max=args.c_max),
                cluster_correction=correction,
            )
            costs = dissolution_costs(hamiltonian, sizes)
            cells = " | ".join(f"{c.cost_eV_per_atom:+.2f}" for c in costs)
            best = cheapest_species(costs).n_atoms
            print(f"| {'on' if correction else 'off'} | {mu:g} | {cells} | {best} |")


if __name__ == "__main__":
    main()

"""Which species the cloud model favours: Δ_n [eV/atom] of small clusters against μ_s.

Δ_n = E_n/n − ε_bulk, the cost per atom of taking n atoms from the crystal into a relaxed
n-atom cluster (`aucluster.thermo.cloud`), for EMT with and without the small-cluster
correction and the implicit solvent (its coordination or embedding form) at several μ_s. A
cluster that falls apart on relaxation is marked "×" (its Δ_n is its fragments'). Prints the
Markdown table of docs/cloud.md (a few seconds on one core).

    python bench/cloud_species.py [--mu-eV 0 1 1.5 2 2.5 3] [--c-max 6]
        [--form coordination embedding]
"""

import argparse

from aucluster.potentials import Hamiltonian, SolventParameters
from aucluster.thermo.cloud import DEFAULT_SIZES, cheapest_species, dissolution_costs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mu-eV", type=float, nargs="+", default=[0, 1, 1.5, 2, 2.5, 3])
    parser.add_argument("--c-max", type=float, default=SolventParameters().c_max)
    parser.add_argument(
        "--form", nargs="+", choices=("coordination", "embedding"), default=["coordination"]
    )
    args = parser.parse_args()
    sizes = DEFAULT_SIZES
    print(
        "| form | correction | μ_s [eV] | " + " | ".join(f"Δ_{n}" for n in sizes) + " | cheapest |"
    )
    print("|---|---|---:|" + "---:|" * len(sizes) + "---:|")
    for form in args.form:
        for correction in (False, True):
            for mu in args.mu_eV:
                solvent = (
                    SolventParameters(mu_eV=mu, form="embedding")
                    if form == "embedding" and mu > 0
                    else SolventParameters(mu_eV=mu, c_max=args.c_max)
                )
                costs = dissolution_costs(
                    Hamiltonian(solvent=solvent, cluster_correction=correction), sizes
                )
                cells = " | ".join(
                    f"{c.cost_eV_per_atom:+.2f}{'' if c.intact else ' ×'}" for c in costs
                )
                best = cheapest_species(costs).n_atoms
                on = "on" if correction else "off"
                print(f"| {form} | {on} | {mu:g} | {cells} | {best} |")


if __name__ == "__main__":
    main()

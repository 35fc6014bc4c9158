"""The energy a monomer meets on its way to a surface and to another monomer, both solvent forms.

Energy of one Au atom at height h above the fcc hollow of Au(111) and the hollow of Au(100)
(5-layer slabs at EMT's 0 K lattice constant, unrelaxed), relative to slab and atom apart, on
EMT + the small-cluster correction + the solvent at μ_s = 3.2 eV in its coordination form
(−μ_s (1 − C/6)², neighbours counted by a cosine between 3.1 and 3.7 Å) and in its
embedding form (`aucluster.potentials.embedding`); and the pair energy of two monomers
against their distance. Prints the minima and the largest rise met coming in, and writes
docs/figures/cloud_landscape.png (a few seconds).

    python bench/cloud_landscape.py [--mu-eV 3.2] [--out docs/figures/cloud_landscape.png]
"""

import argparse

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
from ase import Atoms
from ase.build import add_adsorbate, fcc100, fcc111

from aucluster.potentials import SolventParameters, make_calculator
from aucluster.stability.bulk import bulk_reference


def energy(atoms, solvent) -> float:
    atoms = atoms.copy()
    atoms.calc = make_calculator("emt", {"Au"}, solvent=solvent, cluster_correction=True)
    return atoms.get_potential_energy()


def approach(solvent, build, site, heights, a0):
    slab = build("Au", size=(6, 6, 5), a=a0, vacuum=12.0, orthogonal=True)
    slab.pbc = True
    apart = energy(slab, solvent) + energy(
        Atoms("Au", positions=[[20] * 3], cell=[40] * 3), solvent
    )
    out = []
    for h in heights:
        atoms = slab.copy()
        add_adsorbate(atoms, "Au", float(h), site)
        out.append(energy(atoms, solvent) - apart)
    return np.array(out)


def pair(solvent, distances):
    one = energy(Atoms("Au", positions=[[20] * 3], cell=[40] * 3), solvent)
    return np.array(
        [
            energy(Atoms("Au2", positions=[[20, 20, 20], [20 + r, 20, 20]], cell=[40] * 3), solvent)
            - 2 * one
            for r in distances
        ]
    )


def rise_inwards(path) -> float:
    inward = path[np.argmin(path) :][::-1]
    return float((inward - np.minimum.accumulate(inward)).max())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mu-eV", type=float, default=3.2)
    parser.add_argument("--out", default="docs/figures/cloud_landscape.png")
    args = parser.parse_args()
    a0 = bulk_reference("emt", "Au").lattice_constant_A
    forms = {
        "coordination": SolventParameters(mu_eV=args.mu_eV),
        "embedding": SolventParameters(mu_eV=args.mu_eV, form="embedding"),
    }
    heights = np.arange(1.5, 7.01, 0.05)
    distances = np.arange(2.0, 7.0, 0.02)
    fig, axes = plt.subplots(1, 3, figsize=(13, 4), constrained_layout=True)
    print(
        "| form | path | minimum [eV] | at [Å] | largest rise coming in [eV] | "
        "EMT's site [Å] | energy there [eV] | highest point between, over the minimum [eV] |"
    )
    print("|---|---|---:|---:|---:|---:|---:|---:|")
    for name, solvent in forms.items():
        style = "-" if name == "embedding" else "--"
        surfaces = (("Au(111) fcc hollow", fcc111, "fcc"), ("Au(100) hollow", fcc100, "hollow"))
        for ax, (label, build, site) in zip(axes[:2], surfaces, strict=True):
            path = approach(solvent, build, site, heights, a0)
            ax.plot(heights, path, style, label=f"{name} form")
            i = int(np.argmin(path))
            j = int(np.argmin(approach(SolventParameters(), build, site, heights, a0)))
            barrier = path[j : i + 1].max() - path[i] if i > j else 0.0
            print(
                f"| {name} | {label} | {path[i]:+.2f} | {heights[i]:.2f} | "
                f"{rise_inwards(path):.2f} | {heights[j]:.2f} | {path[j]:+.2f} | {barrier:.2f} |"
            )
            ax.set_title(label)
            ax.set_xlabel("height above the surface plane [Å]")
        w = pair(solvent, distances)
        i = int(np.argmin(w))
        print(
            f"| {name} | two monomers | {w[i]:+.2f} | {distances[i]:.2f} | {rise_inwards(w):.2f} |"
        )
        axes[2].plot(distances, w, style, label=f"{name} form")
    axes[0].set_ylabel(f"energy vs apart [eV] (μ_s = {args.mu_eV:g} eV)")
    axes[2].set_title("two monomers")
    axes[2].set_xlabel("distance [Å]")
    axes[2].set_ylim(-1.5, 4.0)
    for ax in axes:
        ax.axhline(0, color="grey", lw=0.5)
        ax.legend()
    for ax in axes[:2]:
        ax.set_ylim(-1.5, 1.5)
    fig.savefig(args.out, dpi=120)
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()

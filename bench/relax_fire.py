"""Wall time of `aucluster.stability.relax.fire` against ASE's `FIRE(...).run` (the anchor)
on the same starts in the same run: basin-hopping-like starts (a relaxed random cluster
with every coordinate moved by up to ±1.2 Å) and the stability table's shapes (ideal
icosahedra and octahedra, slightly rattled). Both take the same steps to the same floats
(tests/stability/test_relax.py), so the ratio is the optimizer's bookkeeping alone.

    python bench/relax_fire.py [--atoms 55] [--starts 40] [--potential emt]
"""

import argparse

import numpy as np
from ase.optimize import FIRE
from timing import best_seconds

from aucluster.potentials import make_potential
from aucluster.stability.relax import fire
from aucluster.stability.search import random_cluster
from aucluster.structures import build_icosahedron
from aucluster.structures.elements import nearest_neighbour_distance
from aucluster.structures.geometry import in_vacuum_box


def starts(n_atoms: int, count: int, potential: str, seed: int = 1):
    rng = np.random.default_rng(seed)
    base = random_cluster(n_atoms, rng, nn_distance=nearest_neighbour_distance("Au"))
    base.calc = make_potential(potential, {"Au"})
    fire(base, 0.01, 5000)
    out = []
    for _ in range(count):
        atoms = base.copy()
        atoms.positions += rng.uniform(-1.2, 1.2, atoms.positions.shape)
        out.append(in_vacuum_box(atoms))
    return out


def compare(label: str, structures, potential: str) -> None:
    calc = make_potential(potential, {"Au"})

    def ours() -> None:
        for atoms in structures:
            work = atoms.copy()
            work.calc = calc
            fire(work, 0.01, 5000)

    def ases() -> None:
        for atoms in structures:
            work = atoms.copy()
            work.calc = calc
            FIRE(work, logfile=None).run(fmax=0.01, steps=5000)

    t_ase, t_ours = best_seconds(ases, 3), best_seconds(ours, 3)
    print(
        f"{label}: ASE FIRE {t_ase / len(structures) * 1e3:.1f} ms, relax.fire "
        f"{t_ours / len(structures) * 1e3:.1f} ms per relaxation: {t_ase / t_ours:.2f}× faster"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--atoms", type=int, default=55)
    parser.add_argument("--starts", type=int, default=40)
    parser.add_argument("--potential", default="emt")
    args = parser.parse_args()
    compare(
        f"{args.atoms}-atom basin-hopping starts ({args.potential})",
        starts(args.atoms, args.starts, args.potential),
        args.potential,
    )
    shapes = []
    for shells in (3, 4, 5, 6):
        atoms = in_vacuum_box(build_icosahedron(shells))
        atoms.rattle(0.05, seed=shells)
        shapes.append(atoms)
    compare(f"icosahedra 55-561 atoms ({args.potential})", shapes, args.potential)


if __name__ == "__main__":
    main()

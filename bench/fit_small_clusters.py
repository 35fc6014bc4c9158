"""Fit the small-cluster bond penalty (ε, κ, c_lower, c_upper) to the PBE references.

For each size n = 3 … 7 of ``aucluster/potentials/data/small_clusters.json`` the model's
binding energy is the best of FIRE relaxations (to 0.005 eV/Å) on EMT + the Au₂ term
+ the bond penalty from several starts: the PBE geometry (planar), the compact cluster of
`build_small_cluster` and four rattled copies of each (0.1 Å, seeds 0–3). Nelder–Mead
minimises Σ_n [(E_b,model − E_b,PBE)/n]² and the result is written into the file's ``fit``
entry with the per-size residuals. Takes a few minutes on one core.

    python bench/fit_small_clusters.py [--write]
"""

import argparse
import json
from importlib import resources

import numpy as np
from scipy.optimize import minimize

from aucluster.potentials import TotalCalculator, make_potential
from aucluster.potentials.correction import BondPenalty, SmallClusterCorrection
from aucluster.potentials.small_clusters import fit_starts, model_binding, references

START = (1.7, 0.55, 4.5, 6.0)


def factory(penalty: BondPenalty):
    return lambda: TotalCalculator(
        [make_potential("emt", {"Au"}), SmallClusterCorrection(bonds=penalty)]
    )


def bindings(penalty: BondPenalty, refs, starts) -> np.ndarray:
    return np.array([model_binding(factory(penalty), starts[r.n_atoms])[0] for r in refs])


def penalty_of(x) -> BondPenalty | None:
    """The penalty of a trial vector, None outside the allowed region (the switch must end by
    C = 7, so that atoms with seven or more neighbours — a particle's edges, surfaces and
    bulk — keep EMT's energy)."""
    eps, kappa, low, high = x
    if high > 7.0:
        return None
    try:
        return BondPenalty(epsilon_eV=eps, decay_per_neighbour=kappa, c_lower=low, c_upper=high)
    except Exception:
        return None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--write", action="store_true", help="store the fit in the data file")
    args = parser.parse_args()
    refs = [r for r in references() if 3 <= r.n_atoms <= 7]
    starts = {r.n_atoms: fit_starts(r) for r in refs}
    target = np.array([r.binding_eV for r in refs])
    sizes = np.array([r.n_atoms for r in refs])

    def loss(x):
        penalty = penalty_of(x)
        if penalty is None:
            return 1e3
        return float((((bindings(penalty, refs, starts) - target) / sizes) ** 2).sum())

    result = minimize(loss, START, method="Nelder-Mead", options={"xatol": 1e-3, "fatol": 1e-6})
    best = penalty_of(result.x)
    assert best is not None
    model = bindings(best, refs, starts)
    plain = bindings(BondPenalty(), refs, starts)
    print(
        f"ε = {best.epsilon_eV:.4f} eV, κ = {best.decay_per_neighbour:.4f}, "
        f"c_lower = {best.c_lower:.3f}, c_upper = {best.c_upper:.3f}"
    )
    print(
        "| n | isomer (PBE) | E_b PBE [eV] | EMT + Au₂ corr. | + bond penalty | residual per atom |"
    )
    print("|---:|---|---:|---:|---:|---:|")
    rows = []
    for r, m, p in zip(refs, model, plain, strict=True):
        print(
            f"| {r.n_atoms} | {r.isomer} | {r.binding_eV:.3f} | {p:.3f} | {m:.3f} | "
            f"{(m - r.binding_eV) / r.n_atoms:+.3f} |"
        )
        rows.append(
            {"n_atoms": r.n_atoms, "pbe_eV": r.binding_eV, "uncorrected_eV": p, "model_eV": m}
        )
    if args.write:
        path = resources.files("aucluster.potentials").joinpath("data/small_clusters.json")
        data = json.loads(path.read_text())
        data["fit"] = {
            "epsilon_eV": round(best.epsilon_eV, 4),
            "decay_per_neighbour": round(best.decay_per_neighbour, 4),
            "c_lower": round(best.c_lower, 3),
            "c_upper": round(best.c_upper, 3),
            "loss_eV2_per_atom2": result.fun,
            "sizes": rows,
            "command": "python bench/fit_small_clusters.py --write",
        }
        with open(str(path), "w") as handle:
            json.dump(data, handle, indent=1)
            handle.write("\n")
        print(f"written to {path}")


if __name__ == "__main__":
    main()

"""Gibbs–Thomson and reversibility of the cloud model: the cloud a particle keeps in a pocket.

For each size (a Wulff cluster of EMT's surface energies, `build_wulff`) and temperature,
runs the particle in a closed pocket whose free volume holds `--cloud-fraction` of the
particle's atoms at the predicted S* (a pocket too large for that lets a small particle
dissolve completely: in a closed pocket the equilibrium is stable only while the cloud it
needs is small against the particle) on the cloud model (EMT + small-cluster correction +
embedding solvent, 2 fs, Langevin γ = 0.002 fs⁻¹ or `--friction-per-fs`), twice: from an
empty pocket (the particle dissolves into it) and, with the same atoms, with twice the
predicted cloud taken off the particle and placed as monomers (the cloud condenses back onto
it; `growth_start`). Prints
one row per run: the particle's size and radius, S* = ρ_cloud/ρ_eq with its 95 % interval,
ln S* against 2γΩ/(RkT) (`aucluster.thermo.gibbs_thomson`) and the count's correlation time;
with `--write`, a CSV row and the time series (.npz) per run. About 10 min per 500 ps for
225 atoms on one core, 35 min for 861.

    python bench/gibbs_thomson.py --n-atoms 225 459 861 --temperature-K 550
        [--duration-ps 500] [--discard-ps 150] [--start empty grow] [--seed 0] [--write CSV]
"""

import argparse
import csv
import math
import os
import sys
import time

import click
import numpy as np

from aucluster.md import MDSettings, constant
from aucluster.md.cloud import cloud_hamiltonian, equilibrium_density
from aucluster.potentials import WallParameters
from aucluster.structures import build_fcc_sphere
from aucluster.structures.wulff import build_wulff
from aucluster.thermo.gibbs_thomson import (
    atomic_volume_A3,
    effective_surface_energy,
    growth_start,
    measure_pocket_cloud,
    predicted_ln_s,
)
from aucluster.thermo.homologous import melting_scale
from aucluster.thermo.melting import zero_pressure_lattice_constant

CONTACT_A = 5.0
MARGIN_A = 2.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n-atoms", type=int, nargs="+", default=[225, 459, 861])
    parser.add_argument("--temperature-K", type=float, nargs="+", default=[550.0])
    parser.add_argument("--cloud-fraction", type=float, default=0.1)
    parser.add_argument(
        "--shape",
        choices=("wulff", "sphere"),
        default="wulff",
        help="a Wulff cluster of about --n-atoms atoms (closed facets), or an fcc sphere cut "
        "to about --n-atoms atoms (stepped and kinked all over)",
    )
    parser.add_argument("--duration-ps", type=float, default=600.0)
    parser.add_argument("--discard-ps", type=float, default=200.0)
    parser.add_argument("--start", nargs="+", choices=("empty", "grow"), default=["empty", "grow"])
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--friction-per-fs",
        type=float,
        default=0.002,
        help="Langevin friction γ [1/fs]: sets the cloud's transport (D = kT/mγ), not its "
        "equilibrium",
    )
    parser.add_argument("--write", metavar="CSV")
    args = parser.parse_args()
    scale = melting_scale("emt")
    assert scale is not None
    hamiltonian = cloud_hamiltonian()
    print(
        "| N₀ | T [K] | T/T_m | start | particle N | R [Å] | cloud atoms | S* | 95 % | "
        "ln S* | 2γΩ/RkT | ratio | τ [ps] | wall [s] |"
    )
    print("|---:|---:|---:|---|---:|---:|---:|---:|---|---:|---:|---:|---:|---:|")
    for temperature in args.temperature_K:
        a = zero_pressure_lattice_constant(temperature, seed=args.seed)
        omega = atomic_volume_A3(a)
        gamma = effective_surface_energy(a)
        for n in args.n_atoms:
            if args.shape == "wulff":
                particle = build_wulff(n, a0=a, vacuum=60.0)
            else:
                radius = (3.0 * n * omega / (4.0 * math.pi)) ** (1.0 / 3.0)
                particle = build_fcc_sphere(radius, a0=a, vacuum=60.0)
            particle.pbc = False
            centre = 0.5 * particle.cell.array.sum(axis=0)
            particle.positions += centre - particle.positions.mean(axis=0)
            radius = np.linalg.norm(particle.positions - centre, axis=1).max()
            inner = radius + CONTACT_A + 6.0  # room for adatoms and the particle's drift
            predicted = predicted_ln_s(
                len(particle), temperature, gamma_eV_per_A2=gamma, omega_A3=omega
            )
            rho_star = equilibrium_density(temperature) * math.exp(predicted)
            volume = args.cloud_fraction * len(particle) / rho_star
            wall = (3.0 * volume / (4.0 * math.pi) + inner**3) ** (1.0 / 3.0) + MARGIN_A
            for start in args.start:
                settings = MDSettings(
                    program=constant(temperature),
                    duration_ps=args.duration_ps,
                    timestep_fs=2.0,
                    friction_per_fs=args.friction_per_fs,
                    seed=args.seed,
                    solvent=hamiltonian.solvent,
                    cluster_correction=True,
                    wall=WallParameters(radius=float(wall)),
                )
                atoms = particle
                if start == "grow":  # the same atoms, twice the predicted cloud off the particle
                    moved = round(2.0 * args.cloud_fraction * len(particle))
                    atoms = growth_start(
                        particle, moved, centre=centre, wall_radius_A=float(wall), seed=args.seed
                    )
                begin = time.perf_counter()
                with click.progressbar(
                    length=1, label=f"{n} atoms, {start}", file=sys.stderr
                ) as bar:

                    def advance(i, total, bar=bar):
                        bar.length = total
                        bar.update(1)

                    result = measure_pocket_cloud(
                        atoms,
                        settings,
                        omega_A3=omega,
                        discard_ps=args.discard_ps,
                        contact_A=CONTACT_A,
                        wall_margin_A=MARGIN_A,
                        on_sample=advance,
                    )
                seconds = time.perf_counter() - begin
                rho_eq = result.equilibrium_density_per_A3
                low, high = (x / rho_eq for x in result.ci95_per_A3)
                measured_prediction = predicted_ln_s(
                    result.particle_atoms, temperature, gamma_eV_per_A2=gamma, omega_A3=omega
                )
                ln_s = result.ln_supersaturation
                print(
                    f"| {len(particle)} | {temperature:g} | {temperature / scale.bulk_K:.2f} | "
                    f"{start} | {result.particle_atoms:.1f} | {result.radius_A:.2f} | "
                    f"{result.n_total - result.particle_atoms:.1f} | "
                    f"{result.supersaturation:.2f} | [{low:.2f}, {high:.2f}] | {ln_s:.3f} | "
                    f"{measured_prediction:.3f} | {ln_s / measured_prediction:.3f} | "
                    f"{result.correlation_time_ps:.0f} | {seconds:.0f} |",
                    flush=True,
                )
                if args.write:
                    new = not os.path.exists(args.write)
                    with open(args.write, "a", newline="") as handle:
                        writer = csv.writer(handle)
                        if new:
                            writer.writerow(
                                [
                                    "shape",
                                    "n_start",
                                    "temperature_K",
                                    "start",
                                    "particle_atoms",
                                    "radius_A",
                                    "n_total",
                                    "supersaturation",
                                    "s_low",
                                    "s_high",
                                    "ln_s",
                                    "predicted_ln_s",
                                    "gamma_eV_per_A2",
                                    "omega_A3",
                                    "rho_eq_per_nm3",
                                    "correlation_time_ps",
                                    "wall_A",
                                    "duration_ps",
                                    "discard_ps",
                                    "seed",
                                    "seconds",
                                ]
                            )
                        writer.writerow(
                            [
                                args.shape,
                                len(particle),
                                temperature,
                                start,
                                round(result.particle_atoms, 2),
                                round(result.radius_A, 3),
                                result.n_total,
                                round(result.supersaturation, 4),
                                round(low, 4),
                                round(high, 4),
                                round(ln_s, 4),
                                round(measured_prediction, 4),
                                round(gamma, 6),
                                round(omega, 4),
                                round(1000 * rho_eq, 5),
                                round(result.correlation_time_ps, 1),
                                round(float(wall), 2),
                                args.duration_ps,
                                args.discard_ps,
                                args.seed,
                                round(seconds, 1),
                            ]
                        )
                    np.savez(
                        f"{os.path.splitext(args.write)[0]}_{args.shape}_{len(particle)}_{temperature:g}_{start}.npz",
                        times_ps=result.times_ps,
                        particle=result.particle_series,
                        density_per_A3=result.density_series_per_A3,
                    )


if __name__ == "__main__":
    main()

"""PBE reference energies of small neutral Au clusters (GPAW), for the small-cluster correction.

Runs with the system Python that has Debian's GPAW (``apt install gpaw gpaw-data``: GPAW
22.8, its Au PAW setup and dzp basis); it does not import aucluster. Settings: LCAO mode, dzp
basis, PBE, 0.2 Å grid, 6 Å vacuum around the cluster (a 12 Å cube for the atom), Fermi–Dirac
smearing 0.1 eV (GPAW extrapolates the energy to zero width), spin-polarised for odd n (the
moment left free), BFGS to 0.05 eV/Å from the planar ground-state motifs of neutral Au_n
(triangle, rhombus, trapezoid, triangle, capped triangle / centred hexagon) rattled 0.02 Å.

    /usr/bin/python3 bench/small_clusters_dft.py compute DIR 1-atom 2-dimer 3-triangle ...
    /usr/bin/python3 bench/small_clusters_dft.py assemble DIR \
        aucluster/potentials/data/small_clusters.json

``compute`` appends one JSON line per isomer to DIR/energies.jsonl and writes DIR/NAME.xyz;
``assemble`` turns them into the package's reference file (binding energies against the
atom, geometries, settings and versions). Each isomer takes 1–15 minutes on one core.
"""

import json
import os
import sys
import time

import numpy as np

BOND = 2.7  # Å, the starting bond length
H3 = BOND * np.sqrt(3) / 2
WIDTH_EV = 0.1
ISOMERS = {
    "1-atom": [[0, 0, 0]],
    "2-dimer": [[0, 0, 0], [2.5, 0, 0]],
    "3-triangle": [[0, 0, 0], [BOND, 0, 0], [BOND / 2, H3, 0]],
    "4-rhombus": [[0, 0, 0], [BOND, 0, 0], [BOND / 2, H3, 0], [3 * BOND / 2, H3, 0]],
    "5-trapezoid": [
        [0, 0, 0],
        [BOND, 0, 0],
        [2 * BOND, 0, 0],
        [BOND / 2, H3, 0],
        [3 * BOND / 2, H3, 0],
    ],
    "6-triangle": [
        [0, 0, 0],
        [BOND, 0, 0],
        [2 * BOND, 0, 0],
        [BOND / 2, H3, 0],
        [3 * BOND / 2, H3, 0],
        [BOND, 2 * H3, 0],
    ],
    "7-hexagon": [[0, 0, 0]]
    + [[BOND * np.cos(a), BOND * np.sin(a), 0] for a in np.radians(np.arange(0, 360, 60))],
    "7-triangle-capped": [
        [0, 0, 0],
        [BOND, 0, 0],
        [2 * BOND, 0, 0],
        [BOND / 2, H3, 0],
        [3 * BOND / 2, H3, 0],
        [BOND, 2 * H3, 0],
        [5 * BOND / 2, H3, 0],
    ],
}


def compute(directory: str, names: list[str]) -> None:
    from ase import Atoms
    from ase.optimize import BFGS
    from gpaw import GPAW, FermiDirac, Mixer, MixerSum

    os.makedirs(directory, exist_ok=True)
    for name in names:
        atoms = Atoms(f"Au{len(ISOMERS[name])}", positions=ISOMERS[name])
        atoms.center(vacuum=6.0)
        if len(atoms) == 1:
            atoms.set_cell([12.0, 12.0, 12.0])
            atoms.center()
        atoms.rattle(0.02, seed=1)
        odd = len(atoms) % 2 == 1
        if odd:
            atoms.set_initial_magnetic_moments([1.0 / len(atoms)] * len(atoms))
        atoms.calc = GPAW(
            mode="lcao",
            basis="dzp",
            xc="PBE",
            h=0.2,
            spinpol=odd,
            maxiter=500,
            occupations=FermiDirac(WIDTH_EV, fixmagmom=False),
            mixer=MixerSum(0.05, 5, 50.0) if odd else Mixer(0.05, 5, 50.0),
            txt=os.path.join(directory, name + ".txt"),
        )
        start = time.time()
        if len(atoms) > 1:
            BFGS(atoms, logfile=os.path.join(directory, name + ".opt")).run(fmax=0.05, steps=150)
        row = {
            "isomer": name,
            "n": len(atoms),
            "energy_eV": atoms.get_potential_energy(),
            "seconds": time.time() - start,
        }
        atoms.write(os.path.join(directory, name + ".xyz"))
        with open(os.path.join(directory, "energies.jsonl"), "a") as handle:
            handle.write(json.dumps(row) + "\n")
        print(json.dumps(row), flush=True)


def assemble(directory: str, output: str) -> None:
    import ase
    import gpaw
    from ase.io import read

    rows = {}
    with open(os.path.join(directory, "energies.jsonl")) as handle:
        for line in handle:
            row = json.loads(line)
            rows[row["isomer"]] = row
    e_atom = rows["1-atom"]["energy_eV"]
    references = []
    for name, row in sorted(rows.items(), key=lambda kv: kv[1]["n"]):
        if row["n"] < 2:
            continue
        atoms = read(os.path.join(directory, name + ".xyz"))
        positions = atoms.positions - atoms.positions.mean(axis=0)
        references.append(
            {
                "isomer": name,
                "n_atoms": row["n"],
                "energy_eV": row["energy_eV"],
                "binding_eV": row["n"] * e_atom - row["energy_eV"],
                "positions": np.round(positions, 5).tolist(),
            }
        )
    data = {
        "description": "PBE binding energies of small neutral Au clusters (n E_atom - E_n)",
        "method": {
            "code": f"GPAW {gpaw.__version__} (Debian), ASE {ase.__version__}",
            "mode": "lcao",
            "basis": "dzp",
            "xc": "PBE",
            "grid_spacing_A": 0.2,
            "vacuum_A": 6.0,
            "smearing": f"Fermi-Dirac {WIDTH_EV} eV, extrapolated",
            "spin": "polarised for odd n, moment free",
            "relaxation": "BFGS, fmax 0.05 eV/A",
            "atom_energy_eV": e_atom,
            "command": "bench/small_clusters_dft.py compute / assemble",
        },
        "references": references,
    }
    if os.path.exists(output):
        with open(output) as handle:
            old = json.load(handle)
        if "fit" in old:
            data["fit"] = old["fit"]  # the fitted correction is kept (refit it after this)
    with open(output, "w") as handle:
        json.dump(data, handle, indent=1)
        handle.write("\n")


if __name__ == "__main__":
    if len(sys.argv) < 3 or sys.argv[1] not in ("compute", "assemble"):
        sys.exit(__doc__)
    if sys.argv[1] == "compute":
        compute(sys.argv[2], sys.argv[3:])
    else:
        assemble(sys.argv[2], sys.argv[3])

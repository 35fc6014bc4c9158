"""Nudged-elastic-band barriers (`aucluster.kinetics.barriers`): the band finds the published
saddle of the Müller–Brown surface, and on the cloud model's Hamiltonian an atom leaving a
particle is uphill all the way (attachment barrierless), in the order of its bonds."""

import numpy as np
import pytest
from ase import Atoms
from ase.calculators.calculator import Calculator, all_changes

from aucluster.errors import ParameterError
from aucluster.kinetics.barriers import (
    FREE_DISTANCE_A,
    coordination,
    event_barriers,
    minimum_energy_path,
    relax,
    site_event,
)

# K. Müller and L. D. Brown, Theor. Chim. Acta 53, 75 (1979): the surface's parameters, and
# its minima and saddle points (there: minima −146.70, −108.17, −80.77; saddles −40.66,
# −72.25).
MB_A = np.array([-200.0, -100.0, -170.0, 15.0])
MB_a = np.array([-1.0, -1.0, -6.5, 0.7])
MB_b = np.array([0.0, 0.0, 11.0, 0.6])
MB_c = np.array([-10.0, -10.0, -6.5, 0.7])
MB_X = np.array([1.0, 0.0, -0.5, -1.0])
MB_Y = np.array([0.0, 0.5, 1.5, 1.0])


class MullerBrown(Calculator):
    """One particle on the Müller–Brown surface in x, y (z free and flat)."""

    implemented_properties = ("energy", "forces")

    def calculate(self, atoms=None, properties=("energy",), system_changes=all_changes):
        super().calculate(atoms, properties, system_changes)
        x, y = self.atoms.positions[0, :2]
        dx, dy = x - MB_X, y - MB_Y
        terms = MB_A * np.exp(MB_a * dx**2 + MB_b * dx * dy + MB_c * dy**2)
        gx = np.sum(terms * (2 * MB_a * dx + MB_b * dy))
        gy = np.sum(terms * (MB_b * dx + 2 * MB_c * dy))
        self.results = {"energy": float(terms.sum()), "forces": np.array([[-gx, -gy, 0.0]])}


def _mb(x, y):
    atoms = Atoms("H", positions=[[x, y, 0.0]], cell=[10, 10, 10])
    return atoms


def test_the_band_finds_the_published_saddle_of_the_muller_brown_surface():
    factory = lambda atoms: MullerBrown()  # noqa: E731
    c = relax(_mb(0.6, 0.05), factory, fmax=1e-4)
    b = relax(_mb(-0.05, 0.45), factory, fmax=1e-4)
    assert c.get_potential_energy() == pytest.approx(-108.17, abs=0.01)
    assert b.get_potential_energy() == pytest.approx(-80.77, abs=0.01)
    path = minimum_energy_path(c, b, factory, n_images=11, fmax=0.01, steps=20000)
    assert path.converged
    assert path.has_saddle
    # the saddle at (0.212, 0.293), −72.25: 35.92 above C, 8.52 above B
    assert path.detach_barrier_eV == pytest.approx(-72.25 + 108.17, abs=0.02)
    assert path.attach_barrier_eV == pytest.approx(-72.25 + 80.77, abs=0.02)
    assert path.reaction_energy_eV == pytest.approx(-80.77 + 108.17, abs=0.01)


def test_mismatched_ends_are_refused():
    factory = lambda atoms: MullerBrown()  # noqa: E731
    two = Atoms("H2", positions=[[0, 0, 0], [1, 0, 0]], cell=[10, 10, 10])
    with pytest.raises(ParameterError, match="same atoms"):
        minimum_energy_path(_mb(0.6, 0.0), two, factory)


@pytest.fixture(scope="module")
def cloud_model():
    from aucluster.md.cloud import cloud_hamiltonian
    from aucluster.structures.registry import build_structure

    hamiltonian = cloud_hamiltonian()
    particle = build_structure("truncated-octahedron", {"n_atoms": 201})
    return particle, lambda atoms: hamiltonian.calculator(frozenset(atoms.get_chemical_symbols()))


def test_a_leaving_atom_climbs_all_the_way_and_its_free_end_is_the_separate_energies(cloud_model):
    particle, factory = cloud_model
    barriers = {b.event: b for b in event_barriers(particle, factory, ("adatom-111", "corner"))}
    # the sites: a (111) hollow adatom has 3 neighbours, a truncated octahedron's vertex 6
    assert barriers["adatom-111"].coordination == 3
    assert barriers["corner"].coordination == 6
    for b in barriers.values():
        assert b.path.converged
        assert not b.path.has_saddle  # attachment barrierless (docs/kinetics.md)
        assert b.path.attach_barrier_eV < 0.005
        assert b.path.detach_barrier_eV == pytest.approx(b.path.reaction_energy_eV, abs=0.005)
    # fewer bonds, cheaper to leave
    assert barriers["adatom-111"].path.detach_barrier_eV < barriers["corner"].path.detach_barrier_eV
    # the free end is the particle without the atom plus one isolated atom, each in its own box
    relaxed = relax(particle.copy(), factory)
    bound, free, index = site_event(relaxed, "corner")
    relax(bound, factory)
    rest = bound.copy()
    del rest[index]
    relax(rest, factory)
    alone = Atoms("Au", positions=[[10.0, 10.0, 10.0]], cell=[20.0, 20.0, 20.0])
    alone.calc = factory(alone)
    separate = rest.get_potential_energy() + alone.get_potential_energy()
    assert barriers["corner"].path.reaction_energy_eV == pytest.approx(
        separate - bound.get_potential_energy(), abs=0.005
    )
    distances = np.linalg.norm(
        np.delete(free.positions, index, axis=0) - free.positions[index], axis=1
    )
    assert distances.min() == pytest.approx(FREE_DISTANCE_A, abs=0.06)


def test_an_event_the_particle_has_no_site_for_is_refused(cloud_model):
    particle, _ = cloud_model
    assert (coordination(particle) == 8).sum() == 6  # (100) facets of one atom: no hollow
    with pytest.raises(ParameterError, match="no such facet"):
        site_event(particle, "adatom-100")
    with pytest.raises(ParameterError, match="one of"):
        site_event(particle, "kink")


def test_the_command_writes_the_barriers_and_refuses_bad_input(tmp_path):
    import csv

    from click.testing import CliRunner

    from aucluster.cli import main

    out = tmp_path / "bar"
    args = ["kinetics", "barriers", "-o", str(out), "--n-atoms", "201", "--events", "corner"]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    with open(out / "barriers.csv", newline="") as handle:
        (row,) = list(csv.DictReader(handle))
    assert row["event"] == "corner"
    assert row["site_class"] == "edge-corner"  # coordination 6
    assert row["has_saddle"] == "False"
    assert float(row["detach_barrier_eV"]) > 0.3
    assert (out / "barriers.png").read_bytes()[:4] == b"\x89PNG"
    for bad, message in (
        (["--events", "kink"], "--events"),
        (["--n-atoms", "100000000"], "--n-atoms"),
        (["--mu-eV", "nan"], "--mu-eV"),
        (["--images", "0"], "--images"),
    ):
        refused = CliRunner().invoke(
            main, ["kinetics", "barriers", "-o", str(tmp_path / "x"), *bad]
        )
        assert refused.exit_code == 2
        assert refused.output.strip().splitlines()[-1].startswith("Error:")
        assert message in refused.output
        assert not (tmp_path / "x").exists()

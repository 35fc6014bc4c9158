"""The cloud model's settings and the seeding of a pocket at supersaturation S: the count is
S ρ_eq(T) V of the pocket's free volume, every seeded atom a monomer, and bad input one
clear refusal."""

import json
import math

import numpy as np
import pytest
from ase.io import read, write
from click.testing import CliRunner

from aucluster.cli import main
from aucluster.errors import ParameterError
from aucluster.md import (
    CloudSettings,
    MDSettings,
    constant,
    equilibrium_density,
    run_md,
    seed_cloud,
)
from aucluster.md.cloud import DEFAULT_CLOUD_MU_EV, MIN_SEPARATION_A
from aucluster.md.settings import settings_from_dict
from aucluster.potentials import SolventParameters, WallParameters
from aucluster.structures import build_icosahedron
from aucluster.structures.geometry import in_vacuum_box

WALL = WallParameters(radius=22.0)
STEP = 2.0  # fs: the cloud model's longest timestep


@pytest.mark.parametrize("bad", [0.0, -1.0, float("nan"), float("inf"), True, "2"])
def test_supersaturation_must_be_a_positive_number(bad):
    with pytest.raises(ParameterError, match="supersaturation"):
        CloudSettings(supersaturation=bad)


@pytest.mark.parametrize("bad", [0.0, -300.0, float("nan"), float("inf"), True, "600"])
def test_the_reference_temperature_must_be_a_positive_number(bad):
    with pytest.raises(ParameterError, match="reference_temperature_K"):
        CloudSettings(supersaturation=2.0, reference_temperature_K=bad)


def test_the_cloud_sets_the_hamiltonian_and_needs_a_pocket():
    settings = MDSettings(
        n_steps=0, timestep_fs=STEP, wall=WALL, cloud=CloudSettings(supersaturation=2.0)
    )
    assert settings.solvent == SolventParameters(mu_eV=DEFAULT_CLOUD_MU_EV, form="embedding")
    assert settings.cluster_correction
    with pytest.raises(ParameterError, match="pocket"):
        MDSettings(n_steps=0, timestep_fs=STEP, cloud=CloudSettings(supersaturation=2.0))
    with pytest.raises(ParameterError, match="timestep"):
        MDSettings(n_steps=0, wall=WALL, cloud=CloudSettings(supersaturation=2.0))  # 5 fs
    with pytest.raises(ParameterError, match="solvent"):
        MDSettings(
            n_steps=0,
            timestep_fs=STEP,
            wall=WALL,
            solvent=SolventParameters(mu_eV=1.0),
            cloud=CloudSettings(supersaturation=2.0),
        )
    # the scenario's [md.cloud] table, and run.json's round trip
    data = {
        "n_steps": 0,
        "timestep_fs": STEP,
        "wall": {"radius": 22.0},
        "cloud": {"supersaturation": 2.0},
    }
    parsed = settings_from_dict(data)
    assert parsed == settings
    assert settings_from_dict(parsed.to_dict()) == parsed
    with pytest.raises(ParameterError, match="supersaturation"):
        settings_from_dict({**data, "cloud": {"supersaturation": -3}})


def test_equilibrium_density_is_the_monomer_gas_of_the_stored_crystal():
    # the cloud's ρ_eq is the ideal monomer gas against the stored crystal, and known from
    # 0 K to the top of the anharmonic fit only
    from aucluster.md.cloud import cloud_hamiltonian
    from aucluster.thermo.vapour import monomer_gas_density, stored_crystal

    harmonic, anharmonic = stored_crystal()
    assert len(anharmonic.temperatures_K) >= 3  # the issue: ≥ 3 temperatures
    for t in (500.0, 600.0, 700.0):
        expected = monomer_gas_density(t, cloud_hamiltonian(), harmonic, anharmonic)
        assert equilibrium_density(t) == expected
    # a monomer costs 0.6 eV: e^{-0.6/kT} makes ρ_eq rise steeply with T
    assert equilibrium_density(500.0) < equilibrium_density(600.0) / 5
    for bad in (1500.0, 0.0, float("nan")):
        with pytest.raises(ParameterError, match="equilibrium density"):
            equilibrium_density(bad)


def _particle():
    return in_vacuum_box(build_icosahedron(4), 25.0)  # 147 atoms, radius ≈ 9.6 Å


def test_seeding_places_s_rho_v_monomers_in_the_free_volume():
    atoms = _particle()
    centre = 0.5 * atoms.cell.array.sum(axis=0)
    cloud = CloudSettings(supersaturation=3.0)
    seeded, record = seed_cloud(
        atoms, cloud, temperature_K=600.0, centre=centre, wall_radius_A=22.0, seed=4
    )
    radius = np.linalg.norm(atoms.positions - centre, axis=1).max()
    inner, outer = radius + cloud.contact_A, 22.0 - 1.0
    volume = 4 / 3 * math.pi * (outer**3 - inner**3)
    expected = round(3.0 * equilibrium_density(600.0) * volume)
    assert expected >= 5
    assert record["monomers_added"] == expected == len(seeded) - len(atoms)
    new = seeded.positions[len(atoms) :]
    distance = np.linalg.norm(new - centre, axis=1)
    assert (distance >= inner).all()
    assert (distance <= outer).all()
    gaps = np.linalg.norm(new[:, None] - seeded.positions[None], axis=2)
    gaps[np.arange(len(new)), len(atoms) + np.arange(len(new))] = np.inf
    assert gaps.min() >= MIN_SEPARATION_A  # every seeded atom is a monomer
    again, _ = seed_cloud(
        atoms, cloud, temperature_K=600.0, centre=centre, wall_radius_A=22.0, seed=4
    )
    assert np.array_equal(again.positions, seeded.positions)  # seeded: reproducible


def test_a_pocket_smaller_than_the_particle_or_too_dense_is_refused():
    atoms = _particle()
    centre = 0.5 * atoms.cell.array.sum(axis=0)
    with pytest.raises(ParameterError, match="smaller than the particle"):
        seed_cloud(
            atoms,
            CloudSettings(supersaturation=1.0),
            temperature_K=600.0,
            centre=centre,
            wall_radius_A=12.0,
            seed=0,
        )
    with pytest.raises(ParameterError, match="too dense"):
        seed_cloud(
            atoms,
            CloudSettings(supersaturation=1e4),
            temperature_K=600.0,
            centre=centre,
            wall_radius_A=22.0,
            seed=0,
        )


def test_run_md_starts_from_the_seeded_pocket(tmp_path):
    settings = MDSettings(
        program=constant(600.0),
        n_steps=0,
        timestep_fs=STEP,
        wall=WALL,
        cloud=CloudSettings(supersaturation=2.0),
        seed=3,
    )
    atoms = _particle()
    run_md(atoms, settings, directory=tmp_path / "run")
    meta = json.loads((tmp_path / "run" / "run.json").read_text())
    added = meta["cloud"]["monomers_added"]
    assert added > 0
    assert meta["n_atoms"] == len(atoms) + added
    assert len(read(tmp_path / "run" / "initial.extxyz")) == len(atoms) + added


def test_a_program_that_starts_cold_seeds_at_its_reference_temperature(tmp_path):
    # from 300 K (ρ_eq ≈ 1e-5 nm⁻³: nothing to seed) to 600 K; S refers to 600 K, so the
    # pocket holds what a constant 600 K run seeds, and the record says which temperature
    hot = MDSettings(
        program=constant(600.0), n_steps=0, timestep_fs=STEP, wall=WALL, seed=3,
        cloud=CloudSettings(supersaturation=2.0),
    )  # fmt: skip
    cold_start = settings_from_dict(
        {
            "program": [[0, 300], [10, 600]],
            "duration_ps": 0,
            "timestep_fs": STEP,
            "seed": 3,
            "wall": {"radius": WALL.radius},
            "cloud": {"supersaturation": 2.0, "reference_temperature_K": 600.0},
        }
    )
    counts = []
    for name, settings in (("hot", hot), ("cold", cold_start)):
        run_md(_particle(), settings, directory=tmp_path / name)
        meta = json.loads((tmp_path / name / "run.json").read_text())
        assert meta["cloud"]["temperature_K"] == 600.0
        counts.append(meta["cloud"]["monomers_added"])
    assert counts[0] == counts[1] > 0


def _invoke(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


@pytest.fixture
def structure(tmp_path):
    path = tmp_path / "ico.extxyz"
    write(path, build_icosahedron(3))
    return path


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--supersaturation", "0", "--wall-radius", "20"], "supersaturation"),
        (["--supersaturation", "nan", "--wall-radius", "20"], "supersaturation"),
        (["--supersaturation", "2"], "pocket"),
        (["--supersaturation", "2", "--wall-radius", "9", "--temperature-K", "600"], "smaller"),
        # 300 K (the default): ρ_eq ≈ 1e-5 nm⁻³, so S ρ_eq V rounds to no monomer at all
        (["--supersaturation", "2", "--wall-radius", "20"], "none to seed"),
        (["--supersaturation", "2", "--wall-radius", "20", "--temperature-K", "850"], "0 to 800"),
        (["--supersaturation", "2", "--wall-radius", "20", "--solvent-mu-eV", "1"], "μ_s"),
        (["--temperature-K", "1200"], "--above-melting"),
        (["--supersaturation", "2", "--wall-radius", "20", "--timestep-fs", "5"], "timestep"),
        (["--supersaturation-at-K", "600", "--wall-radius", "20"], "needs --supersaturation"),
        (
            ["--supersaturation", "2", "--wall-radius", "20", "--supersaturation-at-K", "900"],
            "0 to 800",
        ),
    ],
)
def test_cli_refuses_bad_cloud_input_with_one_line(tmp_path, structure, extra, message):
    out = tmp_path / "run"
    result = _invoke("md", structure, "-o", out, "--steps", 2, "--timestep-fs", 2, *extra)
    assert result.exit_code == 2, result.output
    assert message in result.output
    assert result.output.count("Error:") == 1
    assert "Traceback" not in result.output
    assert not out.exists()


def test_cli_runs_above_melting_when_told(tmp_path, structure):
    out = tmp_path / "run"
    result = _invoke(
        "md", structure, "-o", out, "--steps", 2, "--temperature-K", 1200, "--above-melting"
    )
    assert result.exit_code == 0, result.output


def test_cli_seeds_the_pocket(tmp_path, structure):
    out = tmp_path / "run"
    result = _invoke(
        "md", structure, "-o", out, "--steps", 2, "--temperature-K", 600, "--timestep-fs", 2,
        "--wall-radius", 20, "--supersaturation", 3,
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    meta = json.loads((out / "run.json").read_text())
    added = meta["cloud"]["monomers_added"]
    assert f"+{added} cloud monomers seeded at S = 3" in result.output
    assert meta["settings"]["cluster_correction"] is True
    assert meta["settings"]["solvent"]["mu_eV"] == DEFAULT_CLOUD_MU_EV

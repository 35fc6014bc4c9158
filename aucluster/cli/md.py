"""`aucluster md INPUT -o DIR` and `aucluster md --resume DIR`: molecular dynamics runs."""

from dataclasses import replace
from pathlib import Path
from typing import Any

import click
import numpy as np

from aucluster.analysis.clusters import cluster_labels
from aucluster.cli.options import MDProgress
from aucluster.errors import ParameterError
from aucluster.md import (
    CloudSettings,
    MDSettings,
    constant,
    load_settings,
    parse_program,
    resume_md,
    run_md,
)
from aucluster.md.cloud import DEFAULT_CLOUD_MU_EV
from aucluster.md.rundir import read_run_json
from aucluster.md.settings import Ensemble, settings_from_dict
from aucluster.potentials import Potential, WallParameters
from aucluster.store.files import check_output_dir, read_frames
from aucluster.structures import in_vacuum_box
from aucluster.structures.geometry import lacks_box
from aucluster.thermo.homologous import check_below_melting, program_extremes

#: Run length when neither the options nor a config file give one [ps].
DEFAULT_DURATION_PS = 10.0
#: The settings' own defaults, shown in --help.
MD_DEFAULTS = MDSettings(duration_ps=DEFAULT_DURATION_PS)
WALL_STIFFNESS = WallParameters(radius=1.0).stiffness_eV_per_A2


def _settings(config: Path | None, opts: dict[str, Any]) -> MDSettings:
    base: dict[str, Any] = {}
    if config is not None:
        base = load_settings(config).to_dict()
    if opts["temperature_K"] is not None and opts["program"] is not None:
        raise ParameterError("give --temperature-K or --program, not both")
    if opts["temperature_K"] is not None:
        base["program"] = constant(opts["temperature_K"])
    elif opts["program"] is not None:
        base["program"] = parse_program(opts["program"])
    if opts["steps"] is not None or opts["duration_ps"] is not None:
        base["n_steps"], base["duration_ps"] = opts["steps"], opts["duration_ps"]
    elif "n_steps" not in base and "duration_ps" not in base:
        base["duration_ps"] = DEFAULT_DURATION_PS
    simple = {
        "ensemble": "ensemble",
        "timestep_fs": "timestep_fs",
        "friction_per_fs": "friction_per_fs",
        "sample_interval": "sample_interval",
        "checkpoint_interval": "checkpoint_interval",
        "seed": "seed",
        "potential": "potential",
        "cluster_correction": "cluster_correction",
    }
    for opt, key in simple.items():
        if opts[opt] is not None:
            base[key] = opts[opt]
    settings = settings_from_dict(base)
    if opts["solvent_mu_eV"] is not None:
        settings = replace(settings, solvent=replace(settings.solvent, mu_eV=opts["solvent_mu_eV"]))
    if opts["wall_radius"] is not None:
        wall = WallParameters(
            radius=opts["wall_radius"], stiffness_eV_per_A2=opts["wall_stiffness"] or WALL_STIFFNESS
        )
        settings = replace(settings, wall=wall)
    elif opts["wall_stiffness"] is not None:
        if settings.wall is None:
            raise ParameterError("--wall-stiffness needs a wall: give --wall-radius")
        settings = replace(
            settings, wall=replace(settings.wall, stiffness_eV_per_A2=opts["wall_stiffness"])
        )
    if opts["supersaturation"] is not None:
        if opts["solvent_mu_eV"] is not None:
            raise ParameterError(
                "--supersaturation runs the cloud model with its own μ_s: drop --solvent-mu-eV"
            )
        cloud = CloudSettings(
            supersaturation=opts["supersaturation"],
            reference_temperature_K=opts["supersaturation_at_K"],
        )
        settings = replace(settings, cloud=cloud)
    elif opts["supersaturation_at_K"] is not None:
        raise ParameterError("--supersaturation-at-K needs --supersaturation")
    above = check_below_melting(settings.program, settings.potential)
    if above and not opts["above_melting"]:
        raise ParameterError(f"{above}: say --above-melting to run there")
    if settings.ensemble is Ensemble.NVE and not settings.program.is_constant:
        raise ParameterError("a temperature program needs the Langevin ensemble (NVE has no bath)")
    return settings


def _with_progress(label: str, settings: MDSettings, start):
    """Call `start(observers)` with a progress-bar observer, closing the bar however it ends."""
    progress = MDProgress(label, settings.total_steps, settings.sample_interval)
    try:
        return start([(progress, settings.sample_interval)])
    finally:
        progress.close()


@click.command()
@click.argument(
    "input_file",
    metavar="INPUT",
    required=False,
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
)
@click.option(
    "-o",
    "--output",
    "out_dir",
    type=click.Path(path_type=Path),
    help="New run directory (trajectory.traj, log.csv, run.json, checkpoint.npz).",
)
@click.option(
    "--resume",
    "resume_dir",
    type=click.Path(path_type=Path),
    help="Continue the run in this directory from its last checkpoint.",
)
@click.option(
    "--config",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="TOML file of settings (keys as in MDSettings; [solvent], [wall] tables); "
    "options given here override it.",
)
@click.option(
    "--ensemble",
    type=click.Choice([str(e) for e in Ensemble]),
    help=f"langevin (NVT) or nve  [default: {MD_DEFAULTS.ensemble}]",
)
@click.option(
    "--temperature-K",
    "temperature_K",
    type=float,
    help=f"Constant target temperature [K]  [default: {MD_DEFAULTS.program.temperature_at(0):g}]",
)
@click.option(
    "--program",
    help="Piecewise-linear temperature program TIME_PS:T_K,… "
    "(e.g. 0:300,20:900,40:900,60:300 anneals and quenches).",
)
@click.option(
    "--timestep-fs", type=float, help=f"Timestep [fs]  [default: {MD_DEFAULTS.timestep_fs:g}]"
)
@click.option("--steps", type=int, help="Number of steps (or --duration-ps).")
@click.option(
    "--duration-ps", type=float, help=f"Length of the run [ps]  [default: {DEFAULT_DURATION_PS:g}]"
)
@click.option(
    "--friction-per-fs",
    type=float,
    help=f"Langevin friction [1/fs]  [default: {MD_DEFAULTS.friction_per_fs:g}]",
)
@click.option(
    "--sample-interval",
    type=int,
    help=f"Steps between frames  [default: {MD_DEFAULTS.sample_interval}]",
)
@click.option(
    "--checkpoint-interval",
    type=int,
    help="Steps between checkpoints, a multiple of the sample interval  "
    f"[default: {MD_DEFAULTS.checkpoint_interval}]",
)
@click.option(
    "--seed", type=click.IntRange(min=0), help=f"Random seed ≥ 0  [default: {MD_DEFAULTS.seed}]"
)
@click.option(
    "--potential",
    type=click.Choice([str(p) for p in Potential]),
    help=f"emt (asap3) or gupta (Baletto Au)  [default: {MD_DEFAULTS.potential}]",
)
@click.option(
    "--solvent-mu-eV",
    "solvent_mu_eV",
    type=float,
    help="Implicit-solvent gain of an isolated atom μ_s [eV]; 0 = off  "
    f"[default: {MD_DEFAULTS.solvent.mu_eV:g}]",
)
@click.option(
    "--wall-radius",
    type=float,
    help="Radius of the spherical wall about the box centre [Å]; none by default.",
)
@click.option(
    "--cluster-correction/--no-cluster-correction",
    default=None,
    help="Correct EMT Au's small clusters: the real dimer (D0 2.29 eV at 2.47 Å) and bonds "
    "among atoms with < 7 neighbours fitted to PBE Au3–Au7 (aucluster.potentials.correction) "
    f"[default: {'on' if MD_DEFAULTS.cluster_correction else 'off'}].",
)
@click.option(
    "--wall-stiffness", type=float, help=f"Wall stiffness [eV/Å²]  [default: {WALL_STIFFNESS:g}]"
)
@click.option(
    "--supersaturation",
    type=float,
    help="Seed the pocket (needs --wall-radius) with a monomer cloud at supersaturation S = "
    "ρ/ρ_eq(T) of the model's own solubility (at the program's first T, ≤ 800 K), and run "
    f"the cloud model (embedding solvent at μ_s {DEFAULT_CLOUD_MU_EV:g} eV, small-cluster "
    "correction, ≤ 2 fs steps; aucluster.md.cloud). S > 0.",
)
@click.option(
    "--supersaturation-at-K",
    "supersaturation_at_K",
    type=float,
    help="The temperature [K] S refers to (S ρ_eq(T) V monomers are seeded), for a program "
    "that starts cold  [default: the program's first T]",
)
@click.option(
    "--above-melting",
    is_flag=True,
    default=None,
    help="Allow a program above the bulk melting point of the potential (EMT Au: 938 K).",
)
def md(
    input_file: Path | None,
    out_dir: Path | None,
    resume_dir: Path | None,
    config: Path | None,
    **opts: Any,
) -> None:
    """Run Langevin or NVE molecular dynamics on the structure in INPUT (last frame), or
    continue a killed run with --resume DIR.

    A structure without a box is centred in a cubic vacuum box (10 Å each side), pbc False.
    """
    if resume_dir is not None:
        if (
            input_file is not None
            or out_dir is not None
            or config is not None
            or any(v is not None for v in opts.values())
        ):
            raise ParameterError("--resume DIR takes no INPUT, -o or settings")
        meta = read_run_json(resume_dir)
        settings = settings_from_dict(meta["settings"])
        result = _with_progress(
            "resuming MD", settings, lambda obs: resume_md(resume_dir, observers=obs)
        )
        click.echo(f"{result.n_frames} frames in {result.directory}")
        return
    if input_file is None or out_dir is None:
        raise ParameterError("give INPUT and -o DIR (or --resume DIR)")
    check_output_dir(out_dir)
    settings = _settings(config, opts)
    if settings.total_steps < 1:
        raise ParameterError(
            f"the run is {settings.total_steps} steps ({settings.duration_ps!r} ps of "
            f"{settings.timestep_fs:g} fs): give a duration of at least one step"
        )
    atoms = read_frames(input_file)[-1]
    if lacks_box(atoms):
        atoms = in_vacuum_box(atoms)
    if settings.wall is not None:
        centre = settings.wall.centre_of(atoms)
        reach = float(np.linalg.norm(atoms.positions - centre, axis=1).max())
        if reach >= settings.wall.radius:
            raise ParameterError(
                f"--wall-radius {settings.wall.radius:g} Å: the structure reaches {reach:.1f} Å "
                "from the wall's centre; a wall inside it would crush it"
            )
    if atoms.pbc.any():  # a bulk or slab run is allowed, but is not what the rest assumes
        axes = ", ".join(axis for axis, on in zip("xyz", atoms.pbc, strict=True) if on)
        click.echo(
            f"periodic along {axes}: a periodic system (bulk or slab), not an isolated "
            "cluster in vacuum; T/T_m is the bulk's",
            err=True,
        )
    if np.isfinite(atoms.positions).all() and len(atoms):
        # a periodic system has no cluster size: the bulk melting point alone
        n_particle = 0 if atoms.pbc.any() else int((cluster_labels(atoms) == 0).sum())
        for text in program_extremes(settings.program, settings.potential, n_particle):
            click.echo(f"temperature {text}", err=True)
    result = _with_progress(
        "MD", settings, lambda obs: run_md(atoms, settings, directory=out_dir, observers=obs)
    )
    added = len(result.final) - len(atoms)
    cloud = (
        f" (+{added} cloud monomers seeded at S = {settings.cloud.supersaturation:g})"
        if (settings.cloud is not None)
        else ""
    )
    click.echo(
        f"{result.n_frames} frames of {len(result.final)} atoms{cloud} in {result.directory}"
    )

"""`aucluster kinetics`: `rates DIR` (exchange rates of every finished run under DIR, pooled per
temperature and cloud, per particle and per site, with Arrhenius fits), `barriers` (NEB of
atoms leaving a truncated octahedron on the MD's Hamiltonian) and `model DIRS` (the rate
equations of `aucluster.kinetics.model` calibrated and tested against the runs)."""

import math
from pathlib import Path

import click

from aucluster.cli.options import output_dir_option, overwrite_option
from aucluster.errors import ParameterError
from aucluster.kinetics import (
    ARRHENIUS_COLUMNS,
    RATE_TABLE_COLUMNS,
    arrhenius_rows,
    check_one_particle,
    find_runs,
    member_counts,
    plot_arrhenius,
    pooled_rates,
)
from aucluster.kinetics.barriers import (
    BARRIER_COLUMNS,
    EVENTS,
    barrier_rows,
    event_barriers,
    plot_barriers,
)
from aucluster.kinetics.model import STOKES_EINSTEIN_AUCL4_M2_PER_S
from aucluster.md.cloud import DEFAULT_CLOUD_MU_EV
from aucluster.store import atomic_output, write_csv, write_provenance
from aucluster.store.files import check_output_dir, make_output_dir, refuse_existing
from aucluster.store.provenance import provenance_record

confidence_option = click.option(
    "--confidence",
    type=float,
    default=0.95,
    show_default=True,
    help="Confidence level of every interval (0–1).",
)


def _check_confidence(confidence: float) -> None:
    if not (math.isfinite(confidence) and 0 < confidence < 1):
        raise ParameterError(f"--confidence {confidence!r}: a number between 0 and 1")


@click.group()
def kinetics() -> None:
    """Rates, barriers and a rate-equation model from MD ensembles. Times are MD time in ps;
    only a model that passes its tests writes a prediction in seconds (prediction.csv)."""


@kinetics.command()
@click.argument("directory", type=click.Path(exists=True, file_okay=False, path_type=Path))
@output_dir_option("rates.csv, arrhenius.csv and arrhenius.png")
@confidence_option
@overwrite_option
def rates(directory: Path, out_dir: Path, confidence: float, overwrite: bool) -> None:
    """Detach and attach rates [1/ps] per site class, temperature and cloud S of every run
    under DIRECTORY, with exact Poisson intervals, and Arrhenius fits (activation energy [eV],
    prefactor [1/ps]) with intervals widened by the replicas' dispersion."""
    refuse_existing([out_dir], overwrite)
    check_output_dir(out_dir)
    _check_confidence(confidence)
    runs = find_runs(directory)
    if not runs:
        raise ParameterError(
            f"{str(directory)!r} holds no finished run (scenario.json with analysis/events.csv)"
        )
    members = []
    with click.progressbar(runs, label="reading runs", show_pos=True) as bar:
        for run in bar:
            members.append(member_counts(run))
    check_one_particle(members)
    table = pooled_rates(members, confidence)
    fits = arrhenius_rows(members, confidence)
    make_output_dir(out_dir)
    record = provenance_record(
        settings={"confidence": confidence, "n_runs": len(runs), "time_unit": "MD ps"},
        inputs=[run / "analysis" / "events.csv" for run in runs],
    )
    paths = [
        write_csv(out_dir / "rates.csv", table, RATE_TABLE_COLUMNS),
        write_csv(out_dir / "arrhenius.csv", fits, ARRHENIUS_COLUMNS),
    ]
    with atomic_output(out_dir / "arrhenius.png") as tmp:
        plot_arrhenius(table, fits, tmp, title=f"{directory.name}: {len(runs)} runs")
    paths.append(out_dir / "arrhenius.png")
    for path in paths:
        write_provenance(path, record)
    temps = sorted({m.temperature_K for m in members})
    click.echo(
        f"{len(runs)} runs at {len(temps)} temperature(s) ({', '.join(f'{t:g}' for t in temps)} K)"
        f" → {out_dir}"
    )


@kinetics.command()
@output_dir_option("barriers.csv and barriers.png")
@click.option(
    "--n-atoms",
    type=int,
    default=586,
    show_default=True,
    help="Truncated octahedron of the nearest regular size, 38–5000 (586: the rates scenario's).",
)
@click.option(
    "--events",
    default=",".join(EVENTS),
    show_default=True,
    help="Comma-separated events: " + ", ".join(EVENTS) + ".",
)
@click.option(
    "--mu-eV",
    "mu_eV",
    type=float,
    default=DEFAULT_CLOUD_MU_EV,
    show_default=True,
    help="The cloud model's solvent μ_s [eV] (the Hamiltonian the MD moves on).",
)
@click.option(
    "--images", type=int, default=9, show_default=True, help="Interior images of each band."
)
@overwrite_option
def barriers(
    out_dir: Path, n_atoms: int, events: str, mu_eV: float, images: int, overwrite: bool
) -> None:
    """Climbing-image NEB barriers [eV] of atoms leaving a truncated octahedron for the cloud
    (a (111) and a (100) adatom, an edge atom, a corner atom) on the cloud model's
    Hamiltonian (EMT + small-cluster correction + embedding solvent), to set beside the
    Arrhenius energies of `aucluster kinetics rates`."""
    refuse_existing([out_dir], overwrite)
    check_output_dir(out_dir)
    from aucluster.md.cloud import cloud_hamiltonian
    from aucluster.structures.registry import build_structure

    chosen = [e.strip() for e in events.split(",") if e.strip()]
    unknown = [e for e in chosen if e not in EVENTS]
    if not chosen or unknown:
        raise ParameterError(f"--events {events!r}: choose from {', '.join(EVENTS)}")
    if not 38 <= n_atoms <= 5000:
        raise ParameterError(f"--n-atoms {n_atoms}: from 38 to 5000 (NEB bands of 10 images)")
    if images < 1:
        raise ParameterError(f"--images {images}: at least 1")
    if not (math.isfinite(mu_eV) and mu_eV > 0):
        raise ParameterError(f"--mu-eV {mu_eV!r}: a number > 0")
    hamiltonian = cloud_hamiltonian(mu_eV)
    particle = build_structure("truncated-octahedron", {"n_atoms": n_atoms})

    def factory(atoms):
        return hamiltonian.calculator(frozenset(atoms.get_chemical_symbols()))

    found = []
    with click.progressbar(chosen, label="NEB bands", show_pos=True) as bar:
        for event in bar:
            found += event_barriers(particle, factory, (event,), n_images=images)
    make_output_dir(out_dir)
    record = provenance_record(
        settings={
            "n_atoms": len(particle),
            "events": chosen,
            "mu_eV": mu_eV,
            "images": images,
            "hamiltonian": "EMT + small-cluster correction + embedding solvent (cloud model)",
            "neb": "ase.mep.NEB, climbing image, improved tangent, IDPP, FIRE to 0.03 eV/Å",
        }
    )
    paths = [write_csv(out_dir / "barriers.csv", barrier_rows(found), BARRIER_COLUMNS)]
    with atomic_output(out_dir / "barriers.png") as tmp:
        plot_barriers(
            found, tmp, title=f"Au{len(particle)} truncated octahedron, μ_s = {mu_eV:g} eV"
        )
    paths.append(out_dir / "barriers.png")
    for path in paths:
        write_provenance(path, record)
    for b in found:
        click.echo(
            f"{b.event} (CN {b.coordination}): detach {b.path.detach_barrier_eV:.3f} eV, "
            f"attach {b.path.attach_barrier_eV:.3f} eV"
        )


@kinetics.command()
@click.argument(
    "directories",
    nargs=-1,
    required=True,
    type=click.Path(exists=True, file_okay=False, path_type=Path),
)
@output_dir_option("model.csv, model.png and prediction.csv")
@click.option(
    "--calibrate-supersaturation",
    type=float,
    default=1.0,
    show_default=True,
    help="At each temperature σ is fitted to the runs at this S; the others test the model.",
)
@click.option(
    "--predict-temperature-K",
    "predict_T",
    type=float,
    default=298.15,
    show_default=True,
    help="The experiment's temperature [K] for prediction.csv.",
)
@click.option(
    "--diffusion-m2-per-s",
    type=float,
    default=STOKES_EINSTEIN_AUCL4_M2_PER_S,
    show_default=True,
    help="Aqueous diffusion coefficient [m²/s] (default: Stokes–Einstein for AuCl₄⁻ in water "
    "at 298 K, docs/kinetics.md).",
)
@click.option(
    "--pocket-radius-nm",
    type=float,
    default=50.0,
    show_default=True,
    help="The liquid cell's pocket around one particle [nm].",
)
@click.option(
    "--particle-atoms",
    type=float,
    default=757.0,
    show_default=True,
    help="The particle of the prediction [atoms] (757: the claims study's 3 nm seed).",
)
@confidence_option
@overwrite_option
def model(
    overwrite: bool,
    directories: tuple[Path, ...],
    out_dir: Path,
    calibrate_supersaturation: float,
    predict_T: float,
    diffusion_m2_per_s: float,
    pocket_radius_nm: float,
    particle_atoms: float,
    confidence: float,
) -> None:
    """The rate-equation model of a particle and its cloud (diffusion to a capture sphere,
    sticking σ, detachment by detailed balance against Gibbs–Thomson) against the runs under
    the DIRECTORIES: σ fitted per temperature at one S, every other S a test (final cloud size and
    net exchange rate within 2 SE of the replicas' mean); then, only if every test holds and
    σ is known at ≥ 2 temperatures, the model at the experiment's temperature, D and pocket,
    in seconds (prediction.csv)."""
    refuse_existing([out_dir], overwrite)
    check_output_dir(out_dir)
    from aucluster.kinetics.validate import (
        MODEL_COLUMNS,
        PREDICTION_COLUMNS,
        crystal_at,
        md_groups,
        plot_model,
        predict_experiment,
        validate,
    )

    _check_confidence(confidence)
    for name, value in (
        ("--calibrate-supersaturation", calibrate_supersaturation),
        ("--predict-temperature-K", predict_T),
        ("--diffusion-m2-per-s", diffusion_m2_per_s),
        ("--pocket-radius-nm", pocket_radius_nm),
    ):
        if not (math.isfinite(value) and value > 0):
            raise ParameterError(f"{name} {value!r}: a number > 0")
    if not (math.isfinite(particle_atoms) and 13 <= particle_atoms <= 1e6):
        raise ParameterError(f"--particle-atoms {particle_atoms!r}: from 13 to 10⁶")
    runs = sorted({run for directory in directories for run in find_runs(directory)})
    if not runs:
        raise ParameterError(
            f"{', '.join(map(str, directories))}: no finished run (scenario.json with "
            "analysis/events.csv)"
        )
    groups = md_groups(runs)
    rows, law = validate(groups, calibrate_s=calibrate_supersaturation, confidence=confidence)
    prediction = None
    tests = [r for r in rows if r["role"] == "test"]
    validated = bool(tests) and all(r["holds"] for r in tests)
    validated = validated and not any(r["sticking_at_bound"] for r in rows)
    if law is not None and validated:
        prediction = predict_experiment(
            law,
            temperature_K=predict_T,
            diffusion_m2_per_s=diffusion_m2_per_s,
            pocket_radius_A=10.0 * pocket_radius_nm,
            particle_atoms=particle_atoms,
            start_supersaturation=1.0,
            crystal=crystal_at(predict_T),
            confidence=confidence,
        )
    make_output_dir(out_dir)
    record = provenance_record(
        settings={
            "calibrate_supersaturation": calibrate_supersaturation,
            "confidence": confidence,
            "n_runs": len(runs),
            "prediction": {
                "temperature_K": predict_T,
                "diffusion_m2_per_s": diffusion_m2_per_s,
                "pocket_radius_nm": pocket_radius_nm,
                "particle_atoms": particle_atoms,
            },
            "sticking_law": None
            if law is None
            else {"ln_prefactor": law.log_prefactor, "energy_eV": law.energy_eV, "dof": law.dof},
        },
        inputs=[run / "analysis" / "frames.csv" for run in runs],
    )
    paths = [write_csv(out_dir / "model.csv", rows, MODEL_COLUMNS)]
    if prediction is not None:
        paths.append(write_csv(out_dir / "prediction.csv", [prediction], PREDICTION_COLUMNS))
    with atomic_output(out_dir / "model.png") as tmp:
        plot_model(groups, rows, tmp)
    paths.append(out_dir / "model.png")
    for path in paths:
        write_provenance(path, record)
    click.echo(
        f"{len(groups)} conditions, {sum(r['holds'] for r in tests)} of {len(tests)} tests hold"
        f" → {out_dir}"
    )
    if not validated:
        click.echo(
            "no prediction at the experiment's temperature: the model fails its tests on these "
            "runs (or σ sits at its fitting bound), so its time scale would not be the MD's"
        )
    elif law is None:
        click.echo("no prediction: σ needs calibrations at ≥ 2 temperatures")
    if prediction is not None:
        click.echo(
            f"at {predict_T:g} K: t95 = {prediction['t95_s']:.3g} s "
            f"[{prediction['t95_ci_low_s']:.3g}, {prediction['t95_ci_high_s']:.3g}] (the model's)"
        )

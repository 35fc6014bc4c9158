"""The run report: Markdown and HTML from the same typed blocks, with the run's figures.

Everything in it comes from the run directory's files (`summarise_run`, the analysis'
snapshot frames), in a fixed order and format, with no clock time or absolute path: the
report of a resumed run is byte-identical to that of an uninterrupted one. The report does
no physics.
"""

import html
import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from ase.io import read
from matplotlib.figure import Figure as MplFigure
from matplotlib.lines import Line2D

from aucluster.store import atomic_output, read_csv, write_provenance
from aucluster.thermo.homologous import program_extremes
from aucluster.workflow import rundir as rd
from aucluster.workflow.scenario import Scenario, ScenarioKind
from aucluster.workflow.summary import FFTAgainstCNA, RunSummary, summarise_run

#: OVITO's colours for the CNA structure codes 0–4 (other, fcc, hcp, bcc, ico).
CNA_COLOURS = ("#f2f2f2", "#66ff66", "#ff6666", "#6666ff", "#ffe14d")
CNA_NAMES = ("other", "fcc", "hcp", "bcc", "ico")


@dataclass(frozen=True)
class Heading:
    text: str


@dataclass(frozen=True)
class Paragraph:
    text: str


@dataclass(frozen=True)
class Picture:
    path: str  # relative to the run directory
    caption: str


@dataclass(frozen=True)
class Table:
    header: list[str]
    rows: list[list]


Block = Heading | Paragraph | Picture | Table


def plot_snapshots(out: Path) -> Path:
    """The analysis' snapshot frames (first, middle, last) projected on x–y, atoms coloured
    by their adaptive-CNA code."""
    frames = read(out / rd.SNAPSHOT_FRAMES, index=":")
    fig = MplFigure(figsize=(4 * len(frames), 4.2), layout="constrained")
    axes = np.atleast_1d(fig.subplots(1, len(frames)))
    for ax, atoms in zip(axes, frames, strict=True):
        codes = atoms.arrays["cna"].astype(int)
        pos = atoms.positions - atoms.positions.mean(axis=0)
        order = np.argsort(pos[:, 2])  # back to front
        ax.scatter(
            pos[order, 0],
            pos[order, 1],
            s=14,
            c=[CNA_COLOURS[c] for c in codes[order]],
            edgecolors="k",
            linewidths=0.2,
        )
        ax.set_aspect("equal")
        ax.set_title(f"{atoms.info['time_ps']:g} ps", fontsize=9)
        ax.set_xlabel("x [Å]")
    axes[0].set_ylabel("y [Å]")
    handles = [
        Line2D([], [], marker="o", ls="", mfc=c, mec="k", label=n)
        for c, n in zip(CNA_COLOURS, CNA_NAMES, strict=True)
    ]
    fig.legend(handles=handles, loc="outside lower center", ncol=5, fontsize=8)
    path = out / rd.SNAPSHOTS_PNG
    with atomic_output(path) as tmp:
        fig.savefig(tmp, dpi=110, format="png")
    return path


def plot_fft_vs_cna(rows: tuple[FFTAgainstCNA, ...], path: Path) -> None:
    fig = MplFigure(figsize=(7, 3.6), layout="constrained")
    ax = fig.subplots()
    t = [r.time_ps for r in rows]
    ax.plot(t, [r.cna_grains for r in rows], "o-", ms=3, label="CNA grains (ground truth)")
    ax.plot(t, [r.n_fringe_sets for r in rows], "s-", ms=3, label="FFT fringe sets (image)")
    ax.plot(
        t, [r.n_lattice_orientations for r in rows], "^-", ms=3, label="FFT lattice orientations"
    )
    ax.axhline(4.5, color="grey", ls="--", lw=0.8)
    ax.text(t[0], 4.6, "> 4 orientations: called polycrystalline", fontsize=7, color="grey")
    ax.set_xlabel("simulation time [ps]")
    ax.set_ylabel("count")
    ax.legend(fontsize=8)
    with atomic_output(path) as tmp:
        fig.savefig(tmp, dpi=110, format="png")


def _cloud_setting(out: Path) -> str:
    """The run's `[md.cloud]` as run.json recorded its seeding, or "off"."""
    from aucluster.md.rundir import read_run_json

    cloud = read_run_json(out / rd.MD_DIR).get("cloud")
    if cloud is None:
        return "off"
    return (
        f"S = {cloud['supersaturation']:g} at {cloud['temperature_K']:g} K "
        f"(ρ_eq {cloud['equilibrium_density_per_nm3']:.3g} nm⁻³): "
        f"{cloud['monomers_added']} monomers seeded in {cloud['free_volume_A3'] / 1000:.1f} nm³"
    )


def _fmt(value) -> str:
    if isinstance(value, float):
        return f"{value:.4g}"
    return str(value)


def _rate(r) -> str:
    return f"{r.per_ps:.3g} [{r.ci_low_per_ps:.3g}, {r.ci_high_per_ps:.3g}] ({r.n_events})"


def _summary_rows(s: RunSummary) -> list[list]:
    """Key numbers of an md run, as (quantity, value) rows."""
    if s.first_coalescence_ps is None:
        bridge = "none"
    else:
        bridge = f"{s.first_coalescence_ps:g} ps (contact), {s.first_coalescence_outcome}"
    return [
        ["frames (time)", f"{s.n_frames} ({s.time_first_ps:g}–{s.time_last_ps:g} ps)"],
        [
            "crystalline fraction of the particle, first → last",
            f"{s.crystalline_fraction_first:.3f} → {s.crystalline_fraction_last:.3f}",
        ],
        [
            "crystalline fraction of its interior (surface excluded), first → last",
            f"{s.interior_crystalline_fraction_first:.3f} → "
            f"{s.interior_crystalline_fraction_last:.3f}",
        ],
        ["grains (CNA + PTM), first → last", f"{s.grains_first} → {s.grains_last}"],
        ["motif, first → last", f"{s.motif_first} → {s.motif_last}"],
        ["cloud atoms, first → last", f"{s.cloud_atoms_first} → {s.cloud_atoms_last}"],
        [
            "atoms detached / in expelled clusters of ≥ 2 / attached",
            f"{s.detached_atoms} / {s.expelled_atoms} / {s.attached_atoms}",
        ],
        ["detach rate [1/ps], 95 % CI (events)", _rate(s.detach_rate)],
        ["attach rate [1/ps], 95 % CI (events)", _rate(s.attach_rate)],
        ["out-and-in exchange (both directions seen)", "yes" if s.exchange else "no"],
        ["first coalescence (cluster ≥ 13 atoms)", bridge],
        [
            "ends as a single crystal (motif single-fcc)",
            "yes" if s.ends_single_crystal else "no",
        ],
    ]


def _blocks_md_run(scenario: Scenario, out: Path) -> list[Block]:
    s = scenario.md
    assert s is not None
    summary = summarise_run(out)
    blocks: list[Block] = [
        Paragraph(
            "**One seed, no control arm: a demonstration, not evidence.** The paper's claims "
            "are tested with replicas against control arms in the claims study "
            "(`aucluster run workflows/claims.toml`; its full-size table is in docs/claims.md)."
        ),
        Heading("Set-up"),
        Table(
            ["setting", "value"],
            [
                ["structure", json.dumps(scenario.tables["structure"], sort_keys=True)],
                ["potential", str(s.potential)],
                ["temperature program [ps, K]", str([list(p) for p in s.program.points])],
                [
                    "temperatures as T / T_m of the potential",
                    "; ".join(
                        program_extremes(s.program, s.potential, summary.particle_atoms_first)
                    ),
                ],
                [
                    "duration [ps] / timestep [fs]",
                    f"{s.total_steps * s.timestep_fs / 1000:g} / {s.timestep_fs:g}",
                ],
                ["solvent μ_s [eV]", f"{s.solvent.mu_eV:g} ({s.solvent.form} form)"],
                ["cloud model", _cloud_setting(out)],
                ["wall radius [Å]", "none" if s.wall is None else f"{s.wall.radius:g}"],
                ["dose per frame [e/Å²]", _fmt(scenario.imaging.dose_e_per_A2)],
                ["seed", str(scenario.seed)],
            ],
        ),
        Heading("Structure (ground truth: adaptive CNA)"),
        Paragraph(
            f"Structural labels on each frame's {scenario.analysis.labels} structure "
            "(`aucluster.analysis.inherent`); exchange with hysteresis "
            f"(r_in {scenario.analysis.bond_cutoff:g} Å, r_out "
            f"{scenario.analysis.detach_radius:g} Å) and a dwell of "
            f"{scenario.analysis.dwell_ps:g} ps (`aucluster.analysis.exchange`); rates per "
            "window and site in `analysis/rates.csv`."
        ),
        Picture(rd.SNAPSHOTS_PNG, "First, middle and last frame, atoms coloured by CNA"),
        Table(["quantity", "value"], _summary_rows(summary)),
        Picture(
            rd.TIMESERIES_PNG,
            "Crystallinity, grains, core/shell/surface/cloud, exchange and Lindemann index "
            "against time",
        ),
        Heading("Simulated ADF-STEM movie, measured as the experiment was"),
        Paragraph(
            "Movie: `movie.tif` (ImageJ stack, pixel size, frame interval in ps) and "
            "`movie.gif`. Measurements per particle and frame: `measurements.csv`. **Time "
            "axis: MD time in ps.** Each frame has the dose of one 0.5 s exposure, but the "
            "frames are MD picoseconds apart; no kinetic model maps MD time onto the "
            "experiment's here, so no axis claims a physical time (docs/kinetics.md)."
        ),
        Picture(
            rd.MEASUREMENTS_PNG,
            "Projected Au-rich area and mean grey value against MD time [ps]",
        ),
    ]
    rows = summary.fft_against_cna
    if rows:
        plot_fft_vs_cna(rows, out / rd.FFT_VS_CNA_PNG)
        agree = sum(r.agrees for r in rows)
        blocks += [
            Heading("FFT verdict against the CNA ground truth"),
            Picture(
                rd.FFT_VS_CNA_PNG,
                "Fringe sets and lattice orientations in the particle's FFT against CNA grains",
            ),
            Paragraph(
                f"The image verdict (polycrystalline: > 4 lattice orientations) matches CNA "
                f"(more than "
                f"one grain) in {agree} of {len(rows)} movie frames."
            ),
            Table(
                [
                    "movie frame",
                    "time [ps]",
                    "CNA grains",
                    "crystalline fraction",
                    "fringe sets",
                    "lattices",
                    "FFT verdict",
                ],
                [
                    [
                        r.movie_frame,
                        _fmt(r.time_ps),
                        r.cna_grains,
                        f"{r.crystalline_fraction:.3f}",
                        r.n_fringe_sets,
                        r.n_lattice_orientations,
                        str(r.fft_verdict),
                    ]
                    for r in rows
                ],
            ),
        ]
    if (out / rd.DETECTABILITY_SUMMARY_CSV).exists():
        summary_rows = read_csv(out / rd.DETECTABILITY_SUMMARY_CSV)
        blocks += [
            Heading("Detectability: FFT verdict against CNA over orientations, doses and sizes"),
            Paragraph(
                "Per truth class (CNA's motif: single crystal, twinned, multiply twinned, "
                "polycrystalline), the fraction of frames whose FFT verdict names that class, "
                "the fraction called polycrystalline (> 4 lattice orientations, the paper's "
                "rule) and the fraction showing two or more lattice orientations, each with "
                "its Wilson 95 % interval; all frames in `detectability.csv`."
            ),
            Table(
                [
                    "radius [Å]",
                    "dose [e/Å²]",
                    "truth",
                    "frames",
                    "called as truth",
                    "95 % CI",
                    "called polycrystalline",
                    "95 % CI",
                    "≥ 2 lattices",
                    "95 % CI",
                    "fringe sets",
                    "lattices",
                ],
                [
                    [
                        r["radius_A"],
                        r["dose_e_per_A2"],
                        r["truth"],
                        r["n_frames"],
                        r["called_as_truth"],
                        r["called_as_truth_ci95"],
                        r["called_polycrystalline"],
                        r["called_polycrystalline_ci95"],
                        r["two_or_more_lattices"],
                        r["two_or_more_lattices_ci95"],
                        r["mean_fringe_sets"],
                        r["mean_lattice_orientations"],
                    ]
                    for r in summary_rows
                ],
            ),
        ]
    return blocks


def _blocks_stability(scenario: Scenario, out: Path) -> list[Block]:
    assert scenario.stability is not None
    rows = read_csv(out / rd.STABILITY_CSV)
    crossings = read_csv(out / rd.STABILITY_CROSSOVERS_CSV)
    lowest = [r for r in rows if r["lowest_at_size"] == "1"]
    by_motif: dict[str, int] = {}
    for r in lowest:
        by_motif[r["motif"]] = by_motif.get(r["motif"], 0) + 1
    return [
        Heading("Magic-number table"),
        Paragraph(
            f"{len(rows)} clusters relaxed with "
            f"{str(scenario.stability.potential).upper()} (FIRE, 0.005 eV/Å); all "
            "rows in `stability.csv`, the database `stability.db`."
        ),
        Picture(
            rd.STABILITY_PNG,
            "Excess energy Δ against N^(1/3) per motif with class fits; lowest shapes of "
            "each class",
        ),
        Table(
            ["lowest at its size", "sizes"],
            [[m, n] for m, n in sorted(by_motif.items(), key=lambda kv: -kv[1])],
        ),
        Table(
            ["below", "above", "crossover N", "extrapolated", "changes the lowest class"],
            [
                [c["below"], c["above"], c["n_atoms"], c["extrapolated"], c["changes_lowest_class"]]
                for c in crossings
            ]
            or [["—", "—", "none", "", ""]],
        ),
    ]


def _render_md(title: str, blocks: list[Block]) -> str:
    lines = [f"# {title}", ""]
    for block in blocks:
        if isinstance(block, Heading):
            lines += [f"## {block.text}", ""]
        elif isinstance(block, Paragraph):
            lines += [block.text, ""]
        elif isinstance(block, Picture):
            lines += [f"![{block.caption}]({block.path})", ""]
        else:
            lines.append("| " + " | ".join(block.header) + " |")
            lines.append("|" + "---|" * len(block.header))
            lines += [
                "| " + " | ".join(_fmt(c).replace("|", "\\|") for c in row) + " |"
                for row in block.rows
            ]
            lines.append("")
    return "\n".join(lines)


def _render_html(title: str, blocks: list[Block]) -> str:
    esc = html.escape
    parts = [
        "<!DOCTYPE html>",
        "<html><head><meta charset='utf-8'>",
        f"<title>{esc(title)}</title>",
        "<style>body{font-family:sans-serif;max-width:60em;margin:2em auto}"
        "table{border-collapse:collapse}td,th{border:1px solid #bbb;padding:2px 6px}"
        "img{max-width:100%}</style></head><body>",
        f"<h1>{esc(title)}</h1>",
    ]
    for block in blocks:
        if isinstance(block, Heading):
            parts.append(f"<h2>{esc(block.text)}</h2>")
        elif isinstance(block, Paragraph):
            parts.append(f"<p>{esc(block.text)}</p>")
        elif isinstance(block, Picture):
            parts.append(
                f"<figure><img src='{esc(block.path)}' alt='{esc(block.caption)}'>"
                f"<figcaption>{esc(block.caption)}</figcaption></figure>"
            )
        else:
            parts.append(
                "<table><tr>" + "".join(f"<th>{esc(h)}</th>" for h in block.header) + "</tr>"
            )
            parts += [
                "<tr>" + "".join(f"<td>{esc(_fmt(c))}</td>" for c in row) + "</tr>"
                for row in block.rows
            ]
            parts.append("</table>")
    parts.append("</body></html>")
    return "\n".join(parts) + "\n"


def write_report(scenario: Scenario, out: Path, record) -> Path:
    """report.md and report.html (and the figures they show) in `out`."""
    title = f"aucluster run: {scenario.name}" + (" (smoke size)" if scenario.smoke else "")
    intro: list[Block] = [Paragraph(scenario.description)] if scenario.description else []
    if scenario.kind is ScenarioKind.STABILITY:
        blocks = intro + _blocks_stability(scenario, out)
    else:
        plot_snapshots(out)
        blocks = intro + _blocks_md_run(scenario, out)
    for name, text in (
        (rd.REPORT_MD, _render_md(title, blocks)),
        (rd.REPORT_HTML, _render_html(title, blocks)),
    ):
        with atomic_output(out / name) as tmp:
            tmp.write_text(text)
        write_provenance(out / name, record)
    return out / rd.REPORT_MD

"""The run report: Markdown and HTML from the same blocks, with the run's figures.

Everything in it comes from the run directory's files, in a fixed order and format, with no
clock time or absolute path: the report of a resumed run is byte-identical to that of an
uninterrupted one.
"""

import csv
import html
import json
from pathlib import Path

import numpy as np
from ase import Atoms

from aucluster.store import atomic_output, write_provenance
from aucluster.workflow.scenario import Scenario

#: OVITO's colours for the CNA structure codes 0–4 (other, fcc, hcp, bcc, ico).
CNA_COLOURS = ("#f2f2f2", "#66ff66", "#ff6666", "#6666ff", "#ffe14d")
CNA_NAMES = ("other", "fcc", "hcp", "bcc", "ico")


def _read_csv(path: Path) -> list[dict]:
    with open(path, newline="") as handle:
        return list(csv.DictReader(handle))


def _plot_snapshots(out: Path) -> Path:
    """First, middle and last frame projected on x–y, atoms coloured by adaptive CNA."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from ase.io import read

    from aucluster.analysis import adaptive_cna

    frames = list(read(out / "md" / "trajectory.traj", index=":"))
    picks = sorted({0, len(frames) // 2, len(frames) - 1})
    fig, axes = plt.subplots(1, len(picks), figsize=(4 * len(picks), 4.2), constrained_layout=True)
    axes = np.atleast_1d(axes)
    for ax, i in zip(axes, picks, strict=True):
        atoms: Atoms = frames[i]
        codes = adaptive_cna(atoms).structure.astype(int)
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
        ax.set_title(f"{atoms.info.get('time_ps', i):g} ps", fontsize=9)
        ax.set_xlabel("x [Å]")
    axes[0].set_ylabel("y [Å]")
    handles = [
        plt.Line2D([], [], marker="o", ls="", mfc=c, mec="k", label=n)
        for c, n in zip(CNA_COLOURS, CNA_NAMES, strict=True)
    ]
    fig.legend(handles=handles, loc="outside lower center", ncol=5, fontsize=8)
    path = out / "snapshots.png"
    with atomic_output(path) as tmp:
        fig.savefig(tmp, dpi=110, format="png")
    plt.close(fig)
    return path


def fft_against_cna(out: Path, snapshots_per_frame: int) -> list[dict]:
    """Per movie frame: the largest particle's fringe sets and verdict, and CNA's grain
    count of the first snapshot the frame was made from."""
    frames = _read_csv(out / "analysis" / "frames.csv")
    measured = _read_csv(out / "measurements.csv")
    largest: dict[int, dict] = {}
    for row in measured:
        k = int(row["frame"])
        if k not in largest or float(row["area_nm2"]) > float(largest[k]["area_nm2"]):
            largest[k] = row
    rows = []
    for k, m in sorted(largest.items()):
        truth = frames[min(k * snapshots_per_frame, len(frames) - 1)]
        rows.append(
            {
                "movie_frame": k,
                "time_ps": float(truth["time_ps"]),
                "cna_grains": int(truth["n_grains"]),
                "crystalline_fraction": float(truth["crystalline_fraction"]),
                "n_fringe_sets": int(m["n_fringe_sets"]),
                "fft_verdict": m["fft_verdict"],
            }
        )
    return rows


def _plot_fft_vs_cna(rows: list[dict], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(7, 3.6), constrained_layout=True)
    t = [r["time_ps"] for r in rows]
    ax.plot(t, [r["cna_grains"] for r in rows], "o-", ms=3, label="CNA grains (ground truth)")
    ax.plot(t, [r["n_fringe_sets"] for r in rows], "s-", ms=3, label="FFT fringe sets (image)")
    ax.axhline(4.5, color="grey", ls="--", lw=0.8)
    ax.text(t[0], 4.6, "> 4 sets: called polycrystalline", fontsize=7, color="grey")
    ax.set_xlabel("simulation time [ps]")
    ax.set_ylabel("count")
    ax.legend(fontsize=8)
    with atomic_output(path) as tmp:
        fig.savefig(tmp, dpi=110, format="png")
    plt.close(fig)


def _table(header: list[str], rows: list[list]) -> tuple[str, list[str], list[list]]:
    return ("table", header, rows)


def _fmt(value) -> str:
    if isinstance(value, float):
        return f"{value:.4g}"
    return str(value)


def _md_summary(out: Path) -> list[tuple[str, str]]:
    """Key numbers of an MD run, as (quantity, value) pairs."""
    frames = _read_csv(out / "analysis" / "frames.csv")
    events = _read_csv(out / "analysis" / "events.csv")
    first, last = frames[0], frames[-1]
    atoms_of = {
        kind: sum(int(e["n_atoms"]) for e in events if e["kind"] == kind)
        for kind in ("detach", "attach", "expel", "coalescence")
    }
    coal = [e for e in events if e["kind"] == "coalescence"]
    bridge = (
        f"{float(coal[0]['time_ps']):g} ps (contact)"
        + (
            f", completed {float(frames[int(coal[0]['completed_frame'])]['time_ps']):g} ps"
            if int(coal[0]["completed_frame"]) >= 0
            else ", not completed"
        )
        if coal
        else "none"
    )
    # expelled and coalescing clusters' atoms are counted as detach / attach events too
    exchange = atoms_of["detach"] > 0 and atoms_of["attach"] > 0
    return [
        (
            "frames (time)",
            f"{len(frames)} ({float(first['time_ps']):g}–{float(last['time_ps']):g} ps)",
        ),
        (
            "crystalline fraction, first → last",
            f"{float(first['crystalline_fraction']):.3f} → "
            f"{float(last['crystalline_fraction']):.3f}",
        ),
        ("grains (CNA + PTM), first → last", f"{first['n_grains']} → {last['n_grains']}"),
        ("motif, first → last", f"{first['motif']} → {last['motif']}"),
        ("cloud atoms, first → last", f"{first['n_cloud']} → {last['n_cloud']}"),
        (
            "atoms detached / in expelled clusters of ≥ 2 / attached",
            f"{atoms_of['detach']} / {atoms_of['expel']} / {atoms_of['attach']}",
        ),
        ("out-and-in exchange (both directions seen)", "yes" if exchange else "no"),
        ("first coalescence (bridge)", bridge),
        (
            "ends as a single crystal (motif single-fcc)",
            "yes" if last["motif"] == "single-fcc" else "no",
        ),
    ]


def _blocks_md_run(scenario: Scenario, out: Path) -> list:
    from aucluster.workflow.pipeline import md_settings

    s = md_settings(scenario)
    blocks: list = [
        ("h2", "Set-up"),
        _table(
            ["setting", "value"],
            [
                ["structure", json.dumps(scenario.structure, sort_keys=True)],
                ["potential", str(s.potential)],
                ["temperature program [ps, K]", str([list(p) for p in s.program.points])],
                [
                    "duration [ps] / timestep [fs]",
                    f"{s.total_steps * s.timestep_fs / 1000:g} / {s.timestep_fs:g}",
                ],
                ["solvent μ_s [eV]", f"{s.solvent.mu_eV:g}"],
                ["wall radius [Å]", "none" if s.wall is None else f"{s.wall.radius:g}"],
                [
                    "dose per frame [e/Å²]",
                    _fmt(float(scenario.imaging.get("dose_e_per_A2", 149.0))),
                ],
                ["seed", str(scenario.seed)],
            ],
        ),
        ("h2", "Structure (ground truth: adaptive CNA)"),
        ("img", "snapshots.png", "First, middle and last frame, atoms coloured by CNA"),
        _table(["quantity", "value"], [list(p) for p in _md_summary(out)]),
        (
            "img",
            "analysis/timeseries.png",
            "Crystallinity, grains, core/shell/surface/cloud, exchange and Lindemann index "
            "against time",
        ),
        ("h2", "Simulated ADF-STEM movie, measured as the experiment was"),
        (
            "p",
            "Movie: `movie.tif` (ImageJ stack, pixel size and frame interval) and `movie.gif`. "
            "Measurements per particle and frame: `measurements.csv`.",
        ),
        (
            "img",
            "measurements.png",
            "Projected Au-rich area and mean grey value against movie time",
        ),
    ]
    k = max(1, int(scenario.imaging.get("snapshots_per_frame", 1)))
    rows = fft_against_cna(out, k)
    if rows:
        _plot_fft_vs_cna(rows, out / "fft_vs_cna.png")
        agree = sum((r["fft_verdict"] == "polycrystalline") == (r["cna_grains"] > 1) for r in rows)
        blocks += [
            ("h2", "FFT verdict against the CNA ground truth"),
            ("img", "fft_vs_cna.png", "Fringe sets in the particle's FFT against CNA grains"),
            (
                "p",
                f"The image verdict (polycrystalline: > 4 fringe sets) matches CNA (more than "
                f"one grain) in {agree} of {len(rows)} movie frames.",
            ),
            _table(
                [
                    "movie frame",
                    "time [ps]",
                    "CNA grains",
                    "crystalline fraction",
                    "fringe sets",
                    "FFT verdict",
                ],
                [
                    [
                        r["movie_frame"],
                        _fmt(r["time_ps"]),
                        r["cna_grains"],
                        f"{r['crystalline_fraction']:.3f}",
                        r["n_fringe_sets"],
                        r["fft_verdict"],
                    ]
                    for r in rows
                ],
            ),
        ]
    if (out / "detectability_summary.csv").exists():
        summary = _read_csv(out / "detectability_summary.csv")
        blocks += [
            ("h2", "Detectability: FFT verdict against CNA over orientations, doses and sizes"),
            (
                "p",
                "Fraction of frames in which a true polycrystal (CNA > 1 grain) is not called "
                "polycrystalline, and in which a true single crystal is; all frames in "
                "`detectability.csv`.",
            ),
            _table(
                [
                    "radius [Å]",
                    "dose [e/Å²]",
                    "polycrystal frames",
                    "called mono",
                    "single-crystal frames",
                    "called polycrystalline",
                ],
                [
                    [
                        r["radius_A"],
                        r["dose_e_per_A2"],
                        r["n_polycrystal_frames"],
                        r["polycrystal_called_mono"],
                        r["n_single_crystal_frames"],
                        r["single_called_polycrystalline"],
                    ]
                    for r in summary
                ],
            ),
        ]
    return blocks


def _blocks_stability(scenario: Scenario, out: Path) -> list:
    rows = _read_csv(out / "stability.csv")
    crossings = _read_csv(out / "stability_crossovers.csv")
    lowest = [r for r in rows if r["lowest_at_size"] == "1"]
    by_motif: dict[str, int] = {}
    for r in lowest:
        by_motif[r["motif"]] = by_motif.get(r["motif"], 0) + 1
    return [
        ("h2", "Magic-number table"),
        (
            "p",
            f"{len(rows)} clusters relaxed with "
            f"{scenario.stability.get('potential', 'emt').upper()} (FIRE, 0.005 eV/Å); all "
            "rows in `stability.csv`, the database `stability.db`.",
        ),
        (
            "img",
            "stability.png",
            "Excess energy Δ against N^(1/3) per motif with class fits; lowest shapes of "
            "each class",
        ),
        _table(
            ["lowest at its size", "sizes"],
            [[m, n] for m, n in sorted(by_motif.items(), key=lambda kv: -kv[1])],
        ),
        _table(
            ["below", "above", "crossover N", "extrapolated", "changes the lowest class"],
            [
                [c["below"], c["above"], c["n_atoms"], c["extrapolated"], c["changes_lowest_class"]]
                for c in crossings
            ]
            or [["—", "—", "none", "", ""]],
        ),
    ]


def _render_md(title: str, blocks: list) -> str:
    lines = [f"# {title}", ""]
    for block in blocks:
        kind = block[0]
        if kind == "h2":
            lines += [f"## {block[1]}", ""]
        elif kind == "p":
            lines += [block[1], ""]
        elif kind == "img":
            lines += [f"![{block[2]}]({block[1]})", ""]
        else:
            header, rows = block[1], block[2]
            lines.append("| " + " | ".join(header) + " |")
            lines.append("|" + "---|" * len(header))
            lines += [
                "| " + " | ".join(_fmt(c).replace("|", "\\|") for c in row) + " |" for row in rows
            ]
            lines.append("")
    return "\n".join(lines)


def _render_html(title: str, blocks: list) -> str:
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
        kind = block[0]
        if kind == "h2":
            parts.append(f"<h2>{esc(block[1])}</h2>")
        elif kind == "p":
            parts.append(f"<p>{esc(block[1])}</p>")
        elif kind == "img":
            parts.append(
                f"<figure><img src='{esc(block[1])}' alt='{esc(block[2])}'>"
                f"<figcaption>{esc(block[2])}</figcaption></figure>"
            )
        else:
            header, rows = block[1], block[2]
            parts.append("<table><tr>" + "".join(f"<th>{esc(h)}</th>" for h in header) + "</tr>")
            parts += [
                "<tr>" + "".join(f"<td>{esc(_fmt(c))}</td>" for c in row) + "</tr>" for row in rows
            ]
            parts.append("</table>")
    parts.append("</body></html>")
    return "\n".join(parts) + "\n"


def write_report(scenario: Scenario, out: Path, record) -> Path:
    """report.md and report.html (and the figures they show) in `out`."""
    title = f"aucluster run: {scenario.name}" + (" (smoke size)" if scenario.smoke else "")
    intro = [("p", scenario.description)] if scenario.description else []
    if scenario.kind == "stability":
        blocks = intro + _blocks_stability(scenario, out)
    else:
        _plot_snapshots(out)
        blocks = intro + _blocks_md_run(scenario, out)
    for name, text in (
        ("report.md", _render_md(title, blocks)),
        ("report.html", _render_html(title, blocks)),
    ):
        with atomic_output(out / name) as tmp:
            tmp.write_text(text)
        write_provenance(out / name, record)
    return out / "report.md"

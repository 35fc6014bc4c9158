"""Kill a run and start it again: the same report. And bad scenarios refused cleanly."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from aucluster.cli import main

WORKFLOWS = Path(__file__).resolve().parents[2] / "workflows"
PRODUCTS = (
    "report.md",
    "report.html",
    "analysis/frames.csv",
    "analysis/events.csv",
    "measurements.csv",
    "detectability.csv",
)


def _aucluster(*args) -> list[str]:
    return [sys.executable, "-m", "aucluster.cli", *args]


@pytest.mark.slow
def test_killed_run_resumes_to_the_same_report(tmp_path):
    scenario = str(WORKFLOWS / "maturation.toml")
    whole = tmp_path / "whole"
    subprocess.run(_aucluster("run", scenario, "--smoke", "-o", str(whole)), check=True)

    broken = tmp_path / "broken"
    proc = subprocess.Popen(
        _aucluster("run", scenario, "--smoke", "-o", str(broken)), start_new_session=True
    )
    log = broken / "md" / "log.csv"
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:  # kill once the MD has written a few frames
        if log.exists() and len(log.read_text().splitlines()) >= 4:
            break
        time.sleep(0.05)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    assert not (broken / "report.md").exists(), "the run finished before it was killed"
    subprocess.run(_aucluster("run", scenario, "--smoke", "-o", str(broken)), check=True)
    for name in PRODUCTS:
        assert (broken / name).read_bytes() == (whole / name).read_bytes(), name


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('name = "x"\nkind = "md"\n[structure]\nbuilder = "blob"\n[md]\nduration_ps = 1\n', "blob"),
        ('name = "x"\nkind = "md"\ncolour = 1\n', "colour"),
        ('name = "x"\nkind = "md"\n[smoke.imagin]\ndose_e_per_A2 = 3\n', "'imagin'"),
        ('name = "x"\nkind = "party"\n', "party"),
        ('name = "x"\nkind = "stability"\n[md]\nduration_ps = 1\n', "[md] does not apply"),
        ('name = "x"\n[imaging]\ndose = 3\n', "dose"),
        (
            'name = "x"\nkind = "md"\n[structure]\nbuilder = "polycrystal"\nradius = 10\n'
            "[md]\nduration_ps = 1\n",
            "polycrystal needs [structure] grains",
        ),
        ("not toml [", "not valid TOML"),
        (
            'name = "x"\nkind = "md"\n[structure]\nbuilder = "icosahedron"\n'
            "n_atoms = 13\n[structure.cloud]\ncloud_inner = 7\ncloud_outer = 9\n"
            'cloud_density_per_nm3 = 40\ncloud_sizes = "1:1"\n[md]\nduration_ps = 1\n',
            "cloud too dense",
        ),
    ],
)
def test_bad_scenarios_are_refused_before_any_work(tmp_path, text, message):
    path = tmp_path / "bad.toml"
    path.write_text(text)
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["run", str(path), "-o", str(out)])
    assert result.exit_code == 2
    assert message in result.output
    assert not out.exists()


MATURATION = (WORKFLOWS / "maturation.toml").read_text()


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("orientations = 4", "orientations = 0", "[detectability] orientations = 0"),
        ("orientations = 4", 'orientations = 4\nprior = "flat"', "prior = 'flat': choose from"),
        (
            'motifs = ["twinned", "decahedron", "icosahedron"]',
            'motifs = ["twinned", "decahedron", "icosahedra"]',
            "motifs ['icosahedra']: choose from",
        ),
        ("lindemann_window = 10", "lindemann_window = 1", "lindemann_window = 1"),
        ("dose_e_per_A2 = 149.0", "dose_e_per_A3 = 149.0", "did you mean 'dose_e_per_A2'"),
        ("duration_ps = 260", 'duration_ps = "long"', "[md] duration_ps = 'long': must be a num"),
        ("radius = 24.0", "radius = -1.0", "wall radius -1.0"),
        (
            "supersaturation = 1.0 ",
            "supersaturaton = 1.0 ",
            "[md.cloud]: unknown key 'supersaturaton' (did you mean 'supersaturation'?)",
        ),
        ("supersaturation = 1.0 ", "supersaturation = 0.0 ", "supersaturation 0.0: must be"),
        ("shape_px = [320, 320]", "shape_px = 320", "[imaging] shape_px = 320: must be a list"),
        ("core_radius = 10.0", "core_radus = 10.0", "did you mean 'core_radius'"),
        ('builder = "core-shell"', 'builder = "core-shel"', "(did you mean 'core-shell'?)"),
        ("doses_e_per_A2 = [1", 'doses_e_per_A2 = ["high", 1', "doses_e_per_A2[0] = 'high'"),
    ],
)
def test_a_bad_value_in_a_real_scenario_is_one_error_line_before_any_work(
    tmp_path, old, new, message
):
    # every table is parsed (and checked) before the run directory exists or the MD starts
    assert old in MATURATION
    path = tmp_path / "bad.toml"
    path.write_text(MATURATION.replace(old, new, 1))
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["run", str(path), "-o", str(out)])
    assert result.exit_code == 2, result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 1, result.output
    assert lines[0].startswith("Error: ")
    assert message in lines[0]
    assert not out.exists()


@pytest.mark.slow
def test_directory_of_another_scenario_is_refused(tmp_path):
    out = tmp_path / "run"
    runner = CliRunner()
    first = runner.invoke(
        main,
        ["run", str(WORKFLOWS / "stability.toml"), "--smoke", "-o", str(out), "--workers", "1"],
    )
    assert first.exit_code == 0, first.output
    second = runner.invoke(
        main, ["run", str(WORKFLOWS / "coalescence.toml"), "--smoke", "-o", str(out)]
    )
    assert second.exit_code == 2
    assert "different scenario" in second.output

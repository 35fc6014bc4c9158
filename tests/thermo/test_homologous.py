"""Temperatures as T / T_m of the potential, from the package's own melting data."""

import csv
from importlib.resources import files

import numpy as np
import pytest

from aucluster.thermo.homologous import homologous, melting_scale


def _table(name):
    text = files("aucluster.thermo").joinpath("data", name).read_text(encoding="utf-8")
    return list(csv.DictReader(text.splitlines()))


def test_bulk_melting_point_is_the_mean_of_the_coexistence_runs():
    runs = [r for r in _table("bulk_melting_emt.csv") if r["run"] != "mean"]
    scale = melting_scale("emt")
    assert len(runs) == 3
    assert scale.bulk_K == pytest.approx(np.mean([float(r["melting_K"]) for r in runs]), abs=0.1)


def test_cluster_scale_passes_through_the_measured_melting_points():
    scale = melting_scale("emt")
    for r in _table("melting_emt.csv"):
        # the Pawlow fit of four sizes lies within 2.5 σ of each measured point
        assert abs(scale.cluster_K(int(r["n_atoms"])) - float(r["melting_K"])) < 2.5 * float(
            r["uncertainty_K"]
        )
    assert scale.cluster_K(100_000) < scale.clusters.bulk_K  # rises towards the fit's bulk value


def test_homologous_text():
    scale = melting_scale("emt")
    text = homologous(650.0, "emt", 309)
    assert f"{650.0 / scale.bulk_K:.2f} T_m(bulk" in text
    assert f"{650.0 / scale.cluster_K(309):.2f} T_m(N = 309" in text
    assert "extrapolated" in homologous(650.0, "emt", 2000)
    assert "T_m(N" not in homologous(650.0, "emt", 13)  # no fit value for tiny clusters
    assert melting_scale("gupta") is None
    assert "no melting point measured for gupta" in homologous(650.0, "gupta", 309)

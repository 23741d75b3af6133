"""run_analysis: argument forms, the JSON contract, and one-line errors with a non-zero exit."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from django.core.management import CommandError, call_command

from .engine_support import run_cli, write_csv

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def table(tmp_path):
    rng = np.random.default_rng(8)
    n = 60
    a, b, c = rng.normal(size=n), rng.normal(size=n), rng.uniform(0, 3, size=n)
    g = np.array(["red", "green", "blue"])[np.arange(n) % 3]
    y = 1 + a - b + 0.5 * c**2 + (g == "red") + rng.normal(0, 0.3, n)
    event = (y > np.median(y)).astype(int)
    rows = [[f"{y[i]:.6f}", f"{a[i]:.6f}", f"{b[i]:.6f}", f"{c[i]:.6f}", g[i], str(event[i])] for i in range(n)]
    rows[5][1] = ""  # one missing value
    return write_csv(tmp_path / "t.csv", ["y", "a", "b", "c", "g", "event"], rows)


def test_ols_contract_and_argument_forms(table, tmp_path):
    nargs = run_cli(
        tmp_path,
        table,
        "--kind",
        "ols",
        "--y",
        "y",
        "--x",
        "a",
        "b",
        "g",
        "--poly",
        "c:2",
        "--reference",
        "g:blue",
        "--interaction",
        "a:b",
    )
    repeated = run_cli(
        tmp_path,
        table,
        "--kind",
        "ols",
        "--y",
        "y",
        "--x",
        "a",
        "--x",
        "b",
        "--x",
        "g",
        "--poly",
        "c:2",
        "--reference",
        "g:blue",
        "--interaction",
        "a:b",
        "--engine",
        "memory",
    )
    assert {
        "kind",
        "n",
        "coefficients",
        "r_squared",
        "adj_r_squared",
        "residual_std_error",
        "f",
        "f_p",
        "df_model",
        "df_resid",
        "anova_table",
        "vif",
        "dropped_missing",
        "diagnostics",
        "unusual",
        "notes",
        "engine",
        "blocks",
    } <= set(nargs)
    assert nargs["kind"] == "ols" and nargs["n"] == 59 and nargs["dropped_missing"] == 1
    terms = [c["term"] for c in nargs["coefficients"]]
    assert terms == ["const", "a", "b", "g[T.green]", "g[T.red]", "c", "c^2", "a:b"]
    assert set(nargs["coefficients"][0]) == {"term", "estimate", "std_error", "t", "p", "ci_low", "ci_high"}
    for x, y in zip(nargs["coefficients"], repeated["coefficients"], strict=True):
        assert y["estimate"] == pytest.approx(x["estimate"], rel=1e-12)
    assert nargs["engine"] == "chunked" and repeated["engine"] == "memory"


def test_poly_column_also_in_x_is_not_duplicated(table, tmp_path):
    res = run_cli(tmp_path, table, "--kind", "ols", "--y", "y", "--x", "c", "a", "--poly", "c:3", "--no-intercept")
    assert [c["term"] for c in res["coefficients"]] == ["c", "c^2", "c^3", "a"]


def test_logit_anova_describe_contracts(table, tmp_path):
    lg = run_cli(tmp_path, table, "--kind", "logit", "--y", "event", "--x", "a", "c", "--cutoff", "0.4")
    assert {"deviance", "null_deviance", "aic", "log_likelihood", "classification", "roc", "auc"} <= set(lg)
    assert set(lg["coefficients"][0]) >= {"term", "estimate", "std_error", "z", "p", "ci_low", "ci_high"}
    assert lg["classification"]["cutoff"] == 0.4
    av = run_cli(tmp_path, table, "--kind", "anova", "--y", "y", "--factor", "g")
    assert set(av["between"]) == {"df", "ss", "ms", "f", "p"} and set(av["within"]) == {"df", "ss", "ms"}
    assert av["between"]["df"] == 2 and av["within"]["df"] == 57 and len(av["groups"]) == 3
    ds = run_cli(tmp_path, table, "--kind", "describe", "--y", "a", "--y", "b", "c")
    assert list(ds["columns"]) == ["a", "b", "c"]
    assert {"n", "mean", "std", "min", "q1", "median", "q3", "max", "skewness", "kurtosis", "autocorr_lag1"} <= set(
        ds["columns"]["a"]
    )
    assert ds["columns"]["a"]["missing"] == 1


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--kind", "ols", "--y", "y", "--x", "nope"], "Unknown column 'nope'"),
        (["--kind", "ols", "--y", "y", "--poly", "c:11"], "between 1 and 10"),
        (["--kind", "ols", "--y", "y", "--poly", "c"], "--poly must look like A:B"),
        (["--kind", "ols", "--y", "g", "--x", "a"], "not numeric"),
        (["--kind", "anova", "--y", "y"], "needs --factor"),
        (["--kind", "logit", "--y", "event", "--x", "a", "--cutoff", "1.5"], "--cutoff must be between 0 and 1"),
        (["--kind", "ols", "--y", "y", "--x", "a", "--block-rows", "0"], "--block-rows must be a positive"),
    ],
)
def test_bad_arguments_raise_command_error(table, tmp_path, args, message):
    with pytest.raises(CommandError, match=message):
        call_command("run_analysis", "--csv", str(table), *args, "--json", str(tmp_path / "o.json"))


def test_degenerate_data_exit_non_zero_with_one_line(tmp_path):
    rows = [[str(i), str(2 * i), str(i % 3)] for i in range(10)]
    csv_path = write_csv(tmp_path / "d.csv", ["y", "x1", "x2"], [[r[0], r[1], str(4 * int(r[0]))] for r in rows])
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": os.environ.get("DJANGO_SETTINGS_MODULE", "config.settings.test")}
    proc = subprocess.run(
        [
            sys.executable,
            "manage.py",
            "run_analysis",
            "--csv",
            str(csv_path),
            "--kind",
            "ols",
            "--y",
            "y",
            "--x",
            "x1",
            "x2",
            "--json",
            str(tmp_path / "o.json"),
        ],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode != 0
    lines = [line for line in proc.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, proc.stderr
    assert "x1 and x2 are perfectly collinear" in lines[0]
    assert "Traceback" not in proc.stderr
    assert not (tmp_path / "o.json").exists()


def test_json_is_strict(table, tmp_path):
    out = tmp_path / "o.json"
    call_command("run_analysis", "--csv", str(table), "--kind", "ols", "--y", "y", "--x", "a", "--json", str(out))
    json.loads(out.read_text(), parse_constant=lambda c: pytest.fail(f"non-standard JSON constant {c}"))

"""The engine against statsmodels/scipy on well-conditioned random data, and the engines against each other.

Also runs a real ``dask scheduler`` + ``dask worker`` on loopback ports (DASK_SCHEDULER_ADDRESS) and checks
the distributed run gives the in-process coefficients.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow.parquet as pq
import pytest
import statsmodels.api as sm
import statsmodels.formula.api as smf
from scipy import stats
from statsmodels.stats.outliers_influence import variance_inflation_factor

from stats_backoffice.engine import ArraySource, Cancelled, run


@pytest.fixture(scope="module")
def frame():
    rng = np.random.default_rng(11)
    n = 500
    df = pd.DataFrame(
        {
            "x1": rng.normal(10, 2, n),
            "x2": rng.normal(-3, 1, n),
            "x3": rng.uniform(0, 5, n),
            "g": rng.choice(["lo", "mid", "hi"], n),
        }
    )
    df["y"] = (
        2
        + 0.5 * df.x1
        - 1.5 * df.x2
        + 0.3 * df.x3**2
        + df.g.map({"lo": 0, "mid": 1, "hi": -1})
        + 0.2 * df.x1 * df.x2
        + rng.normal(0, 1, n)
    )
    return df


def _source(df, block_rows=64):
    data = {
        c: (
            df[c].to_numpy(object)
            if df[c].dtype == object or str(df[c].dtype) in ("str", "string")
            else df[c].to_numpy(float)
        )
        for c in df.columns
    }
    kinds = {c: "categorical" for c in df.columns if data[c].dtype == object}
    return ArraySource(data, kinds=kinds, block_rows=block_rows)


def _by_term(result):
    return {c["term"]: c for c in result["coefficients"]}


@pytest.mark.parametrize("engine", ["memory", "chunked", "dask"])
def test_ols_matches_statsmodels(frame, engine):
    params = {
        "y": "y",
        "x": ["x1", "x2", "g"],
        "poly": {"x3": 2},
        "interactions": [["x1", "x2"]],
        "reference": {"g": "lo"},
    }
    res = run("ols", _source(frame), params, engine=engine)
    model = smf.ols("y ~ x1 + x2 + C(g, Treatment('lo')) + x3 + I(x3**2) + x1:x2", frame).fit()
    names = {
        "Intercept": "const",
        "x1": "x1",
        "x2": "x2",
        "C(g, Treatment('lo'))[T.hi]": "g[T.hi]",
        "C(g, Treatment('lo'))[T.mid]": "g[T.mid]",
        "x3": "x3",
        "I(x3 ** 2)": "x3^2",
        "x1:x2": "x1:x2",
    }
    ours = _by_term(res)
    assert set(ours) == set(names.values())
    for sm_name, term in names.items():
        assert ours[term]["estimate"] == pytest.approx(model.params[sm_name], rel=1e-9, abs=1e-12)
        assert ours[term]["std_error"] == pytest.approx(model.bse[sm_name], rel=1e-9)
        assert ours[term]["t"] == pytest.approx(model.tvalues[sm_name], rel=1e-8)
        assert ours[term]["p"] == pytest.approx(model.pvalues[sm_name], rel=1e-6, abs=1e-300)
        low, high = model.conf_int().loc[sm_name]
        assert (ours[term]["ci_low"], ours[term]["ci_high"]) == pytest.approx((low, high), rel=1e-9)
    assert res["r_squared"] == pytest.approx(model.rsquared, rel=1e-12)
    assert res["adj_r_squared"] == pytest.approx(model.rsquared_adj, rel=1e-12)
    assert res["f"] == pytest.approx(model.fvalue, rel=1e-10)
    assert res["f_p"] == pytest.approx(model.f_pvalue, rel=1e-6, abs=1e-300)
    assert res["df_model"] == model.df_model and res["df_resid"] == model.df_resid
    assert res["residual_std_error"] == pytest.approx(np.sqrt(model.scale), rel=1e-12)
    reg, resid, total = res["anova_table"]
    assert reg["ss"] == pytest.approx(model.ess, rel=1e-10) and resid["ss"] == pytest.approx(model.ssr, rel=1e-10)
    assert total["ss"] == pytest.approx(model.centered_tss, rel=1e-12)


def test_memory_and_chunked_agree_to_12_digits(frame):
    params = {"y": "y", "x": ["x1", "x2", "x3", "g"]}
    a = run("ols", _source(frame, 10_000), params, engine="memory")
    b = run("ols", _source(frame, 7), params, engine="chunked")
    assert a["blocks"] == 1 and b["blocks"] > 50
    for ca, cb in zip(a["coefficients"], b["coefficients"], strict=True):
        assert cb["estimate"] == pytest.approx(ca["estimate"], rel=1e-12)
        assert cb["std_error"] == pytest.approx(ca["std_error"], rel=1e-12)


def test_vif_and_influence_match_statsmodels(frame, tmp_path):
    out = tmp_path / "resid.parquet"
    res = run("ols", _source(frame, 37), {"y": "y", "x": ["x1", "x2", "x3"]}, residuals_path=str(out))
    exog = sm.add_constant(frame[["x1", "x2", "x3"]])
    for i, name in enumerate(["x1", "x2", "x3"], start=1):
        assert res["vif"][name] == pytest.approx(variance_inflation_factor(exog.values, i), rel=1e-9)
    model = sm.OLS(frame.y, exog).fit()
    infl = model.get_influence()
    table = pq.read_table(out).to_pandas()
    assert list(table.columns) == ["row", "fitted", "residual", "leverage", "cooks"]
    assert table["row"].tolist() == list(range(1, len(frame) + 1))
    np.testing.assert_allclose(table["fitted"], model.fittedvalues, rtol=1e-10)
    np.testing.assert_allclose(table["residual"], model.resid, rtol=1e-8, atol=1e-10)
    np.testing.assert_allclose(table["leverage"], infl.hat_matrix_diag, rtol=1e-9)
    np.testing.assert_allclose(table["cooks"], infl.cooks_distance[0], rtol=1e-8)
    points = res["diagnostics"]["points"]
    assert len(points) == len(frame)
    assert points[0]["std_residual"] == pytest.approx(infl.resid_studentized_internal[0], rel=1e-8)
    assert 0 < len(res["diagnostics"]["normal_probability"]) <= 500
    assert res["unusual"] and all(u["reason"] for u in res["unusual"])
    assert res["n_unusual"] == int(
        np.sum((np.abs(infl.resid_studentized_internal) > 2) | (infl.hat_matrix_diag > 3 * 4 / len(frame)))
    )


def test_no_intercept_matches_statsmodels(frame):
    res = run("ols", _source(frame), {"y": "y", "x": ["x1", "x3"], "intercept": False})
    model = sm.OLS(frame.y, frame[["x1", "x3"]]).fit()
    assert [c["term"] for c in res["coefficients"]] == ["x1", "x3"]
    np.testing.assert_allclose([c["estimate"] for c in res["coefficients"]], model.params, rtol=1e-11)
    np.testing.assert_allclose([c["std_error"] for c in res["coefficients"]], model.bse, rtol=1e-10)
    assert res["r_squared"] == pytest.approx(model.rsquared, rel=1e-12)  # uncentred
    assert res["f"] == pytest.approx(model.fvalue, rel=1e-10)


def test_diagnostics_are_sampled_on_large_data():
    rng = np.random.default_rng(1)
    x = rng.normal(size=9000)
    res = run("ols", ArraySource({"y": x + rng.normal(size=9000), "x": x}, block_rows=1000), {"y": "y", "x": ["x"]})
    assert 1000 < len(res["diagnostics"]["points"]) <= 2000
    assert res["diagnostics"]["sampled"]
    assert len(res["unusual"]) == 50 and res["n_unusual"] > 50


@pytest.mark.parametrize("engine", ["memory", "chunked"])
def test_anova_matches_statsmodels(frame, engine):
    res = run("anova", _source(frame, 50), {"y": "y", "factor": "g"}, engine=engine)
    model = smf.ols("y ~ C(g)", frame).fit()
    table = sm.stats.anova_lm(model)
    assert res["between"]["ss"] == pytest.approx(table.sum_sq.iloc[0], rel=1e-11)
    assert res["within"]["ss"] == pytest.approx(table.sum_sq.iloc[1], rel=1e-11)
    assert res["between"]["f"] == pytest.approx(table.F.iloc[0], rel=1e-10)
    assert res["between"]["p"] == pytest.approx(table["PR(>F)"].iloc[0], rel=1e-6)
    assert res["r_squared"] == pytest.approx(model.rsquared, rel=1e-11)
    groups = {g["level"]: g for g in res["groups"]}
    for level, sub in frame.groupby("g"):
        assert groups[level]["n"] == len(sub)
        assert groups[level]["mean"] == pytest.approx(sub.y.mean(), rel=1e-13)
        half = stats.t.ppf(0.975, len(frame) - 3) * np.sqrt(model.scale / len(sub))
        assert groups[level]["ci_high"] - groups[level]["mean"] == pytest.approx(half, rel=1e-9)


@pytest.mark.parametrize("engine", ["memory", "chunked"])
def test_describe_matches_scipy_and_pandas(frame, engine):
    res = run("describe", _source(frame, 33), {"columns": ["x1", "g"]}, engine=engine)
    col = res["columns"]["x1"]
    x = frame.x1.to_numpy()
    assert col["n"] == len(x) and col["missing"] == 0
    assert col["mean"] == pytest.approx(x.mean(), rel=1e-14)
    assert col["std"] == pytest.approx(x.std(ddof=1), rel=1e-13)
    assert col["skewness"] == pytest.approx(stats.skew(x, bias=False), rel=1e-10)
    assert col["kurtosis"] == pytest.approx(stats.kurtosis(x, bias=False), rel=1e-10)
    assert [col["q1"], col["median"], col["q3"]] == pytest.approx(list(frame.x1.quantile([0.25, 0.5, 0.75])))
    d = x - x.mean()
    assert col["autocorr_lag1"] == pytest.approx((d[:-1] @ d[1:]) / (d @ d), rel=1e-12)
    assert sum(col["histogram"]["counts"]) == len(x) and len(col["histogram"]["counts"]) <= 30
    assert col["box"]["whisker_low"] >= col["min"] and col["box"]["n_outliers"] == len(col["box"]["outliers"])
    assert res["columns"]["g"]["levels"] == frame.g.value_counts().to_dict()


def test_progress_and_cancellation(frame):
    calls = []
    run("ols", _source(frame, 5), {"y": "y", "x": ["x1"]}, progress=lambda pct, stage: calls.append((pct, stage)))
    assert 2 <= len(calls) <= 40  # throttled: not one call per block
    assert calls[-1] == (100.0, "Done")
    assert all(0 <= pct <= 100 for pct, _ in calls)
    count = {"n": 0}

    def cancel():
        count["n"] += 1
        if count["n"] > 3:
            raise Cancelled

    with pytest.raises(Cancelled):
        run("ols", _source(frame, 5), {"y": "y", "x": ["x1"]}, check_cancelled=cancel)


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_for_worker(address, deadline):
    from distributed import Client

    with Client(address, timeout=10) as client:
        while time.monotonic() < deadline:
            if client.scheduler_info().get("workers"):
                return
            time.sleep(0.2)
    raise AssertionError("the dask worker did not register")


def test_dask_distributed_scheduler_gives_the_same_coefficients(frame, monkeypatch):
    bin_dir = Path(sys.executable).parent
    port = _free_port()
    address = f"tcp://127.0.0.1:{port}"
    repo = Path(__file__).resolve().parents[2]  # the worker unpickles engine code: it needs this checkout
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(repo), os.environ.get("PYTHONPATH", "")])}
    procs = []
    try:
        procs.append(
            subprocess.Popen(
                [str(bin_dir / "dask"), "scheduler", "--host", "127.0.0.1", "--port", str(port), "--no-dashboard"],
                env=env,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
        )
        procs.append(
            subprocess.Popen(
                [str(bin_dir / "dask"), "worker", address, "--nworkers", "1", "--nthreads", "1", "--no-dashboard"],
                env=env,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
        )
        _wait_for_worker(address, time.monotonic() + 20)
        params = {"y": "y", "x": ["x1", "x2", "g"]}
        local = run("ols", _source(frame, 100), params, engine="chunked")
        monkeypatch.setenv("DASK_SCHEDULER_ADDRESS", address)
        remote = run("ols", _source(frame, 100), params, engine="dask")
        assert remote["engine"] == "dask" and remote["blocks"] == 5
        for a, b in zip(local["coefficients"], remote["coefficients"], strict=True):
            assert b["estimate"] == pytest.approx(a["estimate"], rel=1e-12)
            assert b["std_error"] == pytest.approx(a["std_error"], rel=1e-12)
    finally:
        for proc in reversed(procs):
            proc.terminate()
        for proc in procs:
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()

"""Logistic regression against statsmodels Logit, plus event levels, separation notes, ROC/AUC, residuals."""

from __future__ import annotations

import itertools

import numpy as np
import pyarrow.parquet as pq
import pytest
import statsmodels.api as sm
from scipy import stats

from stats_backoffice.engine import ArraySource, logit, run


@pytest.fixture(scope="module")
def data():
    rng = np.random.default_rng(5)
    n = 3000
    x = rng.normal(size=(n, 3))
    eta = -0.4 + x @ np.array([0.8, -1.2, 0.3])
    y = (rng.random(n) < 1 / (1 + np.exp(-eta))).astype(float)
    return x, y


def _source(x, y, block_rows=256):
    return ArraySource({"y": y, "a": x[:, 0], "b": x[:, 1], "c": x[:, 2]}, block_rows=block_rows)


@pytest.mark.parametrize("engine", ["memory", "chunked", "dask"])
def test_logit_matches_statsmodels(data, engine):
    x, y = data
    res = run("logit", _source(x, y), {"y": "y", "x": ["a", "b", "c"]}, engine=engine)
    model = sm.Logit(y, sm.add_constant(x)).fit(disp=0, tol=1e-12)
    coefs = res["coefficients"]
    assert [c["term"] for c in coefs] == ["const", "a", "b", "c"]
    np.testing.assert_allclose([c["estimate"] for c in coefs], model.params, rtol=1e-8)
    np.testing.assert_allclose([c["std_error"] for c in coefs], model.bse, rtol=1e-7)
    np.testing.assert_allclose([c["z"] for c in coefs], model.tvalues, rtol=1e-7)
    np.testing.assert_allclose([c["p"] for c in coefs], model.pvalues, rtol=1e-5, atol=1e-300)
    np.testing.assert_allclose([c["odds_ratio"] for c in coefs], np.exp(model.params), rtol=1e-8)
    low, high = np.exp(model.conf_int()).T
    np.testing.assert_allclose([c["or_ci_low"] for c in coefs], low, rtol=1e-7)
    np.testing.assert_allclose([c["or_ci_high"] for c in coefs], high, rtol=1e-7)
    assert res["log_likelihood"] == pytest.approx(model.llf, rel=1e-10)
    assert res["null_deviance"] == pytest.approx(-2 * model.llnull, rel=1e-8)
    assert res["aic"] == pytest.approx(model.aic, rel=1e-10)
    assert res["bic"] == pytest.approx(model.bic, rel=1e-10)
    assert res["converged"] and 3 <= res["iterations"] <= 12
    assert res["df_model"] == 3 and res["df_resid"] == len(y) - 4


def test_classification_table_and_exact_auc(data):
    x, y = data
    res = run("logit", _source(x, y), {"y": "y", "x": ["a", "b", "c"], "cutoff": 0.3})
    model = sm.Logit(y, sm.add_constant(x)).fit(disp=0, tol=1e-12)
    p = model.predict()
    table = res["classification"]
    assert table["cutoff"] == 0.3
    assert table["true_positive"] == int(np.sum((p >= 0.3) & (y == 1)))
    assert table["false_positive"] == int(np.sum((p >= 0.3) & (y == 0)))
    assert table["accuracy"] == pytest.approx(np.mean((p >= 0.3) == (y == 1)))
    ranks = stats.rankdata(p)
    n1 = y.sum()
    exact = (ranks[y == 1].sum() - n1 * (n1 + 1) / 2) / (n1 * (len(y) - n1))
    assert res["auc"] == pytest.approx(exact, rel=1e-12)
    assert res["auc_method"].startswith("exact")
    roc = res["roc"]
    assert 2 <= len(roc) <= 200 and roc[0]["fpr"] == 0 and roc[-1]["tpr"] == 1.0
    assert all(b["fpr"] >= a["fpr"] and b["tpr"] >= a["tpr"] for a, b in itertools.pairwise(roc))


def test_histogram_auc_for_large_data_is_close_to_exact(data, monkeypatch):
    x, y = data
    exact = run("logit", _source(x, y), {"y": "y", "x": ["a", "b", "c"]})["auc"]
    monkeypatch.setattr(logit, "EXACT_AUC_ROWS", 0)
    approx = run("logit", _source(x, y), {"y": "y", "x": ["a", "b", "c"]})
    assert approx["auc_method"].startswith("histogram")
    assert approx["auc"] == pytest.approx(exact, abs=1e-4)


def test_two_level_categorical_response_with_event_level(data):
    x, y = data
    labels = np.where(y == 1, "pass", "fail").astype(object)
    src = ArraySource({"result": labels, "a": x[:, 0]}, kinds={"result": "categorical"})
    res = run("logit", src, {"y": "result", "x": ["a"], "event": "fail"})
    model = sm.Logit(1 - y, sm.add_constant(x[:, :1])).fit(disp=0, tol=1e-12)
    assert res["event"] == "fail"
    np.testing.assert_allclose([c["estimate"] for c in res["coefficients"]], model.params, rtol=1e-8)
    default = run("logit", src, {"y": "result", "x": ["a"]})
    assert default["event"] == "pass"  # the last level in sorted order, stated in the notes
    assert any("is pass (the event)" in note for note in default["notes"])


def test_quasi_complete_separation_is_a_note():
    rng = np.random.default_rng(2)
    x = rng.normal(size=200)
    g = np.where(np.arange(200) < 20, "rare", np.where(np.arange(200) % 2 == 0, "a", "b")).astype(object)
    y = (rng.random(200) < 1 / (1 + np.exp(-x))).astype(float)
    y[g == "rare"] = 1.0
    src = ArraySource({"y": y, "x": x, "g": g}, kinds={"g": "categorical"})
    res = run("logit", src, {"y": "y", "x": ["x", "g"], "reference": {"g": "a"}})
    assert any("Quasi-complete separation: every row with g = rare is 1" in note for note in res["notes"])


def test_logit_residuals_parquet(data, tmp_path):
    x, y = data
    out = tmp_path / "r.parquet"
    run("logit", _source(x, y), {"y": "y", "x": ["a", "b", "c"]}, residuals_path=str(out))
    table = pq.read_table(out).to_pandas()
    model = sm.GLM(y, sm.add_constant(x), family=sm.families.Binomial()).fit(tol=1e-12)
    infl = model.get_influence()
    np.testing.assert_allclose(table["fitted"], model.fittedvalues, rtol=1e-8)
    np.testing.assert_allclose(table["leverage"], infl.hat_matrix_diag, rtol=1e-6)
    np.testing.assert_allclose(table["cooks"], infl.cooks_distance[0], rtol=1e-5)

"""Degenerate data get an AnalysisError with a sentence naming the columns, never a numpy traceback."""

from __future__ import annotations

import numpy as np
import pytest

from stats_backoffice.engine import AnalysisError, ArraySource, run


def _ols(data, engine="chunked", **params):
    return run("ols", ArraySource(data, block_rows=4), {"y": "y", **params}, engine=engine)


@pytest.fixture
def rng():
    return np.random.default_rng(3)


@pytest.mark.parametrize("engine", ["memory", "chunked"])
def test_constant_column_is_named(rng, engine):
    data = {"y": rng.normal(size=20), "x1": rng.normal(size=20), "x2": np.full(20, 5.0)}
    with pytest.raises(AnalysisError, match=r"x2 is constant \(every row used has x2 = 5\)"):
        _ols(data, engine, x=["x1", "x2"])


@pytest.mark.parametrize("engine", ["memory", "chunked"])
def test_linear_combination_names_the_columns(rng, engine):
    x1, x2 = rng.normal(size=30), rng.normal(size=30)
    data = {"y": rng.normal(size=30), "x1": x1, "x2": x2, "x3": x1 + 2 * x2}
    with pytest.raises(AnalysisError, match="x3 is a linear combination of x1 and x2"):
        _ols(data, engine, x=["x1", "x2", "x3"])


def test_two_collinear_columns_are_named(rng):
    x1 = rng.normal(size=30)
    data = {"y": rng.normal(size=30), "x1": x1, "x2": 3 * x1 - 1, "x4": rng.normal(size=30)}
    with pytest.raises(AnalysisError, match="x1 and x2 are perfectly collinear"):
        _ols(data, x=["x1", "x2", "x4"])


def test_indicator_collinear_with_a_numeric_column():
    g = np.array(["a", "b"] * 10, dtype=object)
    data = {"y": np.arange(20.0) % 7, "g": g, "d": (g == "b").astype(float)}
    with pytest.raises(AnalysisError, match=r"g\[T.b\] and d are perfectly collinear"):
        run("ols", ArraySource(data, kinds={"g": "categorical"}), {"y": "y", "x": ["g", "d"]})


def test_more_predictors_than_rows(rng):
    data = {"y": rng.normal(size=4), **{f"x{i}": rng.normal(size=4) for i in range(5)}}
    with pytest.raises(AnalysisError, match="6 terms but only 4 rows"):
        _ols(data, x=[f"x{i}" for i in range(5)])


def test_non_numeric_response():
    data = {"y": np.array(["a", "b", "c"], dtype=object), "x": np.array([1.0, 2.0, 3.0])}
    with pytest.raises(AnalysisError, match="response y is categorical, not numeric"):
        _ols(data, x=["x"])


def test_all_missing_column(rng):
    data = {"y": rng.normal(size=10), "x": np.full(10, np.nan)}
    with pytest.raises(AnalysisError, match=r"Column x has no values \(every row is missing\)"):
        _ols(data, x=["x"])


def test_one_row():
    with pytest.raises(AnalysisError, match="Only one row"):
        _ols({"y": np.array([1.0, np.nan]), "x": np.array([2.0, 3.0])}, x=["x"])


def test_no_rows_left_after_dropping_missing():
    data = {"y": np.array([1.0, np.nan, 3.0]), "x": np.array([np.nan, 2.0, np.nan])}
    with pytest.raises(AnalysisError, match="No rows left after dropping rows with a missing value in y, x"):
        _ols(data, x=["x"])


def test_constant_response(rng):
    with pytest.raises(AnalysisError, match="response y is constant"):
        _ols({"y": np.ones(10), "x": rng.normal(size=10)}, x=["x"])


def test_unknown_column(rng):
    with pytest.raises(AnalysisError, match="Unknown column 'nope'"):
        _ols({"y": rng.normal(size=10), "x": rng.normal(size=10)}, x=["nope"])


@pytest.mark.parametrize("degree", [0, 11])
def test_poly_degree_out_of_range(rng, degree):
    with pytest.raises(AnalysisError, match="between 1 and 10"):
        _ols({"y": rng.normal(size=30), "x": rng.normal(size=30)}, poly={"x": degree})


def test_logistic_with_one_class(rng):
    data = {"y": np.ones(20), "x": rng.normal(size=20)}
    with pytest.raises(AnalysisError, match="single class"):
        run("logit", ArraySource(data), {"y": "y", "x": ["x"]})


def test_logistic_response_not_zero_one(rng):
    data = {"y": np.arange(20.0) % 3, "x": rng.normal(size=20)}
    with pytest.raises(AnalysisError, match="coded 0/1"):
        run("logit", ArraySource(data), {"y": "y", "x": ["x"]})


def test_perfect_separation_by_one_predictor_is_explained():
    x = np.arange(20.0)
    data = {"y": (x > 9).astype(float), "x": x, "z": np.sin(x)}
    with pytest.raises(AnalysisError, match=r"x separates the two classes perfectly: every row with x > 9 is 1"):
        run("logit", ArraySource(data), {"y": "y", "x": ["x", "z"]})


def test_perfect_separation_by_a_combination(rng):
    a, b = rng.normal(size=60), rng.normal(size=60)
    y = (a + b > 0).astype(float)
    with pytest.raises(AnalysisError, match="A combination of a, b separates the two classes perfectly"):
        run("logit", ArraySource({"y": y, "a": a, "b": b}), {"y": "y", "x": ["a", "b"]})


def test_anova_with_one_group(rng):
    data = {"y": rng.normal(size=10), "g": np.array(["a"] * 10, dtype=object)}
    with pytest.raises(AnalysisError, match="single level"):
        run("anova", ArraySource(data), {"y": "y", "factor": "g"})


def test_describe_all_missing():
    with pytest.raises(AnalysisError, match="has no values"):
        run("describe", ArraySource({"v": np.full(5, np.nan)}), {"columns": ["v"]})


def test_missing_rows_are_dropped_and_counted(rng):
    y = rng.normal(size=40)
    x = rng.normal(size=40)
    x[[3, 7, 11]] = np.nan
    y[20] = np.nan
    result = _ols({"y": y, "x": x}, x=["x"])
    assert result["n"] == 36
    assert result["dropped_missing"] == 4
    assert "4 rows with a missing value were left out." in result["notes"]

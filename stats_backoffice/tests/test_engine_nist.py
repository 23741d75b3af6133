"""NIST StRD through the CLI (ingest -> ParquetSource -> run), in memory and chunked (blocks of 3 rows).

Every .dat file in the NIST directory is parsed generically (its header says where the data and the
certified values are) and written as CSV keeping each value's exact decimal text (the ingest's shift
depends on the text). Synthetic hard cases stand in for the suite's unseen sets: SmLs07-like values of
magnitude 1e12, a NumAcc4-like column, and a Filip-like degree-10 polynomial, certified here in exact
rational arithmetic.
"""

from __future__ import annotations

import math
from decimal import Decimal
from fractions import Fraction

import pytest

from .engine_support import (
    anova_lre,
    exact_anova,
    exact_least_squares,
    exact_univariate,
    filip_like,
    lre,
    nist_dir,
    nist_lre,
    parse_nist,
    run_cli,
    univariate_lre,
    write_csv,
)

SETS = sorted(nist_dir().glob("*.dat"))
ENGINES = ["memory", "chunked"]
THRESHOLDS = {"linear": 7.0, "poly": 9.0, "anova": 9.0, "univariate": 9.0}


def test_the_nist_directory_holds_every_public_set():
    names = {p.stem for p in SETS}
    assert {
        "Norris",
        "Pontius",
        "NoInt1",
        "NoInt2",
        "Longley",
        "Wampler1",
        "Wampler2",
        "Lew",
        "Lottery",
        "Mavro",
        "Michelso",
        "NumAcc1",
        "NumAcc2",
        "SiRstv",
        "SmLs01",
        "SmLs02",
        "SmLs03",
        "AtmWtAg",
    } <= names


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("path", SETS, ids=[p.stem for p in SETS])
def test_nist_set(path, engine, tmp_path):
    s = parse_nist(path)
    results = nist_lre(s, tmp_path, engine)
    for path_kind, lres in results.items():
        low = {k: v for k, v in lres.items() if v < THRESHOLDS[path_kind]}
        assert not low, f"{s.name} {path_kind} {engine}: LRE below {THRESHOLDS[path_kind]}: {low}"
    if s.degree > 1:
        assert "poly" in results


def _smls07_rows() -> list[list[str]]:
    """SmLs01's pattern (values like 1.4) moved to 1000000000000.4: the SmLs07 difficulty."""
    smls01 = parse_nist(nist_dir() / "SmLs01.dat")
    return [[g, format(Decimal(v) + Decimal(10**12 - 1), "f")] for g, v in smls01.rows]


@pytest.mark.parametrize("engine", ENGINES)
def test_smls07_like_values_of_magnitude_1e12(engine, tmp_path):
    rows = _smls07_rows()
    assert rows[0][1].startswith("1000000000000.")
    cert = exact_anova(rows)
    assert cert["between_ss"] == pytest.approx(1.68, rel=1e-14)  # the same SS as SmLs01
    lres = anova_lre("SmLs07like", ["Treatment", "Response"], rows, cert, tmp_path, engine)
    assert min(lres.values()) >= 9, lres


def _numacc4_values() -> list[str]:
    return ["1000000000000.2"] + ["1000000000000.1" if i % 2 == 0 else "1000000000000.3" for i in range(1000)]


@pytest.mark.parametrize("engine", ENGINES)
def test_numacc4_like_nearly_equal_values(engine, tmp_path):
    values = _numacc4_values()
    cert = exact_univariate(values)
    lres = univariate_lre("NumAcc4like", values, cert, tmp_path, engine)
    assert min(lres.values()) >= 9, lres


@pytest.mark.parametrize("engine", ENGINES)
def test_filip_like_degree_10_polynomial(engine, tmp_path):
    xs, ys = filip_like()
    rows = [[Fraction(x) ** k for k in range(11)] for x in xs]
    coef, var, sse = exact_least_squares(rows, [Fraction(y) for y in ys])
    csv_path = write_csv(tmp_path / "filip.csv", ["y", "x"], [[y, x] for x, y in zip(xs, ys, strict=True)])
    engine_args = ["--engine", "memory"] if engine == "memory" else ["--engine", "chunked", "--block-rows", "5"]
    res = run_cli(tmp_path, csv_path, "--kind", "ols", "--y", "y", "--poly", "x:10", *engine_args)
    terms = [c["term"] for c in res["coefficients"]]
    assert terms == ["const", "x"] + [f"x^{k}" for k in range(2, 11)]
    coef_lre = min(lre(c["estimate"], float(b)) for c, b in zip(res["coefficients"], coef, strict=True))
    se_lre = min(lre(c["std_error"], math.sqrt(float(v))) for c, v in zip(res["coefficients"], var, strict=True))
    sd_lre = lre(res["residual_std_error"], math.sqrt(float(sse) / (len(xs) - 11)))
    assert min(coef_lre, se_lre, sd_lre) >= 9, (coef_lre, se_lre, sd_lre)

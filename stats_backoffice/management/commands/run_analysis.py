"""``manage.py run_analysis``: ingest a CSV, run one analysis, write the result as JSON.

This is the acceptance contract of the engine (docs/stats-engine.md): the CSV goes through the same
ingest as an upload (exact decimal shifts at parse time), then ``run()`` on a ``ParquetSource``. Every
problem a person can fix (a bad argument, degenerate data) is a ``CommandError``: one line on stderr,
non-zero exit, no traceback. Heavy libraries are imported inside ``handle()`` so ``manage.py help``
stays fast.
"""

from __future__ import annotations

import json
import os
import tempfile
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser


def _pairs(values: list[str] | None, what: str) -> list[tuple[str, str]]:
    out = []
    for value in values or []:
        head, sep, tail = value.rpartition(":")
        if not sep or not head or not tail:
            raise CommandError(f"{what} must look like A:B, got {value!r}.")
        out.append((head, tail))
    return out


def _poly(values: list[str] | None) -> dict[str, int]:
    out = {}
    for col, degree in _pairs(values, "--poly"):
        try:
            out[col] = int(degree)
        except ValueError:
            raise CommandError(f"--poly {col}:{degree}: the degree must be a whole number.") from None
    return out


def _flatten(values: list[list[str]] | list[str] | None) -> list[str]:
    out: list[str] = []
    for v in values or []:
        out.extend(v if isinstance(v, list) else [v])
    return out


class Command(BaseCommand):
    help = "Run one analysis (ols, logit, anova, describe) on a CSV file and write the result as JSON."
    requires_system_checks: list[str] = []  # a numerical job: no models, no database, no URL checks

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--csv", required=True, help="the data file (CSV, as uploaded)")
        parser.add_argument("--kind", required=True, choices=["ols", "logit", "anova", "describe"])
        parser.add_argument("--y", action="append", nargs="+", help="response (describe: columns; may repeat)")
        parser.add_argument("--x", action="append", nargs="+", help="predictors (--x a b c or --x a --x b)")
        parser.add_argument("--poly", action="append", help="COL:DEGREE, a polynomial in COL (degree 1..10)")
        parser.add_argument("--interaction", action="append", help="A:B, the product term a:b")
        parser.add_argument("--reference", action="append", help="COL:LEVEL, reference level of a categorical")
        parser.add_argument("--factor", help="anova: the grouping column")
        parser.add_argument("--no-intercept", action="store_true", help="fit without the constant term")
        parser.add_argument("--cutoff", type=float, default=0.5, help="logit: classification cut-off")
        parser.add_argument("--event", help="logit: the level counted as the event (1)")
        parser.add_argument("--engine", default="chunked", choices=["memory", "chunked", "dask"])
        parser.add_argument("--block-rows", type=int, default=None, help="rows per block (tests force several)")
        parser.add_argument("--residuals", help="ols/logit: write per-row fitted/residual/leverage/cooks Parquet")
        parser.add_argument("--json", required=True, help="where to write the result")

    def _params(self, options: dict[str, Any]) -> dict[str, Any]:
        ys = _flatten(options["y"])
        kind = options["kind"]
        if not ys:
            raise CommandError("--y is required.")
        if kind == "describe":
            return {"columns": ys}
        if len(ys) != 1:
            raise CommandError(f"--kind {kind} takes one --y column, got {len(ys)}.")
        if kind == "anova":
            if not options["factor"]:
                raise CommandError("--kind anova needs --factor COL.")
            return {"y": ys[0], "factor": options["factor"]}
        if options["cutoff"] is not None and not 0 < options["cutoff"] < 1:
            raise CommandError("--cutoff must be between 0 and 1.")
        return {
            "y": ys[0],
            "x": _flatten(options["x"]),
            "poly": _poly(options["poly"]),
            "interactions": [list(p) for p in _pairs(options["interaction"], "--interaction")],
            "reference": dict(_pairs(options["reference"], "--reference")),
            "intercept": not options["no_intercept"],
            "cutoff": options["cutoff"],
            "event": options["event"],
        }

    def handle(self, *args: Any, **options: Any) -> None:
        from stats_backoffice.engine import EngineError, run
        from stats_backoffice.engine.ingest import ingest
        from stats_backoffice.engine.parquet import ParquetSource

        if options["block_rows"] is not None and options["block_rows"] < 1:
            raise CommandError("--block-rows must be a positive number.")
        if not os.path.isfile(options["csv"]):
            raise CommandError(f"No such file: {options['csv']}")
        params = self._params(options)
        try:
            with tempfile.TemporaryDirectory(prefix="run_analysis_") as tmp:
                path = os.path.join(tmp, "data.parquet")
                ingest(options["csv"], path, original_name=os.path.basename(options["csv"]))
                source = ParquetSource(path, block_rows=options["block_rows"])
                result = run(
                    options["kind"], source, params, engine=options["engine"], residuals_path=options["residuals"]
                )
        except EngineError as exc:
            raise CommandError(" ".join(str(exc).split())) from None
        with open(options["json"], "w", encoding="utf-8") as fh:
            json.dump(result, fh, indent=2, allow_nan=False)

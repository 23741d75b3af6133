"""Benchmark the statistical engine (stats_backoffice/engine) against polars + numpy and statsmodels.

Every measured thing runs in its own child process (``bench_stats.py --child WHAT ...``), which prints one JSON
line: the operation's wall time (after imports), its own peak RSS (``ru_maxrss``) and the RSS after imports.
The parent imports nothing heavy, so a child's high-water mark is its own.

1. Data (cached in ``--data-dir``, default /tmp/bench-data): an N × 20 numeric CSV (y, x1..x19; y = 1 + Σ x_j·j/10
   + noise); an existing big_5m_20.csv with that header and enough rows is reused, the smaller files are its first
   rows. A logistic set (binary y from a logistic model, y, x1..x19) at N/5 rows.
2. ``ingest(csv, parquet)`` and OLS from the ingested Parquet (engine "chunked" and "dask", threads in process)
   at N/5, 2N/5 and N rows (1M, 2M, 5M by default): time, time per million rows and peak RSS.
3. Baselines at N rows: ``polars.read_csv`` + ``numpy.linalg.lstsq`` (with an intercept column), and statsmodels
   ``OLS(y, add_constant(X)).fit()`` after ``pandas.read_csv``.
4. Logistic regression at N/5 rows: ``run("logit", ...)`` from the ingested Parquet vs statsmodels
   ``Logit(y, add_constant(X)).fit(disp=0)`` (data read in that process).
5. Ingest + OLS of the N-row file in a child whose address space is capped (RLIMIT_AS, default 1 GiB), set up
   as a heavy worker is (``config/limits.py`` applied first, as ``config/celery.py`` does, then Django loaded);
   if it fails, the two steps alone.
6. A summary table and the targets, PASS/FAIL.

    .venv/bin/python bench/bench_stats.py [--rows 5000000] [--quick] [--repeat 1] [--cap-mib 1024]

``--quick``: 200k/400k/1M rows (about a minute), for development.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parent.parent
JSON_MARK = "BENCH_JSON "
K = 19  # regressors x1..x19
X_NAMES = [f"x{j}" for j in range(1, K + 1)]
HEADER = ",".join(["y", *X_NAMES])
TERMS = ["const", *X_NAMES]
SHARED_BIG = "big_5m_20.csv"  # may have been written by another helper: y,x1..x19, 5,000,000 rows
GEN_CHUNK = 250_000
MIB = 1024 * 1024

#: What config/limits.py may set: cleared from the children's environment, so each child decides for itself.
THREAD_ENV = (
    "OPENBLAS_NUM_THREADS",
    "OMP_NUM_THREADS",
    "MKL_NUM_THREADS",
    "POLARS_MAX_THREADS",
    "MALLOC_ARENA_MAX",
    "ARROW_DEFAULT_MEMORY_POOL",
    "_RJEM_MALLOC_CONF",
)
ERROR_HINTS = ("memory allocation of", "MemoryError", "Error", "error", "panicked", "failed", "Killed")

# Targets (issue #10).
ANALYSIS_VS_LSTSQ = 0.5
UPLOAD_VS_LSTSQ = 1.2
RSS_LIMIT_MB = 600.0
LOGIT_TIME_VS_SM = 2.0
LOGIT_RSS_VS_SM = 0.25
LINEAR_TOLERANCE = 0.30


class BenchError(RuntimeError):
    """The benchmark cannot produce trustworthy figures."""


# ---------------------------------------------------------------------------------------------------------------
# Children: each prints one JSON line on stdout.
# ---------------------------------------------------------------------------------------------------------------


def peak_vm_mb() -> float:
    """VmPeak: the most address space the process has held (what RLIMIT_AS limits)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmPeak:"):
            return int(line.split()[1]) / 1024
    return 0.0


def self_maxrss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: KiB


class Clock:
    """Wall time of the measured operation (after imports) and the time spent in each progress stage."""

    def __init__(self) -> None:
        self.began = time.perf_counter()
        self.t0 = self.began
        self.rss_before = 0.0
        self.stages: list[list[Any]] = []  # [stage, seconds]
        self._stage_t = self.began

    def start(self) -> None:
        self.rss_before = self_maxrss_mb()
        self.t0 = self._stage_t = time.perf_counter()

    def mark(self, stage: str) -> None:
        """Close the current stage and start ``stage`` (a no-op when it is the current one)."""
        now = time.perf_counter()
        if self.stages and self.stages[-1][0] == stage:
            return
        if self.stages:
            self.stages[-1][1] = round(now - self._stage_t, 3)
        self.stages.append([stage, 0.0])
        self._stage_t = now
        print(f"stage: {stage}", file=sys.stderr, flush=True)  # the last one tells where a failing child was

    def progress(self, _percent: float, stage: str) -> None:
        self.mark(stage)

    def result(self, **extra: Any) -> dict[str, Any]:
        now = time.perf_counter()
        if self.stages:
            self.stages[-1][1] = round(now - self._stage_t, 3)
        unreported = now - self.t0 - sum(seconds for _, seconds in self.stages)
        if unreported > 0.05:  # e.g. the time before the first progress report
            self.stages.append(["(outside reported stages)", round(unreported, 3)])
        return {
            "peak_vm_mb": peak_vm_mb(),
            "seconds": now - self.t0,
            "import_seconds": self.t0 - self.began,
            "rss_before_mb": self.rss_before,
            "peak_rss_mb": self_maxrss_mb(),
            "stages": self.stages,
            **extra,
        }


def estimates(result: dict[str, Any]) -> list[float]:
    by_term = {c["term"]: c["estimate"] for c in result["coefficients"]}
    return [float(by_term[t]) for t in TERMS]


def preload(*what: str) -> None:
    """The engine's lazy imports for ``what`` happen before the clock starts: times exclude imports (and a
    child imports only what its run needs, as the statsmodels children import only pandas and statsmodels)."""
    from stats_backoffice.engine import preload as engine_preload

    engine_preload(*what)


def child_gen(clock: Clock, kind: str, path: str, rows: str) -> dict[str, Any]:
    """Write ``rows`` rows of y,x1..x19 to ``path`` (via a temporary name), numpy in chunks."""
    import io

    import numpy as np

    clock.start()
    n = int(rows)
    rng = np.random.default_rng(20240601 if kind == "ols" else 20240602)
    beta = np.arange(1, K + 1) / 10.0
    tmp = path + ".part"
    with open(tmp, "w") as f:
        f.write(HEADER + "\n")
        for start in range(0, n, GEN_CHUNK):
            m = min(GEN_CHUNK, n - start)
            x = rng.normal(size=(m, K))
            buf = io.StringIO()
            if kind == "ols":
                y = 1.0 + x @ beta + rng.normal(scale=0.5, size=m)
                np.savetxt(buf, np.column_stack([y, x]), fmt="%.6f", delimiter=",")
            else:  # logistic: P(y=1) = 1 / (1 + exp(-(0.5 + x·b))), b small so both classes stay common
                eta = -0.5 + x @ (beta / 4)
                y = (rng.random(m) < 1 / (1 + np.exp(-eta))).astype(np.float64)
                np.savetxt(buf, np.column_stack([y, x]), fmt=["%d", *["%.6f"] * K], delimiter=",")
            f.write(buf.getvalue())
    os.replace(tmp, path)
    return clock.result(rows=n)


def child_ingest(clock: Clock, csv: str, out: str) -> dict[str, Any]:
    from stats_backoffice.engine.ingest import ingest

    preload("ingest")
    clock.start()
    res = ingest(csv, out, progress=clock.progress)
    return clock.result(n_rows=res.n_rows, parquet_mb=os.path.getsize(out) / MIB, warnings=res.warnings)


def child_ols(clock: Clock, parquet: str, engine: str) -> dict[str, Any]:
    from stats_backoffice.engine import run
    from stats_backoffice.engine.parquet import ParquetSource

    preload("ols")
    clock.start()
    res = run("ols", ParquetSource(parquet), {"y": "y", "x": X_NAMES}, engine=engine, progress=clock.progress)
    return clock.result(n=res["n"], r_squared=res.get("r_squared"), blocks=res.get("blocks"), beta=estimates(res))


def child_ingest_ols(clock: Clock, csv: str, out: str, engine: str) -> dict[str, Any]:
    """The capped run: upload to coefficients in one process."""
    from stats_backoffice.engine import run
    from stats_backoffice.engine.ingest import ingest
    from stats_backoffice.engine.parquet import ParquetSource

    preload("ingest", "ols")
    clock.start()
    clock.mark("ingest")
    ingest(csv, out, progress=lambda _p, s: clock.mark("ingest: " + s))
    clock.mark("ols")
    src = ParquetSource(out)
    res = run("ols", src, {"y": "y", "x": X_NAMES}, engine=engine, progress=lambda _p, s: clock.mark("ols: " + s))
    return clock.result(n=res["n"], beta=estimates(res))


def child_lstsq(clock: Clock, csv: str) -> dict[str, Any]:
    import numpy as np
    import polars as pl

    clock.start()
    clock.mark("polars.read_csv")
    df = pl.read_csv(csv)
    clock.mark("to numpy + intercept column")
    y = df["y"].to_numpy()
    x = np.column_stack([np.ones(df.height), df.select(X_NAMES).to_numpy()])
    del df
    clock.mark("numpy.linalg.lstsq")
    beta = np.linalg.lstsq(x, y, rcond=None)[0]
    return clock.result(n=len(y), beta=[float(b) for b in beta])


def child_sm_ols(clock: Clock, csv: str) -> dict[str, Any]:
    import pandas as pd
    import statsmodels.api as sm

    clock.start()
    clock.mark("pandas.read_csv")
    df = pd.read_csv(csv)
    clock.mark("sm.OLS(y, add_constant(X)).fit()")
    fit = sm.OLS(df["y"], sm.add_constant(df[X_NAMES])).fit()
    return clock.result(n=int(fit.nobs), beta=[float(b) for b in fit.params.to_numpy()])


def child_logit(clock: Clock, parquet: str, engine: str) -> dict[str, Any]:
    from stats_backoffice.engine import run
    from stats_backoffice.engine.parquet import ParquetSource

    preload("logit")
    clock.start()
    res = run("logit", ParquetSource(parquet), {"y": "y", "x": X_NAMES}, engine=engine, progress=clock.progress)
    return clock.result(n=res["n"], beta=estimates(res))


def child_sm_logit(clock: Clock, csv: str) -> dict[str, Any]:
    import pandas as pd
    import statsmodels.api as sm

    clock.start()
    clock.mark("pandas.read_csv")
    df = pd.read_csv(csv)
    clock.mark("sm.Logit(y, add_constant(X)).fit(disp=0)")
    fit = sm.Logit(df["y"], sm.add_constant(df[X_NAMES])).fit(disp=0)
    return clock.result(n=int(fit.nobs), beta=[float(b) for b in fit.params.to_numpy()])


CHILDREN: dict[str, Callable[..., dict[str, Any]]] = {
    "gen": child_gen,
    "ingest": child_ingest,
    "ols": child_ols,
    "ingest_ols": child_ingest_ols,
    "lstsq": child_lstsq,
    "sm_ols": child_sm_ols,
    "logit": child_logit,
    "sm_logit": child_sm_logit,
}


def child_main(what: str, arguments: list[str]) -> int:
    sys.path.insert(0, str(REPO_ROOT))
    from config.limits import fit_to_address_space

    if fit_to_address_space():  # capped: set up as config/celery.py sets up a worker, and load what it loads
        import django

        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
        django.setup()
        import stats_backoffice.jobs  # noqa: F401
    clock = Clock()
    result = CHILDREN[what](clock, *arguments)
    print(JSON_MARK + json.dumps(result), flush=True)
    return 0


# ---------------------------------------------------------------------------------------------------------------
# Parent
# ---------------------------------------------------------------------------------------------------------------


class ChildFailed(BenchError):
    def __init__(self, what: str, returncode: int, stderr: str) -> None:
        lines = [line for line in stderr.strip().splitlines() if line.strip()]
        stages = [line for line in lines if line.startswith("stage: ")]
        others = [line.strip() for line in lines if not line.startswith("stage: ")]
        errors = next(
            ([ln for ln in others if hint in ln] for hint in ERROR_HINTS if any(hint in ln for ln in others)), others
        )
        self.last_stage = stages[-1][len("stage: ") :] if stages else "(before the first stage)"
        self.error = errors[-1] if errors else f"no message (exit code {returncode})"
        if "memory allocation of" in stderr:  # Rust's abort message; several threads may interleave theirs
            self.error = "a Rust allocation failed ('memory allocation of N bytes failed', abort)"
        self.returncode = returncode
        super().__init__(f"{what} failed (exit code {returncode}) in {self.last_stage}: {self.error}")


def child_env(extra: dict[str, str] | None = None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in THREAD_ENV and k != "DASK_SCHEDULER_ADDRESS"}
    env.update(extra or {})
    return env


def run_child(
    what: str, *arguments: str, extra_env: dict[str, str] | None = None, cap_bytes: int | None = None
) -> dict[str, Any]:
    def limit_address_space() -> None:
        assert cap_bytes is not None
        resource.setrlimit(resource.RLIMIT_AS, (cap_bytes, cap_bytes))

    command = [sys.executable, __file__, "--child", what, *arguments]
    started = time.perf_counter()
    completed = subprocess.run(
        command,
        cwd=REPO_ROOT,
        env=child_env(extra_env),
        capture_output=True,
        text=True,
        check=False,
        preexec_fn=limit_address_space if cap_bytes else None,  # the parent runs no threads
    )
    wall = time.perf_counter() - started
    if completed.returncode != 0:
        raise ChildFailed(what, completed.returncode, completed.stderr)
    for line in reversed(completed.stdout.splitlines()):
        if line.startswith(JSON_MARK):
            data: dict[str, Any] = json.loads(line[len(JSON_MARK) :])
            data["process_seconds"] = wall
            return data
    raise BenchError(f"{what} printed no result line:\n{completed.stdout[-2000:]}{completed.stderr[-2000:]}")


def measure(what: str, *arguments: str, repeat: int = 1) -> dict[str, Any]:
    """``repeat`` runs: median time, highest peak RSS; the first run's other fields."""
    runs = [run_child(what, *arguments) for _ in range(repeat)]
    best = dict(runs[0])
    best["seconds"] = statistics.median(r["seconds"] for r in runs)
    best["all_seconds"] = [r["seconds"] for r in runs]
    best["peak_rss_mb"] = max(r["peak_rss_mb"] for r in runs)
    return best


def count_rows(path: Path) -> int:
    """Data lines (newlines minus the header), read in 4 MiB pieces so the parent stays small."""
    lines = 0
    last = b"\n"
    with path.open("rb") as f:
        while piece := f.read(4 * MIB):
            lines += piece.count(b"\n")
            last = piece[-1:]
    if last != b"\n":
        lines += 1
    return lines - 1


def has_header(path: Path) -> bool:
    with path.open("rb") as f:
        return f.readline().rstrip(b"\r\n").decode(errors="replace") == HEADER


def write_head(src: Path, dst: Path, rows: int) -> None:
    """The header and the first ``rows`` rows of ``src``."""
    tmp = dst.with_suffix(".part")
    remaining = rows + 1
    with src.open("rb") as f, tmp.open("wb") as out:
        while remaining and (piece := f.read(4 * MIB)):
            newlines = piece.count(b"\n")
            if newlines >= remaining:
                cut = -1
                for _ in range(remaining):
                    cut = piece.index(b"\n", cut + 1)
                piece = piece[: cut + 1]
                newlines = remaining
            out.write(piece)
            remaining -= newlines
    if remaining:
        raise BenchError(f"{src} has fewer than {rows:,} rows")
    tmp.replace(dst)


def usable(path: Path, rows: int) -> bool:
    return path.exists() and has_header(path) and count_rows(path) == rows


def prepare_data(data_dir: Path, sizes: list[int], logit_rows: int) -> tuple[dict[int, Path], Path]:
    """CSV files by row count (the biggest is the source of the others) and the logistic set."""
    data_dir.mkdir(parents=True, exist_ok=True)
    big_rows = max(sizes)
    shared = data_dir / SHARED_BIG
    if shared.exists() and has_header(shared) and count_rows(shared) >= big_rows:
        source, source_rows = shared, count_rows(shared)
        print(f"data: reusing {shared} ({source_rows:,} rows, header y,x1..x{K})")
    else:
        source, source_rows = data_dir / f"ols_{big_rows}_20.csv", big_rows
        if usable(source, big_rows):
            print(f"data: reusing {source}")
        else:
            print(f"data: generating {source} ({big_rows:,} rows) ...", flush=True)
            done = run_child("gen", "ols", str(source), str(big_rows))
            print(f"data: generated in {done['seconds']:.1f} s")
    files: dict[int, Path] = {}
    for rows in sizes:
        if rows == source_rows:
            files[rows] = source
            continue
        head = data_dir / f"head_{rows}_20.csv"
        if not usable(head, rows):
            print(f"data: writing {head} (first {rows:,} rows of {source.name})", flush=True)
            write_head(source, head, rows)
        files[rows] = head
    logit = data_dir / f"logit_{logit_rows}_20.csv"
    if usable(logit, logit_rows):
        print(f"data: reusing {logit}")
    else:
        print(f"data: generating {logit} ({logit_rows:,} rows, logistic) ...", flush=True)
        run_child("gen", "logit", str(logit), str(logit_rows))
    return files, logit


def fmt_rows(rows: int) -> str:
    return f"{rows / 1e6:g}M" if rows >= 1_000_000 else f"{rows // 1000}k"


def stage_text(result: dict[str, Any], top: int = 4) -> str:
    stages = sorted(result.get("stages") or [], key=lambda s: -s[1])[:top]
    return "; ".join(f"{name} {seconds:.1f} s" for name, seconds in stages)


class Recorder:
    """Runs the measurements, keeps the results, prints one line per measurement as it goes."""

    def __init__(self, repeat: int) -> None:
        self.repeat = repeat
        self.results: dict[tuple[str, int], dict[str, Any]] = {}
        self.errors: dict[tuple[str, int], str] = {}

    def take(self, label: str, rows: int, what: str, *arguments: str) -> dict[str, Any] | None:
        try:
            result = measure(what, *arguments, repeat=self.repeat)
        except BenchError as exc:
            self.errors[(label, rows)] = str(exc)
            print(f"  {label:<28} {fmt_rows(rows):>5}  FAILED: {exc}", flush=True)
            return None
        self.results[(label, rows)] = result
        runs = ", ".join(f"{s:.2f}" for s in result["all_seconds"])
        print(
            f"  {label:<28} {fmt_rows(rows):>5}  {result['seconds']:7.2f} s"
            f"{f' (runs {runs})' if self.repeat > 1 else ''}  peak RSS {result['peak_rss_mb']:7.1f} MB"
            f"  (after imports {result['rss_before_mb']:.0f} MB)  [{stage_text(result)}]",
            flush=True,
        )
        return result

    def get(self, label: str, rows: int) -> dict[str, Any] | None:
        return self.results.get((label, rows))


def max_abs_diff(a: list[float], b: list[float]) -> float:
    return max(abs(x - y) for x, y in zip(a, b, strict=True))


def capped_run(csv: Path, work: Path, cap_mib: int) -> list[str]:
    """Ingest + OLS (chunked) of the big file in one child under RLIMIT_AS, set up as a heavy worker is:
    ``config.limits.fit_to_address_space()`` first (what ``config/celery.py`` runs), then Django and the job
    module loaded. If it fails, the two steps alone, to say which one does not fit."""
    cap = cap_mib * MIB
    lines: list[str] = []

    def attempt(what: str, *arguments: str) -> bool:
        label = {"ingest_ols": "ingest + OLS", "ingest": "ingest alone", "ols": "OLS alone"}[what]
        print(f"  capped run: {label} ...", flush=True)
        try:
            result = run_child(what, *arguments, cap_bytes=cap)
        except ChildFailed as exc:
            text, ok = f"FAILED in {exc.last_stage} (exit {exc.returncode}): {exc.error}", False
        else:
            text = (
                f"succeeded in {result['seconds']:.1f} s, peak RSS {result['peak_rss_mb']:.0f} MB, "
                f"peak address space {result.get('peak_vm_mb', 0):.0f} MB"
            )
            ok = True
        lines.append(f"{label}: {text}")
        print(f"    {text}", flush=True)
        return ok

    out = work / "capped.parquet"
    try:
        if attempt("ingest_ols", str(csv), str(out), "chunked"):
            return lines
        ingested = work / "capped_input.parquet"
        run_child("ingest", str(csv), str(ingested))
        attempt("ingest", str(csv), str(out))
        attempt("ols", str(ingested), "chunked")
        ingested.unlink(missing_ok=True)
    finally:
        out.unlink(missing_ok=True)
    return lines


def verdict(label: str, ok: bool | None, detail: str) -> bool:
    word = "n/a " if ok is None else ("PASS" if ok else "FAIL")
    print(f"{word}  {label}: {detail}")
    return bool(ok)


def print_table(rows: list[list[str]]) -> None:
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    for index, row in enumerate(rows):
        cells = [row[0].ljust(widths[0]), *(cell.rjust(width) for cell, width in zip(row[1:], widths[1:], strict=True))]
        print("  ".join(cells))
        if index == 0:
            print("  ".join("-" * width for width in widths))


def summary(rec: Recorder, sizes: list[int], logit_rows: int) -> None:
    header = ["measurement", "rows", "seconds", "s per 1M rows", "peak RSS MB", "RSS after imports MB", "process s"]
    rows = [header]
    for (label, n), r in rec.results.items():
        rows.append(
            [
                label,
                fmt_rows(n),
                f"{r['seconds']:.2f}",
                f"{r['seconds'] / (n / 1e6):.2f}",
                f"{r['peak_rss_mb']:.0f}",
                f"{r['rss_before_mb']:.0f}",
                f"{r['process_seconds']:.2f}",
            ]
        )
    print_table(rows)
    for (label, n), error in rec.errors.items():
        print(f"{label} {fmt_rows(n)}: {error}")
    big = max(sizes)
    pairs = [
        ("OLS chunked", "polars read + lstsq", big),
        ("OLS dask", "polars read + lstsq", big),
        ("logit chunked", "statsmodels Logit", logit_rows),
    ]
    for ours_label, ref_label, n in pairs:
        ours, ref = rec.get(ours_label, n), rec.get(ref_label, n)
        if ours and ref:
            diff = max_abs_diff(ours["beta"], ref["beta"])
            print(f"coefficients, {ours_label} vs {ref_label} at {fmt_rows(n)}: max |Δ| {diff:.2e}")


def seconds_of(rec: Recorder, label: str, rows: int) -> float | None:
    result = rec.get(label, rows)
    return None if result is None else float(result["seconds"])


def targets(rec: Recorder, sizes: list[int], logit_rows: int) -> int:
    big, small = max(sizes), min(sizes)
    failed = 0
    base = seconds_of(rec, "polars read + lstsq", big)
    ingest_s = seconds_of(rec, "ingest", big)
    for engine in ("chunked", "dask"):
        ols = seconds_of(rec, f"OLS {engine}", big)
        if ols is None or base is None:
            failed += not verdict(f"analysis from ingested ({engine})", None, "not measured")
        else:
            ok = ols <= ANALYSIS_VS_LSTSQ * base
            failed += not verdict(
                f"analysis from ingested ({engine}) ≤ {ANALYSIS_VS_LSTSQ}× (read + lstsq)",
                ok,
                f"{ols:.2f} s vs {base:.2f} s = {ols / base:.2f}×",
            )
        if ols is None or base is None or ingest_s is None:
            failed += not verdict(f"upload to coefficients ({engine})", None, "not measured")
        else:
            total = ingest_s + ols
            failed += not verdict(
                f"upload to coefficients, ingest + OLS {engine} ≤ {UPLOAD_VS_LSTSQ}× (read + lstsq)",
                total <= UPLOAD_VS_LSTSQ * base,
                f"{ingest_s:.2f} + {ols:.2f} = {total:.2f} s vs {base:.2f} s = {total / base:.2f}×",
            )
    for label in ("ingest", "OLS chunked", "OLS dask"):
        r = rec.get(label, big)
        rss = None if r is None else r["peak_rss_mb"]
        failed += not verdict(
            f"peak RSS of {label} at {fmt_rows(big)} × 20 ≤ {RSS_LIMIT_MB:.0f} MB",
            None if rss is None else rss <= RSS_LIMIT_MB,
            "not measured" if rss is None else f"{rss:.0f} MB",
        )
    ours, ref = rec.get("logit chunked", logit_rows), rec.get("statsmodels Logit", logit_rows)
    if ours is None or ref is None:
        failed += not verdict("logistic vs statsmodels Logit", None, "not measured")
    else:
        ratio = ours["seconds"] / ref["seconds"]
        failed += not verdict(
            f"logistic time ≤ {LOGIT_TIME_VS_SM}× statsmodels Logit at {fmt_rows(logit_rows)}",
            ratio <= LOGIT_TIME_VS_SM,
            f"{ours['seconds']:.2f} s vs {ref['seconds']:.2f} s = {ratio:.2f}×",
        )
        ratio = ours["peak_rss_mb"] / ref["peak_rss_mb"]
        failed += not verdict(
            f"logistic peak RSS ≤ {LOGIT_RSS_VS_SM:.0%} of statsmodels Logit's",
            ratio <= LOGIT_RSS_VS_SM,
            f"{ours['peak_rss_mb']:.0f} MB vs {ref['peak_rss_mb']:.0f} MB = {ratio:.0%}",
        )
    for label in ("ingest", "OLS chunked", "OLS dask"):
        t_small, t_big = seconds_of(rec, label, small), seconds_of(rec, label, big)
        if t_small is None or t_big is None:
            failed += not verdict(f"linear growth of {label}", None, "not measured")
            continue
        per_small, per_big = t_small / (small / 1e6), t_big / (big / 1e6)
        ratio = per_big / per_small
        failed += not verdict(
            f"linear growth of {label}: s per 1M rows at {fmt_rows(big)} "
            f"within ±{LINEAR_TOLERANCE:.0%} of {fmt_rows(small)}",
            abs(ratio - 1) <= LINEAR_TOLERANCE,
            f"{per_big:.2f} vs {per_small:.2f} s per 1M rows ({ratio - 1:+.0%})",
        )
    return failed


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--rows", type=int, default=5_000_000, help="Rows of the big file (default 5,000,000).")
    parser.add_argument("--quick", action="store_true", help="200k/400k/1M rows (about a minute).")
    parser.add_argument("--repeat", type=int, default=1, help="Runs per measurement; the median time is kept.")
    parser.add_argument("--cap-mib", type=int, default=1024, help="Address-space cap of the capped run (MiB).")
    parser.add_argument("--skip-cap", action="store_true", help="Skip the capped run.")
    parser.add_argument("--data-dir", type=Path, default=Path("/tmp/bench-data"), help="CSV cache directory.")
    args = parser.parse_args(argv)
    if args.quick:
        args.rows = 1_000_000
    if not 50_000 <= args.rows <= 100_000_000:
        parser.error("--rows must be between 50,000 and 100,000,000")
    if not 1 <= args.repeat <= 20:
        parser.error("--repeat must be between 1 and 20")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    sizes = [args.rows // 5, 2 * args.rows // 5, args.rows]
    logit_rows = args.rows // 5
    print(
        f"bench_stats: {os.cpu_count()} CPUs, python {sys.version.split()[0]}, sizes "
        f"{', '.join(fmt_rows(n) for n in sizes)} × 20, logistic {fmt_rows(logit_rows)} × 20, "
        f"{args.repeat} run(s) per measurement, each in its own process; times exclude interpreter start and imports"
    )
    try:
        files, logit_csv = prepare_data(args.data_dir, sizes, logit_rows)
    except BenchError as exc:
        print(f"bench failed: {exc}", file=sys.stderr)
        return 1
    rec = Recorder(args.repeat)
    work = Path(tempfile.mkdtemp(prefix="bench-stats-", dir=args.data_dir))
    try:
        for rows in sizes:
            print(f"{fmt_rows(rows)} rows ({files[rows]}):", flush=True)
            parquet = work / f"ingested_{rows}.parquet"
            rec.take("ingest", rows, "ingest", str(files[rows]), str(parquet))
            if parquet.exists():
                rec.take("OLS chunked", rows, "ols", str(parquet), "chunked")
                rec.take("OLS dask", rows, "ols", str(parquet), "dask")
                parquet.unlink()
        big = files[args.rows]
        print(f"baselines at {fmt_rows(args.rows)} rows:", flush=True)
        rec.take("polars read + lstsq", args.rows, "lstsq", str(big))
        rec.take("statsmodels OLS", args.rows, "sm_ols", str(big))
        print(f"logistic at {fmt_rows(logit_rows)} rows ({logit_csv}):", flush=True)
        parquet = work / "ingested_logit.parquet"
        rec.take("ingest (logistic set)", logit_rows, "ingest", str(logit_csv), str(parquet))
        if parquet.exists():
            rec.take("logit chunked", logit_rows, "logit", str(parquet), "chunked")
        rec.take("statsmodels Logit", logit_rows, "sm_logit", str(logit_csv))
        cap_lines = []
        if not args.skip_cap:
            print(f"capped run: ingest + OLS chunked of {fmt_rows(args.rows)} rows, RLIMIT_AS {args.cap_mib} MiB:")
            cap_lines = capped_run(big, work, args.cap_mib)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print()
    print("summary (seconds: the operation after imports, median of the runs; peak RSS: the child's ru_maxrss)")
    summary(rec, sizes, logit_rows)
    if cap_lines:
        print(f"capped run (RLIMIT_AS {args.cap_mib} MiB, ingest + OLS chunked, {fmt_rows(args.rows)} rows):")
        for line in cap_lines:
            print(f"  {line}")
    print()
    failed = targets(rec, sizes, logit_rows)
    print(f"{failed} target(s) not met" if failed else "all targets met")
    return 1 if rec.errors else 0  # a missed target is a finding; a measurement that crashed is not


if __name__ == "__main__":
    if len(sys.argv) > 2 and sys.argv[1] == "--child":
        sys.exit(child_main(sys.argv[2], sys.argv[3:]))
    sys.exit(main())

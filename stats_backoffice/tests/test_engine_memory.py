"""Memory-bounded paths of the engine: the ranged CSV reader, the one-sort profile, the scan read off the metadata,
and a run in a process capped at 1 GB of address space."""

import json
import os
import resource
import subprocess
import sys
from pathlib import Path

import numpy as np
import pyarrow.parquet as pq
import pytest

from stats_backoffice.engine import ArraySource, run
from stats_backoffice.engine import ingest as ingest_module
from stats_backoffice.engine.design import ScanSpec, scan_from_metadata
from stats_backoffice.engine.errors import IngestError
from stats_backoffice.engine.ingest import ingest
from stats_backoffice.engine.parquet import ParquetSource

REPO = Path(__file__).resolve().parents[2]


def _ingest(tmp_path, data: bytes, name: str = "t.csv", out: str = "out.parquet"):
    src = tmp_path / name
    src.write_bytes(data)
    result = ingest(src, tmp_path / out, original_name=name)
    return result, pq.read_table(tmp_path / out)


@pytest.fixture
def ranged(monkeypatch):
    """The reader used under an address-space cap, with tiny ranges so every file spans many of them."""
    monkeypatch.setattr(ingest_module, "address_space_limited", lambda: True)
    monkeypatch.setattr(ingest_module, "RANGE_BYTES", 37)


FILES = {
    "plain": b"a,b,c\n1,2.5,x\n3,4.5,y\n5,,z\n7,8.5,x\n" * 3,
    "quoted newlines": b'id,note,v\n1,"two\nlines, and a comma",1.5\n2,"say ""hi""\n",2.5\n3,plain,3.5\n',
    "crlf and bom": b"\xef\xbb\xbfa;b\r\n1,5;2\r\n3,5;4\r\n5,5;6\r\n",
    "blank lines and no final newline": b"a,b\n1,2\n\n3,4\n5,6",
    "dates": b"d,v\n2024-01-01,1\n2024-02-01,2\n2024-03-01,3\n",
}


@pytest.mark.parametrize("name", sorted(FILES))
def test_ranged_reader_gives_the_same_table(tmp_path, monkeypatch, name):
    data = FILES[name]
    mapped, mapped_table = _ingest(tmp_path, data, out="mapped.parquet")
    monkeypatch.setattr(ingest_module, "address_space_limited", lambda: True)
    monkeypatch.setattr(ingest_module, "RANGE_BYTES", 37)
    ranged_result, ranged_table = _ingest(tmp_path, data, out="ranged.parquet")
    assert ranged_table.equals(mapped_table)
    assert ranged_result.n_rows == mapped.n_rows
    assert ranged_result.profile == mapped.profile
    assert ranged_result.preview == mapped.preview


def test_ranged_reader_refuses_ragged_rows(tmp_path, ranged):
    with pytest.raises(IngestError, match="Line 3 has 3 fields but the header has 2"):
        _ingest(tmp_path, b"a,b\n1,2\n3,4,5\n6,7\n")
    with pytest.raises(IngestError, match="Line 3 has 1 fields but the header has 2"):
        _ingest(tmp_path, b"a,b\n1,2\n3\n6,7\n")


def test_ranged_reader_header_only_and_types_settled_late(tmp_path, ranged):
    with pytest.raises(IngestError, match="no data rows"):
        _ingest(tmp_path, b"a,b\n")
    # a text value long after the sample: the typing pass (also ranged) makes the column text
    rows = b"".join(b"%d,%d\n" % (i, i) for i in range(25_000))
    result, table = _ingest(tmp_path, b"a,b\n" + rows + b"7,seven\n")
    kinds = {c.name: c.kind for c in result.columns}
    assert kinds == {"a": "numeric", "b": "text"}
    assert table.num_rows == 25_001


def test_record_end_respects_quotes():
    assert ingest_module._record_end(b'1,"a\nb",2\n3,"c\n') == len(b'1,"a\nb",2\n')
    assert ingest_module._record_end(b'1,"x""\ny",2\n') == len(b'1,"x""\ny",2\n')
    assert ingest_module._record_end(b"no newline") == 0


def test_profile_matches_numpy(tmp_path):
    rng = np.random.default_rng(7)
    values = rng.integers(0, 40, size=5000) / 4.0  # ties
    text = [("" if i % 97 == 0 else repr(float(v))) for i, v in enumerate(values)]
    result, _table = _ingest(tmp_path, ("v\n" + "\n".join(text) + "\n").encode())
    present = np.array([v for i, v in enumerate(values) if i % 97 != 0])
    profile = result.profile["columns"]["v"]
    assert profile["missing"] == len(values) - len(present)
    assert profile["count"] == len(present)
    assert profile["distinct"] == len(np.unique(present)) and profile["distinct_exact"] is True
    q1, median, q3 = np.quantile(present, [0.25, 0.5, 0.75])
    assert (profile["q1"], profile["median"], profile["q3"]) == (q1, median, q3)
    assert (profile["min"], profile["max"]) == (present.min(), present.max())
    assert profile["mean"] == pytest.approx(present.mean(), rel=1e-15)
    assert profile["sd"] == pytest.approx(present.std(ddof=1), rel=1e-13)
    counts, edges = np.histogram(present, bins=30, range=(present.min(), present.max()))
    assert profile["histogram"]["counts"] == counts.tolist()
    assert profile["histogram"]["edges"] == edges.tolist()


def test_profile_of_a_constant_and_an_empty_column(tmp_path):
    result, _ = _ingest(tmp_path, b"c,e\n2,\n2,\n2,\n")
    c, e = result.profile["columns"]["c"], result.profile["columns"]["e"]
    assert c["histogram"]["counts"] == [3] and c["distinct"] == 1 and c["q1"] == 2.0
    assert e["count"] == 0 and e["histogram"] == {"edges": [], "counts": []} and e["distinct"] == 0


def test_scan_read_off_the_metadata_when_no_value_is_missing(tmp_path):
    rng = np.random.default_rng(3)
    x1, x2 = rng.normal(size=400), rng.normal(size=400)
    y = 2 + 3 * x1 - x2 + rng.normal(size=400)
    lines = [f"{float(a)!r},{float(b)!r},{float(c)!r}" for a, b, c in zip(y, x1, x2, strict=True)]
    csv = "y,x1,x2\n" + "\n".join(lines) + "\n"
    (tmp_path / "d.csv").write_text(csv)
    ingest(tmp_path / "d.csv", tmp_path / "d.parquet")
    source = ParquetSource(str(tmp_path / "d.parquet"))
    meta = source.column("x1")
    assert meta.extra == {"count": 400, "lo": float(x1.min()), "hi": float(x1.max())}
    scan = scan_from_metadata(source, ScanSpec(("y", "x1", "x2"), ()))
    assert scan is not None and scan.complete == 400 and scan.numeric["x1"].lo == float(x1.min())
    assert scan_from_metadata(source, ScanSpec(("y",), (), by="y")) is None  # logistic: scans by class
    stages: list[str] = []
    from_meta = run("ols", source, {"y": "y", "x": ["x1", "x2"]}, progress=lambda _p, s: stages.append(s))
    assert "Reading the data" not in stages
    scanned = run("ols", ArraySource({"y": y, "x1": x1, "x2": x2}), {"y": "y", "x": ["x1", "x2"]})
    for a, b in zip(from_meta["coefficients"], scanned["coefficients"], strict=True):
        assert a["estimate"] == pytest.approx(b["estimate"], rel=1e-12)
        assert a["std_error"] == pytest.approx(b["std_error"], rel=1e-12)


def test_a_missing_value_means_a_scan(tmp_path):
    (tmp_path / "m.csv").write_text("y,x\n1,1\n2,\n3,3\n5,4\n4,6\n")
    ingest(tmp_path / "m.csv", tmp_path / "m.parquet")
    source = ParquetSource(str(tmp_path / "m.parquet"))
    assert scan_from_metadata(source, ScanSpec(("y", "x"), ())) is None
    stages: list[str] = []
    result = run("ols", source, {"y": "y", "x": ["x"]}, progress=lambda _p, s: stages.append(s))
    assert "Reading the data" in stages and result["n"] == 4 and result["dropped_missing"] == 1


CAPPED = """
import json, resource, sys
resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30))
sys.path.insert(0, {repo!r})
from config.limits import fit_to_address_space
assert fit_to_address_space()
from stats_backoffice.engine import run
from stats_backoffice.engine.ingest import ingest
from stats_backoffice.engine.parquet import ParquetSource
import pyarrow
ingest({csv!r}, {out!r})
result = run("ols", ParquetSource({out!r}), {{"y": "y", "x": ["x1", "x2", "x3"]}}, engine="chunked")
print(json.dumps({{"pool": pyarrow.default_memory_pool().backend_name, "n": result["n"],
                  "beta": [c["estimate"] for c in result["coefficients"]]}}))
"""


def test_ingest_and_ols_in_a_process_capped_at_1_gb(tmp_path):
    """The capped settings (config/limits.py) and the ranged reader let a 1 GB process read and fit a table."""
    rng = np.random.default_rng(11)
    n = 300_000
    x = rng.normal(size=(n, 3))
    y = 1 + x @ np.array([0.5, -2.0, 3.0]) + rng.normal(size=n)
    csv = tmp_path / "big.csv"
    with open(csv, "w") as f:
        f.write("y,x1,x2,x3\n")
        np.savetxt(f, np.column_stack([y, x]), delimiter=",", fmt="%.17g")
    env = {k: v for k, v in os.environ.items() if k not in ("ARROW_DEFAULT_MEMORY_POOL", "POLARS_MAX_THREADS")}
    done = subprocess.run(
        [sys.executable, "-c", CAPPED.format(repo=str(REPO), csv=str(csv), out=str(tmp_path / "big.parquet"))],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    out = json.loads(done.stdout.strip().splitlines()[-1])
    assert out["pool"] == "system" and out["n"] == n
    expected = np.linalg.lstsq(np.column_stack([np.ones(n), x]), y, rcond=None)[0]
    assert np.allclose(out["beta"], expected, rtol=1e-12, atol=1e-12)
    assert resource.getrlimit(resource.RLIMIT_AS)[0] == resource.RLIM_INFINITY  # the cap stayed in the child

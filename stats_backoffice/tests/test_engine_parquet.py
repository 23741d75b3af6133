"""ParquetSource: metadata from the schema key b"partnering", blocks in row order, picklable tasks."""

import functools
import json
import pickle

import numpy as np
import pyarrow.parquet as pq
import pytest

from stats_backoffice.engine.ingest import ingest
from stats_backoffice.engine.parquet import META_KEY, ParquetSource, read_block


@pytest.fixture
def table(tmp_path):
    lines = ["i,x,g,d"]
    lines += [f"{i},{i * 0.5},{'ab'[i % 2]},2024-01-{i % 28 + 1:02d}" for i in range(1000)]
    src = tmp_path / "t.csv"
    src.write_text("\n".join(lines) + "\n")
    out = tmp_path / "t.parquet"
    ingest(src, out, row_group_rows=300)
    return out


def test_metadata_key(table):
    meta = json.loads(pq.read_metadata(table).metadata[META_KEY])
    assert meta["n_rows"] == 1000
    assert [c["kind"] for c in meta["columns"]] == ["numeric", "numeric", "categorical", "datetime"]
    assert meta["columns"][2]["levels"] == ["a", "b"]
    assert meta["columns"][0]["mean"] == pytest.approx(499.5)


def test_blocks_smaller_than_row_groups_keep_order(table):
    assert pq.ParquetFile(table).metadata.num_row_groups == 4
    source = ParquetSource(str(table), block_rows=64)
    tasks = source.block_tasks(["i", "x", "g", "d"])
    assert len(tasks) == 3 * 5 + 2  # 300-row groups in 64-row slices, and the last group of 100
    blocks = [t() for t in tasks]
    i = np.concatenate([b["i"] for b in blocks])
    assert i.dtype == np.float64
    assert np.array_equal(i, np.arange(1000.0))
    assert np.array_equal(np.concatenate([b["x"] for b in blocks]), np.arange(1000) * 0.5)
    g = np.concatenate([b["g"] for b in blocks])
    assert g.dtype == object and list(g[:3]) == ["a", "b", "a"]
    d = np.concatenate([b["d"] for b in blocks])
    assert d.dtype == np.dtype("datetime64[us]") and d[29] == np.datetime64("2024-01-02")
    assert sum(len(b["i"]) for b in blocks) == source.n_rows == 1000


def test_tasks_are_partials_carrying_the_path(table):
    source = ParquetSource(str(table))
    task = source.block_tasks(["x"])[1]
    assert isinstance(task, functools.partial) and task.func is read_block
    assert task.args == (str(table), 1, 0, 300, ("x",))
    clone = pickle.loads(pickle.dumps(task))
    assert np.array_equal(clone()["x"], np.arange(300, 600) * 0.5)


def test_unknown_column(table):
    source = ParquetSource(str(table))
    with pytest.raises(KeyError):
        source.column("nope")
    with pytest.raises(KeyError):
        source.block_tasks(["nope"])


def test_missing_values_are_nan_and_none(tmp_path):
    src = tmp_path / "m.csv"
    src.write_text("x,g\n1,a\nNA,\n3,b\n")
    ingest(src, tmp_path / "m.parquet")
    block = ParquetSource(str(tmp_path / "m.parquet")).block_tasks(["x", "g"])[0]()
    assert np.isnan(block["x"][1]) and block["g"][1] is None

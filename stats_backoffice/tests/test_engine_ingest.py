"""Ingest happy paths: encodings, delimiters, decimal comma, gzip, XLSX, types, missing values, exact shift."""

import datetime as dt
import gzip
import math

import numpy as np
import openpyxl
import pytest

from stats_backoffice.engine.ingest import IngestResult, Limits, ingest
from stats_backoffice.engine.parquet import ParquetSource
from stats_backoffice.engine.sniff import sniff_upload


def _run(tmp_path, name, data: bytes, **kw) -> tuple[IngestResult, ParquetSource]:
    src = tmp_path / name
    src.write_bytes(data)
    out = tmp_path / "out.parquet"
    result = ingest(src, out, original_name=name, **kw)
    return result, ParquetSource(str(out))


def _read_all(source: ParquetSource) -> dict:
    names = [c.name for c in source.columns]
    blocks = [task() for task in source.block_tasks(names)]
    return {n: np.concatenate([b[n] for b in blocks]) for n in names}


def _kinds(result):
    return {c.name: c.kind for c in result.columns}


def test_utf8_bom_csv(tmp_path):
    result, source = _run(tmp_path, "a.csv", b"\xef\xbb\xbfname,value\ncaf\xc3\xa9,1.5\nthe,2.5\n")
    assert result.encoding == "utf-8-sig"
    assert [c.name for c in result.columns] == ["name", "value"]
    data = _read_all(source)
    assert list(data["name"]) == ["café", "the"]
    assert list(data["value"]) == [1.5, 2.5]


def test_utf16_le_bom(tmp_path):
    text = "x;y\n1;é\n2;€\n"
    result, source = _run(tmp_path, "a.csv", b"\xff\xfe" + text.encode("utf-16-le"))
    assert result.encoding == "utf-16-le"
    assert result.delimiter == ";"
    assert list(_read_all(source)["y"]) == ["é", "€"]


def test_utf16_without_bom(tmp_path):
    text = "a,b\n" + "".join(f"{i},{i * 2}\n" for i in range(20))
    result, source = _run(tmp_path, "a.csv", text.encode("utf-16-be"))
    assert result.encoding == "utf-16-be"
    assert list(_read_all(source)["b"]) == [float(i * 2) for i in range(20)]


def test_cp1252(tmp_path):
    text = "city,price\nParis é,3 €\nNîmes,4 €\n"
    result, source = _run(tmp_path, "a.csv", text.encode("cp1252"))
    assert result.encoding == "cp1252"
    data = _read_all(source)
    assert list(data["city"]) == ["Paris é", "Nîmes"]
    assert list(data["price"]) == ["3 €", "4 €"]


def test_cp1252_after_a_utf8_looking_start(tmp_path):
    body = "".join(f"{i},plain\n" for i in range(30000))
    data = ("n,t\n" + body + "1,caf\xe9\n").encode("cp1252")
    result, source = _run(tmp_path, "a.csv", data)
    assert result.encoding == "cp1252"
    assert _read_all(source)["t"][-1] == "café"


def test_semicolon_decimal_comma(tmp_path):
    result, source = _run(tmp_path, "a.csv", b"a;b;c\n3,14;1;x\n-2,5;2;y\n0,001;3;x\n")
    assert (result.delimiter, result.decimal) == (";", ",")
    data = _read_all(source)
    assert list(data["a"]) == [3.14, -2.5, 0.001]
    assert _kinds(result) == {"a": "numeric", "b": "numeric", "c": "categorical"}


def test_tsv(tmp_path):
    result, source = _run(tmp_path, "a.tsv", b"a\tb\n1\thello, world\n2\tbye\n")
    assert result.delimiter == "\t"
    assert list(_read_all(source)["b"]) == ["hello, world", "bye"]


def test_gzip_csv(tmp_path):
    result, source = _run(tmp_path, "a.csv.gz", gzip.compress(b"a,b\n1,2\n3,4\n"))
    assert result.fmt == "csv.gz"
    assert result.n_rows == 2
    assert list(_read_all(source)["b"]) == [2.0, 4.0]


def test_xlsx(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["when", "amount", "group", "note"])
    ws.append([dt.datetime(2024, 1, 2), 1.25, "a", "=cmd|' /C calc'!A0"])
    ws.append([dt.datetime(2024, 1, 3), 2, "b", "plain"])
    ws["D2"].data_type = "s"  # a text cell that looks like a formula
    path = tmp_path / "book.xlsx"
    wb.save(path)
    out = tmp_path / "out.parquet"
    result = ingest(path, out, original_name="book.xlsx")
    assert result.fmt == "xlsx"
    assert _kinds(result)["when"] == "datetime"
    data = _read_all(ParquetSource(str(out)))
    assert list(data["amount"]) == [1.25, 2.0]
    assert data["when"][0] == np.datetime64("2024-01-02T00:00:00", "us")
    assert data["note"][0] == "=cmd|' /C calc'!A0"


def test_openpyxl_uses_defusedxml():
    assert openpyxl.DEFUSEDXML is True


def test_dates_categorical_text_missing(tmp_path):
    rows = ["d,dm,g,t,v"]
    for i in range(120):
        v = "NA" if i % 10 == 0 else ("" if i % 10 == 1 else ("." if i % 10 == 2 else str(i)))
        rows.append(f"2024-01-{i % 28 + 1:02d},{i % 28 + 1}/01/2024,g{i % 3},text number {i},{v}")
    result, source = _run(tmp_path, "a.csv", ("\n".join(rows) + "\n").encode())
    kinds = _kinds(result)
    assert kinds == {"d": "datetime", "dm": "datetime", "g": "categorical", "t": "text", "v": "numeric"}
    assert source.column("g").levels == ["g0", "g1", "g2"]
    data = _read_all(source)
    assert data["dm"][27] == np.datetime64("2024-01-28", "us")
    assert np.isnan(data["v"][0]) and np.isnan(data["v"][1]) and np.isnan(data["v"][2])
    profile = result.profile["columns"]
    assert profile["v"]["missing"] == 36
    assert profile["v"]["count"] == 84
    assert profile["g"]["top"][0]["count"] == 40
    assert profile["d"]["min"] == "2024-01-01T00:00:00"
    assert result.preview["rows"][0][4] == "NA"
    assert result.preview["rows"][1][4] is None
    assert len(result.preview["rows"]) == 50


def test_ambiguous_day_month_kept_as_text(tmp_path):
    result, _ = _run(tmp_path, "a.csv", b"d\n01/02/2024\n03/04/2024\n")
    assert _kinds(result)["d"] != "datetime"
    assert any("day/month" in w for w in result.warnings)


def test_duplicate_and_blank_names(tmp_path):
    result, _ = _run(tmp_path, "a.csv", b"x,x,,y\n1,2,3,4\n")
    assert [c.name for c in result.columns] == ["x", "x_2", "column_3", "y"]
    assert len(result.warnings) == 2


def test_numacc4_exact_shift(tmp_path):
    values = ["1000000000000.2", "1000000000000.1", "1000000000000.3"] * 334
    result, source = _run(tmp_path, "a.csv", ("y\n" + "\n".join(values) + "\n").encode())
    meta = source.column("y")
    assert meta.shift == "1000000000000"
    data = _read_all(source)["y"]
    assert list(data[:3]) == [0.2, 0.1, 0.3]  # float(Decimal("0.2")) exactly: every digit kept
    assert result.profile["columns"]["y"]["min"] == 1000000000000.1
    assert math.isclose(meta.mean, 0.2, abs_tol=1e-12)


def test_smls_like_shift_decimal_comma(tmp_path):
    values = ["1000000000000,4", "1000000000000,3", "1000000000000,5"]
    result, source = _run(tmp_path, "a.csv", ("y;g\n" + "\n".join(f"{v};a" for v in values) + "\n").encode())
    assert result.decimal == ","
    assert list(_read_all(source)["y"]) == [0.4, 0.3, 0.5]


def test_late_shift_and_late_text_surprises(tmp_path):
    # The sample (20,000 rows) sees small numbers and numbers only; the rest of the file changes both columns.
    head = "".join(f"{i % 7},{i}\n" for i in range(20_000))
    tail = "".join(f"1000000000000.{i % 9 + 1},word\n" for i in range(20_000))
    result, source = _run(tmp_path, "a.csv", ("a,b\n" + head + tail).encode(), row_group_rows=8192)
    assert _kinds(result) == {"a": "numeric", "b": "text"}
    data = _read_all(source)
    shift = source.column("a").shift
    assert shift is not None
    assert data["a"][20_000] == float(__import__("decimal").Decimal("1000000000000.1") - int(shift))
    assert data["b"][0] == "0" and data["b"][-1] == "word"


def test_progress_and_cancel(tmp_path):
    seen = []
    _run(tmp_path, "a.csv", b"a\n1\n2\n", progress=lambda p, s: seen.append(s))
    assert {"Reading", "Writing Parquet", "Profiling"} <= set(seen)

    class Stop(Exception):
        pass

    def cancel():
        raise Stop

    with pytest.raises(Stop):
        _run(tmp_path, "b.csv", b"a\n1\n2\n", check_cancelled=cancel)


def test_sniff_upload_formats():
    assert sniff_upload(b"a,b\n1,2\n", "x.csv") == "csv"
    assert sniff_upload(b"a\tb\n", "x.tsv") == "tsv"
    assert sniff_upload(b"a,b\n", "x.txt") == "csv"
    assert sniff_upload(b"\x1f\x8b\x08\x00", "x.csv.gz") == "csv.gz"
    assert sniff_upload(b"PK\x03\x04rest", "x.xlsx") == "xlsx"
    assert sniff_upload("a,b\n1,2\n".encode("utf-16"), "x.csv") == "csv"
    assert sniff_upload("a,b\n1,2\n".encode("utf-16-le"), "x.csv") == "csv"


def test_limits_are_frozen():
    with pytest.raises(AttributeError):
        Limits().max_columns = 3  # type: ignore[misc]

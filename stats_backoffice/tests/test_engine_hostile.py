"""Hostile uploads: each is refused with a clear IngestError (asserting the message) or parsed correctly."""

import gzip
import os
import resource
import zipfile

import numpy as np
import pytest

from stats_backoffice.engine.errors import IngestError
from stats_backoffice.engine.ingest import Limits, ingest
from stats_backoffice.engine.parquet import ParquetSource
from stats_backoffice.engine.sniff import sniff_upload


def _ingest(tmp_path, name, data: bytes, **kw):
    src = tmp_path / name
    src.write_bytes(data)
    return ingest(src, tmp_path / "out.parquet", original_name=name, **kw)


def test_gzip_bomb_refused_with_little_memory(tmp_path):
    src = tmp_path / "bomb.csv.gz"
    with gzip.open(src, "wb", compresslevel=9) as f:
        chunk = b"0" * (1024 * 1024)
        for _ in range(50):
            f.write(chunk)
    assert os.path.getsize(src) < 1024 * 1024
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    with pytest.raises(IngestError, match="expands to more than 8 MB when decompressed"):
        ingest(
            src, tmp_path / "out.parquet", original_name="bomb.csv.gz", limits=Limits(max_decompressed_bytes=8 << 20)
        )
    growth_mb = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024
    assert growth_mb < 200
    leftovers = [p for p in tmp_path.iterdir() if p.name.startswith("ingest-")]
    assert leftovers == []  # the temporary decompressed file is gone


def test_million_column_header_refused_fast(tmp_path):
    header = ",".join(f"c{i}" for i in range(1_000_000)) + "\n1\n"
    with pytest.raises(IngestError, match="The file has 1,000,000 columns; at most 5,000 are accepted"):
        _ingest(tmp_path, "wide.csv", header.encode())


def test_header_longer_than_8mb_refused(tmp_path):
    with pytest.raises(IngestError, match="The header is longer than 8 MB"):
        _ingest(tmp_path, "long.csv", b"a" * (9 * 1024 * 1024) + b"\n1\n")


@pytest.mark.parametrize(
    "data",
    [
        b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 10,
        np.random.default_rng(1).integers(0, 256, 4096, dtype=np.uint8).tobytes(),
    ],
    ids=["png", "random"],
)
def test_binary_named_csv_refused(tmp_path, data):
    with pytest.raises(IngestError, match="not a text table"):
        sniff_upload(data[:65536], "data.csv")
    with pytest.raises(IngestError, match="not a text table"):
        _ingest(tmp_path, "data.csv", data)


def test_extension_allow_list_and_magic():
    with pytest.raises(IngestError, match=r"Only \.csv, \.tsv, \.txt, \.xlsx"):
        sniff_upload(b"a,b\n", "data.exe")
    with pytest.raises(IngestError, match="not gzip-compressed"):
        sniff_upload(b"a,b\n", "data.csv.gz")
    with pytest.raises(IngestError, match="not an Excel workbook"):
        sniff_upload(b"a,b\n", "data.xlsx")


def test_utf16_without_bom_is_parsed(tmp_path):
    text = "name,value\n" + "".join(f"row{i},{i}.5\n" for i in range(10))
    result = _ingest(tmp_path, "u16.csv", text.encode("utf-16-le"))
    assert result.encoding == "utf-16-le"
    assert result.n_rows == 10
    assert {c.name: c.kind for c in result.columns} == {"name": "categorical", "value": "numeric"}


def _xlsx_zip(path, members: dict[str, bytes]):
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", b"<Types/>")
        for name, data in members.items():
            z.writestr(name, data)


def test_xlsx_zip_bomb_refused(tmp_path):
    path = tmp_path / "bomb.xlsx"
    _xlsx_zip(path, {"xl/worksheets/sheet1.xml": b"<" + b" " * (20 * 1024 * 1024)})
    with pytest.raises(IngestError, match="looks like a ZIP bomb"):
        ingest(path, tmp_path / "out.parquet", original_name="bomb.xlsx")
    with pytest.raises(IngestError, match="expands to more than 1 MB when unpacked"):
        ingest(path, tmp_path / "out.parquet", limits=Limits(max_xlsx_uncompressed_bytes=1 << 20), fmt="xlsx")


def test_xlsx_external_links_refused(tmp_path):
    path = tmp_path / "links.xlsx"
    _xlsx_zip(path, {"xl/workbook.xml": b"<workbook/>", "xl/externalLinks/externalLink1.xml": b"<externalLink/>"})
    with pytest.raises(IngestError, match="links to other files"):
        ingest(path, tmp_path / "out.parquet", original_name="links.xlsx")


def test_formula_cells_kept_as_text(tmp_path):
    data = b"id,cell\n1,=cmd|' /C calc'!A0\n2,+1+2\n3,-2-3\n4,@SUM(A1)\n"
    result = _ingest(tmp_path, "f.csv", data)
    assert {c.name: c.kind for c in result.columns}["cell"] == "categorical"
    source = ParquetSource(str(tmp_path / "out.parquet"))
    block = source.block_tasks(["cell"])[0]()
    assert list(block["cell"]) == ["=cmd|' /C calc'!A0", "+1+2", "-2-3", "@SUM(A1)"]


def test_ten_megabyte_cell_refused(tmp_path):
    data = b"a,b\n1,short\n2," + b"x" * (10 * 1024 * 1024) + b"\n"
    with pytest.raises(IngestError, match=r"Row 2, column 'b' has a cell longer than 1 MB"):
        _ingest(tmp_path, "big.csv", data)


def test_ragged_row_with_more_fields_refused(tmp_path):
    with pytest.raises(IngestError, match="Line 3 has 4 fields but the header has 3"):
        _ingest(tmp_path, "r.csv", b"a,b,c\n1,2,3\n4,5,6,7\n8,9,10\n")


def test_ragged_row_with_fewer_fields_refused(tmp_path):
    with pytest.raises(IngestError, match="Line 4 has 2 fields but the header has 3"):
        _ingest(tmp_path, "r.csv", b"a,b,c\n1,2,3\n4,5,6\n8,9\n")


def test_ragged_row_in_quoted_file_refused(tmp_path):
    with pytest.raises(IngestError, match="Line 3 has 2 fields but the header has 3"):
        _ingest(tmp_path, "r.csv", b'a,b,c\n"1,5",2,3\n4,5\n')


def test_quoted_delimiters_are_not_ragged(tmp_path):
    result = _ingest(tmp_path, "q.csv", b'a,b,c\n"1,5",2,3\n"x\ny",5,6\n')
    assert result.n_rows == 2


def test_zero_byte_file_refused(tmp_path):
    with pytest.raises(IngestError, match="The file is empty"):
        _ingest(tmp_path, "empty.csv", b"")
    with pytest.raises(IngestError, match="The file is empty"):
        sniff_upload(b"", "empty.csv")


def test_header_only_refused(tmp_path):
    with pytest.raises(IngestError, match="has a header but no data rows"):
        _ingest(tmp_path, "h.csv", b"a,b,c\n")
    with pytest.raises(IngestError, match="has a header but no data rows"):
        _ingest(tmp_path, "h2.csv", b"a,b,c")


def test_too_large_file_refused(tmp_path):
    with pytest.raises(IngestError, match="larger than 1 KB"):
        _ingest(tmp_path, "a.csv", b"a\n" + b"1\n" * 1000, limits=Limits(max_bytes=1024))

"""Ingest: an uploaded CSV / TSV / TXT / gzip / XLSX file becomes a typed Parquet file plus a profile.

Design (chosen by measurement on a 5,000,000 x 20 numeric CSV of 0.95 GB, 2 cores): polars reading typed
``Float64`` columns in streaming batches takes 3.0 s, reading the same file as strings and casting 5.4 s,
``pl.read_csv`` 4.3 s (1 GB RSS), pyarrow's streaming CSV reader 7.7 s. So ingest makes **one optimistic pass**:

1. the file is made UTF-8 (gzip streamed to a temporary file under a size cap, XLSX streamed to a temporary
   CSV after ZIP-bomb and external-link checks, UTF-16 / Windows-1252 transcoded in chunks);
2. the header is read with a bounded read (8 MB) and its field count checked before polars sees the file;
3. the column types are decided on a sample (the first 20,000 rows, read as text);
4. one streaming pass reads numeric columns as ``Float64`` (polars' own parser: no per-value Python), text and
   date columns as strings, and writes each batch as a Parquet row group;
5. anything the sample did not foresee (a text value in a numeric column at row 3,000,000, a date that does not
   parse, a column that needs an exact shift by its full range, invalid UTF-8 late in the file) raises an
   internal ``_Surprise``: a typing pass over the whole file as text decides the types exactly, then the write
   pass runs again with those types (at most three passes in all; ordinary files need one);
6. the profile is computed from the Parquet file one column at a time (``profile.py``).

Exact shift: numeric columns whose values are large and nearly equal (``max|x| / (max - min) > 1e6``, or
``|x| >= 1e9`` with a fractional part) are read as text and converted with ``decimal.Decimal``
(``float(Decimal(text) - Decimal(reference))``) so that ``1000000000000.2`` is stored as ``0.2`` exactly; the
reference (an integer near the values) is kept as ``ColumnMeta.shift``. Only such columns pay for Decimal.

Ragged rows are **refused** (naming the line): a row with more fields makes polars fail; a row with fewer fields
is found by counting delimiters (numpy, in a thread, during the pass) against ``rows x (columns - 1)`` — exact
for files without quote characters; files with quotes are checked record by record with the csv module.
Blank lines become rows of missing values.
"""

from __future__ import annotations

import codecs
import concurrent.futures
import csv
import datetime as dt
import decimal
import math
import os
import resource
import tempfile
import zipfile
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
import polars as pl
import pyarrow as pa
import pyarrow.parquet as pq

from . import sniff
from .errors import IngestError
from .parquet import META_KEY, meta_to_json
from .source import ColumnMeta

ProgressFn = Callable[[float, str], None]
CancelFn = Callable[[], None]

HEADER_MAX_BYTES = 8 * 1024 * 1024
SAMPLE_ROWS = 20_000
PREVIEW_ROWS = 50
LEVEL_CAP = 100_000  # a text column with more distinct values than this is "text", never "categorical"
MISSING_TOKENS = ["", "NA", "N/A", "n/a", "na", "null", "NULL", "Null", "NaN", "nan", "."]
DATE_FORMATS = [
    "%Y-%m-%d",
    "%Y-%m-%dT%H:%M:%S%.f",
    "%Y-%m-%d %H:%M:%S%.f",
    "%Y-%m-%dT%H:%M",
    "%Y-%m-%d %H:%M",
    "%d/%m/%Y",
    "%m/%d/%Y",
    "%d/%m/%Y %H:%M:%S",
    "%m/%d/%Y %H:%M:%S",
    "%d/%m/%Y %H:%M",
    "%m/%d/%Y %H:%M",
    "%d.%m.%Y",
]
_AMBIGUOUS = {"%d/%m/%Y": "%m/%d/%Y", "%d/%m/%Y %H:%M:%S": "%m/%d/%Y %H:%M:%S", "%d/%m/%Y %H:%M": "%m/%d/%Y %H:%M"}
_DECIMAL_CONTEXT = decimal.Context(prec=80)
_COPY_CHUNK = 1024 * 1024
RANGE_BYTES = 16 * 1024 * 1024  # a byte range of the ranged reader (address-space cap)
MAX_RECORD_BYTES = 256 * 1024 * 1024


@dataclass(frozen=True)
class Limits:
    max_bytes: int = 2 * 1024**3  # stored (compressed) size
    max_decompressed_bytes: int = 4 * 1024**3
    max_columns: int = 5000
    max_cell_bytes: int = 1 * 1024**2  # a longer cell is refused with a clear message (row, column)
    max_xlsx_uncompressed_bytes: int = 512 * 1024**2
    max_xlsx_ratio: int = 100  # ZIP bomb guard


@dataclass
class IngestResult:
    n_rows: int
    columns: list[ColumnMeta]
    profile: dict[str, Any]
    preview: dict[str, Any]  # {"columns": [names], "rows": [[str | None, ...] x <= 50]}
    encoding: str
    delimiter: str
    decimal: str
    fmt: str
    warnings: list[str] = field(default_factory=list)


def human_size(n: int) -> str:
    for unit, size in (("GB", 1024**3), ("MB", 1024**2), ("KB", 1024)):
        if n >= size:
            value = n / size
            return f"{value:.0f} {unit}" if value == int(value) else f"{value:.1f} {unit}"
    return f"{n} bytes"


# --------------------------------------------------------------------------------------------------- the plan


@dataclass(frozen=True)
class _Col:
    """How one column is read: ``mode`` float (polars Float64), number (text + own cast), shift (text + Decimal),
    datetime (text + strptime ``fmt``) or string."""

    name: str
    mode: str
    fmt: str | None = None
    shift: str | None = None


@dataclass
class _Stats:
    count: int = 0
    total: float = 0.0
    lo: float = math.inf
    hi: float = -math.inf
    fraction: bool = False
    infinite: int = 0
    levels: Counter[str] | None = field(default_factory=Counter)


@dataclass
class _Dialect:
    path: str
    names: list[str]
    delimiter: str
    decimal: str
    encoding: str


class _Surprise(Exception):  # internal control flow: the sample's types did not hold
    def __init__(self, plan: list[_Col] | None = None) -> None:
        super().__init__("types changed")
        self.plan = plan


class _BadUtf8(Exception):  # internal control flow: the file is not UTF-8 after all
    pass


# ------------------------------------------------------------------------------------------- preparing the file


def _gunzip(src: str, dst: str, limits: Limits, check_cancelled: CancelFn | None) -> None:
    import gzip
    import zlib

    total = 0
    try:
        with gzip.open(src, "rb") as packed, open(dst, "wb") as out:
            while chunk := packed.read(_COPY_CHUNK):
                total += len(chunk)
                if total > limits.max_decompressed_bytes:
                    raise IngestError(
                        f"The file expands to more than {human_size(limits.max_decompressed_bytes)} when decompressed."
                    )
                out.write(chunk)
                if check_cancelled and total % (64 * _COPY_CHUNK) == 0:
                    check_cancelled()
    except (OSError, EOFError, zlib.error) as exc:
        raise IngestError("The gzip file is damaged or truncated.") from exc


def _transcode(src: str, dst: str, encoding: str) -> None:
    """Stream ``src`` from ``encoding`` into UTF-8 ``dst`` (chunked, incremental decoder; BOM dropped)."""
    decoder = codecs.getincrementaldecoder(encoding)(errors="replace")
    first = True
    with open(src, "rb") as raw, open(dst, "w", encoding="utf-8", newline="") as out:
        while True:
            chunk = raw.read(_COPY_CHUNK)
            text = decoder.decode(chunk, final=not chunk)
            if first and text:
                text = text.lstrip("\ufeff")
                first = False
            out.write(text)
            if not chunk:
                break


def _xlsx_cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time(0) else value.isoformat(sep=" ")
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    return str(value)


def _check_xlsx_zip(src: str, limits: Limits) -> None:
    """ZIP bomb and external-link checks on the central directory, before openpyxl opens anything."""
    try:
        with zipfile.ZipFile(src) as archive:
            infos = archive.infolist()
            names = [info.filename for info in infos]
            total = sum(info.file_size for info in infos)
            if total > limits.max_xlsx_uncompressed_bytes:
                raise IngestError(
                    f"The workbook expands to more than {human_size(limits.max_xlsx_uncompressed_bytes)} "
                    "when unpacked; save the sheet as CSV (or gzip-compressed CSV) and upload that."
                )
            for info in infos:
                ratio = info.file_size / max(info.compress_size, 1)
                if info.file_size > 1024 * 1024 and ratio > limits.max_xlsx_ratio:
                    raise IngestError(
                        f"The workbook looks like a ZIP bomb: {info.filename} is compressed {ratio:.0f} to 1 "
                        f"(at most {limits.max_xlsx_ratio} to 1 is accepted)."
                    )
            rels = archive.read("xl/_rels/workbook.xml.rels") if "xl/_rels/workbook.xml.rels" in names else b""
    except zipfile.BadZipFile as exc:
        raise IngestError("The file is not a valid Excel workbook (the ZIP archive is damaged).") from exc
    if any(name.startswith("xl/externalLinks/") for name in names) or b"externalLink" in rels:
        raise IngestError(
            "The workbook links to other files (external links). Break the links in Excel "
            "(Data > Edit Links > Break Link) or save the sheet as CSV, and upload again."
        )


def _xlsx_to_csv(src: str, dst: str, limits: Limits, check_cancelled: CancelFn | None) -> None:
    """The first sheet of an XLSX workbook streamed (openpyxl read-only, cached values) into a UTF-8 CSV.

    openpyxl parses the workbook XML with defusedxml whenever it is installed (``openpyxl.DEFUSEDXML``, unless
    the environment variable OPENPYXL_DEFUSEDXML is set to something other than "True"); we refuse XLSX rather
    than parse it with the plain standard-library parser.
    """
    import openpyxl

    if not openpyxl.DEFUSEDXML:
        raise IngestError("Excel files cannot be read on this server (the safe XML parser is not active).")
    _check_xlsx_zip(src, limits)
    try:
        workbook = openpyxl.load_workbook(src, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds on a damaged or foreign file
        raise IngestError("The file is not a readable Excel workbook.") from exc
    try:
        if not workbook.worksheets:
            raise IngestError("The workbook has no sheets.")
        _write_sheet(workbook.worksheets[0].iter_rows(values_only=True), dst, limits, check_cancelled)
    finally:
        workbook.close()


def _write_sheet(rows: Iterator[tuple[Any, ...]], dst: str, limits: Limits, check_cancelled: CancelFn | None) -> None:
    width = None
    with open(dst, "w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out, lineterminator="\n")
        for number, row in enumerate(rows, start=1):
            cells = [_xlsx_cell(v) for v in row]
            while cells and cells[-1] == "":
                cells.pop()
            if not cells:
                continue
            if width is None:
                width = len(cells)
                if width > limits.max_columns:
                    raise IngestError(f"The sheet has {width:,} columns; at most {limits.max_columns:,} are accepted.")
            if len(cells) > width:
                raise IngestError(f"Row {number} of the sheet has values beyond the {width} header columns.")
            for column, cell in enumerate(cells, start=1):
                if len(cell.encode()) > limits.max_cell_bytes:
                    raise IngestError(
                        f"Row {number}, column {column} of the sheet has a cell longer than "
                        f"{human_size(limits.max_cell_bytes)}."
                    )
            writer.writerow(cells + [""] * (width - len(cells)))
            if check_cancelled and number % 10000 == 0:
                check_cancelled()


def _make_utf8(src: str, tmp: str, fmt: str, limits: Limits, check_cancelled: CancelFn | None) -> tuple[str, str]:
    """A UTF-8 text file with the table, and the original encoding."""
    if fmt == "xlsx":
        dst = os.path.join(tmp, "sheet.csv")
        _xlsx_to_csv(src, dst, limits, check_cancelled)
        return dst, "utf-8"
    path = src
    if fmt == "csv.gz":
        path = os.path.join(tmp, "unpacked.csv")
        _gunzip(src, path, limits, check_cancelled)
    with open(path, "rb") as f:
        head = f.read(sniff.HEAD_BYTES)
    encoding = sniff.check_text(head)
    if encoding in ("utf-8", "utf-8-sig"):
        return path, encoding
    dst = os.path.join(tmp, "transcoded.csv")
    _transcode(path, dst, encoding)
    return dst, encoding


def _read_header(path: str, limits: Limits, preferred: str | None) -> tuple[list[str], str, str]:
    """(raw header names, delimiter, decimal mark), from a bounded read of the start of the file."""
    with open(path, "rb") as f:
        head = f.read(HEADER_MAX_BYTES + 1)
    text = sniff.decode_head(head, "utf-8")
    end = sniff.find_record_end(text)
    if end == -1:
        if len(head) > HEADER_MAX_BYTES:
            raise IngestError(f"The header is longer than {human_size(HEADER_MAX_BYTES)}.")
        if not text.strip():
            raise IngestError("The file is empty.")
        raise IngestError("The file has a header but no data rows.")
    header = text[:end]
    delimiter = sniff.detect_delimiter(text[: sniff.HEAD_BYTES] if end < sniff.HEAD_BYTES else header, preferred)
    if '"' not in header:
        count = header.count(delimiter) + 1
        if count > limits.max_columns:
            raise IngestError(f"The file has {count:,} columns; at most {limits.max_columns:,} are accepted.")
    names = sniff.split_record(header, delimiter)
    if len(names) > limits.max_columns:
        raise IngestError(f"The file has {len(names):,} columns; at most {limits.max_columns:,} are accepted.")
    for index, name in enumerate(names, start=1):
        if len(name.encode()) > limits.max_cell_bytes:
            raise IngestError(f"The name of column {index} is longer than {human_size(limits.max_cell_bytes)}.")
    decimal_mark = sniff.detect_decimal(text[: sniff.HEAD_BYTES], delimiter)
    return names, delimiter, decimal_mark


# --------------------------------------------------------------------------------------------- polars reading


def address_space_limited() -> bool:
    """True when the process runs under an address-space cap (``RLIMIT_AS``): then the file is read in ranges."""
    return resource.getrlimit(resource.RLIMIT_AS)[0] != resource.RLIM_INFINITY


def _record_end(buf: bytes | bytearray) -> int:
    """Index just past the last record end of ``buf`` (a newline outside quotes); 0 when there is none.

    Outside a quoted field the number of quote characters before a position is even (an escaped quote ``""``
    adds two), so a newline after an even number of quotes ends a record.
    """
    if b'"' not in buf:
        return buf.rfind(b"\n") + 1
    array = np.frombuffer(buf, dtype=np.uint8)
    newlines = np.flatnonzero(array == 10)
    if not newlines.size:
        return 0
    quotes = np.flatnonzero(array == 34)
    ends = newlines[(np.searchsorted(quotes, newlines) & 1) == 0]
    return int(ends[-1]) + 1 if ends.size else 0


def _byte_ranges(path: str) -> Iterator[bytes]:
    """The records after the header, in pieces of about ``RANGE_BYTES`` that end at record ends."""
    with open(path, "rb") as f:
        pending = bytearray()
        header_done = False
        while True:
            chunk = f.read(RANGE_BYTES)
            pending += chunk
            if not header_done:
                first = sniff.find_record_end(pending[: HEADER_MAX_BYTES + 1].decode("utf-8", "replace"))
                if first == -1 and chunk:
                    continue
                # the header's length in bytes (decoding may have replaced bytes one for one only if ASCII)
                head = len(pending[: HEADER_MAX_BYTES + 1].decode("utf-8", "replace")[:first].encode("utf-8"))
                del pending[: head if first != -1 else len(pending)]
                header_done = True
            end = len(pending) if not chunk else _record_end(pending)
            if end:
                yield bytes(pending[:end])
                del pending[:end]
            elif len(pending) > MAX_RECORD_BYTES:
                raise IngestError(f"A row is longer than {human_size(MAX_RECORD_BYTES)}; rows must end with a newline.")
            if not chunk:
                return


def _ranged_frames(
    d: _Dialect, schema: dict[str, Any], n_rows: int | None, nulls: bool, chunk_rows: int
) -> Iterator[pl.DataFrame]:
    """What ``_scan(...).collect_batches`` gives, read range by range (bounded memory, no mapping of the file)."""
    held: list[pl.DataFrame] = []
    held_rows = 0
    remaining = n_rows
    for piece in _byte_ranges(d.path):
        frame = pl.read_csv(piece, **_csv_options(d, schema, remaining, nulls))
        held.append(frame)
        held_rows += frame.height
        if remaining is not None:
            remaining -= frame.height
        while held_rows >= chunk_rows:
            whole = pl.concat(held) if len(held) > 1 else held[0]
            yield whole.slice(0, chunk_rows)
            rest = whole.slice(chunk_rows)
            held, held_rows = [rest], rest.height
        if remaining is not None and remaining <= 0:
            break
    if held_rows:
        yield pl.concat(held) if len(held) > 1 else held[0]


def _frames(
    d: _Dialect, schema: dict[str, Any], n_rows: int | None = None, nulls: bool = True, chunk_rows: int = 131072
) -> Iterator[pl.DataFrame]:
    """The table in frames of ``chunk_rows`` rows: polars' streaming reader over the mapped file (fastest), or,
    under an address-space cap, bounded byte ranges parsed one by one (the file is never mapped whole)."""
    if address_space_limited():
        yield from _ranged_frames(d, schema, n_rows, nulls, chunk_rows)
    else:
        yield from _scan(d, schema, n_rows, nulls).collect_batches(chunk_size=chunk_rows)


def _csv_options(d: _Dialect, schema: dict[str, Any], n_rows: int | None, nulls: bool) -> dict[str, Any]:
    """The parser options both readers share (records only: the header is skipped by the caller)."""
    return {
        "has_header": False,
        "schema": schema,
        "separator": d.delimiter,
        "null_values": MISSING_TOKENS if nulls else None,
        "decimal_comma": d.decimal == ",",
        "n_rows": n_rows,
        "truncate_ragged_lines": False,
        "raise_if_empty": False,
    }


def _scan(d: _Dialect, schema: dict[str, Any], n_rows: int | None = None, nulls: bool = True) -> pl.LazyFrame:
    return pl.scan_csv(d.path, skip_rows=1, **_csv_options(d, schema, n_rows, nulls))


def _find_bad_record(path: str, delimiter: str, width: int) -> tuple[int, int] | None:
    """(line number, field count) of the first record whose field count differs from ``width`` (csv module)."""
    old = csv.field_size_limit()
    csv.field_size_limit(2**31 - 1)
    try:
        with open(path, encoding="utf-8", errors="replace", newline="") as f:
            reader = csv.reader(f, delimiter=delimiter)
            next(reader, None)
            for row in reader:
                if row and len(row) != width:
                    return reader.line_num, len(row)
    except csv.Error:
        return None
    finally:
        csv.field_size_limit(old)
    return None


def _ragged_error(d: _Dialect) -> IngestError:
    bad = _find_bad_record(d.path, d.delimiter, len(d.names))
    if bad is None:
        return IngestError("Some rows have a different number of fields than the header.")
    line, fields = bad
    return IngestError(
        f"Line {line:,} has {fields} fields but the header has {len(d.names)}; every row must have as many "
        "fields as the header."
    )


def _polars_error(exc: Exception, d: _Dialect) -> Exception:
    text = str(exc)
    if "invalid utf-8" in text.lower():
        return _BadUtf8()
    if "more fields" in text or "not specified in schema" in text:  # polars words "too many fields" both ways
        return _ragged_error(d)
    if "could not parse" in text:
        return _Surprise()
    first = text.strip().splitlines()[0] if text.strip() else type(exc).__name__
    return IngestError(f"The file could not be read as a table ({first[:200]}).")


def _read_strings(d: _Dialect, n_rows: int | None, nulls: bool = True) -> pl.DataFrame:
    try:
        frames = list(_frames(d, dict.fromkeys(d.names, pl.String), n_rows, nulls))
        return pl.concat(frames) if frames else pl.DataFrame(schema=dict.fromkeys(d.names, pl.String))
    except pl.exceptions.PolarsError as exc:
        raise _polars_error(exc, d) from exc


# ------------------------------------------------------------------------------------------ deciding the types


def _needs_shift(lo: float, hi: float, fraction: bool) -> bool:
    if not (math.isfinite(lo) and math.isfinite(hi)):
        return False
    magnitude = max(abs(lo), abs(hi))
    if magnitude >= 1e9 and fraction:
        return True
    return hi > lo and magnitude / (hi - lo) > 1e6


def _reference(lo: float, hi: float) -> str:
    return str(round((lo + hi) / 2))


def _as_number(values: pl.Series, decimal_mark: str) -> pl.Series:
    text = values.str.strip_chars()
    if decimal_mark == ",":
        text = text.str.replace(",", ".", literal=True)
    return text.cast(pl.Float64, strict=False)


def _date_format(values: pl.Series, warnings: list[str], name: str) -> str | None:
    text = values.str.strip_chars()
    fits = [f for f in DATE_FORMATS if text.str.to_datetime(f, strict=False, time_unit="us").null_count() == 0]
    if not fits:
        return None
    chosen = fits[0]
    if chosen in _AMBIGUOUS and _AMBIGUOUS[chosen] in fits:
        warnings.append(f"Column {name!r}: dates could be day/month or month/day; kept as text.")
        return None
    return chosen


def _classify(name: str, values: pl.Series, decimal_mark: str, warnings: list[str], fast: bool) -> _Col:
    present = values.drop_nulls()
    if present.is_empty():
        return _Col(name, "float" if fast else "number")
    numbers = _as_number(present, decimal_mark)
    if numbers.null_count() == 0:
        finite = numbers.filter(numbers.is_finite())
        if finite.len():
            lo, hi = float(finite.min()), float(finite.max())  # type: ignore[arg-type]
            fraction = bool((finite != finite.floor()).any())
            if _needs_shift(lo, hi, fraction):
                return _Col(name, "shift", shift=_reference(lo, hi))
        plain = bool((present.str.strip_chars().str.len_bytes() == present.str.len_bytes()).all())
        return _Col(name, "float" if fast and plain else "number")
    fmt = _date_format(present, warnings, name)
    if fmt is not None:
        return _Col(name, "datetime", fmt=fmt)
    return _Col(name, "string")


def _sample_plan(d: _Dialect, warnings: list[str]) -> tuple[list[_Col], pl.DataFrame]:
    sample = _read_strings(d, SAMPLE_ROWS)
    if sample.height == 0:
        raise IngestError("The file has a header but no data rows.")
    return [_classify(n, sample[n], d.decimal, warnings, fast=True) for n in d.names], sample


@dataclass
class _TypeState:
    """What one column can still be, during the typing pass."""

    numeric: bool = True
    seen: bool = False  # has had a value
    date: str | None = None  # the date format every value so far fits
    lo: float = math.inf
    hi: float = -math.inf
    fraction: bool = False

    def update(self, present: pl.Series, decimal_mark: str) -> None:
        if self.numeric:
            numbers = _as_number(present, decimal_mark)
            if not numbers.null_count():
                finite = numbers.filter(numbers.is_finite())
                if finite.len():
                    self.lo = min(self.lo, float(finite.min()))  # type: ignore[arg-type]
                    self.hi = max(self.hi, float(finite.max()))  # type: ignore[arg-type]
                    self.fraction = self.fraction or bool((finite != finite.floor()).any())
                self.seen = True
                return
            self.numeric = False
            # numbers earlier in the file are not dates
            self.date = None if self.seen else _date_format(present, [], present.name)
            self.seen = True
            return
        if self.date is not None:
            parsed = present.str.strip_chars().str.to_datetime(self.date, strict=False, time_unit="us")
            if parsed.null_count():
                self.date = None

    def column(self, name: str) -> _Col:
        if self.numeric:
            shift = _reference(self.lo, self.hi) if _needs_shift(self.lo, self.hi, self.fraction) else None
            return _Col(name, "shift" if shift else "number", shift=shift)
        if self.date is not None:
            return _Col(name, "datetime", fmt=self.date)
        return _Col(name, "string")


def _typing_pass(d: _Dialect, limits: Limits, check_cancelled: CancelFn | None) -> list[_Col]:
    """Pass over the whole file as text: the exact type of every column (used when the sample was wrong)."""
    states = {name: _TypeState() for name in d.names}
    offset = 0
    try:
        for batch in _frames(d, dict.fromkeys(d.names, pl.String)):
            if check_cancelled:
                check_cancelled()
            _check_cells(batch, d.names, limits, offset)
            offset += batch.height
            for name in d.names:
                present = batch[name].drop_nulls()
                if not present.is_empty():
                    states[name].update(present, d.decimal)
    except pl.exceptions.PolarsError as exc:
        raise _polars_error(exc, d) from exc
    return [states[name].column(name) for name in d.names]


# ----------------------------------------------------------------------------------------------- writing


def _check_cells(batch: pl.DataFrame, names: list[str], limits: Limits, offset: int) -> None:
    text = [n for n in names if batch.schema[n] == pl.String]
    if not text:
        return
    longest = batch.select(pl.col(n).str.len_bytes().max() for n in text).row(0)
    for name, size in zip(text, longest, strict=True):
        if size is not None and size > limits.max_cell_bytes:
            row = offset + int(batch[name].str.len_bytes().arg_max() or 0) + 1
            raise IngestError(
                f"Row {row:,}, column {name!r} has a cell longer than {human_size(limits.max_cell_bytes)} "
                f"({human_size(int(size))}); cells are limited to {human_size(limits.max_cell_bytes)}."
            )


def _shift_values(values: pl.Series, decimal_mark: str, reference: str) -> np.ndarray:
    ref = decimal.Decimal(reference)
    text = values.str.strip_chars()
    if decimal_mark == ",":
        text = text.str.replace(",", ".", literal=True)
    out = np.empty(len(text), dtype=np.float64)
    sub = _DECIMAL_CONTEXT.subtract
    for i, v in enumerate(text.to_list()):
        out[i] = math.nan if v is None else float(sub(decimal.Decimal(v), ref))
    return out


def _convert_column(col: _Col, values: pl.Series, decimal_mark: str) -> pl.Series:
    if col.mode == "float":
        return values
    if col.mode in ("number", "shift"):
        numbers = _as_number(values, decimal_mark)
        if numbers.null_count() != values.null_count():
            raise _Surprise()
        if col.mode == "shift":
            return pl.Series(col.name, _shift_values(values, decimal_mark, col.shift or "0"))
        return numbers
    if col.mode == "datetime":
        parsed = values.str.strip_chars().str.to_datetime(col.fmt, strict=False, time_unit="us")
        if parsed.null_count() != values.null_count():
            raise _Surprise()
        return parsed
    return values


def _update_stats(stats: _Stats, col: _Col, values: pl.Series) -> pl.Series:
    if col.mode == "string":
        if stats.levels is not None:
            stats.levels.update(dict(values.drop_nulls().value_counts().iter_rows()))
            if len(stats.levels) > LEVEL_CAP:
                stats.levels = None
        stats.count += values.len() - values.null_count()
        return values
    if col.mode == "datetime":
        stats.count += values.len() - values.null_count()
        return values
    array = values.to_numpy().astype(np.float64, copy=False)
    finite = np.isfinite(array)
    infinite = int(np.isinf(array).sum())
    if infinite:
        stats.infinite += infinite
        array = np.where(finite, array, np.nan)
        values = pl.Series(col.name, array)
    good = array[finite] if not finite.all() else array
    if good.size:
        stats.count += int(good.size)
        stats.total += float(good.sum())
        stats.lo = min(stats.lo, float(good.min()))
        stats.hi = max(stats.hi, float(good.max()))
        if not stats.fraction and max(abs(stats.lo), abs(stats.hi)) >= 1e9:
            stats.fraction = bool((good != np.floor(good)).any())
    return values


def _arrow_type(col: _Col) -> pa.DataType:
    if col.mode in ("float", "number", "shift"):
        return pa.float64()
    if col.mode == "datetime":
        return pa.timestamp("us")
    return pa.large_string()


def _count_delimiters(path: str, delimiter: str) -> tuple[int, bool]:
    """(delimiter bytes in the file, whether it has any quote character) — numpy, 16 MB at a time."""
    code = ord(delimiter)
    total, quoted = 0, False
    with open(path, "rb") as f:
        while chunk := f.read(16 * 1024 * 1024):
            array = np.frombuffer(chunk, dtype=np.uint8)
            total += int(np.count_nonzero(array == code))
            quoted = quoted or chunk.find(b'"') >= 0
    return total, quoted


@dataclass
class _Pass:
    n_rows: int
    stats: dict[str, _Stats]


def _write_pass(
    d: _Dialect,
    plan: list[_Col],
    out_path: str,
    limits: Limits,
    row_group_rows: int,
    progress: ProgressFn | None,
    check_cancelled: CancelFn | None,
    expected_rows: float,
) -> _Pass:
    schema = {c.name: pl.Float64 if c.mode == "float" else pl.String for c in plan}
    arrow_schema = pa.schema([(c.name, _arrow_type(c)) for c in plan])
    stats = {c.name: _Stats(levels=Counter() if c.mode == "string" else None) for c in plan}
    n_rows = 0
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        counting = pool.submit(_count_delimiters, d.path, d.delimiter)
        # Dictionary encoding only for text (it costs 6x the write time on float columns and saves nothing there);
        # no column statistics (nobody reads them; 25 % of the write time).
        strings = [c.name for c in plan if c.mode == "string"]
        writer = pq.ParquetWriter(
            out_path,
            arrow_schema,
            # numbers are written uncompressed: measured, snappy costs write time and saves nothing on
            # measured (noisy) floats; text keeps snappy and dictionaries
            compression={c.name: ("snappy" if c.mode == "string" else "none") for c in plan},
            use_dictionary=strings or False,
            write_statistics=False,
        )
        try:
            for batch in _frames(d, schema, chunk_rows=row_group_rows):
                if check_cancelled:
                    check_cancelled()
                _check_cells(batch, d.names, limits, n_rows)
                columns = [_update_stats(stats[c.name], c, _convert_column(c, batch[c.name], d.decimal)) for c in plan]
                table = pl.DataFrame(columns).to_arrow().cast(arrow_schema)
                writer.write_table(table, row_group_size=row_group_rows)
                n_rows += batch.height
                if progress:
                    progress(min(85.0, 5.0 + 80.0 * n_rows / max(expected_rows, 1.0)), "Writing Parquet")
        except pl.exceptions.PolarsError as exc:
            raise _polars_error(exc, d) from exc
        finally:
            pass_result = _Pass(n_rows, stats)
            _finish_writer(writer, plan, pass_result)
        delimiters, quoted = counting.result()
    _check_rows(d, n_rows, delimiters, quoted)
    late = [c for c in plan if c.mode in ("float", "number") and _late_shift(stats[c.name])]
    if late:
        shifted = {c.name: _reference(stats[c.name].lo, stats[c.name].hi) for c in late}
        raise _Surprise([replace(c, mode="shift", shift=shifted[c.name]) if c.name in shifted else c for c in plan])
    return pass_result


def _late_shift(stats: _Stats) -> bool:
    return _needs_shift(stats.lo, stats.hi, stats.fraction)


def _check_rows(d: _Dialect, n_rows: int, delimiters: int, quoted: bool) -> None:
    """Refuse rows with fewer fields than the header (polars pads them silently)."""
    width = len(d.names)
    if width < 2:
        return
    if not quoted and delimiters == (n_rows + 1) * (width - 1):
        return
    bad = _find_bad_record(d.path, d.delimiter, width)
    if bad is not None:
        line, fields = bad
        raise IngestError(
            f"Line {line:,} has {fields} fields but the header has {width}; every row must have as many "
            "fields as the header."
        )


def _column_metas(plan: list[_Col], result: _Pass) -> list[ColumnMeta]:
    metas = []
    for col in plan:
        st = result.stats[col.name]
        if col.mode == "string":
            categorical = st.levels is not None and (len(st.levels) <= 50 or len(st.levels) <= 0.05 * st.count)
            levels = sorted(st.levels) if categorical and st.levels is not None else None
            metas.append(ColumnMeta(col.name, "categorical" if categorical else "text", levels=levels))
        elif col.mode == "datetime":
            metas.append(ColumnMeta(col.name, "datetime"))
        else:
            mean = st.total / st.count if st.count else None
            extra = {"count": st.count, "lo": st.lo, "hi": st.hi} if st.count else {"count": 0}
            metas.append(ColumnMeta(col.name, "numeric", shift=col.shift, mean=mean, extra=extra))
    return metas


def _finish_writer(writer: pq.ParquetWriter, plan: list[_Col], result: _Pass) -> None:
    try:
        writer.add_key_value_metadata({META_KEY: meta_to_json(result.n_rows, _column_metas(plan, result))})
    finally:
        writer.close()


# --------------------------------------------------------------------------------------------------- ingest


def _preview(d: _Dialect, sample: pl.DataFrame) -> dict[str, Any]:
    raw = _read_strings(d, PREVIEW_ROWS, nulls=False) if sample.height else sample
    rows = [[None if v is None or v == "" else v for v in row] for row in raw.head(PREVIEW_ROWS).iter_rows()]
    return {"columns": list(d.names), "rows": rows}


def _resolve_format(src: str, original_name: str | None, fmt: str | None) -> str:
    if fmt is not None:
        if fmt not in ("csv", "tsv", "xlsx", "csv.gz"):
            raise IngestError(f"Unknown file format {fmt!r}.")
        return fmt
    with open(src, "rb") as f:
        head = f.read(sniff.HEAD_BYTES)
    return sniff.sniff_upload(head, original_name or os.path.basename(src))


def _run_passes(
    d: _Dialect,
    out_path: str,
    limits: Limits,
    row_group_rows: int,
    progress: ProgressFn | None,
    check_cancelled: CancelFn | None,
    warnings: list[str],
) -> tuple[list[_Col], _Pass, pl.DataFrame]:
    plan, sample = _sample_plan(d, warnings)
    size = os.path.getsize(d.path)
    sample_bytes = max(
        1, sum(int(sample[n].str.len_bytes().sum() or 0) for n in d.names) + sample.height * len(d.names)
    )
    expected = size / (sample_bytes / sample.height)
    for _attempt in range(3):
        try:
            return (
                plan,
                _write_pass(d, plan, out_path, limits, row_group_rows, progress, check_cancelled, expected),
                sample,
            )
        except _Surprise as surprise:
            if progress:
                progress(5.0, "Reading")
            plan = surprise.plan or _typing_pass(d, limits, check_cancelled)
    raise IngestError("The column types of the file could not be settled.")  # pragma: no cover - defensive


def ingest(
    src_path: str | os.PathLike[str],
    out_path: str | os.PathLike[str],
    *,
    original_name: str | None = None,
    fmt: str | None = None,
    limits: Limits | None = None,
    progress: ProgressFn | None = None,
    check_cancelled: CancelFn | None = None,
    row_group_rows: int = 131072,
) -> IngestResult:
    """Read an uploaded table into a typed Parquet file at ``out_path``; IngestError for a bad or hostile file."""
    from . import allocator
    from .profile import profile_parquet

    allocator.tune()
    src, out = str(src_path), str(out_path)
    limits = limits or Limits()
    if os.path.getsize(src) == 0:
        raise IngestError("The file is empty.")
    if os.path.getsize(src) > limits.max_bytes:
        raise IngestError(f"The file is larger than {human_size(limits.max_bytes)}.")
    fmt = _resolve_format(src, original_name, fmt)
    if progress:
        progress(0.0, "Reading")
    warnings: list[str] = []
    tmp_parent = os.path.dirname(os.path.abspath(out))
    with tempfile.TemporaryDirectory(prefix="ingest-", dir=tmp_parent) as tmp:
        text_path, encoding = _make_utf8(src, tmp, fmt, limits, check_cancelled)
        try:
            d, plan, result, sample = _ingest_text(
                text_path, fmt, encoding, out, limits, row_group_rows, progress, check_cancelled, warnings
            )
        except _BadUtf8:
            # Valid UTF-8 at the start, not later: the file is Windows-1252 after all.
            dst = os.path.join(tmp, "transcoded.csv")
            _transcode(text_path, dst, "cp1252")
            warnings.clear()
            d, plan, result, sample = _ingest_text(
                dst, fmt, "cp1252", out, limits, row_group_rows, progress, check_cancelled, warnings
            )
        preview = _preview(d, sample)
    for col in plan:
        st = result.stats[col.name]
        if st.infinite:
            warnings.append(f"Column {col.name!r}: {st.infinite:,} infinite values are treated as missing.")
    columns = _column_metas(plan, result)
    if progress:
        progress(85.0, "Profiling")
    profile = profile_parquet(out, columns, check_cancelled=check_cancelled)
    if progress:
        progress(100.0, "Profiling")
    return IngestResult(
        n_rows=result.n_rows,
        columns=columns,
        profile=profile,
        preview=preview,
        encoding=d.encoding,
        delimiter=d.delimiter,
        decimal=d.decimal,
        fmt=fmt,
        warnings=warnings,
    )


def _ingest_text(
    path: str,
    fmt: str,
    encoding: str,
    out: str,
    limits: Limits,
    row_group_rows: int,
    progress: ProgressFn | None,
    check_cancelled: CancelFn | None,
    warnings: list[str],
) -> tuple[_Dialect, list[_Col], _Pass, pl.DataFrame]:
    preferred = "\t" if fmt == "tsv" else None
    raw_names, delimiter, decimal_mark = _read_header(path, limits, preferred)
    if raw_names and raw_names[0].startswith("\ufeff"):
        raw_names[0] = raw_names[0][1:]
    names, renamed = sniff.unique_names(raw_names)
    warnings.extend(renamed)
    d = _Dialect(path=path, names=names, delimiter=delimiter, decimal=decimal_mark, encoding=encoding)
    plan, result, sample = _run_passes(d, out, limits, row_group_rows, progress, check_cancelled, warnings)
    if result.n_rows == 0:
        raise IngestError("The file has a header but no data rows.")
    return d, plan, result, sample


__all__ = ["IngestResult", "Limits", "human_size", "ingest"]

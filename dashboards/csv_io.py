"""CSV export and import of a scorecard's quarterly results.

Export: ``quarter, metric_key, metric, supplier_value, customer_value, agreed_value, zone,
discrepancy``; text cells go through ``csv_safe`` (a spreadsheet never runs them as formulas);
figures are written as plain decimals we produced ourselves.

Import: columns ``quarter, metric_key, supplier_value, customer_value, agreed_value`` (an export's
extra columns are accepted and ignored, so an export can be edited and imported back). UTF-8 with
or without BOM, at most 2 MB and 5,000 rows. Every problem is reported with its row number, column
and message, and the import is ALL OR NOTHING: any error and nothing is saved. An empty cell leaves
that figure unchanged. A customer participant imports only ``customer_value`` (other figure cells
must be empty); our people leave ``customer_value`` empty (an admin may fill it).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import IO, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from core import quarters
from core.exports import csv_safe
from core.models import Membership
from dashboards import services
from dashboards.models import Scorecard
from dashboards.selectors import Cell

MAX_BYTES = 2 * 1024 * 1024
MAX_ROWS = 5000
MAX_ERRORS = 200
EXPORT_HEADER = [
    "quarter",
    "metric_key",
    "metric",
    "supplier_value",
    "customer_value",
    "agreed_value",
    "zone",
    "discrepancy",
]
IMPORT_COLUMNS = ["quarter", "metric_key", "supplier_value", "customer_value", "agreed_value"]
IGNORED_COLUMNS = {"metric", "zone", "discrepancy"}
VALUE_COLUMNS = ("supplier_value", "customer_value", "agreed_value")


def _figure(value: Decimal | None) -> str:
    if value is None:
        return ""
    text = format(value.normalize(), "f")
    return text


def write_export(out: IO[str], cells: Iterable[Cell]) -> None:
    writer = csv.writer(out)
    writer.writerow(EXPORT_HEADER)
    for cell in cells:
        result = cell.result
        assert result is not None
        writer.writerow(
            [
                csv_safe(cell.quarter),
                csv_safe(result.metric_key),
                csv_safe(cell.metric.name if cell.metric else "(not on the scorecard that quarter)"),
                _figure(result.supplier_value),
                _figure(result.customer_value),
                _figure(result.agreed_value),
                csv_safe(cell.zone or ""),
                "yes" if cell.discrepancy else "no",
            ]
        )


@dataclass(frozen=True)
class RowError:
    row: int | None  # line number in the file (the header is row 1); None: the file as a whole
    column: str
    message: str


@dataclass
class ImportReport:
    imported: int = 0
    errors: list[RowError] = field(default_factory=list)
    more_errors: int = 0

    @property
    def ok(self) -> bool:
        return not self.errors

    def add(self, row: int | None, column: str, message: str) -> None:
        if len(self.errors) < MAX_ERRORS:
            self.errors.append(RowError(row=row, column=column, message=message))
        else:
            self.more_errors += 1


def _decode(data: bytes, report: ImportReport) -> str | None:
    if b"\x00" in data:
        report.add(
            None, "", "This is not a CSV text file (it contains binary data). Export it as CSV UTF-8 and try again."
        )
        return None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        report.add(
            None, "", "The file is not UTF-8 text. In your spreadsheet choose “CSV UTF-8” when saving, then try again."
        )
        return None


def parse(
    data: bytes, *, actor: Membership, known: services.MetricKeys | None = None, size: int | None = None
) -> tuple[list[dict[str, Any]], list[int], ImportReport]:
    """The file's entries for ``services.results_record_many`` and their row numbers, or errors.

    ``size``: the upload's full size when ``data`` was cut short (only the first 2 MB + 1 byte read)."""
    report = ImportReport()
    total = max(len(data), size or 0)
    if total > MAX_BYTES:
        report.add(
            None,
            "",
            f"The file is {total / (1024 * 1024):.1f} MB; the limit is 2 MB (about 5,000 rows). Split it, then retry.",
        )
        return [], [], report
    text = _decode(data, report)
    if text is None:
        return [], [], report
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader, None)
    except csv.Error as error:
        report.add(1, "", f"This is not a readable CSV file ({error}).")
        return [], [], report
    if not header or not any(cell.strip() for cell in header):
        report.add(
            None, "", "The file is empty: the first row must name the columns " + ", ".join(IMPORT_COLUMNS) + "."
        )
        return [], [], report
    names = [cell.strip().lower() for cell in header]
    missing = [c for c in IMPORT_COLUMNS if c not in names]
    unknown = [n for n in names if n and n not in IMPORT_COLUMNS and n not in IGNORED_COLUMNS]
    if missing or unknown:
        parts = []
        if missing:
            parts.append("missing column(s) " + ", ".join(missing))
        if unknown:
            parts.append("unknown column(s) " + ", ".join(n[:30] for n in unknown[:5]))
        report.add(
            1, "", "The header row is wrong: " + "; ".join(parts) + ". Expected: " + ", ".join(IMPORT_COLUMNS) + "."
        )
        return [], [], report
    position = {name: names.index(name) for name in IMPORT_COLUMNS}
    allowed = services.result_fields_for(actor)
    entries: list[dict[str, Any]] = []
    row_numbers: list[int] = []
    seen: dict[tuple[str, str], int] = {}
    line, data_rows = 1, 0
    try:
        for cells in reader:
            line += 1
            if not any(cell.strip() for cell in cells):
                continue
            data_rows += 1
            if data_rows > MAX_ROWS:
                report = ImportReport()
                report.add(None, "", f"The file has more than {MAX_ROWS:,} rows; split it and try again.")
                return [], [], report
            if len(cells) != len(names):
                report.add(line, "", f"Expected {len(names)} cells, found {len(cells)}.")
                continue
            entry, ok = _parse_row(line, cells, position, allowed, actor, known, report)
            if not ok:
                continue
            place = (entry["metric_key"], entry["quarter"])
            if place in seen:
                report.add(line, "metric_key", f"Duplicate: {place[0]} for {place[1]} is already in row {seen[place]}.")
                continue
            seen[place] = line
            entries.append(entry)
            row_numbers.append(line)
    except csv.Error as error:
        report.add(line, "", f"This is not a readable CSV file ({error}).")
    if not entries and not report.errors:
        report.add(None, "", "The file has no result rows.")
    return entries, row_numbers, report


def _parse_row(
    line: int,
    cells: list[str],
    position: dict[str, int],
    allowed: frozenset[str],
    actor: Membership,
    known: services.MetricKeys | None,
    report: ImportReport,
) -> tuple[dict[str, Any], bool]:
    ok = quarter_ok = True
    quarter = cells[position["quarter"]].strip().upper()
    try:
        quarters.parse(quarter)
    except ValidationError as error:
        report.add(line, "quarter", error.messages[0] if quarter else "The quarter is empty (write it like 2026Q3).")
        ok = quarter_ok = False
    else:
        if quarter > quarters.current():
            report.add(line, "quarter", f"{quarter} has not started yet: import results of past quarters.")
            ok = quarter_ok = False
    key = cells[position["metric_key"]].strip()
    if not key:
        report.add(line, "metric_key", "The metric key is empty.")
        ok = False
    elif quarter_ok and known is not None and not known.has(quarter, key):
        report.add(line, "metric_key", f"Unknown metric '{key[:60]}': it is not on the scorecard for {quarter}.")
        ok = False
    entry: dict[str, Any] = {"quarter": quarter, "metric_key": key}
    for column in VALUE_COLUMNS:
        raw = cells[position[column]]
        if not raw.strip():
            continue
        if column not in allowed:
            who = (
                "Customer participants import only customer_value"
                if actor.is_customer
                else ("customer_value is the customer's figure: leave it empty")
            )
            report.add(line, column, f"{who}.")
            ok = False
            continue
        try:
            entry[column] = services.parse_decimal(raw)
        except ValidationError as error:
            report.add(line, column, error.messages[0])
            ok = False
    if ok and not any(column in entry for column in VALUE_COLUMNS):
        report.add(line, "", "The row has no figure.")
        ok = False
    return entry, ok


def import_results(*, actor: Membership, scorecard: Scorecard, data: bytes, size: int | None = None) -> ImportReport:
    """Parse and save, all or nothing. ``PermissionDenied`` if the actor may not record results."""
    if not services.result_fields_for(actor):
        raise PermissionDenied("Your role does not allow importing results.")
    known = services.MetricKeys.load(scorecard)
    entries, row_numbers, report = parse(data, actor=actor, known=known, size=size)
    if not report.ok:
        return report
    try:
        with transaction.atomic():
            saved = services.results_record_many(actor=actor, scorecard=scorecard, entries=entries, skip_blank=False)
    except ValidationError as error:
        for index, messages in error.message_dict.items():
            row = row_numbers[int(index)] if index.isdigit() else None
            for message in messages:
                column = ""
                for name in ("metric_key", "quarter", *VALUE_COLUMNS):
                    prefix = name.replace("_", " ") + ": "
                    if message.startswith(prefix):
                        column, message = name, message[len(prefix) :]
                        break
                report.add(row, column, message)
        return report
    report.imported = len(saved)
    return report

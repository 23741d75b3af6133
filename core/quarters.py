"""Quarters as ``YYYYQn`` strings ("2026Q3"): parsing, arithmetic and their date ranges."""

from __future__ import annotations

import datetime as dt
import re

from django.core.exceptions import ValidationError
from django.utils import timezone

QUARTER_RE = re.compile(r"^(\d{4})Q([1-4])$")


def parse(quarter: str) -> tuple[int, int]:
    match = QUARTER_RE.match(quarter or "")
    if not match:
        raise ValidationError(f"'{quarter}' is not a quarter: write it like 2026Q3.", code="bad_quarter")
    year, q = int(match.group(1)), int(match.group(2))
    if not 2000 <= year <= 2100:
        raise ValidationError(f"'{quarter}' is out of range (2000–2100).", code="bad_quarter")
    return year, q


def validate_quarter(value: str) -> None:
    parse(value)


def of(day: dt.date) -> str:
    return f"{day.year}Q{(day.month - 1) // 3 + 1}"


def current() -> str:
    return of(timezone.localdate())


def shift(quarter: str, n: int) -> str:
    year, q = parse(quarter)
    index = year * 4 + (q - 1) + n
    return f"{index // 4}Q{index % 4 + 1}"


def last(n: int, *, ending: str | None = None) -> list[str]:
    """The ``n`` quarters ending with ``ending`` (default: the current one), oldest first."""
    end = ending or current()
    return [shift(end, -i) for i in range(n - 1, -1, -1)]


def start_date(quarter: str) -> dt.date:
    year, q = parse(quarter)
    return dt.date(year, 3 * (q - 1) + 1, 1)


def end_date(quarter: str) -> dt.date:
    return start_date(shift(quarter, 1)) - dt.timedelta(days=1)


def is_closed(quarter: str, *, today: dt.date | None = None) -> bool:
    """A quarter closes the day after it ends."""
    return (today or timezone.localdate()) > end_date(quarter)

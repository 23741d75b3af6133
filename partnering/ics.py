"""iCalendar (RFC 5545) export of meetings, written by hand: one VEVENT per meeting.

Internal notes are never included: the file may be forwarded to the customer.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.http import HttpResponse
from django.utils import timezone

from partnering.models import Meeting


def _escape(text: str) -> str:
    return (
        text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\r\n", "\\n").replace("\n", "\\n")
    )


def _fold(line: str) -> str:
    """Lines longer than 75 octets are folded with CRLF + space (RFC 5545 §3.1)."""
    data = line.encode()
    if len(data) <= 75:
        return line
    parts, start = [], 0
    while start < len(data):
        size = 75 if start == 0 else 74
        chunk = data[start : start + size]
        while True:  # never split inside a UTF-8 character
            try:
                parts.append(chunk.decode())
                break
            except UnicodeDecodeError:
                chunk = chunk[:-1]
        start += len(chunk)
    return "\r\n ".join(parts)


def _stamp(value: dt.datetime) -> str:
    return value.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")


def meetings_ics(meetings: Iterable[Meeting], *, calendar_name: str = "Partnering") -> str:
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//Partnering//Relationship meetings//EN",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"X-WR-CALNAME:{_escape(calendar_name)}",
    ]
    now = _stamp(timezone.now())
    for meeting in meetings:
        end = meeting.starts_at + dt.timedelta(minutes=meeting.duration_minutes)
        description = meeting.agenda or ""
        lines += [
            "BEGIN:VEVENT",
            f"UID:{meeting.pk}@partnering",
            f"DTSTAMP:{now}",
            f"DTSTART:{_stamp(meeting.starts_at)}",
            f"DTEND:{_stamp(end)}",
            f"SUMMARY:{_escape(meeting.title)}",
            f"DESCRIPTION:{_escape(description)}",
            f"LOCATION:{_escape(meeting.location)}",
            f"STATUS:{'CANCELLED' if meeting.status == 'cancelled' else 'CONFIRMED'}",
            "END:VEVENT",
        ]
    lines.append("END:VCALENDAR")
    return "\r\n".join(_fold(line) for line in lines) + "\r\n"


def ics_response(meetings: Iterable[Meeting], *, calendar_name: str, filename: str) -> HttpResponse:
    """The meetings as an ``.ics`` download (pages and API alike)."""
    response = HttpResponse(
        meetings_ics(meetings, calendar_name=calendar_name), content_type="text/calendar; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response

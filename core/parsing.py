"""Parsing of untrusted request values (query strings, form fields, URL parts) that must never raise."""

from __future__ import annotations

import uuid
from typing import Any


def parse_uuid(value: Any) -> uuid.UUID | None:
    """The UUID in ``value``, or None for anything else (empty, malformed, not a string).

    The one way to read an id from a request: public ids are UUIDs everywhere, and a malformed one
    is "not found" (a filter that matches nothing, a 404), never a 500.
    """
    if not value:
        return None
    if isinstance(value, uuid.UUID):
        return value
    try:
        return uuid.UUID(str(value))
    except (ValueError, AttributeError, TypeError):
        return None

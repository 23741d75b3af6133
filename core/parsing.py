"""Parsing of untrusted request values (query strings, form fields, URL parts) that must never raise."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
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


def query_value(params: Mapping[str, Any], key: str) -> str:
    """One query-string value as clean text: the last of several, no NUL (PostgreSQL text cannot hold
    it), stripped, at most 200 characters; "" when absent."""
    value = params.get(key)
    if isinstance(value, list | tuple):
        value = value[-1] if value else ""
    return str(value if value is not None else "").replace("\x00", "").strip()[:200]

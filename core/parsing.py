"""Parsing of untrusted request values (query strings, form fields) that must never raise."""

from __future__ import annotations

import uuid
from typing import Any


def uuid_or_none(value: Any) -> str | None:
    """The canonical string of a UUID, or None for anything else (empty, malformed, not a string)."""
    if not value:
        return None
    try:
        return str(uuid.UUID(str(value)))
    except (ValueError, AttributeError, TypeError):
        return None

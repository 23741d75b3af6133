"""Isolation registry of the program health page and API (merged by tests/test_isolation.py).

Neither route takes ids (the tenant routes are checked automatically); they are for admins,
executives and coaches, so the owner side that may open them is the executive."""

from __future__ import annotations

ROUTE_ROLES = {"program": "executive", "api-project-program-list": "executive"}

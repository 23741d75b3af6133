"""Valid bodies of the knowledge routes for the bad-input sweep (merged by tests/test_bad_input_sweep.py):
route → world → a valid body, for write routes whose own GET does not show one."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

VALID_BODIES: dict[str, Callable[[Any], dict[str, Any]]] = {
    "api-solution-area-list": lambda _world: {"name": "Sweep new area", "description": "d"},
}

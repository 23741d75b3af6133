"""Fixtures the scorecards and results tests share (each module may still define its own)."""

from __future__ import annotations

import pytest

from partnering.tests.factories import relationship_for


@pytest.fixture
def rel(world_a):
    """world_a's relationship of account X (both champions set)."""
    return relationship_for(world_a)


@pytest.fixture
def champion(world_a):
    return world_a.member("champion")

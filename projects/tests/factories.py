"""Builders for projects rows in tests. Each runs inside the world's tenant context and goes
through the services, so denormalised fields stay true."""

from __future__ import annotations

from typing import Any

from core.models import Membership
from knowledge.models import SolutionArea
from projects.models import Project
from projects.projects import project_log


def project_for(world: Any, *, account: Any = None, lead: Membership | None = None, **fields: Any) -> Project:
    """A candidate project of ``account`` (default: account_x) led by the world's rep, coached by its
    coach, with the account's customer participant as customer sponsor."""
    account = account or world.account_x
    customer = world.customer_x if account.pk == world.account_x.pk else world.customer_y
    fields.setdefault("title", "Cut boiler blowdown losses")
    fields.setdefault("problem_statement", "Blowdown is manual and 3x the benchmark.")
    fields.setdefault("belt_level", "green")
    fields.setdefault("coach", world.member("coach"))
    fields.setdefault("customer_sponsor", customer)
    with world.context():
        return project_log(actor=lead or world.rep, customer_account=account, lead=lead or world.rep, **fields)


def area_for(world: Any, name: str = "Water treatment", parent: SolutionArea | None = None) -> SolutionArea:
    """A solution area (created directly; the taxonomy services may not exist yet in a test)."""
    with world.context():
        existing = SolutionArea.objects.filter(name=name, parent=parent).first()
        if existing is not None:
            return existing
        area = SolutionArea(name=name, parent=parent)
        area.path, area.depth = area.compute_path()
        area.save()
        return area

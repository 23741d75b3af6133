"""``{% load core_perms %}`` then ``{% if membership|can:"projects.program" %}``: the role table
(``core.permissions.can``) in templates, so links name an action, never a role."""

from __future__ import annotations

from django import template

from core.models import Membership
from core.permissions import can as _can

register = template.Library()


@register.filter(name="can")
def can(membership: Membership | None, action: str) -> bool:
    return _can(membership, action)

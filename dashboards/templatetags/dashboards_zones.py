"""Template filters naming a zone the one way ``dashboards.rules`` spells it: ``{{ "green"|zone_icon }}``."""

from __future__ import annotations

from django import template

from dashboards import rules

register = template.Library()


@register.filter
def zone_label(zone: str | None) -> str:
    """ "Green", "Yellow", "Red", "Disputed" or "No data" (an empty zone)."""
    return rules.ZONE_LABELS[zone or None]


@register.filter
def zone_icon(zone: str | None) -> str:
    """The zone's symbol (✓ ! ✕ ≠ –), shown next to its word so colour is never the only signal."""
    return rules.ZONE_ICONS[zone or None]

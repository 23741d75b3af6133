"""``{% load stats_format %}``: numbers as a statistician reads them.

``value|sig`` (6 significant digits, or ``|sig:4``), ``value|pvalue`` ("< 0.001" below a thousandth),
``value|percent`` (a fraction as a percentage). Missing values render as an em dash.
"""

from __future__ import annotations

import math
from typing import Any

from django import template

register = template.Library()
DASH = "—"


def _number(value: Any) -> float | None:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(number) else number


@register.filter
def sig(value: Any, digits: int = 6) -> str:
    number = _number(value)
    if number is None:
        return DASH
    if math.isinf(number):
        return "∞" if number > 0 else "−∞"
    if number == int(number) and abs(number) < 1e15:
        return f"{int(number):,}"
    return f"{number:.{int(digits)}g}"


@register.filter
def pvalue(value: Any) -> str:
    number = _number(value)
    if number is None:
        return DASH
    return "< 0.001" if number < 0.001 else f"{number:.3f}"


@register.filter
def percent(value: Any, digits: int = 1) -> str:
    number = _number(value)
    if number is None:
        return DASH
    return f"{number * 100:.{int(digits)}f} %"


@register.filter
def get(mapping: Any, key: Any) -> Any:
    """``row|get:"std_error"`` for keys a template cannot spell (and missing keys as None)."""
    if isinstance(mapping, dict):
        return mapping.get(key)
    return None

"""The pack area: the printable quarterly review pack of one relationship (its reads).

One page that both firms take into the quarterly review: the scorecard grid ending with the quarter
(zones as text and symbols, not only colour), the spotlight of metrics out of the Green Zone, open
calculation discrepancies, both champions' ratings side by side, and the relationship's open actions
and short list.

Reads go through the results and ratings selectors, so the pack shows exactly what the member may
see: while a quarter is open and not both champions have submitted (``ratings.is_revealed``), it
says so instead of showing either rating. The pack is meant to be shared with the customer, so
internal-only actions and internal notes are never on it, whoever prints it.
"""

from __future__ import annotations

from typing import Any

from core import quarters
from core.models import Membership
from dashboards import ratings, results
from partnering.models import OPEN_ACTION_STATUSES, Relationship
from partnering.work import actions_for, short_list

PACK_QUARTERS = 8
MAX_ACTIONS = 50


def pack_content(member: Membership, relationship: Relationship, quarter: str) -> dict[str, Any]:
    """The pack's sections as ``member`` may see them."""
    grid = results.scorecard_grid(membership=member, relationship=relationship, quarters=PACK_QUARTERS, ending=quarter)
    comparison = ratings.compare(member, relationship, quarter)
    open_actions = list(
        actions_for(membership=member)
        .filter(relationship=relationship, status__in=OPEN_ACTION_STATUSES, internal_only=False)
        .order_by("due_on", "title")[:MAX_ACTIONS]
    )
    topics = list(short_list(membership=member, relationship=relationship))
    return {
        "grid": grid,
        "quarter_has_results": grid.reporting_quarter == quarter,
        "comparison": comparison,
        "ratings_shown": comparison.shown_to_all,
        "quarter_closed": quarters.is_closed(quarter),
        "quarter_ends": quarters.end_date(quarter),
        "open_actions": open_actions,
        "short_list": topics,
        "previous_quarter": quarters.shift(quarter, -1),
        "next_quarter": quarters.shift(quarter, 1) if quarter < quarters.current() else None,
    }

"""Pages · board: the one global Kanban board of projects by phase (issue #5, item 10).

Every internal member sees all projects of the tenant; customer participants see their own
account's projects only (``projects.projects.projects_for``). Moving a card never changes a phase here: a
card dragged to the next column (or its "Move to …" link) opens the tollgate page of the project,
where the lead submits the phase for the coach's review.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import NoReverseMatch, URLPattern, path, reverse
from django.utils.http import urlencode

from core.permissions import can
from projects import board as board_selectors
from projects.models import BeltLevel, Phase, WaitingKind
from projects.views.base import ProjectsPage

PLACEHOLDER = uuid.UUID(int=0)


def url_maker(name: str, slug: str, fallback_suffix: str) -> Any:
    """A fast ``pk → url`` for a project route: reversed once by name (a placeholder id swapped per
    card); while the route does not exist yet, its contract path under ``/t/<slug>/projects/``."""
    try:
        template = reverse(f"projects:{name}", kwargs={"tenant_slug": slug, "pk": PLACEHOLDER})
    except NoReverseMatch:
        template = reverse("projects:list", kwargs={"tenant_slug": slug}) + f"{PLACEHOLDER}/{fallback_suffix}"
    placeholder = str(PLACEHOLDER)
    return lambda pk: template.replace(placeholder, str(pk))


def filter_chips(
    active: dict[str, str], options: dict[str, list[tuple[str, str]]], base_url: str
) -> list[dict[str, str]]:
    """One chip per applied filter (``active``: key → cleaned value), with a link clearing just it."""
    people = dict(options["person"])
    names: dict[str, dict[str, str]] = {
        "customer": dict(options["customer"]),
        "lead": people,
        "coach": {"none": "none yet", **people},
        "solution_area": dict(options["area"]),
    }
    titles = {"customer": "Customer", "lead": "Lead", "coach": "Coach", "solution_area": "Solution area"}
    flags = {"stalled": "Stalled", "long_running": "Long-running", "pilot": "Pilot"}
    chips = []
    for key, value in active.items():
        if key == "q":
            label = f"Search: {value}"
        elif key in names:
            label = f"{titles[key]}: {names[key].get(value, 'unknown')}"
        elif key == "belt" and value in BeltLevel.values:
            label = BeltLevel(value).label
        elif key == "waiting":
            label = WaitingKind(value).label if value in WaitingKind.values else "Waiting"
        elif key in flags:
            label = flags[key]
        else:
            continue
        rest = {k: v for k, v in active.items() if k != key}
        chips.append({"key": key, "label": label, "clear_url": base_url + (f"?{urlencode(rest)}" if rest else "")})
    return chips


class BoardView(ProjectsPage):
    """``projects:board``: columns Candidate … Closed with counts, cards, filters and tollgate moves."""

    required_action = "projects.board"

    def get(self, request: HttpRequest, **_url: Any) -> HttpResponse:
        membership = self.member
        slug = self.slug
        board = board_selectors.board_for(membership, request.GET)
        options = board_selectors.filter_options(membership)
        board_url = reverse("projects:board", kwargs={"tenant_slug": slug})
        list_url = reverse("projects:list", kwargs={"tenant_slug": slug})
        detail_url = url_maker("detail", slug, "")
        tollgate_url = url_maker("tollgate-submit", slug, "tollgate/")
        can_move = can(membership, "tollgates.submit")
        for column in board.columns:
            column.more_url = f"{list_url}?{urlencode({**board.params, 'phase': column.phase})}"  # type: ignore[attr-defined]
            for card in column.cards:
                card.detail_url = detail_url(card.pk)  # type: ignore[attr-defined]
                card.days = card.days_in_phase  # type: ignore[attr-defined]
                card.can_move = bool(can_move and column.next_phase and not card.tollgate_pending)  # type: ignore[attr-defined]
                if card.can_move:  # type: ignore[attr-defined]
                    card.tollgate_url = tollgate_url(card.pk)  # type: ignore[attr-defined]
        chips = filter_chips(board.active, options, board_url)
        context = {
            "subnav": "board",
            "board": board,
            "chips": chips,
            "params": board.params,
            "active": board.active,
            "filter_errors": board.errors,
            "can_move": can_move,
            "cancelled_url": f"{list_url}?{urlencode({**board.params, 'phase': Phase.CANCELLED})}",
            "belts": BeltLevel.choices,
            "waiting_kinds": WaitingKind.choices,
            "card_limit": board_selectors.CARD_LIMIT,
            "customers": options["customer"],
            "people": options["person"],
            "areas": options["area"],
        }
        return render(request, "projects/board/board.html", context)


urlpatterns: list[URLPattern] = [
    path("board/", BoardView.as_view(), name="board"),
]

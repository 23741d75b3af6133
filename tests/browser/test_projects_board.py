"""Issue #5 acceptance in a real headless Chromium: the board filtered to stalled projects.

A rep opens the global board, applies the stalled filter through the filter bar and sees only the
stalled project, flagged; dragging a card two columns ahead is refused with a message (a project
moves one phase at a time, through a tollgate), dragging it to the next column opens its tollgate
page; on a 375 px phone the page does not overflow sideways (the columns scroll in their container).
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from projects.models import Phase, Project
from projects.tests.factories import project_for
from tests.browser.conftest import PHONE, screenshot_path
from tests.browser.test_login_flow import assert_page_healthy, horizontal_overflow, sign_in
from tests.fixtures import PASSWORD, World

pytestmark = pytest.mark.browser

REFUSAL = "Projects move one phase at a time, through a tollgate review"


def shot(page: Page, request: pytest.FixtureRequest, step: str) -> None:
    page.screenshot(path=str(screenshot_path(request, step)), full_page=True)
    page.evaluate("() => window.scrollTo(0, 0)")


def test_board_filtered_to_stalled_projects(
    live_url: str, world_a: World, page: Page, request: pytest.FixtureRequest
) -> None:
    quiet = project_for(world_a, title="Quiet boiler project")
    fresh = project_for(world_a, title="Fresh cooling project")
    idea = project_for(world_a, title="Candidate idea", account=world_a.account_y)
    with world_a.context():
        Project.objects.filter(pk__in=[quiet.pk, fresh.pk]).update(
            phase=Phase.DEFINE, phase_entered_at=timezone.now() - dt.timedelta(days=9)
        )
        Project.objects.filter(pk=quiet.pk).update(last_activity_at=timezone.now() - dt.timedelta(days=60))
    board_url = f"{live_url}/t/{world_a.slug}/projects/board/"

    sign_in(page, live_url, world_a.rep.user.email, PASSWORD)
    page.goto(board_url)
    expect(page.get_by_role("heading", level=1)).to_have_text("Project board")
    cards = page.get_by_test_id("card")
    expect(cards).to_have_count(3)
    expect(page.get_by_test_id("count-define")).to_have_text("2")
    expect(page.get_by_test_id("count-candidate")).to_have_text("1")
    shot(page, request, "1-board")

    # Apply the stalled filter through the filter bar.
    page.get_by_test_id("board-filters").locator("summary").click()
    page.get_by_label("Stalled only").check()
    page.get_by_role("button", name="Apply filters").click()
    expect(page).to_have_url(f"{board_url}?stalled=1")
    expect(cards).to_have_count(1)
    expect(cards.first).to_contain_text("Quiet boiler project")
    expect(cards.first.locator(".flag-stalled")).to_have_text("Stalled")
    expect(page.get_by_test_id("column-define").get_by_test_id("card")).to_have_count(1)
    expect(page.get_by_test_id("count-candidate")).to_have_text("0")
    expect(page.get_by_test_id("board-chips")).to_contain_text("Stalled")
    expect(page.get_by_text("Fresh cooling project")).to_have_count(0)
    shot(page, request, "2-stalled")

    # Clear the filter with its chip.
    page.get_by_role("link", name="Clear filter: Stalled").click()
    expect(page).to_have_url(board_url)
    expect(cards).to_have_count(3)

    # Dragging a candidate two columns ahead is refused and changes nothing.
    idea_card = page.locator(f'[data-project="{idea.pk}"]')
    expect(idea_card).to_have_attribute("draggable", "true")
    message = page.get_by_role("status").filter(has_text=REFUSAL)
    expect(message).to_have_count(0)
    idea_card.drag_to(page.get_by_test_id("column-measure"))
    expect(message).to_be_visible()
    expect(page).to_have_url(board_url)
    with world_a.context():
        assert Project.objects.get(pk=idea.pk).phase == Phase.CANDIDATE
    shot(page, request, "3-refused")
    page.goto(board_url)  # a fresh page: after a full-page shot Chromium may scroll on the next mouse-down

    # Dropping on the next column asks for the tollgate: it opens the project's tollgate page.
    tollgate = f"/t/{world_a.slug}/projects/{idea.pk}/tollgate/"
    expect(idea_card.get_by_role("link", name="Move to Define →")).to_have_attribute("href", tollgate)
    idea_card.drag_to(page.get_by_test_id("column-define"))
    expect(page).to_have_url(f"{live_url}{tollgate}")
    with world_a.context():
        assert Project.objects.get(pk=idea.pk).phase == Phase.CANDIDATE  # the coach decides, later

    # On a phone the page does not overflow; the columns scroll inside the board.
    page.set_viewport_size(PHONE)
    page.goto(board_url)
    expect(cards).to_have_count(3)
    assert horizontal_overflow(page) <= PHONE["width"]
    board = page.get_by_test_id("board")
    assert board.evaluate("el => el.scrollWidth > el.clientWidth")
    board.evaluate("el => el.scrollBy({left: el.clientWidth * 2})")
    page.wait_for_function("document.querySelector('[data-board]').scrollLeft > 0")
    assert horizontal_overflow(page) <= PHONE["width"]
    shot(page, request, "4-phone")
    page.goto(board_url)  # back on the board itself (the tollgate page may be another area's)
    assert_page_healthy(page)

"""Issue #5 selection in a real Chromium: a customer participant scores their account's candidate on
a 375 px phone, and the ranked candidate list then shows the customer's score next to ours."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from projects import selection
from projects.models import Project, SelectionScore
from projects.tests.factories import project_for
from tests.browser.conftest import PHONE, screenshot_path
from tests.browser.test_login_flow import assert_page_healthy, horizontal_overflow, sign_in
from tests.fixtures import PASSWORD, World

pytestmark = pytest.mark.browser

SCORES = {
    "Customer value": "5",
    "Customer buy-in at all levels": "4",
    "Durability against the winds of change": "3",
    "Effort (lower is better)": "2",
    "Data availability": "1",
}


@pytest.mark.parametrize("viewport", [pytest.param(PHONE, id="phone-375x812")])
def test_customer_scores_a_candidate_on_a_phone(
    live_url: str, world_a: World, page: Page, viewport: dict[str, int], request: pytest.FixtureRequest
) -> None:
    customer = world_a.customer_x
    assert customer is not None
    project = project_for(world_a, title="Cut boiler blowdown losses")
    project_for(world_a, title="Other account idea", account=world_a.account_y)
    with world_a.context():
        selection.score_submit(
            actor=world_a.rep, project=project, customer_value=3, buy_in=3, durability=3, effort=3, data_availability=3
        )

    sign_in(page, live_url, customer.user.email, PASSWORD)
    page.goto(f"{live_url}/t/{world_a.slug}/projects/candidates/")
    expect(page.get_by_role("heading", level=1, name="Candidates")).to_be_visible()
    expect(page.get_by_text("Other account idea")).to_have_count(0)
    expect(page.get_by_test_id("no-customer-score")).to_be_visible()
    assert horizontal_overflow(page) <= viewport["width"]
    page.screenshot(path=str(screenshot_path(request, "1-candidates")), full_page=True)

    page.get_by_role("link", name="Score it").click()
    expect(page.get_by_role("heading", level=1, name="Score this project")).to_be_visible()
    for legend, value in SCORES.items():
        group = page.get_by_role("group", name=legend)
        radio = group.get_by_label(value, exact=True)
        box = group.locator("label.sel-radio").first.bounding_box()
        assert box is not None and box["height"] >= 44 and box["width"] >= 44, box
        radio.check()
    page.get_by_label("Comment").fill("Worth it for the plant")
    assert horizontal_overflow(page) <= viewport["width"]
    page.screenshot(path=str(screenshot_path(request, "2-score-form")), full_page=True)
    page.get_by_role("button", name="Save my score").click()
    page.wait_for_load_state()

    expect(page).to_have_url(re.compile(rf"/t/{world_a.slug}/projects/{project.pk}/$"))
    expect(page.locator(".alert-success")).to_contain_text("Your score is saved")
    expect(page.get_by_test_id("selection-panel")).to_contain_text("1 customer")
    assert horizontal_overflow(page) <= viewport["width"]
    assert_page_healthy(page)
    page.screenshot(path=str(screenshot_path(request, "3-project-page")), full_page=True)

    page.goto(f"{live_url}/t/{world_a.slug}/projects/candidates/")
    expect(page.get_by_test_id("no-customer-score")).to_have_count(0)
    expect(page.get_by_test_id("candidate-list")).to_contain_text("Customer: 69")  # 68.75 rounded

    with world_a.context():
        mine = SelectionScore.objects.get(project=project, scorer=customer)
        assert (mine.customer_value, mine.buy_in, mine.durability, mine.effort, mine.data_availability) == (
            5,
            4,
            3,
            2,
            1,
        )
        assert mine.comment == "Worth it for the plant"
        # rep all 3s, customer A: means 4, 3.5, 3, effort 2.5 (→3.5), 2 → 20+14+9+7+4 = 54 → 3.375 → 59.38
        assert str(Project.objects.get(pk=project.pk).selection_score) == "59.38"

"""Issue #5 acceptance: a rep logs a project on a 375 px phone with at most five required fields."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from projects.models import Project
from tests.browser.conftest import PHONE, screenshot_path
from tests.browser.test_login_flow import assert_page_healthy, horizontal_overflow, sign_in
from tests.fixtures import PASSWORD, World

pytestmark = pytest.mark.browser

REQUIRED = "form[data-testid=quick-log-form] :is(input, select, textarea)[required]"


@pytest.mark.parametrize("viewport", [pytest.param(PHONE, id="phone-375x812")])
def test_rep_quick_logs_a_project_on_a_phone(
    live_url: str, world_a: World, page: Page, viewport: dict[str, int], request: pytest.FixtureRequest
) -> None:
    rep = world_a.rep
    sign_in(page, live_url, rep.user.email, PASSWORD)
    page.goto(f"{live_url}/t/{world_a.slug}/projects/new/")
    expect(page.get_by_role("heading", level=1, name="Log a project")).to_be_visible()

    required = page.locator(REQUIRED)
    count = required.count()
    names = sorted(required.evaluate_all("els => els.map(e => e.name)"))
    assert count <= 5, f"quick log asks for {count} required fields: {names}"
    assert names == ["belt_level", "customer_account", "problem_statement", "title"]
    # The optional details are collapsed.
    expect(page.locator("details.pj-more")).not_to_have_attribute("open", "")
    assert horizontal_overflow(page) <= viewport["width"]
    page.screenshot(path=str(screenshot_path(request, "1-quick-log")), full_page=True)

    page.get_by_label("Customer account").select_option(label=world_a.account_x.name)
    page.get_by_label("Title").fill("Cut boiler blowdown losses")
    page.get_by_label("Problem").fill("Blowdown is manual and 3x the benchmark.")
    page.get_by_label("Belt level").select_option("green")
    page.get_by_test_id("quick-log-submit").click()
    page.wait_for_load_state()

    expect(page).to_have_url(re.compile(rf"/t/{world_a.slug}/projects/[0-9a-f-]{{36}}/$"))
    expect(page.get_by_test_id("project-title")).to_have_text("Cut boiler blowdown losses")
    expect(page.get_by_test_id("project-phase")).to_have_text("Candidate")
    expect(page.locator(".alert-success")).to_contain_text("Logged")
    assert horizontal_overflow(page) <= viewport["width"]
    assert_page_healthy(page)
    page.screenshot(path=str(screenshot_path(request, "2-project-page")), full_page=True)

    with world_a.context():
        project = Project.objects.get()
        assert (project.phase, project.lead_id, project.customer_account_id) == (
            "candidate",
            rep.pk,
            world_a.account_x.pk,
        )

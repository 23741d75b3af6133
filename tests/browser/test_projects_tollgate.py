"""Issue #5 acceptance in a real headless Chromium: a tollgate submitted by the lead, returned once
by the coach, then approved. Each person signs in with their own account; the end state is read
back from the database (phase, review history), so a page that only looks right fails."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Page, expect

from projects.models import Phase, Project, ReviewDecision, TollgateReview
from projects.tests.factories import project_for
from tests.browser.conftest import screenshot_path
from tests.browser.test_login_flow import assert_page_healthy, sign_in
from tests.fixtures import PASSWORD, World

pytestmark = pytest.mark.browser


def shot(page: Page, request: pytest.FixtureRequest, step: str) -> None:
    page.screenshot(path=str(screenshot_path(request, step)), full_page=True)
    page.evaluate("() => window.scrollTo(0, 0)")


def sign_out(page: Page) -> None:
    page.get_by_test_id("logout").click()
    page.wait_for_load_state()


def project_url(live_url: str, world: World, project: Any) -> str:
    return f"{live_url}/t/{world.slug}/projects/{project.pk}/"


def test_tollgate_submitted_by_the_lead_returned_once_then_approved(
    live_url: str, world_a: World, page: Page, request: pytest.FixtureRequest
) -> None:
    rep, coach = world_a.rep, world_a.member("coach")
    project = project_for(world_a, title="Cut boiler blowdown losses")

    # 1. The lead (a rep) submits the Candidate tollgate.
    sign_in(page, live_url, rep.user.email, PASSWORD)
    page.goto(project_url(live_url, world_a, project))
    expect(page.get_by_test_id("project-phase")).to_have_text("Candidate")
    page.get_by_role("link", name="Submit Candidate for review").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Submit the Candidate tollgate")
    page.get_by_label("What was delivered in this phase").fill("Scored with the customer: 82/100.")
    page.get_by_role("button", name="Submit for review").click()
    expect(page.get_by_test_id("tollgate-pending")).to_be_visible()
    # the lead is offered no way to decide their own tollgate
    expect(page.get_by_role("link", name="Review the tollgate")).to_have_count(0)
    shot(page, request, "1-submitted")
    sign_out(page)

    # 2. The coach finds it on the home page and returns it with comments.
    sign_in(page, live_url, coach.user.email, PASSWORD)
    page.goto(f"{live_url}/t/{world_a.slug}/")
    for_you = page.get_by_test_id("for-you")
    expect(for_you).to_contain_text("Candidate tollgate awaits your review")
    for_you.get_by_role("link").first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Cut boiler blowdown losses")
    page.get_by_role("link", name="Review the tollgate").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Review the Candidate tollgate")
    expect(page.get_by_text("Scored with the customer: 82/100.")).to_be_visible()
    page.get_by_label("Return with comments").check()
    page.get_by_role("button", name="Record the decision").click()
    expect(page.locator(".errorlist")).to_contain_text("returning a tollgate needs comments")  # comments required
    page.get_by_label("Return with comments").check()
    page.get_by_label("Comments", exact=True).fill("Quantify the blowdown losses in euros first.")
    shot(page, request, "2-returning")
    page.get_by_role("button", name="Record the decision").click()
    expect(page.get_by_test_id("review-history")).to_contain_text("Returned")
    sign_out(page)

    # 3. The lead sees the comments and resubmits.
    sign_in(page, live_url, rep.user.email, PASSWORD)
    page.goto(project_url(live_url, world_a, project))
    history = page.get_by_test_id("review-history")
    expect(history).to_contain_text("Quantify the blowdown losses in euros first.")
    expect(page.get_by_test_id("tollgate-returns")).to_have_text("1")
    page.get_by_role("link", name="Submit Candidate for review").click()
    page.get_by_label("What was delivered in this phase").fill("Losses: 120 k€ a year.")
    page.get_by_role("button", name="Submit for review").click()
    expect(page.get_by_test_id("tollgate-pending")).to_be_visible()
    sign_out(page)

    # 4. The coach approves; the project enters Define.
    sign_in(page, live_url, coach.user.email, PASSWORD)
    page.goto(project_url(live_url, world_a, project))
    page.get_by_role("link", name="Review the tollgate").click()
    page.get_by_label("Approve: the project enters the next phase").check()
    page.get_by_role("button", name="Record the decision").click()
    expect(page.get_by_test_id("project-phase")).to_have_text("Define")
    history = page.get_by_test_id("review-history")
    expect(history.locator(".wf-decision")).to_have_text(["Returned", "Approved"])
    expect(page.locator(".wf-step.is-current")).to_contain_text("Define")
    shot(page, request, "3-approved")
    assert_page_healthy(page)

    with world_a.context():
        assert Project.objects.get(pk=project.pk).phase == Phase.DEFINE
        decisions = list(
            TollgateReview.objects.filter(project=project).order_by("submitted_at").values_list("decision", flat=True)
        )
    assert decisions == [ReviewDecision.RETURNED, ReviewDecision.APPROVED]

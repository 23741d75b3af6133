"""Belts in a real headless Chromium on a phone: a coach ticks off the last training module of an
eligible-but-for-one-module candidate, certifies them as a Black Belt, and the pipeline shows a new
coach. The end state is read back from the database."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from projects import belts
from projects.models import BeltCandidate, CandidateStatus, Certification, TrainingModule
from projects.projects import is_coach
from projects.tests.test_belts import closed_project
from tests.browser.conftest import PHONE, screenshot_path
from tests.browser.test_login_flow import assert_page_healthy, horizontal_overflow, sign_in
from tests.fixtures import PASSWORD, World

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("viewport", [PHONE])
def test_coach_ticks_a_module_and_certifies_a_black_belt_on_a_phone(
    live_url: str, world_a: World, page: Page, viewport: dict[str, int], request: pytest.FixtureRequest
) -> None:
    coach = world_a.member("coach")
    champion = world_a.member("champion")
    with world_a.context():
        cohort = belts.cohort_create(actor=world_a.admin, name="Black Belt wave 1", belt_level="black", coach=coach)
        candidate = belts.candidate_add(actor=world_a.admin, member=champion, cohort=cohort)
        Certification.objects.create(member=champion, belt_level="green", signed_off_by=coach)
        modules = list(TrainingModule.objects.filter(belt_level="black").order_by("position"))
        for module in modules[:-1]:
            belts.module_complete(actor=coach, candidate=candidate, module=module)
    closed_project(world_a, champion, belt="black", title="Black one")
    closed_project(world_a, champion, belt="black", title="Black two")

    sign_in(page, live_url, coach.user.email, PASSWORD)
    page.goto(f"{live_url}/t/{world_a.slug}/projects/belts/")
    expect(page.get_by_role("heading", level=1, name="Belts")).to_be_visible()
    assert horizontal_overflow(page) <= PHONE["width"]
    page.get_by_role("link", name=champion.user.display_name).click()
    expect(page.get_by_test_id("missing")).to_contain_text(modules[-1].name)
    assert horizontal_overflow(page) <= PHONE["width"]
    page.screenshot(path=str(screenshot_path(request, "candidate")), full_page=True)
    page.evaluate("() => window.scrollTo(0, 0)")

    toggle = page.get_by_role("button", name=modules[-1].name)
    assert toggle.bounding_box()["height"] >= 44  # type: ignore[index]
    toggle.click()
    page.wait_for_load_state()
    expect(page.get_by_test_id("eligible")).to_be_visible()
    page.get_by_test_id("certify").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Black Belt")
    page.get_by_label("Sign-off note").fill("Two closed Black Belt projects with the customer.")
    page.get_by_test_id("certify-confirm").click()
    page.wait_for_load_state()
    expect(page.get_by_test_id("now-a-coach")).to_be_visible()
    assert horizontal_overflow(page) <= PHONE["width"]
    assert_page_healthy(page)
    page.screenshot(path=str(screenshot_path(request, "certified")), full_page=True)

    with world_a.context():
        certification = Certification.objects.get(member=champion, belt_level="black")
        assert certification.signed_off_by_id == coach.pk
        assert certification.note.startswith("Two closed")
        assert BeltCandidate.objects.get(pk=candidate.pk).status == CandidateStatus.CERTIFIED
        assert is_coach(champion)

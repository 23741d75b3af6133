"""Program health in a real headless Chromium: an executive opens the page on a 375 px phone; the
charts are drawn by the vendored Chart.js, every figure is also in a table, nothing overflows
sideways, and no script or static file fails."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from projects.models import Phase
from projects.tests.factories import project_for
from projects.tests.test_program import benefit, close, visit
from tests.browser.conftest import PHONE, screenshot_path
from tests.browser.test_login_flow import assert_page_healthy, horizontal_overflow, sign_in
from tests.fixtures import PASSWORD, World

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("viewport", [PHONE])
def test_program_health_on_a_phone(
    live_url: str, world_a: World, page: Page, viewport: dict[str, int], request: pytest.FixtureRequest
) -> None:
    pilot = project_for(world_a, title="Boiler pilot with a rather long title to wrap", is_pilot=True)
    other = project_for(world_a, title="Cooling tower", account=world_a.account_y)
    close(world_a, pilot, started=120, closed=20)
    close(world_a, other, started=300, closed=100)
    visit(world_a, pilot, Phase.DEFINE, entered_days_ago=110, days=12)
    visit(world_a, other, Phase.DEFINE, entered_days_ago=290, days=30)
    benefit(world_a, pilot, currency="EUR", estimated="125000.00", validated="98000.00")

    sign_in(page, live_url, world_a.member("executive").user.email, PASSWORD)
    page.goto(f"{live_url}/t/{world_a.slug}/projects/program/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Program health")
    expect(page.locator("canvas[data-pg-chart='cycle']")).to_have_attribute("data-pg-drawn", "1")
    expect(page.locator("canvas[data-pg-chart='throughput']")).to_have_attribute("data-pg-drawn", "1")
    expect(page.get_by_test_id("median-define")).to_have_text("21")
    expect(page.get_by_test_id("pilot-won")).to_contain_text("Boiler pilot")
    expect(page.get_by_test_id("validated-EUR")).to_have_text("98,000.00")
    page.screenshot(path=str(screenshot_path(request, "program")), full_page=True)
    assert horizontal_overflow(page) <= PHONE["width"]
    assert_page_healthy(page)

    # A bad filter value is explained, never an error page.
    page.goto(f"{live_url}/t/{world_a.slug}/projects/program/?belt=purple")
    expect(page.get_by_test_id("program-filter-error")).to_contain_text("Unknown belt")
    assert horizontal_overflow(page) <= PHONE["width"]

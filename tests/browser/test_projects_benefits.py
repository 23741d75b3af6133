"""Issue #5 item 7 in a real headless Chromium: a customer sponsor validates a benefit.

A rep has recorded an estimated benefit (through the service, in setup); the customer sponsor signs
in on a phone, opens the project, confirms the benefit with the amount they agree to, and the page
shows "Validated by the customer" and the validated total. The end state is read back from the
database.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from playwright.sync_api import Page, expect

from projects import benefits
from projects.models import Benefit, BenefitStatus
from projects.tests.factories import project_for
from tests.browser.conftest import PHONE, screenshot_path
from tests.browser.test_login_flow import assert_page_healthy, horizontal_overflow, sign_in
from tests.fixtures import PASSWORD, World

pytestmark = pytest.mark.browser


def shot(page: Page, request: pytest.FixtureRequest, step: str) -> None:
    page.screenshot(path=str(screenshot_path(request, step)), full_page=True)
    page.evaluate("() => window.scrollTo(0, 0)")


@pytest.mark.parametrize("viewport", [pytest.param(PHONE, id="phone-375x812")])
def test_customer_sponsor_validates_a_benefit(
    live_url: str, world_a: World, page: Page, viewport: dict[str, int], request: pytest.FixtureRequest
) -> None:
    sponsor = world_a.customer_x
    assert sponsor is not None
    project = project_for(world_a, title="Cut boiler blowdown losses")
    with world_a.context():
        benefit = benefits.benefit_record(
            actor=world_a.rep,
            project=project,
            kind="hard_savings",
            description="Less blowdown water",
            period_start=dt.date(2026, 1, 1),
            period_end=dt.date(2026, 12, 31),
            currency="EUR",
            estimated_amount=Decimal("12000.00"),
        )

    sign_in(page, live_url, sponsor.user.email, PASSWORD)
    page.goto(f"{live_url}/t/{world_a.slug}/projects/{project.pk}/")
    panel = page.locator("#benefits")
    expect(panel.get_by_role("heading", name="Benefits")).to_be_visible()
    row = panel.locator(f"#benefit-{benefit.pk}")
    expect(row).to_contain_text("Less blowdown water")
    expect(row).to_contain_text("Estimated")
    expect(panel.locator('[data-total-validated="EUR"]')).to_have_text("EUR 0.00")
    assert horizontal_overflow(page) <= viewport["width"] + 1, "project page scrolls sideways on a phone"
    shot(page, request, "1-project-before")

    row.get_by_role("link", name="Confirm").click()
    expect(page.get_by_role("heading", level=1, name="Confirm a benefit")).to_be_visible()
    amount = page.get_by_label("Amount you confirm")
    expect(amount).to_have_value("12000.00")  # prefilled with the estimate
    amount.fill("11000")
    page.get_by_label("Comment").fill("Checked with our finance team.")
    shot(page, request, "2-confirm-form")
    page.get_by_role("button", name="Confirm benefit").click()

    expect(page).to_have_url(f"{live_url}/t/{world_a.slug}/projects/{project.pk}/#benefits")
    panel = page.locator("#benefits")
    row = panel.locator(f"#benefit-{benefit.pk}")
    expect(row).to_contain_text("Validated by the customer")
    expect(row).to_contain_text("EUR 11,000.00")
    expect(panel.locator('[data-total-validated="EUR"]')).to_have_text("EUR 11,000.00")
    expect(panel.locator('[data-total-estimated="EUR"]')).to_have_text("EUR 12,000.00")
    expect(row.get_by_role("link", name="Confirm")).to_have_count(0)
    assert horizontal_overflow(page) <= viewport["width"] + 1
    assert_page_healthy(page)
    shot(page, request, "3-validated")

    with world_a.context():
        saved = Benefit.objects.get(pk=benefit.pk)
    assert saved.status == BenefitStatus.VALIDATED
    assert saved.validated_amount == Decimal("11000.00")
    assert saved.validated_by_id == sponsor.pk
    assert saved.customer_comment == "Checked with our finance team."

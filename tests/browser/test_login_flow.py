"""Sign-in, tenant home and sign-out in a real headless Chromium, on a desktop and a phone."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import DESKTOP, PHONE, screenshot_path
from tests.fixtures import PASSWORD, World

pytestmark = pytest.mark.browser

VIEWPORTS = [pytest.param(DESKTOP, id="desktop-1280x800"), pytest.param(PHONE, id="phone-375x812")]


def sign_in(page: Page, base_url: str, email: str, password: str) -> Any:
    """Fill and submit the sign-in form; returns the response to the POST."""
    page.goto(f"{base_url}/accounts/login/")
    expect(page.get_by_role("heading", level=1, name="Sign in")).to_be_visible()
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Password").fill(password)
    with page.expect_response(lambda r: r.request.method == "POST" and "/accounts/login/" in r.url) as info:
        page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()
    return info.value


def horizontal_overflow(page: Page) -> int:
    return int(page.evaluate("document.documentElement.scrollWidth"))


def assert_page_healthy(page: Page) -> None:
    assert page.js_errors == [], f"JavaScript errors: {page.js_errors}"  # type: ignore[attr-defined]
    assert page.failed_assets == [], f"Static files that did not load: {page.failed_assets}"  # type: ignore[attr-defined]


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_sign_in_home_sign_out(
    live_url: str, world_a: World, page: Page, viewport: dict[str, int], request: pytest.FixtureRequest
) -> None:
    user = world_a.rep.user
    home_url = f"{live_url}/t/{world_a.slug}/"
    phone = viewport["width"] < 760

    sign_in(page, live_url, user.email, PASSWORD)

    # Landed on the tenant home: the only workspace of this user.
    expect(page).to_have_url(home_url)
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Welcome, {user.display_name}")
    expect(page.get_by_test_id("tenant-name")).to_have_text(world_a.tenant.name)
    expect(page.get_by_test_id("tenant-name")).to_be_visible()
    expect(page.locator("main .lead")).to_contain_text(f"in {world_a.tenant.name}.")
    expect(page).to_have_title(f"Home · {world_a.tenant.name}")
    expect(page.get_by_role("heading", name="Your next actions")).to_be_visible()
    expect(page.get_by_test_id("account-count")).to_have_text("2")
    page.screenshot(path=str(screenshot_path(request, "home")), full_page=True)

    menu = page.get_by_role("button", name="Menu")
    sign_out = page.get_by_role("button", name="Sign out")
    if phone:
        scroll_width = horizontal_overflow(page)
        assert scroll_width <= viewport["width"] + 1, f"home page scrolls sideways: scrollWidth={scroll_width}"
        # The navigation is collapsed behind the Menu button.
        expect(menu).to_be_visible()
        expect(menu).to_have_attribute("aria-controls", "main-nav")
        expect(menu).to_have_attribute("aria-expanded", "false")
        expect(sign_out).to_be_hidden()
        expect(page.locator("#main-nav")).to_be_hidden()
        menu.click()
        expect(menu).to_have_attribute("aria-expanded", "true")
        expect(page.locator("#main-nav")).to_be_visible()
        expect(sign_out).to_be_visible()
        expect(page.locator("#main-nav").get_by_role("link", name="Home")).to_be_visible()
        scroll_width = horizontal_overflow(page)
        assert scroll_width <= viewport["width"] + 1, f"open menu scrolls sideways: scrollWidth={scroll_width}"
        page.screenshot(path=str(screenshot_path(request, "home-menu-open")), full_page=True)
    else:
        expect(menu).to_be_hidden()
        expect(sign_out).to_be_visible()
        expect(page.get_by_role("navigation", name="Main").get_by_role("link", name="Home")).to_be_visible()
    assert_page_healthy(page)

    sign_out.click()

    expect(page).to_have_url(f"{live_url}/accounts/login/")
    expect(page.get_by_role("heading", level=1, name="Sign in")).to_be_visible()
    expect(page.get_by_label("E-mail")).to_be_visible()
    expect(page.get_by_label("Password")).to_be_visible()
    expect(page.get_by_role("button", name="Sign out")).to_have_count(0)
    expect(page.get_by_test_id("tenant-name")).to_have_count(0)
    if phone:
        scroll_width = horizontal_overflow(page)
        assert scroll_width <= viewport["width"] + 1, f"login page scrolls sideways: scrollWidth={scroll_width}"
    page.screenshot(path=str(screenshot_path(request, "login")), full_page=True)

    # Signed out for real: the tenant home now sends us back to the sign-in page.
    response = page.goto(home_url)
    assert response is not None and response.ok
    expect(page).to_have_url(re.compile(rf"^{re.escape(live_url)}/accounts/login/\?next=/t/{world_a.slug}/$"))
    expect(page.get_by_role("heading", level=1, name="Sign in")).to_be_visible()
    expect(page.get_by_text("Welcome,")).to_have_count(0)
    assert_page_healthy(page)


def test_wrong_password_shows_error(live_url: str, world_a: World, page: Page, request: pytest.FixtureRequest) -> None:
    response = sign_in(page, live_url, world_a.rep.user.email, "not the password")

    assert response.status == 200, f"sign-in with a wrong password answered {response.status}"
    expect(page).to_have_url(f"{live_url}/accounts/login/")
    expect(page.get_by_role("heading", level=1, name="Sign in")).to_be_visible()
    alert = page.get_by_role("alert")
    expect(alert).to_be_visible()
    expect(alert).to_contain_text("Please enter a correct e-mail address and password.")
    expect(page.get_by_label("E-mail")).to_have_value(world_a.rep.user.email)
    expect(page.get_by_label("Password")).to_have_value("")
    expect(page.get_by_role("button", name="Sign out")).to_have_count(0)
    page.screenshot(path=str(screenshot_path(request, "login-error")), full_page=True)
    assert_page_healthy(page)


def test_other_tenants_home_is_not_found(
    live_url: str, world_a: World, world_b: World, page: Page, request: pytest.FixtureRequest
) -> None:
    sign_in(page, live_url, world_b.rep.user.email, PASSWORD)
    expect(page).to_have_url(f"{live_url}/t/{world_b.slug}/")
    expect(page.get_by_test_id("tenant-name")).to_have_text(world_b.tenant.name)

    response = page.goto(f"{live_url}/t/{world_a.slug}/")

    assert response is not None and response.status == 404, f"expected 404, got {response and response.status}"
    expect(page.get_by_role("heading", level=1, name="Not found")).to_be_visible()
    expect(page).to_have_title(re.compile(r"^Not found"))
    # Nothing of tenant A leaks into the page, not even its name.
    content = page.content()
    assert world_a.tenant.name not in content
    assert world_a.rep.user.email not in content
    expect(page.get_by_test_id("tenant-name")).to_have_count(0)
    page.screenshot(path=str(screenshot_path(request, "not-found")), full_page=True)
    assert_page_healthy(page)


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_customer_sees_their_account(
    live_url: str, world_a: World, page: Page, viewport: dict[str, int], request: pytest.FixtureRequest
) -> None:
    customer = world_a.customer_x
    assert customer is not None and customer.customer_account is not None

    sign_in(page, live_url, customer.user.email, PASSWORD)

    expect(page).to_have_url(f"{live_url}/t/{world_a.slug}/")
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Welcome, {customer.user.display_name}")
    lead = page.locator("main .lead")
    expect(lead.locator("strong")).to_have_text(customer.customer_account.name)
    expect(lead).to_contain_text(world_a.tenant.name)
    # Only their own account: neither the other customer's name nor internal-only figures.
    expect(page.get_by_test_id("account-count")).to_have_text("1")
    expect(page.get_by_text("customer account you can see")).to_be_visible()
    assert world_a.account_y.name not in page.content()
    expect(page.get_by_text("people in this workspace")).to_have_count(0)
    expect(page.get_by_role("link", name="Program office")).to_have_count(0)
    if viewport["width"] < 760:
        scroll_width = horizontal_overflow(page)
        assert scroll_width <= viewport["width"] + 1, f"customer home scrolls sideways: scrollWidth={scroll_width}"
    page.screenshot(path=str(screenshot_path(request, "home")), full_page=True)
    assert_page_healthy(page)

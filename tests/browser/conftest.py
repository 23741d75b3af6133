"""Browser tests: one headless Chromium per pytest process, one fresh context and page per test.

* Playwright's sync API runs an event loop in the test thread; Django's ORM refuses to run in a
  thread with a running loop (``SynchronousOnlyOperation``) unless told it is safe. Fixtures such
  as ``world_a`` create rows after the browser has started, so allow it for this directory.
* Playwright cannot download its own browsers here: we launch the Debian Chromium. If it is
  missing or does not start, the tests FAIL (never skip) with a message saying why.
* Pages are served by pytest-django's ``live_server``, which needs a *transactional* database:
  use the ``live_url`` fixture (it requests ``transactional_db`` and ``live_server``). Because
  ``live_server`` is then among the test's fixtures, pytest-django makes ``db`` (and so
  ``world_a`` / ``world_b``) transactional too, and the rows they create are committed and visible
  to the server thread; tables are emptied (TRUNCATE) after each test.
* Screenshots go to ``artifacts/screenshots/`` at the repository root; a failing test gets one of
  the page as it was at the failure.
"""

from __future__ import annotations

import contextlib
import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = os.environ.get("PARTNERING_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
REPO_ROOT = Path(__file__).resolve().parents[2]
SCREENSHOT_DIR = REPO_ROOT / "artifacts" / "screenshots"
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 375, "height": 812}
DEFAULT_TIMEOUT_MS = 10_000


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
    report = yield
    setattr(item, f"rep_{report.when}", report)  # lets the page fixture see a failed test
    return report


@pytest.fixture(scope="session")
def playwright_instance() -> Iterator[Any]:
    try:
        from playwright.sync_api import sync_playwright
    except ImportError as exc:  # pragma: no cover - dev dependency missing
        pytest.fail(f"Browser tests need the 'playwright' Python package (pip install -e '.[dev]'): {exc}")
    playwright = sync_playwright().start()
    try:
        yield playwright
    finally:
        playwright.stop()


@pytest.fixture(scope="session")
def browser(playwright_instance: Any) -> Iterator[Any]:
    if not os.path.exists(CHROMIUM) or not os.access(CHROMIUM, os.X_OK):
        pytest.fail(
            f"Browser tests need Chromium at {CHROMIUM} (apt-get install chromium, or set "
            "PARTNERING_CHROMIUM to another executable). They are never skipped.",
            pytrace=False,
        )
    try:
        browser = playwright_instance.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
    except Exception as exc:
        pytest.fail(f"Chromium at {CHROMIUM} did not start: {exc}", pytrace=False)
    yield browser
    browser.close()


@pytest.fixture
def viewport() -> dict[str, int]:
    """Desktop by default; parametrize ``viewport`` in a test to change it."""
    return DESKTOP


@pytest.fixture
def live_url(transactional_db: None, live_server: Any) -> str:
    """Base URL of the live server (no trailing slash), with a transactional database."""
    return str(live_server.url)


def screenshot_path(request: pytest.FixtureRequest, step: str) -> Path:
    name = re.sub(r"[^A-Za-z0-9_.-]+", "-", request.node.name).strip("-")
    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
    return SCREENSHOT_DIR / f"{name}-{step}.png"


@pytest.fixture
def page(browser: Any, viewport: dict[str, int], request: pytest.FixtureRequest) -> Iterator[Any]:
    """A fresh page in its own context (no cookies shared between tests).

    ``page.js_errors`` collects uncaught JavaScript errors and ``page.failed_assets`` static files
    that did not load; tests assert both stay empty.
    """
    context = browser.new_context(viewport=viewport, locale="en-US")
    context.set_default_timeout(DEFAULT_TIMEOUT_MS)
    context.set_default_navigation_timeout(DEFAULT_TIMEOUT_MS)
    page = context.new_page()
    page.js_errors = []  # type: ignore[attr-defined]
    page.failed_assets = []  # type: ignore[attr-defined]
    page.on("pageerror", lambda exc: page.js_errors.append(str(exc)))  # type: ignore[attr-defined]

    def on_response(response: Any) -> None:
        if "/static/" in response.url and response.status >= 400:
            page.failed_assets.append(f"{response.status} {response.url}")  # type: ignore[attr-defined]

    page.on("response", on_response)

    def on_request_failed(req: Any) -> None:
        if "/static/" in req.url:
            page.failed_assets.append(f"failed {req.url}: {req.failure}")  # type: ignore[attr-defined]

    page.on("requestfailed", on_request_failed)
    yield page
    report = getattr(request.node, "rep_call", None)
    if report is not None and report.failed:
        with contextlib.suppress(Exception):  # the page may be gone; the test failure is what matters
            page.screenshot(path=str(screenshot_path(request, "FAILED")), full_page=True)
    context.close()

"""Statistical back office acceptance in a real headless Chromium, with a real Celery worker:
upload → profile → new regression → progress bar → coefficients and residual plot → attach to the
Analyze deliverable, at 1280 px and at 375 px.

Nothing is mocked: the file goes up through the page's XHR upload (its progress bar is watched, not
replaced), the worker of ``tests/celery_worker.py`` reads it and runs the regression, and the pages
follow both by htmx polling until ``HX-Refresh`` reloads them. The end state (analysis succeeded,
deliverable ticked) is read back from the database.

Files: the live server runs in this process and the worker in another; both must use the same
``datasets`` storage. The worker's is the settings default (``var/media``), so the test pins this
process to the same MEDIA_ROOT (another test may have switched it to a temporary one) and removes
its tenant's folder afterwards.
"""

from __future__ import annotations

import random
import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings as django_settings
from playwright.sync_api import ConsoleMessage, Page, Response, expect

from projects.models import ChecklistItem
from stats_backoffice.models import Analysis, DataSet
from stats_backoffice.tests.factories import stats_project
from tests.browser.conftest import DESKTOP, PHONE, screenshot_path
from tests.browser.test_login_flow import assert_page_healthy, horizontal_overflow, sign_in
from tests.fixtures import PASSWORD, World

pytestmark = [pytest.mark.browser, pytest.mark.celery]

VIEWPORTS = [pytest.param(DESKTOP, id="desktop-1280x800"), pytest.param(PHONE, id="phone-375x812")]
WORKER_MS = 90_000  # reading a file / running an analysis in the worker (the first job imports the engine)
ROWS = 60

# Records the page's own upload XHR (bytes reported by the browser, the bar's state when it ended) in
# sessionStorage, which survives the navigation to the data-set page. It only listens; the product's
# handlers run first, unchanged.
WATCH_UPLOAD = """() => {
  const form = document.querySelector("form[data-upload-progress]");
  const bar = form.querySelector("[data-upload-bar]");
  const send = XMLHttpRequest.prototype.send;
  XMLHttpRequest.prototype.send = function (body) {
    const events = [];
    this.upload.addEventListener("progress", (e) => events.push([e.loaded, e.total, e.lengthComputable]));
    this.addEventListener("load", () => {
      sessionStorage.setItem("upload-watch", JSON.stringify({
        events: events,
        barHidden: bar.hidden,
        meter: bar.querySelector("progress").value,
        label: bar.querySelector("[data-upload-percent]").textContent,
        status: this.status,
        formData: body instanceof FormData,
      }));
    });
    return send.call(this, body);
  };
}"""

CANVAS_DRAWN = """(canvas) => {
  const box = canvas.getBoundingClientRect();
  return {width: canvas.width, height: canvas.height, boxWidth: box.width, boxHeight: box.height,
          chart: !!(window.Chart && window.Chart.getChart(canvas))};
}"""


def write_csv(path: Path) -> Path:
    """60 rows: y = 3 + 2·x1 − 1.5·x2 + noise, with a categorical group."""
    rng = random.Random(20260115)
    lines = ["y,x1,x2,group"]
    for i in range(ROWS):
        x1 = round(rng.uniform(0, 10), 3)
        x2 = round(rng.uniform(-5, 5), 3)
        y = round(3 + 2 * x1 - 1.5 * x2 + rng.gauss(0, 1), 4)
        lines.append(f"{y},{x1},{x2},{'abc'[i % 3]}")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def shot(page: Page, request: pytest.FixtureRequest, step: str) -> None:
    page.screenshot(path=str(screenshot_path(request, step)), full_page=True)
    page.evaluate("() => window.scrollTo(0, 0)")


@pytest.fixture
def shared_media(settings: Any, world_a: World) -> Iterator[Path]:
    """This process (the live server) uses the worker's MEDIA_ROOT; the tenant's files go afterwards."""
    root = Path(django_settings.BASE_DIR) / "var" / "media"
    settings.MEDIA_ROOT = str(root)
    yield root
    shutil.rmtree(root / "datasets" / str(world_a.tenant.pk), ignore_errors=True)


@pytest.fixture
def problems(page: Page) -> list[str]:
    """Console errors and responses with a status of 500 or more, on any page of the test."""
    found: list[str] = []

    def on_console(message: ConsoleMessage) -> None:
        source = str(message.location.get("url", ""))
        # Chromium asks every new browser for /favicon.ico, which the site does not serve (404): not a
        # page of this flow; any other failed resource or script error counts.
        if message.type == "error" and not source.endswith("/favicon.ico"):
            found.append(f"console error on {page.url} ({source}): {message.text}")

    def on_response(response: Response) -> None:
        if response.status >= 500:
            found.append(f"{response.status} {response.request.method} {response.url}")

    page.on("console", on_console)
    page.on("response", on_response)
    return found


def assert_fits(page: Page, viewport: dict[str, int], where: str) -> None:
    width = horizontal_overflow(page)
    inner = int(page.evaluate("window.innerWidth"))
    assert width <= inner + 1, f"{where} scrolls sideways at {viewport['width']} px: scrollWidth={width}"


@pytest.mark.usefixtures("celery_worker")
@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_upload_profile_regression_and_attach(
    live_url: str,
    world_a: World,
    page: Page,
    viewport: dict[str, int],
    request: pytest.FixtureRequest,
    tmp_path: Path,
    shared_media: Path,
    problems: list[str],
) -> None:
    del shared_media  # requested for its effect on MEDIA_ROOT
    phone = viewport["width"] < 760
    project = stats_project(world_a, title="Cut boiler blowdown losses")
    csv = write_csv(tmp_path / "blowdown.csv")

    # 1. The lead opens the project and the "Data and analyses" panel.
    sign_in(page, live_url, world_a.rep.user.email, PASSWORD)
    page.goto(f"{live_url}/t/{world_a.slug}/projects/{project.pk}/")
    panel = page.get_by_test_id("analyze-panel")
    expect(panel.get_by_role("heading", name="Data and analyses")).to_be_visible()
    expect(panel).to_contain_text("No data yet.")
    panel.get_by_role("link", name="Upload data").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Add data to the project")

    # 2. Upload through the page's XHR, with its progress bar.
    bar = page.locator("[data-upload-bar]")
    expect(bar).to_be_hidden()
    page.get_by_test_id("upload-file").set_input_files(str(csv))
    page.evaluate(WATCH_UPLOAD)
    page.get_by_test_id("upload-submit").click()
    page.wait_for_url(re.compile(r"/stats/datasets/[0-9a-f-]{36}/$"), timeout=WORKER_MS)
    watched = page.evaluate("() => JSON.parse(sessionStorage.getItem('upload-watch'))")
    assert watched is not None, "the upload did not go through the page's XMLHttpRequest"
    assert watched["formData"] is True
    assert watched["status"] == 200  # the redirect to the data set, followed by the XHR
    assert watched["barHidden"] is False, "the upload progress bar was never shown"
    assert watched["events"], "the browser reported no upload progress"
    loaded, total, computable = watched["events"][-1]
    assert computable and loaded == total > csv.stat().st_size
    assert watched["meter"] == 100
    assert watched["label"] == "100 % · checking the file…"
    expect(page.get_by_test_id("dataset-title")).to_have_text("blowdown")

    # 3. The reading panel polls until the worker has read the file, then the page shows the profile.
    expect(page.get_by_test_id("reading-panel").or_(page.get_by_test_id("profile"))).to_be_visible()
    profile = page.get_by_test_id("profile")
    expect(profile).to_be_visible(timeout=WORKER_MS)
    expect(page.get_by_test_id("reading-panel")).to_have_count(0)
    expect(page.get_by_test_id("dataset-shape")).to_have_text(f"{ROWS} rows × 4 columns")
    columns = profile.locator(".sb-col")
    expect(columns).to_have_count(4)
    expect(columns.locator("h3")).to_have_text(
        [
            re.compile(r"^y\s+numeric"),
            re.compile(r"^x1\s+numeric"),
            re.compile(r"^x2\s+numeric"),
            re.compile(r"^group\s+categorical"),
        ]
    )
    charts = profile.locator(".sb-col canvas")
    expect(charts).to_have_count(4)
    page.wait_for_function(
        "() => [...document.querySelectorAll('.sb-col canvas')].every((c) => window.Chart && Chart.getChart(c))"
    )
    for i in range(4):
        drawn = charts.nth(i).evaluate(CANVAS_DRAWN)
        assert drawn["chart"] and drawn["width"] > 0 and drawn["height"] > 0, f"profile chart {i} not drawn: {drawn}"
        assert drawn["boxWidth"] > 0 and drawn["boxHeight"] > 0
    expect(page.get_by_test_id("preview").locator("thead th")).to_have_text(["y", "x1", "x2", "group"])
    if phone:
        assert_fits(page, viewport, "the data-set page")
    shot(page, request, "1-profile")

    # 4. A multiple linear regression of y on x1 and x2.
    page.get_by_test_id("new-analysis").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("New analysis")
    form = page.get_by_test_id("analysis-form")
    form.locator("input[name=kind][value=ols]").check()
    expect(form.locator("input[name=kind][value=ols]")).to_be_checked()
    form.locator("select[name=y]").select_option("y")
    form.locator("input[name=x][value=x1]").check()
    form.locator("input[name=x][value=x2]").check()
    if phone:
        assert_fits(page, viewport, "the new-analysis form")
    shot(page, request, "2-new-analysis")
    page.get_by_test_id("analysis-submit").click()

    # 5. The run page follows the worker: the progress bar while queued or running, then the result.
    page.wait_for_url(re.compile(r"/stats/analyses/[0-9a-f-]{36}/$"))
    coefficients = page.get_by_test_id("coefficients")
    expect(page.get_by_test_id("run-panel").or_(coefficients)).to_be_visible()
    saw_progress = page.get_by_test_id("run-progress").is_visible()
    if saw_progress:
        expect(page.get_by_test_id("run-panel")).to_have_attribute("data-status", re.compile(r"^(queued|running)$"))
        shot(page, request, "3-running")
    request.node.user_properties.append(("saw_run_progress", saw_progress))
    print(f"run progress bar seen: {saw_progress}")  # shown with -s / -rA: which branch this run took

    expect(coefficients).to_be_visible(timeout=WORKER_MS)
    expect(page.get_by_test_id("run-panel")).to_have_count(0)
    expect(page.get_by_test_id("analysis-params")).to_contain_text("Response y · predictors x1, x2")
    expect(coefficients.locator("tbody th")).to_have_text(["const", "x1", "x2"])
    expect(page.get_by_test_id("fit").locator("dd").first).to_have_text(str(ROWS))
    expect(page.get_by_test_id("r-squared")).to_have_text(re.compile(r"^\d+\.\d %$"))
    residuals = page.get_by_test_id("plot-residuals")
    expect(residuals).to_be_visible()
    residuals.scroll_into_view_if_needed()
    page.wait_for_function("(c) => window.Chart && Chart.getChart(c)", arg=residuals.element_handle())
    drawn = residuals.evaluate(CANVAS_DRAWN)
    assert drawn["chart"] and drawn["width"] > 0 and drawn["height"] > 0, f"residual plot not drawn: {drawn}"
    points = residuals.evaluate("(c) => Chart.getChart(c).data.datasets[0].data.length")
    assert points == ROWS
    expect(page.get_by_text("This chart could not be drawn.")).to_have_count(0)
    if phone:
        assert_fits(page, viewport, "the result page")
        wrap = coefficients.locator("xpath=..")
        expect(wrap).to_have_class(re.compile(r"\bpa-table-wrap\b"))
        assert wrap.evaluate("(w) => getComputedStyle(w).overflowX") in ("auto", "scroll")
        box = wrap.bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= viewport["width"] + 1
    shot(page, request, "4-result")

    # 6. Attach the result to the Analyze deliverable.
    page.get_by_test_id("attach").click()
    attached = page.get_by_test_id("attached")
    expect(attached).to_be_visible()
    expect(attached).to_contain_text("Attached to")
    expect(page.get_by_test_id("attach")).to_have_count(0)
    if phone:
        assert_fits(page, viewport, "the result page after attaching")
    shot(page, request, "5-attached")

    assert problems == [], "\n".join(problems)
    assert_page_healthy(page)

    with world_a.context():
        dataset = DataSet.objects.get(project=project)
        analysis = Analysis.objects.select_related("job", "attached_item").get(version__dataset=dataset)
        assert analysis.kind == "ols" and analysis.status == "succeeded"
        assert analysis.params["y"] == "y" and analysis.params["x"] == ["x1", "x2"]
        assert analysis.job is not None and analysis.job.is_finished
        assert analysis.attached_item is not None
        item = ChecklistItem.objects.get(pk=analysis.attached_item.pk)
        assert item.phase == "analyze" and item.done
    expect(attached).to_contain_text(item.title)

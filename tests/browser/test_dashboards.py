"""Issue #4 in a real headless Chromium: two champions rate a quarter (neither sees the other's
rating until both are in, then side by side with divergence marked), and an executive opens the
sponsor dashboard, drills into a relationship and its scorecard, where the charts must render.

Every step asserts what the page shows; the end state is read back from the database. The
full-page screenshots in ``artifacts/screenshots/`` are the "charts render" artifacts.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal
from typing import Any

import pytest
from playwright.sync_api import Locator, Page, expect

from core import quarters
from dashboards import results, scorecards
from dashboards.models import ChampionRating, Color, QuarterlyResult, RatingStatus, Scorecard
from dashboards.ratings import ensure_rating_dimensions, rating_save
from partnering import relationships
from partnering.models import Level
from partnering.tests import factories
from tests.browser.conftest import DEFAULT_TIMEOUT_MS, DESKTOP, PHONE
from tests.browser.test_login_flow import assert_page_healthy, horizontal_overflow, sign_in
from tests.browser.test_partnering import shot
from tests.fixtures import PASSWORD, World

pytestmark = pytest.mark.browser

AVOID_STALL = "What we must do so the relationship does not stall"
READY = "I am ready to submit"

# The supplier's and the customer's colours per default dimension. Trust is three steps apart
# (flagged), Governance agrees, Value creation is one step apart (neither flag).
SUPPLIER_COLORS = {
    "Executive engagement": Color.LIGHT_GREEN,
    "Communication and information sharing": Color.LIGHT_GREEN,
    "Trust": Color.BRIGHT_GREEN,
    "Joint planning and future focus": Color.YELLOW,
    "Value creation": Color.LIGHT_GREEN,
    "Governance": Color.YELLOW,
    "People and capabilities": Color.LIGHT_GREEN,
}
CUSTOMER_COLORS = {
    **SUPPLIER_COLORS,
    "Trust": Color.LIGHT_RED,
    "Value creation": Color.YELLOW,
}
SUPPLIER_TRUST_NOTE = "Supplier note: they shared the plant 3 forecast six weeks early."
SUPPLIER_STALL = "Supplier plan: agree the joint cost-savings audit before the next review."
CUSTOMER_DRAFT_NOTE = "Customer draft only: still checking the delivery log."
CUSTOMER_TRUST_NOTE = "Customer note: two missed deliveries in October hurt trust."
CUSTOMER_STALL = "Customer plan: fix the October delivery misses first."


@contextmanager
def second_page(browser: Any, viewport: dict[str, int]) -> Iterator[Page]:
    """Another signed-out browser (own cookies) with the same JS-error and asset checks as ``page``."""
    context = browser.new_context(viewport=viewport, locale="en-US")
    context.set_default_timeout(DEFAULT_TIMEOUT_MS)
    context.set_default_navigation_timeout(DEFAULT_TIMEOUT_MS)
    page = context.new_page()
    page.js_errors = []  # type: ignore[attr-defined]
    page.failed_assets = []  # type: ignore[attr-defined]
    page.on("pageerror", lambda exc: page.js_errors.append(str(exc)))  # type: ignore[attr-defined]
    page.on(
        "response",
        lambda r: (
            page.failed_assets.append(f"{r.status} {r.url}")  # type: ignore[attr-defined]
            if "/static/" in r.url and r.status >= 400
            else None
        ),
    )
    try:
        yield page
    finally:
        context.close()


def tenant_url(live_url: str, world: World, path: str) -> str:
    return f"{live_url}/t/{world.slug}/{path}"


def fill_rating(page: Page, colors: dict[str, int], comments: dict[str, str], overall: int, stall: str) -> None:
    """Pick a colour (by its visible name) and a comment for each dimension, the overall colour, the plan."""
    form = page.get_by_test_id("rating-form")
    expect(form.get_by_test_id("dimension")).to_have_count(len(colors))
    for name, color in colors.items():
        fieldset = form.get_by_role("group", name=name, exact=True)
        fieldset.get_by_label(Color(color).label, exact=True).check()
        fieldset.get_by_label("Comment", exact=True).fill(comments.get(name, ""))
    form.get_by_role("group", name="Overall", exact=True).get_by_label(Color(overall).label, exact=True).check()
    form.get_by_label(AVOID_STALL).fill(stall)


def compare_row(page: Page, dimension: str) -> Locator:
    return page.get_by_test_id("compare-row").filter(
        has=page.get_by_role("heading", level=3, name=dimension, exact=True)
    )


def test_two_champions_rate_hidden_until_both_submit_then_side_by_side(
    live_url: str, world_a: World, browser: Any, page: Page, request: pytest.FixtureRequest
) -> None:
    champion = world_a.member("champion")
    customer = world_a.customer_x
    assert customer is not None
    relationship = factories.relationship_for(world_a)
    quarter = quarters.current()
    ratings_url = tenant_url(live_url, world_a, f"relationships/{relationship.pk}/ratings/")
    compare_url = f"{ratings_url}{quarter}/"
    edit_url = f"{compare_url}mine/"

    # --- The supplier champion rates first. ---------------------------------------------------
    sign_in(page, live_url, champion.user.email, PASSWORD)
    page.goto(ratings_url)
    expect(page.get_by_role("heading", level=1)).to_have_text("Champion ratings")
    status = page.get_by_test_id("rating-status")
    expect(status).to_contain_text(f"This quarter ({quarter})")
    expect(status).to_contain_text("You haven't rated this quarter yet.")
    expect(page.get_by_test_id("heat-strip")).to_be_visible()
    shot(page, request, "1-supplier-overview")

    page.get_by_test_id("rate-link").click()
    expect(page).to_have_url(edit_url)
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Your rating of {quarter}")
    expect(page.locator("main .lead")).to_contain_text("You rate for Our company")
    fill_rating(
        page,
        SUPPLIER_COLORS,
        {"Trust": SUPPLIER_TRUST_NOTE, "Governance": "Reviews happen on cadence."},
        Color.LIGHT_GREEN,
        SUPPLIER_STALL,
    )
    # Submitting without ticking the confirmation is refused, keeps the answers and saves nothing.
    page.get_by_role("button", name="Submit", exact=True).click()
    expect(page.get_by_test_id("form-errors")).to_contain_text("Some answers need attention; nothing was saved.")
    expect(page.get_by_text("Tick this box to confirm: a submitted rating cannot be changed.")).to_be_visible()
    expect(page.get_by_label(AVOID_STALL)).to_have_value(SUPPLIER_STALL)
    with world_a.context():
        assert not ChampionRating.objects.filter(relationship=relationship).exists()
    shot(page, request, "2-supplier-confirm-missing")

    page.get_by_label(READY).check()
    shot(page, request, "3-supplier-form-filled")
    page.get_by_role("button", name="Submit", exact=True).click()

    expect(page).to_have_url(compare_url)
    expect(page.get_by_role("status").filter(has_text="submitted")).to_contain_text(
        f"Your rating of {quarter} is submitted."
    )
    waiting = page.get_by_test_id("waiting")
    expect(waiting).to_contain_text("Waiting for the other champion")
    expect(page.get_by_test_id("compare-summary")).to_have_count(0)
    # The supplier sees their own rating; the customer's column is empty.
    expect(compare_row(page, "Trust")).to_contain_text("Bright Green")
    expect(compare_row(page, "Trust")).to_contain_text(SUPPLIER_TRUST_NOTE)
    expect(compare_row(page, "Trust").get_by_text("Hidden", exact=True)).to_be_visible()
    expect(page.get_by_test_id("divergent")).to_have_count(0)
    expect(page.get_by_test_id("agreement")).to_have_count(0)
    shot(page, request, "4-supplier-submitted-waiting")
    assert_page_healthy(page)

    # --- The customer champion: nothing of the supplier's rating shows yet. --------------------
    with second_page(browser, DESKTOP) as customer_page:
        sign_in(customer_page, live_url, customer.user.email, PASSWORD)
        response = customer_page.goto(compare_url)
        assert response is not None and response.status == 200
        expect(customer_page.get_by_role("heading", level=1)).to_have_text(f"{quarter} side by side")
        expect(customer_page.get_by_test_id("waiting")).to_contain_text("Waiting for the other champion")
        expect(customer_page.get_by_test_id("waiting")).to_contain_text("Our company: submitted")
        expect(customer_page.get_by_test_id("compare-row")).to_have_count(0)
        content = customer_page.content()
        for secret in (SUPPLIER_TRUST_NOTE, SUPPLIER_STALL, "Reviews happen on cadence."):
            assert secret not in content, f"customer sees the supplier's rating before submitting: {secret!r}"
        expect(customer_page.get_by_text("Bright Green", exact=True)).to_have_count(1)  # the colour key only
        expect(customer_page.locator(".rt-legend")).to_contain_text("Bright Green")
        shot(customer_page, request, "5-customer-waiting")

        # The customer saves a draft: it must not reach the supplier.
        customer_page.get_by_test_id("rate-link").click()
        expect(customer_page).to_have_url(edit_url)
        expect(customer_page.locator("main .lead")).to_contain_text("You rate for Customer")
        customer_page.get_by_role("group", name="Trust", exact=True).get_by_label("Bright Red", exact=True).check()
        customer_page.get_by_role("group", name="Trust", exact=True).get_by_label("Comment", exact=True).fill(
            CUSTOMER_DRAFT_NOTE
        )
        customer_page.get_by_role("button", name="Save draft").click()
        expect(customer_page).to_have_url(edit_url)
        expect(customer_page.get_by_role("status").filter(has_text="Draft saved")).to_contain_text(
            "Only you can see it until you submit."
        )
        expect(customer_page.get_by_role("group", name="Trust", exact=True).get_by_label("Comment")).to_have_value(
            CUSTOMER_DRAFT_NOTE
        )
        shot(customer_page, request, "6-customer-draft")
        with world_a.context():
            draft = ChampionRating.objects.get(relationship=relationship, quarter=quarter, side="customer")
            assert draft.status == RatingStatus.DRAFT

        # The supplier champion reloads: the customer's draft is invisible, the customer "not submitted".
        page.goto(compare_url)
        expect(page.get_by_test_id("waiting")).to_contain_text("Waiting for the other champion")
        expect(page.locator(".rt-side-status").nth(1)).to_have_text("Not submitted")
        assert CUSTOMER_DRAFT_NOTE not in page.content(), "the supplier sees the customer's draft"
        expect(compare_row(page, "Trust").get_by_text("Bright Red", exact=True)).to_have_count(0)
        page.goto(ratings_url)
        expect(page.get_by_test_id("rating-status")).to_contain_text("The other champion hasn't submitted yet.")
        assert CUSTOMER_DRAFT_NOTE not in page.content()
        shot(page, request, "7-supplier-cannot-see-draft")

        # The customer finishes and submits, two or more steps apart on Trust.
        customer_page.goto(edit_url)
        fill_rating(
            customer_page,
            CUSTOMER_COLORS,
            {"Trust": CUSTOMER_TRUST_NOTE, "Governance": "Agreed: the reviews work."},
            Color.YELLOW,
            CUSTOMER_STALL,
        )
        customer_page.get_by_label(READY).check()
        shot(customer_page, request, "8-customer-form-filled")
        customer_page.get_by_role("button", name="Submit", exact=True).click()

        expect(customer_page).to_have_url(compare_url)
        assert_side_by_side(customer_page)
        shot(customer_page, request, "9-customer-side-by-side")
        assert_page_healthy(customer_page)

    # --- Both in: the supplier champion sees the same side by side. ---------------------------
    page.goto(compare_url)
    assert_side_by_side(page)
    shot(page, request, "10-supplier-side-by-side")
    page.goto(ratings_url)
    expect(page.get_by_test_id("rating-status")).to_contain_text("You have submitted")
    expect(page.get_by_test_id("rating-status")).to_contain_text("The other champion has submitted")
    strip = page.get_by_test_id("heat-strip")
    expect(strip.get_by_role("row").filter(has_text="Our company").locator(".rt-heat").last).to_contain_text(
        "Light Green"
    )
    expect(strip.get_by_role("row").filter(has_text="Customer").locator(".rt-heat").last).to_contain_text("Yellow")
    shot(page, request, "11-supplier-heat-strip")
    assert_page_healthy(page)

    with world_a.context():
        dimensions = {d.pk: d.name for d in ensure_rating_dimensions()}
        ratings = {
            r.side: r
            for r in ChampionRating.objects.filter(relationship=relationship, quarter=quarter).prefetch_related(
                "scores"
            )
        }
        assert set(ratings) == {"supplier", "customer"}
        ours, theirs = ratings["supplier"], ratings["customer"]
        assert (ours.status, theirs.status) == (RatingStatus.SUBMITTED, RatingStatus.SUBMITTED)
        assert ours.submitted_at is not None and theirs.submitted_at is not None
        assert ours.submitted_at < theirs.submitted_at
        assert (ours.champion_id, theirs.champion_id) == (champion.pk, customer.pk)
        assert (ours.overall, theirs.overall) == (Color.LIGHT_GREEN, Color.YELLOW)
        assert (ours.avoid_stall, theirs.avoid_stall) == (SUPPLIER_STALL, CUSTOMER_STALL)
        assert {dimensions[s.dimension_id]: s.color for s in ours.scores.all()} == SUPPLIER_COLORS
        assert {dimensions[s.dimension_id]: s.color for s in theirs.scores.all()} == CUSTOMER_COLORS
        their_comments = {dimensions[s.dimension_id]: s.comment for s in theirs.scores.all()}
        assert their_comments["Trust"] == CUSTOMER_TRUST_NOTE  # the draft's text was replaced
        assert CUSTOMER_DRAFT_NOTE not in their_comments.values()
        assert {dimensions[s.dimension_id]: s.comment for s in ours.scores.all()}["Trust"] == SUPPLIER_TRUST_NOTE


def assert_side_by_side(page: Page) -> None:
    """Both ratings shown; Trust flagged 2+ steps apart, Governance marked as agreement."""
    expect(page.get_by_test_id("waiting")).to_have_count(0)
    expect(page.get_by_test_id("compare-summary")).to_contain_text("1 dimension 2+ steps apart")
    expect(page.get_by_test_id("compare-row")).to_have_count(len(SUPPLIER_COLORS))

    trust = compare_row(page, "Trust")
    expect(trust).to_have_attribute("data-divergent", "true")
    expect(trust.get_by_test_id("divergent")).to_have_text("⚠ 2+ steps apart — discuss")
    expect(trust.get_by_text("Bright Green", exact=True)).to_be_visible()
    expect(trust.get_by_text("Light Red", exact=True)).to_be_visible()
    expect(trust).to_contain_text(SUPPLIER_TRUST_NOTE)
    expect(trust).to_contain_text(CUSTOMER_TRUST_NOTE)
    assert CUSTOMER_DRAFT_NOTE not in page.content()

    governance = compare_row(page, "Governance")
    expect(governance.get_by_test_id("agreement")).to_have_text("✓ Agreement")
    expect(governance.get_by_test_id("divergent")).to_have_count(0)
    expect(governance.get_by_text("Yellow", exact=True)).to_have_count(2)
    expect(governance).to_contain_text("Reviews happen on cadence.")
    expect(governance).to_contain_text("Agreed: the reviews work.")

    value = compare_row(page, "Value creation")
    expect(value).to_contain_text("1 step apart")
    expect(value.get_by_test_id("divergent")).to_have_count(0)
    expect(value.get_by_test_id("agreement")).to_have_count(0)
    expect(page.get_by_test_id("divergent")).to_have_count(1)
    expect(page.get_by_test_id("agreement")).to_have_count(len(SUPPLIER_COLORS) - 2)

    overall = page.get_by_test_id("overall")
    expect(overall).to_contain_text("Light Green")
    expect(overall).to_contain_text("Yellow")
    expect(overall).to_contain_text(SUPPLIER_STALL)
    expect(overall).to_contain_text(CUSTOMER_STALL)


# --- Executive: sponsor dashboard → drill-down → scorecard --------------------------------------

#: Figures per metric for the last four full quarters (oldest first): supplier, customer.
RESULTS: dict[str, list[tuple[str | None, str | None]]] = {
    "on_time_delivery": [("97", "97"), ("96.5", "96.5"), ("95.5", "95.5"), ("90", "90")],  # falls to red
    "product_quality_ppm": [(None, "200"), (None, "180"), (None, "240"), (None, "300")],  # falls to yellow
    "order_lead_time": [("9", None), ("8.5", None), ("8", None), ("7.5", None)],  # green, improving
    "invoice_accuracy": [(None, "99.6"), (None, "99.5"), (None, "99.4"), ("99.5", "97")],  # disputed last
}


def seed_scorecard(world: World, relationship: Any) -> tuple[Scorecard, list[str]]:
    """An agreed scorecard (from the templates) with four quarters of results, entered as the admin."""
    current = quarters.current()
    span = [quarters.shift(current, n) for n in (-4, -3, -2, -1)]
    customer = world.customer_x
    with world.context():
        scorecard = scorecards.scorecard_create(actor=world.admin, relationship=relationship, valid_from=span[0])
        scorecards.scorecard_agree(actor=world.member("champion"), scorecard=scorecard)
        scorecards.scorecard_agree(actor=customer, scorecard=scorecard)
        for key, figures in RESULTS.items():
            for quarter, (ours, theirs) in zip(span, figures, strict=True):
                values = {"supplier_value": ours, "customer_value": theirs}
                results.result_record(
                    actor=world.admin,
                    scorecard=scorecard,
                    metric_key=key,
                    quarter=quarter,
                    **{name: Decimal(v) for name, v in values.items() if v is not None},
                )
    return scorecard, span


def seed_red_ratings(world: World, relationship: Any, quarter: str) -> None:
    """Both champions submitted a past quarter; the customer rated it Light Red overall."""
    customer = world.customer_x
    with world.context():
        dimensions = [d for d in ensure_rating_dimensions() if d.active]
        for actor, color in ((world.member("champion"), Color.YELLOW), (customer, Color.LIGHT_RED)):
            rating_save(
                actor=actor,
                relationship=relationship,
                quarter=quarter,
                scores={d.pk: (color, "") for d in dimensions},
                overall=color,
                avoid_stall="Meet the plant managers.",
                submit=True,
            )


def chart_state(page: Page, selector: str) -> list[dict[str, Any]]:
    """Per canvas: size, whether Chart.js holds a chart for it, and whether anything was painted."""
    return page.evaluate(  # type: ignore[no-any-return]
        """(selector) => [...document.querySelectorAll(selector)].map((c) => {
            const chart = window.Chart && window.Chart.getChart(c);
            const ctx = c.getContext('2d');
            const pixels = ctx.getImageData(0, 0, c.width, c.height).data;
            let painted = 0;
            for (let i = 3; i < pixels.length; i += 4) { if (pixels[i] !== 0) { painted++; } }
            return {width: c.clientWidth, height: c.clientHeight, chart: !!chart,
                    points: chart ? chart.data.datasets[0].data.filter((v) => v !== null).length : 0,
                    painted};
        })""",
        selector,
    )


def test_executive_opens_sponsor_dashboard_drills_in_and_sees_scorecard_charts(
    live_url: str, world_a: World, browser: Any, page: Page, request: pytest.FixtureRequest
) -> None:
    executive = world_a.member("executive")
    relationship = factories.relationship_for(world_a)
    other = factories.relationship_for(world_a, account=world_a.account_y, level=Level.STRATEGIC)
    with world_a.context():
        relationships.sponsor_add(actor=world_a.admin, relationship=relationship, membership=executive)
    scorecard, span = seed_scorecard(world_a, relationship)
    seed_red_ratings(world_a, relationship, span[-1])
    last = span[-1]

    sign_in(page, live_url, executive.user.email, PASSWORD)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Dashboard").click()
    expect(page).to_have_url(tenant_url(live_url, world_a, "dashboards/sponsor/"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Sponsor dashboard")
    expect(page.locator("main .lead")).to_contain_text("All 2 relationships")
    expect(page.get_by_test_id("share-past-transactional")).to_have_text("50%")
    levels = page.get_by_test_id("level-table")
    expect(levels.get_by_role("row").filter(has_text="Transactional")).to_contain_text("1")
    expect(levels.get_by_role("row").filter(has_text="Strategic partner")).to_contain_text("1")
    expect(page.get_by_test_id("rated-red-count")).to_have_text("1")
    expect(page.get_by_test_id("rated-red")).to_contain_text(str(relationship))
    expect(page.get_by_test_id("out-of-green")).to_contain_text(str(relationship))
    expect(page.get_by_test_id("discrepancies")).to_contain_text(str(relationship))
    rows = page.get_by_test_id("relationship-rows")
    yours = rows.get_by_role("row").filter(has=page.get_by_test_id("yours"))
    expect(yours).to_have_count(1)
    expect(yours).to_contain_text(str(relationship))
    expect(rows.get_by_role("row").filter(has_text=str(other))).to_contain_text("No scorecard yet")

    # The level chart: drawn by Chart.js (sponsor-charts.js marks data-sp-drawn) with visible pixels.
    level_canvas = page.locator('canvas[data-sp-chart="levels"][data-sp-drawn="1"]')
    expect(level_canvas).to_be_visible()
    (level,) = chart_state(page, 'canvas[data-sp-chart="levels"]')
    assert level["chart"], "Chart.js holds no chart for the level distribution canvas"
    assert level["width"] > 200 and level["height"] > 100, f"level chart has no size: {level}"
    assert level["painted"] > 500, f"level chart canvas is blank: {level}"
    assert page.evaluate("window.Chart.getChart(document.getElementById('sp-level-chart')).data.datasets[0].data") == [
        1,
        0,
        0,
        1,
    ]
    shot(page, request, "1-sponsor-dashboard-1280")
    assert_page_healthy(page)

    # Drill into the sponsored relationship.
    rows.get_by_role("link", name=str(relationship)).click()
    expect(page).to_have_url(tenant_url(live_url, world_a, f"relationships/{relationship.pk}/dashboard/"))
    expect(page.get_by_role("heading", level=1)).to_have_text(str(relationship))
    expect(page.get_by_test_id("level")).to_have_text("Transactional")
    expect(page.get_by_role("heading", name=f"Scorecard · {last}")).to_be_visible()
    zone_counts = page.get_by_test_id("zone-counts")
    expect(zone_counts).to_contain_text("Red")
    expect(zone_counts).to_contain_text("Yellow")
    spotlight = page.get_by_test_id("spotlight")
    expect(spotlight).to_contain_text("On-time delivery")
    expect(spotlight).to_contain_text("Product quality (defects)")
    expect(page.get_by_test_id("discrepancies")).to_contain_text("Invoice accuracy")
    latest = page.get_by_test_id("latest-ratings")
    expect(latest).to_contain_text("Light Red")
    expect(latest).to_contain_text("Yellow")
    rating_canvas = page.locator('canvas[data-sp-chart="ratings"][data-sp-drawn="1"]')
    expect(rating_canvas).to_be_visible()
    (rating_chart,) = chart_state(page, 'canvas[data-sp-chart="ratings"]')
    assert rating_chart["chart"] and rating_chart["points"] >= 1, f"rating chart not drawn: {rating_chart}"
    assert rating_chart["painted"] > 500, f"rating chart canvas is blank: {rating_chart}"
    shot(page, request, "2-drilldown-1280")
    assert_page_healthy(page)

    # Open the scorecard: a grid of the last eight quarters and a chart per metric.
    page.get_by_test_id("scorecard-link").click()
    expect(page).to_have_url(tenant_url(live_url, world_a, f"relationships/{relationship.pk}/scorecard/"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Scorecard")
    grid = page.get_by_test_id("scorecard-grid")
    with world_a.context():
        metric_count = len(scorecards.latest_version(scorecard).metrics.all())  # type: ignore[union-attr]
    assert metric_count == 14
    expect(grid.locator("tbody tr")).to_have_count(metric_count)
    headers = [text.strip() for text in grid.locator("thead th").all_inner_texts()]
    assert headers[1:] == quarters.last(8), headers
    column = headers.index(last) - 1  # the first header is "Metric", a <th> in each row
    on_time = grid.locator('tr[data-metric="on_time_delivery"]').locator("td")
    expect(on_time.nth(column)).to_contain_text("90")
    expect(on_time.nth(column)).to_contain_text("Red")
    expect(on_time.nth(column - 1)).to_contain_text("95.5")
    expect(on_time.nth(column - 1)).to_contain_text("Green")
    expect(on_time.last).to_contain_text("No data")  # the current quarter has no results yet
    expect(grid.locator('tr[data-metric="invoice_accuracy"]').get_by_test_id("discrepancy")).to_have_count(1)
    expect(page.get_by_test_id("zone-counts")).to_contain_text(last)
    expect(page.get_by_test_id("spotlight").get_by_test_id("fell-out")).to_have_count(2)

    canvases = page.locator("canvas[data-chart-key]")
    expect(canvases).to_have_count(metric_count)
    expect(page.locator('canvas[data-chart-key][data-rendered="true"]')).to_have_count(metric_count)
    charts = {c["key"]: c for c in scorecard_charts(page)}
    assert len(charts) == metric_count
    for key, figures in RESULTS.items():
        state = charts[key]
        assert state["chart"], f"no chart for {key}"
        assert state["width"] > 150 and state["height"] > 80, f"chart {key} has no size: {state}"
        assert state["painted"] > 500, f"chart {key} is blank: {state}"
        # The disputed quarter has no figure that counts; every other quarter is plotted.
        expected = len(figures) - (1 if key == "invoice_accuracy" else 0)
        assert state["points"] == expected, f"chart {key} plots {state['points']} figures, expected {expected}"
    shot(page, request, "3-scorecard-1280")
    assert_page_healthy(page)

    # The scorecard on a phone: charts still render, no page-level sideways scroll.
    with second_page(browser, PHONE) as phone:
        sign_in(phone, live_url, executive.user.email, PASSWORD)
        response = phone.goto(tenant_url(live_url, world_a, f"relationships/{relationship.pk}/scorecard/"))
        assert response is not None and response.status == 200
        expect(phone.get_by_role("heading", level=1)).to_have_text("Scorecard")
        expect(phone.locator('canvas[data-chart-key][data-rendered="true"]')).to_have_count(metric_count)
        phone_charts = {c["key"]: c for c in scorecard_charts(phone)}
        assert all(c["painted"] > 500 for k, c in phone_charts.items() if k in RESULTS), phone_charts
        assert all(c["width"] <= PHONE["width"] for c in phone_charts.values()), phone_charts
        scroll_width = horizontal_overflow(phone)
        assert scroll_width <= PHONE["width"] + 1, f"scorecard page scrolls sideways: scrollWidth={scroll_width}"
        # The wide grid scrolls inside its own wrapper instead.
        wrapper = phone.evaluate(
            "() => { const w = document.querySelector('.sc-grid-wrap'); "
            "return {client: w.clientWidth, scroll: w.scrollWidth, overflow: getComputedStyle(w).overflowX}; }"
        )
        assert wrapper["client"] <= PHONE["width"], wrapper
        assert wrapper["overflow"] in ("auto", "scroll"), wrapper
        shot(phone, request, "4-scorecard-375")
        assert_page_healthy(phone)

    with world_a.context():
        stored = QuarterlyResult.objects.filter(scorecard=scorecard)
        assert stored.count() == sum(len(v) for v in RESULTS.values())
        disputed = stored.get(metric_key="invoice_accuracy", quarter=last)
        assert (disputed.supplier_value, disputed.customer_value, disputed.agreed_value) == (
            Decimal("99.5"),
            Decimal("97"),
            None,
        )


def scorecard_charts(page: Page) -> list[dict[str, Any]]:
    keys = page.evaluate(
        "() => [...document.querySelectorAll('canvas[data-chart-key]')].map((c) => c.dataset.chartKey)"
    )
    return [{"key": key, **state} for key, state in zip(keys, chart_state(page, "canvas[data-chart-key]"), strict=True)]

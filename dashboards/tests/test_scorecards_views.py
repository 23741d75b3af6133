"""Scorecard pages: render, permissions, forms per role, conflicts, query counts at two sizes."""

from __future__ import annotations

import json
from decimal import Decimal as D

import pytest

from core import quarters
from dashboards import results, scorecards
from dashboards.models import ScorecardVersion, VersionStatus

NOW = quarters.current()
LAST = quarters.shift(NOW, -1)
PREV = quarters.shift(NOW, -2)


@pytest.fixture
def scorecard(world_a, rel):
    with world_a.context():
        return scorecards.scorecard_create(
            actor=world_a.member("champion"), relationship=rel, valid_from=quarters.shift(NOW, -12)
        )


def page(world, rel, suffix: str = "") -> str:
    return f"/t/{world.slug}/relationships/{rel.pk}/scorecard/{suffix}"


def record(world, scorecard, key, quarter, **values):
    with world.context():
        return results.result_record(actor=world.admin, scorecard=scorecard, metric_key=key, quarter=quarter, **values)


# --- The scorecard page -----------------------------------------------------------------------


def test_without_a_scorecard_our_champion_creates_it_and_others_are_told_who_does(world_a, rel, client_for):
    champion = client_for(world_a.member("champion"))
    response = champion.get(page(world_a, rel))
    assert response.status_code == 200
    html = response.content.decode()
    assert "No scorecard yet" in html and 'data-testid="create-scorecard"' in html and "14 metric templates" in html
    for member, text in ((world_a.rep, "champion on our side"), (world_a.customer_x, "Your supplier's champion")):
        html = client_for(member).get(page(world_a, rel)).content.decode()
        assert text in html and "create-scorecard" not in html
    assert client_for(world_a.rep).post(page(world_a, rel)).status_code == 403
    response = champion.post(page(world_a, rel))
    assert response.status_code == 302 and response["Location"].endswith("/scorecard/definitions/")
    with world_a.context():
        assert ScorecardVersion.objects.get().status == VersionStatus.DRAFT


def test_the_scorecard_page_shows_zones_trends_discrepancies_spotlight_and_charts(world_a, rel, scorecard, client_for):
    record(world_a, scorecard, "on_time_delivery", PREV, supplier_value=97)  # green …
    record(world_a, scorecard, "on_time_delivery", LAST, supplier_value=80)  # … then red: fell out
    record(world_a, scorecard, "order_lead_time", LAST, supplier_value=11)  # yellow (goal 10, band 20 %)
    record(world_a, scorecard, "invoice_accuracy", LAST, supplier_value=99.5, customer_value=95)  # disputed
    for member in (world_a.rep, world_a.customer_x):
        response = client_for(member).get(page(world_a, rel))
        assert response.status_code == 200
        grid = response.context["grid"]
        assert grid.reporting_quarter == LAST and len(grid.quarters) == 8 and len(grid.rows) == 14
        html = response.content.decode()
        assert 'data-testid="scorecard-grid"' in html
        assert (
            "✕</span> Red" in html and "!</span> Yellow" in html and "✓</span> Green" in html
        )  # text, not only colour
        assert "worse than the quarter before" in html
        assert 'data-testid="fell-out"' in html
        assert [s.row.key for s in grid.spotlight] == ["on_time_delivery", "order_lead_time"]
        assert [d.metric.key for d in grid.discrepancies] == ["invoice_accuracy"]
        assert "ours 99.5 / theirs 95" in html
        charts = json.loads(html.split('id="scorecard-charts" type="application/json">')[1].split("</script>")[0])
        otd = next(c for c in charts if c["key"] == "on_time_delivery")
        assert otd["values"][-3:-1] == [97.0, 80.0] and otd["goal"][-1] == 95.0 and otd["yellow"][-1] == 92.15
        assert "vendor/chartjs/chart.umd.min.js" in html and "js/scorecard-charts.js" in html
        assert "<canvas" in html and html.count('data-chart-key="') == 14


@pytest.mark.parametrize("size", [2, 12])
def test_the_scorecard_page_runs_at_most_20_queries(
    world_a, rel, scorecard, client_for, django_assert_max_num_queries, size
):
    with world_a.context():
        scorecards.scorecard_agree(actor=world_a.member("champion"), scorecard=scorecard)
        scorecards.scorecard_agree(actor=world_a.customer_x, scorecard=scorecard)
        scorecards.metric_update(
            actor=world_a.admin, scorecard=scorecard, key="order_lead_time", goal=D("9"), valid_from=LAST
        )
        entries = [
            {
                "metric_key": key,
                "quarter": quarters.shift(NOW, -i),
                "supplier_value": D(90 + i),
                "customer_value": D(80 + i) if key == "invoice_accuracy" else None,
            }
            for i in range(size)
            for key in (
                "on_time_delivery",
                "order_lead_time",
                "invoice_accuracy",
                "validated_savings",
                "share_of_wallet",
            )
        ]
        results.results_record_many(actor=world_a.admin, scorecard=scorecard, entries=entries)
    for member in (world_a.rep, world_a.customer_x):
        client = client_for(member)
        client.get(page(world_a, rel))  # warm the session
        with django_assert_max_num_queries(20):
            response = client.get(page(world_a, rel))
        assert response.status_code == 200
        assert len(response.context["grid"].discrepancies) == size
        with django_assert_max_num_queries(20):
            assert client.get(page(world_a, rel, "export.csv")).status_code == 200
        with django_assert_max_num_queries(20):
            assert client.get(page(world_a, rel, f"results/{LAST}/")).status_code == 200


@pytest.mark.usefixtures("scorecard")
def test_the_window_can_move_and_bad_input_is_ignored(world_a, rel, client_for):
    client = client_for(world_a.rep)
    response = client.get(page(world_a, rel) + "?to=2025Q2")
    assert response.context["grid"].quarters[-1] == "2025Q2"
    response = client.get(page(world_a, rel) + "?to=<script>")
    assert response.status_code == 200 and response.context["grid"].quarters[-1] == NOW


# --- Definitions and agreement ----------------------------------------------------------------


def test_both_champions_agree_on_the_definitions_page(world_a, rel, scorecard, client_for):
    ours, theirs = client_for(world_a.member("champion")), client_for(world_a.customer_x)
    html = ours.get(page(world_a, rel, "definitions/")).content.decode()
    assert 'data-testid="agree"' in html and "for our side" in html
    assert 'data-testid="agree"' not in client_for(world_a.rep).get(page(world_a, rel, "definitions/")).content.decode()
    assert ours.post(page(world_a, rel, "agree/")).status_code == 302
    html = theirs.get(page(world_a, rel, "definitions/")).content.decode()
    assert (
        'data-testid="agree"' in html and "Edit" not in html.split('data-testid="definitions"')[1].split("</table>")[0]
    )
    assert theirs.post(page(world_a, rel, "agree/")).status_code == 302
    with world_a.context():
        assert scorecards.latest_version(scorecard).status == VersionStatus.AGREED
    assert client_for(world_a.rep).post(page(world_a, rel, "agree/")).status_code == 403
    assert client_for(world_a.customer_y).post(page(world_a, rel, "agree/")).status_code == 404
    assert client_for(world_a.rep).get(page(world_a, rel, "agree/")).status_code == 302


def test_tailoring_an_agreed_scorecard_starts_a_new_version(world_a, rel, scorecard, client_for):
    with world_a.context():
        scorecards.scorecard_agree(actor=world_a.member("champion"), scorecard=scorecard)
        scorecards.scorecard_agree(actor=world_a.customer_x, scorecard=scorecard)
    champion = client_for(world_a.member("champion"))
    html = champion.get(page(world_a, rel, "definitions/")).content.decode()
    assert "Changing an agreed definition starts version 2, which needs agreement again" in html
    response = champion.get(page(world_a, rel, "definitions/?edit=on_time_delivery"))
    form = response.context["edit_form"]
    data = {name: ("" if value is None else value) for name, value in form.initial.items()}
    data.update(op="update", key="on_time_delivery", goal="97", valid_from="", change_note="Customer asked")
    bad = champion.post(page(world_a, rel, "definitions/"), {**data, "tolerance": "-3"})
    assert bad.status_code == 200 and bad.context["edit_form"].errors
    response = champion.post(page(world_a, rel, "definitions/"), data)
    assert response.status_code == 302
    with world_a.context():
        versions = list(ScorecardVersion.objects.filter(scorecard=scorecard).order_by("number"))
        assert [(v.number, v.status) for v in versions] == [(1, "agreed"), (2, "draft")]
        assert versions[1].metrics.get(key="on_time_delivery").goal == D("97")
    # Remove and add.
    assert (
        champion.post(page(world_a, rel, "definitions/"), {"op": "remove", "key": "share_of_wallet"}).status_code == 302
    )
    add = {**data, "op": "add", "key": "fill_rate", "name": "Fill rate"}
    assert champion.post(page(world_a, rel, "definitions/"), add).status_code == 302
    with world_a.context():
        keys = set(ScorecardVersion.objects.get(number=2).metrics.values_list("key", flat=True))
        assert "fill_rate" in keys and "share_of_wallet" not in keys
    # The old version stays readable.
    assert "Metrics of version 1" in champion.get(page(world_a, rel, "definitions/?version=1")).content.decode()
    # Nobody else tailors.
    assert client_for(world_a.rep).post(page(world_a, rel, "definitions/"), data).status_code == 403
    assert client_for(world_a.customer_x).post(page(world_a, rel, "definitions/"), data).status_code == 403
    assert champion.get(page(world_a, rel, "definitions/?edit=nope")).status_code == 404


# --- Metric templates -------------------------------------------------------------------------


def test_admins_edit_the_metric_templates(world_a, client_for):
    url = f"/t/{world_a.slug}/scorecards/templates/"
    admin = client_for(world_a.admin)
    response = admin.get(url)
    assert response.status_code == 200 and len(response.context["templates"]) == 14
    template = response.context["templates"][0]
    form = admin.get(f"{url}?edit={template.pk}").context["edit_form"]
    data = {name: ("" if value is None else value) for name, value in form.initial.items()}
    data.update(op="update", id=str(template.pk), goal="200", active="")
    assert admin.post(url, data).status_code == 302
    with world_a.context():
        template.refresh_from_db()
        assert template.goal == D("200") and not template.active
    assert admin.get(f"{url}?edit=not-a-uuid").status_code == 404
    for member in (world_a.member("champion"), world_a.rep, world_a.customer_x):
        assert client_for(member).get(url).status_code == 403


def test_adding_a_metric_needs_only_the_essentials(world_a, rel, scorecard, client_for):
    champion = client_for(world_a.member("champion"))
    form_page = champion.get(page(world_a, rel, "definitions/?add=1"))
    assert form_page.status_code == 200 and "add_form" in form_page.context
    data = {
        "op": "add",
        "key": "spare_parts",
        "name": "Spare parts fill rate",
        "category": "basic",
        "direction": "higher",
        "goal": "97",
        "tolerance": "0",
        "figure_owner": "both",
    }
    bad = champion.post(page(world_a, rel, "definitions/"), {**data, "key": "on_time_delivery"})
    assert bad.status_code == 200 and "already has a metric" in bad.content.decode()
    assert champion.post(page(world_a, rel, "definitions/"), data).status_code == 302
    with world_a.context():
        metric = scorecards.latest_version(scorecard).metrics.get(key="spare_parts")
        assert (metric.goal, metric.position, metric.version.number) == (D("97"), 15, 1)  # still the draft


def test_admins_add_a_template(world_a, client_for):
    url = f"/t/{world_a.slug}/scorecards/templates/"
    admin = client_for(world_a.admin)
    data = {"op": "add", "key": "fill_rate", "name": "Fill rate", "category": "basic", "direction": "higher"}
    data.update(goal="98", tolerance="0", figure_owner="both", active="on")
    assert admin.post(url, data).status_code == 302
    html = admin.get(url).content.decode()
    assert "Fill rate" in html and "15 active templates" in html

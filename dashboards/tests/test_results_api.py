"""Results API: results with ETag / If-Match, filters, CSV import and export, the grid."""

from __future__ import annotations

import uuid
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from core import quarters
from dashboards.models import QuarterlyResult
from dashboards.tests.test_scorecards_api import api, error_fields, first_key, keys, make_result, scorecard_of

CURRENT = quarters.current()
PREVIOUS = quarters.shift(CURRENT, -1)

# --- Results ----------------------------------------------------------------------------------


def test_result_create_get_etag_and_if_match(world_a, api_for):
    scorecard = scorecard_of(world_a)
    key = first_key(world_a)
    champion = api_for(world_a.member("champion"))
    created = champion.post(
        api(world_a, "results/"),
        {"scorecard": str(scorecard.pk), "metric_key": key, "quarter": PREVIOUS, "supplier_value": "91.5"},
    )
    assert created.status_code == 201, created.content
    assert created["ETag"] == '"1"' and created.json()["zone"] in ("green", "yellow", "red")
    url = api(world_a, f"results/{created.json()['id']}/")
    got = champion.get(url)
    assert got.status_code == 200 and got["ETag"] == '"1"' and got.json()["supplier_value"] == "91.5000"

    missing = champion.patch(url, {"supplier_value": "92"})
    assert missing.status_code == 428
    stale = champion.patch(url, {"supplier_value": "92"}, HTTP_IF_MATCH='"0"')
    assert stale.status_code == 412 and stale.json()["error"]["code"] == "conflict"
    ok = champion.patch(url, {"supplier_value": "92", "note": "Re-counted"}, HTTP_IF_MATCH='"1"')
    assert ok.status_code == 200 and ok["ETag"] == '"2"' and ok.json()["note"] == "Re-counted"
    # A second editor still holding version 1 is refused and nothing of theirs is saved.
    lost = api_for(world_a.rep).put(url, {"supplier_value": "50"}, HTTP_IF_MATCH='"1"')
    assert lost.status_code == 412
    with world_a.context():
        row = QuarterlyResult.objects.get(pk=created.json()["id"])
    assert (row.supplier_value, row.row_version, row.note) == (Decimal("92"), 2, "Re-counted")


def test_customer_sends_only_the_customer_figure(world_a, api_for):
    scorecard = scorecard_of(world_a)
    key = first_key(world_a)
    customer = api_for(world_a.customer_x)
    base = {"scorecard": str(scorecard.pk), "metric_key": key, "quarter": PREVIOUS}
    ours = customer.post(api(world_a, "results/"), {**base, "supplier_value": "99"})
    assert ours.status_code == 403
    agreed = customer.post(api(world_a, "results/"), {**base, "agreed_value": "99"})
    assert agreed.status_code == 403
    with world_a.context():
        assert not QuarterlyResult.objects.exists()
    theirs = customer.post(api(world_a, "results/"), {**base, "customer_value": "88"})
    assert theirs.status_code == 201, theirs.content
    url = api(world_a, f"results/{theirs.json()['id']}/")
    assert customer.patch(url, {"supplier_value": "1"}, HTTP_IF_MATCH='"1"').status_code == 403
    assert customer.patch(url, {"customer_value": "89"}, HTTP_IF_MATCH='"1"').status_code == 200
    assert api_for(world_a.customer_y).get(url).status_code == 404


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"metric_key": "no_such_metric"}, "metric_key"),
        ({"quarter": "2026Q7"}, "quarter"),
        ({"quarter": "last quarter"}, "quarter"),
        ({"supplier_value": "ninety"}, "supplier_value"),
        ({"scorecard": "not-a-uuid"}, "scorecard"),
        ({"scorecard": str(uuid.uuid4())}, "scorecard"),
    ],
)
def test_result_bad_input_is_a_400_and_saves_nothing(world_a, api_for, change, field):
    scorecard = scorecard_of(world_a)
    body = {
        "scorecard": str(scorecard.pk),
        "metric_key": first_key(world_a),
        "quarter": PREVIOUS,
        "supplier_value": "90",
    }
    response = api_for(world_a.admin).post(api(world_a, "results/"), {**body, **change})
    assert response.status_code == 400, response.content
    assert field in error_fields(response)
    with world_a.context():
        assert not QuarterlyResult.objects.exists()


def test_other_tenants_ids_are_a_400_or_404(world_a, world_b, api_for):
    foreign_scorecard = scorecard_of(world_b)
    foreign_result = make_result(world_b, foreign_scorecard)
    admin = api_for(world_a.admin)
    body = {
        "scorecard": str(foreign_scorecard.pk),
        "metric_key": first_key(world_a),
        "quarter": PREVIOUS,
        "supplier_value": "1",
    }
    response = admin.post(api(world_a, "results/"), body)
    assert response.status_code == 400 and "scorecard" in error_fields(response)
    assert admin.get(api(world_a, f"results/{foreign_result.pk}/")).status_code == 404
    assert (
        admin.patch(
            api(world_a, f"results/{foreign_result.pk}/"), {"supplier_value": "1"}, HTTP_IF_MATCH='"1"'
        ).status_code
        == 404
    )
    assert admin.get(api(world_a, f"scorecards/{foreign_scorecard.pk}/grid/")).status_code == 404
    assert admin.get(api(world_a, "results/not-a-uuid/")).status_code == 404
    with world_b.context():
        assert QuarterlyResult.objects.get(pk=foreign_result.pk).supplier_value == Decimal("90")


def test_result_list_filters(world_a, api_for):
    scorecard = scorecard_of(world_a)
    all_keys = keys(world_a)
    make_result(world_a, scorecard, all_keys[0], PREVIOUS, supplier_value=Decimal("90"), customer_value=Decimal("70"))
    make_result(world_a, scorecard, all_keys[1], PREVIOUS)
    make_result(world_a, scorecard, all_keys[0], quarters.shift(PREVIOUS, -1))
    client = api_for(world_a.rep)
    by_quarter = client.get(api(world_a, f"results/?quarter={PREVIOUS}")).json()
    assert by_quarter["count"] == 2 and {r["quarter"] for r in by_quarter["results"]} == {PREVIOUS}
    by_key = client.get(api(world_a, f"results/?metric_key={all_keys[0]}")).json()
    assert by_key["count"] == 2
    disputed = client.get(api(world_a, "results/?discrepancy=true")).json()
    assert [(r["metric_key"], r["zone"], r["discrepancy"]) for r in disputed["results"]] == [
        (all_keys[0], "disputed", True)
    ]
    bad = client.get(api(world_a, "results/?quarter=2026-3"))
    assert bad.status_code == 400 and "quarter" in error_fields(bad)
    assert client.get(api(world_a, "results/?scorecard=nope")).status_code == 400


# --- CSV and grid -----------------------------------------------------------------------------


def test_csv_import_all_or_nothing_and_export(world_a, api_for):
    scorecard = scorecard_of(world_a)
    k0, k1 = keys(world_a)[:2]
    champion = api_for(world_a.member("champion"))
    url = api(world_a, f"scorecards/{scorecard.pk}/import/")
    assert champion.get(url).json()["columns"][:2] == ["quarter", "metric_key"]
    bad = (
        "quarter,metric_key,supplier_value,customer_value,agreed_value\n"
        f"{PREVIOUS},{k0},95,,\n"
        f"{PREVIOUS},no_such_metric,95,,\n"
        f"2026Q9,{k1},95,,\n"
        f"{PREVIOUS},{k1},lots,,\n"
    )
    response = champion.post(url, {"file": SimpleUploadedFile("r.csv", bad.encode(), "text/csv")}, format="multipart")
    assert response.status_code == 400, response.content
    error = response.json()["error"]
    assert error["fields"] and {row["row"] for row in error["rows"]} >= {3, 4, 5}
    with world_a.context():
        assert not QuarterlyResult.objects.exists()  # nothing imported, not even the good row
    good = (
        f"quarter,metric_key,supplier_value,customer_value,agreed_value\n{PREVIOUS},{k0},95,,\n{PREVIOUS},{k1},=1+1,,\n"
    )
    assert (
        champion.post(url, {"file": SimpleUploadedFile("r.csv", good.encode())}, format="multipart").status_code == 400
    )
    good = good.replace("=1+1", "80")
    ok = champion.post(url, {"file": SimpleUploadedFile("r.csv", good.encode())}, format="multipart")
    assert ok.status_code == 200 and ok.json() == {"imported": 2}
    assert champion.post(url, {}, format="multipart").status_code == 400
    export = champion.get(api(world_a, f"scorecards/{scorecard.pk}/export/"))
    assert export.status_code == 200 and export["Content-Type"].startswith("text/csv")
    text = export.content.decode()
    assert text.splitlines()[0].startswith("quarter,metric_key") and f"{PREVIOUS},{k0}" in text


def test_grid_endpoint(world_a, api_for):
    scorecard = scorecard_of(world_a)
    make_result(world_a, scorecard, quarter=PREVIOUS, supplier_value=Decimal("1"))
    client = api_for(world_a.customer_x)
    response = client.get(api(world_a, f"scorecards/{scorecard.pk}/grid/?quarters=4"))
    assert response.status_code == 200
    body = response.json()
    assert len(body["quarters"]) == 4 and len(body["rows"]) == 14
    assert body["reporting_quarter"] == PREVIOUS
    assert client.get(api(world_a, f"scorecards/{scorecard.pk}/grid/?quarters=0")).status_code == 400
    assert client.get(api(world_a, f"scorecards/{scorecard.pk}/grid/?ending=someday")).status_code == 400

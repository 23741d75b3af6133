"""Scorecard API: templates, scorecards, tailoring and agreement, results with ETag/If-Match, CSV, grid."""

from __future__ import annotations

import uuid
from decimal import Decimal

import pytest

from core import quarters
from dashboards import results, scorecards
from dashboards.models import MetricTemplate, QuarterlyResult, Scorecard, ScorecardVersion, VersionStatus
from dashboards.tests.isolation_scorecards import scorecard_relationship
from partnering.tests.factories import relationship_for

CURRENT = quarters.current()
PREVIOUS = quarters.shift(CURRENT, -1)


def api(world, path: str) -> str:
    return f"/api/v1/t/{world.slug}/{path}"


def scorecard_of(world) -> Scorecard:
    relationship = scorecard_relationship(world)
    with world.context():
        return Scorecard.objects.get(relationship=relationship)


def first_key(world) -> str:
    with world.context():
        return scorecards.ensure_metric_templates()[0].key


def keys(world) -> list[str]:
    with world.context():
        return [t.key for t in scorecards.ensure_metric_templates()]


def make_result(world, scorecard, key=None, quarter=PREVIOUS, **values) -> QuarterlyResult:
    values.setdefault("supplier_value", Decimal("90"))
    with world.context():
        return results.result_record(
            actor=world.admin, scorecard=scorecard, metric_key=key or first_key(world), quarter=quarter, **values
        )


def error_fields(response) -> dict:
    body = response.json()
    assert set(body) == {"error"}, body
    return body["error"]["fields"]


# --- Metric templates -------------------------------------------------------------------------


def test_templates_default_fourteen_and_admin_edits(world_a, api_for):
    response = api_for(world_a.rep).get(api(world_a, "metric-templates/"))
    assert response.status_code == 200
    assert response.json()["count"] == 14  # created lazily for the tenant
    admin = api_for(world_a.admin)
    created = admin.post(
        api(world_a, "metric-templates/"),
        {"key": "energy_use", "name": "Energy use", "goal": "120", "direction": "lower"},
    )
    assert created.status_code == 201, created.content
    assert created.json()["direction"] == "lower"
    template_id = created.json()["id"]
    changed = admin.patch(api(world_a, f"metric-templates/{template_id}/"), {"goal": "110", "active": False})
    assert changed.status_code == 200 and changed.json()["goal"] == "110.0000" and changed.json()["active"] is False
    duplicate = admin.post(api(world_a, "metric-templates/"), {"key": "energy_use", "name": "Again", "goal": "1"})
    assert duplicate.status_code == 400 and "key" in error_fields(duplicate)
    text = admin.patch(api(world_a, f"metric-templates/{template_id}/"), {"goal": "a lot"})
    assert text.status_code == 400 and "goal" in error_fields(text)


def test_only_admins_change_templates(world_a, api_for):
    template_id = api_for(world_a.admin).get(api(world_a, "metric-templates/")).json()["results"][0]["id"]
    for member in (world_a.rep, world_a.member("champion"), world_a.member("executive")):
        client = api_for(member)
        assert client.patch(api(world_a, f"metric-templates/{template_id}/"), {"goal": "1"}).status_code == 403
        assert client.post(api(world_a, "metric-templates/"), {"key": "x", "name": "X", "goal": "1"}).status_code == 403
    with world_a.context():
        assert MetricTemplate.objects.get(pk=template_id).goal != Decimal("1")


# --- Scorecards, tailoring, agreement ---------------------------------------------------------


def test_create_scorecard_from_templates_then_tailor_and_agree(world_a, api_for):
    relationship = relationship_for(world_a)
    admin = api_for(world_a.admin)
    created = admin.post(api(world_a, "scorecards/"), {"relationship": str(relationship.pk)})
    assert created.status_code == 201, created.content
    scorecard_id = created.json()["id"]
    metrics = admin.get(api(world_a, f"scorecards/{scorecard_id}/metrics/")).json()
    assert len(metrics) == 14 and {m["version"] for m in metrics} == {1}
    again = admin.post(api(world_a, "scorecards/"), {"relationship": str(relationship.pk)})
    assert again.status_code == 400

    key = metrics[0]["key"]
    champion, customer = api_for(world_a.member("champion")), api_for(world_a.customer_x)
    tailored = champion.patch(api(world_a, f"scorecards/{scorecard_id}/metrics/{key}/"), {"goal": "97.5"})
    assert tailored.status_code == 200 and tailored.json()["version"] == 1  # a draft is changed in place
    assert customer.patch(api(world_a, f"scorecards/{scorecard_id}/metrics/{key}/"), {"goal": "1"}).status_code == 403

    assert champion.post(api(world_a, f"scorecards/{scorecard_id}/agree/")).json()["status"] == "draft"
    agreed = customer.post(api(world_a, f"scorecards/{scorecard_id}/agree/"))
    assert agreed.status_code == 200 and agreed.json()["status"] == VersionStatus.AGREED
    assert api_for(world_a.rep).post(api(world_a, f"scorecards/{scorecard_id}/agree/")).status_code == 403

    # After agreement a change starts version 2 (a draft); version 1 keeps governing earlier quarters.
    changed = champion.patch(api(world_a, f"scorecards/{scorecard_id}/metrics/{key}/"), {"goal": "99"})
    assert changed.status_code == 200 and changed.json()["version"] == 2
    added = champion.post(
        api(world_a, f"scorecards/{scorecard_id}/metrics/"),
        {"key": "cross_audits", "name": "Cross audits", "goal": "2"},
    )
    assert added.status_code == 201 and added.json()["version"] == 2
    removed = champion.delete(api(world_a, f"scorecards/{scorecard_id}/metrics/{metrics[1]['key']}/"))
    assert removed.status_code == 200 and removed.json()["number"] == 2
    versions = admin.get(api(world_a, f"scorecards/{scorecard_id}/versions/")).json()
    assert [(v["number"], v["status"]) for v in versions] == [(2, "draft"), (1, "agreed")]
    v1 = admin.get(api(world_a, f"scorecards/{scorecard_id}/metrics/?version=1")).json()
    assert next(m for m in v1 if m["key"] == key)["goal"] == "97.5000"
    assert admin.get(api(world_a, f"scorecards/{scorecard_id}/metrics/?version=9")).status_code == 400
    unknown = champion.patch(api(world_a, f"scorecards/{scorecard_id}/metrics/no_such_metric/"), {"goal": "1"})
    assert unknown.status_code == 400 and "key" in error_fields(unknown)


def test_scorecard_create_bad_ids(world_a, world_b, api_for):
    admin = api_for(world_a.admin)
    foreign = relationship_for(world_b)
    for value in (str(foreign.pk), "not-a-uuid", str(uuid.uuid4())):
        response = admin.post(api(world_a, "scorecards/"), {"relationship": value})
        assert response.status_code == 400 and "relationship" in error_fields(response), value
    bad_quarter = admin.post(
        api(world_a, "scorecards/"), {"relationship": str(relationship_for(world_a).pk), "valid_from": "2026Q5"}
    )
    assert bad_quarter.status_code == 400 and "valid_from" in error_fields(bad_quarter)
    with world_a.context():
        assert not Scorecard.objects.exists()


# --- Isolation --------------------------------------------------------------------------------


@pytest.mark.usefixtures("api_for")
def test_lists_exclude_the_other_tenant_and_account(isolation, world_a, world_b):
    foreign_scorecard = scorecard_of(world_b)
    foreign_result = make_result(world_b, foreign_scorecard)
    other_account = relationship_for(world_a, account=world_a.account_y)
    with world_a.context():
        scorecards.scorecard_create(actor=world_a.admin, relationship=other_account)
        other_scorecard = Scorecard.objects.get(relationship=other_account)
    other_result = make_result(world_a, other_scorecard)
    own = make_result(world_a, scorecard_of(world_a))
    isolation.assert_list_excludes(api(world_a, "scorecards/"), [foreign_scorecard.pk])
    isolation.assert_list_excludes(api(world_a, "results/"), [foreign_result.pk])
    isolation.assert_list_excludes(
        api(world_a, "results/"), [foreign_result.pk, other_result.pk], as_member=world_a.customer_x
    )
    isolation.assert_list_excludes(
        api(world_a, "scorecards/"), [foreign_scorecard.pk, other_scorecard.pk], as_member=world_a.customer_x
    )
    isolation.assert_hidden(api(world_a, f"results/{own.pk}/"), account_bound=True)
    isolation.assert_hidden(api(world_a, f"scorecards/{own.scorecard_id}/grid/"), account_bound=True)


def test_version_metadata_routes(world_a, api_for):
    scorecard = scorecard_of(world_a)
    client = api_for(world_a.rep)
    agree = client.get(api(world_a, f"scorecards/{scorecard.pk}/agree/"))
    assert agree.status_code == 200 and agree.json()["number"] == 1
    key = first_key(world_a)
    metric = client.get(api(world_a, f"scorecards/{scorecard.pk}/metrics/{key}/"))
    assert metric.status_code == 200 and metric.json()["key"] == key
    assert client.get(api(world_a, f"scorecards/{scorecard.pk}/metrics/nope/")).status_code == 404
    with world_a.context():
        assert ScorecardVersion.objects.filter(scorecard=scorecard).count() == 1

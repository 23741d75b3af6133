"""The program-office admin for dashboards: every changelist and inline is scoped to the active
workspace, configuration is editable, the champions' rows are read-only, non-admins get 403."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from core.models import Role
from dashboards.models import (
    ChampionRating,
    DashboardsSettings,
    Metric,
    MetricTemplate,
    QuarterlyResult,
    RatingDimension,
    RatingScore,
    RatingStatus,
    Scorecard,
    ScorecardVersion,
)
from dashboards.ratings import ensure_rating_dimensions
from dashboards.scorecards import ensure_metric_templates
from dashboards.tests.test_tasks import scorecard_for
from partnering.tests.factories import relationship_for

ADMIN = "/admin/dashboards/"
MODELS = (
    MetricTemplate,
    Scorecard,
    ScorecardVersion,
    Metric,
    QuarterlyResult,
    RatingDimension,
    ChampionRating,
    RatingScore,
    DashboardsSettings,
)


def url(model: Any, suffix: str = "") -> str:
    return f"{ADMIN}{model._meta.model_name}/{suffix}"


def fill(world: Any, tag: str) -> dict[str, Any]:
    """One row of every dashboards model in ``world``, tagged so the HTML can be searched."""
    relationship = relationship_for(world)
    scorecard, metrics = scorecard_for(world, relationship)
    with world.context():
        ensure_metric_templates()
        MetricTemplate.objects.filter(key="on_time_delivery").update(name=f"On-time {tag}")
        dimensions = ensure_rating_dimensions()
        Metric.objects.filter(pk=metrics[0].pk).update(name=f"Metric {tag}")
        result = QuarterlyResult.objects.create(
            scorecard=scorecard, metric_key=metrics[0].key, quarter="2026Q1", supplier_value=Decimal("97"), note=tag
        )
        rating = ChampionRating.objects.create(
            relationship=relationship,
            quarter="2026Q1",
            side="supplier",
            champion=relationship.supplier_champion,
            overall=4,
            avoid_stall=f"Stall {tag}",
            status=RatingStatus.SUBMITTED,
            submitted_at=timezone.now(),
        )
        RatingScore.objects.create(rating=rating, dimension=dimensions[0], color=4, comment=f"Comment {tag}")
        DashboardsSettings.objects.create()
    return {"relationship": relationship, "scorecard": scorecard, "result": result, "rating": rating}


@pytest.fixture
def rows_a(world_a) -> dict[str, Any]:
    return fill(world_a, "alpha")


@pytest.fixture
def rows_b(world_b) -> dict[str, Any]:
    return fill(world_b, "bravo")


@pytest.fixture
def admin_a(request, world_a, client_for) -> Client:
    for name in ("world_b", "rows_a", "rows_b"):  # both workspaces' rows exist before the admin signs in
        request.getfixturevalue(name)
    client = client_for(world_a.admin)
    response = client.get(f"/t/{world_a.slug}/program-office/")
    assert response.status_code == 302 and client.session["active_tenant"] == world_a.slug
    return client


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
def test_changelist_shows_only_the_active_tenants_rows(admin_a, world_a, world_b, model):
    response = admin_a.get(url(model))
    assert response.status_code == 200
    shown = {row.pk for row in response.context["cl"].result_list}
    with world_a.context():
        expected = set(model.objects.values_list("pk", flat=True))
    with world_b.context():
        foreign = set(model.objects.values_list("pk", flat=True))
    assert shown == expected and shown
    assert not shown & foreign
    assert "bravo" not in response.content.decode().lower()


def test_admin_index_lists_the_dashboards_models(admin_a):
    html = admin_a.get("/admin/").content.decode()
    for model in MODELS:
        assert url(model) in html, model


def test_search_does_not_reach_other_tenants(admin_a):
    for model in (MetricTemplate, Metric, QuarterlyResult, RatingScore):
        response = admin_a.get(url(model), {"q": "bravo"})
        assert response.status_code == 200 and response.context["cl"].result_count == 0, model


def test_inlines_show_metrics_in_a_version_and_scores_in_a_rating(admin_a, world_a, rows_a):
    with world_a.context():
        version = ScorecardVersion.objects.get(scorecard=rows_a["scorecard"])
    html = admin_a.get(url(ScorecardVersion, f"{version.pk}/change/")).content.decode()
    assert "Metric alpha" in html and "bravo" not in html.lower()
    html = admin_a.get(url(ChampionRating, f"{rows_a['rating'].pk}/change/")).content.decode()
    assert "Comment alpha" in html and "bravo" not in html.lower()


def test_another_tenants_row_is_not_found(admin_a, world_b, rows_b):
    for model, key in ((ChampionRating, "rating"), (QuarterlyResult, "result"), (Scorecard, "scorecard")):
        foreign = rows_b[key]
        response = admin_a.get(url(model, f"{foreign.pk}/change/"))
        assert response.status_code == 302 and response["Location"] == "/admin/"
        admin_a.post(url(model, f"{foreign.pk}/delete/"), {"post": "yes"})
        with world_b.context():
            assert model.objects.filter(pk=foreign.pk).exists()


def test_champions_rows_are_read_only_and_ratings_cannot_be_added(admin_a, world_a, rows_a):
    rating = rows_a["rating"]
    response = admin_a.post(
        url(ChampionRating, f"{rating.pk}/change/"),
        {"overall": "1", "avoid_stall": "rewritten", "status": "submitted"},
    )
    assert response.status_code in (200, 403)
    with world_a.context():
        rating.refresh_from_db()
        assert rating.overall == 4 and rating.avoid_stall == "Stall alpha"
    for model in (ChampionRating, RatingScore, Scorecard, ScorecardVersion, Metric, QuarterlyResult):
        assert admin_a.get(url(model, "add/")).status_code == 403, model


def test_a_result_correction_bumps_row_version(admin_a, world_a, rows_a):
    result = rows_a["result"]
    page = admin_a.get(url(QuarterlyResult, f"{result.pk}/change/"))
    assert page.status_code == 200
    data = {
        "scorecard": str(rows_a["scorecard"].pk),
        "metric_key": result.metric_key,
        "quarter": result.quarter,
        "supplier_value": "98",
        "customer_value": "",
        "agreed_value": "",
        "note": "corrected",
    }
    response = admin_a.post(url(QuarterlyResult, f"{result.pk}/change/"), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    with world_a.context():
        result.refresh_from_db()
    assert result.supplier_value == Decimal("98") and result.row_version == 2
    assert result.updated_by_id == world_a.admin.pk


def test_templates_and_settings_are_editable(admin_a, world_a):
    with world_a.context():
        template = MetricTemplate.objects.get(key="on_time_delivery")
        settings_row = DashboardsSettings.objects.get()
    page = admin_a.get(url(MetricTemplate, f"{template.pk}/change/"))
    assert page.status_code == 200
    form = page.context["adminform"].form
    data = {name: form.initial.get(name) for name in form.fields}
    data = {key: ("" if value is None else value) for key, value in data.items()}
    data.update({"goal": "97", "active": "on"})
    response = admin_a.post(url(MetricTemplate, f"{template.pk}/change/"), data)
    assert response.status_code == 302, page.context["adminform"].form.errors
    response = admin_a.post(
        url(DashboardsSettings, f"{settings_row.pk}/change/"),
        {"rating_reminder_days": "10", "results_reminder_days": "30"},
    )
    assert response.status_code == 302
    with world_a.context():
        assert MetricTemplate.objects.get(pk=template.pk).goal == Decimal("97")
        assert DashboardsSettings.objects.get().rating_reminder_days == 10


def test_settings_are_one_row_per_workspace(admin_a, world_a):
    response = admin_a.post(
        url(DashboardsSettings, "add/"), {"rating_reminder_days": "5", "results_reminder_days": "5"}
    )
    assert response.status_code == 403  # not a 500 from the unique constraint
    with world_a.context():
        assert DashboardsSettings.objects.count() == 1
        DashboardsSettings.objects.all().delete()
    response = admin_a.post(
        url(DashboardsSettings, "add/"), {"rating_reminder_days": "5", "results_reminder_days": "5"}
    )
    assert response.status_code == 302
    with world_a.context():
        assert DashboardsSettings.objects.get().rating_reminder_days == 5


@pytest.mark.parametrize("role", [Role.REP, Role.CHAMPION, Role.EXECUTIVE, Role.CUSTOMER])
def test_non_admins_get_403(world_a, rows_a, client_for, role):
    member = world_a.customer_x if role == Role.CUSTOMER else world_a.member(role)
    client = client_for(member)
    client.get(f"/t/{world_a.slug}/")
    for model in (ChampionRating, QuarterlyResult, MetricTemplate, DashboardsSettings):
        for path in (url(model), url(model, "add/"), url(model, f"{rows_a['rating'].pk}/change/")):
            response = client.get(path, follow=True)
            assert response.status_code == 403, path
            html = response.content.decode()
            assert "Stall alpha" not in html and "Comment alpha" not in html


@pytest.mark.usefixtures("rows_a")
def test_rep_cannot_post_a_template(world_a, client_for):
    client = client_for(world_a.rep)
    client.get(f"/t/{world_a.slug}/")
    response = client.post(url(MetricTemplate, "add/"), {"key": "x", "name": "Injected", "goal": "1"}, follow=True)
    assert response.status_code == 403
    with world_a.context():
        assert not MetricTemplate.objects.filter(name="Injected").exists()

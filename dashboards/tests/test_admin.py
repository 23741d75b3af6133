"""The program-office admin for dashboards: the shared admin cases (tests/admin_cases.py) over every
dashboards model, plus inlines scoped to the workspace, configuration editable, the champions' rows
read-only and result corrections through the services."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from dashboards.models import (
    ChampionRating,
    DashboardsSettings,
    Metric,
    MetricTemplate,
    QuarterlyResult,
    RatingScore,
    RatingStatus,
    Scorecard,
    ScorecardVersion,
)
from dashboards.ratings import ensure_rating_dimensions
from dashboards.scorecards import ensure_metric_templates
from dashboards.tests.test_tasks import scorecard_for
from partnering.tests.factories import relationship_for
from tests.admin_cases import AdminCases, admin_url, searchable


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


class TestDashboardsAdmin(AdminCases):
    app_label = "dashboards"
    fill = staticmethod(fill)

    def test_inlines_show_metrics_in_a_version_and_scores_in_a_rating(self, admin_a, world_a, rows_a):
        with world_a.context():
            version = ScorecardVersion.objects.get(scorecard=rows_a["scorecard"])
        html = admin_a.get(admin_url(ScorecardVersion, f"{version.pk}/change/")).content.decode()
        assert "Metric alpha" in html and "bravo" not in searchable(html)
        html = admin_a.get(admin_url(ChampionRating, f"{rows_a['rating'].pk}/change/")).content.decode()
        assert "Comment alpha" in html and "bravo" not in searchable(html)

    def test_champions_rows_are_read_only_and_ratings_cannot_be_added(self, admin_a, world_a, rows_a):
        rating = rows_a["rating"]
        response = admin_a.post(
            admin_url(ChampionRating, f"{rating.pk}/change/"),
            {"overall": "1", "avoid_stall": "rewritten", "status": "submitted"},
        )
        assert response.status_code in (200, 403)
        with world_a.context():
            rating.refresh_from_db()
            assert rating.overall == 4 and rating.avoid_stall == "Stall alpha"
        for model in (ChampionRating, RatingScore, Scorecard, ScorecardVersion, Metric, QuarterlyResult):
            assert admin_a.get(admin_url(model, "add/")).status_code == 403, model

    def test_a_result_correction_bumps_row_version(self, admin_a, world_a, rows_a):
        result = rows_a["result"]
        page = admin_a.get(admin_url(QuarterlyResult, f"{result.pk}/change/"))
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
        response = admin_a.post(admin_url(QuarterlyResult, f"{result.pk}/change/"), data)
        assert response.status_code == 302, response.content.decode()[:2000]
        with world_a.context():
            result.refresh_from_db()
        assert result.supplier_value == Decimal("98") and result.row_version == 2
        assert result.updated_by_id == world_a.admin.pk

    def test_templates_and_settings_are_editable(self, admin_a, world_a):
        with world_a.context():
            template = MetricTemplate.objects.get(key="on_time_delivery")
            settings_row = DashboardsSettings.objects.get()
        page = admin_a.get(admin_url(MetricTemplate, f"{template.pk}/change/"))
        assert page.status_code == 200
        form = page.context["adminform"].form
        data = {name: form.initial.get(name) for name in form.fields}
        data = {key: ("" if value is None else value) for key, value in data.items()}
        data.update({"goal": "97", "active": "on"})
        response = admin_a.post(admin_url(MetricTemplate, f"{template.pk}/change/"), data)
        assert response.status_code == 302, page.context["adminform"].form.errors
        response = admin_a.post(
            admin_url(DashboardsSettings, f"{settings_row.pk}/change/"),
            {"rating_reminder_days": "10", "results_reminder_days": "30"},
        )
        assert response.status_code == 302
        with world_a.context():
            assert MetricTemplate.objects.get(pk=template.pk).goal == Decimal("97")
            assert DashboardsSettings.objects.get().rating_reminder_days == 10

    def test_settings_are_one_row_per_workspace(self, admin_a, world_a):
        response = admin_a.post(
            admin_url(DashboardsSettings, "add/"), {"rating_reminder_days": "5", "results_reminder_days": "5"}
        )
        assert response.status_code == 403  # not a 500 from the unique constraint
        with world_a.context():
            assert DashboardsSettings.objects.count() == 1
            DashboardsSettings.objects.all().delete()
        response = admin_a.post(
            admin_url(DashboardsSettings, "add/"), {"rating_reminder_days": "5", "results_reminder_days": "5"}
        )
        assert response.status_code == 302
        with world_a.context():
            assert DashboardsSettings.objects.get().rating_reminder_days == 5

    @pytest.mark.usefixtures("rows_a")
    def test_rep_cannot_post_a_template(self, world_a, client_for):
        client = client_for(world_a.rep)
        client.get(f"/t/{world_a.slug}/")
        response = client.post(
            admin_url(MetricTemplate, "add/"), {"key": "x", "name": "Injected", "goal": "1"}, follow=True
        )
        assert response.status_code == 403
        with world_a.context():
            assert not MetricTemplate.objects.filter(name="Injected").exists()

"""Selection: the weighted score math, who may score, bad input, the ranked candidate list, the
project panel, the projects settings (page and API) and the selection API."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from projects import selection, workflow
from projects.models import Phase, Project, ProjectsSettings, SelectionScore
from projects.projects import settings_for_tenant
from projects.tests.factories import project_for

A = {"customer_value": 5, "buy_in": 4, "durability": 3, "effort": 2, "data_availability": 1}
B = {"customer_value": 3, "buy_in": 2, "durability": 5, "effort": 4, "data_availability": 3}


def url(world, rest: str = "") -> str:
    return f"/t/{world.slug}/projects/{rest}"


def api(world, rest: str) -> str:
    return f"/api/v1/t/{world.slug}/{rest}"


def submit(world, actor, project, scores, **extra):
    with world.context():
        return selection.score_submit(actor=actor, project=project, **scores, **extra)


def score_of(world, project) -> Decimal | None:
    with world.context():
        return Project.objects.get(pk=project.pk).selection_score


# --- The math (default weights 5, 4, 3, 2, 2 → 16) -------------------------------------------


def test_one_score_is_the_weighted_mean_with_effort_inverted(world_a):
    project = project_for(world_a)
    submit(world_a, world_a.rep, project, A)
    # 5·5 + 4·4 + 3·3 + 2·(6−2) + 2·1 = 60; 60/16 = 3.75; (3.75−1)/4·100 = 68.75
    assert score_of(world_a, project) == Decimal("68.75")


def test_two_scorers_average_per_criterion_and_sides_are_shown_apart(world_a):
    project = project_for(world_a)
    submit(world_a, world_a.rep, project, A)
    submit(world_a, world_a.customer_x, project, B)
    # means 4, 3, 4, effort 3 (→3), 2: 20+12+12+6+4 = 54; 54/16 = 3.375 → 59.375 → 59.38
    assert score_of(world_a, project) == Decimal("59.38")
    with world_a.context():
        summary = selection.selection_summary(Project.objects.get(pk=project.pk))
    assert (summary["supplier_count"], summary["customer_count"], summary["count"]) == (1, 1, 2)
    value = next(c for c in summary["criteria"] if c["key"] == "customer_value")
    assert (value["supplier"], value["customer"], value["overall"]) == (Decimal("5.0"), Decimal("3.0"), Decimal("4.0"))
    assert summary["overall"] == Decimal("59.38")
    with world_a.context():
        candidates = selection.candidates_with_sides(world_a.rep)
    # customer alone: 15+8+15+4+6 = 48 → 3.0 → 50; ours alone 68.75
    assert (candidates[0].customer_score, candidates[0].supplier_score) == (Decimal("50.00"), Decimal("68.75"))


def test_rescoring_updates_the_own_row(world_a):
    project = project_for(world_a)
    submit(world_a, world_a.rep, project, A)
    submit(world_a, world_a.rep, project, {**A, "data_availability": 5}, comment=" better data ")
    with world_a.context():
        rows = list(SelectionScore.objects.filter(project=project))
    assert len(rows) == 1 and rows[0].data_availability == 5 and rows[0].comment == "better data"
    # 25+16+9+8+10 = 68 → 4.25 → 81.25
    assert score_of(world_a, project) == Decimal("81.25")


def test_weights_change_recomputes_and_all_zero_gives_none(world_a):
    project = project_for(world_a)
    submit(world_a, world_a.rep, project, A)
    submit(world_a, world_a.customer_x, project, B)
    zeros = {f: 0 for f in selection.WEIGHT_FIELDS.values()}
    with world_a.context():
        selection.settings_update(actor=world_a.admin, **{**zeros, "weight_customer_value": 10})
    assert score_of(world_a, project) == Decimal("75.00")  # mean customer value 4 → 75
    with world_a.context():
        selection.settings_update(actor=world_a.admin, **zeros)
    assert score_of(world_a, project) is None
    with world_a.context():
        selection.settings_update(actor=world_a.admin, weight_effort=1)
    assert score_of(world_a, project) == Decimal("50.00")  # effort mean 3 → 3 → 50


def test_weighted_score_helper_edges():
    settings = ProjectsSettings()
    ones = dict.fromkeys(selection.CRITERIA, 1) | {"effort": 5}
    fives = dict.fromkeys(selection.CRITERIA, 5) | {"effort": 1}
    assert selection.weighted_score(ones, settings) == Decimal("0.00")
    assert selection.weighted_score(fives, settings) == Decimal("100.00")
    assert selection.weighted_score({}, settings) is None


# --- Who may score; bad input ------------------------------------------------------------------


def test_customer_scores_own_account_only(world_a, client_for):
    project = project_for(world_a)
    form = dict(A, comment="from the plant")
    response = client_for(world_a.customer_x).post(url(world_a, f"{project.pk}/score/"), form)
    assert response.status_code == 302
    with world_a.context():
        assert SelectionScore.objects.get(project=project).scorer_id == world_a.customer_x.pk
    assert client_for(world_a.customer_y).get(url(world_a, f"{project.pk}/score/")).status_code == 404
    assert client_for(world_a.customer_y).post(url(world_a, f"{project.pk}/score/"), form).status_code == 404
    with world_a.context():
        with pytest.raises(PermissionDenied):
            selection.score_submit(actor=world_a.customer_y, project=project, **A)
        assert SelectionScore.objects.count() == 1


def test_outsider_of_another_tenant_gets_404(world_a, world_b, client_for, api_for):
    project = project_for(world_a)
    assert client_for(world_b.rep).get(url(world_a, f"{project.pk}/score/")).status_code == 404
    assert client_for(world_b.admin).get(url(world_b, f"{project.pk}/score/")).status_code == 404
    response = api_for(world_b.rep).post(api(world_b, "selection-scores/"), {"project": str(project.pk), **A})
    assert response.status_code == 400 and "project" in response.json()["error"]["fields"]


@pytest.mark.parametrize("bad", [0, 6, "abc", "", "2.5"])
def test_bad_scores_are_form_errors_and_nothing_is_saved(world_a, client_for, bad):
    project = project_for(world_a)
    response = client_for(world_a.rep).post(url(world_a, f"{project.pk}/score/"), {**A, "effort": bad})
    assert response.status_code == 200
    assert response.context["form"].errors["effort"]
    with world_a.context():
        assert not SelectionScore.objects.exists()


@pytest.mark.parametrize("bad", [0, 6, "abc", None, 2.5, True])
def test_bad_scores_are_refused_by_the_service(world_a, bad):
    project = project_for(world_a)
    with world_a.context():
        with pytest.raises(ValidationError) as error:
            selection.score_submit(actor=world_a.rep, project=project, **{**A, "buy_in": bad})
        assert "buy_in" in error.value.message_dict
        assert not SelectionScore.objects.exists()
    assert score_of(world_a, project) is None


def test_closed_and_cancelled_projects_are_not_scored(world_a, client_for):
    project = project_for(world_a)
    with world_a.context():
        workflow.project_cancel(actor=world_a.rep, project=project, reason="Customer reorganised")
        project.refresh_from_db()
        assert project.phase == Phase.CANCELLED
        with pytest.raises(ValidationError):
            selection.score_submit(actor=world_a.rep, project=project, **A)
    page = client_for(world_a.rep).get(url(world_a, f"{project.pk}/score/"))
    assert page.status_code == 200 and b"Scoring is closed" in page.content


def test_scoring_records_activity(world_a):
    project = project_for(world_a)
    submit(world_a, world_a.customer_x, project, A)
    with world_a.context():
        assert project.activity.filter(verb="selection.scored").count() == 1


# --- Candidates list ---------------------------------------------------------------------------


def test_candidates_ranked_unscored_last_with_customer_warning(world_a, client_for):
    low = project_for(world_a, title="Low")
    high = project_for(world_a, title="High")
    unscored = project_for(world_a, title="Unscored")
    other = project_for(world_a, title="Other account", account=world_a.account_y)
    submit(world_a, world_a.rep, low, dict.fromkeys(A, 2))
    submit(world_a, world_a.rep, high, A)
    submit(world_a, world_a.customer_x, high, B)
    page = client_for(world_a.rep).get(url(world_a, "candidates/"))
    assert page.status_code == 200
    titles = [p.title for p in page.context["candidates"]]
    assert titles.index("High") < titles.index("Low") < titles.index("Unscored")
    assert "Other account" in titles
    ranked = {p.title: p for p in page.context["candidates"]}
    assert ranked["High"].scorer_count == 2 and ranked["High"].has_customer_score
    assert not ranked["Low"].has_customer_score
    assert page.content.count(b'data-testid="no-customer-score"') == len(titles) - 1
    customer = client_for(world_a.customer_x).get(url(world_a, "candidates/"))
    assert {p.pk for p in customer.context["candidates"]} == {low.pk, high.pk, unscored.pk}
    assert other.pk not in {p.pk for p in customer.context["candidates"]}


def test_candidates_empty_state(world_a, client_for):
    page = client_for(world_a.rep).get(url(world_a, "candidates/"))
    assert b"No open candidates" in page.content


def _bulk_candidates(world, size: int) -> None:
    for i in range(size):
        project = project_for(world, title=f"Candidate {i}")
        if i % 2:
            submit(world, world.rep, project, A)
            submit(world, world.customer_x, project, B)


@pytest.mark.parametrize("size", [3, 15])
def test_candidates_list_query_count(world_a, client_for, django_assert_max_num_queries, size):
    _bulk_candidates(world_a, size)
    client = client_for(world_a.rep)
    with django_assert_max_num_queries(12):
        response = client.get(url(world_a, "candidates/"))
    assert len(response.context["candidates"]) == size


# --- Panel and score page ----------------------------------------------------------------------


def test_panel_context_is_a_fixed_number_of_queries(world_a, django_assert_max_num_queries):
    project = project_for(world_a)
    submit(world_a, world_a.rep, project, A)
    with world_a.context():
        fresh = Project.objects.get(pk=project.pk)
        with django_assert_max_num_queries(2):
            context = selection.panel_context(fresh, world_a.rep)
    assert context["selection_own"].customer_value == 5
    assert context["selection_can_score"] and context["selection_prominent"]
    assert context["selection_summary"]["overall"] == Decimal("68.75")


def test_project_page_shows_the_selection_panel(world_a, client_for):
    project = project_for(world_a)
    submit(world_a, world_a.customer_x, project, A)
    page = client_for(world_a.rep).get(url(world_a, f"{project.pk}/"))
    assert page.status_code == 200
    assert b'data-testid="selection-panel"' in page.content
    assert f"/projects/{project.pk}/score/".encode() in page.content


def test_score_page_prefills_own_scores(world_a, client_for):
    project = project_for(world_a)
    submit(world_a, world_a.rep, project, A)
    page = client_for(world_a.rep).get(url(world_a, f"{project.pk}/score/"))
    assert page.context["form"].initial["customer_value"] == 5
    assert b"Change your score" in page.content


# --- Settings -----------------------------------------------------------------------------------


def settings_form(**overrides):
    data = {
        "weight_customer_value": 5,
        "weight_buy_in": 4,
        "weight_durability": 3,
        "weight_effort": 2,
        "weight_data_availability": 2,
        "stalled_after_days": 30,
        "long_running_days": 365,
        "attachment_max_mb": 10,
        "default_currency": "EUR",
        "green_belt_closed_projects": 1,
        "green_belt_requires_validated_benefits": "on",
        "black_belt_closed_projects": 2,
        "black_belt_requires_green_belt": "on",
    }
    data.update(overrides)
    return data


def test_settings_page_changes_weights_and_recomputes(world_a, client_for):
    project = project_for(world_a)
    submit(world_a, world_a.rep, project, A)
    client = client_for(world_a.admin)
    assert client.get(url(world_a, "settings/")).status_code == 200
    response = client.post(
        url(world_a, "settings/"),
        settings_form(weight_buy_in=0, weight_durability=0, weight_effort=0, weight_data_availability=0),
    )
    assert response.status_code == 302
    assert score_of(world_a, project) == Decimal("100.00")  # customer value 5 only


@pytest.mark.parametrize(
    ("field", "value"),
    [("weight_effort", 11), ("weight_buy_in", -1), ("default_currency", "XXX"), ("stalled_after_days", 0)],
)
def test_settings_page_bad_values_are_form_errors(world_a, client_for, field, value):
    response = client_for(world_a.admin).post(url(world_a, "settings/"), settings_form(**{field: value}))
    assert response.status_code == 200 and response.context["form"].errors[field]
    with world_a.context():
        settings = settings_for_tenant()
    assert (settings.weight_effort, settings.default_currency, settings.stalled_after_days) == (2, "EUR", 30)


def test_settings_are_for_admins_only(world_a, client_for, api_for):
    for member in (world_a.rep, world_a.member("coach"), world_a.customer_x):
        assert client_for(member).get(url(world_a, "settings/")).status_code == 403
    assert api_for(world_a.rep).patch(api(world_a, "projects-settings/"), {"weight_effort": 9}).status_code == 403
    with world_a.context():
        with pytest.raises(PermissionDenied):
            selection.settings_update(actor=world_a.rep, weight_effort=9)
        assert settings_for_tenant().weight_effort == 2


def test_settings_api_get_and_patch(world_a, api_for):
    project = project_for(world_a)
    submit(world_a, world_a.rep, project, A)
    client = api_for(world_a.admin)
    body = client.get(api(world_a, "projects-settings/")).json()
    assert body["weight_customer_value"] == 5 and body["default_currency"] == "EUR"
    bad = client.patch(api(world_a, "projects-settings/"), {"weight_effort": 12}, format="json")
    assert bad.status_code == 400 and "weight_effort" in bad.json()["error"]["fields"]
    ok = client.patch(
        api(world_a, "projects-settings/"), {"weight_effort": 0, "default_currency": "USD"}, format="json"
    )
    assert ok.status_code == 200 and ok.json()["weight_effort"] == 0
    # 25+16+9+2 = 52 / 14 = 3.714… → 67.857… → 67.86
    assert score_of(world_a, project) == Decimal("67.86")


# --- Selection API --------------------------------------------------------------------------


def test_api_create_or_update_own_score(world_a, api_for):
    project = project_for(world_a)
    client = api_for(world_a.customer_x)
    created = client.post(api(world_a, "selection-scores/"), {"project": str(project.pk), **A}, format="json")
    assert created.status_code == 201, created.content
    assert created.json()["is_customer"] is True
    updated = client.post(
        api(world_a, "selection-scores/"), {"project": str(project.pk), **A, "effort": 5}, format="json"
    )
    assert updated.status_code == 200 and updated.json()["effort"] == 5
    listed = api_for(world_a.rep).get(api(world_a, "selection-scores/"), {"project": str(project.pk)}).json()
    assert [row["effort"] for row in listed["results"]] == [5]


@pytest.mark.parametrize("bad", [0, 6, "abc", 2.5, None])
def test_api_bad_scores_400(world_a, api_for, bad):
    project = project_for(world_a)
    response = api_for(world_a.rep).post(
        api(world_a, "selection-scores/"), {"project": str(project.pk), **A, "durability": bad}, format="json"
    )
    assert response.status_code == 400 and "durability" in response.json()["error"]["fields"]
    with world_a.context():
        assert not SelectionScore.objects.exists()


def test_api_customer_of_other_account_cannot_score_or_list(world_a, api_for):
    project = project_for(world_a)
    submit(world_a, world_a.rep, project, A)
    client = api_for(world_a.customer_y)
    response = client.post(api(world_a, "selection-scores/"), {"project": str(project.pk), **A}, format="json")
    assert response.status_code == 400 and "project" in response.json()["error"]["fields"]
    assert client.get(api(world_a, "selection-scores/")).json()["results"] == []
    assert client.get(api(world_a, f"projects/{project.pk}/score/")).status_code == 404


def test_api_project_score_action(world_a, api_for):
    project = project_for(world_a)
    client = api_for(world_a.customer_x)
    summary = client.get(api(world_a, f"projects/{project.pk}/score/")).json()
    assert summary["count"] == 0 and summary["overall"] is None
    posted = client.post(api(world_a, f"projects/{project.pk}/score/"), A, format="json")
    assert posted.status_code == 200, posted.content
    assert posted.json()["customer_count"] == 1 and posted.json()["overall"] == "68.75"
    bad = client.post(api(world_a, f"projects/{project.pk}/score/"), {**A, "effort": 9}, format="json")
    assert bad.status_code == 400

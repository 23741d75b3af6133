"""Program health (``projects:program`` and ``GET /api/v1/t/<slug>/project-program/``): hand-built
projects with known dates, exact medians / counts / totals, filters, permissions, the empty state
and a fixed number of queries at two data sizes."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from core import quarters
from projects.models import (
    Benefit,
    BenefitStatus,
    Certification,
    CustomerFeedback,
    Phase,
    PhaseVisit,
    Project,
    SelectionScore,
    WaitingKind,
    WaitingPeriod,
)
from projects.program import program_health
from projects.projects import settings_for_tenant
from projects.tests.factories import project_for

MAX_QUERIES = 12


def page_url(world, query: str = "") -> str:
    return f"/t/{world.slug}/projects/program/" + (f"?{query}" if query else "")


def api_url(world, query: str = "") -> str:
    return f"/api/v1/t/{world.slug}/project-program/" + (f"?{query}" if query else "")


def days_ago(n: int) -> dt.date:
    return timezone.localdate() - dt.timedelta(days=n)


def close(world, project, *, started: int, closed: int, **fields) -> None:
    """Put a project in Closed with known dates (tests only: the real way is an approved tollgate)."""
    with world.context():
        Project.objects.filter(pk=project.pk).update(
            phase=Phase.CLOSED, started_on=days_ago(started), closed_on=days_ago(closed), **fields
        )


def visit(world, project, phase: str, *, entered_days_ago: int, days: float | None) -> None:
    entered = timezone.now() - dt.timedelta(days=entered_days_ago)
    with world.context():
        PhaseVisit.objects.create(
            project=project,
            phase=phase,
            entered_at=entered,
            left_at=None if days is None else entered + dt.timedelta(days=days),
        )


def benefit(world, project, *, currency: str, estimated: str, validated: str | None = None, status=None) -> None:
    with world.context():
        Benefit.objects.create(
            project=project,
            kind="hard_savings",
            description="Less blowdown",
            period_start=days_ago(300),
            period_end=days_ago(10),
            currency=currency,
            estimated_amount=Decimal(estimated),
            validated_amount=Decimal(validated) if validated is not None else None,
            status=status or (BenefitStatus.VALIDATED if validated is not None else BenefitStatus.ESTIMATED),
        )


def score(world, project, scorer) -> None:
    with world.context():
        SelectionScore.objects.create(
            project=project, scorer=scorer, customer_value=4, buy_in=4, durability=3, effort=2, data_availability=3
        )


@pytest.fixture
def program(world_a):
    """Three closed projects (100, 300 and 50 days), one open stalled one, two candidates."""
    w = world_a
    p1 = project_for(w, title="P1 pilot", is_pilot=True)
    p2 = project_for(w, account=w.account_y, title="P2 black", belt_level="black", lead=w.member("champion"))
    p3 = project_for(w, title="P3 quick")
    p4 = project_for(w, title="P4 stuck")
    p5 = project_for(w, title="P5 candidate scored")
    p6 = project_for(w, account=w.account_y, title="P6 candidate unscored")
    close(w, p1, started=200, closed=100)  # 100 days
    close(w, p2, started=400, closed=100)  # 300 days
    close(w, p3, started=60, closed=10)  # 50 days
    with w.context():
        Project.objects.filter(pk=p4.pk).update(
            phase=Phase.DEFINE,
            started_on=days_ago(400),
            last_activity_at=timezone.now() - dt.timedelta(days=40),
            waiting_kind=WaitingKind.DATA,
            tollgate_pending=True,
        )
        # 20 days of waiting inside P1's run; P3's open period is clipped to its close (20 days);
        # P4 is open, so its waiting does not count towards closed projects' time.
        WaitingPeriod.objects.create(
            project=p1,
            kind=WaitingKind.DATA,
            reason="Lab data",
            started_on=days_ago(180),
            ended_on=days_ago(160),
            phase=Phase.MEASURE,
        )
        WaitingPeriod.objects.create(
            project=p3,
            kind=WaitingKind.CUSTOMER_APPROVAL,
            reason="Sign-off",
            started_on=days_ago(30),
            phase=Phase.IMPROVE,
        )
        WaitingPeriod.objects.create(
            project=p4, kind=WaitingKind.DATA, reason="Data", started_on=days_ago(90), phase=Phase.DEFINE
        )
    # Finished visits: Define 10 / 30 / 20 (median 20), Measure 20 / 40 (median 30, average 30),
    # Analyze 3.5 (one); open visits do not count.
    visit(w, p1, Phase.DEFINE, entered_days_ago=190, days=10)
    visit(w, p1, Phase.MEASURE, entered_days_ago=180, days=20)
    visit(w, p2, Phase.DEFINE, entered_days_ago=390, days=30)
    visit(w, p2, Phase.MEASURE, entered_days_ago=360, days=40)
    visit(w, p3, Phase.DEFINE, entered_days_ago=55, days=20)
    visit(w, p3, Phase.ANALYZE, entered_days_ago=30, days=3.5)
    visit(w, p4, Phase.DEFINE, entered_days_ago=300, days=None)
    benefit(w, p1, currency="EUR", estimated="1000.00", validated="800.00")
    benefit(w, p2, currency="EUR", estimated="500.00")
    benefit(w, p2, currency="USD", estimated="200.00", status=BenefitStatus.DISPUTED)
    score(w, p5, w.customer_x)
    score(w, p5, w.rep)
    score(w, p6, w.rep)
    score(w, p1, w.customer_x)
    score(w, p2, w.member("champion"))
    with w.context():
        CustomerFeedback.objects.create(project=p1, phase=Phase.DEFINE, author=w.customer_x, satisfaction=4)
        CustomerFeedback.objects.create(project=p3, phase=Phase.CLOSED, author=w.customer_x, satisfaction=5)
        Certification.objects.create(member=w.rep, belt_level="green", signed_off_by=w.member("coach"))
        Certification.objects.create(member=w.member("champion"), belt_level="green", signed_off_by=w.member("coach"))
        Certification.objects.create(member=w.member("champion"), belt_level="black", signed_off_by=w.member("coach"))
    return {"p1": p1, "p2": p2, "p3": p3, "p4": p4, "p5": p5, "p6": p6}


def health(world, member, params=None):
    with world.context():
        return program_health(member, params or {})


# --- Figures ---------------------------------------------------------------------------------


@pytest.mark.usefixtures("program")
def test_headline_counts(world_a):
    h = health(world_a, world_a.member("executive"))
    assert h["counts"] == {
        "total": 6,
        "open": 3,
        "in_dmaic": 1,
        "closed_12m": 3,
        "closed_total": 3,
        "stalled": 1,
        "long_running": 1,
        "waiting": 1,
        "tollgates_pending": 1,
    }
    assert h["has_projects"] is True
    phases = {row["phase"]: row["count"] for row in h["phases"]}
    assert phases == {
        "candidate": 2,
        "define": 1,
        "measure": 0,
        "analyze": 0,
        "improve": 0,
        "control": 0,
        "closed": 3,
        "cancelled": 0,
    }


@pytest.mark.usefixtures("program")
def test_durations_and_waiting_share(world_a):
    d = health(world_a, world_a.member("executive"))["durations"]
    assert d["closed_projects"] == 3
    assert d["median_days"] == 100.0
    assert d["average_days"] == 150.0
    assert d["total_days"] == 450
    assert d["waiting_days"] == 40  # 20 inside P1 + P3's open period clipped to its close (20)
    assert d["waiting_share"] == round(100 * 40 / 450, 1) == 8.9
    assert d["closed_with_waiting"] == 2
    assert d["median_days_with_waiting"] == 75.0  # P1 100, P3 50
    assert d["median_days_without_waiting"] == 300.0


@pytest.mark.usefixtures("program")
def test_cycle_times_per_phase(world_a):
    rows = {row["phase"]: row for row in health(world_a, world_a.member("executive"))["cycle_times"]}
    assert list(rows) == ["candidate", "define", "measure", "analyze", "improve", "control"]
    assert (rows["define"]["median_days"], rows["define"]["average_days"], rows["define"]["visits"]) == (20.0, 20.0, 3)
    assert (rows["measure"]["median_days"], rows["measure"]["visits"]) == (30.0, 2)
    assert rows["analyze"]["median_days"] == 3.5
    assert rows["improve"] == {
        "phase": "improve",
        "label": "Improve",
        "median_days": None,
        "average_days": None,
        "visits": 0,
    }


@pytest.mark.usefixtures("program")
def test_throughput_per_quarter(world_a):
    rows = health(world_a, world_a.member("executive"))["throughput"]
    assert [row["quarter"] for row in rows] == quarters.last(8)
    expected: dict[str, int] = {}
    for n in (100, 100, 10):
        label = quarters.of(days_ago(n))
        expected[label] = expected.get(label, 0) + 1
    assert {row["quarter"]: row["closed"] for row in rows if row["closed"]} == expected
    assert sum(row["closed"] for row in rows) == 3


@pytest.mark.usefixtures("program")
def test_benefits_belts_feedback_selection_pilot(world_a):
    h = health(world_a, world_a.member("executive"))
    eur, usd = h["benefits"]
    assert (eur["currency"], eur["estimated"], eur["validated"]) == ("EUR", Decimal("1500.00"), Decimal("800.00"))
    assert (eur["entries"], eur["validated_entries"], eur["validated_share"]) == (2, 1, 53.3)
    assert (usd["currency"], usd["validated"], usd["disputed_entries"]) == ("USD", 0, 1)
    assert h["belts"] == {"green_belts": 2, "black_belts": 1, "coaches": 2}  # the coach + the certified BB
    assert h["feedback"] == {"average": 4.5, "responses": 2}
    assert h["selection"] == {
        "candidates": 2,
        "candidates_with_customer_score": 1,
        "candidates_without_customer_score": 1,
        "selected": 4,
        "selected_with_customer_score": 1,
        "selected_customer_share": 25.0,
    }
    pilot = h["pilot"]
    assert (pilot["pilots"], pilot["open"], pilot["won"]) == (1, 0, 1)
    assert pilot["first_won"]["title"] == "P1 pilot"
    assert pilot["first_won"]["closed_on"] == days_ago(100)


def test_a_pilot_without_validated_benefit_is_not_won(world_a):
    pilot = project_for(world_a, title="Pilot", is_pilot=True)
    close(world_a, pilot, started=100, closed=5)
    benefit(world_a, pilot, currency="EUR", estimated="100.00")
    h = health(world_a, world_a.member("executive"))
    assert (h["pilot"]["won"], h["pilot"]["first_won"]) == (0, None)


@pytest.mark.usefixtures("program")
def test_filters_narrow_project_figures(world_a):
    exec_ = world_a.member("executive")
    green = health(world_a, exec_, {"belt": "green"})
    assert green["filters"] == {"belt": "green"} and green["errors"] == []
    assert green["counts"]["total"] == 5
    assert green["durations"]["median_days"] == 75.0  # P1 100, P3 50
    by_y = health(world_a, exec_, {"customer": str(world_a.account_y.pk)})
    assert by_y["counts"]["total"] == 2
    assert by_y["durations"]["median_days"] == 300.0
    assert [row["currency"] for row in by_y["benefits"]] == ["EUR", "USD"]
    assert by_y["benefits"][0]["validated"] == 0
    assert by_y["feedback"] == {"average": None, "responses": 0}
    assert by_y["pilot"]["won"] == 0
    assert by_y["belts"] == {"green_belts": 2, "black_belts": 1, "coaches": 2}  # program-wide


@pytest.mark.usefixtures("program")
@pytest.mark.parametrize(
    "query", ["customer=not-a-uuid", "belt=purple", "customer=00000000-0000-0000-0000-000000000000", "belt=&customer="]
)
def test_bad_filter_values_are_ignored_with_a_message(query, world_a, client_for, api_for):
    member = world_a.member("executive")
    page = client_for(member).get(page_url(world_a, query))
    assert page.status_code == 200
    assert page.context["counts"]["total"] == 6
    api = api_for(member).get(api_url(world_a, query))
    assert api.status_code == 200
    assert api.json()["counts"]["total"] == 6
    if query != "belt=&customer=":
        assert page.context["errors"] and api.json()["filter_errors"]
        assert "ignored" in page.content.decode()


@pytest.mark.usefixtures("program")
def test_a_customer_of_another_tenant_is_not_a_filter(world_a, world_b, api_for):
    response = api_for(world_a.member("executive")).get(api_url(world_a, f"customer={world_b.account_x.pk}"))
    assert response.status_code == 200
    body = response.json()
    assert body["filters"] == {} and body["counts"]["total"] == 6
    assert body["filter_errors"] == ["The customer filter was not found and is ignored."]


# --- Page and API ------------------------------------------------------------------------------


@pytest.mark.usefixtures("program")
def test_page_shows_figures_with_table_fallbacks(world_a, client_for):
    response = client_for(world_a.member("executive")).get(page_url(world_a))
    assert response.status_code == 200
    html = response.content.decode()
    for marker in (
        'data-testid="count-open">3<',
        'data-testid="median-define">20<',
        'data-testid="median-analyze">3.5<',
        "<strong>100</strong> days median",
        "<strong>8.9%</strong> of that time",
        'data-testid="validated-EUR">800.00<',
        'data-testid="estimated-EUR">1,500.00<',
        'data-testid="green-belts">2<',
        'data-testid="black-belts">1<',
        'data-testid="coaches">2<',
        "4.5 / 5 from 2 responses",
        "P1 pilot",
        "js/projects-program.js",
        "vendor/chartjs/chart.umd.min.js",
        'id="pg-cycle-data"',
        'id="pg-throughput-data"',
    ):
        assert marker in html, marker
    assert f'data-testid="closed-{quarters.of(days_ago(10))}">' in html
    assert "cdn" not in html.lower()
    assert 'aria-current="page">Program<' in html


def test_api_returns_the_same_figures(world_a, program, api_for):
    response = api_for(world_a.member("coach")).get(api_url(world_a, "belt=green"))
    assert response.status_code == 200
    body = response.json()
    assert body["filters"] == {"belt": "green"}
    assert body["durations"]["median_days"] == 75.0
    assert body["counts"]["closed_total"] == 2
    assert body["benefits"][0] == {
        "currency": "EUR",
        "estimated": "1000.00",
        "validated": "800.00",
        "validated_share": 80.0,
        "entries": 1,
        "validated_entries": 1,
        "disputed_entries": 0,
    }
    assert body["pilot"]["first_won"]["id"] == str(program["p1"].pk)
    assert {row["phase"]: row["median_days"] for row in body["cycle_times"]}["define"] == 15.0  # P1 10, P3 20
    assert len(body["throughput"]) == 8


@pytest.mark.usefixtures("program")
@pytest.mark.parametrize("role", ["admin", "executive", "coach"])
def test_allowed_roles(role, world_a, client_for, api_for):
    member = world_a.member(role)
    assert client_for(member).get(page_url(world_a)).status_code == 200
    assert api_for(member).get(api_url(world_a)).status_code == 200


@pytest.mark.usefixtures("program")
@pytest.mark.parametrize("role", ["rep", "champion", "customer"])
def test_refused_roles(role, world_a, client_for, api_for):
    member = world_a.customer_x if role == "customer" else world_a.member(role)
    assert client_for(member).get(page_url(world_a)).status_code == 403
    assert api_for(member).get(api_url(world_a)).status_code == 403


@pytest.mark.usefixtures("program")
def test_outsider_gets_404(world_a, world_b, client_for, api_for):
    outsider = world_b.member("executive")
    assert client_for(outsider).get(page_url(world_a)).status_code == 404
    assert api_for(outsider).get(api_url(world_a)).status_code == 404


def test_empty_state_has_log_the_first_project(world_a, client_for, api_for):
    response = client_for(world_a.member("executive")).get(page_url(world_a))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-testid="program-empty"' in html
    assert "Log the first project" in html
    assert f"/t/{world_a.slug}/projects/new/" in html
    body = api_for(world_a.member("executive")).get(api_url(world_a)).json()
    assert body["has_projects"] is False
    assert body["durations"]["median_days"] is None and body["benefits"] == []
    assert body["pilot"] == {"pilots": 0, "open": 0, "won": 0, "first_won": None}


def test_links_only_for_members_with_the_permission(world_a, client_for):
    board = f"/t/{world_a.slug}/projects/board/"
    program_link = f'href="/t/{world_a.slug}/projects/program/"'
    assert program_link in client_for(world_a.member("executive")).get(board).content.decode()
    assert program_link in client_for(world_a.member("coach")).get(board).content.decode()
    assert program_link not in client_for(world_a.rep).get(board).content.decode()
    assert program_link not in client_for(world_a.customer_x).get(board).content.decode()
    sponsor = client_for(world_a.member("executive")).get(f"/t/{world_a.slug}/dashboards/sponsor/")
    assert sponsor.status_code == 200
    assert f'{program_link} data-testid="program-link">Program health →' in sponsor.content.decode()


# --- Query budget ------------------------------------------------------------------------------


def _grow(world, size: int) -> None:
    """``size`` more projects: every third closed with a waiting period, visits, a benefit, feedback."""
    for index in range(size):
        project = project_for(world, title=f"Grown {index}", is_pilot=index % 5 == 0)
        if index % 3 == 0:
            close(world, project, started=100 + index, closed=index % 90)
            with world.context():
                WaitingPeriod.objects.create(
                    project=project,
                    kind=WaitingKind.DATA,
                    reason="x",
                    started_on=days_ago(50),
                    ended_on=days_ago(40),
                    phase=Phase.MEASURE,
                )
        visit(world, project, Phase.DEFINE, entered_days_ago=80, days=index % 7 + 1)
        benefit(
            world,
            project,
            currency="EUR" if index % 2 else "USD",
            estimated="10.00",
            validated="5.00" if index % 4 == 0 else None,
        )
        with world.context():
            CustomerFeedback.objects.create(
                project=project, phase=Phase.DEFINE, author=world.customer_x, satisfaction=index % 5 + 1
            )


def test_fixed_number_of_queries_at_two_sizes(world_a, client_for, api_for, django_assert_max_num_queries):
    member = world_a.member("executive")
    page_client = client_for(member)
    api_client = api_for(member)
    api_client.get(f"/api/v1/t/{world_a.slug}/me/")  # the token's first use stamps it: not the budget
    with world_a.context():
        settings_for_tenant()  # created once on first use: not the budget
    counts: dict[int, list[tuple[int, int]]] = {}
    for size in (4, 40):
        _grow(world_a, size)
        for query in ("", "belt=green", f"customer={world_a.account_x.pk}", "belt=bad&customer=bad"):
            with django_assert_max_num_queries(MAX_QUERIES) as page_queries:
                page = page_client.get(page_url(world_a, query))
            assert page.status_code == 200
            with django_assert_max_num_queries(MAX_QUERIES) as api_queries:
                api = api_client.get(api_url(world_a, query))
            assert api.status_code == 200
            counts.setdefault(size, []).append((len(page_queries), len(api_queries)))
        assert page_client.get(page_url(world_a)).context["counts"]["total"] == (4 if size == 4 else 44)
    for side in (0, 1):
        assert max(c[side] for c in counts[40]) <= max(c[side] for c in counts[4]), counts
    print("program health queries (page, api):", counts)


@pytest.mark.usefixtures("program")
def test_the_selector_alone_runs_seven_queries_at_most(world_a, django_assert_max_num_queries):
    member = world_a.member("executive")
    with world_a.context():
        settings_for_tenant()
        with django_assert_max_num_queries(7):
            program_health(member, {"belt": "green", "customer": str(world_a.account_x.pk)})

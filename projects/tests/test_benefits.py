"""Benefits: recorded by our people, validated or disputed only by the project's customer sponsor;
bad amounts, currencies, periods and metric links are refused with nothing saved (services, pages, API)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from core import members as core_services
from core.models import Role, User
from dashboards import scorecards as dashboard_scorecards
from dashboards.models import Scorecard
from dashboards.tests.isolation_scorecards import scorecard_relationship
from partnering.tests.factories import relationship_for
from projects import benefits
from projects.models import Benefit, BenefitStatus, Notification, ProjectActivity
from projects.tests.factories import project_for
from tests.fixtures import PASSWORD

START = dt.date(2026, 1, 1)
END = dt.date(2026, 12, 31)


def page(world: Any, project: Any, rest: str = "") -> str:
    return f"/t/{world.slug}/projects/{project.pk}/{rest}"


def api(world: Any, rest: str) -> str:
    return f"/api/v1/t/{world.slug}/{rest}"


def record(world: Any, project: Any, **overrides: Any) -> Benefit:
    values: dict[str, Any] = {
        "kind": "hard_savings",
        "description": "Less blowdown water",
        "period_start": START,
        "period_end": END,
        "currency": "EUR",
        "estimated_amount": Decimal("12000.50"),
    }
    values.update(overrides)
    with world.context():
        return benefits.benefit_record(actor=world.rep, project=project, **values)


def second_customer(world: Any) -> Any:
    user = User.objects.create_user(f"customer-x2@{world.slug}.test", PASSWORD, full_name="Second customer")
    return core_services.membership_create(
        tenant=world.tenant, user=user, role=Role.CUSTOMER, customer_account=world.account_x
    )


@pytest.fixture
def project(world_a):
    return project_for(world_a)


# --- Services ---------------------------------------------------------------------------------


def test_record_notifies_the_sponsor_and_logs_activity(world_a, project):
    benefit = record(world_a, project)
    with world_a.context():
        assert benefit.status == BenefitStatus.ESTIMATED
        assert benefit.estimated_amount == Decimal("12000.50")
        note = Notification.objects.get(recipient=world_a.customer_x)
        assert note.verb == "benefit.validate" and "Please confirm" in note.message
        assert ProjectActivity.objects.filter(project=project, verb="benefit.recorded").exists()


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"estimated_amount": "-5"}, "estimated_amount"),
        ({"estimated_amount": "abc"}, "estimated_amount"),
        ({"estimated_amount": "10.123"}, "estimated_amount"),
        ({"estimated_amount": ""}, "estimated_amount"),
        ({"currency": "XYZ"}, "currency"),
        ({"period_start": END, "period_end": START}, "period_end"),
        ({"period_start": "not a date"}, "period_start"),
        ({"description": "  "}, "description"),
        ({"kind": "magic"}, "kind"),
    ],
)
def test_bad_input_is_refused_and_nothing_is_saved(world_a, project, overrides, field):
    with pytest.raises(ValidationError) as error:
        record(world_a, project, **overrides)
    assert field in error.value.message_dict
    if field == "currency":
        assert "Unknown currency 'XYZ'" in error.value.message_dict["currency"][0]
    with world_a.context():
        assert not Benefit.objects.exists()
        assert not Notification.objects.filter(verb="benefit.validate").exists()


def test_customers_cannot_record(world_a, project):
    with world_a.context(), pytest.raises(PermissionDenied):
        benefits.benefit_record(
            actor=world_a.customer_x,
            project=project,
            kind="hard_savings",
            description="x",
            period_start=START,
            period_end=END,
            currency="EUR",
            estimated_amount="1",
        )


def test_metric_link_must_be_the_projects_relationship_scorecard(world_a):
    relationship = scorecard_relationship(world_a)
    project = project_for(world_a)
    assert project.relationship_id == relationship.pk
    other_rel = relationship_for(world_a, account=world_a.account_y)
    with world_a.context():
        key = dashboard_scorecards.ensure_metric_templates()[0].key
        other = dashboard_scorecards.scorecard_create(actor=world_a.admin, relationship=other_rel)
        own = Scorecard.objects.get(relationship=relationship)
    with pytest.raises(ValidationError) as error:
        record(world_a, project, scorecard=other, metric_key=key)
    assert "scorecard" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        record(world_a, project, scorecard=own, metric_key="no-such-metric")
    assert "metric_key" in error.value.message_dict
    with world_a.context():
        assert not Benefit.objects.exists()
    benefit = record(world_a, project, metric_key=key)  # the relationship's scorecard is the default
    assert benefit.scorecard_id == own.pk and benefit.metric_key == key


def test_only_the_customer_sponsor_validates(world_a, project):
    benefit = record(world_a, project)
    other_customer = second_customer(world_a)
    with world_a.context():
        for actor in [*world_a.members.values(), other_customer, world_a.customer_y]:
            with pytest.raises(PermissionDenied):
                benefits.benefit_validate(actor=actor, benefit=benefit, validated_amount="1")
            with pytest.raises(PermissionDenied):
                benefits.benefit_dispute(actor=actor, benefit=benefit, comment="no")
        benefit.refresh_from_db()
        assert benefit.status == BenefitStatus.ESTIMATED and benefit.validated_amount is None
        benefits.benefit_validate(actor=world_a.customer_x, benefit=benefit, validated_amount="11000", comment="ok")
        benefit.refresh_from_db()
        assert benefit.status == BenefitStatus.VALIDATED
        assert benefit.validated_amount == Decimal("11000.00")
        assert benefit.validated_by_id == world_a.customer_x.pk
        assert Notification.objects.filter(recipient=world_a.rep, verb="benefit.validated").exists()


def test_validation_amounts_are_checked(world_a, project):
    benefit = record(world_a, project)
    with world_a.context():
        for bad in ("-1", "x", "1.005"):
            with pytest.raises(ValidationError) as error:
                benefits.benefit_validate(actor=world_a.customer_x, benefit=benefit, validated_amount=bad)
            assert "validated_amount" in error.value.message_dict
        with pytest.raises(ValidationError):
            benefits.benefit_dispute(actor=world_a.customer_x, benefit=benefit, comment="  ")
        benefit.refresh_from_db()
        assert benefit.status == BenefitStatus.ESTIMATED


def test_no_sponsor_nobody_validates(world_a):
    project = project_for(world_a, customer_sponsor=None)
    benefit = record(world_a, project)
    with world_a.context(), pytest.raises(PermissionDenied):
        benefits.benefit_validate(actor=world_a.customer_x, benefit=benefit, validated_amount="1")


def test_editing_a_validated_amount_returns_it_to_estimated(world_a, project):
    benefit = record(world_a, project)
    with world_a.context():
        benefits.benefit_validate(actor=world_a.customer_x, benefit=benefit, validated_amount="12000")
        benefits.benefit_update(actor=world_a.rep, benefit=benefit, description="Less blowdown water and heat")
        benefit.refresh_from_db()
        assert benefit.status == BenefitStatus.VALIDATED  # a wording change keeps the validation
        benefits.benefit_update(actor=world_a.rep, benefit=benefit, estimated_amount="15000")
        benefit.refresh_from_db()
        assert benefit.status == BenefitStatus.ESTIMATED
        assert benefit.validated_amount is None and benefit.validated_by_id is None
        assert ProjectActivity.objects.filter(summary__contains="estimated again").exists()
        with pytest.raises(ValidationError):
            benefits.benefit_update(actor=world_a.rep, benefit=benefit, estimated_amount="-3")
        benefit.refresh_from_db()
        assert benefit.estimated_amount == Decimal("15000.00")


def test_delete_validated_only_by_admin(world_a, project):
    benefit = record(world_a, project)
    with world_a.context():
        benefits.benefit_validate(actor=world_a.customer_x, benefit=benefit, validated_amount="1")
        with pytest.raises(PermissionDenied):
            benefits.benefit_delete(actor=world_a.rep, benefit=benefit)
        benefits.benefit_delete(actor=world_a.admin, benefit=benefit)
        assert not Benefit.objects.exists()


def test_totals_per_currency_count_validated_only(world_a, project):
    a = record(world_a, project, estimated_amount="100")
    record(world_a, project, estimated_amount="50")
    record(world_a, project, estimated_amount="70", currency="USD")
    with world_a.context():
        benefits.benefit_validate(actor=world_a.customer_x, benefit=a, validated_amount="90")
        totals = benefits.benefit_totals(benefits.benefits_of(project))
    assert [(t["currency"], t["estimated"], t["validated"]) for t in totals] == [
        ("EUR", Decimal("150.00"), Decimal("90.00")),
        ("USD", Decimal("70.00"), Decimal("0.00")),
    ]


# --- Pages ------------------------------------------------------------------------------------


def form_data(**overrides: Any) -> dict[str, str]:
    data = {
        "kind": "hard_savings",
        "description": "Less blowdown water",
        "period_start": "2026-01-01",
        "period_end": "2026-12-31",
        "currency": "EUR",
        "estimated_amount": "1000",
        "metric_key": "",
    }
    data.update(overrides)
    return data


def test_record_page_happy_path_and_errors(world_a, project, client_for):
    client = client_for(world_a.rep)
    assert client.get(page(world_a, project, "benefits/new/")).status_code == 200
    for bad in ({"estimated_amount": "-1"}, {"estimated_amount": "12.345"}, {"currency": "XYZ"}):
        response = client.post(page(world_a, project, "benefits/new/"), form_data(**bad))
        assert response.status_code == 200
        assert response.context["form"].errors
    response = client.post(
        page(world_a, project, "benefits/new/"), form_data(period_start="2026-12-31", period_end="2026-01-01")
    )
    assert "period_end" in response.context["form"].errors
    with world_a.context():
        assert not Benefit.objects.exists()
    response = client.post(page(world_a, project, "benefits/new/"), form_data())
    assert response.status_code == 302
    with world_a.context():
        assert Benefit.objects.get().estimated_amount == Decimal("1000.00")
    assert client_for(world_a.customer_x).get(page(world_a, project, "benefits/new/")).status_code == 403


def test_validate_page_only_for_the_sponsor(world_a, project, client_for):
    benefit = record(world_a, project)
    url = page(world_a, project, f"benefits/{benefit.pk}/validate/")
    other_customer = second_customer(world_a)
    for member in (world_a.rep, world_a.admin, world_a.member("coach"), other_customer):
        client = client_for(member)
        assert client.get(url).status_code == 302  # sent back with an explanation
        assert client.post(url, {"validated_amount": "5", "decision": "validate"}).status_code == 403
    assert client_for(world_a.customer_y).get(url).status_code == 404
    sponsor = client_for(world_a.customer_x)
    form = sponsor.get(url)
    assert form.status_code == 200 and form.context["form"].initial["validated_amount"] == "12000.50"
    response = sponsor.post(url, {"validated_amount": "-4", "decision": "validate"})
    assert response.status_code == 200 and "validated_amount" in response.context["form"].errors
    response = sponsor.post(
        url, {"validated_amount": "11000", "comment": "Checked with finance", "decision": "validate"}
    )
    assert response.status_code == 302
    with world_a.context():
        benefit.refresh_from_db()
        assert (benefit.status, benefit.validated_amount) == (BenefitStatus.VALIDATED, Decimal("11000.00"))


def test_dispute_page(world_a, project, client_for):
    benefit = record(world_a, project)
    url = page(world_a, project, f"benefits/{benefit.pk}/validate/")
    sponsor = client_for(world_a.customer_x)
    response = sponsor.post(url, {"comment": "", "decision": "dispute"})
    assert response.status_code == 200 and "comment" in response.context["form"].errors
    assert sponsor.post(url, {"comment": "Numbers are from 2024", "decision": "dispute"}).status_code == 302
    with world_a.context():
        benefit.refresh_from_db()
        assert benefit.status == BenefitStatus.DISPUTED and benefit.customer_comment == "Numbers are from 2024"


def test_edit_and_delete_pages(world_a, project, client_for):
    benefit = record(world_a, project)
    client = client_for(world_a.rep)
    edit = page(world_a, project, f"benefits/{benefit.pk}/edit/")
    assert client.get(edit).status_code == 200
    assert client.post(edit, form_data(estimated_amount="abc")).status_code == 200
    assert client.post(edit, form_data(estimated_amount="2000")).status_code == 302
    delete = page(world_a, project, f"benefits/{benefit.pk}/delete/")
    assert "Delete this benefit?" in client.get(delete).content.decode()
    assert client.post(delete).status_code == 302
    with world_a.context():
        assert not Benefit.objects.exists()


@pytest.mark.usefixtures("client_for")
def test_panel_shows_confirm_for_the_sponsor_and_missing_sponsor_note(world_a):
    from django.template.loader import render_to_string

    project = project_for(world_a)
    benefit = record(world_a, project)
    with world_a.context():
        context = benefits.panel_context(project, world_a.customer_x)
    assert context["benefits_is_sponsor"]
    html = render_to_string(
        "projects/benefits/_project_panel.html",
        {**context, "project": project, "membership": world_a.customer_x, "tenant": world_a.tenant},
    )
    assert f"benefits/{benefit.pk}/validate/" in html and "Confirm" in html and "Dispute" in html
    no_sponsor = project_for(world_a, customer_sponsor=None, title="Another one")
    with world_a.context():
        context = benefits.panel_context(no_sponsor, world_a.rep)
    html = render_to_string(
        "projects/benefits/_project_panel.html",
        {**context, "project": no_sponsor, "membership": world_a.rep, "tenant": world_a.tenant},
    )
    assert "Name a customer sponsor so the customer can validate benefits" in html


def test_panel_queries_are_constant(world_a, project, django_assert_max_num_queries):
    for _ in range(5):
        record(world_a, project)
    with world_a.context(), django_assert_max_num_queries(6):
        benefits.panel_context(project, world_a.rep)


# --- API --------------------------------------------------------------------------------------


def test_api_create_list_validate(world_a, project, api_for):
    rep = api_for(world_a.rep)
    body = {
        "project": str(project.pk),
        "kind": "hard_savings",
        "description": "Less water",
        "period_start": "2026-01-01",
        "period_end": "2026-06-30",
        "currency": "EUR",
        "estimated_amount": "500.00",
    }
    created = rep.post(api(world_a, "benefits/"), body, format="json")
    assert created.status_code == 201, created.content
    benefit_id = created.json()["id"]
    listed = rep.get(api(world_a, f"benefits/?project={project.pk}"))
    assert [row["id"] for row in listed.json()["results"]] == [benefit_id]
    for member in (world_a.rep, world_a.admin, world_a.member("coach")):
        response = api_for(member).post(api(world_a, f"benefits/{benefit_id}/validate/"), {"validated_amount": "1"})
        assert response.status_code == 403
    assert (
        api_for(second_customer(world_a))
        .post(api(world_a, f"benefits/{benefit_id}/validate/"), {"validated_amount": "1"})
        .status_code
        == 403
    )
    assert (
        api_for(world_a.customer_y)
        .post(api(world_a, f"benefits/{benefit_id}/validate/"), {"validated_amount": "1"})
        .status_code
        == 404
    )
    sponsor = api_for(world_a.customer_x)
    bad = sponsor.post(api(world_a, f"benefits/{benefit_id}/validate/"), {"validated_amount": "-1"})
    assert bad.status_code == 400
    ok = sponsor.post(api(world_a, f"benefits/{benefit_id}/validate/"), {"validated_amount": "450"}, format="json")
    assert ok.status_code == 200 and ok.json()["status"] == "validated" and ok.json()["validated_amount"] == "450.00"
    disputed = sponsor.post(api(world_a, f"benefits/{benefit_id}/dispute/"), {"comment": "Too high"}, format="json")
    assert disputed.status_code == 200 and disputed.json()["status"] == "disputed"
    patched = rep.patch(api(world_a, f"benefits/{benefit_id}/"), {"description": "Less water, really"}, format="json")
    assert patched.status_code == 200
    assert rep.delete(api(world_a, f"benefits/{benefit_id}/")).status_code == 204


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"estimated_amount": "-1"}, "estimated_amount"),
        ({"estimated_amount": "abc"}, "estimated_amount"),
        ({"estimated_amount": "1.001"}, "estimated_amount"),
        ({"currency": "XYZ"}, "currency"),
        ({"period_start": "2026-12-01", "period_end": "2026-01-01"}, "period_end"),
    ],
)
def test_api_bad_input_is_400(world_a, project, api_for, overrides, field):
    body = {
        "project": str(project.pk),
        "kind": "hard_savings",
        "description": "Less water",
        "period_start": "2026-01-01",
        "period_end": "2026-06-30",
        "currency": "EUR",
        "estimated_amount": "500.00",
        **overrides,
    }
    response = api_for(world_a.rep).post(api(world_a, "benefits/"), body, format="json")
    assert response.status_code == 400
    assert field in response.json()["error"]["fields"]
    with world_a.context():
        assert not Benefit.objects.exists()


def test_api_foreign_project_id_is_refused(world_a, world_b, api_for):
    foreign = project_for(world_b)
    body = {
        "project": str(foreign.pk),
        "kind": "hard_savings",
        "description": "x",
        "period_start": "2026-01-01",
        "period_end": "2026-06-30",
        "currency": "EUR",
        "estimated_amount": "1",
    }
    assert api_for(world_a.rep).post(api(world_a, "benefits/"), body, format="json").status_code == 400
    with world_b.context():
        assert not Benefit.objects.exists()


def test_api_customer_of_other_account_sees_nothing(world_a, project, api_for):
    record(world_a, project)
    assert api_for(world_a.customer_y).get(api(world_a, "benefits/")).json()["results"] == []
    assert len(api_for(world_a.customer_x).get(api(world_a, "benefits/")).json()["results"]) == 1


def test_api_list_queries_constant(world_a, project, api_for, django_assert_max_num_queries):
    for _ in range(6):
        record(world_a, project)
    client = api_for(world_a.rep)
    with django_assert_max_num_queries(12):
        assert client.get(api(world_a, "benefits/")).status_code == 200


def test_put_is_not_offered_on_benefits_405_not_403(world_a, api_for):
    response = api_for(world_a.admin).put(
        f"/api/v1/t/{world_a.slug}/benefits/00000000-0000-4000-8000-000000000000/", {}, format="json"
    )
    assert response.status_code == 405

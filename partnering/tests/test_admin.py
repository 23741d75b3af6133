"""The program-office admin for partnering: the shared admin cases (tests/admin_cases.py) over every
partnering model, plus inlines scoped to the workspace, add forms (with inlines) through the
services, and the services' cross-row rules held in the admin."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from core.models import Role
from partnering import accounts, relationships, work
from partnering.models import (
    ActionItem,
    Attendee,
    Contact,
    ContactActivity,
    FutureTopic,
    Level,
    LevelChange,
    Meeting,
    PartneringSettings,
    Relationship,
    ReminderLog,
    Sponsor,
    TopicStatus,
)
from partnering.tests.factories import action_for, contact_for, meeting_for, relationship_for, topic_for
from tests.admin_cases import AdminCases, admin_url, change_form_data, searchable


@dataclass
class Rows:
    relationship: Relationship
    contact_x: Contact
    contact_y: Contact
    own: Contact
    meeting: Meeting
    action: ActionItem
    topic: FutureTopic


def fill(world: Any, tag: str) -> Rows:
    """One row of every partnering model in ``world``, names tagged so the HTML can be searched."""
    relationship = relationship_for(world, plan_summary=f"plan-{tag}")
    contact_x = contact_for(world, account=world.account_x, full_name=f"Xavier {tag}")
    contact_y = contact_for(world, account=world.account_y, full_name=f"Yvonne {tag}")
    own = contact_for(world, account=None, full_name=f"Oliver {tag}")
    meeting = meeting_for(world, relationship=relationship, title=f"Review {tag}", attendees=[contact_x, own])
    topic = topic_for(world, relationship=relationship, title=f"Topic {tag}")
    action = action_for(world, relationship=relationship, title=f"Action {tag}")
    with world.context():
        relationships.sponsor_add(actor=world.admin, relationship=relationship, membership=world.member(Role.EXECUTIVE))
        relationships.roster_add(actor=world.admin, relationship=relationship, contact=contact_x, role=f"Lead {tag}")
        accounts.contact_activity_add(actor=world.rep, contact=contact_x, summary=f"Call {tag}")
        work.topic_score(actor=world.admin, topic=topic, value_to_supplier=3, value_to_customer=4, feasibility=5)
        work.steering_member_add(actor=world.admin, topic=topic, contact=own)
        work.settings_for_tenant()
        ReminderLog.objects.create(kind="review_due", key=f"key-{tag}", recipient=world.rep)
    return Rows(relationship, contact_x, contact_y, own, meeting, action, topic)


def management(response: Any, **totals: int) -> dict[str, Any]:
    """The inline management forms of an add/change page, with TOTAL_FORMS overridden by prefix."""
    data: dict[str, Any] = {}
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        for key, value in formset.management_form.initial.items():
            data[f"{formset.prefix}-{key}"] = value
        data[f"{formset.prefix}-TOTAL_FORMS"] = totals.get(formset.prefix, formset.initial_form_count())
    return data


def form_errors(response: Any) -> str:
    context = response.context
    parts = [str(context["adminform"].form.errors)]
    for inline in context["inline_admin_formsets"]:
        parts += [str(inline.formset.errors), str(inline.formset.non_form_errors())]
    return " ".join(parts)


def relationship_payload(admin_a: Client, world: Any, **fields: Any) -> tuple[dict[str, Any], Any]:
    page = admin_a.get(admin_url(Relationship, "add/"))
    assert page.status_code == 200
    data = {
        "account": str(world.account_y.pk),
        "business_unit": "",
        "level": Level.PREFERRED,
        "supplier_champion": str(world.member(Role.CHAMPION).pk),
        "customer_champion": str(world.customer_y.pk),
        "review_cadence_months": "3",
        "plan_summary": "Quarterly reviews.",
        "internal_notes": "",
        **management(page),
    }
    data.update(fields)
    return data, page


def meeting_payload(admin_a: Client, rows: Rows, *attendees: Contact) -> dict[str, Any]:
    page = admin_a.get(admin_url(Meeting, "add/"))
    assert page.status_code == 200
    starts = timezone.localtime() + dt.timedelta(days=10)
    data = {
        "relationship": str(rows.relationship.pk),
        "kind": "quarterly_review",
        "title": "Admin-planned review",
        "starts_at_0": starts.strftime("%Y-%m-%d"),
        "starts_at_1": "09:30:00",
        "duration_minutes": "90",
        "location": "Plant",
        "status": "planned",
        "agenda": "",
        "minutes": "",
        "decisions": "",
        "internal_notes": "",
        **management(page, attendees=len(attendees), hard_questions=1),
        "hard_questions-0-position": "0",
        "hard_questions-0-question": "What has changed since we last met?",
        "hard_questions-0-answer": "",
    }
    for index, contact in enumerate(attendees):
        data[f"attendees-{index}-contact"] = str(contact.pk)
        data[f"attendees-{index}-attended"] = ""
    return data


def action_payload(world: Any, rows: Rows, **fields: Any) -> dict[str, Any]:
    data = {
        "relationship": str(rows.relationship.pk),
        "meeting": "",
        "topic": "",
        "title": "Admin action",
        "description": "",
        "owner": str(world.rep.pk),
        "due_on": (timezone.localdate() + dt.timedelta(days=5)).isoformat(),
        "status": "open",
        "internal_only": "",
    }
    data.update(fields)
    return data


class TestPartneringAdmin(AdminCases):
    app_label = "partnering"
    fill = staticmethod(fill)

    # --- Scope --------------------------------------------------------------------------------------

    def test_change_page_shows_inlines_of_this_tenant_only(self, admin_a, rows_a, rows_b):
        html = admin_a.get(admin_url(Meeting, f"{rows_a.meeting.pk}/change/")).content.decode()
        assert "Xavier alpha" in html and "Oliver alpha" in html  # attendees inline and its choices
        assert "bravo" not in searchable(html)
        html = admin_a.get(admin_url(Relationship, f"{rows_a.relationship.pk}/change/")).content.decode()
        assert "Lead alpha" in html and "bravo" not in searchable(html)

    # --- Who may enter ------------------------------------------------------------------------------

    def test_rep_cannot_post_a_relationship(self, world_a, rows_a, client_for):
        client = client_for(world_a.rep)
        response = client.post(admin_url(Relationship, "add/"), {"account": str(world_a.account_y.pk)}, follow=True)
        assert response.status_code == 403
        with world_a.context():
            assert not Relationship.objects.filter(account=world_a.account_y).exists()

    # --- Adding -------------------------------------------------------------------------------------

    def test_add_a_relationship_with_sponsors_and_roster(self, admin_a, world_a, world_b, rows_a):
        data, page = relationship_payload(admin_a, world_a)
        data.update(management(page, sponsors=2, roster=1))
        data.update(
            {
                "sponsors-0-membership": str(world_a.member(Role.EXECUTIVE).pk),
                "sponsors-1-membership": str(world_a.customer_y.pk),
                "roster-0-contact": str(rows_a.contact_y.pk),
                "roster-0-role": "Buyer",
                "roster-0-is_point_person": "on",
            }
        )
        response = admin_a.post(admin_url(Relationship, "add/"), data)
        assert response.status_code == 302, form_errors(response)
        with world_a.context():
            created = Relationship.objects.get(account=world_a.account_y)
            assert created.tenant_id == world_a.tenant.pk
            assert {(s.membership_id, s.side) for s in created.sponsors.all()} == {
                (world_a.member(Role.EXECUTIVE).pk, "supplier"),
                (world_a.customer_y.pk, "customer"),
            }
            entry = created.roster.get()
            assert (
                entry.contact_id == rows_a.contact_y.pk
                and entry.is_point_person
                and entry.tenant_id == world_a.tenant.pk
            )
            assert list(created.level_changes.values_list("from_level", "to_level")) == [("", Level.PREFERRED)]
        with world_b.context():
            assert not Relationship.objects.filter(plan_summary="Quarterly reviews.").exists()

    def test_changing_the_level_in_the_admin_records_history(self, admin_a, world_a, rows_a):
        relationship = rows_a.relationship
        page = admin_a.get(admin_url(Relationship, f"{relationship.pk}/change/"))
        data = change_form_data(page)
        data["level"] = Level.STRATEGIC
        response = admin_a.post(admin_url(Relationship, f"{relationship.pk}/change/"), data)
        assert response.status_code == 302, form_errors(response)
        with world_a.context():
            relationship.refresh_from_db()
            assert relationship.level == Level.STRATEGIC
            change = relationship.level_changes.get(to_level=Level.STRATEGIC)
            assert change.from_level == Level.TRANSACTIONAL
            assert change.changed_by_id == world_a.admin.pk and change.changed_on == timezone.localdate()
            assert relationship.level_changes.count() == 2

    @pytest.mark.parametrize(
        "fields,field",
        [
            ({"supplier_champion": "customer_y"}, "supplier_champion"),  # a customer as our champion
            ({"customer_champion": "customer_x"}, "customer_champion"),  # a customer of another account
            ({"level": "best_friends"}, "level"),
            ({"account": "foreign"}, "account"),
            ({"review_cadence_months": "0"}, "review_cadence_months"),
        ],
    )
    def test_bad_relationship_input_is_a_form_error(self, admin_a, world_a, world_b, fields, field):
        values = {"customer_y": str(world_a.customer_y.pk), "customer_x": str(world_a.customer_x.pk)}
        values["foreign"] = str(world_b.account_y.pk)
        data, _ = relationship_payload(admin_a, world_a, **{k: values.get(v, v) for k, v in fields.items()})
        response = admin_a.post(admin_url(Relationship, "add/"), data)
        assert response.status_code == 200
        assert field in response.context["adminform"].form.errors
        with world_a.context():
            assert not Relationship.objects.filter(account=world_a.account_y).exists()

    def test_a_fourth_supplier_sponsor_is_refused(self, admin_a, world_a):
        data, page = relationship_payload(admin_a, world_a)
        internal = [world_a.member(r) for r in (Role.EXECUTIVE, Role.ADMIN, Role.COACH, Role.REP)]
        data.update(management(page, sponsors=4))
        data.update({f"sponsors-{i}-membership": str(m.pk) for i, m in enumerate(internal)})
        response = admin_a.post(admin_url(Relationship, "add/"), data)
        assert response.status_code == 200
        assert "at most 3 sponsors per side" in form_errors(response)
        with world_a.context():
            assert not Relationship.objects.filter(account=world_a.account_y).exists()

    def test_add_a_meeting_with_attendees_inline(self, admin_a, world_a, rows_a):
        response = admin_a.post(
            admin_url(Meeting, "add/"), meeting_payload(admin_a, rows_a, rows_a.contact_x, rows_a.own)
        )
        assert response.status_code == 302, form_errors(response)
        with world_a.context():
            meeting = Meeting.objects.get(title="Admin-planned review")
            assert meeting.tenant_id == world_a.tenant.pk
            assert meeting.created_by_id == world_a.admin.pk
            assert meeting.agenda  # a quarterly review starts from the default agenda
            attendees = list(meeting.attendees.all())
            assert {a.contact_id for a in attendees} == {rows_a.contact_x.pk, rows_a.own.pk}
            assert all(a.tenant_id == world_a.tenant.pk for a in attendees)
            assert meeting.hard_questions.get().tenant_id == world_a.tenant.pk

    def test_attendee_of_another_account_is_refused(self, admin_a, world_a, rows_a):
        response = admin_a.post(admin_url(Meeting, "add/"), meeting_payload(admin_a, rows_a, rows_a.contact_y))
        assert response.status_code == 200
        assert "another customer account" in form_errors(response)
        with world_a.context():
            assert not Meeting.objects.filter(title="Admin-planned review").exists()
            assert not Attendee.objects.filter(contact=rows_a.contact_y).exists()

    def test_attendee_of_another_tenant_is_not_a_choice(self, admin_a, world_a, rows_a, rows_b):
        response = admin_a.post(admin_url(Meeting, "add/"), meeting_payload(admin_a, rows_a, rows_b.contact_x))
        assert response.status_code == 200
        assert "Select a valid choice" in form_errors(response)
        with world_a.context():
            assert not Meeting.objects.filter(title="Admin-planned review").exists()

    def test_add_an_action(self, admin_a, world_a, rows_a):
        response = admin_a.post(
            admin_url(ActionItem, "add/"), action_payload(world_a, rows_a, owner=str(world_a.customer_x.pk))
        )
        assert response.status_code == 302
        with world_a.context():
            action = ActionItem.objects.get(title="Admin action")
            assert action.owner_id == world_a.customer_x.pk and action.created_by_id == world_a.admin.pk

    @pytest.mark.parametrize(
        "key,field",
        [
            ("owner_other_account", "owner"),
            ("internal_for_customer", "internal_only"),
            ("due_before_meeting", "due_on"),
        ],
    )
    def test_bad_action_input_is_a_form_error(self, admin_a, world_a, rows_a, key, field):
        cases = {
            "owner_other_account": {"owner": str(world_a.customer_y.pk)},
            "internal_for_customer": {"owner": str(world_a.customer_x.pk), "internal_only": "on"},
            "due_before_meeting": {
                "meeting": str(rows_a.meeting.pk),
                "due_on": (rows_a.meeting.starts_at.date() - dt.timedelta(days=1)).isoformat(),
            },
        }
        response = admin_a.post(admin_url(ActionItem, "add/"), action_payload(world_a, rows_a, **cases[key]))
        assert response.status_code == 200
        assert field in response.context["adminform"].form.errors
        with world_a.context():
            assert not ActionItem.objects.filter(title="Admin action").exists()

    def test_short_list_limit_holds_in_the_admin(self, admin_a, world_a, rows_a):
        with world_a.context():
            limit = PartneringSettings.objects.get().short_list_limit
            for number in range(limit):
                topic = work.topic_create(actor=world_a.admin, relationship=rows_a.relationship, title=f"T{number}")
                work.topic_set_status(actor=world_a.admin, topic=topic, status=TopicStatus.ACTIVE, priority=1)
        page = admin_a.get(admin_url(FutureTopic, f"{rows_a.topic.pk}/change/"))
        data = change_form_data(page)
        data.update({"status": TopicStatus.ACTIVE, "priority": "2"})
        response = admin_a.post(admin_url(FutureTopic, f"{rows_a.topic.pk}/change/"), data)
        assert response.status_code == 200
        assert "status" in response.context["adminform"].form.errors
        with world_a.context():
            assert FutureTopic.objects.get(pk=rows_a.topic.pk).status == TopicStatus.LONG_LIST

    def test_history_and_log_rows_are_read_only(self, admin_a, rows_a, world_a):
        assert admin_a.get(admin_url(LevelChange, "add/")).status_code == 403
        assert admin_a.get(admin_url(ReminderLog, "add/")).status_code == 403
        assert admin_a.get(admin_url(PartneringSettings, "add/")).status_code == 403  # one row per tenant exists
        with world_a.context():
            change = LevelChange.objects.first()
        response = admin_a.get(admin_url(LevelChange, f"{change.pk}/change/"))
        assert response.status_code == 200  # view only
        assert 'name="to_level"' not in response.content.decode()

    def test_standalone_sponsor_add_follows_the_person_and_the_limit(self, admin_a, world_a, rows_a):
        relationship = rows_a.relationship  # already has the executive as a supplier sponsor
        response = admin_a.post(
            admin_url(Sponsor, "add/"), {"relationship": str(relationship.pk), "membership": str(world_a.customer_x.pk)}
        )
        assert response.status_code == 302
        with world_a.context():
            assert Sponsor.objects.get(membership=world_a.customer_x).side == "customer"
        for role in (Role.ADMIN, Role.COACH):
            payload = {"relationship": str(relationship.pk), "membership": str(world_a.member(role).pk)}
            assert admin_a.post(admin_url(Sponsor, "add/"), payload).status_code == 302
        payload = {"relationship": str(relationship.pk), "membership": str(world_a.rep.pk)}
        response = admin_a.post(admin_url(Sponsor, "add/"), payload)  # a fourth supplier sponsor
        assert response.status_code == 200
        assert "at most 3 sponsors per side" in str(response.context["adminform"].form.errors)
        payload = {"relationship": str(relationship.pk), "membership": str(world_a.customer_y.pk)}
        response = admin_a.post(admin_url(Sponsor, "add/"), payload)  # a customer of another account
        assert response.status_code == 200
        with world_a.context():
            assert Sponsor.objects.filter(relationship=relationship, side="supplier").count() == 3
            assert not Sponsor.objects.filter(membership__in=[world_a.rep, world_a.customer_y]).exists()

    def test_activity_added_inline_is_authored_by_the_admin(self, admin_a, world_a, rows_a):
        contact = rows_a.contact_x
        page = admin_a.get(admin_url(Contact, f"{contact.pk}/change/"))
        data = change_form_data(page)
        inline = page.context["inline_admin_formsets"][0].formset
        new = inline.initial_form_count()
        data[f"{inline.prefix}-TOTAL_FORMS"] = new + 1
        data.update(
            {
                f"{inline.prefix}-{new}-occurred_on": timezone.localdate().isoformat(),
                f"{inline.prefix}-{new}-channel": "visit",
                f"{inline.prefix}-{new}-summary": "Plant tour with the admin",
            }
        )
        response = admin_a.post(admin_url(Contact, f"{contact.pk}/change/"), data)
        assert response.status_code == 302, form_errors(response)
        with world_a.context():
            activity = ContactActivity.objects.get(summary="Plant tour with the admin")
            assert activity.author_id == world_a.admin.pk and activity.tenant_id == world_a.tenant.pk
            assert activity.contact_id == contact.pk

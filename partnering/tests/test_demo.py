"""``seed_demo`` fills the partnering module: rich content for Aquenta, light for Kestrel, a bulk
benchmark tenant with ``--scale``; every run after the first adds nothing."""

from __future__ import annotations

import datetime as dt
import json
import time
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from core.models import Membership, Tenant, User
from core.tenancy import tenant_context
from partnering import demo, work
from partnering.models import (
    ActionItem,
    ActionStatus,
    Attendee,
    Contact,
    ContactActivity,
    CustomerAccount,
    FutureTopic,
    HardQuestion,
    Level,
    LevelChange,
    Meeting,
    MeetingKind,
    MeetingStatus,
    Relationship,
    RosterEntry,
    Side,
    Sponsor,
    SteeringMember,
    TopicScore,
    TopicStatus,
)

PASSWORD = "demo-passphrase-for-tests"
MODELS = (
    CustomerAccount,
    Contact,
    ContactActivity,
    Relationship,
    LevelChange,
    Sponsor,
    RosterEntry,
    Meeting,
    Attendee,
    HardQuestion,
    FutureTopic,
    TopicScore,
    SteeringMember,
    ActionItem,
)


def seed(tmp_path: Path, *extra: str) -> list[dict]:
    path = tmp_path / "logins.json"
    call_command("seed_demo", "--json", str(path), "--force", "--password", PASSWORD, *extra, stdout=StringIO())
    return json.loads(path.read_text())


def counts(slug: str) -> dict[str, int]:
    with tenant_context(Tenant.objects.get(slug=slug)):
        return {model.__name__: model.objects.count() for model in MODELS}


def login(email: str, slug: str = "aquenta") -> Membership:
    with tenant_context(Tenant.objects.get(slug=slug)):
        return Membership.objects.select_related("user").get(user__email=email)


@pytest.fixture
def seeded(db, tmp_path) -> list[dict]:
    return seed(tmp_path)


def test_aquenta_accounts_have_profile_and_an_owner(seeded):
    with tenant_context(Tenant.objects.get(slug="aquenta")):
        accounts = list(CustomerAccount.objects.select_related("owner__user"))
        assert len(accounts) == 5
        for account in accounts:
            assert account.industry and account.region and account.description, account.name
            assert account.owner is not None and account.owner.user.email == "rep@aquenta.example"
            assert 4 <= account.contacts.count() <= 8, account.name
        assert Contact.objects.filter(account=None).count() == 6
        assert all(c.email and c.title and c.function and c.geography for c in Contact.objects.all())


def test_contacts_are_linked_to_matching_logins(seeded):
    with tenant_context(Tenant.objects.get(slug="aquenta")):
        ana = Contact.objects.select_related("membership__user", "account").get(full_name="Ana Lopez")
        assert ana.membership is not None and ana.membership.user.email == "ana.lopez@northfield-paper.example"
        assert ana.account.name == "Northfield Paper Mill"
        lars = Contact.objects.select_related("membership__user").get(full_name="Lars Nilsson")
        assert lars.account_id is None and lars.membership.user.email == "champion@aquenta.example"
        assert Contact.objects.get(full_name="Jonas Weber").membership_id is None  # no login
        # Every contact with a login's e-mail is linked to that login, and only to one of its side.
        for contact in Contact.objects.exclude(membership=None).select_related("membership__user"):
            assert contact.membership.user.email == contact.email
            assert contact.membership.customer_account_id == contact.account_id


def test_five_relationships_at_different_levels_with_a_dated_history(seeded):
    year_ago = timezone.localdate() - dt.timedelta(days=366)
    with tenant_context(Tenant.objects.get(slug="aquenta")):
        relationships = {r.account.name: r for r in Relationship.objects.select_related("account")}
        assert len(relationships) == 5
        levels = {r.level for r in relationships.values()}
        assert levels == {Level.TRANSACTIONAL, Level.PREFERRED, Level.STRONG_PREFERRED, Level.STRATEGIC}
        northfield = relationships["Northfield Paper Mill"]
        assert northfield.level == Level.STRATEGIC
        history = list(northfield.level_changes.order_by("changed_on"))
        assert [h.to_level for h in history] == [
            Level.TRANSACTIONAL,
            Level.PREFERRED,
            Level.STRONG_PREFERRED,
            Level.STRATEGIC,
        ]
        assert all(year_ago <= h.changed_on < timezone.localdate() for h in history)
        assert [h.from_level for h in history[1:]] == [h.to_level for h in history[:-1]]
        for relationship in relationships.values():
            assert relationship.level_changes.count() >= 2, relationship  # every one has a history
            assert relationship.level_changes.order_by("-changed_on").first().to_level == relationship.level


def test_champions_sponsors_and_roster(seeded):
    champion = login("champion@aquenta.example")
    with tenant_context(Tenant.objects.get(slug="aquenta")):
        relationships = {r.account.name: r for r in Relationship.objects.select_related("account")}
        assert sum(r.supplier_champion_id == champion.pk for r in relationships.values()) >= 4
        assert (
            relationships["Northfield Paper Mill"].customer_champion_id
            == login("ana.lopez@northfield-paper.example").pk
        )
        assert (
            relationships["Riverside Power Station"].customer_champion_id
            == login("tom.reed@riverside-power.example").pk
        )
        northfield = relationships["Northfield Paper Mill"]
        assert set(northfield.sponsors.values_list("side", flat=True)) == {Side.SUPPLIER, Side.CUSTOMER}
        for relationship in relationships.values():
            roster = list(relationship.roster.select_related("contact"))
            assert len(roster) >= 2
            point_people = [r.contact for r in roster if r.is_point_person]
            assert {c.side for c in point_people} == {Side.SUPPLIER, Side.CUSTOMER}, relationship


def test_a_year_of_meetings_with_minutes_and_answered_questions(seeded):
    now = timezone.now()
    with tenant_context(Tenant.objects.get(slug="aquenta")):
        northfield = Relationship.objects.get(account__name="Northfield Paper Mill")
        reviews = northfield.meetings.filter(kind=MeetingKind.QUARTERLY_REVIEW, status=MeetingStatus.HELD)
        assert reviews.count() == 4
        assert min(m.starts_at for m in reviews) > now - dt.timedelta(days=366)
        for meeting in reviews:
            assert meeting.starts_at < now and meeting.minutes and meeting.decisions and meeting.agenda
            assert meeting.hard_questions.count() == 2
            assert all(q.answer for q in meeting.hard_questions.all())
            assert meeting.attendees.filter(attended=True).exists()
            kinds = {a.contact.account_id is None for a in meeting.attendees.select_related("contact")}
            assert kinds == {True, False}  # both firms attend
        assert northfield.meetings.filter(kind=MeetingKind.STEERING_TEAM).count() >= 1
        for relationship in Relationship.objects.all():
            upcoming = relationship.meetings.filter(status=MeetingStatus.PLANNED, starts_at__gt=now)
            assert upcoming.count() == 1, relationship
            assert upcoming.get().kind == MeetingKind.QUARTERLY_REVIEW


def test_actions_done_open_overdue_internal_and_customer_owned(seeded):
    today = timezone.localdate()
    ana = login("ana.lopez@northfield-paper.example")
    with tenant_context(Tenant.objects.get(slug="aquenta")):
        actions = ActionItem.objects.select_related("owner", "meeting")
        assert actions.filter(status=ActionStatus.DONE).exclude(completed_at=None).exists()
        overdue = [a for a in actions if a.is_overdue]
        assert len(overdue) >= 3
        assert actions.filter(status__in=("open", "in_progress"), due_on__gte=today).exists()
        assert actions.filter(internal_only=True).exists()
        assert not actions.filter(internal_only=True, owner__role="customer").exists()
        assert actions.filter(owner=ana).exists()
        for action in actions:  # the same rules the services enforce
            if action.meeting is not None:
                assert action.due_on >= action.meeting.starts_at.date(), action
        # The customer's "my actions" shows hers and never an internal one.
        mine = list(work.my_actions(membership=ana))
        assert mine and all(a.owner_id == ana.pk and not a.internal_only for a in mine)


def test_future_topics_long_list_scores_and_short_list(seeded):
    with tenant_context(Tenant.objects.get(slug="aquenta")):
        strategic = Relationship.objects.get(level=Level.STRATEGIC)
        topics = strategic.topics.all()
        assert 8 <= topics.count() <= 20
        assert topics.values("category").distinct().count() >= 4
        assert set(topics.values_list("proposed_by_side", flat=True)) == {Side.SUPPLIER, Side.CUSTOMER}
        active = list(topics.filter(status=TopicStatus.ACTIVE))
        assert 3 <= len(active) <= 5
        assert sorted(t.priority for t in active) == list(range(1, len(active) + 1))
        assert all(t.steering_members.count() >= 2 for t in active)
        both_scored = [t for t in topics if set(t.scores.values_list("side", flat=True)) == {"supplier", "customer"}]
        assert len(both_scored) >= 5
        assert topics.filter(status=TopicStatus.DONE).exists() and topics.filter(status=TopicStatus.DROPPED).exists()
        assert ContactActivity.objects.count() >= 5


def test_internal_notes_exist_to_be_hidden(seeded):
    with tenant_context(Tenant.objects.get(slug="aquenta")):
        for model in (CustomerAccount, Contact, Relationship, Meeting, FutureTopic):
            assert model.objects.exclude(internal_notes="").exists(), model.__name__
            assert model.objects.filter(internal_notes="").exists(), model.__name__  # only on some rows


def test_kestrel_gets_light_content(seeded):
    with tenant_context(Tenant.objects.get(slug="kestrel")):
        account = CustomerAccount.objects.get()
        assert account.industry and account.owner.user.email == "rep@kestrel.example"
        relationship = Relationship.objects.get()
        assert relationship.customer_champion.user.email == "jo.park@harbor-marine.example"
        assert relationship.meetings.count() == 2
        assert ActionItem.objects.exists() and FutureTopic.objects.exists()
        assert Contact.objects.get(full_name="Jo Park").membership.user.email == "jo.park@harbor-marine.example"


def test_running_twice_changes_no_counts(db, tmp_path):
    first = seed(tmp_path)
    after_first = {slug: counts(slug) for slug in ("aquenta", "kestrel")}
    assert after_first["aquenta"]["Meeting"] > 20 and after_first["aquenta"]["ActionItem"] > 20
    started = time.monotonic()
    second = seed(tmp_path)
    assert time.monotonic() - started < 20
    assert first == second
    assert {slug: counts(slug) for slug in ("aquenta", "kestrel")} == after_first


def test_seed_leaves_other_tenants_partnering_rows_alone(world_a, tmp_path):
    with world_a.context():
        before = {model.__name__: model.objects.count() for model in MODELS}
    seed(tmp_path)
    with world_a.context():
        assert {model.__name__: model.objects.count() for model in MODELS} == before


def test_scale_creates_a_benchmark_tenant(db, tmp_path):
    logins = seed(tmp_path, "--scale", "3")
    aquenta = counts("aquenta")
    assert {"tenant": "benchco", "role": "admin", "email": demo.BENCH_EMAIL, "customer_account": None} in logins
    assert User.objects.get(email=demo.BENCH_EMAIL).check_password(PASSWORD)
    bench = counts("benchco")
    assert bench["CustomerAccount"] == 3 and bench["Relationship"] == 3
    with tenant_context(Tenant.objects.get(slug="benchco")):
        for account in CustomerAccount.objects.all():
            assert account.contacts.count() == 20
            relationship = account.relationships.get()
            assert relationship.meetings.count() == 8
            assert relationship.actions.exists() and relationship.topics.exists()
            assert all(row.tenant_id == account.tenant_id for row in relationship.meetings.all())
        assert any(a.is_overdue for a in ActionItem.objects.all())

    # Idempotent: a second run skips the existing accounts; a larger N adds only the missing ones.
    seed(tmp_path, "--scale", "3")
    assert counts("benchco") == bench
    seed(tmp_path, "--scale", "4")
    assert counts("benchco")["CustomerAccount"] == 4
    assert counts("benchco")["Contact"] == 80
    assert counts("aquenta") == aquenta  # the rich tenant is untouched by the bench data


def test_benchmark_rows_are_invisible_to_other_tenants(db, tmp_path):
    seed(tmp_path, "--scale", "2")
    with tenant_context(Tenant.objects.get(slug="aquenta")):
        assert not CustomerAccount.objects.filter(name__startswith="Bench Customer").exists()
        assert not Contact.dangerously_unscoped.filter(full_name__contains="Bench Customer").exists()  # RLS


@pytest.mark.parametrize("value", ["-1", "100001", "many"])
def test_bad_scale_is_refused(db, tmp_path, value):
    with pytest.raises(CommandError):
        call_command("seed_demo", "--force", "--scale", value, stdout=StringIO(), stderr=StringIO())
    assert not Tenant.objects.filter(slug="benchco").exists()


def test_demo_pages_render_and_keep_internal_notes_from_the_customer(seeded, client_for):
    champion = client_for(login("champion@aquenta.example"))
    with tenant_context(Tenant.objects.get(slug="aquenta")):
        relationships = {r.account.name: r for r in Relationship.objects.select_related("account")}
    for relationship in relationships.values():
        response = champion.get(f"/t/aquenta/relationships/{relationship.pk}/")
        assert response.status_code == 200, relationship
    assert champion.get("/t/aquenta/accounts/").status_code == 200
    northfield = relationships["Northfield Paper Mill"]
    internal = champion.get(f"/t/aquenta/relationships/{northfield.pk}/").content.decode()
    assert "Prepare pricing options for the renewal" in internal  # the internal-only action, for us

    ana = client_for(login("ana.lopez@northfield-paper.example"))
    html = ana.get(f"/t/aquenta/relationships/{northfield.pk}/").content.decode()
    assert "Northfield Paper Mill" in html
    for secret in ("Margin on this account is thin", "Prepare pricing options for the renewal", "Low margin for us"):
        assert secret not in html
    assert ana.get(f"/t/aquenta/relationships/{relationships['Riverside Power Station'].pk}/").status_code == 404

"""The relationship page: the hub a champion opens before a quarterly review (level history,
people, meetings, actions, topics, review schedule), for every role, in a fixed number of queries."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from partnering import relationships, work
from partnering.models import (
    ActionItem,
    LevelChange,
    TopicStatus,
)
from partnering.tests.factories import action_for, contact_for, meeting_for, relationship_for, topic_for


def url(world, name_path: str) -> str:
    return f"/t/{world.slug}/{name_path}"


@pytest.fixture
def rel(world_a):
    return relationship_for(world_a, internal_notes="Price war with competitor Z: keep quiet.")


def test_relationship_page_shows_what_a_champion_needs(world_a, client_for, rel):
    with world_a.context():
        LevelChange.objects.filter(relationship=rel).update(changed_on=timezone.localdate() - dt.timedelta(days=90))
        relationships.relationship_change_level(
            actor=world_a.admin, relationship=rel, level="preferred", note="Passed the supplier audit"
        )
        relationships.sponsor_add(actor=world_a.admin, relationship=rel, membership=world_a.member("executive"))
        relationships.sponsor_add(actor=world_a.admin, relationship=rel, membership=world_a.customer_x)
        ours = contact_for(world_a, full_name="Olga Ours")
        theirs = contact_for(world_a, account=world_a.account_x, full_name="Theo Theirs")
        relationships.roster_add(
            actor=world_a.admin, relationship=rel, contact=theirs, role="Quality lead", is_point_person=True
        )
        relationships.roster_add(actor=world_a.admin, relationship=rel, contact=ours, role="Account lead")
    upcoming = meeting_for(world_a, relationship=rel, title="Q4 review")
    past = meeting_for(world_a, relationship=rel, title="Q3 review", starts_at=timezone.now() - dt.timedelta(days=60))
    late = action_for(
        world_a, relationship=rel, title="Send the audit report", due_on=timezone.localdate() - dt.timedelta(days=3)
    )
    action_for(world_a, relationship=rel, title="Book the plant visit")
    topic = topic_for(world_a, relationship=rel, title="Water reuse pilot")
    with world_a.context():
        work.topic_set_status(actor=world_a.admin, topic=topic, status=TopicStatus.ACTIVE, priority=1)
    topic_for(world_a, relationship=rel, title="Long-list idea")

    response = client_for(world_a.member("champion")).get(url(world_a, f"relationships/{rel.pk}/"))
    assert response.status_code == 200
    html = response.content.decode()
    ctx = response.context
    assert ctx["next_meeting"].pk == upcoming.pk
    assert [m.pk for m in ctx["recent_meetings"]] == [past.pk]
    assert ctx["open_action_count"] == 2 and ctx["overdue_action_count"] == 1
    assert [change.to_level for change in ctx["level_history"]] == ["preferred", "transactional"]
    assert [s.membership.pk for s in ctx["sponsors_supplier"]] == [world_a.member("executive").pk]
    assert [s.membership.pk for s in ctx["sponsors_customer"]] == [world_a.customer_x.pk]
    assert [r.contact.full_name for r in ctx["point_persons"]] == ["Theo Theirs"]
    assert [t.title for t in ctx["short_list"]] == ["Water reuse pilot"]
    assert [t.title for t in ctx["long_list"]] == ["Long-list idea"]
    assert "Preferred supplier" in html and "Passed the supplier audit" in html
    assert "Theo Theirs" in html and "Olga Ours" in html
    assert world_a.member("executive").user.display_name in html
    assert "Q4 review" in html and f"meetings/{upcoming.pk}/invite.ics" in html
    # the overdue action is flagged, the other is not
    assert html.count('data-overdue="true"') == 1
    assert f'{late.title}</strong>\n  <span class="badge pw-badge-overdue">Overdue' in html
    assert "Price war with competitor Z" in html  # internal notes for our company
    assert "Plan quarterly review" in html and "Add action" in html and "Propose topic" in html


def test_customer_sees_their_relationship_without_internal_rows(world_a, client_for, rel):
    action_for(world_a, relationship=rel, title="Internal margin check", internal_only=True)
    action_for(world_a, relationship=rel, title="Joint audit", owner=world_a.customer_x)
    response = client_for(world_a.customer_x).get(url(world_a, f"relationships/{rel.pk}/"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Joint audit" in html
    assert "Internal margin check" not in html
    assert "Price war with competitor Z" not in html
    assert response.context["open_action_count"] == 1
    # customers may propose topics but not plan meetings or add actions
    assert "Propose topic" in html
    assert "Plan quarterly review" not in html and "Add action" not in html


def test_relationship_page_of_another_account_or_tenant_is_404(world_a, world_b, client_for, rel):
    assert client_for(world_a.customer_y).get(url(world_a, f"relationships/{rel.pk}/")).status_code == 404
    assert client_for(world_b.admin).get(url(world_b, f"relationships/{rel.pk}/")).status_code == 404
    assert client_for(world_a.rep).get(url(world_a, "relationships/not-a-uuid/")).status_code == 404


def test_review_overdue_notice_when_nothing_is_planned(world_a, client_for, rel):
    with world_a.context():
        type(rel).objects.filter(pk=rel.pk).update(created_at=timezone.now() - dt.timedelta(days=200))
    response = client_for(world_a.rep).get(url(world_a, f"relationships/{rel.pk}/"))
    assert response.context["review_overdue"] is True
    assert "none is planned" in response.content.decode()
    meeting_for(world_a, relationship=rel)  # a planned quarterly review clears the notice
    response = client_for(world_a.rep).get(url(world_a, f"relationships/{rel.pk}/"))
    assert response.context["review_overdue"] is False
    assert 'data-testid="review-notice"' not in response.content.decode()


def test_empty_relationship_page_says_what_to_do(world_a, client_for, rel):
    html = client_for(world_a.rep).get(url(world_a, f"relationships/{rel.pk}/")).content.decode()
    assert "No meeting planned" in html
    assert "No open actions" in html
    assert "No active topics" in html


@pytest.mark.parametrize("size", [2, 30])
def test_relationship_page_runs_at_most_12_queries(world_a, client_for, django_assert_max_num_queries, rel, size):
    with world_a.context():
        for i in range(size):
            contact = contact_for(world_a, account=world_a.account_x, full_name=f"Person {i}")
            relationships.roster_add(actor=world_a.admin, relationship=rel, contact=contact, role="Member")
            meeting = meeting_for(
                world_a,
                relationship=rel,
                title=f"M{i}",
                starts_at=timezone.now() + dt.timedelta(days=i - size // 2),
                attendees=[contact],
            )
            topic = topic_for(world_a, relationship=rel, title=f"Topic {i}")
            work.topic_score(actor=world_a.admin, topic=topic, value_to_supplier=3, value_to_customer=4, feasibility=2)
            work.topic_score(
                actor=world_a.customer_x, topic=topic, value_to_supplier=2, value_to_customer=5, feasibility=3
            )
            if i < 5:
                work.topic_set_status(actor=world_a.admin, topic=topic, status=TopicStatus.ACTIVE, priority=i + 1)
            action_for(
                world_a,
                relationship=rel,
                title=f"A{i}",
                due_on=timezone.localdate() + dt.timedelta(days=i - size // 2 + 1),
                topic=topic,
                meeting=meeting,
            )
        relationships.sponsor_add(actor=world_a.admin, relationship=rel, membership=world_a.member("executive"))
        relationships.relationship_change_level(actor=world_a.admin, relationship=rel, level="preferred")
    for member in (world_a.rep, world_a.customer_x):
        client = client_for(member)
        with django_assert_max_num_queries(12):
            response = client.get(url(world_a, f"relationships/{rel.pk}/"))
        assert response.status_code == 200
        assert response.context["open_action_count"] == size
        assert len(response.context["short_list"]) == min(size, 5)


def test_relationship_page_links_to_the_relationship_admin_pages_when_they_exist(world_a, client_for, rel):
    from django.urls import NoReverseMatch, reverse

    html = client_for(world_a.rep).get(url(world_a, f"relationships/{rel.pk}/")).content.decode()
    for name in ("relationship-edit", "relationship-level", "relationship-sponsor-add", "relationship-roster-add"):
        try:
            target = reverse(f"partnering:{name}", kwargs={"tenant_slug": world_a.slug, "pk": rel.pk})
        except NoReverseMatch:
            continue  # another page set; linked once it exists
        assert target in html
    customer_html = client_for(world_a.customer_x).get(url(world_a, f"relationships/{rel.pk}/")).content.decode()
    assert "/edit/" not in customer_html.split('id="content"')[1]


def test_action_counts_exclude_closed_actions(world_a, client_for, rel):
    action = action_for(world_a, relationship=rel, due_on=timezone.localdate() - dt.timedelta(days=5))
    with world_a.context():
        work.action_update(actor=world_a.admin, action=action, status="done")
        assert ActionItem.objects.get(pk=action.pk).completed_at is not None
    response = client_for(world_a.rep).get(url(world_a, f"relationships/{rel.pk}/"))
    assert response.context["open_action_count"] == 0 and response.context["overdue_action_count"] == 0


@pytest.mark.parametrize("role", ["admin", "executive", "coach", "champion", "rep"])
def test_every_internal_role_opens_the_relationship_page_with_the_buttons_it_may_use(world_a, client_for, rel, role):
    from core.permissions import can

    member = world_a.member(role)
    response = client_for(member).get(url(world_a, f"relationships/{rel.pk}/"))
    assert response.status_code == 200
    html = response.content.decode()
    assert ("Plan quarterly review" in html) == can(member, "meetings.manage")
    assert ("Add action" in html) == can(member, "actions.manage")
    assert response.context["can_manage_relationship"] == can(member, "relationships.manage")


def test_review_due_soon_notice(world_a, client_for, rel):
    with world_a.context():
        type(rel).objects.filter(pk=rel.pk).update(created_at=timezone.now() - dt.timedelta(days=85))
    response = client_for(world_a.customer_x).get(url(world_a, f"relationships/{rel.pk}/"))
    assert response.context["review_due_soon"] is True and response.context["review_overdue"] is False
    assert "is not planned yet" in response.content.decode()

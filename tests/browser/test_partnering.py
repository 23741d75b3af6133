"""Issue #3 in a real headless Chromium: the quarterly review a champion runs, topics a customer
proposes and scores, the short-list limit, and what a customer sees of the relationship on a phone.

Every step asserts what the page shows and the end state is read back from the database, so a
page that looks right but saves nothing (or saves the wrong side) fails.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from partnering import relationships, work
from partnering.models import (
    HARD_QUESTIONS,
    ActionItem,
    Attendee,
    FutureTopic,
    Meeting,
    MeetingKind,
    Side,
    TopicScore,
    TopicStatus,
)
from partnering.tests import factories
from tests.browser.conftest import DEFAULT_TIMEOUT_MS, DESKTOP, PHONE, screenshot_path
from tests.browser.test_login_flow import assert_page_healthy, horizontal_overflow, sign_in
from tests.fixtures import PASSWORD, World

pytestmark = pytest.mark.browser


def shot(page: Page, request: pytest.FixtureRequest, step: str) -> None:
    """Full-page screenshot, then scroll back to the top.

    After a full-page shot of a page that was scrolled, Chromium scrolls the page on the next
    mouse-down (when the button takes focus), so the mouse-up lands on another element and the
    click never happens. Scrolling to the top lets Playwright scroll the next target into view
    afresh.
    """
    page.screenshot(path=str(screenshot_path(request, step)), full_page=True)
    page.evaluate("() => window.scrollTo(0, 0)")


def relationship_url(live_url: str, world: World, relationship: Any) -> str:
    return f"{live_url}/t/{world.slug}/relationships/{relationship.pk}/"


def test_champion_plans_and_records_quarterly_review_with_action(
    live_url: str, world_a: World, page: Page, request: pytest.FixtureRequest
) -> None:
    champion = world_a.member("champion")
    customer = world_a.customer_x
    assert customer is not None
    relationship = factories.relationship_for(world_a)
    ours = factories.contact_for(world_a, full_name="Olivia Ourside", title="Quality lead")
    theirs = factories.contact_for(
        world_a, account=world_a.account_x, full_name="Theo Theirside", title="Plant manager"
    )
    starts_at = (timezone.now() + dt.timedelta(days=30)).replace(hour=9, minute=30, second=0, microsecond=0)
    due_on = starts_at.date() + dt.timedelta(days=14)
    meeting_title = f"Quarterly review – {relationship}"

    sign_in(page, live_url, champion.user.email, PASSWORD)
    page.goto(relationship_url(live_url, world_a, relationship))
    expect(page.get_by_role("heading", level=1)).to_have_text(str(relationship))
    expect(page.get_by_test_id("supplier-champion")).to_have_text(champion.user.display_name)
    expect(page.get_by_test_id("customer-champion")).to_have_text(customer.user.display_name)
    expect(page.locator("#next-meeting").locator("xpath=..")).to_contain_text("No meeting planned")
    shot(page, request, "1-relationship")

    # Plan the quarterly review with one person of each firm.
    page.get_by_role("link", name="Plan quarterly review").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Plan a meeting")
    expect(page.get_by_label("Kind")).to_have_value(MeetingKind.QUARTERLY_REVIEW)
    page.get_by_label("Date and time").fill(starts_at.strftime("%Y-%m-%dT%H:%M"))
    page.get_by_label("Location").fill("Plant 2, room Columbia")
    attendees = page.get_by_test_id("attendees")
    attendees.get_by_role("checkbox", name="Olivia Ourside").check()
    attendees.get_by_role("checkbox", name="Theo Theirside").check()
    shot(page, request, "2-plan-form")
    page.get_by_role("button", name="Plan meeting").click()

    expect(page.get_by_role("heading", level=1)).to_have_text(meeting_title)
    expect(page.locator("main .lead")).to_contain_text(starts_at.strftime("%a %-d %b %Y, 09:30"))
    expect(page.get_by_test_id("agenda")).to_contain_text("Scorecard review")
    attendee_list = page.get_by_test_id("attendee-list")
    expect(attendee_list).to_contain_text("Olivia Ourside")
    expect(attendee_list).to_contain_text("Theo Theirside")
    expect(attendee_list.get_by_text("attended")).to_have_count(0)
    questions = page.get_by_test_id("hard-questions")
    expect(questions).to_contain_text(HARD_QUESTIONS[0])
    expect(questions.get_by_text("Not answered yet.")).to_have_count(len(HARD_QUESTIONS))
    with world_a.context():
        meeting = Meeting.objects.get(relationship=relationship)
    expect(page).to_have_url(f"{live_url}/t/{world_a.slug}/meetings/{meeting.pk}/")
    shot(page, request, "3-meeting-planned")

    # Record attendance, the answers to the hard questions and the minutes.
    page.get_by_role("link", name="Record attendance, answers and minutes").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Record the meeting")
    attended = page.get_by_test_id("attended")
    attended.get_by_role("checkbox", name="Olivia Ourside").check()
    attended.get_by_role("checkbox", name="Theo Theirside").check()
    answers = ["Lead times matter more than price this year.", "Yes, but the Asia plants were not heard yet."]
    for question, answer in zip(HARD_QUESTIONS, answers, strict=True):
        page.get_by_label(question).fill(answer)
    page.get_by_label("Minutes", exact=True).fill("Walked through the scorecard; two metrics out of the Green Zone.")
    page.get_by_label("Decisions", exact=True).fill("Start a joint cross-audit in Q1.")
    shot(page, request, "4-record-form")
    page.get_by_role("button", name="Save").click()

    expect(page.get_by_role("heading", level=1)).to_have_text(meeting_title)
    expect(attendee_list.get_by_text("attended")).to_have_count(2)
    for answer in answers:
        expect(questions).to_contain_text(answer)
    expect(questions.get_by_text("Not answered yet.")).to_have_count(0)
    expect(page.get_by_test_id("minutes")).to_have_text(
        "Walked through the scorecard; two metrics out of the Green Zone."
    )
    expect(page.get_by_test_id("decisions")).to_have_text("Start a joint cross-audit in Q1.")
    shot(page, request, "5-meeting-recorded")

    # An action agreed at the meeting, owned by the customer's participant.
    page.get_by_role("link", name="Add action from this meeting").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Add an action")
    expect(page.get_by_label("Meeting")).to_have_value(str(meeting.pk))
    page.get_by_label("What").fill("Send the cross-audit checklist")
    owner_label = f"{customer.user.display_name} ({world_a.account_x.name})"
    page.get_by_label("Who").select_option(label=owner_label)
    # A due date before the meeting is refused with a clear message and nothing is saved.
    page.get_by_label("Due").fill((starts_at.date() - dt.timedelta(days=1)).isoformat())
    page.get_by_role("button", name="Add action").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Add an action")
    expect(page.get_by_text("The due date cannot be before the meeting the action came from.")).to_be_visible()
    expect(page.get_by_label("What")).to_have_value("Send the cross-audit checklist")
    with world_a.context():
        assert not ActionItem.objects.filter(relationship=relationship).exists()
    shot(page, request, "6-action-refused")
    page.get_by_label("Due").fill(due_on.isoformat())
    shot(page, request, "6-action-form")
    page.get_by_role("button", name="Add action").click()

    expect(page).to_have_url(f"{live_url}/t/{world_a.slug}/meetings/{meeting.pk}/")
    expect(page.get_by_role("status").filter(has_text="Send the cross-audit checklist")).to_contain_text("added")
    meeting_actions = page.get_by_test_id("meeting-actions")
    expect(meeting_actions).to_contain_text("Send the cross-audit checklist")
    expect(meeting_actions).to_contain_text(customer.user.display_name)
    expect(meeting_actions).to_contain_text(due_on.strftime("%a %-d %b %Y"))
    shot(page, request, "7-meeting-with-action")

    page.get_by_role("link", name=str(relationship)).first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(str(relationship))
    open_actions = page.get_by_test_id("open-actions")
    expect(open_actions).to_contain_text("Send the cross-audit checklist")
    expect(open_actions.get_by_role("link", name=meeting_title)).to_be_visible()
    expect(page.get_by_test_id("open-count")).to_have_text("1")
    expect(page.locator("#next-meeting").locator("xpath=..")).to_contain_text(meeting_title)
    shot(page, request, "8-relationship-after")
    assert_page_healthy(page)

    with world_a.context():
        meeting.refresh_from_db()
        assert meeting.kind == MeetingKind.QUARTERLY_REVIEW
        assert meeting.starts_at == starts_at
        assert meeting.location == "Plant 2, room Columbia"
        assert meeting.created_by_id == champion.pk
        assert meeting.minutes == "Walked through the scorecard; two metrics out of the Green Zone."
        assert meeting.decisions == "Start a joint cross-audit in Q1."
        came = dict(Attendee.objects.filter(meeting=meeting).values_list("contact_id", "attended"))
        assert came == {ours.pk: True, theirs.pk: True}
        assert [(q.question, q.answer) for q in meeting.hard_questions.all()] == list(
            zip(HARD_QUESTIONS, answers, strict=True)
        )
        action = ActionItem.objects.get(relationship=relationship)
        assert action.title == "Send the cross-audit checklist"
        assert action.meeting_id == meeting.pk
        assert action.owner_id == customer.pk
        assert action.due_on == due_on
        assert action.created_by_id == champion.pk
        assert action.internal_only is False


def test_customer_proposes_and_scores_a_topic(
    live_url: str, world_a: World, page: Page, request: pytest.FixtureRequest
) -> None:
    customer = world_a.customer_x
    assert customer is not None
    relationship = factories.relationship_for(world_a)

    sign_in(page, live_url, customer.user.email, PASSWORD)
    page.goto(relationship_url(live_url, world_a, relationship))
    expect(page.get_by_role("heading", level=1)).to_have_text(str(relationship))
    page.get_by_role("link", name="Long list (0) and ranking").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Future topics")
    expect(page.get_by_text("The long list is empty")).to_be_visible()
    shot(page, request, "1-topics-empty")

    page.get_by_role("link", name="Propose a topic").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Propose a topic")
    # Customers never get the internal-notes field.
    expect(page.get_by_label("Internal notes")).to_have_count(0)
    page.get_by_label("Title", exact=True).fill("Low-phosphate boiler treatment")
    page.get_by_label("Description").fill("New discharge rules from 2027; trial on line 3.")
    page.get_by_label("Category").select_option(label="New regulation")
    shot(page, request, "2-propose-form")
    page.get_by_role("button", name="Propose").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Low-phosphate boiler treatment")
    expect(page.get_by_role("status")).to_contain_text("Topic added to the long list")
    expect(page.get_by_test_id("topic-status")).to_have_text("Long list")
    expect(page.locator("main .lead")).to_contain_text("New regulation · proposed by customer")
    scores = page.get_by_test_id("scores")
    expect(scores.get_by_text("Not scored yet")).to_have_count(2)
    shot(page, request, "3-topic-proposed")

    page.get_by_role("link", name=f"Score for {world_a.account_x.name}").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Score “Low-phosphate boiler treatment”")
    expect(page.locator("main .lead")).to_contain_text("Customer")
    page.get_by_role("group", name="Value to the supplier").get_by_label("4", exact=True).check()
    page.get_by_role("group", name="Value to the customer").get_by_label("5", exact=True).check()
    page.get_by_role("group", name="Feasibility").get_by_label("3", exact=True).check()
    shot(page, request, "4-score-form")
    page.get_by_role("button", name="Save score").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Low-phosphate boiler treatment")
    expect(page.get_by_role("status")).to_contain_text("Score saved.")
    customer_row = scores.get_by_role("row").filter(has_text=world_a.account_x.name)
    expect(customer_row.get_by_role("cell")).to_have_text([world_a.account_x.name, "4", "5", "3", "12"])
    supplier_row = scores.get_by_role("row").filter(has_text="Our company")
    expect(supplier_row).to_contain_text("Not scored yet")
    shot(page, request, "5-topic-scored")

    page.get_by_role("link", name="Future topics").click()
    row = page.get_by_test_id("long-list").get_by_test_id("topic-row")
    expect(row).to_have_count(1)
    expect(row).to_contain_text("Low-phosphate boiler treatment")
    expect(row).to_contain_text("proposed by customer")
    expect(row).to_contain_text("Customer: 4/5/3")
    expect(row).to_contain_text("combined score 12.0/15")
    # Only our company's people manage the short list.
    expect(row.get_by_role("button", name="Apply")).to_have_count(0)
    shot(page, request, "6-long-list")
    assert_page_healthy(page)

    with world_a.context():
        topic = FutureTopic.objects.get(relationship=relationship)
        assert topic.title == "Low-phosphate boiler treatment"
        assert topic.proposed_by_side == Side.CUSTOMER
        assert topic.proposed_by_id == customer.pk
        assert topic.category == "regulation"
        assert topic.status == TopicStatus.LONG_LIST
        score = TopicScore.objects.get(topic=topic)
        assert (score.side, score.value_to_supplier, score.value_to_customer, score.feasibility) == (
            Side.CUSTOMER,
            4,
            5,
            3,
        )
        assert score.scored_by_id == customer.pk


def test_short_list_refuses_a_sixth_active_topic(
    live_url: str, world_a: World, page: Page, request: pytest.FixtureRequest
) -> None:
    champion = world_a.member("champion")
    relationship = factories.relationship_for(world_a)
    for position in range(1, 6):
        topic = factories.topic_for(world_a, relationship=relationship, title=f"Active topic {position}")
        with world_a.context():
            work.topic_set_status(actor=world_a.admin, topic=topic, status=TopicStatus.ACTIVE, priority=position)
    sixth = factories.topic_for(world_a, relationship=relationship, title="Sixth topic hoping to get in")

    sign_in(page, live_url, champion.user.email, PASSWORD)
    page.goto(f"{live_url}/t/{world_a.slug}/relationships/{relationship.pk}/topics/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Future topics")
    expect(page.get_by_test_id("short-list").get_by_test_id("topic-row")).to_have_count(5)
    expect(page.get_by_role("heading", name="Short list")).to_contain_text("5 of 5")
    row = page.get_by_test_id("long-list").get_by_test_id("topic-row").filter(has_text=sixth.title)
    row.get_by_label(f"Status of {sixth.title}").select_option(TopicStatus.ACTIVE)
    row.get_by_label("Priority").fill("6")
    shot(page, request, "1-promote-sixth")
    with page.expect_response(lambda r: r.request.method == "POST" and "/status/" in r.url) as info:
        row.get_by_role("button", name="Apply").click()
    page.wait_for_load_state()

    assert info.value.status == 200, f"refused promotion answered {info.value.status}"
    expect(page.get_by_role("heading", level=1)).to_have_text(sixth.title)
    refusal = "The short list already has 5 active topics (the limit is 5). Finish or drop one before adding another."
    expect(page.get_by_text(refusal)).to_be_visible()
    expect(page.get_by_test_id("topic-status")).to_have_text("Long list")
    shot(page, request, "2-refused")
    assert_page_healthy(page)

    page.goto(f"{live_url}/t/{world_a.slug}/relationships/{relationship.pk}/topics/")
    expect(page.get_by_test_id("short-list").get_by_test_id("topic-row")).to_have_count(5)
    expect(page.get_by_test_id("long-list")).to_contain_text(sixth.title)

    with world_a.context():
        active = FutureTopic.objects.filter(relationship=relationship, status=TopicStatus.ACTIVE)
        assert active.count() == 5
        assert sixth.title not in set(active.values_list("title", flat=True))
        sixth.refresh_from_db()
        assert sixth.status == TopicStatus.LONG_LIST
        assert sixth.priority is None


@pytest.mark.parametrize("viewport", [pytest.param(PHONE, id="phone-375x812")])
def test_customer_relationship_page_on_phone_hides_internal_notes(
    live_url: str,
    world_a: World,
    browser: Any,
    page: Page,
    viewport: dict[str, int],
    request: pytest.FixtureRequest,
) -> None:
    customer = world_a.customer_x
    assert customer is not None
    notes = "Margin is thin; do not offer the volume discount."
    relationship = factories.relationship_for(world_a)
    with world_a.context():
        relationships.relationship_update(actor=world_a.admin, relationship=relationship, internal_notes=notes)
    factories.meeting_for(world_a, relationship=relationship, internal_notes="Meeting note for us only.")
    factories.action_for(world_a, relationship=relationship, owner=customer, title="Share the boiler logs")
    factories.action_for(world_a, relationship=relationship, title="Price review before renewal", internal_only=True)
    factories.topic_for(world_a, relationship=relationship, title="Joint cost-savings cross-audit")
    url = relationship_url(live_url, world_a, relationship)

    # Control: our champion does see the notes on the same page, so their absence below means something.
    context = browser.new_context(viewport=DESKTOP, locale="en-US")
    context.set_default_timeout(DEFAULT_TIMEOUT_MS)
    try:
        internal_page = context.new_page()
        sign_in(internal_page, live_url, world_a.member("champion").user.email, PASSWORD)
        internal_page.goto(url)
        expect(internal_page.get_by_test_id("internal-notes")).to_contain_text(notes)
        expect(internal_page.get_by_test_id("open-actions")).to_contain_text("Price review before renewal")
    finally:
        context.close()

    sign_in(page, live_url, customer.user.email, PASSWORD)
    response = page.goto(url)
    assert response is not None and response.status == 200
    expect(page.get_by_role("heading", level=1)).to_have_text(str(relationship))
    expect(page.get_by_test_id("open-actions")).to_contain_text("Share the boiler logs")
    expect(page.get_by_test_id("open-count")).to_have_text("1")
    expect(page.get_by_test_id("internal-notes")).to_have_count(0)
    expect(page.get_by_text("Internal notes")).to_have_count(0)
    expect(page.get_by_text("Our company only")).to_have_count(0)
    content = page.content()
    for secret in (notes, "Meeting note for us only.", "Price review before renewal"):
        assert secret not in content, f"customer page shows internal text: {secret!r}"
    # Customers plan nothing and edit nothing here, but may propose topics.
    expect(page.get_by_role("link", name="Plan quarterly review")).to_have_count(0)
    expect(page.get_by_role("link", name="Edit plan")).to_have_count(0)
    expect(page.get_by_role("link", name="Propose topic")).to_be_visible()

    scroll_width = horizontal_overflow(page)
    assert scroll_width <= viewport["width"] + 1, f"relationship page scrolls sideways: scrollWidth={scroll_width}"
    overflowing = page.evaluate(
        """(limit) => [...document.querySelectorAll('main *')]
            .filter((el) => el.getBoundingClientRect().right > limit + 1)
            .map((el) => el.tagName + '.' + el.className)""",
        viewport["width"],
    )
    assert overflowing == [], f"elements wider than the phone: {overflowing}"
    shot(page, request, "customer-phone")
    assert_page_healthy(page)

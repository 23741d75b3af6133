"""The global project board (issue #5 item 10): page and API, visibility, filters, tollgate moves,
and a fixed number of queries whatever the number of projects."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from projects import board as board_selectors
from projects.models import BOARD_COLUMNS, Phase, Project, WaitingKind
from projects.projects import settings_for_tenant
from projects.tests.factories import area_for, project_for
from tests.fixtures import INTERNAL_ROLES

MAX_QUERIES = 12
SENTINEL = "SECRET-INTERNAL-NOTE-a2"


def board_url(world, query: str = "") -> str:
    return f"/t/{world.slug}/projects/board/" + (f"?{query}" if query else "")


def api_url(world, query: str = "") -> str:
    return f"/api/v1/t/{world.slug}/project-board/" + (f"?{query}" if query else "")


def move(world, project, phase: str, *, days_ago: int = 0, **fields) -> None:
    """Put a project in ``phase`` directly (tests only: the real way is an approved tollgate)."""
    with world.context():
        Project.objects.filter(pk=project.pk).update(
            phase=phase, phase_entered_at=timezone.now() - dt.timedelta(days=days_ago), **fields
        )


def card_titles(response) -> list[str]:
    return [card.title for column in response.context["board"].columns for card in column.cards]


def api_titles(response) -> list[str]:
    return [card["title"] for column in response.json()["columns"] for card in column["cards"]]


@pytest.fixture
def two_accounts(world_a):
    ours = project_for(world_a, title="Boiler blowdown at X", internal_notes=SENTINEL)
    theirs = project_for(
        world_a, account=world_a.account_y, title="Cooling tower at Y", lead=world_a.member("champion")
    )
    move(world_a, theirs, Phase.MEASURE, days_ago=12)
    return ours, theirs


# --- Visibility ------------------------------------------------------------------------------


@pytest.mark.usefixtures("two_accounts")
@pytest.mark.parametrize("role", INTERNAL_ROLES)
def test_every_internal_role_sees_all_projects(role, world_a, client_for, api_for):
    member = world_a.member(role)
    response = client_for(member).get(board_url(world_a))
    assert response.status_code == 200
    assert sorted(card_titles(response)) == ["Boiler blowdown at X", "Cooling tower at Y"]
    body = response.content.decode()
    assert "Boiler blowdown at X" in body and "Cooling tower at Y" in body
    assert SENTINEL not in body
    columns = response.context["board"].columns
    assert [c.phase for c in columns] == BOARD_COLUMNS
    assert {c.phase: c.count for c in columns if c.count} == {"candidate": 1, "measure": 1}
    data = api_for(member).get(api_url(world_a)).json()
    assert [c["phase"] for c in data["columns"]] == BOARD_COLUMNS
    assert sorted(api_titles_from(data)) == ["Boiler blowdown at X", "Cooling tower at Y"]


def api_titles_from(data) -> list[str]:
    return [card["title"] for column in data["columns"] for card in column["cards"]]


def test_cards_show_customer_lead_days_flags_and_belt(world_a, client_for, api_for, two_accounts):
    _, theirs = two_accounts
    response = client_for(world_a.rep).get(board_url(world_a))
    body = response.content.decode()
    assert "Cooling tower at Y" in body
    assert world_a.account_y.name in body
    assert world_a.member("champion").user.display_name in body
    assert "12 days in phase" in body
    assert "Green Belt" in body
    assert f"/t/{world_a.slug}/projects/{theirs.pk}/" in body  # the card links to the project page
    card = next(
        c
        for col in api_for(world_a.rep).get(api_url(world_a)).json()["columns"]
        for c in col["cards"]
        if c["id"] == str(theirs.pk)
    )
    assert card["days_in_phase"] == 12
    assert card["customer_account"] == {"id": str(world_a.account_y.pk), "name": world_a.account_y.name}
    assert card["lead"]["id"] == str(world_a.member("champion").pk)
    assert card["flags"]["credit_unsettled"] is True  # a DMAIC phase with credit not settled
    assert "internal_notes" not in card


@pytest.mark.usefixtures("two_accounts")
def test_customer_sees_only_their_accounts_projects_and_no_moves(world_a, client_for, api_for):
    response = client_for(world_a.customer_x).get(board_url(world_a))
    assert response.status_code == 200
    assert card_titles(response) == ["Boiler blowdown at X"]
    body = response.content.decode()
    assert "Cooling tower at Y" not in body
    assert SENTINEL not in body
    assert 'draggable="true"' not in body
    assert "Move to" not in body
    assert world_a.account_y.name not in body  # no customer filter listing other accounts
    api = api_for(world_a.customer_x).get(api_url(world_a))
    assert api.status_code == 200
    assert api_titles(api) == ["Boiler blowdown at X"]
    assert SENTINEL not in api.content.decode()
    # a customer cannot widen the board to another account through the filters
    other = client_for(world_a.customer_x).get(board_url(world_a, f"customer={world_a.account_y.pk}"))
    assert other.status_code == 200 and card_titles(other) == []
    assert api_titles(api_for(world_a.customer_y).get(api_url(world_a))) == ["Cooling tower at Y"]


@pytest.mark.usefixtures("two_accounts")
def test_outsider_gets_404_on_page_and_api(world_a, world_b, client_for, api_for):
    assert client_for(world_b.rep).get(board_url(world_a)).status_code == 404
    assert api_for(world_b.rep).get(api_url(world_a)).status_code == 404
    # and world_b's own board does not show world_a's projects
    response = client_for(world_b.rep).get(board_url(world_b))
    assert response.status_code == 200 and card_titles(response) == []
    assert "No projects yet" in response.content.decode()


def test_anonymous_is_sent_to_sign_in(world_a, client):
    response = client.get(board_url(world_a))
    assert response.status_code in (302, 404)
    assert client.get(api_url(world_a)).status_code in (401, 403)


# --- Filters ---------------------------------------------------------------------------------


def test_stalled_filter(world_a, client_for, api_for):
    fresh = project_for(world_a, title="Fresh project")
    stalled = project_for(world_a, title="Quiet project")
    move(world_a, fresh, Phase.DEFINE)
    move(world_a, stalled, Phase.DEFINE, last_activity_at=timezone.now() - dt.timedelta(days=90))
    response = client_for(world_a.rep).get(board_url(world_a, "stalled=1"))
    assert response.status_code == 200
    assert card_titles(response) == ["Quiet project"]
    body = response.content.decode()
    assert "flag-stalled" in body and "Fresh project" not in body
    assert response.context["chips"][0]["label"] == "Stalled"
    assert response.context["chips"][0]["clear_url"] == board_url(world_a)
    define = next(c for c in response.context["board"].columns if c.phase == Phase.DEFINE)
    assert define.count == 1
    data = api_for(world_a.rep).get(api_url(world_a, "stalled=1")).json()
    assert api_titles_from(data) == ["Quiet project"]
    assert data["columns"][1]["cards"][0]["flags"]["stalled"] is True
    assert data["filters"] == {"stalled": "1"}


def test_waiting_filter_any_and_by_kind(world_a, client_for, api_for):
    project_for(world_a, title="Not waiting")
    data_wait = project_for(world_a, title="Waits for data")
    approval = project_for(world_a, title="Waits for approval")
    with world_a.context():
        Project.objects.filter(pk=data_wait.pk).update(waiting_kind=WaitingKind.DATA)
        Project.objects.filter(pk=approval.pk).update(waiting_kind=WaitingKind.CUSTOMER_APPROVAL)
    client = client_for(world_a.member("coach"))
    assert sorted(card_titles(client.get(board_url(world_a, "waiting=1")))) == ["Waits for approval", "Waits for data"]
    response = client.get(board_url(world_a, "waiting=data"))
    assert card_titles(response) == ["Waits for data"]
    assert "Waiting: data" in response.content.decode()
    assert api_titles(api_for(world_a.rep).get(api_url(world_a, "waiting=customer_approval"))) == ["Waits for approval"]


def test_people_customer_area_and_belt_filters(world_a, client_for, api_for):
    area = area_for(world_a, "Water treatment")
    child = area_for(world_a, "Boilers", parent=area)
    other_area = area_for(world_a, "Coatings")
    a = project_for(world_a, title="A by rep", solution_area=child)
    project_for(
        world_a, title="B by champion", lead=world_a.member("champion"), belt_level="black", solution_area=other_area
    )
    project_for(world_a, account=world_a.account_y, title="C for Y", coach=None)
    client = client_for(world_a.rep)
    assert card_titles(client.get(board_url(world_a, f"lead={world_a.member('champion').pk}"))) == ["B by champion"]
    assert card_titles(client.get(board_url(world_a, f"customer={world_a.account_y.pk}"))) == ["C for Y"]
    assert card_titles(client.get(board_url(world_a, "belt=black"))) == ["B by champion"]
    coached = card_titles(client.get(board_url(world_a, f"coach={world_a.member('coach').pk}")))
    assert sorted(coached) == ["A by rep", "B by champion"]
    # an area includes its sub-areas
    assert card_titles(client.get(board_url(world_a, f"solution_area={area.pk}"))) == ["A by rep"]
    response = client.get(board_url(world_a, f"solution_area={child.pk}&belt=green"))
    assert card_titles(response) == ["A by rep"]
    labels = [chip["label"] for chip in response.context["chips"]]
    assert "Green Belt" in labels and any("Boilers" in label for label in labels)
    # "N more" and "show cancelled" links keep the filters
    assert f"solution_area={child.pk}" in response.context["board"].columns[0].more_url
    assert "phase=candidate" in response.context["board"].columns[0].more_url
    assert str(a.pk) in response.content.decode()
    assert api_titles(api_for(world_a.rep).get(api_url(world_a, "belt=black"))) == ["B by champion"]


@pytest.mark.usefixtures("two_accounts")
@pytest.mark.parametrize(
    "query",
    [
        "customer=not-a-uuid",
        "lead=123",
        "coach=%00",
        "solution_area=xyz",
        "belt=purple",
        "waiting=forever",
        "stalled=maybe",
        "phase=cancelled",
        "customer=3f1e9a52-0000-4000-8000-000000000000",
        "q=" + "x" * 500,
        "customer=a&customer=b",
    ],
)
def test_bad_filter_values_do_not_fail(query, world_a, client_for, api_for):
    page = client_for(world_a.rep).get(board_url(world_a, query))
    assert page.status_code == 200
    api = api_for(world_a.rep).get(api_url(world_a, query))
    assert api.status_code == 200
    assert [c["phase"] for c in api.json()["columns"]] == BOARD_COLUMNS


@pytest.mark.usefixtures("two_accounts")
def test_unknown_values_are_ignored_not_applied(world_a, client_for):
    response = client_for(world_a.rep).get(board_url(world_a, "belt=purple&customer=nope&stalled=maybe"))
    assert sorted(card_titles(response)) == ["Boiler blowdown at X", "Cooling tower at Y"]
    assert response.context["chips"] == []
    body = response.content.decode()
    assert "The customer filter was not understood and is ignored." in body
    assert "Unknown belt" in body


@pytest.mark.usefixtures("two_accounts")
def test_filtered_empty_board_says_how_to_clear(world_a, client_for):
    response = client_for(world_a.rep).get(board_url(world_a, "belt=black"))
    body = response.content.decode()
    assert "No project matches these filters" in body
    assert "Clear the filters" in body


# --- Columns, limits, cancelled --------------------------------------------------------------


def test_column_limit_order_and_more(world_a):
    old = project_for(world_a, title="Old in define")
    mid = project_for(world_a, title="Mid in define")
    new = project_for(world_a, title="New in define")
    closed_old = project_for(world_a, title="Closed long ago")
    closed_new = project_for(world_a, title="Closed yesterday")
    cancelled = project_for(world_a, title="Cancelled one")
    move(world_a, old, Phase.DEFINE, days_ago=50)
    move(world_a, mid, Phase.DEFINE, days_ago=20)
    move(world_a, new, Phase.DEFINE, days_ago=1)
    move(world_a, closed_old, Phase.CLOSED, days_ago=300)
    move(world_a, closed_new, Phase.CLOSED, days_ago=1)
    move(world_a, cancelled, Phase.CANCELLED, days_ago=3)
    with world_a.context():
        board = board_selectors.board_for(world_a.rep, {}, limit=2)
    columns = {c.phase: c for c in board.columns}
    assert Phase.CANCELLED not in columns
    assert board.cancelled_count == 1
    define = columns[Phase.DEFINE]
    assert (define.count, define.more) == (3, 1)
    assert [c.title for c in define.cards] == ["Old in define", "Mid in define"]  # longest in phase first
    assert [c.title for c in columns[Phase.CLOSED].cards] == ["Closed yesterday", "Closed long ago"]
    assert columns[Phase.CANDIDATE].count == 0 and columns[Phase.CANDIDATE].cards == []


def test_more_link_and_cancelled_link_on_the_page(world_a, client_for, monkeypatch):
    monkeypatch.setattr(board_selectors, "CARD_LIMIT", 1)
    for title in ("One", "Two", "Three"):
        project_for(world_a, title=title)
    cancelled = project_for(world_a, title="Dropped")
    move(world_a, cancelled, Phase.CANCELLED)
    response = client_for(world_a.rep).get(board_url(world_a, "belt=green"))
    body = response.content.decode()
    assert "2 more →" in body
    assert f"/t/{world_a.slug}/projects/?belt=green&amp;phase=candidate" in body
    assert "Show cancelled projects (1)" in body
    assert f"/t/{world_a.slug}/projects/?belt=green&amp;phase=cancelled" in body
    assert "Dropped" not in card_titles(response)


# --- Moving a card asks for the tollgate -----------------------------------------------------


def test_move_links_go_to_the_tollgate_and_pending_cards_do_not_move(world_a, client_for):
    moving = project_for(world_a, title="Ready for review")
    pending = project_for(world_a, title="Under review")
    closed = project_for(world_a, title="All done")
    move(world_a, moving, Phase.MEASURE, days_ago=5)
    move(world_a, pending, Phase.MEASURE, days_ago=5, tollgate_pending=True)
    move(world_a, closed, Phase.CLOSED)
    response = client_for(world_a.rep).get(board_url(world_a))
    body = response.content.decode()
    tollgate = f"/t/{world_a.slug}/projects/{moving.pk}/tollgate/"
    assert f'href="{tollgate}"' in body and f'data-tollgate-url="{tollgate}"' in body
    assert "Move to Analyze →" in body
    assert body.count('draggable="true"') == 1
    assert f"/t/{world_a.slug}/projects/{pending.pk}/tollgate/" not in body
    assert f"/t/{world_a.slug}/projects/{closed.pk}/tollgate/" not in body
    assert "Tollgate pending" in body
    assert "projects-board.js" in body


# --- Query budget ----------------------------------------------------------------------------


def _grow(world, total: int) -> None:
    """Bring world_a to ``total`` projects spread over every phase, with flags and two accounts."""
    with world.context():
        existing = Project.objects.count()
    phases = [*BOARD_COLUMNS, Phase.CANCELLED]
    for index in range(existing, total):
        account = world.account_x if index % 3 else world.account_y
        project = project_for(world, account=account, title=f"Project {index:03d}")
        move(
            world,
            project,
            phases[index % len(phases)],
            days_ago=index,
            waiting_kind=WaitingKind.DATA if index % 5 == 0 else "",
            last_activity_at=timezone.now() - dt.timedelta(days=index),
        )


@pytest.mark.parametrize("role", ["rep", "executive", "customer"])
def test_board_runs_a_fixed_number_of_queries(role, world_a, client_for, api_for, django_assert_max_num_queries):
    member = world_a.customer_x if role == "customer" else world_a.member(role)
    page_client = client_for(member)
    api_client = api_for(member)
    api_client.get(f"/api/v1/t/{world_a.slug}/me/")  # the token's first use stamps it: not part of the budget
    area = area_for(world_a, "Water treatment")
    with world_a.context():  # the tenant's settings row is created once, on first use: not the budget
        settings_for_tenant()
    counts: dict[int, list[tuple[int, int]]] = {}
    for size in (5, 60):
        _grow(world_a, size)
        queries = (
            "",
            "stalled=1&belt=green",
            f"customer={world_a.account_x.pk}&waiting=1",
            f"solution_area={area.pk}&lead={world_a.rep.pk}&coach={world_a.member('coach').pk}&q=Project",
        )
        for query in queries:
            with django_assert_max_num_queries(MAX_QUERIES) as page_queries:
                page = page_client.get(board_url(world_a, query))
            assert page.status_code == 200
            with django_assert_max_num_queries(MAX_QUERIES) as api_queries:
                api = api_client.get(api_url(world_a, query))
            assert api.status_code == 200
            counts.setdefault(size, []).append((len(page_queries), len(api_queries)))
        total = sum(c.count for c in page_client.get(board_url(world_a)).context["board"].columns)
        expected = size - size // 8  # every 8th is cancelled: not a column
        if role == "customer":
            assert 0 < total < expected
        else:
            assert total == expected
    # 12 times more projects, not one query more (an empty board skips reading cards: fewer)
    for side in (0, 1):  # page, API
        assert max(c[side] for c in counts[60]) <= max(c[side] for c in counts[5]), counts

"""The tenant home and the workspace picker."""

import pytest

from core.members import membership_create


def test_home_shows_the_member_and_an_empty_state(world_a, client_for):
    response = client_for(world_a.rep).get(f"/t/{world_a.slug}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Welcome, alpha rep" in html
    assert "Nothing needs you right now" in html
    assert response.context["account_count"] == 2


def test_home_tells_an_admin_of_an_empty_workspace_what_to_do_first(db, client_for):
    from core import members
    from core.models import User

    tenant = members.tenant_create(name="Empty Co", slug="empty")
    admin = membership_create(tenant=tenant, user=User.objects.create_user("solo@empty.test", "pw"), role="admin")
    response = client_for(admin).get("/t/empty/")
    titles = [action["title"] for action in response.context["next_actions"]]
    assert titles == ["Add your first customer account", "Invite your team"]
    assert b"/t/empty/program-office/?next=/admin/partnering/customeraccount/add/" in response.content
    follow = client_for(admin).get("/t/empty/program-office/?next=/admin/partnering/customeraccount/add/")
    assert follow["Location"] == "/admin/partnering/customeraccount/add/"
    assert client_for(admin).get("/t/empty/program-office/?next=https://evil.example/").url == "/admin/"


def test_customer_home_counts_only_their_account(world_a, client_for):
    response = client_for(world_a.customer_x).get(f"/t/{world_a.slug}/")
    assert response.context["account_count"] == 1
    assert world_a.account_x.name in response.content.decode()
    assert "people in this workspace" not in response.content.decode()


@pytest.mark.parametrize("extra_accounts", [0, 40])
def test_home_runs_at_most_11_queries_whatever_the_size(
    world_a, client_for, django_assert_max_num_queries, extra_accounts
):
    from partnering.models import CustomerAccount
    from projects.projects import settings_for_tenant
    from projects.tests.factories import project_for

    with world_a.context():
        settings_for_tenant()
        CustomerAccount.objects.bulk_create(
            [CustomerAccount(tenant=world_a.tenant, name=f"Bulk {i}") for i in range(extra_accounts)]
        )
    for i in range(extra_accounts // 5):
        project_for(world_a, title=f"Project {i}")
    client = client_for(world_a.rep)
    # 8 + "For you" notifications + "Your projects" (settings and rows), issue #5
    with django_assert_max_num_queries(11):
        response = client.get(f"/t/{world_a.slug}/")
    assert response.status_code == 200
    assert response.context["account_count"] == 2 + extra_accounts
    assert len(response.context["my_projects"]) == min(6, extra_accounts // 5)


def test_home_lists_the_projects_i_lead_or_coach_and_a_customer_sees_their_accounts(world_a, client_for):
    from projects.tests.factories import project_for

    mine = project_for(world_a, title="Mine to lead", account=world_a.account_x)
    project_for(world_a, title="Other account", account=world_a.account_y)
    rep_page = client_for(world_a.rep).get(f"/t/{world_a.slug}/").content.decode()
    assert "Mine to lead" in rep_page and "Other account" in rep_page
    coach_page = client_for(world_a.member("coach")).get(f"/t/{world_a.slug}/").content.decode()
    assert "you coach" in coach_page
    champion_page = client_for(world_a.member("champion")).get(f"/t/{world_a.slug}/").content.decode()
    assert "No open projects you lead or coach" in champion_page
    customer_page = client_for(world_a.customer_x).get(f"/t/{world_a.slug}/").content.decode()
    assert "Mine to lead" in customer_page and "Other account" not in customer_page
    assert str(mine.pk) in customer_page


def test_anonymous_visitors_are_sent_to_sign_in(world_a, client):
    response = client.get(f"/t/{world_a.slug}/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_unknown_workspace_is_404_like_a_foreign_one(world_a, client_for):
    client = client_for(world_a.rep)
    assert client.get("/t/no-such-tenant/").status_code == 404


def test_picker_goes_straight_to_the_only_workspace(world_a, client_for):
    response = client_for(world_a.rep).get("/")
    assert response.status_code == 302
    assert response["Location"] == f"/t/{world_a.slug}/"


def test_picker_lists_every_workspace_of_a_member_of_two(world_a, world_b, client_for):
    coach = world_a.member("coach")
    membership_create(tenant=world_b.tenant, user=coach.user, role="coach")
    response = client_for(coach).get("/")
    assert response.status_code == 200
    html = response.content.decode()
    assert world_a.tenant.name in html and world_b.tenant.name in html
    assert client_for(coach).get(f"/t/{world_b.slug}/").status_code == 200


def test_home_lists_my_open_actions_overdue_first_and_flagged(world_a, client_for):
    import datetime as dt

    from django.utils import timezone

    from partnering.tests.factories import action_for

    today = timezone.localdate()
    action_for(world_a, title="Send the audit plan", due_on=today - dt.timedelta(days=3))
    action_for(world_a, title="Book the plant visit", due_on=today + dt.timedelta(days=5))
    action_for(world_a, title="Someone else's action", owner=world_a.admin)
    response = client_for(world_a.rep).get(f"/t/{world_a.slug}/")
    actions = response.context["next_actions"]
    assert [a["title"] for a in actions] == ["Send the audit plan", "Book the plant visit"]
    assert actions[0]["overdue"] and not actions[1]["overdue"]
    assert "Overdue" in response.content.decode()


def test_customer_home_lists_their_actions_but_no_internal_ones(world_a, client_for):
    from partnering.tests.factories import action_for

    action_for(world_a, title="Share the water analysis", owner=world_a.customer_x)
    action_for(world_a, title="Internal pricing review", internal_only=True)
    response = client_for(world_a.customer_x).get(f"/t/{world_a.slug}/")
    assert [a["title"] for a in response.context["next_actions"]] == ["Share the water analysis"]
    assert "Internal pricing review" not in response.content.decode()


def test_the_current_section_is_marked_in_the_navigation(world_a, client_for):
    client = client_for(world_a.rep)
    home = client.get(f"/t/{world_a.slug}/").content.decode()
    assert f'href="/t/{world_a.slug}/" aria-current="page">Home' in home
    accounts = client.get(f"/t/{world_a.slug}/accounts/").content.decode()
    assert f'href="/t/{world_a.slug}/accounts/" aria-current="page">Accounts' in accounts
    assert accounts.count('aria-current="page"') == 1


def test_signing_out_says_so_on_the_sign_in_page(world_a, client_for):
    client = client_for(world_a.rep)
    response = client.post("/accounts/logout/", follow=True)
    assert "You are signed out." in response.content.decode()

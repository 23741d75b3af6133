"""Pages of the champion ratings: overview, the champion's form, side by side."""

from __future__ import annotations

import pytest

from core import quarters
from dashboards.models import ChampionRating, RatingDimension, RatingStatus
from dashboards.ratings import ensure_rating_dimensions, rating_save
from partnering.tests.factories import relationship_for

CURRENT = quarters.current()
PREVIOUS = quarters.shift(CURRENT, -1)
SECRET = "ZZ-supplier-comment-91"


def url(world, rel, name="", quarter=None):
    base = f"/t/{world.slug}/relationships/{rel.pk}/ratings/"
    if quarter:
        base += f"{quarter}/"
    return base + name


def form_data(world, *, color="4", overall="4", avoid="Meet monthly", action="draft", version=0, confirm=False):
    with world.context():
        dims = [d for d in ensure_rating_dimensions() if d.active]
    data = {f"color_{d.pk}": color for d in dims} | {f"comment_{d.pk}": "" for d in dims}
    data.update({"overall": overall, "avoid_stall": avoid, "action": action, "row_version": str(version)})
    if confirm:
        data["confirm_submit"] = "on"
    return data


def submit(world, actor, rel, *, quarter=CURRENT, color=4, comment="", overall=4):
    with world.context():
        scores = {d.pk: (color, comment) for d in ensure_rating_dimensions()}
        return rating_save(
            actor=actor,
            relationship=rel,
            quarter=quarter,
            scores=scores,
            overall=overall,
            avoid_stall="Go",
            submit=True,
        )


@pytest.fixture
def rel(world_a):
    return relationship_for(world_a)


def test_the_form_shows_each_colour_with_its_name(world_a, rel, client_for):
    response = client_for(world_a.member("champion")).get(url(world_a, rel, "mine/", CURRENT))
    assert response.status_code == 200
    body = response.content.decode()
    for label in ("Bright Red", "Light Red", "Yellow", "Light Green", "Bright Green"):
        assert label in body
    assert 'type="radio"' in body and "rt-swatch" in body
    with world_a.context():
        assert body.count('data-testid="dimension"') == RatingDimension.objects.filter(active=True).count() > 0
    assert "Our company" in body and "Submit" in body and "Save draft" in body


@pytest.mark.parametrize("role", ["rep", "executive", "coach"])
def test_people_who_do_not_rate_get_403_on_the_form(world_a, rel, client_for, role):
    assert client_for(world_a.member(role)).get(url(world_a, rel, "mine/", CURRENT)).status_code == 403
    assert client_for(world_a.member(role)).post(url(world_a, rel, "mine/", CURRENT), {}).status_code == 403


def test_customer_champion_rates_their_side_and_other_customers_get_404(world_a, rel, client_for):
    response = client_for(world_a.customer_x).get(url(world_a, rel, "mine/", CURRENT))
    assert response.status_code == 200 and "Customer" in response.content.decode()
    assert client_for(world_a.customer_y).get(url(world_a, rel, "mine/", CURRENT)).status_code == 404
    assert client_for(world_a.customer_y).get(url(world_a, rel)).status_code == 404


def test_save_draft_then_submit_with_confirmation(world_a, rel, client_for):
    client = client_for(world_a.customer_x)
    response = client.post(url(world_a, rel, "mine/", CURRENT), form_data(world_a, color="2"))
    assert response.status_code == 302
    with world_a.context():
        rating = ChampionRating.objects.get()
        assert (rating.side, rating.status, rating.row_version) == ("customer", RatingStatus.DRAFT, 1)
    # Submit without ticking the confirmation: refused, still a draft.
    response = client.post(url(world_a, rel, "mine/", CURRENT), form_data(world_a, action="submit", version=1))
    assert response.status_code == 200 and "Tick this box" in response.content.decode()
    response = client.post(
        url(world_a, rel, "mine/", CURRENT), form_data(world_a, action="submit", version=1, confirm=True)
    )
    assert response.status_code == 302 and response["Location"].endswith(f"/ratings/{CURRENT}/")
    with world_a.context():
        assert ChampionRating.objects.get().status == RatingStatus.SUBMITTED


def test_incomplete_submission_shows_errors_and_keeps_the_draft(world_a, rel, client_for):
    client = client_for(world_a.member("champion"))
    data = form_data(world_a, action="submit", confirm=True, overall="", avoid="")
    response = client.post(url(world_a, rel, "mine/", CURRENT), data)
    assert response.status_code == 200
    body = response.content.decode()
    assert "Choose an overall colour before submitting" in body and "does not stall before submitting" in body
    with world_a.context():
        assert not ChampionRating.objects.exists()


@pytest.mark.parametrize("bad", ["0", "6", "green"])
def test_bad_colours_are_form_errors_and_nothing_is_saved(world_a, rel, client_for, bad):
    client = client_for(world_a.member("champion"))
    response = client.post(url(world_a, rel, "mine/", CURRENT), form_data(world_a, color=bad))
    assert response.status_code == 200 and 'data-testid="form-errors"' in response.content.decode()
    response = client.post(url(world_a, rel, "mine/", CURRENT), form_data(world_a, overall=bad))
    assert response.status_code == 200
    with world_a.context():
        assert not ChampionRating.objects.exists()


def test_future_and_malformed_quarters(world_a, rel, client_for):
    client = client_for(world_a.member("champion"))
    future = quarters.shift(CURRENT, 1)
    response = client.post(url(world_a, rel, "mine/", future), form_data(world_a))
    assert response.status_code == 200 and "has not started yet" in response.content.decode()
    for bad in ("2026Q5", "next", "1999Q1"):
        assert client.get(url(world_a, rel, "mine/", bad)).status_code == 404
        assert client.post(url(world_a, rel, "mine/", bad), form_data(world_a)).status_code == 404
        assert client.get(url(world_a, rel, "", bad)).status_code == 404
    with world_a.context():
        assert not ChampionRating.objects.exists()


def test_locked_after_submit(world_a, rel, client_for):
    rating = submit(world_a, world_a.member("champion"), rel)
    client = client_for(world_a.member("champion"))
    page = client.get(url(world_a, rel, "mine/", CURRENT)).content.decode()
    assert 'data-testid="locked"' in page and 'data-testid="rating-form"' not in page
    response = client.post(
        url(world_a, rel, "mine/", CURRENT), form_data(world_a, color="1", version=rating.row_version)
    )
    assert response.status_code == 200 and "is locked" in response.content.decode()
    with world_a.context():
        assert ChampionRating.objects.get().overall == 4


def test_a_stale_form_gets_a_conflict_and_nothing_is_lost(world_a, rel, client_for):
    champion, admin = client_for(world_a.member("champion")), client_for(world_a.admin)
    assert admin.post(url(world_a, rel, "mine/", CURRENT), form_data(world_a, color="5")).status_code == 302
    response = champion.post(url(world_a, rel, "mine/", CURRENT), form_data(world_a, color="1", version=0))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Someone saved this rating after you opened it" in body and "Reload the current version" in body
    with world_a.context():
        rating = ChampionRating.objects.get()
        assert rating.row_version == 1 and set(rating.scores.values_list("color", flat=True)) == {5}


def test_side_by_side_waits_then_marks_divergence(world_a, rel, client_for):
    champion, customer = world_a.member("champion"), world_a.customer_x
    submit(world_a, champion, rel, color=5, comment=SECRET)
    compare = url(world_a, rel, "", CURRENT)
    body = client_for(customer).get(compare).content.decode()
    assert "Waiting for the other champion" in body and SECRET not in body
    body = client_for(world_a.member("executive")).get(compare).content.decode()
    assert 'data-testid="waiting"' in body and SECRET not in body
    body = client_for(champion).get(compare).content.decode()
    assert "Waiting for the other champion" in body and SECRET in body  # their own
    submit(world_a, customer, rel, color=3)
    for member in (customer, world_a.member("executive"), champion):
        body = client_for(member).get(compare).content.decode()
        assert SECRET in body and "2+ steps apart — discuss" in body and 'data-testid="waiting"' not in body


def test_agreement_is_marked(world_a, rel, client_for):
    submit(world_a, world_a.member("champion"), rel, color=4)
    submit(world_a, world_a.customer_x, rel, color=4)
    body = client_for(world_a.rep).get(url(world_a, rel, "", CURRENT)).content.decode()
    assert "Agreement" in body and "2+ steps apart" not in body


def test_overview_status_without_revealing_content(world_a, rel, client_for):
    submit(world_a, world_a.member("champion"), rel, overall=5)
    body = client_for(world_a.customer_x).get(url(world_a, rel)).content.decode()
    assert "You haven't rated" in body and "The other champion <strong>has submitted</strong>" in body
    assert "Bright Green</span>" not in body.split('data-testid="heat-strip"')[1].split("</table>")[0]
    assert "Hidden" in body
    body = client_for(world_a.member("champion")).get(url(world_a, rel)).content.decode()
    assert "You have submitted" in body and "hasn't submitted" in body
    body = client_for(world_a.member("executive")).get(url(world_a, rel)).content.decode()
    assert "Our company's champion <strong>has submitted</strong>" in body


def build(world, size, account):
    """``size`` past quarters rated by both champions (all closed), and the open quarter by our side."""
    rel = relationship_for(world, account=account)
    customer = world.customer_x if account == world.account_x else world.customer_y
    for back in range(1, size + 1):
        submit(world, world.member("champion"), rel, quarter=quarters.shift(CURRENT, -back))
        submit(world, customer, rel, quarter=quarters.shift(CURRENT, -back), color=2)
    submit(world, world.member("champion"), rel)
    return rel, customer


def test_query_counts_are_fixed_at_two_sizes(world_a, client_for):
    """The same number of queries for one rated quarter as for seven (and at most 12)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    small, big = build(world_a, 1, world_a.account_x), build(world_a, 7, world_a.account_y)
    with world_a.context():  # more dimensions for the bigger case does not change the count either
        for n in range(5):
            RatingDimension.objects.create(name=f"Extra {n}", position=100 + n)
    counts = {}
    for label, (rel, customer) in (("small", small), ("big", big)):
        for who, member, path in (
            ("exec-overview", world_a.member("executive"), url(world_a, rel)),
            ("customer-overview", customer, url(world_a, rel)),
            ("exec-compare", world_a.member("executive"), url(world_a, rel, "", PREVIOUS)),
            ("champion-compare", world_a.member("champion"), url(world_a, rel, "", CURRENT)),
            ("champion-form", world_a.member("champion"), url(world_a, rel, "mine/", CURRENT)),
            ("customer-form", customer, url(world_a, rel, "mine/", CURRENT)),
        ):
            client = client_for(member)
            client.get(path)  # warm the session
            with CaptureQueriesContext(connection) as ctx:
                assert client.get(path).status_code == 200
            counts[(label, who)] = len(ctx.captured_queries)
    for key, value in counts.items():
        assert value <= 12, (key, value)
        assert value == counts[("small", key[1])], (key, counts)

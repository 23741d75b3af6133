"""Champion ratings API: own rating with ETag/If-Match, submission, list and compare visibility, dimensions."""

from __future__ import annotations

import pytest

from core import quarters
from dashboards.models import ChampionRating, RatingDimension, RatingStatus
from dashboards.ratings import ensure_rating_dimensions
from partnering.tests.factories import relationship_for

CURRENT = quarters.current()
PREVIOUS = quarters.shift(CURRENT, -1)
SECRET = "ZZ-api-secret-comment"


@pytest.fixture
def rel(world_a):
    return relationship_for(world_a)


def mine(world, rel, quarter=CURRENT, suffix=""):
    return f"/api/v1/t/{world.slug}/relationships/{rel.pk}/ratings/{quarter}/mine/{suffix}"


def body(world, *, color=4, comment="", overall=4, avoid="Meet monthly"):
    with world.context():
        dims = [d for d in ensure_rating_dimensions() if d.active]
    return {
        "scores": [{"dimension": str(d.pk), "color": color, "comment": comment} for d in dims],
        "overall": overall,
        "avoid_stall": avoid,
    }


def rate_and_submit(api, world, rel, quarter=CURRENT, **kw):
    etag = api.get(mine(world, rel, quarter))["ETag"]
    response = api.put(mine(world, rel, quarter), body(world, **kw), format="json", HTTP_IF_MATCH=etag)
    assert response.status_code in (200, 201), response.content
    response = api.post(mine(world, rel, quarter, "submission/"), HTTP_IF_MATCH=response["ETag"])
    assert response.status_code == 200, response.content
    return response.json()


def test_etag_if_match_flow(world_a, rel, api_for):
    api = api_for(world_a.member("champion"))
    response = api.get(mine(world_a, rel))
    assert response.status_code == 200 and response["ETag"] == '"0"'
    assert response.json()["row_version"] == 0 and response.json()["side"] == "supplier"
    # If-Match missing → 428, nothing saved.
    response = api.put(mine(world_a, rel), body(world_a), format="json")
    assert response.status_code == 428 and response.json()["error"]["code"] == "precondition_required"
    response = api.put(mine(world_a, rel), body(world_a), format="json", HTTP_IF_MATCH='"0"')
    assert response.status_code == 201 and response["ETag"] == '"1"'
    assert response.json()["status"] == "draft" and len(response.json()["scores"]) == 7
    response = api.put(mine(world_a, rel), body(world_a, color=3), format="json", HTTP_IF_MATCH='"1"')
    assert response.status_code == 200 and response["ETag"] == '"2"'
    # A stale If-Match → 412 "conflict", nothing changed.
    response = api.put(mine(world_a, rel), body(world_a, color=1), format="json", HTTP_IF_MATCH='"1"')
    assert response.status_code == 412
    assert response.json()["error"]["code"] == "conflict"
    with world_a.context():
        rating = ChampionRating.objects.get()
        assert rating.row_version == 2 and set(rating.scores.values_list("color", flat=True)) == {3}


def test_submit_then_locked(world_a, rel, api_for):
    api = api_for(world_a.member("champion"))
    response = api.post(mine(world_a, rel, suffix="submission/"), HTTP_IF_MATCH='"0"')
    assert response.status_code == 400  # nothing saved yet
    api.put(mine(world_a, rel), body(world_a, overall=None), format="json", HTTP_IF_MATCH='"0"')
    response = api.post(mine(world_a, rel, suffix="submission/"), HTTP_IF_MATCH='"1"')
    assert response.status_code == 400 and "overall" in response.json()["error"]["fields"]
    api.put(mine(world_a, rel), body(world_a), format="json", HTTP_IF_MATCH='"1"')
    assert api.post(mine(world_a, rel, suffix="submission/")).status_code == 428
    assert api.post(mine(world_a, rel, suffix="submission/"), HTTP_IF_MATCH='"1"').status_code == 412
    response = api.post(mine(world_a, rel, suffix="submission/"), HTTP_IF_MATCH='"2"')
    assert response.status_code == 200 and response.json()["status"] == "submitted"
    status = api.get(mine(world_a, rel, suffix="submission/")).json()
    assert status["submitted"] is True and status["row_version"] == 3
    response = api.put(mine(world_a, rel), body(world_a, color=1), format="json", HTTP_IF_MATCH='"3"')
    assert response.status_code == 409 and response.json()["error"]["code"] == "locked"
    with world_a.context():
        assert ChampionRating.objects.get().status == RatingStatus.SUBMITTED


@pytest.mark.parametrize("role", ["rep", "executive", "coach"])
def test_only_champions_and_admins_write(world_a, rel, api_for, role):
    api = api_for(world_a.member(role))
    assert api.get(mine(world_a, rel)).status_code == 403
    assert api.put(mine(world_a, rel), body(world_a), format="json", HTTP_IF_MATCH='"0"').status_code == 403
    assert api.post(mine(world_a, rel, suffix="submission/"), HTTP_IF_MATCH='"0"').status_code == 403
    with world_a.context():
        assert not ChampionRating.objects.exists()


def test_admin_writes_our_side_and_customer_their_own(world_a, rel, api_for):
    assert api_for(world_a.admin).get(mine(world_a, rel)).json()["side"] == "supplier"
    assert api_for(world_a.customer_x).get(mine(world_a, rel)).json()["side"] == "customer"
    other = relationship_for(world_a, account=world_a.account_y)
    response = api_for(world_a.customer_x).put(mine(world_a, other), body(world_a), format="json", HTTP_IF_MATCH='"0"')
    assert response.status_code == 404  # another account's relationship does not exist for them


@pytest.mark.parametrize(
    "mutate",
    [
        lambda b, _foreign: b["scores"][0].update(color=0),
        lambda b, _foreign: b["scores"][0].update(color=6),
        lambda b, _foreign: b["scores"][0].update(color="green"),
        lambda b, _foreign: b.update(overall=9),
        lambda b, _foreign: b["scores"][0].update(dimension="00000000-0000-0000-0000-000000000000"),
        lambda b, _foreign: b["scores"][0].update(dimension="nope"),
        lambda b, foreign: b["scores"][0].update(dimension=foreign),
        lambda b, _foreign: b["scores"].append(dict(b["scores"][0])),
        lambda b, _foreign: b.pop("scores"),
    ],
    ids=["colour0", "colour6", "colour-text", "overall9", "unknown-dim", "bad-uuid", "foreign-dim", "dup", "missing"],
)
def test_bad_input_is_a_400_and_nothing_is_saved(world_a, world_b, rel, api_for, mutate):
    with world_b.context():
        foreign = str(ensure_rating_dimensions()[0].pk)
    data = body(world_a)
    mutate(data, foreign)
    response = api_for(world_a.member("champion")).put(mine(world_a, rel), data, format="json", HTTP_IF_MATCH='"0"')
    assert response.status_code == 400, response.content
    assert response.json()["error"]["fields"]
    with world_a.context():
        assert not ChampionRating.objects.exists()


@pytest.mark.parametrize("quarter", ["2026Q5", "next", quarters.shift(CURRENT, 1)])
def test_bad_and_future_quarters_are_400(world_a, rel, api_for, quarter):
    api = api_for(world_a.member("champion"))
    response = api.put(mine(world_a, rel, quarter), body(world_a), format="json", HTTP_IF_MATCH='"0"')
    assert response.status_code == 400 and "quarter" in response.json()["error"]["fields"]
    with world_a.context():
        assert not ChampionRating.objects.exists()


def test_list_and_compare_hide_until_both_submitted(world_a, rel, api_for):
    champion, customer, executive = (
        api_for(world_a.member("champion")),
        api_for(world_a.customer_x),
        api_for(world_a.member("executive")),
    )
    rate_and_submit(champion, world_a, rel, color=5, comment=SECRET)
    listing = f"/api/v1/t/{world_a.slug}/ratings/?relationship={rel.pk}&quarter={CURRENT}"
    compare = f"/api/v1/t/{world_a.slug}/relationships/{rel.pk}/ratings/{CURRENT}/compare/"
    assert champion.get(listing).json()["count"] == 1
    for api in (customer, executive):
        assert api.get(listing).json()["count"] == 0
        response = api.get(compare)
        assert SECRET not in response.content.decode()
        data = response.json()
        assert data["supplier"]["status"] == "submitted" and data["supplier"]["visible"] is False
        assert data["revealed"] is False
    rate_and_submit(customer, world_a, rel, color=3)
    for api in (champion, customer, executive):
        assert api.get(listing).json()["count"] == 2
        data = api.get(compare).json()
        assert data["revealed"] is True and SECRET in str(data)
        assert all(row["divergent"] is True and row["steps"] == 2 for row in data["rows"])


def test_closed_quarter_reveals_in_the_list(world_a, rel, api_for):
    rate_and_submit(api_for(world_a.member("champion")), world_a, rel, quarter=PREVIOUS)
    rows = api_for(world_a.customer_x).get(f"/api/v1/t/{world_a.slug}/ratings/?relationship={rel.pk}").json()
    assert [(r["quarter"], r["side"]) for r in rows["results"]] == [(PREVIOUS, "supplier")]


def test_list_bad_parameters(world_a, api_for):
    api = api_for(world_a.rep)
    assert api.get(f"/api/v1/t/{world_a.slug}/ratings/?relationship=nope").status_code == 400
    assert api.get(f"/api/v1/t/{world_a.slug}/ratings/?quarter=2026Q9").status_code == 400
    missing = "00000000-0000-0000-0000-000000000000"
    assert api.get(f"/api/v1/t/{world_a.slug}/ratings/?relationship={missing}").status_code == 404
    compare = f"/api/v1/t/{world_a.slug}/relationships/{relationship_for(world_a).pk}/ratings/20X6Q1/compare/"
    assert api.get(compare).status_code == 400


def test_list_never_shows_other_accounts_or_tenants(world_a, world_b, api_for, isolation):
    rel_y = relationship_for(world_a, account=world_a.account_y)
    rel_b = relationship_for(world_b)
    rate_and_submit(api_for(world_a.member("champion")), world_a, rel_y, quarter=PREVIOUS)
    rate_and_submit(api_for(world_b.member("champion")), world_b, rel_b, quarter=PREVIOUS)
    with world_a.context():
        ids_y = list(ChampionRating.objects.values_list("pk", flat=True))
    with world_b.context():
        ids_b = list(ChampionRating.objects.values_list("pk", flat=True))
    path = f"/api/v1/t/{world_a.slug}/ratings/"
    isolation.assert_list_excludes(path, ids_y + ids_b, as_member=world_a.customer_x)
    isolation.assert_list_excludes(path, ids_b, as_member=world_a.member("executive"))
    assert api_for(world_a.member("executive")).get(path).json()["count"] == 1


def test_dimensions_list_and_admin_only_writes(world_a, api_for):
    base = f"/api/v1/t/{world_a.slug}/rating-dimensions/"
    rows = api_for(world_a.customer_x).get(base).json()
    assert len(rows) == 7 and rows[0]["name"] == "Executive engagement"
    detail = api_for(world_a.customer_x).get(f"{base}{rows[0]['id']}/")
    assert detail.status_code == 200 and detail.json()["name"] == "Executive engagement"
    assert api_for(world_a.rep).get(f"{base}00000000-0000-0000-0000-000000000000/").status_code == 404
    champion = api_for(world_a.member("champion"))
    assert champion.post(base, {"name": "Speed"}, format="json").status_code == 403
    assert champion.patch(f"{base}{rows[0]['id']}/", {"active": False}, format="json").status_code == 403
    admin = api_for(world_a.admin)
    response = admin.post(base, {"name": "Speed", "description": "Response times"}, format="json")
    assert response.status_code == 201
    assert admin.post(base, {"name": "Speed"}, format="json").status_code == 400  # duplicate
    response = admin.patch(f"{base}{rows[0]['id']}/", {"active": False}, format="json")
    assert response.status_code == 200 and response.json()["active"] is False
    with world_a.context():
        assert RatingDimension.objects.filter(active=True).count() == 7


@pytest.mark.parametrize("size", [1, 6])
def test_api_query_counts_are_fixed(world_a, rel, api_for, django_assert_max_num_queries, size):
    champion, customer = api_for(world_a.member("champion")), api_for(world_a.customer_x)
    for back in range(size):
        quarter = quarters.shift(PREVIOUS, -back)
        rate_and_submit(champion, world_a, rel, quarter=quarter)
        rate_and_submit(customer, world_a, rel, quarter=quarter)
    exec_api = api_for(world_a.member("executive"))
    for api, path in (
        (exec_api, f"/api/v1/t/{world_a.slug}/ratings/?relationship={rel.pk}"),
        (exec_api, f"/api/v1/t/{world_a.slug}/relationships/{rel.pk}/ratings/{PREVIOUS}/compare/"),
        (champion, mine(world_a, rel, PREVIOUS)),
    ):
        with django_assert_max_num_queries(12):
            assert api.get(path).status_code == 200

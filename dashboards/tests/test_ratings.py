"""Champion ratings: who may rate which side, submission rules, locking, conflicts, the visibility rule."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from core import quarters
from dashboards import ratings as sel
from dashboards.models import ChampionRating, RatingDimension, RatingScore, RatingStatus
from dashboards.ratings import (
    DEFAULT_DIMENSIONS,
    dimension_create,
    dimension_update,
    ensure_rating_dimensions,
    rating_save,
    rating_submit,
)
from partnering.tests.factories import relationship_for

CURRENT = quarters.current()
PREVIOUS = quarters.shift(CURRENT, -1)


def full_scores(color: int = 4, comment: str = "ok") -> dict:
    return {d.pk: (color, comment) for d in RatingDimension.objects.filter(active=True)}


def submit(world, actor, relationship, *, quarter=CURRENT, color=4, overall=4, **kw):
    with world.context():
        ensure_rating_dimensions()
        return rating_save(
            actor=actor,
            relationship=relationship,
            quarter=quarter,
            scores=full_scores(color),
            overall=overall,
            avoid_stall="Meet monthly",
            submit=True,
            **kw,
        )


@pytest.fixture
def rel(world_a):
    return relationship_for(world_a)


def test_default_dimensions_are_created_once(world_a, world_b):
    with world_a.context():
        first = ensure_rating_dimensions()
        again = ensure_rating_dimensions()
        assert [d.name for d in first] == [name for name, _ in DEFAULT_DIMENSIONS]
        assert len(again) == len(first) == RatingDimension.objects.count()
        assert all(d.description for d in first)
    with world_b.context():
        assert RatingDimension.objects.count() == 0  # per tenant, lazily


def test_champions_submit_their_own_side(world_a, rel):
    ours = submit(world_a, world_a.member("champion"), rel)
    theirs = submit(world_a, world_a.customer_x, rel, color=2)
    assert (ours.side, theirs.side) == ("supplier", "customer")
    assert ours.status == theirs.status == RatingStatus.SUBMITTED
    with world_a.context():
        assert RatingScore.objects.filter(rating=theirs, color=2).count() == len(DEFAULT_DIMENSIONS)


def test_admin_rates_our_side_but_never_the_customers(world_a, rel):
    rating = submit(world_a, world_a.admin, rel)
    assert rating.side == "supplier"
    with world_a.context(), pytest.raises(PermissionDenied):
        rating_save(actor=world_a.admin, relationship=rel, quarter=CURRENT, scores={}, side="customer")


@pytest.mark.parametrize("role", ["executive", "coach", "rep"])
def test_other_internal_members_may_not_rate(world_a, rel, role):
    with world_a.context():
        ensure_rating_dimensions()
        with pytest.raises(PermissionDenied):
            rating_save(actor=world_a.member(role), relationship=rel, quarter=CURRENT, scores={})
        assert not ChampionRating.objects.exists()


def test_customer_rates_only_the_customer_side_of_their_own_relationship(world_a, rel):
    other = relationship_for(world_a, account=world_a.account_y)
    with world_a.context():
        ensure_rating_dimensions()
        with pytest.raises(PermissionDenied):  # the supplier side is not theirs
            rating_save(actor=world_a.customer_x, relationship=rel, quarter=CURRENT, scores={}, side="supplier")
        with pytest.raises(PermissionDenied):  # nor another account's relationship
            rating_save(actor=world_a.customer_x, relationship=other, quarter=CURRENT, scores={})
        assert not ChampionRating.objects.exists()
    rating = submit(world_a, world_a.customer_x, rel)
    assert rating.side == "customer"


def test_a_customer_who_is_not_the_champion_may_not_rate(world_a, rel):
    with world_a.context():
        rel.customer_champion = None
        rel.save()
        with pytest.raises(PermissionDenied):
            rating_save(actor=world_a.customer_x, relationship=rel, quarter=CURRENT, scores={})


@pytest.mark.parametrize(
    ("color", "_field"),
    [(0, "scores."), (6, "scores."), ("green", "scores."), (True, "scores.")],
)
def test_bad_colours_are_refused_and_nothing_is_saved(world_a, rel, color, _field):
    with world_a.context():
        dim = ensure_rating_dimensions()[0]
        with pytest.raises(ValidationError) as error:
            rating_save(
                actor=world_a.member("champion"), relationship=rel, quarter=CURRENT, scores={dim.pk: (color, "")}
            )
        assert f"scores.{dim.pk}" in error.value.message_dict
        with pytest.raises(ValidationError) as error:
            rating_save(actor=world_a.member("champion"), relationship=rel, quarter=CURRENT, scores={}, overall=color)
        assert "overall" in error.value.message_dict
        assert not ChampionRating.objects.exists()


def test_unknown_and_foreign_dimensions_are_refused(world_a, world_b, rel):
    with world_b.context():
        foreign = ensure_rating_dimensions()[0]
    with world_a.context():
        ensure_rating_dimensions()
        for bad in (foreign.pk, "not-a-uuid", "00000000-0000-0000-0000-000000000000"):
            with pytest.raises(ValidationError) as error:
                rating_save(actor=world_a.member("champion"), relationship=rel, quarter=CURRENT, scores={bad: (3, "")})
            assert "scores" in error.value.message_dict
        assert not ChampionRating.objects.exists()


@pytest.mark.parametrize("quarter", ["2026Q5", "26Q1", "", "1999Q4", quarters.shift(CURRENT, 1)])
def test_bad_and_future_quarters_are_refused(world_a, rel, quarter):
    with world_a.context():
        ensure_rating_dimensions()
        with pytest.raises(ValidationError) as error:
            rating_save(actor=world_a.member("champion"), relationship=rel, quarter=quarter, scores=full_scores())
        assert "quarter" in error.value.message_dict
        assert not ChampionRating.objects.exists()


def test_a_past_quarter_may_still_be_rated(world_a, rel):
    assert submit(world_a, world_a.member("champion"), rel, quarter=PREVIOUS).quarter == PREVIOUS


def test_submission_needs_every_dimension_overall_and_avoid_stall(world_a, rel):
    with world_a.context():
        dims = ensure_rating_dimensions()
        partial = {dims[0].pk: (3, "")}
        with pytest.raises(ValidationError) as error:
            rating_save(
                actor=world_a.member("champion"), relationship=rel, quarter=CURRENT, scores=partial, submit=True
            )
        fields = error.value.message_dict
        assert {"scores", "overall", "avoid_stall", f"scores.{dims[1].pk}"} <= set(fields)
        assert not ChampionRating.objects.exists()
        draft = rating_save(actor=world_a.member("champion"), relationship=rel, quarter=CURRENT, scores=partial)
        assert draft.status == RatingStatus.DRAFT and draft.scores.count() == 1


def test_a_comment_without_a_colour_is_refused(world_a, rel):
    with world_a.context():
        dim = ensure_rating_dimensions()[0]
        with pytest.raises(ValidationError) as error:
            rating_save(
                actor=world_a.member("champion"), relationship=rel, quarter=CURRENT, scores={dim.pk: (None, "x")}
            )
        assert f"scores.{dim.pk}" in error.value.message_dict


def test_a_submitted_rating_is_locked(world_a, rel):
    rating = submit(world_a, world_a.member("champion"), rel)
    with world_a.context():
        with pytest.raises(ValidationError) as error:
            rating_save(
                actor=world_a.member("champion"), relationship=rel, quarter=CURRENT, scores=full_scores(1), overall=1
            )
        assert error.value.code == "locked"
        assert "locked" in error.value.messages[0]
        rating.refresh_from_db()
        assert rating.overall == 4 and set(rating.scores.values_list("color", flat=True)) == {4}


def test_a_stale_version_is_a_conflict_and_nothing_is_lost(world_a, rel):
    champion = world_a.member("champion")
    with world_a.context():
        dims = ensure_rating_dimensions()
        first = rating_save(actor=champion, relationship=rel, quarter=CURRENT, scores={dims[0].pk: (3, "mine")})
        assert first.row_version == 1
        second = rating_save(
            actor=world_a.admin,
            relationship=rel,
            quarter=CURRENT,
            scores={dims[0].pk: (5, "admin")},
            expected_row_version=1,
        )
        assert second.row_version == 2
        with pytest.raises(ValidationError) as error:
            rating_save(
                actor=champion,
                relationship=rel,
                quarter=CURRENT,
                scores={dims[0].pk: (1, "stale")},
                expected_row_version=1,
            )
        assert error.value.code == "conflict"
        score = RatingScore.objects.get(rating=second)
        assert (score.color, score.comment) == (5, "admin")
        with pytest.raises(ValidationError) as error:  # "new" when someone already created it
            rating_save(actor=champion, relationship=rel, quarter=CURRENT, scores={}, expected_row_version=0)
        assert error.value.code == "conflict"


def test_rating_submit_submits_the_saved_draft(world_a, rel):
    champion = world_a.member("champion")
    with world_a.context():
        ensure_rating_dimensions()
        with pytest.raises(ValidationError):
            rating_submit(actor=champion, relationship=rel, quarter=CURRENT)
        draft = rating_save(
            actor=champion, relationship=rel, quarter=CURRENT, scores=full_scores(), overall=3, avoid_stall="Talk"
        )
        done = rating_submit(actor=champion, relationship=rel, quarter=CURRENT, expected_row_version=draft.row_version)
        assert done.status == RatingStatus.SUBMITTED and done.overall == 3


# --- Visibility -------------------------------------------------------------------------------


def seen(world, member, rel, quarter=CURRENT):
    with world.context():
        c = sel.compare(member, rel, quarter)
        return c.supplier.visible, c.customer.visible


def test_hidden_until_both_have_submitted(world_a, rel):
    champion, customer, executive = world_a.member("champion"), world_a.customer_x, world_a.member("executive")
    submit(world_a, champion, rel)
    assert seen(world_a, champion, rel) == (True, False)
    assert seen(world_a, customer, rel) == (False, False)  # the customer does not see ours yet
    assert seen(world_a, executive, rel) == (False, False)
    assert seen(world_a, world_a.admin, rel) == (True, False)  # admins rate our side
    with world_a.context():
        c = sel.compare(customer, rel, CURRENT)
        assert c.supplier.status == "submitted" and c.supplier.overall is None and c.supplier.avoid_stall == ""
        assert all(row.supplier is None for row in c.rows)
    submit(world_a, customer, rel, color=2)
    for member in (champion, customer, executive, world_a.rep, world_a.admin):
        assert seen(world_a, member, rel) == (True, True), member.role


def test_drafts_are_never_shown_to_the_other_side(world_a, rel):
    with world_a.context():
        ensure_rating_dimensions()
        rating_save(actor=world_a.customer_x, relationship=rel, quarter=PREVIOUS, scores=full_scores(), overall=2)
    submit(world_a, world_a.member("champion"), rel, quarter=PREVIOUS)
    assert seen(world_a, world_a.customer_x, rel, PREVIOUS) == (True, True)  # closed quarter; own draft
    assert seen(world_a, world_a.member("champion"), rel, PREVIOUS) == (True, False)
    with world_a.context():
        assert sel.compare(world_a.member("champion"), rel, PREVIOUS).customer.status == "missing"


def test_a_closed_quarter_reveals_what_was_submitted(world_a, rel):
    submit(world_a, world_a.member("champion"), rel, quarter=PREVIOUS)
    assert quarters.is_closed(PREVIOUS)
    assert seen(world_a, world_a.customer_x, rel, PREVIOUS) == (True, False)
    assert seen(world_a, world_a.member("executive"), rel, PREVIOUS) == (True, False)
    with world_a.context():
        rating = ChampionRating.objects.get()
        other = None
        day_in_quarter = quarters.end_date(PREVIOUS) - dt.timedelta(days=1)
        assert not sel.can_see(world_a.customer_x, rel, rating, other, today=day_in_quarter)
        assert sel.can_see(world_a.customer_x, rel, rating, other, today=quarters.end_date(PREVIOUS) + dt.timedelta(1))


def test_divergence_is_flagged_at_exactly_two_steps(world_a, rel):
    with world_a.context():
        dims = ensure_rating_dimensions()
    colours = {dims[0].pk: (5, 5), dims[1].pk: (5, 4), dims[2].pk: (5, 3), dims[3].pk: (1, 5)}

    def scores(index):
        base = {d.pk: (3, "") for d in dims}
        base.update({pk: (pair[index], "") for pk, pair in colours.items()})
        return base

    with world_a.context():
        for actor, index, overall in ((world_a.member("champion"), 0, 4), (world_a.customer_x, 1, 2)):
            rating_save(
                actor=actor,
                relationship=rel,
                quarter=CURRENT,
                scores=scores(index),
                overall=overall,
                avoid_stall="x",
                submit=True,
            )
        c = sel.compare(world_a.rep, rel, CURRENT)
    rows = {row.dimension.pk: row for row in c.rows}
    assert (rows[dims[0].pk].agreement, rows[dims[0].pk].divergent) == (True, False)
    assert (rows[dims[1].pk].steps, rows[dims[1].pk].divergent) == (1, False)
    assert (rows[dims[2].pk].steps, rows[dims[2].pk].divergent) == (2, True)  # exactly two steps
    assert (rows[dims[3].pk].steps, rows[dims[3].pk].divergent) == (4, True)
    assert c.overall_steps == 2 and c.overall_divergent is True
    assert c.divergent_count == 2


def test_heat_strip_respects_visibility(world_a, rel):
    submit(world_a, world_a.member("champion"), rel, quarter=PREVIOUS, overall=5)
    submit(world_a, world_a.member("champion"), rel, quarter=CURRENT, overall=4)
    with world_a.context():
        strip = sel.heat_strip(world_a.customer_x, rel, 8)
    assert [q["quarter"] for q in strip] == quarters.last(8)
    assert strip[-2]["supplier"].overall == 5  # closed
    assert strip[-1]["supplier"].hidden and strip[-1]["supplier"].overall is None  # open, customer not in
    assert strip[-1]["customer"].status == "missing"


def test_dimension_admin(world_a):
    with world_a.context():
        with pytest.raises(PermissionDenied):
            dimension_create(actor=world_a.member("champion"), name="Speed")
        dim = dimension_create(actor=world_a.admin, name="Speed", description="How fast we respond", position=99)
        assert RatingDimension.objects.count() == len(DEFAULT_DIMENSIONS) + 1
        with pytest.raises(ValidationError):
            dimension_create(actor=world_a.admin, name="Trust")  # duplicate name
        dimension_update(actor=world_a.admin, dimension=dim, active=False)
        assert dim.pk not in full_scores()

"""Results services: who records which figure, bad input, conflicts, recording many at once."""

from __future__ import annotations

from decimal import Decimal as D

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from core import quarters
from dashboards import results, scorecards
from dashboards.models import QuarterlyResult

NOW = quarters.current()
LAST = quarters.shift(NOW, -1)
EARLIER = quarters.shift(NOW, -3)


@pytest.fixture
def scorecard(world_a, rel, champion):
    with world_a.context():
        return scorecards.scorecard_create(actor=champion, relationship=rel, valid_from=EARLIER)


# --- Results --------------------------------------------------------------------------------------


def test_the_customer_records_only_the_customers_figure(world_a, scorecard):
    customer = world_a.customer_x
    with world_a.context():
        row = results.result_record(
            actor=customer, scorecard=scorecard, metric_key="invoice_accuracy", quarter=LAST, customer_value="98.5"
        )
        assert row.customer_value == D("98.5") and row.updated_by == customer
        for field in ("supplier_value", "agreed_value", "note"):
            with pytest.raises(PermissionDenied):
                results.result_record(
                    actor=customer,
                    scorecard=scorecard,
                    metric_key="invoice_accuracy",
                    quarter=LAST,
                    **{field: 1 if field != "note" else "x"},
                )
        with pytest.raises(PermissionDenied):
            results.result_record(
                actor=world_a.customer_y,
                scorecard=scorecard,
                metric_key="invoice_accuracy",
                quarter=LAST,
                customer_value=1,
            )
        row.refresh_from_db()
        assert (row.supplier_value, row.agreed_value, row.customer_value) == (None, None, D("98.5"))


def test_our_people_record_ours_and_the_agreed_value_but_not_the_customers(world_a, scorecard):
    rep = world_a.rep
    with world_a.context():
        row = results.result_record(
            actor=rep,
            scorecard=scorecard,
            metric_key="on_time_delivery",
            quarter=LAST,
            supplier_value=97,
            agreed_value=96,
            note="ERP",
        )
        assert (row.supplier_value, row.agreed_value, row.note) == (D("97"), D("96"), "ERP")
        with pytest.raises(PermissionDenied):
            results.result_record(
                actor=rep, scorecard=scorecard, metric_key="on_time_delivery", quarter=LAST, customer_value=90
            )
        with pytest.raises(PermissionDenied):
            results.result_record(
                actor=world_a.member("executive"),
                scorecard=scorecard,
                metric_key="on_time_delivery",
                quarter=LAST,
                supplier_value=1,
            )
        row = results.result_record(
            actor=world_a.admin, scorecard=scorecard, metric_key="on_time_delivery", quarter=LAST, customer_value=90
        )
        assert row.customer_value == D("90")


@pytest.mark.parametrize(
    ("fields", "error_field"),
    [
        ({"metric_key": "nope", "quarter": LAST}, "metric_key"),
        ({"metric_key": "on_time_delivery", "quarter": "2026Q5"}, "quarter"),
        ({"metric_key": "on_time_delivery", "quarter": "last"}, "quarter"),
        ({"metric_key": "on_time_delivery", "quarter": quarters.shift(NOW, 1)}, "quarter"),
        ({"metric_key": "on_time_delivery", "quarter": LAST, "supplier_value": "ninety"}, "supplier_value"),
        ({"metric_key": "on_time_delivery", "quarter": LAST, "supplier_value": "1.23456"}, "supplier_value"),
    ],
)
def test_bad_results_are_refused(world_a, scorecard, fields, error_field):
    with world_a.context():
        fields.setdefault("supplier_value", 1)
        with pytest.raises(ValidationError) as error:
            results.result_record(actor=world_a.rep, scorecard=scorecard, **fields)
        assert error_field in error.value.message_dict
        assert not QuarterlyResult.objects.exists()


def test_a_stale_save_is_a_conflict_and_loses_nothing(world_a, scorecard):
    rep, champion = world_a.rep, world_a.member("champion")
    with world_a.context():
        first = results.result_record(
            actor=rep,
            scorecard=scorecard,
            metric_key="on_time_delivery",
            quarter=LAST,
            supplier_value=97,
            expected_row_version=0,
        )
        assert first.row_version == 1
        with pytest.raises(ValidationError) as error:  # opened before the rep saved
            results.result_record(
                actor=champion,
                scorecard=scorecard,
                metric_key="on_time_delivery",
                quarter=LAST,
                supplier_value=91,
                expected_row_version=0,
            )
        assert error.value.code == "conflict"
        assert "Someone else saved this result since you opened it" in error.value.messages[0]
        assert isinstance(error.value, results.ResultConflict) and error.value.current.supplier_value == D("97")
        first.refresh_from_db()
        assert (first.supplier_value, first.row_version) == (D("97"), 1)
        second = results.result_record(
            actor=champion,
            scorecard=scorecard,
            metric_key="on_time_delivery",
            quarter=LAST,
            supplier_value=91,
            expected_row_version=1,
        )
        assert (second.supplier_value, second.row_version, second.updated_by) == (D("91"), 2, champion)
        # Without expected_row_version the save just goes through (and bumps the version).
        third = results.result_record(
            actor=rep, scorecard=scorecard, metric_key="on_time_delivery", quarter=LAST, note="checked"
        )
        assert third.row_version == 3 and third.supplier_value == D("91")


def test_recording_many_is_all_or_nothing(world_a, scorecard):
    with world_a.context():
        entries = [
            {"metric_key": "on_time_delivery", "quarter": LAST, "supplier_value": D("97")},
            {"metric_key": "nope", "quarter": LAST, "supplier_value": D("1")},
            {"metric_key": "order_lead_time", "quarter": "20XX", "supplier_value": D("1")},
        ]
        with pytest.raises(ValidationError) as error:
            results.results_record_many(actor=world_a.rep, scorecard=scorecard, entries=entries)
        assert set(error.value.message_dict) == {"1", "2"}
        assert not QuarterlyResult.objects.exists()
        saved = results.results_record_many(actor=world_a.rep, scorecard=scorecard, entries=entries[:1])
        assert len(saved) == 1

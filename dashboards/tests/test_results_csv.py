"""CSV import (per-row errors, all or nothing, customers' column only) and export (formula-safe)."""

from __future__ import annotations

import csv
import io
import os
from decimal import Decimal as D

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile

from core import quarters
from dashboards import results, scorecards
from dashboards.models import QuarterlyResult
from partnering.tests.factories import relationship_for

LAST = quarters.shift(quarters.current(), -1)
BEFORE = quarters.shift(quarters.current(), -2)
HEADER = "quarter,metric_key,supplier_value,customer_value,agreed_value\n"


@pytest.fixture
def scorecard(world_a):
    rel = relationship_for(world_a)
    with world_a.context():
        return scorecards.scorecard_create(actor=world_a.admin, relationship=rel, valid_from=quarters.shift(LAST, -4))


def run(world, scorecard, text: str | bytes, actor=None):
    data = text.encode() if isinstance(text, str) else text
    with world.context():
        return results.import_results(actor=actor or world.rep, scorecard=scorecard, data=data)


def count(world) -> int:
    with world.context():
        return QuarterlyResult.objects.count()


def test_a_good_file_imports_every_row(world_a, scorecard):
    text = HEADER + f"{LAST},on_time_delivery,96.5,,\n{LAST},order_lead_time,9,,\n{BEFORE},on_time_delivery,93,,93.5\n"
    report = run(world_a, scorecard, text)
    assert report.ok and report.imported == 3
    with world_a.context():
        row = QuarterlyResult.objects.get(quarter=BEFORE, metric_key="on_time_delivery")
        assert (row.supplier_value, row.agreed_value, row.customer_value) == (D("93"), D("93.5"), None)


def test_utf8_with_bom_and_crlf_and_reordered_columns_are_fine(world_a, scorecard):
    text = "\ufeffmetric_key;x".replace(";x", "") + ",quarter,agreed_value,supplier_value,customer_value\r\n"
    text += f"on_time_delivery,{LAST},,97,\r\n"
    report = run(world_a, scorecard, text.encode("utf-8"))
    assert report.ok, report.errors
    assert count(world_a) == 1


@pytest.mark.parametrize(
    ("line", "column", "message"),
    [
        (f"{LAST},no_such_metric,1,,", "metric_key", "Unknown metric"),
        ("2026Q7,on_time_delivery,1,,", "quarter", "not a quarter"),
        ("yesterday,on_time_delivery,1,,", "quarter", "not a quarter"),
        (f"{quarters.shift(quarters.current(), 2)},on_time_delivery,1,,", "quarter", "has not started"),
        (f"{LAST},on_time_delivery,ninety-five,,", "supplier_value", "not a number"),
        (f"{LAST},on_time_delivery,95%,,", "supplier_value", "not a number"),
        (f"{LAST},on_time_delivery,NaN,,", "supplier_value", "not a number"),
        (f"{LAST},on_time_delivery,1.234567,,", "supplier_value", "decimal places"),
        (f"{LAST},on_time_delivery,,,", "", "no figure"),
        (f"{LAST},on_time_delivery,1,,,extra", "", "Expected 5 cells"),
        (f"{LAST},on_time_delivery,,90,", "customer_value", "customer's figure"),
    ],
)
def test_each_bad_row_is_reported_and_nothing_is_imported(world_a, scorecard, line, column, message):
    good = f"{LAST},order_lead_time,9,,\n"
    report = run(world_a, scorecard, HEADER + good + line + "\n")
    assert not report.ok and report.imported == 0
    assert len(report.errors) == 1, report.errors
    error = report.errors[0]
    assert (error.row, error.column) == (3, column)
    assert message.lower() in error.message.lower()
    assert count(world_a) == 0  # the good row was not saved either


def test_duplicate_rows_are_reported_with_the_first_occurrence(world_a, scorecard):
    text = HEADER + f"{LAST},on_time_delivery,96,,\n{LAST},order_lead_time,9,,\n{LAST},on_time_delivery,97,,\n"
    report = run(world_a, scorecard, text)
    assert [(e.row, e.column) for e in report.errors] == [(4, "metric_key")]
    assert "row 2" in report.errors[0].message
    assert count(world_a) == 0


def test_many_errors_are_listed_per_row(world_a, scorecard):
    text = HEADER + f"{LAST},nope,1,,\n2026Q9,on_time_delivery,x,,\n"
    report = run(world_a, scorecard, text)
    assert {(e.row, e.column) for e in report.errors} == {(2, "metric_key"), (3, "quarter"), (3, "supplier_value")}


def test_wrong_encoding_is_one_clear_error(world_a, scorecard):
    text = (HEADER + f"{LAST},on_time_delivery,96,,\n").replace("quarter", "quärter_ß")
    report = run(world_a, scorecard, text.encode("latin-1"))
    assert len(report.errors) == 1 and report.errors[0].row is None
    assert "not UTF-8" in report.errors[0].message
    assert count(world_a) == 0


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "empty"),
        (b"\n\n", "empty"),
        (HEADER.encode(), "no result rows"),
        (b"name,value\nfoo,1\n", "missing column"),
        (HEADER.replace("\n", ",colour\n").encode(), "unknown column"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary"),
        (os.urandom(4000), ""),
    ],
)
def test_junk_is_refused_with_a_clear_error(world_a, scorecard, data, message):
    report = run(world_a, scorecard, data)
    assert not report.ok
    assert message.lower() in " ".join(e.message for e in report.errors).lower()
    assert count(world_a) == 0


def test_ten_megabytes_of_junk_are_refused_without_importing(world_a, scorecard, client_for):
    junk = (b"garbage;" * 200 + b"\n") * 6600  # 10 MB
    assert len(junk) > 10 * 1024 * 1024
    report = run(world_a, scorecard, junk)
    assert len(report.errors) == 1 and "limit is 2 MB" in report.errors[0].message
    # Through the page too: only the first 2 MB are read, the size is reported from the upload.
    relationship = relationship_for(world_a)
    response = client_for(world_a.rep).post(
        f"/t/{world_a.slug}/relationships/{relationship.pk}/scorecard/import/",
        {"file": SimpleUploadedFile("junk.csv", junk, content_type="text/csv")},
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Nothing was imported" in html and "limit is 2 MB" in html and "10." in html
    assert count(world_a) == 0


def test_more_than_5000_rows_are_refused(world_a, scorecard):
    rows = "".join(f"{LAST},on_time_delivery,{i},,\n" for i in range(5001))
    report = run(world_a, scorecard, HEADER + rows)
    assert any("more than 5,000 rows" in e.message for e in report.errors)
    assert count(world_a) == 0


def test_a_customer_imports_only_the_customer_column(world_a, scorecard):
    customer = world_a.customer_x
    bad = HEADER + f"{LAST},invoice_accuracy,,98,\n{LAST},on_time_delivery,96,,\n{LAST},order_lead_time,,,9\n"
    report = run(world_a, scorecard, bad, actor=customer)
    assert [(e.row, e.column) for e in report.errors] == [(3, "supplier_value"), (4, "agreed_value")]
    assert count(world_a) == 0
    report = run(world_a, scorecard, HEADER + f"{LAST},invoice_accuracy,,98,\n", actor=customer)
    assert report.ok and report.imported == 1
    with world_a.context():
        assert QuarterlyResult.objects.get().customer_value == D("98")
    with pytest.raises(PermissionDenied):
        run(world_a, scorecard, HEADER + f"{LAST},invoice_accuracy,,98,\n", actor=world_a.customer_y)
    with pytest.raises(PermissionDenied):
        run(world_a, scorecard, HEADER, actor=world_a.member("executive"))


def test_an_empty_cell_leaves_the_figure_unchanged(world_a, scorecard):
    run(world_a, scorecard, HEADER + f"{LAST},on_time_delivery,96,,95\n")
    report = run(world_a, scorecard, HEADER + f"{LAST},on_time_delivery,97,,\n")
    assert report.ok
    with world_a.context():
        row = QuarterlyResult.objects.get()
        assert (row.supplier_value, row.agreed_value, row.row_version) == (D("97"), D("95"), 2)


# --- Export ---------------------------------------------------------------------------------------


def test_export_has_zones_discrepancies_and_no_formulas(world_a, scorecard, client_for):
    with world_a.context():
        scorecards.metric_update(
            actor=world_a.admin, scorecard=scorecard, key="on_time_delivery", name='=HYPERLINK("x")'
        )
        results.result_record(
            actor=world_a.admin,
            scorecard=scorecard,
            metric_key="on_time_delivery",
            quarter=LAST,
            supplier_value=97,
            customer_value=90,
        )
        results.result_record(
            actor=world_a.admin, scorecard=scorecard, metric_key="order_lead_time", quarter=BEFORE, supplier_value=-12.5
        )
    relationship = relationship_for(world_a)
    for member in (world_a.rep, world_a.customer_x):
        response = client_for(member).get(f"/t/{world_a.slug}/relationships/{relationship.pk}/scorecard/export.csv")
        assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
        rows = list(csv.reader(io.StringIO(response.content.decode())))
        assert rows[0] == results.EXPORT_HEADER
        by_key = {r[1]: r for r in rows[1:]}
        assert by_key["on_time_delivery"] == [
            LAST,
            "on_time_delivery",
            '\'=HYPERLINK("x")',
            "97",
            "90",
            "",
            "disputed",
            "yes",
        ]
        assert by_key["order_lead_time"][3] == "-12.5" and by_key["order_lead_time"][6] == "green"
    # An export can be imported back (its extra columns are ignored).
    response = client_for(world_a.admin).get(f"/t/{world_a.slug}/relationships/{relationship.pk}/scorecard/export.csv")
    report = run(world_a, scorecard, response.content, actor=world_a.admin)
    assert report.ok, report.errors

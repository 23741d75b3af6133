"""Results pages: each member edits only their fields, conflicts keep the input, the import page."""

from __future__ import annotations

from decimal import Decimal as D

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from core import quarters
from dashboards import scorecards
from dashboards.models import QuarterlyResult
from dashboards.tests.test_scorecards_views import page

NOW = quarters.current()
LAST = quarters.shift(NOW, -1)
PREV = quarters.shift(NOW, -2)


@pytest.fixture
def scorecard(world_a, rel):
    with world_a.context():
        return scorecards.scorecard_create(
            actor=world_a.member("champion"), relationship=rel, valid_from=quarters.shift(NOW, -12)
        )


# --- Results of a quarter ---------------------------------------------------------------------


@pytest.mark.usefixtures("scorecard")
def test_each_member_sees_only_the_fields_they_may_edit(world_a, rel, client_for):
    fields = client_for(world_a.rep).get(page(world_a, rel, f"results/{LAST}/")).context["form"].fields
    assert "on_time_delivery-supplier_value" in fields and "on_time_delivery-agreed_value" in fields
    assert "on_time_delivery-customer_value" not in fields
    fields = client_for(world_a.customer_x).get(page(world_a, rel, f"results/{LAST}/")).context["form"].fields
    assert "on_time_delivery-customer_value" in fields
    assert not any(name.endswith(("supplier_value", "agreed_value", "note")) for name in fields)
    fields = client_for(world_a.admin).get(page(world_a, rel, f"results/{LAST}/")).context["form"].fields
    assert "on_time_delivery-customer_value" in fields
    assert client_for(world_a.member("executive")).get(page(world_a, rel, f"results/{LAST}/")).status_code == 403


def _form_data(response) -> dict[str, str]:
    form = response.context["form"]
    return {name: ("" if field.initial is None else str(field.initial)) for name, field in form.fields.items()}


@pytest.mark.usefixtures("scorecard")
def test_saving_results_and_a_customer_cannot_smuggle_other_fields(world_a, rel, client_for):
    customer = client_for(world_a.customer_x)
    data = _form_data(customer.get(page(world_a, rel, f"results/{LAST}/")))
    data["invoice_accuracy-customer_value"] = "98.2"
    data["invoice_accuracy-supplier_value"] = "10"  # not a field for the customer: ignored
    response = customer.post(page(world_a, rel, f"results/{LAST}/"), data)
    assert response.status_code == 302
    with world_a.context():
        row = QuarterlyResult.objects.get()
        assert (row.metric_key, row.customer_value, row.supplier_value) == ("invoice_accuracy", D("98.2"), None)
        assert QuarterlyResult.objects.count() == 1  # blank metrics create no rows


@pytest.mark.usefixtures("scorecard")
def test_a_stale_form_gets_a_conflict_and_keeps_the_input(world_a, rel, client_for):
    rep, champion = client_for(world_a.rep), client_for(world_a.member("champion"))
    stale = _form_data(champion.get(page(world_a, rel, f"results/{LAST}/")))
    fresh = _form_data(rep.get(page(world_a, rel, f"results/{LAST}/")))
    fresh["on_time_delivery-supplier_value"] = "97"
    assert rep.post(page(world_a, rel, f"results/{LAST}/"), fresh).status_code == 302
    stale["on_time_delivery-supplier_value"] = "91"
    stale["order_lead_time-supplier_value"] = "8"
    response = champion.post(page(world_a, rel, f"results/{LAST}/"), stale)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-testid="conflict"' in html and "Someone else saved this result since you opened it" in html
    assert "Now saved: ours 97" in html and 'value="91' in html  # their figure shown, my input kept
    with world_a.context():
        assert QuarterlyResult.objects.get(metric_key="on_time_delivery").supplier_value == D("97")
        assert not QuarterlyResult.objects.filter(metric_key="order_lead_time").exists()  # all or nothing
    # Saving again (with the refreshed hidden version) keeps mine.
    again = {name: field.value() for name, field in ((n, response.context["form"][n]) for n in stale)}
    again = {k: ("" if v is None else v) for k, v in again.items()}
    assert champion.post(page(world_a, rel, f"results/{LAST}/"), again).status_code == 302
    with world_a.context():
        assert QuarterlyResult.objects.get(metric_key="on_time_delivery").supplier_value == D("91")
        assert QuarterlyResult.objects.get(metric_key="order_lead_time").supplier_value == D("8")


@pytest.mark.parametrize("quarter", ["2026Q5", "Q3-2026", quarters.shift(NOW, 1)])
@pytest.mark.usefixtures("scorecard")
def test_bad_or_future_quarters_are_404(world_a, rel, client_for, quarter):
    assert client_for(world_a.rep).get(page(world_a, rel, f"results/{quarter}/")).status_code == 404


def test_results_without_a_scorecard_go_to_the_scorecard_page(world_a, rel, client_for):
    response = client_for(world_a.rep).get(page(world_a, rel, f"results/{LAST}/"))
    assert response.status_code == 302 and response["Location"].endswith("/scorecard/")


# --- Import page ------------------------------------------------------------------------------


@pytest.mark.usefixtures("scorecard")
def test_import_page_imports_a_good_file(world_a, rel, client_for):
    body = f"quarter,metric_key,supplier_value,customer_value,agreed_value\n{LAST},on_time_delivery,96,,\n".encode()
    response = client_for(world_a.rep).post(
        page(world_a, rel, "import/"), {"file": SimpleUploadedFile("r.csv", body, content_type="text/csv")}
    )
    assert response.status_code == 302
    with world_a.context():
        assert QuarterlyResult.objects.get().supplier_value == D("96")
    bad = b"quarter,metric_key,supplier_value,customer_value,agreed_value\n2026Q9,x,1,,\n"
    response = client_for(world_a.rep).post(
        page(world_a, rel, "import/"), {"file": SimpleUploadedFile("r.csv", bad, content_type="text/csv")}
    )
    assert response.status_code == 200 and 'data-testid="import-errors"' in response.content.decode()
    assert client_for(world_a.member("executive")).get(page(world_a, rel, "import/")).status_code == 403

"""Analyses: the form offers only what fits the columns, a run goes through the job runner, the result
page shows tables, plots and plain-language notes, exports are formula-safe, attach ticks the Analyze
deliverable, re-run and compare; bad parameters get a message (pages) or a 400 (API)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from core.jobs import job_run
from projects.models import ChecklistItem, Phase
from stats_backoffice.models import Analysis
from stats_backoffice.tests.factories import analysis_for, version_for

pytestmark = pytest.mark.django_db


def _url(world, name, pk):
    return reverse(f"stats:{name}", kwargs={"tenant_slug": world.slug, "pk": pk})


def test_the_form_offers_the_kinds_that_fit(world_a, client_for):
    version = version_for(world_a)
    page = client_for(world_a.rep).get(_url(world_a, "analysis-create", version.dataset_id)).content.decode()
    for kind in ("describe", "ols", "logit", "anova"):
        assert f'value="{kind}"' in page
    numeric_only = version_for(world_a, content=b"a,b\n1,2\n2,4\n3,7\n4,8\n5,11\n", name="n.csv")
    page = client_for(world_a.rep).get(_url(world_a, "analysis-create", numeric_only.dataset_id)).content.decode()
    assert 'value="anova"' not in page and 'value="logit"' not in page


def test_a_regression_from_the_page_to_its_result(world_a, client_for):
    version = version_for(world_a)
    client = client_for(world_a.rep)
    response = client.post(
        _url(world_a, "analysis-create", version.dataset_id),
        {"version": version.number, "kind": "ols", "y": "y", "x": ["x1", "x2", "group"], "cutoff": "0.5"},
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    with world_a.context():
        analysis = Analysis.objects.get()
    page = client.get(_url(world_a, "analysis-detail", analysis.pk)).content.decode()
    assert 'data-testid="run-panel"' in page and "hx-get" in page  # queued: the page polls
    with world_a.context():
        job_run(job_id=str(analysis.job_id))
    page = client.get(_url(world_a, "analysis-detail", analysis.pk)).content.decode()
    assert 'data-testid="coefficients"' in page and "<code>x1</code>" in page and "group[T.b]" in page
    assert 'data-chart="residuals-fitted"' in page and 'data-testid="notes"' in page
    status = client.get(_url(world_a, "analysis-status", analysis.pk), HTTP_HX_REQUEST="true")
    assert status["HX-Refresh"] == "true"  # a finished run reloads the page that polls it


def test_bad_parameters_are_form_errors(world_a, client_for):
    version = version_for(world_a)
    client = client_for(world_a.rep)
    url = _url(world_a, "analysis-create", version.dataset_id)
    response = client.post(url, {"version": version.number, "kind": "logit", "y": "y", "x": ["x1"]})
    assert response.status_code == 400 and "two values" in response.content.decode()
    response = client.post(url, {"version": version.number, "kind": "ols", "y": "y"})
    assert response.status_code == 400 and "at least one predictor" in response.content.decode()
    with world_a.context():
        assert not Analysis.objects.exists()


def test_degenerate_data_fail_with_a_message_not_a_trace(world_a, client_for):
    version = version_for(world_a, content=b"y,x1,x2\n1,1,2\n2,2,4\n3,3,6\n4,4,8.0\n6,5,10\n", name="collinear.csv")
    analysis = analysis_for(world_a, version, params={"y": "y", "x": ["x1", "x2"]})
    assert analysis.status == "failed"
    assert "x1" in analysis.job.error and "x2" in analysis.job.error and "Traceback" not in analysis.job.error
    page = client_for(world_a.rep).get(_url(world_a, "analysis-detail", analysis.pk)).content.decode()
    assert 'data-testid="run-error"' in page


def test_exports_are_formula_safe_and_complete(world_a, client_for):
    version = version_for(world_a)
    analysis = analysis_for(world_a, version)
    client = client_for(world_a.rep)
    coefficients = client.get(_url(world_a, "analysis-coefficients-csv", analysis.pk)).content.decode()
    assert coefficients.splitlines()[0].startswith("term,estimate,std_error,t,p")
    assert "\nconst," in coefficients and "\nx1," in coefficients
    rows = b"".join(client.get(_url(world_a, "analysis-rows-csv", analysis.pk)).streaming_content).decode()
    lines = rows.strip().splitlines()
    assert len(lines) == 13 and "residual" in lines[0]
    # a negative residual starts with "-": a spreadsheet must never read it as a formula
    assert all(not cell.startswith(("=", "+", "-", "@")) for line in lines[1:] for cell in line.split(","))


def test_attach_ticks_the_analyze_deliverable(world_a, client_for):
    version = version_for(world_a)
    analysis = analysis_for(world_a, version)
    response = client_for(world_a.rep).post(_url(world_a, "analysis-attach", analysis.pk))
    assert response.status_code == 302
    with world_a.context():
        analysis.refresh_from_db()
        item = ChecklistItem.objects.get(pk=analysis.attached_item_id)
    assert item.phase == Phase.ANALYZE and item.done
    page = client_for(world_a.rep).get(_url(world_a, "analysis-detail", analysis.pk)).content.decode()
    assert 'data-testid="attached"' in page
    assert client_for(world_a.customer_x).post(_url(world_a, "analysis-attach", analysis.pk)).status_code == 403


def test_rerun_with_changes_and_compare(world_a, client_for):
    version = version_for(world_a)
    first = analysis_for(world_a, version)
    client = client_for(world_a.rep)
    form = client.get(_url(world_a, "analysis-create", version.dataset_id) + f"?rerun={first.pk}").content.decode()
    assert "Re-run" in form and f'name="rerun" value="{first.pk}"' in form
    second = analysis_for(world_a, version, params={"y": "y", "x": ["x1"]})
    page = client.get(_url(world_a, "analysis-compare", first.pk) + f"?with={second.pk}").content.decode()
    assert 'data-testid="compare"' in page and "not in the model" in page
    assert client.get(_url(world_a, "analysis-compare", first.pk) + "?with=nope").status_code == 404


@pytest.mark.parametrize(
    ("kind", "params", "marker"),
    [
        ("anova", {"y": "y", "factor": "group"}, 'data-testid="groups"'),
        ("describe", {"columns": ["y", "x1"]}, 'data-testid="describe"'),
        ("logit", {"y": "flag", "x": ["x2"]}, 'data-testid="classification"'),
    ],
)
def test_every_kind_renders_its_result(world_a, client_for, kind, params, marker):
    version = version_for(world_a)
    analysis = analysis_for(world_a, version, kind=kind, params=params)
    assert analysis.status == "succeeded", analysis.job.error
    page = client_for(world_a.rep).get(_url(world_a, "analysis-detail", analysis.pk)).content.decode()
    assert marker in page


def test_api_create_poll_result_and_bad_input(world_a, api_for):
    version = version_for(world_a)
    api = api_for(world_a.rep)
    base = f"/api/v1/t/{world_a.slug}/analyses/"
    response = api.post(
        base, {"version": str(version.pk), "kind": "ols", "params": {"y": "y", "x": ["x1"]}}, format="json"
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "queued" and body["result"] is None
    with world_a.context():
        job_run(job_id=body["job"])
    detail = api.get(f"{base}{body['id']}/").json()
    assert detail["status"] == "succeeded" and detail["progress"] == 100
    terms = [c["term"] for c in api.get(f"{base}{body['id']}/result/").json()["result"]["coefficients"]]
    assert terms == ["const", "x1"]
    bad = api.post(
        base, {"version": str(version.pk), "kind": "ols", "params": {"y": "nope", "x": ["x1"]}}, format="json"
    )
    assert bad.status_code == 400 and "y" in bad.json()["error"]["fields"]
    formula = api.post(
        base,
        {"version": str(version.pk), "kind": "ols", "params": {"y": "y", "x": "x1 + __import__('os')"}},
        format="json",
    )
    assert formula.status_code == 400


def test_internal_data_analyses_are_hidden_from_customers(world_a, api_for, client_for):
    version = version_for(world_a, internal_only=True, name="secret.csv")
    analysis = analysis_for(world_a, version)
    assert client_for(world_a.customer_x).get(_url(world_a, "analysis-detail", analysis.pk)).status_code == 404
    listing = api_for(world_a.customer_x).get(f"/api/v1/t/{world_a.slug}/analyses/").json()
    assert all(row["id"] != str(analysis.pk) for row in listing["results"])


def test_an_attempt_that_is_no_longer_the_running_one_stores_no_result(world_a):
    """A zombie attempt (its job already failed by the sweeper, or a later attempt running) never adds a result."""
    from core.models import Job
    from stats_backoffice.analyses import analysis_finished

    version = version_for(world_a)
    analysis = analysis_for(world_a, version, run=False)
    with world_a.context():
        Job.objects.filter(pk=analysis.job_id).update(status="failed", attempts=1)
        assert not analysis_finished(
            analysis_id=analysis.pk, job_id=analysis.job_id, attempt=1, result={"x": 1}, residuals_name=""
        )
        Job.objects.filter(pk=analysis.job_id).update(status="running", attempts=2)
        assert not analysis_finished(
            analysis_id=analysis.pk, job_id=analysis.job_id, attempt=1, result={"x": 1}, residuals_name=""
        )
        assert analysis_finished(
            analysis_id=analysis.pk, job_id=analysis.job_id, attempt=2, result={"x": 2}, residuals_name=""
        )
        assert Analysis.objects.get(pk=analysis.pk).result == {"x": 2}

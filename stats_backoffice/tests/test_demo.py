"""``seed_demo`` gives the demo's Analyze-phase projects a data set read by the real ingest and finished
analyses of every kind run by the real engine; a second run adds nothing."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from core.models import Tenant
from core.tenancy import tenant_context
from stats_backoffice.demo import DEMO_NAME
from stats_backoffice.models import Analysis, DataSet, DataSetVersion
from stats_backoffice.tests.factories import temporary_media

pytestmark = pytest.mark.django_db


def _seed() -> None:
    temporary_media()
    call_command("seed_demo", "--force", "--password", "demo-passphrase-for-tests", stdout=StringIO())


def test_the_demo_has_read_data_and_finished_analyses_of_every_kind():
    _seed()
    with tenant_context(Tenant.objects.get(slug="aquenta")):
        datasets = list(DataSet.objects.filter(name=DEMO_NAME))
        assert datasets and all(d.project.phase == "analyze" for d in datasets)
        versions = DataSetVersion.objects.filter(dataset__in=datasets).select_related("job")
        assert all(v.state == "ready" for v in versions), [v.failure for v in versions]
        analyses = list(Analysis.objects.filter(version__dataset__in=datasets).select_related("job"))
        assert {a.kind for a in analyses} == {"ols", "anova", "logit", "describe"}
        assert all(a.status == "succeeded" and a.result for a in analyses), [a.job.error for a in analyses]
        ols = next(a for a in analyses if a.kind == "ols")
        terms = {c["term"]: c for c in ols.result["coefficients"]}
        assert terms["pressure_bar"]["p"] < 0.001 and terms["age_years"]["p"] < 0.001  # the story the data tell
        counts = (DataSet.objects.count(), Analysis.objects.count())
    _seed()
    with tenant_context(Tenant.objects.get(slug="aquenta")):
        assert (DataSet.objects.count(), Analysis.objects.count()) == counts

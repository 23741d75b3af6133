"""Demo data of the back office: on each demo tenant's Analyze-phase projects, a measured data set
(read by the real ingest) and finished analyses (run by the real engine), so the Analyze panel, the
data-set profile and the result pages have something to show on the first visit.

The jobs run in this process through the same runner as a worker's (``core.jobs.job_run``), inside
the seed's transaction; the messages sent after commit find them finished and do nothing.
"""

from __future__ import annotations

import io
import logging
import math
import random
from typing import Any

from django.core.files.base import ContentFile

from core.jobs import job_run
from core.models import Membership, Role
from projects.models import Phase, Project
from stats_backoffice.analyses import analysis_start
from stats_backoffice.datasets import dataset_create
from stats_backoffice.models import Analysis, DataSet, VersionStatus

logger = logging.getLogger(__name__)
DEMO_NAME = "Line survey (demo)"
ROWS = 240


def survey_csv(seed: int) -> bytes:
    """A plant survey: losses explained by pressure, equipment age and the line; a failure flag.

    The numbers follow a known model plus noise, so the regression finds pressure and age significant
    and the ANOVA finds the lines different, as a Green Belt would expect.
    """
    rng = random.Random(seed)
    out = io.StringIO()
    out.write("loss_kg_h,pressure_bar,age_years,ambient_c,line,failed\n")
    line_effect = {"North": 0.0, "South": 6.5, "East": 2.0}
    for _ in range(ROWS):
        pressure = round(rng.uniform(4, 12), 2)
        age = round(rng.uniform(0.5, 15), 1)
        ambient = round(rng.gauss(18, 6), 1)
        line = rng.choice(sorted(line_effect))
        loss = 12 + 3.1 * pressure + 1.4 * age + line_effect[line] + rng.gauss(0, 4)
        chance = 1 / (1 + math.exp(-(-6 + 0.35 * age + 0.25 * pressure)))
        failed = 1 if rng.random() < chance else 0
        out.write(f"{loss:.2f},{pressure},{age},{ambient},{line},{failed}\n")
    return out.getvalue().encode()


def _lead(project: Project) -> Membership | None:
    if project.lead is not None:
        return project.lead
    member: Membership | None = Membership.objects.filter(role=Role.ADMIN).first()
    return member


def _seed_project(project: Project, seed: int) -> None:
    actor = _lead(project)
    if actor is None:
        return
    upload = ContentFile(survey_csv(seed), name="line-survey.csv")
    version = dataset_create(
        actor=actor,
        project=project,
        uploaded_file=upload,  # type: ignore[arg-type]
        name=DEMO_NAME,
        phase=Phase.MEASURE,
        description="Losses per steam line, measured with the customer's maintenance team over four weeks.",
    )
    assert version.job is not None
    job_run(job_id=str(version.job.pk))
    version.refresh_from_db()
    if not version.is_ready:
        logger.warning("Demo data set on %s could not be read: %s", project.title, version.error)
        return
    runs: list[tuple[str, dict[str, Any]]] = [
        (
            "ols",
            {"y": "loss_kg_h", "x": ["pressure_bar", "age_years", "ambient_c", "line"], "reference": {"line": "North"}},
        ),
        ("anova", {"y": "loss_kg_h", "factor": "line"}),
        ("logit", {"y": "failed", "x": ["age_years", "pressure_bar"]}),
        ("describe", {"columns": ["loss_kg_h", "pressure_bar", "age_years"]}),
    ]
    for kind, params in runs:
        analysis = analysis_start(actor=actor, version=version, kind=kind, params=params)
        assert analysis.job is not None
        job_run(job_id=str(analysis.job.pk))


def seed_tenant(_spec: Any) -> None:
    """Call inside the demo tenant's context, after the projects step; idempotent."""
    projects = list(Project.objects.filter(phase=Phase.ANALYZE).select_related("lead__user", "customer_account")[:2])
    # A demo data set that an earlier run could not read (a worker stopped, say) is seeded again.
    Analysis.objects.filter(version__dataset__name=DEMO_NAME).exclude(version__status=VersionStatus.READY).delete()
    DataSet.objects.filter(name=DEMO_NAME).exclude(versions__status=VersionStatus.READY).delete()
    done = set(DataSet.objects.filter(name=DEMO_NAME).values_list("project_id", flat=True))
    for number, project in enumerate(projects):
        if project.pk not in done:
            _seed_project(project, seed=1000 + number)

"""Data sets and analyses for the back office's tests, read and run by the real engine in this process
(``core.jobs.job_run``: the worker's own runner, without the broker)."""

from __future__ import annotations

import os
import tempfile
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings

from core.jobs import job_run
from projects.models import Project
from projects.tests.factories import project_for
from stats_backoffice import analyses, datasets
from stats_backoffice.models import Analysis, DataSetVersion

SMALL_CSV = (
    b"y,x1,x2,group,flag\n"
    b"10.1,1,3.5,a,0\n12.0,2,3.1,b,0\n13.9,3,4.0,a,1\n16.2,4,2.2,c,0\n18.1,5,5.1,b,1\n"
    b"19.8,6,4.4,c,1\n22.3,7,3.3,a,0\n23.9,8,5.9,b,1\n26.1,9,2.8,c,1\n28.2,10,4.7,a,1\n"
    b"29.7,11,3.9,b,0\n32.4,12,5.5,c,1\n"
)
_media: list[str] = []


def temporary_media() -> None:
    """Uploads of a test process go to a temporary MEDIA_ROOT, never var/media (one per process: another
    test helper may have set one already, and files must stay where the rows say)."""
    if not _media and os.path.basename(str(settings.MEDIA_ROOT)).startswith("partnering-"):
        _media.append(str(settings.MEDIA_ROOT))
    if not _media:
        _media.append(tempfile.mkdtemp(prefix="partnering-stats-media-"))
        override_settings(MEDIA_ROOT=_media[0]).enable()


def stats_project(world: Any, title: str = "Back-office project") -> Project:
    with world.context():
        existing = Project.objects.filter(title=title).first()
    return existing or project_for(world, title=title)


def version_for(
    world: Any,
    *,
    project: Project | None = None,
    content: bytes = SMALL_CSV,
    name: str = "survey.csv",
    internal_only: bool = False,
    actor: Any = None,
    read: bool = True,
) -> DataSetVersion:
    """A data set on the project with one version, read by the ingest (unless ``read=False``)."""
    temporary_media()
    project = project or stats_project(world)
    with world.context():
        version = datasets.dataset_create(
            actor=actor or world.rep,
            project=project,
            uploaded_file=SimpleUploadedFile(name, content),
            name=name.rsplit(".", 1)[0],
            internal_only=internal_only,
        )
        if read:
            assert version.job is not None
            job_run(job_id=str(version.job.pk))
        return DataSetVersion.objects.select_related("job", "dataset").get(pk=version.pk)


def analysis_for(
    world: Any, version: DataSetVersion, kind: str = "ols", params: dict[str, Any] | None = None, *, run: bool = True
) -> Analysis:
    params = params if params is not None else {"y": "y", "x": ["x1", "x2"]}
    with world.context():
        analysis = analyses.analysis_start(actor=world.rep, version=version, kind=kind, params=params)
        if run:
            assert analysis.job is not None
            job_run(job_id=str(analysis.job.pk))
        return Analysis.objects.select_related("job", "version__dataset").get(pk=analysis.pk)

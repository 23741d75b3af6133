"""Isolation registry of the discussion pages and API (merged by tests/test_isolation.py).

Comments, attachments, feedback and activity belong to a project of account X in world A: the
routes are account-bound (A's customer of account Y gets 404, customer X sees the shared rows),
except deleting an attachment, which is for our people only (customers get 403 before any lookup).
Attachment files go to a temporary MEDIA_ROOT.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings

from projects import discussion
from projects.models import ProjectAttachment, ProjectComment
from projects.tests.isolation_benefits import isolation_project

TITLE = "Isolation · discussion"
_media: list[str] = []


def _temporary_media() -> None:
    if not _media and os.path.basename(str(settings.MEDIA_ROOT)).startswith("partnering-"):
        _media.append(str(settings.MEDIA_ROOT))  # another helper set one already: keep files where rows say
    if not _media:  # once per test process: uploads never land in var/media
        _media.append(tempfile.mkdtemp(prefix="partnering-isolation-media-"))
        override_settings(MEDIA_ROOT=_media[0]).enable()


def _project(world: Any) -> dict[str, str]:
    return {"pk": str(isolation_project(world, TITLE).pk)}


def _attachment_row(world: Any) -> ProjectAttachment:
    _temporary_media()
    project = isolation_project(world, TITLE)
    with world.context():
        existing = ProjectAttachment.objects.filter(project=project).first()
        if existing is not None:
            return existing
        return discussion.attachment_upload(
            actor=world.rep,
            project=project,
            uploaded_file=SimpleUploadedFile("isolation.pdf", b"%PDF-1.4\n%%EOF\n"),
        )


def _attachment(world: Any) -> dict[str, str]:
    attachment = _attachment_row(world)
    return {"pk": str(attachment.project_id), "attachment_pk": str(attachment.pk)}


def _api_attachment(world: Any) -> dict[str, str]:
    return {"id": str(_attachment_row(world).pk)}


def _api_comment(world: Any) -> dict[str, str]:
    project = isolation_project(world, TITLE)
    with world.context():
        comment = ProjectComment.objects.filter(project=project, internal_only=False).first()
        if comment is None:
            comment = discussion.comment_post(actor=world.rep, project=project, body="Isolation comment")
    return {"id": str(comment.pk)}


OBJECT_ROUTES: dict[str, tuple[Callable[[Any], dict[str, str]], bool]] = {
    "comment-create": (_project, True),
    "attachment-upload": (_project, True),
    "attachment-download": (_attachment, True),
    "attachment-delete": (_attachment, False),
    "feedback-create": (_project, True),
    "activity": (_project, True),
    "api-project-comment-detail": (_api_comment, True),
    "api-project-attachment-detail": (_api_attachment, True),
    "api-project-attachment-download": (_api_attachment, True),
}

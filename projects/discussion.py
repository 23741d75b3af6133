"""Projects · discussion: comments, attachments, customer feedback and the activity feed.

Internal-only comments, attachments and activity lines never reach customer participants: every
read here takes the reader's membership and drops them, and customers cannot write them.

``panel_context(project, membership)`` returns what the project page's ``discussion/_project_panel.html``
needs (a fixed number of queries, whatever the project's size).
"""

from __future__ import annotations

import os
from collections import defaultdict
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Avg, Count, Max, QuerySet
from django.utils import timezone

from core import quarters
from core.models import Membership, Role
from core.permissions import can
from core.service_helpers import require, save_validated
from core.tenancy import current_tenant_id
from partnering.models import CustomerAccount
from projects.models import (
    CustomerFeedback,
    Phase,
    PhaseVisit,
    Project,
    ProjectActivity,
    ProjectAttachment,
    ProjectComment,
    ReviewDecision,
    TollgateReview,
)
from projects.projects import activity_record, check_in_workspace, settings_for_tenant
from projects.workflow import announce

# --- Attachments: what we accept ---------------------------------------------------------------

#: extension → (content type, how its first bytes must look)
ALLOWED_TYPES: dict[str, str] = {
    "pdf": "application/pdf",
    "png": "image/png",
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
    "gif": "image/gif",
    "webp": "image/webp",
    "csv": "text/csv",
    "txt": "text/plain",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
}
ALLOWED_LABEL = "PDF, PNG, JPG, GIF, WebP, CSV, TXT, XLSX, DOCX, PPTX"
ACCEPT_ATTR = ",".join(f".{ext}" for ext in ALLOWED_TYPES)
SNIFF_BYTES = 8192


def _looks_like_text(head: bytes) -> bool:
    if not head:
        return True
    if b"\x00" in head:
        return False
    for cut in range(4):  # the sample may end inside a multi-byte character
        try:
            head[: len(head) - cut].decode("utf-8")
            return True
        except UnicodeDecodeError:
            continue
    # Not UTF-8: accept single-byte text (Latin-1/Windows-1252) without control characters.
    controls = sum(1 for byte in head if byte < 32 and byte not in (9, 10, 12, 13))
    return controls == 0


def content_matches(extension: str, head: bytes) -> bool:
    """Do the file's first bytes look like what its extension says?"""
    if extension == "pdf":
        return head.startswith(b"%PDF-")
    if extension == "png":
        return head.startswith(b"\x89PNG\r\n\x1a\n")
    if extension in ("jpg", "jpeg"):
        return head.startswith(b"\xff\xd8\xff")
    if extension == "gif":
        return head.startswith((b"GIF87a", b"GIF89a"))
    if extension == "webp":
        return head.startswith(b"RIFF") and head[8:12] == b"WEBP"
    if extension in ("xlsx", "docx", "pptx"):
        return head.startswith(b"PK\x03\x04")
    if extension in ("csv", "txt"):
        return _looks_like_text(head)
    return False


def max_upload_mb() -> int:
    return int(settings_for_tenant().attachment_max_mb)


def _upload_rules(limit_mb: int) -> str:
    return f"Accepted: {ALLOWED_LABEL}, up to {limit_mb} MB."


# --- Who sees what -----------------------------------------------------------------------------


def _visible(queryset: QuerySet[Any], membership: Membership) -> QuerySet[Any]:
    queryset = queryset.visible_to(membership)  # type: ignore[attr-defined]
    if not membership.is_internal:
        queryset = queryset.filter(internal_only=False)
    return queryset


def comments_for(membership: Membership) -> QuerySet[ProjectComment]:
    return _visible(ProjectComment.objects.all(), membership).select_related("author__user")


def attachments_for(membership: Membership) -> QuerySet[ProjectAttachment]:
    return _visible(ProjectAttachment.objects.all(), membership).select_related("uploaded_by__user")


def activity_for(membership: Membership) -> QuerySet[ProjectActivity]:
    return _visible(ProjectActivity.objects.all(), membership).select_related("actor__user").order_by("-created_at")


def feedback_for(membership: Membership) -> QuerySet[CustomerFeedback]:
    rows: QuerySet[CustomerFeedback] = (
        CustomerFeedback.objects.visible_to(membership).select_related("author__user").order_by("-created_at")
    )
    return rows


# --- Comments ----------------------------------------------------------------------------------


@transaction.atomic
def comment_post(*, actor: Membership, project: Project, body: str, internal_only: bool = False) -> ProjectComment:
    """A comment on the project. Customer participants cannot post internal-only ones (forced off)."""
    require(actor, "comments.post")
    check_in_workspace(actor, project, own_account=True)
    body = (body or "").strip()
    if not body:
        raise ValidationError({"body": "Write a comment first."})
    internal_only = bool(internal_only) and actor.is_internal
    comment = save_validated(ProjectComment(project=project, author=actor, body=body, internal_only=internal_only))
    activity_record(
        project=project,
        actor=actor,
        verb="comment.posted",
        summary=f"{actor.user.display_name} commented{' (internal)' if internal_only else ''}",
        internal_only=internal_only,
    )
    return comment


# --- Attachments -------------------------------------------------------------------------------


@transaction.atomic
def attachment_upload(
    *, actor: Membership, project: Project, uploaded_file: UploadedFile | None, internal_only: bool = False
) -> ProjectAttachment:
    """Attach a file: size and type (extension and sniffed content) checked, stored under a generated name."""
    require(actor, "attachments.upload")
    check_in_workspace(actor, project, own_account=True)
    limit_mb = max_upload_mb()
    rules = _upload_rules(limit_mb)
    if uploaded_file is None:
        raise ValidationError({"file": f"Choose a file. {rules}"})
    original_name = os.path.basename((uploaded_file.name or "").replace("\\", "/")).strip()[:255] or "file"
    extension = original_name.rsplit(".", 1)[-1].lower() if "." in original_name else ""
    size = int(uploaded_file.size or 0)
    if size > limit_mb * 1024 * 1024:
        raise ValidationError({"file": f"The file is {size / 1024 / 1024:.1f} MB: too big. {rules}"})
    if size == 0:
        raise ValidationError({"file": f"The file is empty. {rules}"})
    if extension not in ALLOWED_TYPES:
        raise ValidationError({"file": f"Files of type '.{extension or '?'}' are not accepted. {rules}"})
    uploaded_file.seek(0)
    head = uploaded_file.read(SNIFF_BYTES)
    uploaded_file.seek(0)
    if not content_matches(extension, head):
        raise ValidationError({"file": f"The content of “{original_name}” is not a {extension.upper()} file. {rules}"})
    internal_only = bool(internal_only) and actor.is_internal
    attachment = ProjectAttachment(
        project=project,
        original_name=original_name,
        content_type=ALLOWED_TYPES[extension],
        size=size,
        internal_only=internal_only,
        uploaded_by=actor,
    )
    attachment.tenant_id = current_tenant_id()
    attachment.file.save(original_name, uploaded_file, save=False)
    stored_name = attachment.file.name or ""
    try:
        save_validated(attachment)
    except ValidationError:
        attachment.file.storage.delete(stored_name)
        raise
    activity_record(
        project=project,
        actor=actor,
        verb="attachment.uploaded",
        summary=f"{actor.user.display_name} attached {original_name}",
        internal_only=internal_only,
    )
    return attachment


def can_delete_attachment(actor: Membership, attachment: ProjectAttachment) -> bool:
    return can(actor, "attachments.delete") and (
        actor.role == Role.ADMIN or (attachment.uploaded_by_id is not None and attachment.uploaded_by_id == actor.pk)
    )


@transaction.atomic
def attachment_delete(*, actor: Membership, attachment: ProjectAttachment) -> None:
    """Delete an attachment (its uploader or an admin); the file goes after commit."""
    require(actor, "attachments.delete")
    project = attachment.project
    check_in_workspace(actor, project, own_account=True)
    if not can_delete_attachment(actor, attachment):
        raise PermissionDenied("Only the person who uploaded a file, or an admin, can delete it.")
    storage, name, original = attachment.file.storage, attachment.file.name or "", attachment.original_name
    internal_only = attachment.internal_only
    attachment.delete()
    transaction.on_commit(lambda: storage.delete(name))
    activity_record(
        project=project,
        actor=actor,
        verb="attachment.deleted",
        summary=f"{actor.user.display_name} deleted the attachment {original}",
        internal_only=internal_only,
    )


# --- Customer feedback -------------------------------------------------------------------------


def last_decided_review(project: Project) -> TollgateReview | None:
    review: TollgateReview | None = (
        TollgateReview.objects.filter(project=project, decided_at__isnull=False)
        .exclude(decision__in=[ReviewDecision.PENDING, ReviewDecision.WITHDRAWN])
        .order_by("-decided_at")
        .first()
    )
    return review


def default_feedback_phase(project: Project, review: TollgateReview | None = None) -> str:
    """ "closed" for a closed project, else the phase of the most recently decided tollgate, else the current phase."""
    if project.phase == Phase.CLOSED:
        return Phase.CLOSED
    if review is not None:
        return review.phase
    return project.phase


def _parse_satisfaction(value: Any) -> int:
    try:
        number = int(str(value).strip())
    except (TypeError, ValueError):
        raise ValidationError({"satisfaction": "Choose a score from 1 to 5."}) from None
    if not 1 <= number <= 5:
        raise ValidationError({"satisfaction": "Choose a score from 1 to 5."})
    return number


@transaction.atomic
def feedback_give(
    *,
    actor: Membership,
    project: Project,
    satisfaction: Any,
    what_worked: str = "",
    what_to_change: str = "",
    phase: str | None = None,
    review: TollgateReview | None = None,
) -> CustomerFeedback:
    """A customer participant of the project's account says how a phase (or the project) went; once per phase."""
    require(actor, "feedback.give")
    check_in_workspace(actor, project, own_account=True)
    if not actor.is_customer or actor.customer_account_id != project.customer_account_id:
        raise PermissionDenied("Only customer participants of this account give feedback on the project.")
    score = _parse_satisfaction(satisfaction)
    if review is not None and (review.tenant_id != current_tenant_id() or review.project_id != project.pk):
        raise ValidationError({"review": "That tollgate review is not of this project."})
    if not phase:
        if review is not None and project.phase != Phase.CLOSED:
            phase = review.phase
        else:
            phase = default_feedback_phase(project, last_decided_review(project))
    if phase not in Phase.values or (phase == Phase.CANCELLED and project.phase != Phase.CANCELLED):
        raise ValidationError({"phase": f"'{phase}' is not a phase of this project."})
    reached = (
        phase == project.phase
        or PhaseVisit.objects.filter(project=project, phase=phase).exists()
        or TollgateReview.objects.filter(project=project, phase=phase, decided_at__isnull=False).exists()
    )
    if not reached:
        raise ValidationError({"phase": f"The project has not been in {Phase(phase).label} yet."})
    if CustomerFeedback.objects.filter(project=project, phase=phase, author=actor).exists():
        raise ValidationError({"phase": "You already gave feedback on this phase."})
    feedback = save_validated(
        CustomerFeedback(
            project=project,
            review=review,
            phase=phase,
            author=actor,
            satisfaction=score,
            what_worked=(what_worked or "").strip(),
            what_to_change=(what_to_change or "").strip(),
        )
    )
    phase_label = Phase(phase).label
    announce(
        project=project,
        actor=actor,
        verb="feedback.given",
        summary=f"{actor.user.display_name} gave feedback on {phase_label}: {score}/5",
        recipients=[project.lead, project.coach],
        message=f"{actor.user.display_name} rated {phase_label} of {project.title} {score}/5.",
    )
    return feedback


def feedback_prompt(project: Project, membership: Membership) -> dict[str, Any] | None:
    """For a customer participant of the account: the phase to ask about ("How did this phase go?")
    when a tollgate was approved (or the project closed) and they have not given feedback on it yet."""
    if not (membership.is_customer and membership.customer_account_id == project.customer_account_id):
        return None
    approved = (
        TollgateReview.objects.filter(project=project, decision=ReviewDecision.APPROVED, decided_at__isnull=False)
        .order_by("-decided_at")
        .first()
    )
    if approved is None and project.phase != Phase.CLOSED:
        return None
    phase = Phase.CLOSED if project.phase == Phase.CLOSED or approved is None else approved.phase
    if CustomerFeedback.objects.filter(project=project, phase=phase, author=membership).exists():
        return None
    return {"phase": phase, "label": Phase(phase).label, "review": approved}


# --- Feedback summary (internal) ---------------------------------------------------------------

SUMMARY_SORTS = {
    "account": lambda r: r["account_name"].lower(),
    "responses": lambda r: r["responses"],
    "average": lambda r: r["average"] or Decimal("0"),
    "latest": lambda r: r["latest_at"],
}


def _quarter_of(moment: Any) -> str:
    return quarters.of(timezone.localtime(moment).date())


def _one_decimal(value: Any) -> Decimal | None:
    return None if value is None else Decimal(str(value)).quantize(Decimal("0.1"))


def _satisfaction_by_quarter(base: QuerySet[CustomerFeedback], window: list[str]) -> dict[Any, dict[str, list[int]]]:
    """account id → quarter → the satisfaction scores given in it (the quarters of ``window``). One query."""
    since = quarters.start_date(window[0])
    recent = (
        base.filter(created_at__date__gte=since)
        .values_list("project__customer_account_id", "created_at", "satisfaction")
        .order_by()
    )
    per_quarter: dict[Any, dict[str, list[int]]] = defaultdict(lambda: defaultdict(list))
    for account_id, created_at, satisfaction in recent:
        per_quarter[account_id][_quarter_of(created_at)].append(satisfaction)
    return per_quarter


def _latest_comments(base: QuerySet[CustomerFeedback], per_account: int) -> dict[Any, list[dict[str, Any]]]:
    """account id → its latest feedback with words in it (at most ``per_account``). One query."""
    comments: dict[Any, list[dict[str, Any]]] = defaultdict(list)
    latest_rows = (
        base.exclude(what_worked="", what_to_change="")
        .select_related("project", "author__user")
        .order_by("-created_at")[:500]
    )
    for feedback in latest_rows:
        account_id = feedback.project.customer_account_id
        if len(comments[account_id]) < per_account:
            comments[account_id].append(
                {
                    "project": feedback.project,
                    "phase": feedback.get_phase_display(),
                    "satisfaction": feedback.satisfaction,
                    "what_worked": feedback.what_worked,
                    "what_to_change": feedback.what_to_change,
                    "created_at": feedback.created_at,
                }
            )
    return comments


def _trend(by_quarter: dict[str, list[int]], window: list[str]) -> list[dict[str, Any]]:
    trend = []
    for quarter in window:
        values = by_quarter.get(quarter, [])
        average = (Decimal(sum(values)) / len(values)).quantize(Decimal("0.1")) if values else None
        trend.append({"quarter": quarter, "responses": len(values), "average": average})
    return trend


def feedback_summary(
    membership: Membership, *, sort: str = "account", comments_per_account: int = 3
) -> list[dict[str, Any]]:
    """Per customer account: responses, average satisfaction, trend over the last 4 quarters and
    the latest comments. Three queries whatever the number of accounts."""
    base = feedback_for(membership).select_related(None).order_by()
    rows = list(
        base.values("project__customer_account_id")
        .annotate(responses=Count("id"), average=Avg("satisfaction"), latest=Max("created_at"))
        .order_by()
    )
    if not rows:
        return []
    account_ids = [row["project__customer_account_id"] for row in rows]
    names = dict(CustomerAccount.objects.filter(pk__in=account_ids).values_list("pk", "name"))
    window = quarters.last(4)
    per_quarter = _satisfaction_by_quarter(base, window)
    comments = _latest_comments(base, comments_per_account)
    result = [
        {
            "account_id": row["project__customer_account_id"],
            "account_name": names.get(row["project__customer_account_id"], "—"),
            "responses": row["responses"],
            "average": _one_decimal(row["average"]),
            "trend": _trend(per_quarter[row["project__customer_account_id"]], window),
            "comments": comments.get(row["project__customer_account_id"], []),
            "latest_at": row["latest"],
        }
        for row in rows
    ]
    key = sort.lstrip("-")
    if key not in SUMMARY_SORTS:
        key, sort = "account", "account"
    result.sort(key=SUMMARY_SORTS[key], reverse=sort.startswith("-"))
    return result


# --- The project page panel --------------------------------------------------------------------


def panel_context(project: Project, membership: Membership) -> dict[str, Any]:
    comments = list(comments_for(membership).filter(project=project).order_by("created_at"))
    attachments = list(attachments_for(membership).filter(project=project).order_by("-created_at"))
    feedback = list(feedback_for(membership).filter(project=project))
    activity = list(activity_for(membership).filter(project=project)[:10])
    limit_mb = max_upload_mb()
    return {
        "discussion_comments": comments,
        "discussion_attachments": attachments,
        "discussion_feedback": feedback,
        "discussion_activity": activity,
        "discussion_feedback_prompt": feedback_prompt(project, membership),
        "discussion_can_comment": can(membership, "comments.post"),
        "discussion_can_upload": can(membership, "attachments.upload"),
        "discussion_upload_rules": _upload_rules(limit_mb),
        "discussion_upload_accept": ACCEPT_ATTR,
        "discussion_user_pk": membership.pk,
        "discussion_is_admin": membership.role == Role.ADMIN,
    }

"""Comments, attachments, customer feedback and the activity feed: internal-only rows never reach
customers (pages and API), uploads are size- and type-checked by extension and content, downloads
are attachments with nosniff, feedback is once per phase, and the feedback summary adds up."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from projects import discussion
from projects.models import (
    CustomerFeedback,
    Phase,
    ProjectActivity,
    ProjectAttachment,
    ProjectComment,
    ReviewDecision,
    TollgateReview,
)
from projects.projects import settings_for_tenant
from projects.tests.factories import project_for

SECRET = "SECRET-internal-do-not-show"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
CSV = "name,value\nblowdown,3\nZürich,4\n".encode()
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 64


def page(world: Any, project: Any, rest: str = "") -> str:
    return f"/t/{world.slug}/projects/{project.pk}/{rest}"


def api(world: Any, rest: str) -> str:
    return f"/api/v1/t/{world.slug}/{rest}"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def project(world_a):
    return project_for(world_a)


def upload(world: Any, project: Any, name: str, content: bytes, *, actor: Any = None, internal_only: bool = False):
    with world.context():
        return discussion.attachment_upload(
            actor=actor or world.rep,
            project=project,
            uploaded_file=SimpleUploadedFile(name, content, content_type="application/octet-stream"),
            internal_only=internal_only,
        )


def approve(world: Any, project: Any, phase: str = Phase.CANDIDATE, days_ago: int = 0) -> TollgateReview:
    with world.context():
        return TollgateReview.objects.create(
            project=project,
            phase=phase,
            submitted_by=world.rep,
            decision=ReviewDecision.APPROVED,
            decided_by=world.member("coach"),
            decided_at=timezone.now() - dt.timedelta(days=days_ago),
        )


# --- Comments ---------------------------------------------------------------------------------


def test_customers_cannot_post_internal_comments(world_a, project):
    with world_a.context():
        comment = discussion.comment_post(actor=world_a.customer_x, project=project, body="Hi", internal_only=True)
        assert comment.internal_only is False
        with pytest.raises(ValidationError):
            discussion.comment_post(actor=world_a.rep, project=project, body="   ")
        with pytest.raises(PermissionDenied):
            discussion.comment_post(actor=world_a.customer_y, project=project, body="Not mine")


def test_internal_rows_never_reach_customers_on_the_page(world_a, project, client_for):
    with world_a.context():
        discussion.comment_post(actor=world_a.rep, project=project, body=f"{SECRET} comment", internal_only=True)
        discussion.comment_post(actor=world_a.rep, project=project, body="Shared progress")
    upload(world_a, project, f"{SECRET}.pdf", PDF, internal_only=True)
    upload(world_a, project, "shared.pdf", PDF)
    with world_a.context():
        internal_file = ProjectAttachment.objects.get(internal_only=True)
        context = discussion.panel_context(project, world_a.customer_x)
        internal_context = discussion.panel_context(project, world_a.rep)
    assert [c.body for c in context["discussion_comments"]] == ["Shared progress"]
    assert [a.original_name for a in context["discussion_attachments"]] == ["shared.pdf"]
    assert all(not line.internal_only for line in context["discussion_activity"])
    assert SECRET not in " ".join(line.summary for line in context["discussion_activity"])
    assert len(internal_context["discussion_comments"]) == 2
    customer = client_for(world_a.customer_x)
    assert customer.get(page(world_a, project, f"attachments/{internal_file.pk}/")).status_code == 404
    activity = customer.get(page(world_a, project, "activity/"))
    assert activity.status_code == 200 and SECRET not in activity.content.decode()
    rep_activity = client_for(world_a.rep).get(page(world_a, project, "activity/")).content.decode()
    assert SECRET in rep_activity


def test_comment_page_post(world_a, project, client_for):
    customer = client_for(world_a.customer_x)
    response = customer.post(page(world_a, project, "comments/"), {"body": "From the customer", "internal_only": "on"})
    assert response.status_code == 302
    client_for(world_a.rep).post(page(world_a, project, "comments/"), {"body": "Ours only", "internal_only": "on"})
    with world_a.context():
        rows = {c.body: c.internal_only for c in ProjectComment.objects.all()}
    assert rows == {"From the customer": False, "Ours only": True}
    assert client_for(world_a.customer_y).post(page(world_a, project, "comments/"), {"body": "x"}).status_code == 404


def test_api_comments_hide_internal_rows_and_field(world_a, project, api_for):
    with world_a.context():
        discussion.comment_post(actor=world_a.rep, project=project, body=SECRET, internal_only=True)
        discussion.comment_post(actor=world_a.rep, project=project, body="Shared")
    customer = api_for(world_a.customer_x)
    rows = customer.get(api(world_a, f"project-comments/?project={project.pk}")).json()["results"]
    assert [r["body"] for r in rows] == ["Shared"]
    assert "internal_only" not in rows[0]
    created = customer.post(
        api(world_a, "project-comments/"),
        {"project": str(project.pk), "body": "Hi", "internal_only": True},
        format="json",
    )
    assert created.status_code == 201
    with world_a.context():
        assert ProjectComment.objects.get(body="Hi").internal_only is False
    activity = customer.get(api(world_a, f"project-activity/?project={project.pk}")).json()["results"]
    assert activity and all("internal_only" not in row for row in activity)
    internal_activity = api_for(world_a.rep).get(api(world_a, f"project-activity/?project={project.pk}")).json()
    assert any(row["internal_only"] for row in internal_activity["results"])
    bad = api_for(world_a.rep).post(api(world_a, "project-comments/"), {"project": str(project.pk), "body": " "})
    assert bad.status_code == 400
    assert (
        api_for(world_a.customer_y).get(api(world_a, f"project-comments/?project={project.pk}")).json()["results"] == []
    )


# --- Attachments ------------------------------------------------------------------------------


def test_pdf_upload_and_download_headers(world_a, project, client_for, media):
    attachment = upload(world_a, project, "Baseline report.pdf", PDF)
    assert attachment.content_type == "application/pdf" and attachment.size == len(PDF)
    assert "Baseline" not in attachment.file.name  # stored under a generated name
    assert (media / attachment.file.name).exists()
    response = client_for(world_a.customer_x).get(page(world_a, project, f"attachments/{attachment.pk}/"))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert 'filename="Baseline report.pdf"' in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content) == PDF


def test_csv_upload_through_the_page(world_a, project, client_for):
    client = client_for(world_a.customer_x)
    response = client.post(
        page(world_a, project, "attachments/"),
        {"file": SimpleUploadedFile("data.csv", CSV, content_type="text/csv"), "internal_only": "on"},
    )
    assert response.status_code == 302
    with world_a.context():
        attachment = ProjectAttachment.objects.get()
    assert attachment.content_type == "text/csv" and attachment.internal_only is False
    download = client.get(page(world_a, project, f"attachments/{attachment.pk}/"))
    assert 'filename="data.csv"' in download["Content-Disposition"]


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        ("virus.exe", EXE, "not accepted"),
        ("invoice.pdf", EXE, "not a PDF"),
        ("table.csv", EXE, "not a CSV"),
        ("notes.txt", b"abc\x00\x01\x02binary", "not a TXT"),
        ("picture.png", PDF, "not a PNG"),
        ("sheet.xlsx", b"not a zip at all", "not a XLSX"),
        ("empty.pdf", b"", "empty"),
    ],
)
def test_wrong_types_are_refused(world_a, project, name, content, expected):
    with pytest.raises(ValidationError) as error:
        upload(world_a, project, name, content)
    message = error.value.message_dict["file"][0]
    assert expected in message
    if content:
        assert "PDF, PNG" in message and "MB" in message
    with world_a.context():
        assert not ProjectAttachment.objects.exists()


def test_too_big_is_refused(world_a, project, client_for):
    with world_a.context():
        settings = settings_for_tenant()
        settings.attachment_max_mb = 1
        settings.save()
    big = PDF + b"0" * (1024 * 1024)
    with pytest.raises(ValidationError) as error:
        upload(world_a, project, "big.pdf", big)
    assert "too big" in error.value.message_dict["file"][0] and "1 MB" in error.value.message_dict["file"][0]
    response = client_for(world_a.rep).post(
        page(world_a, project, "attachments/"), {"file": SimpleUploadedFile("big.pdf", big)}
    )
    assert response.status_code == 200 and "too big" in response.content.decode()
    with world_a.context():
        assert not ProjectAttachment.objects.exists()


@pytest.mark.usefixtures("media")
def test_api_upload_download_and_delete(world_a, project, api_for):
    rep = api_for(world_a.rep)
    created = rep.post(
        api(world_a, "project-attachments/"),
        {"project": str(project.pk), "file": SimpleUploadedFile("r.pdf", PDF)},
        format="multipart",
    )
    assert created.status_code == 201, created.content
    attachment_id = created.json()["id"]
    bad = rep.post(
        api(world_a, "project-attachments/"),
        {"project": str(project.pk), "file": SimpleUploadedFile("r.pdf", EXE)},
        format="multipart",
    )
    assert bad.status_code == 400 and "file" in bad.json()["error"]["fields"]
    download = api_for(world_a.customer_x).get(api(world_a, f"project-attachments/{attachment_id}/download/"))
    assert download.status_code == 200
    assert download["X-Content-Type-Options"] == "nosniff"
    assert 'filename="r.pdf"' in download["Content-Disposition"]
    assert (
        api_for(world_a.member("coach")).delete(api(world_a, f"project-attachments/{attachment_id}/")).status_code
        == 403
    )
    assert rep.delete(api(world_a, f"project-attachments/{attachment_id}/")).status_code == 204
    with world_a.context():
        assert not ProjectAttachment.objects.exists()


def test_api_customers_never_get_internal_attachments(world_a, project, api_for):
    secret = upload(world_a, project, "secret.pdf", PDF, internal_only=True)
    customer = api_for(world_a.customer_x)
    assert customer.get(api(world_a, "project-attachments/")).json()["results"] == []
    assert customer.get(api(world_a, f"project-attachments/{secret.pk}/download/")).status_code == 404
    assert customer.get(api(world_a, f"project-attachments/{secret.pk}/")).status_code == 404


def test_delete_page_uploader_or_admin(world_a, project, client_for):
    attachment = upload(world_a, project, "r.pdf", PDF)
    url = page(world_a, project, f"attachments/{attachment.pk}/delete/")
    assert client_for(world_a.member("coach")).get(url).status_code == 403
    assert client_for(world_a.member("coach")).post(url).status_code == 403
    assert "Delete this file?" in client_for(world_a.rep).get(url).content.decode()
    assert client_for(world_a.admin).post(url).status_code == 302
    with world_a.context():
        assert not ProjectAttachment.objects.exists()


# --- Feedback ---------------------------------------------------------------------------------


def test_feedback_once_per_phase_and_default_phase(world_a, project):
    approve(world_a, project, Phase.CANDIDATE, days_ago=3)
    approve(world_a, project, Phase.DEFINE, days_ago=1)
    with world_a.context():
        assert discussion.feedback_prompt(project, world_a.customer_x)["phase"] == Phase.DEFINE
        feedback = discussion.feedback_give(
            actor=world_a.customer_x, project=project, satisfaction=4, what_worked="Fast"
        )
        assert feedback.phase == Phase.DEFINE
        assert discussion.feedback_prompt(project, world_a.customer_x) is None
        with pytest.raises(ValidationError) as error:
            discussion.feedback_give(actor=world_a.customer_x, project=project, satisfaction=5)
        assert "You already gave feedback on this phase" in str(error.value)
        for bad in (0, 6, "x"):
            with pytest.raises(ValidationError):
                discussion.feedback_give(actor=world_a.customer_x, project=project, satisfaction=bad, phase="candidate")
        for outsider in (world_a.rep, world_a.customer_y):
            with pytest.raises(PermissionDenied):
                discussion.feedback_give(actor=outsider, project=project, satisfaction=3, phase="candidate")
        assert CustomerFeedback.objects.count() == 1


def test_feedback_on_a_closed_project_is_about_closing(world_a, project):
    approve(world_a, project, Phase.CONTROL)
    with world_a.context():
        project.phase = Phase.CLOSED
        project.save(update_fields=["phase"])
        assert discussion.feedback_give(actor=world_a.customer_x, project=project, satisfaction=5).phase == Phase.CLOSED


def test_feedback_pages_and_api(world_a, project, client_for, api_for):
    approve(world_a, project)
    customer = client_for(world_a.customer_x)
    url = page(world_a, project, "feedback/")
    assert customer.get(url).status_code == 200
    assert client_for(world_a.rep).post(url, {"satisfaction": "4", "phase": "candidate"}).status_code == 403
    response = customer.post(url, {"satisfaction": "9", "phase": "candidate"})
    assert response.status_code == 200 and response.context["form"].errors
    assert (
        customer.post(url, {"satisfaction": "4", "phase": "candidate", "what_to_change": "More data"}).status_code
        == 302
    )
    again = customer.post(url, {"satisfaction": "2", "phase": "candidate"})
    assert again.status_code == 200 and "You already gave feedback on this phase" in again.content.decode()
    client = api_for(world_a.customer_x)
    early = client.post(
        api(world_a, "project-feedback/"), {"project": str(project.pk), "satisfaction": 5, "phase": "define"}
    )
    assert early.status_code == 400 and "phase" in early.json()["error"]["fields"]  # not reached yet
    approve(world_a, project, Phase.DEFINE)
    response = client.post(
        api(world_a, "project-feedback/"), {"project": str(project.pk), "satisfaction": 5, "phase": "define"}
    )
    assert response.status_code == 201, response.content
    dup = client.post(
        api(world_a, "project-feedback/"), {"project": str(project.pk), "satisfaction": 5, "phase": "define"}
    )
    assert dup.status_code == 400
    assert (
        api_for(world_a.rep)
        .post(api(world_a, "project-feedback/"), {"project": str(project.pk), "satisfaction": 5})
        .status_code
        == 403
    )
    assert len(api_for(world_a.rep).get(api(world_a, "project-feedback/")).json()["results"]) == 2
    assert api_for(world_a.customer_y).get(api(world_a, "project-feedback/")).json()["results"] == []


def test_feedback_summary_numbers(world_a, client_for, api_for, django_assert_max_num_queries):
    p1 = project_for(world_a)
    p2 = project_for(world_a, account=world_a.account_y, title="Coating line scrap")
    for project, phase in ((p1, Phase.DEFINE), (p1, Phase.MEASURE), (p2, Phase.DEFINE)):
        approve(world_a, project, phase)
    with world_a.context():
        discussion.feedback_give(
            actor=world_a.customer_x, project=p1, satisfaction=4, phase="define", what_worked="Good"
        )
        discussion.feedback_give(actor=world_a.customer_x, project=p1, satisfaction=2, phase="measure")
        discussion.feedback_give(actor=world_a.customer_y, project=p2, satisfaction=5, phase="define")
        with django_assert_max_num_queries(4):
            rows = discussion.feedback_summary(world_a.rep, sort="-average")
    assert [(r["account_name"], r["responses"], r["average"]) for r in rows] == [
        (world_a.account_y.name, 1, Decimal("5.0")),
        (world_a.account_x.name, 2, Decimal("3.0")),
    ]
    assert rows[1]["trend"][-1]["responses"] == 2 and len(rows[1]["trend"]) == 4
    assert rows[1]["comments"][0]["what_worked"] == "Good"
    html = client_for(world_a.rep).get(f"/t/{world_a.slug}/projects/feedback/?sort=responses").content.decode()
    assert world_a.account_x.name in html
    assert client_for(world_a.customer_x).get(f"/t/{world_a.slug}/projects/feedback/").status_code == 403
    body = api_for(world_a.rep).get(api(world_a, "feedback-summary/?sort=-responses")).json()
    assert body[0]["responses"] == 2 and body[0]["average"] == "3.0"
    assert api_for(world_a.rep).get(api(world_a, "feedback-summary/?sort=bogus")).status_code == 400
    assert api_for(world_a.customer_x).get(api(world_a, "feedback-summary/")).status_code == 403


def test_feedback_summary_empty_state(world_a, client_for):
    html = client_for(world_a.rep).get(f"/t/{world_a.slug}/projects/feedback/").content.decode()
    assert "No customer feedback yet" in html


def test_panel_prompt_and_query_count(world_a, project, django_assert_max_num_queries):
    from django.template.loader import render_to_string

    approve(world_a, project)
    for i in range(5):
        with world_a.context():
            discussion.comment_post(
                actor=world_a.rep, project=project, body=f"comment-number-{i}", internal_only=i % 2 == 0
            )
        upload(world_a, project, f"f{i}.pdf", PDF)
    with world_a.context(), django_assert_max_num_queries(8):
        context = discussion.panel_context(project, world_a.customer_x)
    html = render_to_string(
        "projects/discussion/_project_panel.html",
        {**context, "project": project, "membership": world_a.customer_x, "tenant": world_a.tenant},
    )
    assert "How did this phase go?" in html
    assert "Internal only" not in html  # customers are not offered the checkbox
    assert "comment-number-0" not in html and "comment-number-1" in html


def test_activity_page_is_paginated_newest_first(world_a, project, client_for):
    with world_a.context():
        for i in range(30):
            discussion.comment_post(actor=world_a.rep, project=project, body=f"c{i}")
        total = ProjectActivity.objects.filter(project=project).count()
    response = client_for(world_a.rep).get(page(world_a, project, "activity/"))
    assert response.status_code == 200
    assert response.context["page_obj"].paginator.count == total
    first = list(response.context["page_obj"])
    assert first[0].created_at >= first[-1].created_at


@pytest.mark.parametrize("route", ["project-comments", "project-attachments", "project-activity", "project-feedback"])
def test_api_lists_have_constant_queries(world_a, project, api_for, django_assert_max_num_queries, route):
    with world_a.context():
        for i in range(6):
            discussion.comment_post(actor=world_a.rep, project=project, body=f"c{i}")
    for i in range(3):
        upload(world_a, project, f"f{i}.pdf", PDF)
    client = api_for(world_a.rep)
    with django_assert_max_num_queries(10):
        response = client.get(api(world_a, f"{route}/?project={project.pk}"))
    assert response.status_code == 200


def test_feedback_on_a_phase_the_project_has_not_reached_is_refused(world_a):
    from django.core.exceptions import ValidationError as _ValidationError

    from projects import discussion as _discussion
    from projects.models import CustomerFeedback as _CustomerFeedback
    from projects.tests.factories import project_for as _project_for

    project = _project_for(world_a)  # a candidate
    with world_a.context():
        with pytest.raises(_ValidationError) as error:
            _discussion.feedback_give(actor=world_a.customer_x, project=project, satisfaction=4, phase="control")
        assert "phase" in error.value.message_dict
        assert not _CustomerFeedback.objects.filter(project=project).exists()
        _discussion.feedback_give(actor=world_a.customer_x, project=project, satisfaction=4, phase="candidate")
        assert _CustomerFeedback.objects.filter(project=project, phase="candidate").count() == 1

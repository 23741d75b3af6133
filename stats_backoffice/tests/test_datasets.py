"""Data sets: upload and paste from the page and the API, the worker's reading, the profile page,
versions, edit and delete; bad uploads get a message and save nothing; customers and internal data."""

from __future__ import annotations

import gzip

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils.html import escape

from core.jobs import job_run
from stats_backoffice.models import DataSet, DataSetVersion, StatsSettings
from stats_backoffice.tests.factories import SMALL_CSV, stats_project, temporary_media, version_for

pytestmark = pytest.mark.django_db


def _create_url(world, project):
    return reverse("stats:dataset-create", kwargs={"tenant_slug": world.slug, "pk": project.pk})


def _detail_url(world, dataset_id):
    return reverse("stats:dataset-detail", kwargs={"tenant_slug": world.slug, "pk": dataset_id})


def _read_latest(world, dataset_id):
    with world.context():
        version = DataSetVersion.objects.filter(dataset_id=dataset_id).order_by("-number").first()
        job_run(job_id=str(version.job_id))
        return DataSetVersion.objects.select_related("job").get(pk=version.pk)


def test_upload_on_the_page_is_read_by_the_worker_and_profiled(world_a, client_for):
    temporary_media()
    project = stats_project(world_a)
    client = client_for(world_a.rep)
    response = client.post(
        _create_url(world_a, project),
        {"mode": "upload", "name": "Survey", "phase": "", "file": SimpleUploadedFile("survey.csv", SMALL_CSV)},
    )
    assert response.status_code == 302
    with world_a.context():
        dataset = DataSet.objects.get(name="Survey")
    page = client.get(_detail_url(world_a, dataset.pk))
    assert b'data-testid="reading-panel"' in page.content  # the worker has not read it yet
    version = _read_latest(world_a, dataset.pk)
    assert version.state == "ready", version.failure
    assert version.n_rows == 12 and version.n_columns == 5
    assert {c["name"]: c["kind"] for c in version.columns}["group"] == "categorical"
    page = client.get(_detail_url(world_a, dataset.pk))
    text = page.content.decode()
    assert "12 rows × 5 columns" in text and 'data-testid="preview"' in text and "New analysis" in text


def test_paste_a_small_table(world_a, client_for):
    temporary_media()
    project = stats_project(world_a)
    response = client_for(world_a.rep).post(
        _create_url(world_a, project), {"mode": "paste", "text": "a\tb\n1\t2\n3\t5\n4\t4\n", "name": "Pasted"}
    )
    assert response.status_code == 302
    with world_a.context():
        dataset = DataSet.objects.get(name="Pasted")
    version = _read_latest(world_a, dataset.pk)
    assert version.state == "ready" and version.n_rows == 3


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("empty.csv", b"", "empty"),
        ("image.csv", b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8, "binary"),
        ("notes.docx", b"PK\x03\x04rest", "accepted"),
    ],
)
def test_bad_uploads_get_a_message_and_save_nothing(world_a, client_for, name, content, message):
    temporary_media()
    project = stats_project(world_a)
    response = client_for(world_a.rep).post(
        _create_url(world_a, project), {"mode": "upload", "file": SimpleUploadedFile(name, content)}
    )
    assert response.status_code == 400
    assert message in response.content.decode().lower()
    with world_a.context():
        assert not DataSet.objects.exists()


def test_no_file_and_an_empty_paste_are_form_errors(world_a, client_for):
    project = stats_project(world_a)
    client = client_for(world_a.rep)
    assert "Choose a file" in client.post(_create_url(world_a, project), {"mode": "upload"}).content.decode()
    response = client.post(_create_url(world_a, project), {"mode": "paste", "text": "   "})
    assert response.status_code == 400


def test_the_tenant_size_cap_stops_the_upload(world_a, client_for):
    temporary_media()
    project = stats_project(world_a)
    with world_a.context():
        StatsSettings.objects.update_or_create(tenant=world_a.tenant, defaults={"max_upload_mb": 1})
    big = b"a,b\n" + b"1,2\n" * 300_000  # 1.2 MB
    response = client_for(world_a.rep).post(
        _create_url(world_a, project), {"mode": "upload", "file": SimpleUploadedFile("big.csv", big)}
    )
    assert response.status_code == 400
    assert "too big" in response.content.decode()
    with world_a.context():
        assert not DataSet.objects.exists()


def test_a_gzip_declaring_a_huge_size_is_refused_in_the_request(world_a, client_for):
    temporary_media()
    project = stats_project(world_a)
    with world_a.context():
        StatsSettings.objects.update_or_create(tenant=world_a.tenant, defaults={"max_decompressed_mb": 1})
    bomb = gzip.compress(b"0" * (3 * 1024 * 1024))
    response = client_for(world_a.rep).post(
        _create_url(world_a, project), {"mode": "upload", "file": SimpleUploadedFile("bomb.csv.gz", bomb)}
    )
    assert response.status_code == 400
    assert "decompressed" in response.content.decode()


def test_a_file_that_cannot_be_read_says_why_on_the_page(world_a, client_for):
    version = version_for(world_a, content=b"a,b\n1,2,3\n4,5\n", name="ragged.csv")
    assert version.state == "failed"
    page = client_for(world_a.rep).get(_detail_url(world_a, version.dataset_id)).content.decode()
    assert 'data-testid="reading-error"' in page and escape(version.failure) in page
    assert "line" in version.failure.lower() or "row" in version.failure.lower()


def test_a_new_version_keeps_the_old_one(world_a, client_for):
    version = version_for(world_a)
    url = reverse("stats:version-create", kwargs={"tenant_slug": world_a.slug, "pk": version.dataset_id})
    response = client_for(world_a.rep).post(
        url, {"file": SimpleUploadedFile("v2.csv", SMALL_CSV + b"30.0,13,4.1,a,1\n")}
    )
    assert response.status_code == 302
    second = _read_latest(world_a, version.dataset_id)
    assert second.number == 2 and second.n_rows == 13
    with world_a.context():
        assert DataSetVersion.objects.filter(dataset_id=version.dataset_id).count() == 2


def test_customer_of_the_account_uploads_and_never_sees_internal_data(world_a, client_for):
    project = stats_project(world_a)
    mine = version_for(world_a, project=project, actor=world_a.customer_x, name="from-customer.csv")
    secret = version_for(world_a, project=project, internal_only=True, name="internal.csv")
    customer = client_for(world_a.customer_x)
    assert customer.get(_detail_url(world_a, mine.dataset_id)).status_code == 200
    assert customer.get(_detail_url(world_a, secret.dataset_id)).status_code == 404
    page = customer.get(
        reverse("projects:detail", kwargs={"tenant_slug": world_a.slug, "pk": project.pk})
    ).content.decode()
    assert "from-customer" in page and "internal" not in page.lower().split('data-testid="analyze-panel"')[1][:4000]
    assert client_for(world_a.customer_y).get(_detail_url(world_a, mine.dataset_id)).status_code == 404


def test_edit_and_delete_with_confirmation(world_a, client_for):
    version = version_for(world_a)
    client = client_for(world_a.rep)
    kwargs = {"tenant_slug": world_a.slug, "pk": version.dataset_id}
    response = client.post(reverse("stats:dataset-edit", kwargs=kwargs), {"name": "", "phase": ""})
    assert response.status_code == 400  # a name is required; nothing saved
    assert (
        client.post(reverse("stats:dataset-edit", kwargs=kwargs), {"name": "Renamed", "phase": "measure"}).status_code
        == 302
    )
    confirm = client.get(reverse("stats:dataset-delete", kwargs=kwargs))
    assert b"cannot be undone" in confirm.content
    assert client.post(reverse("stats:dataset-delete", kwargs=kwargs)).status_code == 302
    with world_a.context():
        assert not DataSet.objects.filter(pk=version.dataset_id).exists()


def test_api_upload_status_profile_and_preview(world_a, api_for):
    temporary_media()
    project = stats_project(world_a)
    api = api_for(world_a.rep)
    base = f"/api/v1/t/{world_a.slug}"
    response = api.post(
        f"{base}/datasets/",
        {"project": str(project.pk), "name": "API", "file": SimpleUploadedFile("a.csv", SMALL_CSV)},
        format="multipart",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["latest_version"]["status"] == "uploaded"
    version = _read_latest(world_a, body["id"])
    detail = api.get(f"{base}/dataset-versions/{version.pk}/").json()
    assert detail["status"] == "ready" and detail["progress"] == 100 and detail["n_rows"] == 12
    profile = api.get(f"{base}/dataset-versions/{version.pk}/profile/").json()
    assert "y" in profile["profile"]["columns"]
    preview = api.get(f"{base}/dataset-versions/{version.pk}/preview/").json()
    assert preview["columns"][0] == "y" and len(preview["rows"]) == 12


def test_api_bad_upload_is_a_400_with_the_field(world_a, api_for):
    project = stats_project(world_a)
    response = api_for(world_a.rep).post(
        f"/api/v1/t/{world_a.slug}/datasets/",
        {"project": str(project.pk), "file": SimpleUploadedFile("x.csv", b"")},
        format="multipart",
    )
    assert response.status_code == 400
    assert "file" in response.json()["error"]["fields"]


def test_a_worker_reads_only_its_own_tenants_files(world_a, world_b):
    from django.core.exceptions import PermissionDenied

    from stats_backoffice import files

    version = version_for(world_a)
    with world_b.context(), pytest.raises(PermissionDenied), files.local_path(version.source.name):
        pass
    with world_a.context(), pytest.raises(PermissionDenied), files.local_path(f"datasets/{world_a.tenant.pk}/../x"):
        pass


def test_the_api_list_reads_the_versions_in_one_query_not_one_per_data_set(
    world_a, api_for, django_assert_max_num_queries
):
    for number in range(4):
        version_for(world_a, name=f"list-{number}.csv", read=False)
    api = api_for(world_a.rep)
    url = f"/api/v1/t/{world_a.slug}/datasets/"
    api.get(url)  # warm the token's session caches
    with django_assert_max_num_queries(8):
        body = api.get(url).json()
    assert body["count"] == 4 and all(row["latest_version"]["number"] == 1 for row in body["results"])

"""Account-level API: tokens, the caller's tenants, ``me``, errors, pagination and the schema."""

from __future__ import annotations

import re
import uuid

import pytest
from rest_framework.test import APIClient

from core import members
from core.models import ApiToken, Role, User
from tests.fixtures import PASSWORD

TOKEN_URL = "/api/v1/auth/token/"
TOKENS_URL = "/api/v1/auth/tokens/"
CURRENT_TOKEN_URL = "/api/v1/auth/tokens/current/"
TENANTS_URL = "/api/v1/tenants/"


def me_url(slug: str) -> str:
    return f"/api/v1/t/{slug}/me/"


def assert_error_shape(response, status: int, code: str | None = None) -> dict:
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"error"}, body
    error = body["error"]
    assert set(error) == {"status", "code", "message", "fields"}, error
    assert error["status"] == status
    assert isinstance(error["message"], str) and error["message"]
    assert isinstance(error["fields"], dict)
    if code is not None:
        assert error["code"] == code, error
    return error


def token_client(raw: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {raw}")
    return client


def obtain_token(email: str, password: str = PASSWORD, **extra: str):
    return APIClient().post(TOKEN_URL, {"email": email, "password": password, **extra}, format="json")


# --- POST /auth/token/ --------------------------------------------------------------------------


def test_token_obtain_returns_a_working_token(world_a):
    response = obtain_token(world_a.rep.user.email, name="laptop")
    assert response.status_code == 201, response.content
    body = response.json()
    assert set(body) == {"id", "token", "name", "created_at"}
    assert body["name"] == "laptop"
    assert len(body["token"]) >= 40

    stored = ApiToken.objects.get(pk=body["id"])
    assert stored.user == world_a.rep.user
    assert body["token"] not in (stored.key_hash, stored.prefix)  # only a hash is kept
    assert body["token"].startswith(stored.prefix)

    me = token_client(body["token"]).get(me_url(world_a.slug))
    assert me.status_code == 200
    assert me.json()["user"]["email"] == world_a.rep.user.email


def test_token_obtain_wrong_password_is_400_in_the_error_shape(world_a):
    response = obtain_token(world_a.rep.user.email, "not the password")
    error = assert_error_shape(response, 400, "invalid_credentials")
    assert error["fields"] == {"non_field_errors": ["E-mail or password is wrong."]}
    assert not ApiToken.objects.filter(user=world_a.rep.user).exists()


def test_token_obtain_unknown_email_is_the_same_400(world_a):
    error = assert_error_shape(obtain_token("nobody@alpha.test"), 400, "invalid_credentials")
    assert "non_field_errors" in error["fields"]


@pytest.mark.parametrize(
    ("payload", "missing"),
    [
        ({}, {"email", "password"}),
        ({"email": "rep@alpha.test"}, {"password"}),
        ({"password": PASSWORD}, {"email"}),
        ({"email": "not-an-email", "password": PASSWORD}, {"email"}),
        ({"email": "rep@alpha.test", "password": PASSWORD, "name": "x" * 101}, {"name"}),
    ],
)
def test_token_obtain_bad_input_lists_field_errors(world_a, payload, missing):
    response = APIClient().post(TOKEN_URL, payload, format="json")
    error = assert_error_shape(response, 400, "invalid")
    assert set(error["fields"]) == missing
    for messages in error["fields"].values():
        assert messages and all(isinstance(m, str) for m in messages)


def test_token_obtain_rejects_malformed_json(db):
    response = APIClient().post(TOKEN_URL, data="{not json", content_type="application/json")
    assert_error_shape(response, 400, "parse_error")


def test_token_obtain_only_accepts_post(db):
    response = APIClient().get(TOKEN_URL)
    assert_error_shape(response, 405, "method_not_allowed")


# --- Token authentication -----------------------------------------------------------------------


def test_unauthenticated_requests_get_401_in_the_error_shape(world_a):
    anonymous = APIClient()
    for path in (TENANTS_URL, TOKENS_URL, me_url(world_a.slug)):
        response = anonymous.get(path)
        assert_error_shape(response, 401, "not_authenticated")
        assert response["WWW-Authenticate"] == "Token"


@pytest.mark.parametrize(
    "header",
    ["Token not-a-real-token", "Token", "Token a b", "token " + "x" * 43],
)
def test_bad_token_headers_get_401(world_a, header):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=header)
    assert_error_shape(client.get(me_url(world_a.slug)), 401, "authentication_failed")


def test_token_of_an_inactive_user_is_refused(world_a, api_for):
    client = api_for(world_a.rep)
    User.objects.filter(pk=world_a.rep.user.pk).update(is_active=False)
    assert_error_shape(client.get(me_url(world_a.slug)), 401, "authentication_failed")


# --- GET /t/<slug>/me/ ---------------------------------------------------------------------------


def test_me_returns_user_role_tenant_and_no_account_for_internal_members(world_a, api_for):
    for role, membership in world_a.members.items():
        response = api_for(membership).get(me_url(world_a.slug))
        assert response.status_code == 200, response.content
        body = response.json()
        assert body["id"] == str(membership.pk)
        assert body["role"] == role
        assert body["role_label"] == Role(role).label
        assert body["user"] == {
            "id": str(membership.user.pk),
            "email": membership.user.email,
            "full_name": membership.user.full_name,
        }
        assert body["tenant"] == {"id": str(world_a.tenant.pk), "name": world_a.tenant.name, "slug": world_a.slug}
        assert body["customer_account"] is None


def test_me_of_a_customer_names_their_own_account(world_a, api_for):
    for membership, account in ((world_a.customer_x, world_a.account_x), (world_a.customer_y, world_a.account_y)):
        body = api_for(membership).get(me_url(world_a.slug)).json()
        assert body["role"] == Role.CUSTOMER
        assert body["customer_account"] == {"id": str(account.pk), "name": account.name}


def test_me_works_with_a_session_too(world_a, client_for):
    response = client_for(world_a.member(Role.COACH)).get(me_url(world_a.slug))
    assert response.status_code == 200
    assert response.json()["role"] == Role.COACH


def test_me_of_another_tenant_is_hidden(isolation, world_a):
    isolation.assert_hidden(me_url(world_a.slug))
    isolation.assert_hidden(f"/t/{world_a.slug}/")


def test_me_of_an_unknown_tenant_is_the_same_404(world_a, api_for):
    response = api_for(world_a.rep).get(me_url("no-such-tenant"))
    assert_error_shape(response, 404, "not_found")


def test_me_404_for_an_outsider_does_not_reveal_the_tenant(world_a, world_b, api_for):
    foreign = api_for(world_b.rep).get(me_url(world_a.slug))
    unknown = api_for(world_b.rep).get(me_url("no-such-tenant"))
    assert foreign.status_code == unknown.status_code == 404
    assert foreign.json() == unknown.json()


def test_me_is_read_only(world_a, api_for):
    client = api_for(world_a.admin)
    for method in ("post", "put", "patch", "delete"):
        response = getattr(client, method)(me_url(world_a.slug), {}, format="json")
        # Unmapped unsafe methods are denied by default (HasTenantAction), even for an admin.
        assert_error_shape(response, 403, "permission_denied")


def test_me_query_count_with_a_token(world_a, api_for, django_assert_max_num_queries):
    # Measured 5: token (joined with its user), tenant by slug, set_config for RLS, membership
    # (joined with user and account), context reset. last_used_at is written at most every 5 min.
    client = api_for(world_a.customer_x)
    with django_assert_max_num_queries(6):  # first use also stamps last_used_at
        assert client.get(me_url(world_a.slug)).status_code == 200
    with django_assert_max_num_queries(5):
        response = client.get(me_url(world_a.slug))
    assert response.status_code == 200
    assert response.json()["customer_account"]["id"] == str(world_a.account_x.pk)


def test_me_query_count_with_a_session(world_a, client_for, django_assert_max_num_queries):
    # Measured 6: session, user, tenant by slug, set_config, membership, context reset.
    client = client_for(world_a.customer_x)
    with django_assert_max_num_queries(6):
        response = client.get(me_url(world_a.slug))
    assert response.status_code == 200
    assert response.json()["role"] == Role.CUSTOMER


# --- Token management ---------------------------------------------------------------------------


def test_delete_current_token_revokes_it(world_a):
    raw = obtain_token(world_a.rep.user.email).json()["token"]
    client = token_client(raw)
    assert client.get(me_url(world_a.slug)).status_code == 200

    response = client.delete(CURRENT_TOKEN_URL)
    assert response.status_code == 204
    assert ApiToken.objects.get(prefix=raw[:8]).revoked_at is not None

    assert_error_shape(client.get(me_url(world_a.slug)), 401, "authentication_failed")
    assert_error_shape(client.delete(CURRENT_TOKEN_URL), 401, "authentication_failed")


def test_delete_current_token_with_a_session_is_400(world_a, client_for):
    client = client_for(world_a.rep)
    response = client.delete(CURRENT_TOKEN_URL)
    # A session client has no CSRF check in tests; the view refuses because no token is in use.
    assert_error_shape(response, 400, "not_token_auth")


def test_token_list_shows_only_own_tokens(world_a, world_b, api_for):
    mine_client = api_for(world_a.rep)
    own_second, _ = members.api_token_issue(user=world_a.rep.user, name="second")
    other_a = api_for(world_a.admin)  # noqa: F841  (another user's token in the same tenant)
    other_b = api_for(world_b.rep)  # noqa: F841  (and in another tenant)

    response = mine_client.get(TOKENS_URL)
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"count", "next", "previous", "results"}
    ids = {row["id"] for row in body["results"]}
    expected = {str(t.pk) for t in ApiToken.objects.filter(user=world_a.rep.user)}
    assert ids == expected
    assert str(own_second.pk) in ids and len(ids) == 2
    for row in body["results"]:
        assert set(row) == {"id", "name", "prefix", "created_at", "last_used_at", "revoked_at"}
        assert "key_hash" not in row and "token" not in row


def test_token_detail_and_delete_of_another_users_token_is_404(world_a, world_b, api_for):
    client = api_for(world_a.rep)
    for owner in (world_a.admin, world_b.rep):
        foreign, _ = members.api_token_issue(user=owner.user, name="foreign")
        assert_error_shape(client.get(f"{TOKENS_URL}{foreign.pk}/"), 404, "not_found")
        assert_error_shape(client.delete(f"{TOKENS_URL}{foreign.pk}/"), 404, "not_found")
        foreign.refresh_from_db()
        assert foreign.revoked_at is None


def test_delete_own_token_by_id_revokes_it(world_a, api_for):
    client = api_for(world_a.rep)
    spare, spare_raw = members.api_token_issue(user=world_a.rep.user, name="spare")
    response = client.delete(f"{TOKENS_URL}{spare.pk}/")
    assert response.status_code == 204
    spare.refresh_from_db()
    assert spare.revoked_at is not None
    assert token_client(spare_raw).get(TENANTS_URL).status_code == 401
    # The row stays and is listed as revoked.
    rows = {row["id"]: row for row in client.get(TOKENS_URL).json()["results"]}
    assert rows[str(spare.pk)]["revoked_at"] is not None


@pytest.mark.parametrize("token_id", ["not-a-uuid", "123", "00000000-0000-0000-0000-00000000000Z"])
def test_malformed_token_id_is_404_not_500(world_a, api_for, token_id):
    client = api_for(world_a.rep)
    assert_error_shape(client.get(f"{TOKENS_URL}{token_id}/"), 404, "not_found")
    assert_error_shape(client.delete(f"{TOKENS_URL}{token_id}/"), 404, "not_found")


def test_unknown_token_id_is_404(world_a, api_for):
    assert_error_shape(api_for(world_a.rep).delete(f"{TOKENS_URL}{uuid.uuid4()}/"), 404, "not_found")


def test_tokens_cannot_be_created_or_edited_through_the_list(world_a, api_for):
    client = api_for(world_a.rep)
    assert_error_shape(client.post(TOKENS_URL, {"name": "x"}, format="json"), 405, "method_not_allowed")
    own = ApiToken.objects.filter(user=world_a.rep.user).first()
    assert_error_shape(client.patch(f"{TOKENS_URL}{own.pk}/", {"name": "x"}, format="json"), 405)


# --- GET /tenants/ ------------------------------------------------------------------------------


def test_tenants_lists_only_the_callers_memberships(world_a, world_b):
    user = User.objects.create_user("both@example.test", PASSWORD, full_name="Both Sides")
    in_a = members.membership_create(tenant=world_a.tenant, user=user, role=Role.COACH)
    in_b = members.membership_create(
        tenant=world_b.tenant, user=user, role=Role.CUSTOMER, customer_account=world_b.account_y
    )
    members.tenant_create(name="Charlie Unrelated", slug="charlie")  # exists, but not theirs

    raw = obtain_token("both@example.test").json()["token"]
    response = token_client(raw).get(TENANTS_URL)
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 2
    rows = {row["tenant"]["slug"]: row for row in body["results"]}
    assert set(rows) == {world_a.slug, world_b.slug}
    assert rows[world_a.slug]["id"] == str(in_a.pk)
    assert rows[world_a.slug]["role"] == Role.COACH
    assert rows[world_a.slug]["customer_account"] is None
    assert rows[world_b.slug]["id"] == str(in_b.pk)
    assert rows[world_b.slug]["role"] == Role.CUSTOMER
    assert rows[world_b.slug]["customer_account"] == {"id": str(world_b.account_y.pk), "name": world_b.account_y.name}

    # Both workspaces really open for this user, and the admin of A still sees only A.
    client = token_client(raw)
    assert client.get(me_url(world_a.slug)).json()["role"] == Role.COACH
    assert client.get(me_url(world_b.slug)).json()["role"] == Role.CUSTOMER


def test_tenants_of_a_single_tenant_member(world_a, world_b, api_for):
    body = api_for(world_a.admin).get(TENANTS_URL).json()
    assert body["count"] == 1
    assert [row["tenant"]["slug"] for row in body["results"]] == [world_a.slug]
    assert body["results"][0]["id"] == str(world_a.admin.pk)


def test_tenants_of_a_user_without_memberships_is_empty(db):
    User.objects.create_user("lonely@example.test", PASSWORD)
    raw = obtain_token("lonely@example.test").json()["token"]
    body = token_client(raw).get(TENANTS_URL).json()
    assert body == {"count": 0, "next": None, "previous": None, "results": []}


def test_pagination_shape_with_page_size(world_a, world_b):
    user = User.objects.create_user("both@example.test", PASSWORD)
    members.membership_create(tenant=world_a.tenant, user=user, role=Role.REP)
    members.membership_create(tenant=world_b.tenant, user=user, role=Role.REP)
    client = token_client(obtain_token("both@example.test").json()["token"])

    first = client.get(TENANTS_URL, {"page_size": 1}).json()
    assert set(first) == {"count", "next", "previous", "results"}
    assert first["count"] == 2
    assert len(first["results"]) == 1
    assert first["previous"] is None
    assert first["next"] and "page=2" in first["next"] and "page_size=1" in first["next"]

    second = client.get(TENANTS_URL, {"page_size": 1, "page": 2}).json()
    assert len(second["results"]) == 1
    assert second["next"] is None
    assert second["previous"]
    slugs = {first["results"][0]["tenant"]["slug"], second["results"][0]["tenant"]["slug"]}
    assert slugs == {world_a.slug, world_b.slug}

    # Out-of-range and nonsense pages are a 404 in the error shape, not a 500.
    assert_error_shape(client.get(TENANTS_URL, {"page_size": 1, "page": 3}), 404, "not_found")
    assert_error_shape(client.get(TENANTS_URL, {"page": "abc"}), 404, "not_found")
    # A nonsense page size falls back to the default.
    assert client.get(TENANTS_URL, {"page_size": "lots"}).json()["count"] == 2


def test_token_list_pagination_with_page_size(world_a, api_for):
    client = api_for(world_a.rep)
    for i in range(2):
        members.api_token_issue(user=world_a.rep.user, name=f"extra {i}")
    body = client.get(TOKENS_URL, {"page_size": 1}).json()
    assert body["count"] == 3
    assert len(body["results"]) == 1
    assert body["next"] is not None and body["previous"] is None


# --- Unknown routes, schema and docs ------------------------------------------------------------


@pytest.mark.parametrize("path", ["/api/v1/nothing-here/", "/api/v1/t/alpha/nothing/", "/api/v2/"])
def test_unknown_api_route_is_a_json_404(world_a, api_for, path):
    response = api_for(world_a.rep).get(path)
    assert_error_shape(response, 404, "not_found")


def test_unknown_api_route_is_json_also_for_anonymous_callers(db):
    assert_error_shape(APIClient().get("/api/v1/does-not-exist/"), 404, "not_found")


def test_unknown_page_is_an_html_404(world_a, client_for):
    response = client_for(world_a.rep).get("/no-such-page/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")


def test_openapi_schema_lists_our_paths(db):
    response = APIClient().get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    schema = response.json()
    assert schema["openapi"].startswith("3.")
    paths = schema["paths"]
    for path in ("/api/v1/t/{tenant_slug}/me/", "/api/v1/auth/token/", "/api/v1/tenants/", "/api/v1/auth/tokens/"):
        assert path in paths, sorted(paths)
    assert "post" in paths["/api/v1/auth/token/"]
    assert "get" in paths["/api/v1/t/{tenant_slug}/me/"]
    assert "tokenAuth" in schema["components"]["securitySchemes"]


def test_openapi_schema_default_format_is_yaml(db):
    response = APIClient().get("/api/schema/")
    assert response.status_code == 200
    text = response.content.decode()
    assert "/api/v1/t/{tenant_slug}/me/:" in text
    assert "/api/v1/auth/token/:" in text


def test_api_docs_use_only_local_static_files(db):
    response = APIClient().get("/api/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "swagger" in html.lower()
    assets = re.findall(r"""(?:src|href)\s*=\s*["']([^"']+)["']""", html)
    assert any(a.endswith(".js") for a in assets), assets
    assert any(a.endswith(".css") for a in assets), assets
    external = [a for a in assets if re.match(r"^(https?:)?//", a)]
    assert external == [], f"CDN assets in /api/docs/: {external}"
    assert not re.search(r"""["'](https?:)?//[^"']+\.(js|css)(\?[^"']*)?["']""", html)

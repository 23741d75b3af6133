"""Signing in and out with e-mail and password: HTML form, lockout, password reset."""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.core import mail
from django.test import Client
from rest_framework.test import APIClient

from core.models import User
from tests.fixtures import PASSWORD

LOGIN_URL = "/accounts/login/"
TOKEN_URL = "/api/v1/auth/token/"


def signed_in_user_id(client: Client) -> str | None:
    return client.session.get(SESSION_KEY)


def post_login(client: Client, email: str, password: str, **extra: object):
    return client.post(LOGIN_URL, {"username": email, "password": password}, **extra)


# --- Sign-in -----------------------------------------------------------------------------------


def test_login_page_renders_an_email_form(db):
    response = Client().get(LOGIN_URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'name="username"' in html and 'type="email"' in html
    assert 'name="password"' in html


def test_login_redirects_to_root_then_to_the_only_tenant_home(world_a):
    client = Client()
    response = post_login(client, world_a.rep.user.email, PASSWORD)
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert signed_in_user_id(client) == str(world_a.rep.user.pk)

    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"] == f"/t/{world_a.slug}/"

    home = client.get(response["Location"])
    assert home.status_code == 200
    assert world_a.tenant.name in home.content.decode()


def test_login_honours_a_safe_next_and_ignores_a_foreign_one(world_a):
    client = Client()
    response = client.post(
        LOGIN_URL, {"username": world_a.rep.user.email, "password": PASSWORD, "next": f"/t/{world_a.slug}/"}
    )
    assert response.status_code == 302
    assert response["Location"] == f"/t/{world_a.slug}/"

    other = Client()
    response = other.post(
        LOGIN_URL, {"username": world_a.rep.user.email, "password": PASSWORD, "next": "https://evil.example/"}
    )
    assert response.status_code == 302
    assert response["Location"] == "/"


def test_member_of_two_tenants_gets_the_workspace_picker(world_a, world_b):
    from core import members

    user = User.objects.create_user("both@example.test", PASSWORD)
    members.membership_create(tenant=world_a.tenant, user=user, role="coach")
    members.membership_create(tenant=world_b.tenant, user=user, role="customer", customer_account=world_b.account_x)
    client = Client()
    assert post_login(client, "both@example.test", PASSWORD).status_code == 302
    response = client.get("/")
    assert response.status_code == 200
    html = response.content.decode()
    assert f"/t/{world_a.slug}/" in html and f"/t/{world_b.slug}/" in html
    assert world_b.account_x.name in html  # the customer membership names its account
    assert world_a.account_x.name not in html and "customer-x@" not in html


def test_session_key_changes_at_login(world_a):
    client = Client()
    anonymous = client.session  # creates and saves an anonymous session with a cookie
    anonymous["probe"] = "before login"
    anonymous.save()
    before = anonymous.session_key
    assert before
    assert client.session.session_key == before  # the cookie really carries that session

    response = post_login(client, world_a.rep.user.email, PASSWORD)
    assert response.status_code == 302

    after = client.session.session_key
    assert after and after != before, "session fixation: the session key must change at sign-in"
    assert signed_in_user_id(client) == str(world_a.rep.user.pk)
    # The anonymous session's data travels to the new key, and the old key is no longer usable.
    assert client.session.get("probe") == "before login"
    from importlib import import_module

    store = import_module(settings.SESSION_ENGINE).SessionStore
    assert not store().exists(before)


def test_login_email_is_case_insensitive_and_whitespace_tolerant(world_a):
    client = Client()
    response = post_login(client, "  " + world_a.rep.user.email.upper() + " ", PASSWORD)
    assert response.status_code == 302
    assert signed_in_user_id(client) == str(world_a.rep.user.pk)


def test_api_token_email_is_case_insensitive(world_a):
    response = APIClient().post(TOKEN_URL, {"email": "Rep@ALPHA.test", "password": PASSWORD}, format="json")
    assert response.status_code == 201, response.content
    assert response.json()["token"]


@pytest.mark.parametrize(
    ("email", "password"),
    [
        ("rep@alpha.test", "wrong password"),
        ("nobody@alpha.test", PASSWORD),
        ("", PASSWORD),
        ("rep@alpha.test", ""),
        ("not-an-email", PASSWORD),
    ],
)
def test_bad_credentials_are_refused_on_the_form(world_a, email, password):
    client = Client()
    response = post_login(client, email, password)
    assert response.status_code == 200  # the form again, with an error
    assert response.context["form"].errors
    assert signed_in_user_id(client) is None


def test_login_get_by_signed_in_user_redirects(client_for, world_a):
    client = client_for(world_a.rep)
    response = client.get(LOGIN_URL)
    assert response.status_code == 302
    assert response["Location"] == "/"


def test_anonymous_pages_redirect_to_login(world_a):
    client = Client()
    for path in ("/", f"/t/{world_a.slug}/"):
        response = client.get(path)
        assert response.status_code == 302
        assert response["Location"].startswith(f"{LOGIN_URL}?next=")


def test_inactive_user_cannot_log_in(world_a):
    user = world_a.rep.user
    user.is_active = False
    user.save(update_fields=["is_active"])

    client = Client()
    response = post_login(client, user.email, PASSWORD)
    assert response.status_code == 200
    assert response.context["form"].errors
    assert signed_in_user_id(client) is None
    assert client.get("/").status_code == 302  # still anonymous

    api = APIClient().post(TOKEN_URL, {"email": user.email, "password": PASSWORD}, format="json")
    assert api.status_code == 400
    assert api.json()["error"]["code"] == "invalid_credentials"


def test_deactivated_user_loses_an_existing_session(client_for, world_a):
    client = client_for(world_a.rep)
    assert client.get(f"/t/{world_a.slug}/").status_code == 200
    User.objects.filter(pk=world_a.rep.user.pk).update(is_active=False)
    response = client.get(f"/t/{world_a.slug}/")
    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN_URL)


# --- Sign-out ------------------------------------------------------------------------------------


def test_logout_is_a_post_and_ends_the_session(world_a):
    client = Client()
    post_login(client, world_a.rep.user.email, PASSWORD)
    assert signed_in_user_id(client) is not None

    assert client.get("/accounts/logout/").status_code == 405  # GET must not sign anyone out
    assert signed_in_user_id(client) is not None

    response = client.post("/accounts/logout/")
    assert response.status_code == 302
    assert response["Location"] == LOGIN_URL
    assert signed_in_user_id(client) is None
    assert client.get(f"/t/{world_a.slug}/").status_code == 302


def test_logout_needs_a_csrf_token(world_a):
    client = Client(enforce_csrf_checks=True)
    client.force_login(world_a.rep.user)
    response = client.post("/accounts/logout/")
    assert response.status_code == 403
    assert signed_in_user_id(client) == str(world_a.rep.user.pk)


def test_login_form_needs_a_csrf_token(world_a):
    client = Client(enforce_csrf_checks=True)
    response = post_login(client, world_a.rep.user.email, PASSWORD)
    assert response.status_code == 403
    assert signed_in_user_id(client) is None


# --- Lockout (django-axes) ----------------------------------------------------------------------


def fail_on_form(client: Client, email: str, times: int) -> list[int]:
    return [post_login(client, email, "wrong password").status_code for _ in range(times)]


def test_form_lockout_after_failure_limit_refuses_even_the_right_password(world_a):
    limit = settings.AXES_FAILURE_LIMIT
    assert limit == 5
    client = Client()
    email = world_a.rep.user.email
    statuses = fail_on_form(client, email, limit - 1)
    assert statuses == [200] * (limit - 1)  # plain form errors before the limit
    assert post_login(client, email, "wrong password").status_code == 429  # the limit-th failure locks

    response = post_login(client, email, PASSWORD)
    assert response.status_code == 429
    assert "Sign-in locked" in response.content.decode()
    assert signed_in_user_id(client) is None

    # Changing the case of the e-mail does not open a fresh set of attempts.
    response = post_login(client, email.upper(), PASSWORD)
    assert response.status_code == 429
    assert signed_in_user_id(client) is None

    # The API token endpoint honours the same lock.
    api = APIClient().post(TOKEN_URL, {"email": email, "password": PASSWORD}, format="json")
    assert api.status_code == 429
    assert api.json()["error"]["code"] == "locked_out"


def test_lockout_is_per_account(world_a):
    client = Client()
    fail_on_form(client, world_a.rep.user.email, settings.AXES_FAILURE_LIMIT)
    assert post_login(client, world_a.rep.user.email, PASSWORD).status_code == 429
    # Another account from the same address is not locked.
    response = post_login(client, world_a.member("coach").user.email, PASSWORD)
    assert response.status_code == 302
    assert signed_in_user_id(client) == str(world_a.member("coach").user.pk)


def test_a_success_before_the_limit_resets_the_counter(world_a):
    client = Client()
    email = world_a.rep.user.email
    fail_on_form(client, email, settings.AXES_FAILURE_LIMIT - 1)
    assert post_login(client, email, PASSWORD).status_code == 302
    client.post("/accounts/logout/")
    assert fail_on_form(client, email, settings.AXES_FAILURE_LIMIT - 1) == [200] * (settings.AXES_FAILURE_LIMIT - 1)
    assert post_login(client, email, PASSWORD).status_code == 302


def test_api_token_lockout_returns_json_429(world_a):
    api = APIClient()
    email = world_a.rep.user.email
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        response = api.post(TOKEN_URL, {"email": email, "password": "wrong password"}, format="json")
        assert response.status_code == 400
        assert response.json()["error"]["code"] == "invalid_credentials"
    response = api.post(TOKEN_URL, {"email": email, "password": "wrong password"}, format="json")
    assert response.status_code == 429

    response = api.post(TOKEN_URL, {"email": email, "password": PASSWORD}, format="json")
    assert response.status_code == 429
    assert response["Content-Type"].startswith("application/json")
    error = response.json()["error"]
    assert error["code"] == "locked_out"
    assert error["status"] == 429
    assert error["message"]
    assert "token" not in response.json()

    # ... and the HTML form for the same account too.
    client = Client()
    assert post_login(client, email, PASSWORD).status_code == 429
    assert signed_in_user_id(client) is None


# --- Password reset -----------------------------------------------------------------------------


def request_reset(client: Client, email: str):
    return client.post("/accounts/password_reset/", {"email": email})


def reset_link(message: mail.EmailMessage) -> str:
    match = re.search(r"https?://[^/\s]+(/accounts/reset/[^\s]+/)", message.body)
    assert match, message.body
    return match.group(1)


def test_password_reset_sends_a_working_link(world_a):
    user = world_a.rep.user
    client = Client()
    response = request_reset(client, user.email.upper())
    assert response.status_code == 302
    assert response["Location"] == "/accounts/password_reset/done/"
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [user.email]
    assert "Reset your Partnering password" in message.subject

    link = reset_link(message)
    response = client.get(link)
    assert response.status_code == 302  # Django swaps the token for a session and redirects
    form_url = response["Location"]
    assert form_url.endswith("/set-password/")
    page = client.get(form_url)
    assert page.status_code == 200 and page.context["validlink"] is True

    new_password = "a brand new sturdy passphrase 42"
    # Bad input first: mismatching repeat → the form again, password unchanged.
    response = client.post(form_url, {"new_password1": new_password, "new_password2": "something else"})
    assert response.status_code == 200
    assert response.context["form"].errors
    response = client.post(form_url, {"new_password1": new_password, "new_password2": new_password})
    assert response.status_code == 302
    assert response["Location"] == "/accounts/reset/done/"

    user.refresh_from_db()
    assert user.check_password(new_password)
    assert not user.check_password(PASSWORD)

    fresh = Client()
    assert post_login(fresh, user.email, PASSWORD).status_code == 200  # old password refused
    assert post_login(fresh, user.email, new_password).status_code == 302
    assert signed_in_user_id(fresh) == str(user.pk)

    # The link works once only.
    used = Client().get(link, follow=True)
    assert used.status_code == 200
    assert used.context["validlink"] is False


def test_password_reset_for_unknown_or_inactive_email_sends_nothing(world_a):
    client = Client()
    response = request_reset(client, "nobody@nowhere.test")
    assert response.status_code == 302  # same answer as for a known address: no account probing
    inactive = world_a.member("coach").user
    inactive.is_active = False
    inactive.save(update_fields=["is_active"])
    assert request_reset(client, inactive.email).status_code == 302
    assert mail.outbox == []


def test_password_reset_rejects_a_malformed_email(db):
    response = request_reset(Client(), "not an e-mail")
    assert response.status_code == 200
    assert "email" in response.context["form"].errors
    assert mail.outbox == []


def test_password_reset_link_with_a_forged_token_is_invalid(world_a):
    request_reset(Client(), world_a.rep.user.email)
    link = reset_link(mail.outbox[0])
    forged = re.sub(r"/reset/([^/]+)/[^/]+/", r"/reset/\1/forged-token-123/", link)
    response = Client().get(forged)
    assert response.status_code == 200
    assert response.context["validlink"] is False

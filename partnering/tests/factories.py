"""Builders for partnering rows in tests (each runs inside the world's tenant context) and the
helpers the API tests of every area share."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from django.utils import timezone

from core import members as core_services
from core.models import Membership, User
from partnering import accounts, meetings, relationships, work
from partnering.models import ActionItem, Contact, CustomerAccount, FutureTopic, Meeting, Relationship
from tests.fixtures import PASSWORD


def relationship_for(world: Any, *, account: Any = None, **fields: Any) -> Relationship:
    """A relationship of ``account`` (default: account_x) with both champions set."""
    account = account or world.account_x
    customer = world.customer_x if account.pk == world.account_x.pk else world.customer_y
    with world.context():
        existing = Relationship.objects.filter(account=account, business_unit=fields.get("business_unit", "")).first()
        if existing is not None:
            return existing
        fields.setdefault("supplier_champion", world.member("champion"))
        fields.setdefault("customer_champion", customer)
        return relationships.relationship_create(actor=world.admin, account=account, **fields)


def contact_for(world: Any, *, account: Any = None, **fields: Any) -> Contact:
    with world.context():
        fields.setdefault("full_name", f"Contact of {account or 'us'}")
        return accounts.contact_create(actor=world.admin, account=account, **fields)


def meeting_for(world: Any, *, relationship: Relationship | None = None, **fields: Any) -> Meeting:
    relationship = relationship or relationship_for(world)
    fields.setdefault("starts_at", timezone.now() + dt.timedelta(days=14))
    with world.context():
        return meetings.meeting_create(actor=world.admin, relationship=relationship, **fields)


def action_for(world: Any, *, relationship: Relationship | None = None, owner: Any = None, **fields: Any) -> ActionItem:
    relationship = relationship or relationship_for(world)
    fields.setdefault("title", "Send the cross-audit checklist")
    fields.setdefault("due_on", timezone.localdate() + dt.timedelta(days=7))
    with world.context():
        return work.action_create(actor=world.admin, relationship=relationship, owner=owner or world.rep, **fields)


def topic_for(world: Any, *, relationship: Relationship | None = None, **fields: Any) -> FutureTopic:
    relationship = relationship or relationship_for(world)
    fields.setdefault("title", "Joint cost-savings cross-audit")
    with world.context():
        return work.topic_create(actor=world.admin, relationship=relationship, **fields)


# --- API helpers ------------------------------------------------------------------------------

SECRET = "SECRET-NOTE-do-not-show-customers"


def api(world: Any, path: str) -> str:
    return f"/api/v1/t/{world.slug}/{path}"


def results(response: Any) -> list[dict[str, Any]]:
    assert response.status_code == 200, response.content
    body = response.json()
    assert set(body) >= {"count", "results"}, body  # paginated
    return body["results"]


def ids(response: Any) -> set[str]:
    return {row["id"] for row in results(response)}


def error_fields(response: Any, status: int = 400) -> dict[str, list[str]]:
    assert response.status_code == status, response.content
    error = response.json()["error"]
    assert error["status"] == status
    return error["fields"]


def extra_member(world: Any, role: str, *, account: CustomerAccount | None = None, tag: str = "") -> Membership:
    user = User.objects.create_user(
        f"extra-{role}-{tag}-{uuid.uuid4().hex[:6]}@{world.slug}.test", PASSWORD, full_name=f"Extra {role} {tag}"
    )
    return core_services.membership_create(tenant=world.tenant, user=user, role=role, customer_account=account)


def reread(world: Any, obj: Any) -> Any:
    with world.context():
        return type(obj).objects.get(pk=obj.pk)


def count(world: Any, model: Any, **filters: Any) -> int:
    with world.context():
        return model.objects.filter(**filters).count()

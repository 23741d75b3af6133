"""Builders for partnering rows in tests. Each runs inside the world's tenant context."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from partnering import services
from partnering.models import ActionItem, Contact, FutureTopic, Meeting, Relationship


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
        return services.relationship_create(actor=world.admin, account=account, **fields)


def contact_for(world: Any, *, account: Any = None, **fields: Any) -> Contact:
    with world.context():
        fields.setdefault("full_name", f"Contact of {account or 'us'}")
        return services.contact_create(actor=world.admin, account=account, **fields)


def meeting_for(world: Any, *, relationship: Relationship | None = None, **fields: Any) -> Meeting:
    relationship = relationship or relationship_for(world)
    fields.setdefault("starts_at", timezone.now() + dt.timedelta(days=14))
    with world.context():
        return services.meeting_create(actor=world.admin, relationship=relationship, **fields)


def action_for(world: Any, *, relationship: Relationship | None = None, owner: Any = None, **fields: Any) -> ActionItem:
    relationship = relationship or relationship_for(world)
    fields.setdefault("title", "Send the cross-audit checklist")
    fields.setdefault("due_on", timezone.localdate() + dt.timedelta(days=7))
    with world.context():
        return services.action_create(actor=world.admin, relationship=relationship, owner=owner or world.rep, **fields)


def topic_for(world: Any, *, relationship: Relationship | None = None, **fields: Any) -> FutureTopic:
    relationship = relationship or relationship_for(world)
    fields.setdefault("title", "Joint cost-savings cross-audit")
    with world.context():
        return services.topic_create(actor=world.admin, relationship=relationship, **fields)

"""Partnering: customer accounts (minimal for now; issue #3 adds contacts and relationships)."""

from __future__ import annotations

import pghistory
from django.db import models
from django.utils import timezone

from core.tenancy import TenantScopedModel


@pghistory.track()
class CustomerAccount(TenantScopedModel):
    """A customer company of the tenant. Customer participants are bound to one account."""

    name = models.CharField(max_length=200)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    customer_account_field = "pk"

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["tenant", "name"], name="customer_account_unique_name"),
        ]

    def __str__(self) -> str:
        return self.name

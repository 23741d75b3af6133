"""Models · accounts: customer accounts, the contact Rolodex and the activity log of each contact.

``Side`` (our company or the customer) is shared by every area of the app.
"""

from __future__ import annotations

import pghistory
from django.db import models
from django.utils import timezone

from core.tenancy import TenantScopedModel


class Side(models.TextChoices):
    SUPPLIER = "supplier", "Our company"
    CUSTOMER = "customer", "Customer"


@pghistory.track()
class CustomerAccount(TenantScopedModel):
    """A customer company of the tenant. Customer participants are bound to one account."""

    name = models.CharField(max_length=200)
    industry = models.CharField(max_length=120, blank=True)
    region = models.CharField(max_length=120, blank=True)
    owner = models.ForeignKey(
        "core.Membership",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="owned_accounts",
        help_text="The account owner: a rep of our company.",
    )
    description = models.TextField(blank=True)
    internal_notes = models.TextField(blank=True, help_text="Never shown to customer participants.")
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    customer_account_field = "pk"

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["tenant", "name"], name="customer_account_unique_name"),
        ]

    def __str__(self) -> str:
        return self.name


@pghistory.track()
class Contact(TenantScopedModel):
    """A person in the one tenant-wide Rolodex: of a customer account, or of our own company."""

    account = models.ForeignKey(
        CustomerAccount,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="contacts",
        help_text="Empty for people of our own company.",
    )
    full_name = models.CharField(max_length=150)
    title = models.CharField(max_length=150, blank=True)
    function = models.CharField(max_length=100, blank=True, help_text="e.g. Operations, Quality, Procurement.")
    geography = models.CharField(max_length=100, blank=True)
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=40, blank=True)
    membership = models.OneToOneField(
        "core.Membership",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="contact",
        help_text="The person's login in this workspace, if they have one.",
    )
    internal_notes = models.TextField(blank=True, help_text="Never shown to customer participants.")
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    customer_account_field = "account"

    class Meta:
        ordering = ["full_name"]
        indexes = [models.Index(fields=["tenant", "account", "full_name"])]

    def __str__(self) -> str:
        return self.full_name

    @property
    def side(self) -> str:
        return Side.SUPPLIER if self.account_id is None else Side.CUSTOMER


class ActivityChannel(models.TextChoices):
    CALL = "call", "Call"
    MEETING = "meeting", "Meeting"
    EMAIL = "email", "E-mail"
    VISIT = "visit", "Site visit"
    OTHER = "other", "Other"


class ContactActivity(TenantScopedModel):
    """Who talked to a contact, when, about what. Internal only, visible to every internal user."""

    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="activities")
    author = models.ForeignKey("core.Membership", on_delete=models.SET_NULL, null=True, related_name="+")
    occurred_on = models.DateField(default=timezone.localdate)
    channel = models.CharField(max_length=20, choices=ActivityChannel.choices, default=ActivityChannel.CALL)
    summary = models.TextField()
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    customer_account_field = None  # internal only

    class Meta:
        ordering = ["-occurred_on", "-created_at"]
        verbose_name_plural = "contact activities"

    def __str__(self) -> str:
        return f"{self.contact} · {self.occurred_on}"

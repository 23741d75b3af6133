"""Users, tenants, memberships and API tokens.

A *tenant* is one supplier organisation running a program. A *membership* gives a user a role in
one tenant; a user may belong to several tenants and switches between them. A member with role
*customer* is bound to exactly one ``partnering.CustomerAccount`` and sees only that account.
"""

from __future__ import annotations

import hashlib
import secrets
import uuid
from typing import Any, ClassVar

import pghistory
from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone

from core.tenancy import TenantScopedModel


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **extra: Any) -> User:
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **extra: Any) -> User:
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self.create_user(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    """A person who signs in with e-mail and password. Not tenant-owned: roles live on Membership."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    email = models.EmailField("e-mail address", unique=True)
    full_name = models.CharField(max_length=150, blank=True)
    is_active = models.BooleanField(default=True)
    is_staff = models.BooleanField(
        default=False, help_text="Platform operators only: may open the Django admin for any tenant they belong to."
    )
    date_joined = models.DateTimeField(default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = []

    class Meta:
        ordering = ["email"]

    def __str__(self) -> str:
        return self.full_name or self.email

    def clean(self) -> None:
        super().clean()
        self.email = self.email.strip().lower()

    @property
    def display_name(self) -> str:
        return self.full_name or self.email.split("@")[0]


class Tenant(models.Model):
    """One supplier organisation running a program; tenants never see each other."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=60, unique=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Role(models.TextChoices):
    ADMIN = "admin", "Program office (admin)"
    EXECUTIVE = "executive", "Executive sponsor"
    COACH = "coach", "Coach (Black Belt)"
    CHAMPION = "champion", "Relationship champion"
    REP = "rep", "Sales rep (Green Belt)"
    CUSTOMER = "customer", "Customer participant"


@pghistory.track()
class Membership(TenantScopedModel):
    """A user's role in one tenant. Customers are bound to exactly one customer account."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=20, choices=Role.choices)
    customer_account = models.ForeignKey(
        "partnering.CustomerAccount",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="participants",
        help_text="Required for customer participants, empty for everyone else.",
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    customer_account_field = "customer_account"

    class Meta:
        ordering = ["user__email"]
        constraints = [
            models.UniqueConstraint(fields=["tenant", "user"], name="membership_one_per_tenant"),
            models.CheckConstraint(
                condition=(models.Q(role="customer", customer_account__isnull=False))
                | (~models.Q(role="customer") & models.Q(customer_account__isnull=True)),
                name="membership_customer_has_account",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()}"

    @property
    def is_customer(self) -> bool:
        return self.role == Role.CUSTOMER

    @property
    def is_internal(self) -> bool:
        return self.role != Role.CUSTOMER

    def clean(self) -> None:
        if self.role == Role.CUSTOMER and self.customer_account_id is None:
            raise ValidationError({"customer_account": "A customer participant needs a customer account."})
        if self.role != Role.CUSTOMER and self.customer_account_id is not None:
            raise ValidationError({"customer_account": "Only customer participants belong to a customer account."})
        account = self.customer_account
        if account is not None and account.tenant_id != self.tenant_id:
            raise ValidationError({"customer_account": "That customer account belongs to another tenant."})


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


class ApiTokenQuerySet(models.QuerySet["ApiToken"]):
    def active(self) -> ApiTokenQuerySet:
        return self.filter(revoked_at__isnull=True)


class ApiToken(models.Model):
    """A revocable API token. Only a SHA-256 hash is stored; the token is shown once."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100, blank=True)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    prefix = models.CharField(max_length=8, editable=False, help_text="First characters, to recognise a token.")
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    last_used_at = models.DateTimeField(null=True, blank=True, editable=False)
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.user})"

    @classmethod
    def issue(cls, *, user: User, name: str = "") -> tuple[ApiToken, str]:
        raw = secrets.token_urlsafe(32)
        token = cls.objects.create(user=user, name=name, key_hash=hash_token(raw), prefix=raw[:8])
        return token, raw

    @classmethod
    def lookup(cls, raw: str) -> ApiToken | None:
        return cls.objects.active().select_related("user").filter(key_hash=hash_token(raw)).first()

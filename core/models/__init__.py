"""Core models, one module per area: ``members`` (users, tenants, memberships, API tokens) and
``jobs`` (the job row of the long-work runner). Import them from ``core.models``."""

from core.models.jobs import Job, JobStatus
from core.models.members import ApiToken, ApiTokenQuerySet, Membership, Role, Tenant, User, UserManager, hash_token

__all__ = [
    "ApiToken",
    "ApiTokenQuerySet",
    "Job",
    "JobStatus",
    "Membership",
    "Role",
    "Tenant",
    "User",
    "UserManager",
    "hash_token",
]

"""Serializers of the core projects API (other areas may import ``ProjectSerializer`` read-only).

Ids in a body are looked up among the rows the caller may see in this tenant
(``ScopedPrimaryKeyRelatedField``): a foreign id is a plain 400 "does not exist". The services
check the roles (coach pool, customer sponsor of the account, …). ``internal_notes`` never reaches
customer participants (``CustomerSafeMixin``).
"""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from core.api.fields import CustomerSafeMixin, ScopedPrimaryKeyRelatedField
from core.models import Membership
from knowledge.models import SolutionArea
from partnering.models import Contact, CustomerAccount, Relationship
from projects.models import BeltLevel, CreditOwner, Phase, Project, TeamMember, WaitingKind


def _name(source: str) -> serializers.CharField:
    return serializers.CharField(source=source, read_only=True, allow_null=True, default=None)


class ProjectSerializer(CustomerSafeMixin, serializers.ModelSerializer):
    """A project with its people, phase and flags. Writable fields are ``services.PROJECT_FIELDS``."""

    customer_account = ScopedPrimaryKeyRelatedField(queryset=CustomerAccount.objects.all())
    customer_account_name = serializers.CharField(source="customer_account.name", read_only=True)
    relationship = ScopedPrimaryKeyRelatedField(
        queryset=Relationship.objects.all(), allow_null=True, required=False, help_text="A relationship of the account."
    )
    lead = ScopedPrimaryKeyRelatedField(
        queryset=Membership.objects.all(), required=False, help_text="Someone of our company; defaults to you."
    )
    lead_name = _name("lead.user.display_name")
    coach = ScopedPrimaryKeyRelatedField(
        queryset=Membership.objects.all(),
        allow_null=True,
        required=False,
        help_text="A coach or certified Black Belt of this workspace.",
    )
    coach_name = _name("coach.user.display_name")
    customer_sponsor = ScopedPrimaryKeyRelatedField(
        queryset=Membership.objects.all(),
        allow_null=True,
        required=False,
        help_text="A customer participant of the project's account.",
    )
    customer_sponsor_name = _name("customer_sponsor.user.display_name")
    solution_area = ScopedPrimaryKeyRelatedField(queryset=SolutionArea.objects.all(), allow_null=True, required=False)
    solution_area_name = serializers.SerializerMethodField()
    belt_level = serializers.ChoiceField(choices=BeltLevel.choices, required=False)
    phase = serializers.CharField(read_only=True, help_text="One of: " + ", ".join(Phase.values) + ".")
    phase_label = serializers.CharField(source="get_phase_display", read_only=True)
    waiting_kind = serializers.CharField(
        read_only=True, help_text="Empty, or the open waiting period's kind: " + ", ".join(WaitingKind.values) + "."
    )
    credit_owner = serializers.CharField(read_only=True, help_text="One of: " + ", ".join(CreditOwner.values) + ".")
    is_stalled = serializers.BooleanField(read_only=True, default=False)
    is_long_running = serializers.BooleanField(read_only=True, default=False)
    credit_unsettled = serializers.BooleanField(read_only=True, default=False)
    days_in_phase = serializers.IntegerField(read_only=True)

    class Meta:
        model = Project
        fields = [
            "id",
            "customer_account",
            "customer_account_name",
            "relationship",
            "title",
            "problem_statement",
            "goal_statement",
            "scope",
            "redesign_what",
            "redesign_who",
            "redesign_how",
            "belt_level",
            "lead",
            "lead_name",
            "coach",
            "coach_name",
            "customer_sponsor",
            "customer_sponsor_name",
            "solution_area",
            "solution_area_name",
            "is_pilot",
            "phase",
            "phase_label",
            "cancel_reason",
            "phase_entered_at",
            "days_in_phase",
            "last_activity_at",
            "waiting_kind",
            "tollgate_pending",
            "selection_score",
            "credit_owner",
            "is_stalled",
            "is_long_running",
            "credit_unsettled",
            "started_on",
            "target_end_on",
            "closed_on",
            "internal_notes",
            "created_at",
            "updated_at",
        ]
        read_only_fields = [
            "phase",
            "cancel_reason",
            "phase_entered_at",
            "last_activity_at",
            "waiting_kind",
            "tollgate_pending",
            "selection_score",
            "credit_owner",
            "closed_on",
            "created_at",
            "updated_at",
        ]
        extra_kwargs = {
            "started_on": {"required": False},
            "title": {"required": True},
            "problem_statement": {"required": True},
        }

    def get_solution_area_name(self, obj: Project) -> str | None:
        area = obj.solution_area
        return (area.path or area.name) if area is not None else None

    def validate_title(self, value: str) -> str:
        if not value.strip():
            raise serializers.ValidationError("A title is required.")
        return value

    def validate_problem_statement(self, value: str) -> str:
        if not value.strip():
            raise serializers.ValidationError("Describe the problem.")
        return value


class TeamMemberSerializer(serializers.ModelSerializer):
    contact = serializers.UUIDField(source="contact_id", read_only=True)
    full_name = serializers.CharField(source="contact.full_name", read_only=True)
    title = serializers.CharField(source="contact.title", read_only=True)

    class Meta:
        model = TeamMember
        fields = ["contact", "full_name", "title", "role"]
        read_only_fields = ["role"]


class TeamSetSerializer(serializers.Serializer):
    contacts = ScopedPrimaryKeyRelatedField(
        queryset=Contact.objects.all(), many=True, help_text="Contact ids of the project's customer account."
    )

    def to_internal_value(self, data: Any) -> Any:
        if isinstance(data, list):  # a bare list of ids is accepted too
            data = {"contacts": data}
        return super().to_internal_value(data)

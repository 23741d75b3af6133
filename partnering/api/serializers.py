"""Serializers of the partnering API.

Two rules hold for every serializer here:

* ids in a request body are looked up with ``ScopedPrimaryKeyRelatedField``: only rows of the
  active tenant that the caller may see exist, so a foreign id is an ordinary "does not exist" 400;
* ``CustomerSafeMixin`` removes ``internal_notes`` (and ``internal_only``) for customer
  participants, from the output and from what they may send.

Writes are not done here: the views hand ``validated_data`` to ``partnering.services``.
"""

from __future__ import annotations

from typing import Any, ClassVar

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.relations import PKOnlyObject

from core.api.fields import (
    BaseModelSerializer,
    CustomerSafeMixin,
    EnumChoiceField,
    ScopedPrimaryKeyRelatedField,
    name_choices,
)
from core.models import Membership
from partnering.models import (
    ActionItem,
    ActionStatus,
    ActivityChannel,
    Contact,
    ContactActivity,
    CustomerAccount,
    FutureTopic,
    HardQuestion,
    Level,
    LevelChange,
    Meeting,
    MeetingKind,
    MeetingStatus,
    Relationship,
    RosterEntry,
    Side,
    Sponsor,
    SteeringMember,
    TopicCategory,
    TopicScore,
    TopicStatus,
)

name_choices(Side, Level, ActivityChannel, MeetingKind, MeetingStatus, TopicCategory, TopicStatus, ActionStatus)


class PartneringSerializer(CustomerSafeMixin, BaseModelSerializer):
    """Base of the model serializers here. ``create_only`` fields are set once, on create."""

    create_only: ClassVar[tuple[str, ...]] = ()


def _person_name() -> serializers.CharField:
    return serializers.CharField(read_only=True, allow_null=True)


# --- Accounts and contacts --------------------------------------------------------------------


class AccountSerializer(PartneringSerializer):
    owner = ScopedPrimaryKeyRelatedField(
        queryset=Membership.objects.all(), allow_null=True, required=False, help_text="A member of our company."
    )
    owner_name = serializers.CharField(source="owner.user.full_name", read_only=True, allow_null=True)
    contact_count = serializers.IntegerField(read_only=True)
    relationship_count = serializers.IntegerField(read_only=True)
    overdue_count = serializers.IntegerField(read_only=True, help_text="Open actions past their due date.")

    class Meta:
        model = CustomerAccount
        fields = [
            "id",
            "name",
            "industry",
            "region",
            "owner",
            "owner_name",
            "description",
            "internal_notes",
            "contact_count",
            "relationship_count",
            "overdue_count",
            "created_at",
            "updated_at",
        ]
        # Uniqueness of the name is checked by the service's full_clean() (tenant-aware).
        validators: list[Any] = []


class ContactSerializer(PartneringSerializer):
    account = ScopedPrimaryKeyRelatedField(
        queryset=CustomerAccount.objects.all(), allow_null=True, required=False, help_text="Empty for our own people."
    )
    account_name = serializers.CharField(source="account.name", read_only=True, allow_null=True)
    membership = ScopedPrimaryKeyRelatedField(
        queryset=Membership.objects.all(), allow_null=True, required=False, help_text="Their login, if any."
    )
    side = EnumChoiceField(choices=Side.choices, read_only=True)

    class Meta:
        model = Contact
        fields = [
            "id",
            "account",
            "account_name",
            "full_name",
            "title",
            "function",
            "geography",
            "email",
            "phone",
            "membership",
            "side",
            "internal_notes",
            "created_at",
        ]


class ContactActivitySerializer(PartneringSerializer):
    author: serializers.PrimaryKeyRelatedField[Membership] = serializers.PrimaryKeyRelatedField(read_only=True)
    author_name = serializers.CharField(source="author.user.full_name", read_only=True, allow_null=True)

    class Meta:
        model = ContactActivity
        fields = ["id", "contact", "author", "author_name", "occurred_on", "channel", "summary", "created_at"]
        read_only_fields = ["contact"]
        extra_kwargs = {"occurred_on": {"required": False}}


# --- Relationships ----------------------------------------------------------------------------


class RelationshipSerializer(PartneringSerializer):
    create_only = ("account",)

    account = ScopedPrimaryKeyRelatedField(queryset=CustomerAccount.objects.all(), help_text="Set on create only.")
    account_name = serializers.CharField(source="account.name", read_only=True)
    level = EnumChoiceField(
        choices=Level.choices,
        required=False,
        help_text="Initial level on create; change it later with POST …/level/ so the change is dated.",
    )
    level_label = serializers.CharField(source="get_level_display", read_only=True)
    supplier_champion = ScopedPrimaryKeyRelatedField(queryset=Membership.objects.all(), allow_null=True, required=False)
    supplier_champion_name = serializers.CharField(
        source="supplier_champion.user.full_name", read_only=True, allow_null=True
    )
    customer_champion = ScopedPrimaryKeyRelatedField(queryset=Membership.objects.all(), allow_null=True, required=False)
    customer_champion_name = serializers.CharField(
        source="customer_champion.user.full_name", read_only=True, allow_null=True
    )
    open_actions = serializers.IntegerField(read_only=True)
    overdue_actions = serializers.IntegerField(read_only=True)

    class Meta:
        model = Relationship
        fields = [
            "id",
            "account",
            "account_name",
            "business_unit",
            "level",
            "level_label",
            "supplier_champion",
            "supplier_champion_name",
            "customer_champion",
            "customer_champion_name",
            "review_cadence_months",
            "plan_summary",
            "internal_notes",
            "open_actions",
            "overdue_actions",
            "created_at",
            "updated_at",
        ]
        validators: list[Any] = []  # (tenant, account, unit) uniqueness: the service's full_clean()


class LevelSerializer(BaseModelSerializer):
    """The relationship's current level."""

    level_label = serializers.CharField(source="get_level_display", read_only=True)

    class Meta:
        model = Relationship
        fields = ["id", "level", "level_label"]
        read_only_fields = fields


class LevelChangeRequestSerializer(serializers.Serializer):
    level = EnumChoiceField(choices=Level.choices)
    note = serializers.CharField(required=False, allow_blank=True, default="")
    changed_on = serializers.DateField(required=False, allow_null=True, default=None, help_text="Default: today.")


class LevelChangeSerializer(BaseModelSerializer):
    from_level = EnumChoiceField(choices=Level.choices, allow_blank=True, read_only=True, help_text="Empty: created.")
    changed_by: serializers.PrimaryKeyRelatedField[Membership] = serializers.PrimaryKeyRelatedField(read_only=True)
    changed_by_name = serializers.CharField(source="changed_by.user.full_name", read_only=True, allow_null=True)

    class Meta:
        model = LevelChange
        fields = ["id", "from_level", "to_level", "changed_on", "changed_by", "changed_by_name", "note"]
        read_only_fields = fields


class SponsorSerializer(PartneringSerializer):
    create_only = ("relationship", "membership")

    relationship = ScopedPrimaryKeyRelatedField(queryset=Relationship.objects.all())
    membership = ScopedPrimaryKeyRelatedField(
        queryset=Membership.objects.all(), help_text="The sponsor; their side follows their role."
    )
    membership_name = serializers.CharField(source="membership.user.full_name", read_only=True)

    class Meta:
        model = Sponsor
        fields = ["id", "relationship", "membership", "membership_name", "side"]
        read_only_fields = ["side"]
        validators: list[Any] = []  # duplicates and the per-side limit: the service


class RosterEntrySerializer(PartneringSerializer):
    create_only = ("relationship", "contact")

    relationship = ScopedPrimaryKeyRelatedField(queryset=Relationship.objects.all())
    contact = ScopedPrimaryKeyRelatedField(queryset=Contact.objects.all())
    contact_name = serializers.CharField(source="contact.full_name", read_only=True)
    contact_title = serializers.CharField(source="contact.title", read_only=True)

    class Meta:
        model = RosterEntry
        fields = ["id", "relationship", "contact", "contact_name", "contact_title", "role", "is_point_person"]
        validators: list[Any] = []  # duplicates: the service


# --- Meetings ---------------------------------------------------------------------------------


class AttendeeIdsField(serializers.ManyRelatedField):
    """Attendees as a list of contact ids (read from the meeting's Attendee rows)."""

    def get_attribute(self, instance: Meeting) -> list[PKOnlyObject]:
        if instance.pk is None:
            return []
        return [PKOnlyObject(pk=row.contact_id) for row in instance.attendees.all()]


class AttendeeSerializer(serializers.Serializer):
    contact = serializers.UUIDField(source="contact_id", read_only=True)
    full_name = serializers.CharField(source="contact.full_name", read_only=True)
    side = EnumChoiceField(choices=Side.choices, source="contact.side", read_only=True)
    attended = serializers.BooleanField(read_only=True)


class HardQuestionSerializer(BaseModelSerializer):
    class Meta:
        model = HardQuestion
        fields = ["id", "position", "question", "answer"]
        read_only_fields = ["id", "position"]
        extra_kwargs = {"answer": {"required": False}}


class MeetingSerializer(PartneringSerializer):
    create_only = ("relationship",)

    relationship = ScopedPrimaryKeyRelatedField(queryset=Relationship.objects.all(), help_text="Set on create only.")
    attendees = AttendeeIdsField(
        child_relation=ScopedPrimaryKeyRelatedField(queryset=Contact.objects.all()),
        required=False,
        help_text="Contact ids of the invited people; on update the list replaces the invitations.",
    )
    attended = serializers.ManyRelatedField(
        child_relation=ScopedPrimaryKeyRelatedField(queryset=Contact.objects.all()),
        required=False,
        write_only=True,
        help_text="Update only: contact ids of the attendees who came.",
    )
    answers = serializers.DictField(
        child=serializers.CharField(allow_blank=True),
        required=False,
        write_only=True,
        help_text="Update only: hard-question id → answer heard.",
    )
    attendee_details = AttendeeSerializer(source="attendees", many=True, read_only=True)
    hard_questions = HardQuestionSerializer(many=True, read_only=True)
    created_by: serializers.PrimaryKeyRelatedField[Membership] = serializers.PrimaryKeyRelatedField(read_only=True)

    class Meta:
        model = Meeting
        fields = [
            "id",
            "relationship",
            "kind",
            "title",
            "starts_at",
            "duration_minutes",
            "location",
            "status",
            "agenda",
            "minutes",
            "decisions",
            "internal_notes",
            "attendees",
            "attended",
            "attendee_details",
            "hard_questions",
            "answers",
            "created_by",
            "created_at",
        ]
        extra_kwargs = {
            "title": {"required": False, "allow_blank": True, "help_text": "Default: kind – relationship."},
            "agenda": {"help_text": "A quarterly review starts from the default agenda when left empty."},
        }


# --- Action items -----------------------------------------------------------------------------


class ActionSerializer(PartneringSerializer):
    create_only = ("relationship",)

    relationship = ScopedPrimaryKeyRelatedField(queryset=Relationship.objects.all(), help_text="Set on create only.")
    relationship_name = serializers.CharField(source="relationship.__str__", read_only=True)
    meeting = ScopedPrimaryKeyRelatedField(queryset=Meeting.objects.all(), allow_null=True, required=False)
    topic = ScopedPrimaryKeyRelatedField(queryset=FutureTopic.objects.all(), allow_null=True, required=False)
    owner = ScopedPrimaryKeyRelatedField(
        queryset=Membership.objects.all(), help_text="One of ours, or a participant of this customer."
    )
    owner_name = serializers.CharField(source="owner.user.full_name", read_only=True)
    is_overdue = serializers.BooleanField(read_only=True)
    created_by: serializers.PrimaryKeyRelatedField[Membership] = serializers.PrimaryKeyRelatedField(read_only=True)

    class Meta:
        model = ActionItem
        fields = [
            "id",
            "relationship",
            "relationship_name",
            "meeting",
            "topic",
            "title",
            "description",
            "owner",
            "owner_name",
            "due_on",
            "status",
            "is_overdue",
            "completed_at",
            "internal_only",
            "created_by",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["completed_at"]


# --- Future topics ----------------------------------------------------------------------------


class TopicScoreSerializer(BaseModelSerializer):
    scored_by: serializers.PrimaryKeyRelatedField[Membership] = serializers.PrimaryKeyRelatedField(read_only=True)
    total = serializers.IntegerField(read_only=True)

    class Meta:
        model = TopicScore
        fields = [
            "id",
            "side",
            "scored_by",
            "value_to_supplier",
            "value_to_customer",
            "feasibility",
            "total",
            "scored_at",
        ]
        read_only_fields = fields


class TopicScoreRequestSerializer(serializers.Serializer):
    """Your firm's score of the topic, 1 (low) to 5 (high) each; replaces your firm's earlier score."""

    value_to_supplier = serializers.IntegerField(min_value=1, max_value=5)
    value_to_customer = serializers.IntegerField(min_value=1, max_value=5)
    feasibility = serializers.IntegerField(min_value=1, max_value=5)


class TopicStatusSerializer(serializers.Serializer):
    """Long list → short list (active, at most the tenant's limit) → done or dropped."""

    status = EnumChoiceField(choices=TopicStatus.choices)
    priority = serializers.IntegerField(
        min_value=1, max_value=10, required=False, allow_null=True, default=None, help_text="Active topics: 1 = top."
    )


class SteeringMemberSerializer(BaseModelSerializer):
    """A member of a topic's joint steering team (a contact of our company or of the account)."""

    contact = ScopedPrimaryKeyRelatedField(queryset=Contact.objects.all())
    full_name = serializers.CharField(source="contact.full_name", read_only=True)

    class Meta:
        model = SteeringMember
        fields = ["id", "contact", "full_name"]


class TopicSerializer(PartneringSerializer):
    create_only = ("relationship",)

    relationship = ScopedPrimaryKeyRelatedField(queryset=Relationship.objects.all(), help_text="Set on create only.")
    proposed_by: serializers.PrimaryKeyRelatedField[Membership] = serializers.PrimaryKeyRelatedField(read_only=True)
    proposed_by_name = serializers.CharField(source="proposed_by.user.full_name", read_only=True, allow_null=True)
    supplier_score = serializers.SerializerMethodField()
    customer_score = serializers.SerializerMethodField()
    average = serializers.SerializerMethodField(help_text="Mean total of the firms' scores (3–15); null if unscored.")

    class Meta:
        model = FutureTopic
        fields = [
            "id",
            "relationship",
            "title",
            "description",
            "category",
            "proposed_by_side",
            "proposed_by",
            "proposed_by_name",
            "status",
            "priority",
            "supplier_score",
            "customer_score",
            "average",
            "internal_notes",
            "created_at",
        ]
        read_only_fields = ["proposed_by_side", "status", "priority"]

    def _score(self, topic: FutureTopic, side: str) -> dict[str, Any] | None:
        for score in topic.scores.all():  # prefetched
            if score.side == side:
                return dict(TopicScoreSerializer(score, context=self.context).data)
        return None

    @extend_schema_field(TopicScoreSerializer(allow_null=True))
    def get_supplier_score(self, topic: FutureTopic) -> dict[str, Any] | None:
        return self._score(topic, Side.SUPPLIER)

    @extend_schema_field(TopicScoreSerializer(allow_null=True))
    def get_customer_score(self, topic: FutureTopic) -> dict[str, Any] | None:
        return self._score(topic, Side.CUSTOMER)

    @extend_schema_field(OpenApiTypes.FLOAT)
    def get_average(self, topic: FutureTopic) -> float | None:
        scores = list(topic.scores.all())
        return sum(s.total for s in scores) / len(scores) if scores else None

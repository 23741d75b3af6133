"""The program office's admin for the partnering module: rows of the active workspace only.

Every model goes through ``core.admin_base.TenantScopedAdmin`` (scoped querysets, ``admin.access``
permission, tenant-aware validation). The admin writes through the same services as the pages
and the API: each form runs its area's public rule function (``RuledForm``), so the admin cannot
save what the pages would refuse (an attendee of another customer account, a customer
participant as supplier champion), and new accounts, contacts, activities, relationships,
sponsors, meetings and actions are created and changed by the services themselves (author,
``created_by``, level history, completion date), with ``acting_member(request)`` as the actor.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db.models import Model
from django.forms.models import BaseInlineFormSet
from django.http import HttpRequest

from core.admin_base import (
    ReadOnlyAdmin,
    ReadOnlyInline,
    ServiceAdmin,
    TenantScopedAdmin,
    TenantScopedInline,
    acting_member,
    adopt,
    ruled,
    values_of,
)
from core.models import Membership
from partnering import accounts, meetings, relationships, work
from partnering.accounts import side_of
from partnering.models import (
    MAX_SPONSORS_PER_SIDE,
    ActionItem,
    Attendee,
    Contact,
    ContactActivity,
    CustomerAccount,
    FutureTopic,
    HardQuestion,
    LevelChange,
    Meeting,
    PartneringSettings,
    Relationship,
    ReminderLog,
    RosterEntry,
    Sponsor,
    SteeringMember,
    TopicScore,
)

#: The note of a level set or changed in the admin (the level history says where it came from).
ADMIN_LEVEL_NOTE = "Set in the program-office admin."


# --- Accounts and contacts ----------------------------------------------------------------------


@admin.register(CustomerAccount)
class CustomerAccountAdmin(ServiceAdmin):
    form = ruled(accounts.account_rules)
    list_display = ("name", "industry", "region", "owner", "created_at")
    list_filter = ("industry", "region")
    search_fields = ("name", "description")
    list_select_related = ("owner__user",)

    def service_create(self, actor: Membership, obj: CustomerAccount) -> Model:
        return accounts.account_create(actor=actor, **values_of(obj, accounts.ACCOUNT_FIELDS))

    def service_update(self, actor: Membership, stored: CustomerAccount, changes: dict[str, Any]) -> None:
        accounts.account_update(actor=actor, account=stored, **changes)


class ContactActivityInline(TenantScopedInline):
    model = ContactActivity
    fields = ("occurred_on", "channel", "summary", "author")
    readonly_fields = ("author",)


def activity_add(actor: Membership, activity: ContactActivity) -> ContactActivity:
    """Log an activity typed in the admin: its author is the program-office member."""
    return accounts.contact_activity_add(
        actor=actor, contact=activity.contact, **values_of(activity, accounts.ACTIVITY_FIELDS)
    )


@admin.register(Contact)
class ContactAdmin(ServiceAdmin):
    form = ruled(accounts.contact_rules)
    list_display = ("full_name", "account", "title", "function", "geography", "email", "membership")
    list_filter = ("function", "geography", "account")
    search_fields = ("full_name", "email", "title", "account__name")
    list_select_related = ("account", "membership__user")
    inlines = (ContactActivityInline,)

    def service_create(self, actor: Membership, obj: Contact) -> Model:
        return accounts.contact_create(actor=actor, **values_of(obj, accounts.CONTACT_FIELDS))

    def service_update(self, actor: Membership, stored: Contact, changes: dict[str, Any]) -> None:
        accounts.contact_update(actor=actor, contact=stored, **changes)

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        """Activities typed in here are logged through the service (the admin is their author)."""
        if formset.model is not ContactActivity:
            super().save_formset(request, form, formset, change)
            return
        actor = acting_member(request)
        formset.save(commit=False)
        for activity in formset.deleted_objects:
            activity.delete()
        for activity in formset.new_objects:
            adopt(activity, activity_add(actor, activity))
        for activity, names in formset.changed_objects:
            stored = ContactActivity.objects.get(pk=activity.pk)
            accounts.contact_activity_update(actor=actor, activity=stored, **values_of(activity, tuple(names)))


@admin.register(ContactActivity)
class ContactActivityAdmin(ServiceAdmin):
    list_display = ("contact", "occurred_on", "channel", "author")
    list_filter = ("channel",)
    search_fields = ("summary", "contact__full_name")
    list_select_related = ("contact", "author__user")
    exclude = ("tenant", "author")  # type: ignore[assignment]
    create_only = ("contact",)

    def service_create(self, actor: Membership, obj: ContactActivity) -> Model:
        return activity_add(actor, obj)

    def service_update(self, actor: Membership, stored: ContactActivity, changes: dict[str, Any]) -> None:
        accounts.contact_activity_update(actor=actor, activity=stored, **changes)


# --- Relationships ------------------------------------------------------------------------------


def _sponsor_side(sponsor: Sponsor) -> None:
    sponsor.side = side_of(sponsor.membership)


#: The side follows the person; at most three sponsors a side (counting the saved rows).
SponsorForm = ruled(relationships.sponsor_rules, prepare=_sponsor_side)


class SponsorFormSet(BaseInlineFormSet):
    """At most three sponsors per side, counted over all rows of the inline (none saved yet)."""

    def clean(self) -> None:
        super().clean()
        per_side: dict[str, int] = {}
        for form in self.forms:
            if not hasattr(form, "cleaned_data") or form.cleaned_data.get("DELETE"):
                continue
            membership = form.cleaned_data.get("membership")
            if membership is None:
                continue
            side = side_of(membership)
            per_side[side] = per_side.get(side, 0) + 1
        if any(count > MAX_SPONSORS_PER_SIDE for count in per_side.values()):
            raise ValidationError(f"A relationship has at most {MAX_SPONSORS_PER_SIDE} sponsors per side.")


class SponsorInline(TenantScopedInline):
    model = Sponsor
    form = SponsorForm
    formset = SponsorFormSet
    fields = ("membership", "side")
    readonly_fields = ("side",)


class RosterInline(TenantScopedInline):
    model = RosterEntry
    form = ruled(relationships.roster_rules)
    fields = ("contact", "role", "is_point_person")


class LevelChangeInline(ReadOnlyInline):
    model = LevelChange
    fields = ("changed_on", "from_level", "to_level", "changed_by", "note")
    readonly_fields = fields


@admin.register(Relationship)
class RelationshipAdmin(ServiceAdmin):
    """A level set or changed here is recorded in the dated history, like in the app."""

    form = ruled(relationships.relationship_rules)
    list_display = ("__str__", "level", "supplier_champion", "customer_champion", "review_cadence_months", "updated_at")
    list_filter = ("level",)
    search_fields = ("account__name", "business_unit")
    list_select_related = ("account", "supplier_champion__user", "customer_champion__user")
    inlines = (SponsorInline, RosterInline, LevelChangeInline)
    create_only = ("account",)

    def service_create(self, actor: Membership, obj: Relationship) -> Model:
        return relationships.relationship_create(
            actor=actor,
            account=obj.account,
            level=obj.level,
            level_note=ADMIN_LEVEL_NOTE,
            **values_of(obj, relationships.RELATIONSHIP_FIELDS),
        )

    def service_update(self, actor: Membership, stored: Relationship, changes: dict[str, Any]) -> None:
        level = changes.pop("level", None)
        if changes:
            relationships.relationship_update(actor=actor, relationship=stored, **changes)
        if level is not None:
            relationships.relationship_change_level(
                actor=actor, relationship=stored, level=level, note=ADMIN_LEVEL_NOTE
            )


@admin.register(LevelChange)
class LevelChangeAdmin(ReadOnlyAdmin):
    list_display = ("relationship", "changed_on", "from_level", "to_level", "changed_by")
    list_filter = ("to_level",)
    search_fields = ("relationship__account__name", "note")
    list_select_related = ("relationship__account", "changed_by__user")


@admin.register(Sponsor)
class SponsorAdmin(ServiceAdmin):
    form = SponsorForm
    fields = ("relationship", "membership")
    list_display = ("relationship", "membership", "side")
    list_filter = ("side",)
    search_fields = ("relationship__account__name", "membership__user__full_name", "membership__user__email")
    list_select_related = ("relationship__account", "membership__user")
    create_only = ("relationship", "membership")  # another sponsor is another row (as in the API)

    def service_create(self, actor: Membership, obj: Sponsor) -> Model:
        return relationships.sponsor_add(actor=actor, relationship=obj.relationship, membership=obj.membership)


@admin.register(RosterEntry)
class RosterEntryAdmin(ServiceAdmin):
    form = ruled(relationships.roster_rules)
    list_display = ("relationship", "contact", "role", "is_point_person")
    list_filter = ("is_point_person",)
    search_fields = ("relationship__account__name", "contact__full_name", "role")
    list_select_related = ("relationship__account", "contact")
    create_only = ("relationship", "contact")

    def service_create(self, actor: Membership, obj: RosterEntry) -> Model:
        return relationships.roster_add(
            actor=actor,
            relationship=obj.relationship,
            contact=obj.contact,
            **values_of(obj, relationships.ROSTER_FIELDS),
        )

    def service_update(self, actor: Membership, stored: RosterEntry, changes: dict[str, Any]) -> None:
        relationships.roster_update(actor=actor, entry=stored, **changes)


# --- Meetings -----------------------------------------------------------------------------------


class AttendeeInline(TenantScopedInline):
    model = Attendee
    form = ruled(meetings.attendee_rules)
    fields = ("contact", "attended")
    extra = 1


class HardQuestionInline(TenantScopedInline):
    model = HardQuestion
    fields = ("position", "question", "answer")


@admin.register(Meeting)
class MeetingAdmin(ServiceAdmin):
    list_display = ("title", "relationship", "kind", "starts_at", "status")
    list_filter = ("kind", "status")
    search_fields = ("title", "relationship__account__name", "minutes", "decisions")
    list_select_related = ("relationship__account",)
    inlines = (AttendeeInline, HardQuestionInline)
    exclude = ("tenant", "created_by")  # type: ignore[assignment]
    create_only = ("relationship",)

    def service_create(self, actor: Membership, obj: Meeting) -> Model:
        """A quarterly review starts from the default agenda; its questions are the inline's."""
        return meetings.meeting_create(
            actor=actor,
            relationship=obj.relationship,
            ask_hard_questions=False,
            **values_of(obj, meetings.MEETING_FIELDS),
        )

    def service_update(self, actor: Membership, stored: Meeting, changes: dict[str, Any]) -> None:
        meetings.meeting_update(actor=actor, meeting=stored, **changes)


@admin.register(Attendee)
class AttendeeAdmin(TenantScopedAdmin):
    form = ruled(meetings.attendee_rules)
    list_display = ("meeting", "contact", "attended")
    list_filter = ("attended",)
    search_fields = ("meeting__title", "contact__full_name")
    list_select_related = ("meeting", "contact")


@admin.register(HardQuestion)
class HardQuestionAdmin(TenantScopedAdmin):
    list_display = ("meeting", "position", "question")
    search_fields = ("question", "answer", "meeting__title")
    list_select_related = ("meeting",)


# --- Actions and topics -------------------------------------------------------------------------


@admin.register(ActionItem)
class ActionItemAdmin(ServiceAdmin):
    form = ruled(work.action_rules)
    list_display = ("title", "relationship", "owner", "due_on", "status", "overdue", "internal_only")
    list_filter = ("status", "internal_only")
    search_fields = ("title", "description", "relationship__account__name", "owner__user__full_name")
    list_select_related = ("relationship__account", "owner__user")
    exclude = ("tenant", "created_by", "completed_at")  # type: ignore[assignment]
    create_only = ("relationship",)

    @admin.display(boolean=True, description="Overdue")
    def overdue(self, obj: ActionItem) -> bool:
        return obj.is_overdue

    def service_create(self, actor: Membership, obj: ActionItem) -> Model:
        return work.action_create(actor=actor, relationship=obj.relationship, **values_of(obj, work.ACTION_FIELDS))

    def service_update(self, actor: Membership, stored: ActionItem, changes: dict[str, Any]) -> None:
        work.action_update(actor=actor, action=stored, **changes)


class TopicScoreInline(TenantScopedInline):
    model = TopicScore
    form = ruled(work.score_rules)
    fields = ("side", "scored_by", "value_to_supplier", "value_to_customer", "feasibility")


class SteeringMemberInline(TenantScopedInline):
    model = SteeringMember
    form = ruled(work.steering_rules)
    fields = ("contact",)


@admin.register(FutureTopic)
class FutureTopicAdmin(TenantScopedAdmin):
    form = ruled(work.topic_rules)
    list_display = ("title", "relationship", "category", "proposed_by_side", "status", "priority")
    list_filter = ("status", "category", "proposed_by_side")
    search_fields = ("title", "description", "relationship__account__name")
    list_select_related = ("relationship__account",)
    inlines = (TopicScoreInline, SteeringMemberInline)


@admin.register(TopicScore)
class TopicScoreAdmin(TenantScopedAdmin):
    form = ruled(work.score_rules)
    list_display = ("topic", "side", "scored_by", "value_to_supplier", "value_to_customer", "feasibility")
    list_filter = ("side",)
    search_fields = ("topic__title",)
    list_select_related = ("topic", "scored_by__user")


@admin.register(SteeringMember)
class SteeringMemberAdmin(TenantScopedAdmin):
    form = ruled(work.steering_rules)
    list_display = ("topic", "contact")
    search_fields = ("topic__title", "contact__full_name")
    list_select_related = ("topic", "contact")


# --- Settings and logs --------------------------------------------------------------------------


@admin.register(PartneringSettings)
class PartneringSettingsAdmin(TenantScopedAdmin):
    list_display = ("short_list_limit", "review_reminder_days")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return super().has_add_permission(request) and not PartneringSettings.objects.exists()

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        """Never: the one settings row of a tenant stays."""
        return False


@admin.register(ReminderLog)
class ReminderLogAdmin(ReadOnlyAdmin):
    list_display = ("kind", "key", "recipient", "sent_at")
    list_filter = ("kind",)
    search_fields = ("key", "recipient__user__email")
    list_select_related = ("recipient__user",)

"""The program office's admin for the partnering module: rows of the active workspace only.

Every model goes through ``core.admin.TenantScopedAdmin`` (scoped querysets, ``admin.access``
permission, tenant-aware validation); inlines go through ``TenantScopedInline`` below, which does
the same for the rows edited inside a parent. The admin bypasses ``partnering.services``, so its
forms run the services' cross-row rules (``services.check_row_rules``): a meeting cannot get an
attendee of another customer account, a customer participant cannot become a supplier champion.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.core.exceptions import ValidationError
from django.forms.models import BaseInlineFormSet
from django.http import HttpRequest
from django.utils import timezone

from core.admin_base import ReadOnlyAdmin as ReadOnlyAdminBase
from core.admin_base import ReadOnlyInline, RuledForm, TenantScopedAdmin, TenantScopedInline
from partnering import services
from partnering.models import (
    DEFAULT_QUARTERLY_AGENDA,
    MAX_SPONSORS_PER_SIDE,
    OPEN_ACTION_STATUSES,
    ActionItem,
    ActionStatus,
    Attendee,
    Contact,
    ContactActivity,
    CustomerAccount,
    FutureTopic,
    HardQuestion,
    LevelChange,
    Meeting,
    MeetingKind,
    PartneringSettings,
    Relationship,
    ReminderLog,
    RosterEntry,
    Side,
    Sponsor,
    SteeringMember,
    TopicScore,
)


class PartneringRuledForm(RuledForm):
    """Admin form applying ``partnering.services.check_row_rules``."""

    rules = staticmethod(services.check_row_rules)


class SponsorForm(PartneringRuledForm):
    """The side follows the person; at most three sponsors a side (counting the saved rows)."""

    def prepare_instance(self) -> None:
        sponsor = self.instance
        sponsor.side = Side.CUSTOMER if sponsor.membership.is_customer else Side.SUPPLIER
        others = Sponsor.objects.filter(relationship_id=sponsor.relationship_id, side=sponsor.side)
        if others.exclude(pk=sponsor.pk).count() >= MAX_SPONSORS_PER_SIDE:
            self.add_error(
                "membership", f"A relationship has at most {MAX_SPONSORS_PER_SIDE} sponsors per side; remove one first."
            )


class SponsorFormSet(BaseInlineFormSet):
    """At most three sponsors per side, counted over all rows of the inline."""

    def clean(self) -> None:
        super().clean()
        per_side: dict[str, int] = {}
        for form in self.forms:
            if not hasattr(form, "cleaned_data") or form.cleaned_data.get("DELETE"):
                continue
            membership = form.cleaned_data.get("membership")
            if membership is None:
                continue
            side = Side.CUSTOMER if membership.is_customer else Side.SUPPLIER
            per_side[side] = per_side.get(side, 0) + 1
        if any(count > MAX_SPONSORS_PER_SIDE for count in per_side.values()):
            raise ValidationError(f"A relationship has at most {MAX_SPONSORS_PER_SIDE} sponsors per side.")


class PartneringInline(TenantScopedInline):
    form = PartneringRuledForm


class PartneringAdmin(TenantScopedAdmin):
    form = PartneringRuledForm

    @staticmethod
    def acting(request: HttpRequest) -> Any:
        return getattr(request, "membership", None)


class ReadOnlyAdmin(ReadOnlyAdminBase):
    """Rows written by the application (history, logs): the program office reads them only."""

    form = PartneringRuledForm


# --- Accounts and contacts ----------------------------------------------------------------------


@admin.register(CustomerAccount)
class CustomerAccountAdmin(PartneringAdmin):
    list_display = ("name", "industry", "region", "owner", "created_at")
    list_filter = ("industry", "region")
    search_fields = ("name", "description")
    list_select_related = ("owner__user",)


class ContactActivityInline(PartneringInline):
    model = ContactActivity
    fields = ("occurred_on", "channel", "summary", "author")
    readonly_fields = ("author",)


@admin.register(Contact)
class ContactAdmin(PartneringAdmin):
    list_display = ("full_name", "account", "title", "function", "geography", "email", "membership")
    list_filter = ("function", "geography", "account")
    search_fields = ("full_name", "email", "title", "account__name")
    list_select_related = ("account", "membership__user")
    inlines = (ContactActivityInline,)

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        """New activities are logged by the person who types them in."""
        for inline_form in formset.forms:
            activity = inline_form.instance
            if isinstance(activity, ContactActivity) and activity._state.adding and activity.author_id is None:
                activity.author = self.acting(request)
        super().save_formset(request, form, formset, change)


@admin.register(ContactActivity)
class ContactActivityAdmin(PartneringAdmin):
    list_display = ("contact", "occurred_on", "channel", "author")
    list_filter = ("channel",)
    search_fields = ("summary", "contact__full_name")
    list_select_related = ("contact", "author__user")
    exclude = ("tenant", "author")  # type: ignore[assignment]

    def save_model(self, request: HttpRequest, obj: ContactActivity, form: Any, change: bool) -> None:
        if not change and obj.author_id is None:
            obj.author = self.acting(request)
        super().save_model(request, obj, form, change)


# --- Relationships ------------------------------------------------------------------------------


class SponsorInline(PartneringInline):
    model = Sponsor
    form = SponsorForm
    formset = SponsorFormSet
    fields = ("membership", "side")
    readonly_fields = ("side",)


class RosterInline(PartneringInline):
    model = RosterEntry
    fields = ("contact", "role", "is_point_person")


class LevelChangeInline(ReadOnlyInline):
    model = LevelChange
    fields = ("changed_on", "from_level", "to_level", "changed_by", "note")
    readonly_fields = fields


@admin.register(Relationship)
class RelationshipAdmin(PartneringAdmin):
    list_display = ("__str__", "level", "supplier_champion", "customer_champion", "review_cadence_months", "updated_at")
    list_filter = ("level",)
    search_fields = ("account__name", "business_unit")
    list_select_related = ("account", "supplier_champion__user", "customer_champion__user")
    inlines = (SponsorInline, RosterInline, LevelChangeInline)

    def save_model(self, request: HttpRequest, obj: Relationship, form: Any, change: bool) -> None:
        """A level set or changed here is recorded in the dated history like in the app."""
        previous = Relationship.objects.filter(pk=obj.pk).values_list("level", flat=True).first() if change else ""
        super().save_model(request, obj, form, change)
        if not change or previous != obj.level:
            LevelChange.objects.create(
                relationship=obj,
                from_level=previous or "",
                to_level=obj.level,
                changed_by=self.acting(request),
                note="Set in the program-office admin.",
            )


@admin.register(LevelChange)
class LevelChangeAdmin(ReadOnlyAdmin):
    list_display = ("relationship", "changed_on", "from_level", "to_level", "changed_by")
    list_filter = ("to_level",)
    search_fields = ("relationship__account__name", "note")
    list_select_related = ("relationship__account", "changed_by__user")


@admin.register(Sponsor)
class SponsorAdmin(PartneringAdmin):
    form = SponsorForm
    fields = ("relationship", "membership")
    list_display = ("relationship", "membership", "side")
    list_filter = ("side",)
    search_fields = ("relationship__account__name", "membership__user__full_name", "membership__user__email")
    list_select_related = ("relationship__account", "membership__user")


@admin.register(RosterEntry)
class RosterEntryAdmin(PartneringAdmin):
    list_display = ("relationship", "contact", "role", "is_point_person")
    list_filter = ("is_point_person",)
    search_fields = ("relationship__account__name", "contact__full_name", "role")
    list_select_related = ("relationship__account", "contact")


# --- Meetings -----------------------------------------------------------------------------------


class AttendeeInline(PartneringInline):
    model = Attendee
    fields = ("contact", "attended")
    extra = 1


class HardQuestionInline(PartneringInline):
    model = HardQuestion
    fields = ("position", "question", "answer")


@admin.register(Meeting)
class MeetingAdmin(PartneringAdmin):
    list_display = ("title", "relationship", "kind", "starts_at", "status")
    list_filter = ("kind", "status")
    search_fields = ("title", "relationship__account__name", "minutes", "decisions")
    list_select_related = ("relationship__account",)
    inlines = (AttendeeInline, HardQuestionInline)
    exclude = ("tenant", "created_by")  # type: ignore[assignment]

    def save_model(self, request: HttpRequest, obj: Meeting, form: Any, change: bool) -> None:
        if not change:
            obj.created_by = self.acting(request)
            if obj.kind == MeetingKind.QUARTERLY_REVIEW and not obj.agenda:
                obj.agenda = DEFAULT_QUARTERLY_AGENDA
        super().save_model(request, obj, form, change)


@admin.register(Attendee)
class AttendeeAdmin(PartneringAdmin):
    list_display = ("meeting", "contact", "attended")
    list_filter = ("attended",)
    search_fields = ("meeting__title", "contact__full_name")
    list_select_related = ("meeting", "contact")


@admin.register(HardQuestion)
class HardQuestionAdmin(PartneringAdmin):
    list_display = ("meeting", "position", "question")
    search_fields = ("question", "answer", "meeting__title")
    list_select_related = ("meeting",)


# --- Actions and topics -------------------------------------------------------------------------


@admin.register(ActionItem)
class ActionItemAdmin(PartneringAdmin):
    list_display = ("title", "relationship", "owner", "due_on", "status", "overdue", "internal_only")
    list_filter = ("status", "internal_only")
    search_fields = ("title", "description", "relationship__account__name", "owner__user__full_name")
    list_select_related = ("relationship__account", "owner__user")
    exclude = ("tenant", "created_by", "completed_at")  # type: ignore[assignment]

    @admin.display(boolean=True, description="Overdue")
    def overdue(self, obj: ActionItem) -> bool:
        return obj.is_overdue

    def save_model(self, request: HttpRequest, obj: ActionItem, form: Any, change: bool) -> None:
        if not change:
            obj.created_by = self.acting(request)
        if obj.status == ActionStatus.DONE and obj.completed_at is None:
            obj.completed_at = timezone.now()
        elif obj.status in OPEN_ACTION_STATUSES:
            obj.completed_at = None
        super().save_model(request, obj, form, change)


class TopicScoreInline(PartneringInline):
    model = TopicScore
    fields = ("side", "scored_by", "value_to_supplier", "value_to_customer", "feasibility")


class SteeringMemberInline(PartneringInline):
    model = SteeringMember
    fields = ("contact",)


@admin.register(FutureTopic)
class FutureTopicAdmin(PartneringAdmin):
    list_display = ("title", "relationship", "category", "proposed_by_side", "status", "priority")
    list_filter = ("status", "category", "proposed_by_side")
    search_fields = ("title", "description", "relationship__account__name")
    list_select_related = ("relationship__account",)
    inlines = (TopicScoreInline, SteeringMemberInline)


@admin.register(TopicScore)
class TopicScoreAdmin(PartneringAdmin):
    list_display = ("topic", "side", "scored_by", "value_to_supplier", "value_to_customer", "feasibility")
    list_filter = ("side",)
    search_fields = ("topic__title",)
    list_select_related = ("topic", "scored_by__user")


@admin.register(SteeringMember)
class SteeringMemberAdmin(PartneringAdmin):
    list_display = ("topic", "contact")
    search_fields = ("topic__title", "contact__full_name")
    list_select_related = ("topic", "contact")


# --- Settings and logs --------------------------------------------------------------------------


@admin.register(PartneringSettings)
class PartneringSettingsAdmin(PartneringAdmin):
    list_display = ("short_list_limit", "review_reminder_days")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return super().has_add_permission(request) and not PartneringSettings.objects.exists()

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(ReminderLog)
class ReminderLogAdmin(ReadOnlyAdmin):
    list_display = ("kind", "key", "recipient", "sent_at")
    list_filter = ("kind",)
    search_fields = ("key", "recipient__user__email")
    list_select_related = ("recipient__user",)

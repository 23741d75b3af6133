"""The program office's admin for the projects module: rows of the active workspace only.

Everything goes through ``core.admin_base.TenantScopedAdmin`` / ``core.admin_base.TenantScopedInline``
(scoped querysets and related choices, ``admin.access`` permission, tenant-aware validation).

Edits go through the areas' services as the acting program-office member (``ServiceAdmin``:
``project_update``, ``settings_update``, ``cohort_create``/``cohort_update``,
``module_create``/``module_update``, ``expertise_remove``), so the feed, score recomputation and
the services' rules are the same as on the pages; the forms apply the services' public rule
functions first (``RuledForm``), so a refused edit is a form error. What only a service may write
is read-only here and says where it is done instead:

* a project is *logged* in the app (the quick log seeds its checklist and phase history); its
  phase, tollgates, waiting state, selection score and certification credit move only through the
  workflow services (no phase is ever skipped) and are read-only; descriptive fields and people are
  editable, checked by the services' people rules (coach in the coach pool, sponsor of the account);
* benefits are validated only by the customer sponsor, tollgates decided only by the coach,
  selection scores and customer feedback are the scorers' and the customer's own words: read-only;
* certifications are signed off in the app (coach sign-off, eligibility): read-only;
* notifications, the activity feed and phase visits are written by the services: read-only.

Configuration (settings, checklist templates, the curriculum), cohorts and their candidates, coach
expertise and comment/attachment moderation are editable, with the services' rules applied.
"""

from __future__ import annotations

from typing import Any, ClassVar

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db.models import Model
from django.http import HttpRequest
from typing_extensions import override

from core.admin_base import (
    ReadOnlyAdmin,
    ReadOnlyInline,
    RuledForm,
    TenantScopedAdmin,
    TenantScopedInline,
    acting_member,
)
from core.models import Membership
from projects import belts, coaching
from projects.models import (
    BeltCandidate,
    Benefit,
    Certification,
    CertificationProject,
    ChecklistItem,
    ChecklistTemplateItem,
    CoachExpertise,
    Cohort,
    CustomerFeedback,
    ModuleCompletion,
    Notification,
    PhaseVisit,
    Project,
    ProjectActivity,
    ProjectAttachment,
    ProjectComment,
    ProjectsSettings,
    SelectionScore,
    TeamMember,
    TollgateReview,
    TrainingModule,
    WaitingPeriod,
)
from projects.projects import PROJECT_FIELDS, PROJECT_SERVICE_FIELDS, check_internal, project_rules, project_update
from projects.selection import SETTINGS_FIELDS, check_currency, settings_update

# --- Forms applying the services' rules ---------------------------------------------------------


def check_rules(obj: Any) -> None:
    """The services' cross-row rules for a row edited in the admin (raises ``ValidationError``)."""
    if isinstance(obj, Project):
        project_rules(obj)
    elif isinstance(obj, TeamMember):
        if obj.contact.account_id != obj.project.customer_account_id:
            raise ValidationError({"contact": "That contact is not a person of the project's customer account."})
    elif isinstance(obj, CoachExpertise):
        check_internal(obj.coach, "coach")
    elif isinstance(obj, Cohort):
        belts.check_cohort(obj)
    elif isinstance(obj, TrainingModule):
        belts.check_module(obj)
    elif isinstance(obj, ProjectsSettings):
        check_currency(obj)
    elif isinstance(obj, BeltCandidate):
        check_internal(obj.member, "member")
    elif isinstance(obj, ModuleCompletion) and obj.module.belt_level != obj.candidate.target_belt:
        raise ValidationError({"module": "That module belongs to the other belt's curriculum."})


class ProjectsRuledForm(RuledForm):
    """Admin form applying the projects services' rules (``check_rules``)."""

    rules = check_rules  # read as ``type(form).rules``: a plain function, called with the instance


class ProjectsAdmin(TenantScopedAdmin):
    form = ProjectsRuledForm


class ServiceAdmin(ProjectsAdmin):
    """An admin whose saves are service calls by the acting program-office member: ``create`` with
    the form's ``service_fields``, ``update`` of a fresh copy with the fields the form changed (so
    the service sees, records and checks exactly what changed)."""

    service_fields: ClassVar[tuple[str, ...]] = ()

    def create(self, actor: Membership, values: dict[str, Any]) -> Model:
        raise NotImplementedError(f"{type(self).__name__} does not add rows")

    def update(self, actor: Membership, obj: Any, values: dict[str, Any]) -> None:
        raise NotImplementedError

    @override
    def save_model(self, request: HttpRequest, obj: Any, form: forms.ModelForm, change: bool) -> None:
        actor = acting_member(request)
        if change:
            values = {name: form.cleaned_data[name] for name in form.changed_data if name in self.service_fields}
            if values:
                self.update(actor, type(obj).objects.get(pk=obj.pk), values)
            return
        saved = self.create(actor, {n: form.cleaned_data[n] for n in self.service_fields if n in form.cleaned_data})
        obj.pk = saved.pk  # the admin's object is the saved row (inlines, the redirect and the log use it)
        obj._state.adding = False


class HistoryAdmin(ReadOnlyAdmin):
    """A record (feed, sign-off): not deleted here either."""

    @override
    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class RuledInline(TenantScopedInline):
    form = ProjectsRuledForm


# --- Projects -----------------------------------------------------------------------------------


class ChecklistItemInline(RuledInline):
    """Deliverables: reword or reorder here; ticking them is done on the project page (feed, who/when)."""

    model = ChecklistItem
    fields = ("phase", "position", "title", "done", "done_by", "done_at")
    readonly_fields = ("done", "done_by", "done_at")


class TeamMemberInline(RuledInline):
    model = TeamMember
    fields = ("contact", "role")


class BenefitInline(ReadOnlyInline):
    """Entered on the project page; validated only by the customer sponsor."""

    model = Benefit
    fields = ("kind", "description", "period_start", "period_end", "currency", "estimated_amount", "validated_amount")
    readonly_fields = (*fields, "status")
    show_change_link = True


class TollgateReviewInline(ReadOnlyInline):
    """Submitted by the lead, decided by the coach in the app."""

    model = TollgateReview
    fields = ("phase", "submitted_by", "submitted_at", "summary", "decision", "decided_by", "decided_at", "comments")
    readonly_fields = fields
    show_change_link = True


@admin.register(Project)
class ProjectAdmin(ServiceAdmin):
    """Descriptive fields and people (``PROJECT_FIELDS``) through ``project_update``; the rest is the
    services' own (a phase moves only by an approved tollgate) and read-only."""

    service_fields = PROJECT_FIELDS
    list_display = (
        "title",
        "customer_account",
        "phase",
        "belt_level",
        "lead",
        "coach",
        "tollgate_pending",
        "updated_at",
    )
    list_filter = ("phase", "belt_level", "is_pilot", "credit_owner", "waiting_kind", "tollgate_pending")
    search_fields = ("title", "problem_statement", "customer_account__name", "lead__user__full_name")
    list_select_related = ("customer_account", "lead__user", "coach__user")
    readonly_fields = PROJECT_SERVICE_FIELDS
    inlines = (TeamMemberInline, ChecklistItemInline, BenefitInline, TollgateReviewInline)

    @override
    def update(self, actor: Membership, obj: Any, values: dict[str, Any]) -> None:
        project_update(actor=actor, project=obj, **values)

    @override
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # logged in the app: the quick log seeds the checklist and the phase history

    @override
    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # cancel it in the app (with a reason); its history stays


@admin.register(ProjectsSettings)
class ProjectsSettingsAdmin(ServiceAdmin):
    """Through ``settings_update``: new selection weights recompute every scored project."""

    service_fields = tuple(sorted(SETTINGS_FIELDS))
    list_display = (
        "__str__",
        "stalled_after_days",
        "long_running_days",
        "green_belt_closed_projects",
        "black_belt_closed_projects",
    )

    @override
    def create(self, actor: Membership, values: dict[str, Any]) -> Model:
        return settings_update(actor=actor, **values)

    @override
    def update(self, actor: Membership, obj: Any, values: dict[str, Any]) -> None:
        settings_update(actor=actor, **values)

    @override
    def has_add_permission(self, request: HttpRequest) -> bool:
        """One row per workspace: once it exists it is edited, not added again."""
        return super().has_add_permission(request) and not ProjectsSettings.objects.exists()

    @override
    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(ChecklistTemplateItem)
class ChecklistTemplateItemAdmin(ProjectsAdmin):
    list_display = ("title", "phase", "position", "is_active")
    list_filter = ("phase", "is_active")
    search_fields = ("title",)
    ordering = ("phase", "position", "title")


@admin.register(ChecklistItem)
class ChecklistItemAdmin(ProjectsAdmin):
    list_display = ("title", "project", "phase", "done", "done_at")
    list_filter = ("phase", "done")
    search_fields = ("title", "project__title")
    list_select_related = ("project",)
    readonly_fields = ("project", "done", "done_by", "done_at")

    @override
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # added with the project (from the templates) or in the project's inline


@admin.register(TeamMember)
class TeamMemberAdmin(ProjectsAdmin):
    list_display = ("project", "contact", "role")
    search_fields = ("project__title", "contact__full_name", "role")
    list_select_related = ("project", "contact")


@admin.register(PhaseVisit)
class PhaseVisitAdmin(HistoryAdmin):
    list_display = ("project", "phase", "entered_at", "left_at")
    list_filter = ("phase",)
    search_fields = ("project__title",)
    list_select_related = ("project",)


@admin.register(WaitingPeriod)
class WaitingPeriodAdmin(ReadOnlyAdmin):
    """Started and ended on the project page (the project's waiting flag mirrors the open one)."""

    list_display = ("project", "kind", "phase", "started_on", "expected_end_on", "ended_on")
    list_filter = ("kind", "phase")
    search_fields = ("project__title", "reason")
    list_select_related = ("project",)


@admin.register(TollgateReview)
class TollgateReviewAdmin(HistoryAdmin):
    list_display = ("project", "phase", "submitted_by", "submitted_at", "decision", "decided_by", "decided_at")
    list_filter = ("phase", "decision")
    search_fields = ("project__title", "summary", "comments")
    list_select_related = ("project", "submitted_by__user", "decided_by__user")


@admin.register(SelectionScore)
class SelectionScoreAdmin(ReadOnlyAdmin):
    """Each scorer's own scores; the project's selection score is recomputed from them in the app."""

    list_display = ("project", "scorer", "customer_value", "buy_in", "durability", "effort", "data_availability")
    search_fields = ("project__title", "comment")
    list_select_related = ("project", "scorer__user")


@admin.register(Benefit)
class BenefitAdmin(ReadOnlyAdmin):
    """Recorded on the project page; validated or disputed only by the customer sponsor."""

    list_display = ("description", "project", "kind", "currency", "estimated_amount", "validated_amount", "status")
    list_filter = ("kind", "status", "currency")
    search_fields = ("description", "project__title", "project__customer_account__name")
    list_select_related = ("project",)


@admin.register(ProjectComment)
class ProjectCommentAdmin(ProjectsAdmin):
    """Moderation: edit or remove a comment; comments are posted on the project page."""

    list_display = ("project", "author", "created_at", "internal_only")
    list_filter = ("internal_only",)
    search_fields = ("body", "project__title")
    list_select_related = ("project", "author__user")
    readonly_fields = ("project", "author", "created_at")

    @override
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


@admin.register(ProjectAttachment)
class ProjectAttachmentAdmin(ProjectsAdmin):
    """Uploaded on the project page (size and type checked there); here: see, flag internal, remove."""

    list_display = ("original_name", "project", "content_type", "size", "internal_only", "created_at")
    list_filter = ("internal_only", "content_type")
    search_fields = ("original_name", "project__title")
    list_select_related = ("project",)
    fields = ("project", "original_name", "content_type", "size", "uploaded_by", "created_at", "internal_only")
    readonly_fields = ("project", "original_name", "content_type", "size", "uploaded_by", "created_at")

    @override
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


@admin.register(ProjectActivity)
class ProjectActivityAdmin(HistoryAdmin):
    list_display = ("project", "verb", "summary", "actor", "internal_only", "created_at")
    list_filter = ("verb", "internal_only")
    search_fields = ("summary", "project__title")
    list_select_related = ("project", "actor__user")


@admin.register(Notification)
class NotificationAdmin(ReadOnlyAdmin):
    list_display = ("recipient", "verb", "message", "project", "created_at", "read_at", "emailed_at")
    list_filter = ("verb",)
    search_fields = ("message", "recipient__user__email")
    list_select_related = ("recipient__user", "project")


@admin.register(CustomerFeedback)
class CustomerFeedbackAdmin(ReadOnlyAdmin):
    """The customer's own words: read here, never rewritten."""

    list_display = ("project", "phase", "author", "satisfaction", "created_at")
    list_filter = ("phase", "satisfaction")
    search_fields = ("project__title", "what_worked", "what_to_change")
    list_select_related = ("project", "author__user")


@admin.register(CoachExpertise)
class CoachExpertiseAdmin(ProjectsAdmin):
    list_display = ("coach", "area", "note")
    search_fields = ("coach__user__full_name", "area__path", "note")
    list_select_related = ("coach__user", "area")

    @override
    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        coaching.expertise_remove(actor=acting_member(request), expertise=obj)


# --- Belts --------------------------------------------------------------------------------------


class BeltCandidateInline(RuledInline):
    model = BeltCandidate
    fields = ("member", "target_belt", "status", "joined_on")
    show_change_link = True


@admin.register(Cohort)
class CohortAdmin(ServiceAdmin):
    list_display = ("name", "belt_level", "starts_on", "ends_on", "coach")
    list_filter = ("belt_level",)
    search_fields = ("name",)
    list_select_related = ("coach__user",)
    inlines = (BeltCandidateInline,)
    service_fields = belts.COHORT_FIELDS

    @override
    def create(self, actor: Membership, values: dict[str, Any]) -> Model:
        return belts.cohort_create(actor=actor, **values)

    @override
    def update(self, actor: Membership, obj: Any, values: dict[str, Any]) -> None:
        belts.cohort_update(actor=actor, cohort=obj, **values)


class ModuleCompletionInline(RuledInline):
    model = ModuleCompletion
    fields = ("module", "completed_on")


@admin.register(BeltCandidate)
class BeltCandidateAdmin(ProjectsAdmin):
    """Status *certified* is set by a sign-off in the app; withdraw a candidate here."""

    list_display = ("member", "cohort", "target_belt", "status", "joined_on")
    list_filter = ("target_belt", "status", "cohort")
    search_fields = ("member__user__full_name", "member__user__email", "cohort__name")
    list_select_related = ("member__user", "cohort")
    inlines = (ModuleCompletionInline,)


@admin.register(TrainingModule)
class TrainingModuleAdmin(ServiceAdmin):
    """The curriculum: a module stays in its belt's curriculum (its completions hang off it)."""

    list_display = ("name", "belt_level", "position", "is_required")
    list_filter = ("belt_level", "is_required")
    search_fields = ("name",)
    ordering = ("belt_level", "position", "name")
    service_fields = ("belt_level", *belts.MODULE_FIELDS)

    @override
    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> tuple[str, ...]:
        return ("belt_level",) if obj is not None else ()

    @override
    def create(self, actor: Membership, values: dict[str, Any]) -> Model:
        return belts.module_create(actor=actor, **values)

    @override
    def update(self, actor: Membership, obj: Any, values: dict[str, Any]) -> None:
        belts.module_update(actor=actor, module=obj, **values)


@admin.register(ModuleCompletion)
class ModuleCompletionAdmin(ProjectsAdmin):
    list_display = ("candidate", "module", "completed_on")
    list_filter = ("module__belt_level",)
    search_fields = ("candidate__member__user__full_name", "module__name")
    list_select_related = ("candidate__member__user", "module")


class CertificationProjectInline(ReadOnlyInline):
    model = CertificationProject
    fields = ("project",)
    readonly_fields = fields


@admin.register(Certification)
class CertificationAdmin(HistoryAdmin):
    """Signed off in the app by a coach or certified Black Belt (never the candidate)."""

    list_display = ("member", "belt_level", "certified_on", "signed_off_by")
    list_filter = ("belt_level",)
    search_fields = ("member__user__full_name", "member__user__email", "note")
    list_select_related = ("member__user", "signed_off_by__user")
    inlines = (CertificationProjectInline,)


@admin.register(CertificationProject)
class CertificationProjectAdmin(HistoryAdmin):
    list_display = ("certification", "project")
    search_fields = ("project__title",)
    list_select_related = ("certification__member__user", "project")

"""Pages: the relationship list, the relationship page and relationship administration.

The relationship page (``partnering:relationship-detail``) is the hub a champion opens before a
quarterly review; every successful form here redirects there with a message. Customer
participants see the list and the page (their own account's relationships) but cannot administer
(``relationships.manage``). Reads go through ``partnering.relationships`` selectors, writes
through its services.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path, reverse
from django.views import View
from django.views.generic import TemplateView

from core import quarters
from core.parsing import parse_uuid
from core.permissions import can
from core.views.base import ObjectMixin, PageMixin, ServiceFormView, TenantScopedViewMixin, paginate
from partnering import relationships
from partnering.forms.relationships import (
    LevelChangeForm,
    RelationshipCreateForm,
    RelationshipEditForm,
    RosterForm,
    SponsorForm,
)
from partnering.models import MAX_SPONSORS_PER_SIDE, ActionStatus, Level, LevelChange, Relationship, Side, Sponsor


class RelationshipPageMixin(PageMixin):
    """A page about one relationship (``<uuid:pk>``): looked up with its account in the member's
    scope (404 outside it); meetings, actions and topics are planned from such pages."""

    model = Relationship

    def safely_get_queryset(self, queryset: QuerySet[Any]) -> QuerySet[Any]:
        return queryset.select_related("account")


class RelationshipListView(TenantScopedViewMixin, TemplateView):
    """Relationships with level, champions and open/overdue action counts; filter by level."""

    model = Relationship
    required_action = "relationships.view"
    template_name = "partnering/relationships/list.html"

    @property
    def level(self) -> str:
        level = self.request.GET.get("level", "")
        return level if level in Level.values else ""

    def safely_get_queryset(self, _queryset: QuerySet[Any]) -> QuerySet[Any]:
        # The selector starts from the same ``visible_to(membership)`` scope and adds the counts.
        rows = relationships.relationship_list(membership=self.member)
        return rows.filter(level=self.level) if self.level else rows

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        page = paginate(self.request, self.get_queryset())
        context.update(
            page=page,
            relationships=page.object_list,
            level=self.level,
            levels=Level.choices,
            unknown_level=bool(self.request.GET.get("level")) and not self.level,
            can_manage=can(self.member, "relationships.manage"),
        )
        return context


class RelationshipFormView(ServiceFormView):
    """Relationship forms end on the relationship page."""

    model = Relationship
    required_action = "relationships.manage"

    def redirect_to(self, obj: Any) -> str:
        relationship = obj if isinstance(obj, Relationship) else obj.relationship
        return reverse(
            "partnering:relationship-detail",
            kwargs={"tenant_slug": self.kwargs["tenant_slug"], "pk": relationship.pk},
        )


class RelationshipCreateView(RelationshipFormView):
    form_class = RelationshipCreateForm
    template_name = "partnering/relationships/form.html"
    success_message = "Relationship with {obj} created."

    def get_initial(self) -> dict[str, Any]:
        account = parse_uuid(self.request.GET.get("account"))
        return {"account": account} if account else {}

    def perform(self, form: RelationshipCreateForm) -> Relationship:
        return relationships.relationship_create(actor=self.membership, **form.cleaned_data)


class RelationshipObjectFormView(ObjectMixin, RelationshipFormView):
    """A form about one relationship (looked up in the member's scope: 404 outside it)."""

    def safely_get_queryset(self, queryset: QuerySet[Any]) -> QuerySet[Any]:
        return queryset.select_related("account")

    def get_form_kwargs(self) -> dict[str, Any]:
        kwargs = super().get_form_kwargs()
        kwargs["relationship"] = self.object
        return kwargs

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(relationship=self.object, **kwargs)


class RelationshipEditView(RelationshipObjectFormView):
    form_class = RelationshipEditForm
    template_name = "partnering/relationships/form.html"
    success_message = "Relationship {obj} saved."

    def get_form_kwargs(self) -> dict[str, Any]:
        kwargs = super().get_form_kwargs()
        del kwargs["relationship"]
        kwargs["account"] = self.object.account
        return kwargs

    def get_initial(self) -> dict[str, Any]:
        return {name: getattr(self.object, name) for name in relationships.RELATIONSHIP_FIELDS}

    def perform(self, form: RelationshipEditForm) -> Relationship:
        return relationships.relationship_update(actor=self.membership, relationship=self.object, **form.cleaned_data)


class RelationshipLevelView(RelationshipObjectFormView):
    form_class = LevelChangeForm
    template_name = "partnering/relationships/level.html"

    def get_form_kwargs(self) -> dict[str, Any]:
        kwargs = super().get_form_kwargs()
        del kwargs["relationship"]
        return kwargs

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        history = relationships.level_history(membership=self.membership, relationship=self.object)[:10]
        return super().get_context_data(history=list(history), **kwargs)

    def perform(self, form: LevelChangeForm) -> LevelChange:
        return relationships.relationship_change_level(
            actor=self.membership, relationship=self.object, **form.cleaned_data
        )

    def get_success_message(self, obj: LevelChange) -> str:
        return f"Level changed to {obj.get_to_level_display()}."


class RelationshipSponsorAddView(RelationshipObjectFormView):
    form_class = SponsorForm
    template_name = "partnering/relationships/sponsor_form.html"
    success_message = "{obj.membership.user.display_name} is now an executive sponsor."

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        sponsors = relationships.sponsors_of(membership=self.membership, relationship=self.object)
        return super().get_context_data(
            sponsors_supplier=sponsors[Side.SUPPLIER],
            sponsors_customer=sponsors[Side.CUSTOMER],
            max_per_side=MAX_SPONSORS_PER_SIDE,
            **kwargs,
        )

    def perform(self, form: SponsorForm) -> Sponsor:
        return relationships.sponsor_add(actor=self.membership, relationship=self.object, **form.cleaned_data)


class RelationshipRosterAddView(RelationshipObjectFormView):
    form_class = RosterForm
    template_name = "partnering/relationships/roster_form.html"
    success_message = "{obj.contact} added to the roster."

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        roster = relationships.roster_of(membership=self.membership, relationship=self.object)
        return super().get_context_data(roster=roster, **kwargs)

    def perform(self, form: RosterForm) -> Any:
        return relationships.roster_add(actor=self.membership, relationship=self.object, **form.cleaned_data)


class RelationshipDetailView(PageMixin, View):
    """Level and history, champions, sponsors, roster, next meeting, actions, short list, activity."""

    model = Relationship
    required_action = "relationships.view"

    def safely_get_queryset(self, queryset: QuerySet[Any]) -> QuerySet[Any]:
        return relationships.relationship_page_queryset(membership=self.member, queryset=queryset)

    def get(self, request: HttpRequest, **_url: Any) -> HttpResponse:
        relationship = self.get_object()
        context = relationships.relationship_page(membership=self.member, relationship=relationship)
        member = self.member
        context.update(
            {
                "can_manage_relationship": can(member, "relationships.manage"),
                "can_plan_meeting": can(member, "meetings.manage"),
                "can_add_action": can(member, "actions.manage"),
                "can_propose_topic": can(member, "topics.propose"),
                "is_internal": member.is_internal,
                "action_status_choices": ActionStatus.choices,
                "review_quarter": quarters.shift(quarters.current(), -1),  # last closed quarter
                "active_nav": "relationships",
            }
        )
        return render(request, "partnering/relationships/detail.html", context)


urlpatterns = [
    path("relationships/", RelationshipListView.as_view(), name="relationship-list"),
    path("relationships/<uuid:pk>/", RelationshipDetailView.as_view(), name="relationship-detail"),
    path("relationships/new/", RelationshipCreateView.as_view(), name="relationship-create"),
    path("relationships/<uuid:pk>/edit/", RelationshipEditView.as_view(), name="relationship-edit"),
    path("relationships/<uuid:pk>/level/", RelationshipLevelView.as_view(), name="relationship-level"),
    path(
        "relationships/<uuid:pk>/sponsors/new/", RelationshipSponsorAddView.as_view(), name="relationship-sponsor-add"
    ),
    path("relationships/<uuid:pk>/roster/new/", RelationshipRosterAddView.as_view(), name="relationship-roster-add"),
]

"""Pages: the relationship list and relationship administration (see partnering/urls.py).

The relationship page itself (``partnering:relationship-detail``) is in ``views/meetings.py``;
every successful form here redirects there with a message. Customer participants see the list
(their own account's relationships) but cannot administer (``relationships.manage``).
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.urls import path, reverse
from django.views.generic import TemplateView

from core.parsing import parse_uuid
from core.permissions import can
from core.views.base import ObjectMixin, ServiceFormView, TenantScopedViewMixin, paginate
from partnering import selectors, services
from partnering.forms.relationships import (
    LevelChangeForm,
    RelationshipCreateForm,
    RelationshipEditForm,
    RosterForm,
    SponsorForm,
)
from partnering.models import MAX_SPONSORS_PER_SIDE, Level, LevelChange, Relationship, RosterEntry, Side, Sponsor


class RelationshipListView(TenantScopedViewMixin, TemplateView):
    """Relationships with level, champions and open/overdue action counts; filter by level."""

    model = Relationship
    required_action = "relationships.view"
    template_name = "partnering/relationships/list.html"

    @property
    def level(self) -> str:
        level = self.request.GET.get("level", "")
        return level if level in Level.values else ""

    def safely_get_queryset(self, queryset: QuerySet[Any]) -> QuerySet[Any]:
        # The selector starts from the same ``visible_to(membership)`` scope and adds the counts.
        relationships = selectors.relationship_list(membership=self.request.membership)  # type: ignore[attr-defined]
        return relationships.filter(level=self.level) if self.level else relationships

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        page = paginate(self.request, self.get_queryset())
        context.update(
            page=page,
            relationships=page.object_list,
            level=self.level,
            levels=Level.choices,
            unknown_level=bool(self.request.GET.get("level")) and not self.level,
            can_manage=can(self.request.membership, "relationships.manage"),  # type: ignore[attr-defined]
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
        return services.relationship_create(actor=self.membership, **form.cleaned_data)


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
        return {name: getattr(self.object, name) for name in RelationshipEditForm.base_fields}

    def perform(self, form: RelationshipEditForm) -> Relationship:
        return services.relationship_update(
            actor=self.membership, relationship=self.working_copy(), **form.cleaned_data
        )


class RelationshipLevelView(RelationshipObjectFormView):
    form_class = LevelChangeForm
    template_name = "partnering/relationships/level.html"

    def get_form_kwargs(self) -> dict[str, Any]:
        kwargs = super().get_form_kwargs()
        del kwargs["relationship"]
        return kwargs

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        history = (
            LevelChange.objects.visible_to(self.membership)
            .filter(relationship=self.object)
            .select_related("changed_by__user")
            .order_by("-changed_on", "-pk")[:10]
        )
        return super().get_context_data(history=list(history), **kwargs)

    def perform(self, form: LevelChangeForm) -> LevelChange:
        return services.relationship_change_level(actor=self.membership, relationship=self.object, **form.cleaned_data)

    def get_success_message(self, obj: LevelChange) -> str:
        return f"Level changed to {obj.get_to_level_display()}."


class RelationshipSponsorAddView(RelationshipObjectFormView):
    form_class = SponsorForm
    template_name = "partnering/relationships/sponsor_form.html"
    success_message = "{obj.membership.user.display_name} is now an executive sponsor."

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        sponsors = list(
            Sponsor.objects.visible_to(self.membership)
            .filter(relationship=self.object)
            .select_related("membership__user")
        )
        return super().get_context_data(
            sponsors_supplier=[s for s in sponsors if s.side == Side.SUPPLIER],
            sponsors_customer=[s for s in sponsors if s.side == Side.CUSTOMER],
            max_per_side=MAX_SPONSORS_PER_SIDE,
            **kwargs,
        )

    def perform(self, form: SponsorForm) -> Sponsor:
        return services.sponsor_add(actor=self.membership, relationship=self.object, **form.cleaned_data)


class RelationshipRosterAddView(RelationshipObjectFormView):
    form_class = RosterForm
    template_name = "partnering/relationships/roster_form.html"
    success_message = "{obj.contact} added to the roster."

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        roster = (
            RosterEntry.objects.visible_to(self.membership)
            .filter(relationship=self.object)
            .select_related("contact__account")
        )
        return super().get_context_data(roster=list(roster), **kwargs)

    def perform(self, form: RosterForm) -> Any:
        return services.roster_add(actor=self.membership, relationship=self.object, **form.cleaned_data)


urlpatterns = [
    path("relationships/", RelationshipListView.as_view(), name="relationship-list"),
    path("relationships/new/", RelationshipCreateView.as_view(), name="relationship-create"),
    path("relationships/<uuid:pk>/edit/", RelationshipEditView.as_view(), name="relationship-edit"),
    path("relationships/<uuid:pk>/level/", RelationshipLevelView.as_view(), name="relationship-level"),
    path(
        "relationships/<uuid:pk>/sponsors/new/", RelationshipSponsorAddView.as_view(), name="relationship-sponsor-add"
    ),
    path("relationships/<uuid:pk>/roster/new/", RelationshipRosterAddView.as_view(), name="relationship-roster-add"),
]

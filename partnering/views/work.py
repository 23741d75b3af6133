"""Pages: action items (all, mine, add, edit, status) and future topics (list, propose, score,
short-list, steering team, action plan).

Reads go through ``partnering.work`` selectors, writes through its services. Customers see their
own account's rows only and never internal-only actions (``work.actions_for``); they may propose
and score topics and move the status of actions they own. Overdue open actions are flagged on
every list.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.views import View

from core.forms.base import apply_service_errors
from core.parsing import parse_uuid
from core.permissions import can
from core.views.base import PageMixin, paginate
from partnering import work
from partnering.accounts import side_of
from partnering.forms.work import (
    ActionForm,
    ActionStatusForm,
    SteeringMemberForm,
    TopicForm,
    TopicScoreForm,
    TopicStatusForm,
)
from partnering.models import ActionItem, ActionStatus, FutureTopic, Relationship, Side, TopicStatus
from partnering.views.relationships import RelationshipPageMixin

# --- Action items -----------------------------------------------------------------------------


class ActionListView(PageMixin, View):
    """All actions the member may see; ``?overdue=1`` for the overdue ones, ``?status=all`` for closed too."""

    model = ActionItem
    required_action = "actions.view"
    template = "partnering/work/action_list.html"
    title = "Actions"
    mine = False

    @property
    def show_all(self) -> bool:
        return self.request.GET.get("status") == "all"

    @property
    def overdue_only(self) -> bool:
        return self.request.GET.get("overdue") == "1"

    def safely_get_queryset(self, _queryset: QuerySet[Any]) -> QuerySet[Any]:
        return work.action_list(
            membership=self.member, mine=self.mine, overdue_only=self.overdue_only, show_all=self.show_all
        )

    def get(self, request: HttpRequest, **_url: Any) -> HttpResponse:
        page = paginate(request, self.get_queryset(), per_page=50)
        context = {
            "page": page,
            "actions": list(page.object_list),
            "today": timezone.localdate(),
            "overdue_only": self.overdue_only,
            "show_all": self.show_all,
            "title": self.title,
            "mine": self.mine,
            "action_status_choices": ActionStatus.choices,
            "can_add_action": can(self.member, "actions.manage"),
            "member_pk": self.member.pk,
            "active_nav": "actions",
        }
        return render(request, self.template, context)


class MyActionsView(ActionListView):
    """Every user's own actions, overdue first."""

    title = "My actions"
    mine = True


class ActionCreateView(RelationshipPageMixin, View):
    """Add an action to a relationship, optionally linked to a meeting and/or topic (query params)."""

    required_action = "actions.view"
    manage_action = "actions.manage"

    def get(self, request: HttpRequest, **_url: Any) -> HttpResponse:
        relationship = self.get_object()
        meeting, topic = parse_uuid(request.GET.get("meeting")), parse_uuid(request.GET.get("topic"))
        initial = {
            "meeting": str(meeting) if meeting else None,
            "topic": str(topic) if topic else None,
            "owner": self.member.pk,
        }
        form = ActionForm(initial=initial, membership=self.member, relationship=relationship)
        return self.page(relationship, form)

    def post(self, request: HttpRequest, **_url: Any) -> HttpResponse:
        relationship = self.get_object()
        form = ActionForm(request.POST, membership=self.member, relationship=relationship)
        if form.is_valid():
            data = dict(form.cleaned_data)
            try:
                action = work.action_create(
                    actor=self.member,
                    relationship=relationship,
                    title=data.pop("title"),
                    owner=data.pop("owner"),
                    due_on=data.pop("due_on"),
                    **data,
                )
            except ValidationError as error:
                apply_service_errors(form, error)
            else:
                messages.success(request, f"Action “{action.title}” added.")
                return redirect(self.next_url(self.url("relationship-detail", pk=relationship.pk)))
        return self.page(relationship, form)

    def page(self, relationship: Relationship, form: ActionForm, action: ActionItem | None = None) -> HttpResponse:
        return render(
            self.request,
            "partnering/work/action_form.html",
            {
                "relationship": relationship,
                "form": form,
                "action": action,
                "next": self.next_url(""),
                "active_nav": "actions",
            },
        )


class ActionEditView(ActionCreateView):
    """Edit every field of an action (our company's people only)."""

    model = ActionItem  # type: ignore[assignment]

    def safely_get_queryset(self, _queryset: QuerySet[Any]) -> QuerySet[Any]:
        return work.actions_for(membership=self.member)

    def get(self, request: HttpRequest, **_url: Any) -> HttpResponse:
        action = self.get_object()
        initial = {name: getattr(action, name) for name in work.ACTION_FIELDS}
        form = ActionForm(initial=initial, membership=self.member, relationship=action.relationship)
        return self.page(action.relationship, form, action)

    def post(self, request: HttpRequest, **_url: Any) -> HttpResponse:
        action = self.get_object()
        form = ActionForm(request.POST, membership=self.member, relationship=action.relationship)
        if form.is_valid():
            try:
                work.action_update(actor=self.member, action=action, **form.cleaned_data)
            except ValidationError as error:
                apply_service_errors(form, error)
            else:
                messages.success(request, "Action saved.")
                return redirect(self.next_url(self.url("relationship-detail", pk=action.relationship_id)))
        return self.page(action.relationship, form, action)


class ActionStatusView(PageMixin, View):
    """POST a new status. Customers may move only actions they own (403 otherwise)."""

    model = ActionItem
    required_action = "actions.update_own"

    def safely_get_queryset(self, _queryset: QuerySet[Any]) -> QuerySet[Any]:
        return work.actions_for(membership=self.member)

    def get(self, _request: HttpRequest, **_url: Any) -> HttpResponse:
        action = self.get_object()
        return redirect(self.url("relationship-detail", pk=action.relationship_id))

    def post(self, request: HttpRequest, **_url: Any) -> HttpResponse:
        action = self.get_object()
        default = self.url("relationship-detail", pk=action.relationship_id)
        if self.member.is_customer and action.owner_id != self.member.pk:
            raise PermissionDenied("You can update only actions assigned to you.")
        form = ActionStatusForm(request.POST)
        if not form.is_valid():
            messages.error(request, "Choose one of the listed statuses.")
            return redirect(self.next_url(default))
        try:
            work.action_update(actor=self.member, action=action, status=form.cleaned_data["status"])
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, f"“{action.title}” is now {action.get_status_display().lower()}.")
        return redirect(self.next_url(default))


# --- Future topics ----------------------------------------------------------------------------


class TopicListView(RelationshipPageMixin, View):
    """The long list and the short list of a relationship, ranked by both firms' combined score."""

    required_action = "topics.view"

    def get(self, request: HttpRequest, **_url: Any) -> HttpResponse:
        relationship = self.get_object()
        topics = work.topics_ranked(membership=self.member, relationship=relationship)
        context = {
            "relationship": relationship,
            "short_list": [t for t in topics if t.status == TopicStatus.ACTIVE],
            "long_list": [t for t in topics if t.status == TopicStatus.LONG_LIST],
            "closed": [t for t in topics if t.status in (TopicStatus.DONE, TopicStatus.DROPPED)],
            "limit": work.short_list_limit(),
            "can_propose": can(self.member, "topics.propose"),
            "can_manage": can(self.member, "topics.manage"),
            "status_choices": TopicStatus.choices,
            "is_internal": self.member.is_internal,
            "active_nav": "relationships",
        }
        return render(request, "partnering/work/topic_list.html", context)


class TopicCreateView(RelationshipPageMixin, View):
    """Propose a topic for the long list; customers may too (their side is recorded)."""

    required_action = "topics.propose"

    def get(self, _request: HttpRequest, **_url: Any) -> HttpResponse:
        relationship = self.get_object()
        return self.page(relationship, TopicForm(internal=self.member.is_internal))

    def post(self, request: HttpRequest, **_url: Any) -> HttpResponse:
        relationship = self.get_object()
        form = TopicForm(request.POST, internal=self.member.is_internal)
        if form.is_valid():
            data = dict(form.cleaned_data)
            try:
                topic = work.topic_create(actor=self.member, relationship=relationship, title=data.pop("title"), **data)
            except ValidationError as error:
                apply_service_errors(form, error)
            else:
                messages.success(request, "Topic added to the long list. Score it so it can be ranked.")
                return redirect(self.url("topic-detail", pk=topic.pk))
        return self.page(relationship, form)

    def page(self, relationship: Relationship, form: TopicForm) -> HttpResponse:
        return render(
            self.request,
            "partnering/work/topic_form.html",
            {"relationship": relationship, "form": form, "active_nav": "relationships"},
        )


class TopicPageMixin(PageMixin):
    """The topic page, re-rendered with a bound form when a status or steering change is refused."""

    model = FutureTopic
    required_action = "topics.view"

    def safely_get_queryset(self, queryset: QuerySet[Any]) -> QuerySet[Any]:
        return queryset.select_related("relationship__account", "proposed_by__user")

    def topic_page(
        self,
        topic: FutureTopic,
        *,
        status_form: TopicStatusForm | None = None,
        steering_form: SteeringMemberForm | None = None,
    ) -> HttpResponse:
        member = self.member
        scores = work.topic_scores(membership=member, topic=topic)
        can_manage = can(member, "topics.manage")
        context = {
            "topic": topic,
            "relationship": topic.relationship,
            "supplier_score": scores.get(Side.SUPPLIER),
            "customer_score": scores.get(Side.CUSTOMER),
            "steering": work.steering_team(membership=member, topic=topic),
            "actions": work.topic_actions(membership=member, topic=topic),
            "today": timezone.localdate(),
            "can_manage": can_manage,
            "can_score": can(member, "topics.score"),
            "can_add_action": can(member, "actions.manage"),
            "is_internal": member.is_internal,
            "action_status_choices": ActionStatus.choices,
            "status_form": status_form or TopicStatusForm(initial={"status": topic.status, "priority": topic.priority}),
            "steering_form": steering_form
            or (SteeringMemberForm(membership=member, relationship=topic.relationship) if can_manage else None),
            "limit": work.short_list_limit(),
            "active_nav": "relationships",
        }
        return render(self.request, "partnering/work/topic_detail.html", context)


class TopicDetailView(TopicPageMixin, View):
    def get(self, _request: HttpRequest, **_url: Any) -> HttpResponse:
        return self.topic_page(self.get_object())


class TopicScoreView(TopicPageMixin, View):
    """Score a topic for your firm (customers score as the customer side)."""

    required_action = "topics.score"

    def get(self, _request: HttpRequest, **_url: Any) -> HttpResponse:
        topic = self.get_object()
        side = side_of(self.member)
        current = work.topic_scores(membership=self.member, topic=topic).get(side)
        initial = {name: getattr(current, name) for name in TopicScoreForm.base_fields} if current is not None else {}
        return self.page(topic, TopicScoreForm(initial=initial), side)

    def post(self, request: HttpRequest, **_url: Any) -> HttpResponse:
        topic = self.get_object()
        side = side_of(self.member)
        form = TopicScoreForm(request.POST)
        if form.is_valid():
            try:
                work.topic_score(actor=self.member, topic=topic, **form.cleaned_data)
            except ValidationError as error:
                apply_service_errors(form, error)
            else:
                messages.success(request, "Score saved.")
                return redirect(self.url("topic-detail", pk=topic.pk))
        return self.page(topic, form, side)

    def page(self, topic: FutureTopic, form: TopicScoreForm, side: str) -> HttpResponse:
        return render(
            self.request,
            "partnering/work/topic_score.html",
            {
                "topic": topic,
                "relationship": topic.relationship,
                "form": form,
                "side_label": Side(side).label,
                "active_nav": "relationships",
            },
        )


class TopicStatusView(TopicPageMixin, View):
    """POST: long list ↔ short list (with priority), done, dropped. The short-list limit is enforced."""

    def get(self, _request: HttpRequest, **_url: Any) -> HttpResponse:
        return redirect(self.url("topic-detail", pk=self.get_object().pk))

    def post(self, request: HttpRequest, **_url: Any) -> HttpResponse:
        topic = self.get_object()
        self.require("topics.manage")
        form = TopicStatusForm(request.POST)
        if form.is_valid():
            try:
                work.topic_set_status(
                    actor=self.member,
                    topic=topic,
                    status=form.cleaned_data["status"],
                    priority=form.cleaned_data["priority"],
                )
            except ValidationError as error:
                apply_service_errors(form, error)
            else:
                messages.success(request, f"“{topic.title}” is now: {topic.get_status_display().lower()}.")
                return redirect(self.next_url(self.url("topic-detail", pk=topic.pk)))
        return self.topic_page(topic, status_form=form)


class TopicSteeringAddView(TopicPageMixin, View):
    """POST: add a person of either firm to the topic's joint steering team."""

    def get(self, _request: HttpRequest, **_url: Any) -> HttpResponse:
        return redirect(self.url("topic-detail", pk=self.get_object().pk))

    def post(self, request: HttpRequest, **_url: Any) -> HttpResponse:
        topic = self.get_object()
        self.require("topics.manage")
        form = SteeringMemberForm(request.POST, membership=self.member, relationship=topic.relationship)
        if form.is_valid():
            try:
                work.steering_member_add(actor=self.member, topic=topic, contact=form.cleaned_data["contact"])
            except ValidationError as error:
                apply_service_errors(form, error)
            else:
                messages.success(request, f"{form.cleaned_data['contact']} joined the steering team.")
                return redirect(self.url("topic-detail", pk=topic.pk))
        return self.topic_page(topic, steering_form=form)


urlpatterns = [
    path("actions/", ActionListView.as_view(), name="action-list"),
    path("actions/mine/", MyActionsView.as_view(), name="my-actions"),
    path("relationships/<uuid:pk>/actions/new/", ActionCreateView.as_view(), name="action-create"),
    path("actions/<uuid:pk>/edit/", ActionEditView.as_view(), name="action-edit"),
    path("actions/<uuid:pk>/status/", ActionStatusView.as_view(), name="action-status"),
    path("relationships/<uuid:pk>/topics/", TopicListView.as_view(), name="topic-list"),
    path("relationships/<uuid:pk>/topics/new/", TopicCreateView.as_view(), name="topic-create"),
    path("topics/<uuid:pk>/", TopicDetailView.as_view(), name="topic-detail"),
    path("topics/<uuid:pk>/score/", TopicScoreView.as_view(), name="topic-score"),
    path("topics/<uuid:pk>/status/", TopicStatusView.as_view(), name="topic-status"),
    path("topics/<uuid:pk>/steering/new/", TopicSteeringAddView.as_view(), name="topic-steering-add"),
]

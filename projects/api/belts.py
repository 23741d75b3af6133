"""API · belts: cohorts, belt candidates (with their eligibility, ``complete-module`` and ``certify``
detail actions), training modules and certifications (read-only).

Internal people only: every route names a ``belts.*`` action, which customer participants do not
have (403). Ids in a body are looked up among the active tenant's rows (a foreign id is a 400);
writes go through ``projects.belts``.
"""

from __future__ import annotations

from typing import Any, ClassVar, cast

from django.core.exceptions import ValidationError
from django.db.models import Count, QuerySet
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import SimpleRouter
from typing_extensions import override

from core.api.fields import ScopedPrimaryKeyRelatedField
from core.models import Membership
from projects import belts
from projects.api.base import ProjectsAreaViewSet
from projects.models import (
    BeltCandidate,
    BeltLevel,
    CandidateStatus,
    Certification,
    Cohort,
    TrainingModule,
)


def _member_field(**kwargs: Any) -> ScopedPrimaryKeyRelatedField:
    return ScopedPrimaryKeyRelatedField(queryset=Membership.objects.all(), **kwargs)


class BeltLevelField(serializers.ChoiceField):
    """Green or Black Belt."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(choices=BeltLevel.choices, **kwargs)


@extend_schema_field({"type": "string", "description": "`green` (Green Belt) or `black` (Black Belt)."})
class TargetBeltField(BeltLevelField):
    """A belt level under another name: documented as a plain string so the one ``BeltLevelEnum``
    stays the only name of this choice set in the schema."""


# --- Serializers --------------------------------------------------------------------------------


class CohortSerializer(serializers.ModelSerializer):
    coach = _member_field(required=False, allow_null=True)
    coach_name = serializers.SerializerMethodField()
    belt_level = BeltLevelField(required=False)
    candidate_count = serializers.IntegerField(read_only=True, default=0)

    class Meta:
        model = Cohort
        fields = ["id", *belts.COHORT_FIELDS, "coach_name", "candidate_count"]
        read_only_fields = ["id"]
        validators: list[Any] = []  # uniqueness is checked by the service (a field error)

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_coach_name(self, obj: Cohort) -> str | None:
        return obj.coach.user.display_name if obj.coach else None


class RuleSerializer(serializers.Serializer):
    label = serializers.CharField()  # type: ignore[assignment]
    met = serializers.BooleanField()


class EligibilitySerializer(serializers.Serializer):
    target_belt = TargetBeltField()
    eligible = serializers.BooleanField()
    modules_done = serializers.IntegerField()
    modules_required = serializers.IntegerField()
    missing_modules = serializers.ListField(child=serializers.CharField())
    closed_projects = serializers.IntegerField()
    closed_required = serializers.IntegerField()
    validated_projects = serializers.IntegerField()
    requires_validated_benefits = serializers.BooleanField()
    requires_green_belt = serializers.BooleanField()
    has_green_belt = serializers.BooleanField()
    projects = serializers.ListField(child=serializers.UUIDField(), help_text="Closed projects that count.")
    rules = RuleSerializer(many=True)
    missing = serializers.ListField(child=serializers.CharField(), help_text="What is missing, in plain words.")


class BeltCandidateSerializer(serializers.ModelSerializer):
    member = _member_field()
    member_name = serializers.SerializerMethodField()
    cohort = ScopedPrimaryKeyRelatedField(queryset=Cohort.objects.all())
    target_belt = TargetBeltField(required=False, help_text="Default: the cohort's belt.")
    status = serializers.ChoiceField(choices=CandidateStatus.choices, read_only=True)
    eligibility = serializers.SerializerMethodField()

    class Meta:
        model = BeltCandidate
        fields = ["id", "member", "member_name", "cohort", "target_belt", "status", "joined_on", "eligibility"]
        read_only_fields = ["id", "status"]
        validators: list[Any] = []

    def get_member_name(self, obj: BeltCandidate) -> str:
        return obj.member.user.display_name

    @extend_schema_field(EligibilitySerializer)
    def get_eligibility(self, obj: BeltCandidate) -> dict[str, Any]:
        results: dict[Any, belts.Eligibility] = self.context.get("eligibility") or {}
        result = results.get(obj.pk) or belts.eligibility(obj)
        return result.as_dict()


class CompleteModuleSerializer(serializers.Serializer):
    module = ScopedPrimaryKeyRelatedField(queryset=TrainingModule.objects.all())
    completed_on = serializers.DateField(required=False, allow_null=True, help_text="Default: today.")
    done = serializers.BooleanField(default=True, help_text="false: untick the module.")


class ModuleProgressSerializer(serializers.Serializer):
    module = serializers.UUIDField()
    name = serializers.CharField()
    is_required = serializers.BooleanField()
    completed_on = serializers.DateField(allow_null=True)


class CertifySerializer(serializers.Serializer):
    certified_on = serializers.DateField(required=False, allow_null=True, help_text="Default: today.")
    note = serializers.CharField(required=False, allow_blank=True, default="")


class TrainingModuleSerializer(serializers.ModelSerializer):
    belt_level = BeltLevelField(required=False)

    class Meta:
        model = TrainingModule
        fields = ["id", "belt_level", *belts.MODULE_FIELDS]
        read_only_fields = ["id"]
        validators: list[Any] = []


class CertificationSerializer(serializers.ModelSerializer):
    belt_level = BeltLevelField(read_only=True)
    member_name = serializers.SerializerMethodField()
    signed_off_by_name = serializers.SerializerMethodField()
    projects = serializers.PrimaryKeyRelatedField(  # type: ignore[var-annotated]
        many=True, read_only=True, pk_field=serializers.UUIDField()
    )

    class Meta:
        model = Certification
        fields = [
            "id",
            "member",
            "member_name",
            "belt_level",
            "certified_on",
            "signed_off_by",
            "signed_off_by_name",
            "candidate",
            "projects",
            "note",
        ]
        read_only_fields = fields

    def get_member_name(self, obj: Certification) -> str:
        return obj.member.user.display_name

    def get_signed_off_by_name(self, obj: Certification) -> str:
        return obj.signed_off_by.user.display_name


def _progress(candidate: BeltCandidate) -> list[dict[str, Any]]:
    return [
        {"module": m.pk, "name": m.name, "is_required": m.is_required, "completed_on": m.completed_on}  # type: ignore[attr-defined]
        for m in belts.module_progress(candidate)
    ]


# --- Viewsets -----------------------------------------------------------------------------------


def _crud(view: str, manage: str) -> dict[str, str]:
    return {"list": view, "retrieve": view, "create": manage, "update": manage, "partial_update": manage}


class CohortViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    ProjectsAreaViewSet,
):
    """Cohorts of belt candidates (internal people; coaches and admins manage)."""

    model = Cohort
    serializer_class = CohortSerializer
    action_permissions: ClassVar[dict[str, str]] = _crud("belts.view", "belts.manage")
    search_fields = ["name"]
    ordering_fields = ["name", "starts_on"]
    ordering = ["-starts_on", "name"]

    def safely_get_queryset(self, queryset: QuerySet[Any]) -> QuerySet[Any]:
        rows: QuerySet[Any] = queryset.select_related("coach__user").annotate(candidate_count=Count("candidates"))
        return rows

    @override
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        cohort = belts.cohort_create(actor=self.membership, **serializer.validated_data)
        return Response(self.get_serializer(self.reread(cohort)).data, status=status.HTTP_201_CREATED)

    @override
    def update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        partial = kwargs.pop("partial", False)
        cohort = cast(Cohort, self.get_object())
        serializer = self.get_serializer(cohort, data=request.data, partial=partial)
        serializer.is_valid(raise_exception=True)
        belts.cohort_update(actor=self.membership, cohort=cohort, **serializer.validated_data)
        return Response(self.get_serializer(self.reread(cohort)).data)


class BeltCandidateViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    ProjectsAreaViewSet,
):
    """Belt candidates with their eligibility; tick modules and certify through the detail actions."""

    model = BeltCandidate
    serializer_class = BeltCandidateSerializer
    action_permissions: ClassVar[dict[str, str]] = {
        "list": "belts.view",
        "retrieve": "belts.view",
        "create": "belts.manage",
        "modules": "belts.view",
        "complete_module": "belts.manage",
        "eligibility": "belts.view",
        "certify": "belts.certify",
    }
    filterset_fields = ["cohort", "target_belt", "status"]
    ordering_fields = ["joined_on"]
    ordering = ["cohort__name", "member__user__full_name"]

    def safely_get_queryset(self, queryset: QuerySet[Any]) -> QuerySet[Any]:
        rows: QuerySet[Any] = queryset.select_related("member__user", "cohort").annotate(
            done_module_ids=belts.done_modules()
        )
        return rows

    @override
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        queryset = self.filter_queryset(self.get_queryset())
        page = self.paginate_queryset(queryset)
        rows = list(page if page is not None else queryset)
        context = {**self.get_serializer_context(), "eligibility": belts.eligibility_many(rows)}
        data = BeltCandidateSerializer(rows, many=True, context=context).data
        return self.get_paginated_response(data) if page is not None else Response(data)

    @override
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        candidate = belts.candidate_add(
            actor=self.membership,
            member=data["member"],
            cohort=data["cohort"],
            target_belt=data.get("target_belt"),
            joined_on=data.get("joined_on"),
        )
        return Response(self.get_serializer(self.reread(candidate)).data, status=status.HTTP_201_CREATED)

    @extend_schema(responses=ModuleProgressSerializer(many=True))
    @action(
        detail=True,
        methods=["get"],
        url_path="complete-module",
        url_name="complete-module",
        filter_backends=[],
        pagination_class=None,
    )
    def modules(self, _request: Request, **_url: Any) -> Response:
        """The candidate's curriculum with the completion date of each module (null: not yet)."""
        candidate = cast(BeltCandidate, self.get_object())
        return Response(ModuleProgressSerializer(_progress(candidate), many=True).data)

    @modules.mapping.post
    @extend_schema(request=CompleteModuleSerializer, responses=ModuleProgressSerializer(many=True))
    def complete_module(self, request: Request, **_url: Any) -> Response:
        """Tick a module off (``done``: true, the default) or untick it (false)."""
        candidate = cast(BeltCandidate, self.get_object())
        serializer = CompleteModuleSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        if data["done"]:
            belts.module_complete(
                actor=self.membership,
                candidate=candidate,
                module=data["module"],
                completed_on=data.get("completed_on"),
            )
        else:
            belts.module_uncomplete(actor=self.membership, candidate=candidate, module=data["module"])
        return Response(ModuleProgressSerializer(_progress(candidate), many=True).data)

    @extend_schema(responses=EligibilitySerializer)
    @action(detail=True, methods=["get"], url_path="certify", url_name="certify", filter_backends=[])
    def eligibility(self, _request: Request, **_url: Any) -> Response:
        """Where the candidate stands against the tenant's belt rules (what is missing)."""
        candidate = cast(BeltCandidate, self.get_object())
        return Response(EligibilitySerializer(belts.eligibility(candidate).as_dict()).data)

    @eligibility.mapping.post
    @extend_schema(request=CertifySerializer, responses={201: CertificationSerializer})
    def certify(self, request: Request, **_url: Any) -> Response:
        """Sign off the belt: a coach or certified Black Belt, never the candidate; the candidate
        must be eligible. A Black Belt joins the coach pool."""
        candidate = cast(BeltCandidate, self.get_object())
        serializer = CertifySerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        certification = belts.certify(
            actor=self.membership,
            candidate=candidate,
            certified_on=serializer.validated_data.get("certified_on"),
            note=serializer.validated_data.get("note", ""),
        )
        certification = belts.certifications().get(pk=certification.pk)
        return Response(CertificationSerializer(certification).data, status=status.HTTP_201_CREATED)


class TrainingModuleViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    ProjectsAreaViewSet,
):
    """The belt curriculum (seeded with the defaults the first time it is listed)."""

    model = TrainingModule
    serializer_class = TrainingModuleSerializer
    action_permissions: ClassVar[dict[str, str]] = _crud("belts.view", "belts.manage")
    filterset_fields = ["belt_level", "is_required"]
    ordering = ["belt_level", "position", "name"]

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        belts.training_modules_ensure()
        return super().list(request, *args, **kwargs)

    @override
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        module = belts.module_create(actor=self.membership, **serializer.validated_data)
        return Response(self.get_serializer(module).data, status=status.HTTP_201_CREATED)

    @override
    def update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        partial = kwargs.pop("partial", False)
        module = cast(TrainingModule, self.get_object())
        serializer = self.get_serializer(module, data=request.data, partial=partial)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        if "belt_level" in data and data.pop("belt_level") != module.belt_level:
            raise ValidationError({"belt_level": "A module stays in its curriculum; add a new one instead."})
        belts.module_update(actor=self.membership, module=module, **data)
        return Response(self.get_serializer(module).data)


class CertificationViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ProjectsAreaViewSet):
    """Certified Green and Black Belts with the date, signer and the projects that counted."""

    model = Certification
    serializer_class = CertificationSerializer
    action_permissions: ClassVar[dict[str, str]] = {"list": "belts.view", "retrieve": "belts.view"}
    filterset_fields = ["belt_level", "member"]
    ordering = ["-certified_on"]

    def safely_get_queryset(self, queryset: QuerySet[Any]) -> QuerySet[Any]:
        return queryset.select_related("member__user", "signed_off_by__user").prefetch_related("projects")


def register(router: SimpleRouter) -> None:
    """Register this area's viewsets on the projects router (basenames start with ``api-``)."""
    router.register("cohorts", CohortViewSet, basename="api-cohort")
    router.register("belt-candidates", BeltCandidateViewSet, basename="api-belt-candidate")
    router.register("training-modules", TrainingModuleViewSet, basename="api-training-module")
    router.register("certifications", CertificationViewSet, basename="api-certification")

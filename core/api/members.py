"""API of core's members area: tokens, the caller's memberships, and ``me`` inside a tenant."""

from __future__ import annotations

from typing import Any, ClassVar

from axes.exceptions import AxesBackendPermissionDenied
from django.contrib.auth import authenticate
from django.urls import path
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import generics, mixins, permissions, serializers, status, viewsets
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import SimpleRouter
from rest_framework.views import APIView

from core import members
from core.api.base import TenantAPIView
from core.api.errors import error_body
from core.models import ApiToken, Membership, Tenant, User

# --- Serializers ------------------------------------------------------------------------------


class UserBriefSerializer(serializers.ModelSerializer):
    class Meta:
        model = User
        fields = ["id", "email", "full_name"]


class TenantBriefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Tenant
        fields = ["id", "name", "slug"]


class CustomerAccountBriefSerializer(serializers.Serializer):
    """The customer account a participant belongs to (``partnering.CustomerAccount``: id and name)."""

    id = serializers.UUIDField(read_only=True)
    name = serializers.CharField(read_only=True)


class MembershipSerializer(serializers.ModelSerializer):
    """A membership of the caller: tenant, role and (customers) the account they belong to."""

    tenant = TenantBriefSerializer(read_only=True)
    customer_account = CustomerAccountBriefSerializer(read_only=True, allow_null=True)

    class Meta:
        model = Membership
        fields = ["id", "tenant", "role", "customer_account"]


class MeSerializer(serializers.ModelSerializer):
    """Who the caller is in this tenant."""

    user = UserBriefSerializer(read_only=True)
    tenant = TenantBriefSerializer(read_only=True)
    customer_account = CustomerAccountBriefSerializer(read_only=True, allow_null=True)
    role_label = serializers.CharField(source="get_role_display", read_only=True)

    class Meta:
        model = Membership
        fields = ["id", "user", "tenant", "role", "role_label", "customer_account"]


class TokenRequestSerializer(serializers.Serializer):
    email = serializers.EmailField()
    password = serializers.CharField(trim_whitespace=False, style={"input_type": "password"})
    name = serializers.CharField(required=False, allow_blank=True, max_length=100, help_text="A label, e.g. 'laptop'.")


class TokenIssuedSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    token = serializers.CharField(help_text="Shown once. Send as 'Authorization: Token <token>'.")
    name = serializers.CharField()
    created_at = serializers.DateTimeField()


class ApiTokenSerializer(serializers.ModelSerializer):
    class Meta:
        model = ApiToken
        fields = ["id", "name", "prefix", "created_at", "last_used_at", "revoked_at"]
        read_only_fields = fields


# --- Views ------------------------------------------------------------------------------------


class TokenView(APIView):
    """Exchange e-mail and password for an API token (revoke with DELETE /auth/tokens/current/)."""

    authentication_classes: list[Any] = []
    permission_classes = [permissions.AllowAny]

    @extend_schema(
        request=TokenRequestSerializer,
        responses={
            201: TokenIssuedSerializer,
            400: OpenApiResponse(description="Wrong e-mail or password, or missing fields."),
            429: OpenApiResponse(description="Locked out after repeated failed attempts."),
        },
        auth=[],
    )
    def post(self, request: Request) -> Response:
        form = TokenRequestSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        try:
            # ``email=`` (USERNAME_FIELD), not ``username=``: django-axes counts and locks by that key.
            user = authenticate(
                request._request,
                email=form.validated_data["email"].strip().lower(),
                password=form.validated_data["password"],
            )
        except AxesBackendPermissionDenied:
            user = None
        if getattr(request._request, "axes_locked_out", False):  # set by django-axes
            # Answered here in the API's error shape; clear the flag so AxesMiddleware does not
            # swap this JSON response for its HTML lockout page on the way out.
            request._request.axes_locked_out = False  # type: ignore[attr-defined]
            return Response(
                error_body(
                    429, "locked_out", "Too many failed sign-in attempts. Try again later or reset your password."
                ),
                status=status.HTTP_429_TOO_MANY_REQUESTS,
            )
        if user is None:
            return Response(
                error_body(
                    400,
                    "invalid_credentials",
                    "E-mail or password is wrong.",
                    {"non_field_errors": ["E-mail or password is wrong."]},
                ),
                status=status.HTTP_400_BAD_REQUEST,
            )
        token, raw = members.api_token_issue(user=user, name=form.validated_data.get("name", ""))
        body = {"id": token.pk, "token": raw, "name": token.name, "created_at": token.created_at}
        return Response(TokenIssuedSerializer(body).data, status=status.HTTP_201_CREATED)


class CurrentTokenView(APIView):
    """Revoke the token this request is authenticated with."""

    @extend_schema(request=None, responses={204: None, 400: OpenApiResponse(description="Not a token request.")})
    def delete(self, request: Request) -> Response:
        if not isinstance(request.auth, ApiToken):
            return Response(
                error_body(400, "not_token_auth", "This request is not authenticated with a token."),
                status=status.HTTP_400_BAD_REQUEST,
            )
        members.api_token_revoke(token=request.auth)
        return Response(status=status.HTTP_204_NO_CONTENT)


class ApiTokenViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.DestroyModelMixin, viewsets.GenericViewSet
):
    """Your own API tokens. DELETE revokes (the row stays, marked revoked)."""

    serializer_class = ApiTokenSerializer
    lookup_url_kwarg = "id"

    def get_queryset(self) -> Any:
        if getattr(self, "swagger_fake_view", False):
            return ApiToken.objects.none()
        return ApiToken.objects.filter(user_id=self.request.user.pk)  # type: ignore[misc]  # authenticated

    def perform_destroy(self, instance: ApiToken) -> None:
        members.api_token_revoke(token=instance)


class TenantListView(generics.ListAPIView):
    """The tenants you belong to, with your role in each."""

    serializer_class = MembershipSerializer
    queryset = Membership.dangerously_unscoped.none()  # replaced per request below

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        rows = members.memberships_for_user(user=request.user)
        page = self.paginate_queryset(rows)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)


class MeView(TenantAPIView):
    """Who you are in this tenant: user, role, tenant and (customers) your account."""

    action_permissions: ClassVar[dict[str, str]] = {"GET": "tenant.view"}

    @extend_schema(responses=MeSerializer)
    def get(self, request: Request, tenant_slug: str) -> Response:
        return Response(MeSerializer(self.membership).data)


def register_account_routes(router: SimpleRouter) -> None:
    """Routes outside any tenant (``/api/v1/…``): the caller's own tokens."""
    router.register("auth/tokens", ApiTokenViewSet, basename="api-token")


#: Tenant routes of this area (``/api/v1/t/<tenant_slug>/…``).
urlpatterns = [path("me/", MeView.as_view(), name="api-me")]

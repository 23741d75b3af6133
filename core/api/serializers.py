from __future__ import annotations

from rest_framework import serializers

from core.models import ApiToken, Membership, Tenant, User
from partnering.models import CustomerAccount


class UserBriefSerializer(serializers.ModelSerializer):
    class Meta:
        model = User
        fields = ["id", "email", "full_name"]


class TenantBriefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Tenant
        fields = ["id", "name", "slug"]


class CustomerAccountBriefSerializer(serializers.ModelSerializer):
    class Meta:
        model = CustomerAccount
        fields = ["id", "name"]


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

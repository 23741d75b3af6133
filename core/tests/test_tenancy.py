"""The Python-level tenant scope: managers, base classes and the customer-account scope."""

import pytest
from django.db import IntegrityError, transaction

from core.api.base import TenantScopedViewSet
from core.models import Membership
from core.tenancy import TenantContextMissing, current_context
from core.views.base import TenantScopedViewMixin
from partnering.models import CustomerAccount


def test_default_manager_refuses_to_run_without_a_tenant(world_a):
    queryset = CustomerAccount.objects.filter(name__startswith="A")  # building is fine (lazy)
    with pytest.raises(TenantContextMissing):
        list(queryset)
    with pytest.raises(TenantContextMissing):
        CustomerAccount.objects.count()


def test_default_manager_filters_to_the_active_tenant(world_a, world_b):
    with world_a.context():
        names = set(CustomerAccount.objects.values_list("name", flat=True))
    assert names == {world_a.account_x.name, world_a.account_y.name}
    with world_b.context():
        assert set(CustomerAccount.objects.values_list("id", flat=True)) == {world_b.account_x.pk, world_b.account_y.pk}


def test_querysets_built_early_follow_the_tenant_active_when_they_run(world_a, world_b):
    queryset = CustomerAccount.objects.all()
    with world_a.context():
        assert {a.pk for a in queryset.all()} == {world_a.account_x.pk, world_a.account_y.pk}
    with world_b.context():
        assert {a.pk for a in queryset.all()} == {world_b.account_x.pk, world_b.account_y.pk}


def test_escape_hatch_is_still_bound_by_row_level_security(world_a, world_b):
    with world_a.context():
        unscoped = set(CustomerAccount.dangerously_unscoped.values_list("tenant_id", flat=True))
    assert unscoped == {world_a.tenant.pk}


def test_customer_participant_sees_only_their_own_account(world_a):
    with world_a.context():
        as_customer = set(CustomerAccount.objects.visible_to(world_a.customer_x).values_list("id", flat=True))
        as_rep = set(CustomerAccount.objects.visible_to(world_a.rep).values_list("id", flat=True))
        customer_memberships = Membership.objects.visible_to(world_a.customer_x)
        assert {m.customer_account_id for m in customer_memberships} == {world_a.account_x.pk}
    assert as_customer == {world_a.account_x.pk}
    assert as_rep == {world_a.account_x.pk, world_a.account_y.pk}


def test_visible_to_with_a_membership_of_another_tenant_is_empty(world_a, world_b):
    with world_a.context():
        assert CustomerAccount.objects.visible_to(world_b.rep).count() == 0


def test_a_row_cannot_be_saved_into_another_tenant(world_a, world_b):
    with world_b.context():
        account = CustomerAccount.objects.get(pk=world_b.account_x.pk)
    with world_a.context(), pytest.raises(TenantContextMissing):
        account.save()


def test_new_rows_take_the_tenant_from_the_context(world_a):
    with world_a.context():
        account = CustomerAccount.objects.create(name="Created in context")
    assert account.tenant_id == world_a.tenant.pk


def test_tenant_context_restores_the_previous_context(world_a, world_b):
    assert current_context() is None
    with world_a.context():
        with world_b.context():
            assert current_context().tenant == world_b.tenant
        assert current_context().tenant == world_a.tenant
    assert current_context() is None


def test_a_customer_membership_needs_an_account_in_the_database_too(world_a):
    with world_a.context(), pytest.raises(IntegrityError), transaction.atomic():
        Membership.objects.filter(pk=world_a.customer_x.pk).update(customer_account=None)


def test_base_viewset_cannot_be_bypassed_by_overriding_get_queryset():
    with pytest.raises(TypeError, match="safely_get_queryset"):

        class Sneaky(TenantScopedViewSet):
            model = CustomerAccount

            def get_queryset(self):  # pragma: no cover - class creation must fail
                return CustomerAccount.dangerously_unscoped.all()


def test_base_view_mixin_cannot_be_bypassed_by_overriding_get_queryset():
    with pytest.raises(TypeError, match="safely_get_queryset"):

        class Sneaky(TenantScopedViewMixin):
            def get_queryset(self):  # pragma: no cover - class creation must fail
                return CustomerAccount.dangerously_unscoped.all()

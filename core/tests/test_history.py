"""Change history (django-pghistory): who changed what and when, bulk updates included."""

import pghistory
from django.db.models import Value
from django.db.models.functions import Concat

from core.models import Membership
from partnering.models import CustomerAccount


def events(model, **filters):
    return list(model.pgh_event_model.objects.filter(**filters).order_by("pgh_created_at"))


def test_bulk_updates_are_recorded_with_the_acting_user(world_a):
    actor = world_a.admin.user
    with world_a.context(), pghistory.context(user=str(actor.pk)):
        CustomerAccount.objects.all().update(name=Concat("name", Value(" (bulk)")))
        recorded = events(CustomerAccount, pgh_label="update")
    assert len(recorded) == 2
    assert {e.name for e in recorded} == {f"{world_a.account_x.name} (bulk)", f"{world_a.account_y.name} (bulk)"}
    assert all(e.pgh_context.metadata["user"] == str(actor.pk) for e in recorded)


def test_history_rows_are_tenant_scoped_like_their_table(world_a, world_b):
    with world_a.context():
        Membership.objects.filter(pk=world_a.rep.pk).update(role="coach")
        mine = events(Membership)
    assert mine and {e.tenant_id for e in mine} == {world_a.tenant.pk}
    with world_b.context():
        assert not events(Membership, pgh_obj_id=world_a.rep.pk)


def test_a_change_through_a_request_records_who_and_where(world_a, client_for):
    client = client_for(world_a.admin)
    client.get(f"/t/{world_a.slug}/program-office/")
    with world_a.context():
        account = CustomerAccount.objects.get(pk=world_a.account_x.pk)
    response = client.post(f"/admin/partnering/customeraccount/{account.pk}/change/", {"name": "Northfield (renamed)"})
    assert response.status_code == 302, response.content
    with world_a.context():
        (event,) = events(CustomerAccount, pgh_obj_id=account.pk, pgh_label="update")
    assert event.name == "Northfield (renamed)"
    assert event.pgh_context.metadata["user"] == str(world_a.admin.user.pk)
    assert event.pgh_context.metadata["url"] == f"/admin/partnering/customeraccount/{account.pk}/change/"

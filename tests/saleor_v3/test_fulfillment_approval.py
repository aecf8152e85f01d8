"""Saleor 3 only: fulfillments waiting for approval, and their approval, are shipping
too (SPEC §6.2); the guard stops both while the order needs attention."""
import graphene
import pytest
from django.utils import timezone
from saleor.order import FulfillmentStatus
from saleor.site.models import SiteSettings

from saleor_attention import services
from saleor_attention.actors import Actor

APPROVE = """
mutation Approve($id: ID!) {
  orderFulfillmentApprove(id: $id, notifyCustomer: false) {
    fulfillment { status } errors { field code message }
  }
}
"""


@pytest.fixture
def manual_approval(shop):
    shop.order()  # creates the site settings the builders use
    SiteSettings.objects.update(fulfillment_auto_approve=False)


def waiting_fulfillment(gql, shop, manager, order):
    shipped = gql(shop.ORDER_FULFILL, shop.fulfill_variables(order), as_=manager)
    assert shipped["data"]["orderFulfill"]["orderErrors"] == []
    fulfillment = order.fulfillments.get()
    assert fulfillment.status == FulfillmentStatus.WAITING_FOR_APPROVAL
    return fulfillment


def approve(gql, manager, fulfillment):
    gid = graphene.Node.to_global_id("Fulfillment", fulfillment.pk)
    return gql(APPROVE, {"id": gid}, as_=manager)["data"]["orderFulfillmentApprove"]


def test_no_waiting_fulfillment_while_flagged(gql, shop, manager, manual_approval):
    order = shop.order()
    services.set_flag(order, note="hold", actor=Actor(user=manager))

    refused = gql(shop.ORDER_FULFILL, shop.fulfill_variables(order), as_=manager)

    assert refused["data"]["orderFulfill"]["orderErrors"][0]["code"] == "INVALID"
    assert shop.fulfillment_count(order) == 0


def test_approval_refused_while_flagged_then_allowed(gql, shop, manager, manual_approval):
    order = shop.order()
    fulfillment = waiting_fulfillment(gql, shop, manager, order)
    flag = services.set_flag(order, note="hold", actor=Actor(user=manager)).flag

    refused = approve(gql, manager, fulfillment)

    assert refused["errors"][0]["field"] == "order"
    assert refused["errors"][0]["code"] == "INVALID"
    fulfillment.refresh_from_db()
    assert fulfillment.status == FulfillmentStatus.WAITING_FOR_APPROVAL

    services.release_flags(order, flag_ids=[flag.pk], handled_on=timezone.localdate(flag.created_at))
    approved = approve(gql, manager, fulfillment)

    assert approved["errors"] == []
    assert approved["fulfillment"]["status"] == "FULFILLED"

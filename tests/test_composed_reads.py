"""A queue page's reads run SQL Django composed once per connection
(saleor_attention/composed.py) and build what the queryset would have built."""
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from saleor_attention import prepared, services
from saleor_attention.composed import ComposedRead
from saleor_attention.graphql.orders_queue import _PAGE_ORDERS
from saleor_attention.models import Flag, Scope, active_affecting_each

from saleor_attention.adapter import shop as line

pytestmark = pytest.mark.django_db

SUBSCRIPTION_KEY = "saleor_attention.subscription"
RELATED = ("attention_facts", "billing_address", "shipping_address", "user")


def test_the_page_orders_are_the_instances_select_related_builds(shop):
    orders = [shop.order(user=shop.customer()), shop.order(), shop.order()]
    for order in orders[:2]:
        services.set_flag(order, "REMOTE_ISLAND")
    ids = [order.pk for order in orders]
    expected = line.Order.objects.select_related(*RELATED).in_bulk(ids)

    composed = {order.pk: order for order in _PAGE_ORDERS(ids)}

    assert composed.keys() == expected.keys()
    with CaptureQueriesContext(connection) as queries:
        for pk, order in composed.items():
            assert _columns(order) == _columns(expected[pk])
            assert type(order.weight) is type(expected[pk].weight)  # converted from the row
            assert order.user is not None or pk != orders[0].pk
            for name in RELATED:
                assert _columns(getattr(order, name)) == _columns(getattr(expected[pk], name))
    assert len(queries) == 0  # the related rows came with the orders


def test_each_read_is_composed_once_per_connection(shop):
    orders = [shop.order(), shop.order()]
    composed = []

    def flags_of(order_ids):
        composed.append(order_ids)
        return Flag.objects.filter(prepared.any_of(Flag, "order", order_ids))

    read = ComposedRead(flags_of)
    services.set_flag(orders[0], "REMOTE_ISLAND")
    services.set_flag(orders[1], note="hold")

    first = read([orders[0].pk])
    both = read([order.pk for order in orders])

    assert [flag.order_id for flag in first] == [orders[0].pk]
    assert sorted(flag.order_id for flag in both) == sorted(order.pk for order in orders)
    assert len(composed) == 1


def test_a_value_other_than_the_lists_is_kept_as_composed(shop):
    order = shop.order()
    services.set_flag(order, "REMOTE_ISLAND")
    services.set_flag(order, note="hold")
    remote = ComposedRead(
        lambda order_ids: Flag.objects.filter(
            prepared.any_of(Flag, "order", order_ids), reason="REMOTE_ISLAND"
        )
    )

    assert [flag.reason for flag in remote([order.pk])] == ["REMOTE_ISLAND"]
    assert remote([]) == []


def test_active_flags_of_each_order_and_its_subscription(shop):
    alone = shop.order()
    subscribed, sibling = (shop.order(metadata={SUBSCRIPTION_KEY: "SUB-1"}) for _ in range(2))
    own = services.set_flag(alone, "REMOTE_ISLAND").flag
    shared = services.set_flag(subscribed, "RENEWAL_PAYMENT_FAILED", scope=Scope.SUBSCRIPTION).flag
    released = services.set_flag(sibling, note="done").flag
    services.release_flags(sibling, flag_ids=[released.pk], handled_on=timezone.localdate())

    each = active_affecting_each({alone.pk: "", subscribed.pk: "SUB-1", sibling.pk: "SUB-1"})

    assert each == {alone.pk: [own], subscribed.pk: [shared], sibling.pk: [shared]}
    assert active_affecting_each({}) == {}


def _columns(instance):
    if instance is None:  # an order without a customer account
        return None
    return {
        field.attname: getattr(instance, field.attname) for field in type(instance)._meta.concrete_fields
    }


PAGE_OF_ORDERS = """
query Page($first: Int) {
  attentionOrders(first: $first) { edges { node { customer { name } order { %s } } } }
}
%s"""
WEIGHT_FRAGMENT = "fragment Weighed on Order { weight { unit value } }"


@pytest.mark.parametrize("order_fields, fragment, weighed", [
    ("number attention { required }", "", False),
    ("number weight { unit value }", "", True),
    ("number ...Weighed", WEIGHT_FRAGMENT, True),
    ("number ... on Order { weight { value } }", "", True),
])
def test_a_page_reads_its_orders_weight_only_when_it_shows_something_needing_it(
    gql, manager, shop, order_fields, fragment, weighed
):
    for _ in range(3):
        services.set_flag(shop.order(), "REMOTE_ISLAND")
    _page(gql, manager, "number")  # Saleor 3 reads what it caches on a first request
    _rows, plain_statements = _page(gql, manager, "number")

    with CaptureQueriesContext(connection) as queries:
        rows, _statements = _page(gql, manager, order_fields, fragment)

    assert len(rows) == 3
    if weighed:
        assert all(row["node"]["order"]["weight"]["value"] == 0 for row in rows)
    # The weight comes with the page's orders or not at all: never one order at a time.
    assert len(queries) == plain_statements
    reads_weight = [query for query in queries if WEIGHT_COLUMN in query["sql"]]
    assert len(reads_weight) == (1 if weighed else 0)


WEIGHT_COLUMN = '"order_order"."weight"'


def _page(gql, manager, order_fields, fragment=""):
    """The page's rows, and the statements it took."""
    with CaptureQueriesContext(connection) as queries:
        response = gql(PAGE_OF_ORDERS % (order_fields, fragment), {"first": 10}, as_=manager)
    assert "errors" not in response, response
    return response["data"]["attentionOrders"]["edges"], len(queries)


def test_an_empty_page_reads_no_orders_and_no_flags(gql, manager, shop):
    services.set_flag(shop.order(), "REMOTE_ISLAND")
    document = """query { attentionOrders(first: 5, filter: {search: "090-0000-0000"}) {
      edges { node { order { number } flags { id } } } } }"""

    with CaptureQueriesContext(connection) as queries:
        response = gql(document, {}, as_=manager)

    assert response["data"]["attentionOrders"]["edges"] == []
    page_reads = [query["sql"] for query in queries
                  if '"saleor_attention_flag"."id"' in query["sql"] or WEIGHT_COLUMN in query["sql"]
                  or '"order_order"."id", ' in query["sql"]]
    assert page_reads == []

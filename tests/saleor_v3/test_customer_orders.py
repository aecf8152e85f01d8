"""Where Saleor 3 shows a customer their order, `customerRestrictions` is there (SPEC §6
④, §9): `me { orders }`, `order(id:)` (whose id, a UUID, is the order's token: Saleor 3
serves it to whoever holds it) and the deprecated `orderByToken`; staff's `attention`
never is. Saleor 3's own reorder path, `checkoutCreateFromOrder`, stays open while the
order is restricted ("order the same items again", SPEC §6 ④)."""
import pytest

from saleor_attention import services
from saleor_attention.actors import RULES

from ..saleor_common import ensure_site
from ..test_customer_leaks import NOTE, assert_nothing_of_staffs
from ..test_permissions import is_permission_error

RESTRICTIONS = "customerRestrictions { restricted allowedActions message(language: EN) }"
MINE = "{ me { orders(first: 5) { edges { node { %s } } } } }" % RESTRICTIONS
BY_ID = "query Order($id: ID!) { order(id: $id) { %s attention { required } } }" % RESTRICTIONS
BY_TOKEN = (
    "query Guest($token: UUID!) { orderByToken(token: $token) { %s attention { required } } }"
    % RESTRICTIONS
)
REORDER = """
mutation Reorder($id: ID!) {
  checkoutCreateFromOrder(id: $id) {
    checkout { id email lines { quantity variant { id } } }
    unavailableVariants { code message }
    errors { field code message }
  }
}"""

RESTRICTED = {
    "restricted": True, "allowedActions": ["ORDER_AGAIN", "VIEW_HISTORY"],
    "message": "We need to check your order before it can be changed. Please contact the shop.",
}


@pytest.fixture
def flagged(shop):
    ensure_site()
    customer = shop.customer()
    order = shop.order(user=customer)
    flag = services.set_flag(order, "BLACKLISTED_CUSTOMER", handle="bl", note=NOTE,
                             actor=RULES).flag
    return customer, order, flag


def by_id(gql, shop, order, as_=None):
    answer = gql(BY_ID, {"id": shop.order_id(order)}, as_=as_)
    return answer, answer["data"]["order"]


def by_token(gql, shop, order, as_=None):
    answer = gql(BY_TOKEN, shop.guest_order_variables(order), as_=as_)
    return answer, answer["data"]["orderByToken"]


def test_the_customer_reads_them_in_their_orders(gql, flagged):
    customer, _order, flag = flagged
    answer = gql(MINE, as_=customer)
    [edge] = answer["data"]["me"]["orders"]["edges"]
    assert edge["node"]["customerRestrictions"] == RESTRICTED
    assert_nothing_of_staffs(answer, flag)


@pytest.mark.parametrize("path", [by_id, by_token], ids=["order", "orderByToken"])
@pytest.mark.parametrize("who", ["customer", "anonymous", "another customer"])
def test_whoever_saleor_shows_the_order_reads_them_and_not_the_flags(gql, shop, flagged, path, who):
    customer, order, flag = flagged
    caller = {"customer": customer, "anonymous": None, "another customer": shop.customer()}[who]
    answer, seen = path(gql, shop, order, as_=caller)

    assert seen["customerRestrictions"] == RESTRICTED
    assert seen["attention"] is None and is_permission_error(answer)
    assert_nothing_of_staffs(answer, flag)


@pytest.mark.parametrize("path", [by_id, by_token], ids=["order", "orderByToken"])
def test_an_order_needing_nothing_allows_everything(gql, shop, path):
    ensure_site()
    customer = shop.customer()
    _answer, seen = path(gql, shop, shop.order(user=customer), as_=customer)
    assert seen["customerRestrictions"]["restricted"] is False
    assert len(seen["customerRestrictions"]["allowedActions"]) == 8


def test_the_customer_orders_the_same_items_again_while_restricted(gql, shop, flagged):
    customer, order, _flag = flagged
    assert services.needs_attention(order)

    answer = gql(REORDER, {"id": shop.order_id(order)}, as_=customer)
    made = answer["data"]["checkoutCreateFromOrder"]

    assert made["errors"] == [] and made["unavailableVariants"] == []
    line = order.lines.get()
    assert made["checkout"]["email"] == customer.email
    assert made["checkout"]["lines"] == [
        {"quantity": line.quantity, "variant": {"id": shop.variant_id(line.variant)}}]
    assert services.needs_attention(order)  # the order itself stays flagged

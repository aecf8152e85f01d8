"""What the storefront may do while an order needs attention (SPEC §6.4)."""
import pytest

from saleor_attention import guards, services
from saleor_attention.actors import RULES

MY_ORDERS = """
{ me { orders(first: 5) { edges { node {
    customerRestrictions { restricted allowedActions message(language: %s) }
} } } } }
"""

ALL_ACTIONS = [
    "CHANGE_SCHEDULE", "SKIP", "CHANGE_ADDRESS", "CHANGE_PAYMENT_METHOD",
    "CHANGE_ITEMS", "CANCEL", "ORDER_AGAIN", "VIEW_HISTORY",
]


def my_restrictions(gql, customer, language="JA"):
    response = gql(MY_ORDERS % language, as_=customer)
    [edge] = response["data"]["me"]["orders"]["edges"]
    return edge["node"]["customerRestrictions"]


def test_unflagged_order_allows_everything(gql, shop):
    customer = shop.customer()
    shop.order(user=customer)

    assert my_restrictions(gql, customer) == {
        "restricted": False, "allowedActions": ALL_ACTIONS, "message": None,
    }


def test_flagged_order_leaves_only_reorder_and_history(gql, shop):
    customer = shop.customer()
    order = shop.order(user=customer)
    services.set_flag(order, "BLACKLISTED_CUSTOMER", handle="bl", actor=RULES)

    restrictions = my_restrictions(gql, customer, language="EN")

    assert restrictions["restricted"] is True
    assert restrictions["allowedActions"] == ["ORDER_AGAIN", "VIEW_HISTORY"]
    # Customer-safe: never says blacklist.
    assert restrictions["message"] == (
        "We need to check your order before it can be changed. Please contact the shop."
    )
    assert "blacklist" not in restrictions["message"].lower()


def test_guest_sees_restrictions_by_token_but_not_the_flags(gql, shop):
    order = shop.order()
    services.set_flag(order, "PAYMENT_FAILED", handle="p", actor=RULES)

    response = gql(shop.GUEST_ORDER, shop.guest_order_variables(order))

    data = response["data"]["orderByToken"]
    assert data["customerRestrictions"]["restricted"] is True
    assert "お支払いの確認ができなかった" in data["customerRestrictions"]["message"]
    assert data["attention"] is None


def test_subscription_flag_does_not_restrict_the_customer(gql, shop):
    customer = shop.customer()
    order = shop.order(user=customer, metadata={"saleor_attention.subscription": "S"})
    services.set_flag(order, "RENEWAL_PAYMENT_FAILED", scope="SUBSCRIPTION", handle="r")

    assert my_restrictions(gql, customer)["restricted"] is False


def test_python_check_refuses_with_the_customer_text(shop):
    order = shop.order()
    services.set_flag(order, "DELIVERY_RETURNED", handle="d", actor=RULES)

    guards.check_customer_action(order, "ORDER_AGAIN")
    with pytest.raises(guards.CustomerActionRefused) as refused:
        guards.check_customer_action(order, "CHANGE_ADDRESS")
    assert "お届けについて確認が必要" in str(refused.value)

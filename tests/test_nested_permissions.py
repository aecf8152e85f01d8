"""Staff and apps holding only MANAGE_ORDERS reach no more of Saleor's accounts and
apps through the plugin than Saleor's own fields would give them."""
import graphene
import pytest

from saleor_attention import services
from saleor_attention.actors import Actor
from saleor_attention.adapter import shop as line
from saleor_attention.models import BlacklistEntry

from .documents import shop_date
from .test_permissions import caller, is_permission_error

SALEOR_ACCOUNTS = {"User", "App", "ServiceAccount"}
NESTED = """
query Nested($id: ID!) {
  attentionFlags(first: 10) { edges { node {
    createdBy { kind id name } releasedBy { kind id name } order { id }
  } } }
  order(id: $id) { attention { events(last: 10) { actor { kind id name } } } }
  attentionBlacklistEntries(first: 10) { edges { node {
    customer { id email } createdBy { kind id name }
  } } }
}
"""
# What the old fields handed to any MANAGE_ORDERS holder: another app's secrets.
APP_SECRETS = """
{ attentionFlags(first: 10) { edges { node {
    createdByApp { webhooks { targetUrl secretKey } tokens { authToken } }
} } } }
"""


def _named(ref):
    while ref.get("ofType"):
        ref = ref["ofType"]
    return ref["name"]


def test_no_plugin_type_leads_to_saleors_accounts_or_apps():
    types = {t["name"]: t for t in line.extended_schema().introspect()["__schema"]["types"]}
    plugin_types = [
        name for name in types
        if name.startswith("Attention") or name in ("OrderAttention", "CustomerRestrictions")
    ]
    leaks = [
        f"{name}.{field['name']}"
        for name in plugin_types
        for field in types[name]["fields"] or []
        if _named(field["type"]) in SALEOR_ACCOUNTS
    ]
    assert plugin_types and leaks == []


@pytest.fixture
def recorded(shop):
    customer = shop.customer()
    order = shop.order(user=customer)
    manager = shop.staff()
    flag = services.set_flag(order, note="a", actor=Actor(user=manager)).flag
    app = shop.App.objects.create(name="倉庫システム", is_active=True)
    services.release_flags(order, flag_ids=[flag.pk], handled_on=shop_date(),
                           actor=Actor(app=app))
    BlacklistEntry.objects.create(customer=customer, created_by=manager, created_by_source="STAFF",
                                  created_by_name=manager.email)
    return order, manager, app, customer


@pytest.mark.parametrize("who", ["staff", "app"])
def test_manage_orders_sees_the_plugins_references_only(gql, shop, recorded, who):
    order, manager, app, customer = recorded
    data = gql(NESTED, {"id": shop.order_id(order)}, as_=caller(who, shop, None))["data"]

    [flag] = [edge["node"] for edge in data["attentionFlags"]["edges"]]
    assert flag["createdBy"] == {
        "kind": "STAFF", "id": graphene.Node.to_global_id("User", manager.pk), "name": manager.email}
    assert flag["releasedBy"] == {
        "kind": "APP", "id": graphene.Node.to_global_id("App", app.pk), "name": "倉庫システム"}
    kinds = [event["actor"]["kind"] for event in data["order"]["attention"]["events"]]
    assert kinds == ["STAFF", "APP"]
    [entry] = [edge["node"] for edge in data["attentionBlacklistEntries"]["edges"]]
    # Saleor shows customer accounts only to MANAGE_USERS; so does the plugin.
    assert entry["customer"] == {"id": graphene.Node.to_global_id("User", customer.pk),
                                 "email": None}


def test_manage_users_also_sees_the_customers_email(gql, shop, recorded):
    _order, _manager, _app, customer = recorded
    staff = shop.staff()
    staff.user_permissions.add(shop.manage_users_permission())
    data = gql(NESTED, {"id": shop.order_id(recorded[0])}, as_=staff)["data"]

    [entry] = [edge["node"] for edge in data["attentionBlacklistEntries"]["edges"]]
    assert entry["customer"]["email"] == customer.email


def test_another_apps_secrets_are_not_reachable(gql, shop, recorded):
    response = gql(APP_SECRETS, as_=shop.app())

    assert response.get("data") is None
    assert "createdByApp" in response["errors"][0]["message"]


ATTENTION_OF_ORDERS = "{ orders(first: 10) { edges { node { attention { required } } } } }"
MY_ORDERS_ATTENTION = "{ me { orders(first: 10) { edges { node { attention { required } } } } } }"


def test_a_list_of_orders_checks_its_caller_once_and_the_next_request_anew(gql, shop, monkeypatch):
    customer = shop.customer()
    for _ in range(3):
        services.set_flag(shop.order(user=customer), "REMOTE_ISLAND")
    asked = []
    saleors_check = line.can_manage_orders
    monkeypatch.setattr(
        line, "can_manage_orders", lambda context: asked.append(context) or saleors_check(context)
    )

    staff = gql(ATTENTION_OF_ORDERS, as_=shop.staff())
    rows = [edge["node"]["attention"] for edge in staff["data"]["orders"]["edges"]]
    assert rows == [{"required": True}] * 3 and len(asked) == 1

    mine = gql(MY_ORDERS_ATTENTION, as_=customer)  # the same list, a customer's request
    assert is_permission_error(mine) and len(asked) == 2

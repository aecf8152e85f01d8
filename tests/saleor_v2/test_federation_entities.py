"""Saleor 2.10's federation `_entities` query through the plugin's /graphql/: account
data only for callers who may read it with Saleor's own queries."""
import json

import graphene
import pytest
from django.contrib.auth.models import Permission
from saleor.account.models import Address
from saleor.app.models import App

ENTITIES = """
query Entities($representations: [_Any]) {
  _entities(representations: $representations) {
    __typename
    ... on User { email permissions { code } }
    ... on Address { streetAddress1 }
    ... on ServiceAccount { appName: name tokens { authToken } }
    ... on Product { name }
  }
}
"""


def gid(type_name, pk):
    return graphene.Node.to_global_id(type_name, pk)


@pytest.fixture
def customer_with_address(shop):
    customer = shop.customer()
    address = Address.objects.create(first_name="花子", street_address_1="千代田1-1")
    customer.addresses.add(address)
    return customer, address


def entities(gql, representations, as_=None):
    answer = gql(ENTITIES, {"representations": representations}, as_=as_)
    return answer["data"]["_entities"], json.dumps(answer, ensure_ascii=False)


def test_anonymous_entities_query_reveals_no_account_data(gql, shop, customer_with_address):
    customer, address = customer_with_address
    admin = shop.superuser()
    app = App.objects.create(name="WMS", is_active=True)
    app.tokens.create(name="t")

    found, text = entities(gql, [
        {"__typename": "User", "id": gid("User", admin.pk)},
        {"__typename": "User", "email": customer.email},
        {"__typename": "User", "email": "nobody@example.com"},
        {"__typename": "Address", "id": gid("Address", address.pk)},
        {"__typename": "App", "id": gid("App", app.pk)},
        # an id of another type than the __typename
        {"__typename": "Product", "id": gid("User", customer.pk)},
    ])

    assert found == [None] * 6
    for secret in (admin.email, customer.email, "千代田", "WMS", "MANAGE_"):
        assert secret not in text


def test_signed_in_customer_resolves_only_themselves(gql, shop, customer_with_address):
    customer, address = customer_with_address
    other = shop.customer()
    others_address = Address.objects.create(first_name="x", street_address_1="港区2-2")
    other.addresses.add(others_address)

    found, _ = entities(gql, [
        {"__typename": "User", "id": gid("User", customer.pk)},
        {"__typename": "User", "email": customer.email},
        {"__typename": "User", "id": gid("User", other.pk)},
        {"__typename": "User", "email": other.email},
        {"__typename": "Address", "id": gid("Address", address.pk)},
        {"__typename": "Address", "id": gid("Address", others_address.pk)},
    ], as_=customer)

    assert [entity and (entity.get("email") or entity.get("streetAddress1")) for entity in found] == [
        customer.email, customer.email, None, None, "千代田1-1", None,
    ]


def test_staff_with_manage_users_resolves_any_user(gql, shop, customer_with_address):
    customer, address = customer_with_address
    staff = shop.staff(with_permission=False)
    staff.user_permissions.add(
        Permission.objects.get(codename="manage_users", content_type__app_label="account")
    )

    found, _ = entities(gql, [
        {"__typename": "User", "email": customer.email},
        {"__typename": "Address", "id": gid("Address", address.pk)},
    ], as_=staff)

    assert found[0]["email"] == customer.email
    assert found[1]["streetAddress1"] == "千代田1-1"


def test_products_resolve_for_anyone_as_before(gql, shop, order):
    product = order.lines.get().variant.product

    found, _ = entities(gql, [{"__typename": "Product", "id": gid("Product", product.pk)}])

    assert found == [{"__typename": "Product", "name": product.name}]

"""The Saleor line under test keeps the contract in saleor_attention/port.py: every member
is there with a signature the core can call, and behaves as the contract says on real
Saleor objects. A new Saleor line passes this file first."""
import inspect
from decimal import Decimal

import graphene
import pytest
from django.apps import apps
from django.db import connection, models, transaction
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.utils.functional import SimpleLazyObject

from saleor_attention import config, plugin_state, services
from saleor_attention.actors import Actor
from saleor_attention.adapter import shop as line
from saleor_attention.models import Flag
from saleor_attention.port import SaleorGraphQLTypes, SaleorPort

# Each member of the contract: the Protocol's function, or None for a value.
CONTRACT = {
    **{name: None for name in SaleorPort.__annotations__},
    **{
        name: member for name, member in vars(SaleorPort).items()
        if inspect.isfunction(member) and not name.startswith("_")
    },
}


@pytest.mark.parametrize("name", sorted(CONTRACT))
def test_the_line_has_the_member_with_a_signature_the_core_can_call(name):
    assert hasattr(line, name), f"{line.__name__} lacks {name}"
    declared = CONTRACT[name]
    if declared is None:
        return
    wanted = list(inspect.signature(declared).parameters.values())[1:]  # without self
    offered = list(inspect.signature(getattr(line, name)).parameters.values())
    assert [(p.name, p.kind) for p in offered[: len(wanted)]] == [
        (p.name, p.kind) for p in wanted
    ]
    assert all(p.default is not p.empty for p in offered[len(wanted):])


def test_the_line_offers_nothing_beyond_the_contract():
    offered = {
        name for name, value in vars(line).items()
        if not name.startswith("_")
        and (name.isupper() or inspect.isfunction(value) and value.__module__ == line.__name__)
    }
    assert offered - set(CONTRACT) == set()


def test_models_constants_and_types(shop, order):
    assert isinstance(order, line.Order)
    for model in (line.Order, line.OrderEvent, line.Fulfillment):
        assert issubclass(model, models.Model)
    statuses = dict(line.Order._meta.get_field("status").choices)
    assert str(statuses[line.DRAFT_STATUS]).lower() == "draft"
    placed_at = getattr(order, line.ORDER_CREATED_FIELD)
    assert placed_at is not None
    assert line.Order.objects.filter(pk=order.pk, **{line.ORDER_CREATED_FIELD: placed_at}).exists()
    assert issubclass(line.PermissionDenied, Exception)
    for name in SaleorGraphQLTypes.__annotations__:
        assert issubclass(getattr(line.types, name), graphene.types.base.BaseType)
    assert line.types.Order._meta.name == "Order"


def test_order_pk_parses_the_pk_of_an_order_global_id(shop, order):
    _type, pk = graphene.Node.from_global_id(shop.order_id(order))

    assert line.ORDER_PK(pk) == order.pk
    assert line.Order.objects.get(pk=line.ORDER_PK(pk)) == order
    with pytest.raises(ValueError):
        line.ORDER_PK("not-a-pk")


def test_order_number_is_how_staff_know_the_order(shop):
    first, second = shop.order(), shop.order()

    assert line.order_number(first) == shop.order_number(first)
    assert isinstance(line.order_number(first), str) and line.order_number(first)
    assert line.order_number(first) != line.order_number(second)


def test_order_token_is_what_saleor_serves_a_guest_the_order_by(gql, shop):
    order = shop.order()
    document = "query G($token: UUID!) { orderByToken(token: $token) { id } }"
    answer = gql(document, {"token": line.order_token(order)})
    assert answer["data"]["orderByToken"] == {"id": shop.order_id(order)}
    assert line.order_token(order) != line.order_token(shop.order())


def test_payment_gateway_of_the_latest_payment(gql, shop, manager, order):
    def gateway(order):
        annotated = line.Order.objects.annotate(gateway=line.latest_payment_gateway())
        return annotated.get(pk=order.pk).gateway

    assert gateway(order) == ""

    paid = shop.place_order(gql, manager, payment_gateway="mirumee.payments.dummy")

    assert gateway(paid) == "mirumee.payments.dummy"


def test_shipping_through_saleors_order_fulfill(gql, shop, manager, order):
    assert not line.is_shipped(order)
    assert line.starts_shipping(line.Fulfillment(order=order))

    response = gql(shop.ORDER_FULFILL, shop.fulfill_variables(order), as_=manager)

    assert response["data"]["orderFulfill"]["orderErrors"] == []
    assert line.is_shipped(shop.reload(order))
    shipped = line.Fulfillment.objects.get(order=order)
    assert not line.starts_shipping(shipped)  # saving it again ships nothing more


def test_history_note_is_in_saleors_order_history(shop, manager, order):
    line.add_history_note(order, Actor(user=manager), "住所を確認しました")

    assert "住所を確認しました" in shop.history_notes(order)
    note = line.OrderEvent.objects.get(order=order, parameters__message="住所を確認しました")
    assert note.user == manager


def test_history_notes_for_many_orders_in_one_insert(shop, manager):
    first, second = shop.order(), shop.order()

    with CaptureQueriesContext(connection) as captured:
        rows = line.history_note_rows({first.pk: "一件目", second.pk: "二件目"}, Actor(user=manager))
        line.OrderEvent.objects.bulk_create(rows)

    assert len(captured.captured_queries) == 1
    assert shop.history_notes(first) == ["一件目"] and shop.history_notes(second) == ["二件目"]
    note = line.OrderEvent.objects.get(order=second, parameters__message="二件目")
    assert note.user == manager
    line.OrderEvent.objects.bulk_create(line.history_note_rows({first.pk: "by the rules"}, Actor()))
    assert line.OrderEvent.objects.get(parameters__message="by the rules").user is None


def test_plugin_configurations_is_the_stored_configuration_as_a_queryset(configure):
    line.ensure_plugin_configuration()

    rows = line.plugin_configurations()

    assert list(rows) == [plugin_state.stored_configuration()]
    assert rows.values("configuration")[:1].query is not None  # usable as a subquery


def test_order_updated_is_announced_after_commit_only(shop, order):
    services.report_credit_check(order, "00", "np-1", amount=order.total_gross_amount)
    line.Order.objects.filter(pk=order.pk).update(total_gross_amount=Decimal("25.00"))
    order = shop.reload(order)
    # What waits for the test's transaction to commit (which never comes).
    before = len(connection.run_on_commit)

    with pytest.raises(ZeroDivisionError), transaction.atomic():
        line.announce_order_updated(order)
        1 / 0
    assert len(connection.run_on_commit) == before  # rolled back: never announced
    line.announce_order_updated(order)

    assert not Flag.objects.filter(order=order).exists()  # not yet: nothing committed
    [(_savepoints, announce, *_)] = connection.run_on_commit[before:]
    announce()  # as the commit would: Saleor's order_updated hooks, the plugin's among them
    assert Flag.objects.get(order=order).reason == "DEFERRED_PAYMENT_AMOUNT_MISMATCH"


def test_database_access_is_a_context_manager(order):
    with line.database_access():
        assert line.Order.objects.filter(pk=order.pk).exists()


def _nobody():
    """What a line's request carries as the user of an anonymous caller: Django's
    AnonymousUser where Saleor uses Django's auth app (2.10), else None (3.x)."""
    if not apps.is_installed("django.contrib.auth"):
        return None
    from django.contrib.auth.models import AnonymousUser

    return AnonymousUser()


def _context(user=None, app=None):
    """A GraphQL request's context as Saleor's view hands it over (user and app lazy)."""
    request = RequestFactory().post("/graphql/")
    request.user = SimpleLazyObject(lambda: user or _nobody())
    request.app = SimpleLazyObject(lambda: app)
    return request


def test_actor_and_permissions_of_a_request(shop, manager):
    anonymous, staff = _context(), _context(manager)
    app = shop.App.objects.create(name="倉庫システム", is_active=True)
    app.permissions.add(shop.manage_orders_permission())

    assert line.actor_of(anonymous) == Actor()
    assert line.actor_of(staff).user == manager and line.actor_of(staff).app is None
    assert line.actor_of(_context(app=app)).app == app
    assert [line.can_manage_orders(c) for c in (anonymous, staff, _context(app=app))] == [
        False, True, True,
    ]
    assert not line.can_manage_users(staff)
    reader = shop.staff(with_permission=False)
    reader.user_permissions.add(shop.manage_users_permission())
    assert line.can_manage_users(_context(reader))


def test_graphql_order_round_trip_and_the_extended_schema(order):
    assert line.order_of_graphql_root(line.graphql_order(order)) == order

    types = {t["name"]: t for t in line.extended_schema().introspect()["__schema"]["types"]}
    order_fields = {field["name"] for field in types["Order"]["fields"]}
    assert {"attention", "customerRestrictions"} <= order_fields
    assert "attentionFlags" in {field["name"] for field in types["Query"]["fields"]}


def test_plugin_configuration_round_trip(configure):
    line.ensure_plugin_configuration()
    plugin_state.stored_configuration().delete()
    assert plugin_state.stored_configuration() is None

    line.ensure_plugin_configuration()
    stored = plugin_state.stored_configuration()
    assert (stored.name, stored.active) == (config.PLUGIN_NAME, config.DEFAULT_ACTIVE)
    assert stored.configuration == config.DEFAULT_CONFIGURATION

    assert configure(active=False, overdue_after_days="5")["errors"] == []
    line.ensure_plugin_configuration()  # keeps what is stored
    stored = plugin_state.stored_configuration()
    assert stored.active is False
    values = {item["name"]: item["value"] for item in stored.configuration}
    assert values["overdue_after_days"] == "5"

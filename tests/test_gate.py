"""Switched off, the plugin runs no rule, refuses nothing and raises no flag from an
inbound event, at each way in (gate.py); what it recorded stays, and switching it on
again picks up where it stopped."""
import json
import time
from decimal import Decimal
from pathlib import Path

import pytest

from saleor_attention import guards, inbound, services, tasks
from saleor_attention.actors import RULES
from saleor_attention.models import BlacklistEntry, Flag, InboundEvent, OrderFacts

from .test_customer_restrictions import my_restrictions
from .test_inbound import PATH
from .test_pending_rules import saved_without_its_hooks

SECRET = "gate-test-secret"


def active_reasons(order):
    return sorted(Flag.objects.filter(order=order, status="ACTIVE").values_list("reason", flat=True))


@pytest.fixture
def off(configure):
    def switch_off(**values):
        assert configure(active=False, **values)["plugin"]["active"] is False

    return switch_off


def test_plugin_hooks_order_created_and_updated(gql, shop, manager, configure, off):
    customer = shop.customer()
    BlacklistEntry.objects.create(customer=customer)
    checked = shop.order()
    services.report_credit_check(checked, "00", "np-1", amount=checked.total_gross_amount)
    off()

    placed = shop.place_order(gql, manager, user=customer)
    shop.change_total(checked, Decimal("99.00"))

    assert active_reasons(placed) == []
    assert active_reasons(checked) == []


def test_model_signals_new_orders_and_payment_failures(shop, off):
    off()

    order = saved_without_its_hooks(shop)
    shop.record_payment_failure(order)

    assert not OrderFacts.objects.filter(order_id=order.pk, rules_pending_since__isnull=False)
    assert active_reasons(order) == []


def test_model_signals_fulfillment_guard(gql, shop, manager, order, configure, off):
    services.set_flag(order, "REMOTE_ISLAND", actor=RULES)
    off()

    shipped = gql(shop.ORDER_FULFILL, shop.fulfill_variables(order), as_=manager)["data"]

    assert shipped["orderFulfill"]["orderErrors"] == []
    assert services.needs_attention(order)  # the flag is kept for when it is on again


def test_inbound_endpoint(gql, shop, order, off):
    off(inbound_secret=SECRET)
    body = json.dumps(
        {"id": "yamato-1", "type": "delivery.returned", "order": shop.order_id(order)}
    ).encode()

    response = gql.client.post(
        PATH, body, content_type="application/json",
        HTTP_X_ATTENTION_SIGNATURE=inbound.sign(SECRET, body, int(time.time())),
    )

    assert response.status_code == 503 and response["Retry-After"]
    assert not InboundEvent.objects.exists() and active_reasons(order) == []


def test_scheduled_work(shop, configure, off):
    customer = shop.customer()
    BlacklistEntry.objects.create(customer=customer)
    order = saved_without_its_hooks(shop, user=customer)  # marked while on
    off()

    assert tasks.run_pending_rules.apply(kwargs={"grace_seconds": 0}).get() == 0
    assert active_reasons(order) == []

    configure(active=True)
    assert tasks.run_pending_rules.apply(kwargs={"grace_seconds": 0}).get() == 1
    assert active_reasons(order) == ["BLACKLISTED_CUSTOMER"]


def test_customer_actions(gql, shop, off):
    customer = shop.customer()
    order = shop.order(user=customer)
    services.set_flag(order, "BLACKLISTED_CUSTOMER", handle="bl", actor=RULES)
    off()

    guards.check_customer_action(order, "CANCEL")  # refused only while switched on
    assert my_restrictions(gql, customer)["restricted"] is False


def test_only_the_gate_reads_the_switch():
    package = Path(guards.__file__).parent
    readers = [
        path.relative_to(package).as_posix()
        for path in package.rglob("*.py")
        if "plugin_state.is_active" in path.read_text(encoding="utf-8")
    ]
    assert readers == ["gate.py"]

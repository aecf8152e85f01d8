"""Saleor 2.10's webhooks of an order the plugin flags: a new order's ORDER_CREATED
goes out as Saleor places it, before its rules ran (after its commit, in a task), and
one ORDER_UPDATED carrying the attention summary follows once they flagged it; a later
change of the order is announced by one ORDER_UPDATED. Delivered by Saleor's own
webhook tasks to a real local HTTP receiver."""
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from saleor.app.models import App
from saleor.webhook.models import Webhook

from saleor_attention import services
from saleor_attention.actors import Actor
from saleor_attention.mirror import SUMMARY_KEY

HACHIJO = "100-1401"  # 八丈島八丈町


@pytest.fixture
def receiver():
    received = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            body = self.rfile.read(int(self.headers["Content-Length"]))
            received.append((self.headers["X-Saleor-Event"], json.loads(body)))
            self.send_response(200)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/", received
    server.shutdown()
    server.server_close()


@pytest.fixture
def subscribed(shop, receiver):
    url, received = receiver
    token = shop.app(with_permission=True)
    webhook = Webhook.objects.create(
        app=App.objects.get(tokens__auth_token=token), target_url=url, is_active=True
    )
    for event in ("order_created", "order_updated"):
        webhook.events.create(event_type=event)
    return received


def summary(payload):
    [order] = payload
    return json.loads(order["private_metadata"][SUMMARY_KEY])


def test_a_new_order_its_rules_flag_is_announced_again_with_the_summary(
    gql, shop, manager, configure, subscribed
):
    configure(remote_island_check="true", active=True)
    subscribed.clear()  # pluginUpdate's own hooks

    shop.place_order(gql, manager, postal_code=HACHIJO)

    assert [event for event, _payload in subscribed] == ["order_created", "order_updated"]
    [(_created, [placed]), (_updated, updated)] = subscribed
    assert SUMMARY_KEY not in placed["private_metadata"]
    assert [flag["reason"] for flag in summary(updated)["flags"]] == ["REMOTE_ISLAND"]


def test_a_new_order_its_rules_leave_alone_is_announced_once(
    gql, shop, manager, configure, subscribed
):
    configure(remote_island_check="true", active=True)
    subscribed.clear()

    shop.place_order(gql, manager)

    assert [event for event, _payload in subscribed] == ["order_created"]


@pytest.mark.django_db(transaction=True)  # the announcement waits for the commit
def test_a_later_change_is_announced_once_with_the_summary(shop, manager, order, subscribed):
    services.set_flag(order, note="hold", actor=Actor(user=manager))

    assert [event for event, _payload in subscribed] == ["order_updated"]
    [(_event, payload)] = subscribed
    assert summary(payload)["required"] is True

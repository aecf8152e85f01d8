"""Saleor 2.10 with the plugin ahead of its webhook plugin (as settings.py lists them):
a new order's ORDER_CREATED webhook carries the attention summary and no ORDER_UPDATED
follows it; a later change of the order is announced by one ORDER_UPDATED. Delivered
by Saleor's own webhook tasks to a real local HTTP receiver."""
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


def test_a_flagged_new_order_is_announced_by_saleors_order_created_alone(
    gql, shop, manager, configure, subscribed
):
    configure(remote_island_check="true", active=True)
    subscribed.clear()  # pluginUpdate's own hooks

    shop.place_order(gql, manager, postal_code=HACHIJO)

    assert [event for event, _payload in subscribed] == ["order_created"]
    [(_event, payload)] = subscribed
    assert [flag["reason"] for flag in summary(payload)["flags"]] == ["REMOTE_ISLAND"]


@pytest.mark.django_db(transaction=True)  # the announcement waits for the commit
def test_a_later_change_is_announced_once_with_the_summary(shop, manager, order, subscribed):
    services.set_flag(order, note="hold", actor=Actor(user=manager))

    assert [event for event, _payload in subscribed] == ["order_updated"]
    [(_event, payload)] = subscribed
    assert summary(payload)["required"] is True

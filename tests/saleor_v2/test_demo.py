"""`make demo` started as a user starts it, on a database of its own from empty: what
its banner promises holds (the customer login, the customer's restricted orders, flags
the rules raised, the curl commands), and neither that start nor a second one logs a
traceback. Slow (Saleor's migrations and demo shop: a minute or two), so it runs the
demo once for the whole module."""
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import urllib.request

import graphene
import psycopg2
import pytest
from django.conf import settings
from psycopg2 import sql

from saleor_attention.config import DEFAULTS
from saleor_attention.reasons import get_reason
from saleor_attention.rules.order_placed import remote_island_list

from ..celery_worker import BROKER

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
START_TIMEOUT = 900  # seconds; the first start migrates and loads populatedb
SERVING = "Serving on http://"

STAFF_FLAGS = """
{ attentionFlags(first: 50) { edges { node {
    reason source handle
    order { id userEmail shippingAddress { postalCode country { code } } events { id type } }
} } } }
"""
MY_ORDERS = """
{ me { email orders(first: 10) { edges { node {
    id customerRestrictions { restricted allowedActions message }
} } } } }
"""
LOGIN = """
mutation Login($email: String!, $password: String!) {
  tokenCreate(email: $email, password: $password) { token accountErrors { field message } }
}
"""


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Demo:
    """demo/serve.py in a subprocess; `output` is everything it printed so far."""

    def __init__(self, database_url):
        self.port = free_port()
        env = {key: value for key, value in os.environ.items() if not key.startswith("DEMO_")}
        env.update(
            # A broker, as `make demo` gives it: the demo's own worker runs the tasks.
            CELERY_BROKER_URL=BROKER,
            DATABASE_URL=database_url, DEMO_PORT=str(self.port), DEMO_THREADS="2",
            PYTHONPATH=os.pathsep.join(filter(None, [REPO, os.environ.get("PYTHONPATH")])),
            PYTHONUNBUFFERED="1",
        )
        self.process = subprocess.Popen(
            [sys.executable, os.path.join(REPO, "demo", "serve.py")], cwd=REPO, env=env,
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, encoding="utf-8",
        )
        self.lines = []
        self.serving = threading.Event()
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self):
        for line in self.process.stdout:
            self.lines.append(line)
            if line.startswith(SERVING):
                self.serving.set()
        self.serving.set()  # exited: stop waiting

    @property
    def output(self):
        return "".join(self.lines)

    def wait_serving(self):
        self.serving.wait(START_TIMEOUT)
        if self.process.poll() is not None or not self.output.count(SERVING):
            self.stop()
            pytest.fail(f"the demo did not start:\n{self.output[-5000:]}")
        return self

    @property
    def banner(self):
        return self.output.rsplit("=" * 72, 2)[-2]

    @property
    def url(self):
        return f"http://127.0.0.1:{self.port}/graphql/"

    def post(self, query, variables=None, token=None):
        headers = {"Content-Type": "application/json"}
        if token:
            headers["Authorization"] = f"JWT {token}"
        request = urllib.request.Request(
            self.url, json.dumps({"query": query, "variables": variables or {}}).encode(),
            headers,
        )
        with urllib.request.urlopen(request, timeout=60) as response:
            return json.loads(response.read())

    def login(self, email, password):
        answer = self.post(LOGIN, {"email": email, "password": password})
        payload = answer["data"]["tokenCreate"]
        assert payload["accountErrors"] == [] and payload["token"], answer
        return payload["token"]

    def stop(self):
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)  # Ctrl+C
            try:
                self.process.wait(30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.reader.join(10)


def _admin_connection():
    db = settings.DATABASES["default"]
    conn = psycopg2.connect(
        dbname="postgres", user=db["USER"], password=db["PASSWORD"] or None,
        host=db["HOST"], port=db["PORT"] or 5432,
    )
    conn.autocommit = True
    return conn


def _drop(name):
    conn = _admin_connection()
    try:
        with conn.cursor() as cursor:
            cursor.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(name)))
    finally:
        conn.close()


@pytest.fixture(scope="module")
def database_url():
    db = settings.DATABASES["default"]
    name = f"test_{db['NAME']}_demo"
    _drop(name)  # a first start, on an empty database
    yield (f"postgres://{db['USER']}{':' + db['PASSWORD'] if db['PASSWORD'] else ''}"
           f"@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{name}")
    _drop(name)


@pytest.fixture(scope="module")
def demo(database_url):
    started = Demo(database_url).wait_serving()
    yield started
    started.stop()


def logins(banner):
    staff = re.search(r"Staff login: +(\S+) / (\S+)", banner)
    customer = re.search(r"Customer login: +(\S+) / (\S+)", banner)
    return staff.groups(), customer.groups()


def flags_by_reason(demo):
    staff, _ = logins(demo.banner)
    answer = demo.post(STAFF_FLAGS, token=demo.login(*staff))
    assert "errors" not in answer, answer
    flags = {}
    for edge in answer["data"]["attentionFlags"]["edges"]:
        flags.setdefault(edge["node"]["reason"], []).append(edge["node"])
    return flags


def assert_clean(output):
    """No traceback and no ERROR line; a failure shows where the first one starts."""
    found = re.search(r"^(Traceback|ERROR|CRITICAL)\b", output, re.MULTILINE)
    assert found is None, output[max(0, found.start() - 500):found.start() + 4000]


def test_the_start_logs_no_traceback(demo):
    assert_clean(demo.output)


def test_the_customer_login_works_and_their_flagged_orders_are_restricted(demo):
    _, (email, password) = logins(demo.banner)

    answer = demo.post(MY_ORDERS, token=demo.login(email, password))

    me = answer["data"]["me"]
    assert me["email"] == email
    restrictions = [edge["node"]["customerRestrictions"] for edge in me["orders"]["edges"]]
    customer_texts = {
        get_reason(reason).customer_message() for reason in ("REMOTE_ISLAND", "PAYMENT_FAILED")
    }
    assert len(restrictions) == 2
    for restriction in restrictions:
        assert restriction["restricted"] is True
        assert restriction["allowedActions"] == ["ORDER_AGAIN", "VIEW_HISTORY"]
    # The customer-safe texts, one per order; never the staff reason.
    assert {restriction["message"] for restriction in restrictions} == customer_texts


def test_remote_island_was_raised_by_the_rule_on_a_japanese_island_order(demo):
    _, (customer, _) = logins(demo.banner)

    [flag] = flags_by_reason(demo)["REMOTE_ISLAND"]

    assert flag["source"] == "RULE"
    address = flag["order"]["shippingAddress"]
    assert address["country"]["code"] == "JP"
    assert remote_island_list(address["postalCode"].replace("-", ""), DEFAULTS)
    assert flag["order"]["userEmail"] == customer


def test_payment_failed_was_raised_by_the_rule_on_saleors_payment_failed_event(demo):
    _, (customer, _) = logins(demo.banner)

    [flag] = flags_by_reason(demo)["PAYMENT_FAILED"]

    assert flag["source"] == "RULE"
    assert flag["order"]["userEmail"] == customer
    [failed] = [event for event in flag["order"]["events"] if event["type"] == "PAYMENT_FAILED"]
    _, event_pk = graphene.Node.from_global_id(failed["id"])
    assert flag["handle"] == f"payment-failed:order-event:{event_pk}"


def test_the_banner_lists_the_orders_on_attention(demo):
    flags = flags_by_reason(demo)
    listed = demo.banner.split(" Orders on attention:")[1].split(" Try it")[0]

    for reason in ("REMOTE_ISLAND", "PAYMENT_FAILED"):
        [flag] = flags[reason]
        assert f"{flag['order']['id']}  (Order:" in listed
        assert f"{reason} by the rules" in listed
    assert "MANUAL by admin@example.com" in listed


CONTRACTS = """
{ subscriptionContracts(first: 10) { edges { node {
    email needsAttention nextShippingDate paymentMethod cycles { number status plannedShippingDate }
} } } }
"""
def test_a_renewal_is_due_and_another_is_held_by_attention(demo):
    """The banner's contracts: the customer's is due (its shipping date within the
    renewal lead time; not run here: the second start must find the demo as it was),
    and the shop order's, whose subscription needs attention, is held."""
    staff_login, (customer_email, _) = logins(demo.banner)
    staff = demo.login(*staff_login)
    edges = demo.post(CONTRACTS, token=staff)["data"]["subscriptionContracts"]["edges"]
    contracts = {edge["node"]["email"]: edge["node"] for edge in edges}
    customer = contracts.pop(customer_email)
    [held] = contracts.values()
    assert not customer["needsAttention"] and held["needsAttention"]
    assert [(c["number"], c["status"]) for c in held["cycles"]] == [(2, "HELD"), (1, "PLACED")]
    assert "cycle 2 HELD (its subscription needs attention)" in demo.output
    assert [(c["number"], c["status"]) for c in customer["cycles"]] == [(1, "PLACED")]
    # Its renewals are charged automatically, on Saleor's dummy gateway.
    assert customer["paymentMethod"] == "gateway:mirumee.payments.dummy:tok-demo"
    assert "renewals charged with gateway:mirumee.payments.dummy:tok-demo" in demo.output
    # Both were started due today: shipping a lead time ahead, the held one's cycle 2 too.
    assert customer["nextShippingDate"] == held["cycles"][0]["plannedShippingDate"]


def test_the_banners_commands_print_readable_japanese(demo):
    # The banner's commands are bash with curl, as the README's Quick start says.
    assert shutil.which("curl") and shutil.which("bash"), "the demo's commands need curl and bash"
    commands = demo.banner.split(" Try it")[1].split("\n", 1)[1]

    ran = subprocess.run(
        ["bash", "-c", commands], capture_output=True, encoding="utf-8", timeout=120
    )

    assert ran.returncode == 0, ran.stderr
    assert ran.stderr == ""
    # Staff's queue, then the customer's orders, as indented JSON with Japanese as is.
    assert '"source": "RULE"' in ran.stdout
    assert '"restricted": true' in ran.stdout
    assert get_reason("REMOTE_ISLAND").customer_message() in ran.stdout
    assert "\\u" not in ran.stdout


def test_a_second_start_reuses_the_demo_and_logs_no_traceback(demo, database_url):
    again = Demo(database_url).wait_serving()
    again.stop()

    assert_clean(again.output)
    assert "Loading Saleor's demo data" not in again.output
    orders = demo.banner.split(" Orders on attention:")[1].split(" Try it")[0]
    assert again.banner.split(" Orders on attention:")[1].split(" Try it")[0] == orders

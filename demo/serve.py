"""`make demo`: Saleor 2.10 + saleor-attention with demo data, served on 127.0.0.1.

Idempotent: the first run creates the database, migrates and loads Saleor's demo shop;
later runs reuse all of it and go straight to serving.
"""
import json
import os
import secrets
import shlex
import subprocess
import sys
from contextlib import contextmanager

# Running the script directly (not via make) must still hit the demo database, not the
# test database that the plugin's settings default to.
os.environ.setdefault(
    "DATABASE_URL", "postgres://postgres@127.0.0.1:5432/saleor_attention_demo"
)
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "saleor_attention.saleor_v2.settings")
os.environ.setdefault("ALLOWED_CLIENT_HOSTS", "localhost,127.0.0.1")

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, REPO)  # devtools
# Git-ignored; holds what the demo keeps between runs.
DEMO_DIR = os.path.join(REPO, ".demo")


def demo_secret_key() -> str:
    """The demo's own random secret, made on the first run and kept in .demo/ so a
    restart keeps staff logged in. Never a published value: the settings refuse those."""
    path = os.path.join(DEMO_DIR, "secret_key")
    try:
        with open(path) as stored:
            secret = stored.read().strip()
    except FileNotFoundError:
        secret = ""
    if not secret:
        os.makedirs(DEMO_DIR, exist_ok=True)
        secret = secrets.token_urlsafe(50)
        with os.fdopen(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "w") as out:
            out.write(secret + "\n")
    return secret


# The settings refuse to start without a secret; SECRET_KEY in the environment wins.
if not os.environ.get("SECRET_KEY"):
    os.environ["SECRET_KEY"] = demo_secret_key()
# Tokens pasted into the query page or curl last an hour in the demo (5 minutes is the
# settings' default).
os.environ.setdefault("ATTENTION_JWT_LIFETIME_MINUTES", "60")

import django  # noqa: E402

from devtools.database import create_database  # noqa: E402

HOST = "127.0.0.1"
PORT = os.environ.get("DEMO_PORT", "8000")
# Requests served at once, and so the most PostgreSQL connections the demo holds.
THREADS = int(os.environ.get("DEMO_THREADS", "8"))
URL = f"http://{HOST}:{PORT}/graphql/"
# populatedb --createsuperuser always creates this account.
POPULATEDB_ADMIN = ("admin@example.com", "admin")


@contextmanager
def working_directory(path):
    previous = os.getcwd()
    os.chdir(path)
    try:
        yield
    finally:
        os.chdir(previous)


def migrate() -> None:
    from django.contrib.sites.models import Site
    from django.core.management import call_command

    call_command("migrate")
    # Saleor's migration site.0013 caches the current Site with a historical
    # SiteSettings attached; populatedb in this process would then fail with
    # 'Cannot assign "<Menu: navbar>": "SiteSettings.top_menu" must be a "Menu" instance'.
    Site.objects.clear_cache()


@contextmanager
def plugin_switched_off():
    """populatedb writes a past year of orders and ships them without Saleor's order
    placement (no order_created hooks): with the plugin on, each would wait for its
    rules and refuse its fulfillment. Loaded as history, with the plugin off."""
    from saleor_attention import plugin_state

    stored = plugin_state.stored_configuration()
    stored.active = False
    stored.save(update_fields=["active"])
    try:
        yield
    finally:
        stored.active = True
        stored.save(update_fields=["active"])


def populate_shop() -> None:
    """Saleor's demo shop (products, customers, 20 orders), once per database."""
    import saleor
    from django.core.management import call_command
    from django.db import connection
    from saleor.product.models import Product

    if Product.objects.exists():
        return
    print("Loading Saleor's demo data (populatedb); this takes under a minute...")
    # populatedb opens saleor/static/... relative to the working directory.
    site_packages = os.path.dirname(os.path.dirname(saleor.__file__))
    try:
        with working_directory(site_packages), plugin_switched_off():
            call_command("populatedb", createsuperuser=True, withoutimages=True)
    except Exception:
        # It cannot run in one transaction (its sequence reset commits), so a failure
        # leaves a half-filled shop that the next run would take as loaded.
        name = connection.settings_dict["NAME"]
        print(f"populatedb failed; start over with: dropdb -h {HOST} -U postgres {name}")
        raise


def ensure_admin():
    """The staff login the banner shows; DEMO_ADMIN_EMAIL/DEMO_ADMIN_PASSWORD override it."""
    from saleor.account.models import User

    email = os.environ.get("DEMO_ADMIN_EMAIL") or POPULATEDB_ADMIN[0]
    password = os.environ.get("DEMO_ADMIN_PASSWORD") or POPULATEDB_ADMIN[1]
    overridden = "DEMO_ADMIN_EMAIL" in os.environ or "DEMO_ADMIN_PASSWORD" in os.environ
    user, created = User.objects.get_or_create(email=email)
    user.is_active = user.is_staff = user.is_superuser = True
    # Without an override, keep whatever password the account has now.
    if created or overridden:
        user.set_password(password)
    user.save()
    return user, password


# The demo's shopper: signs in with tokenCreate (accountRegister would need Saleor's
# confirmation e-mail, whose template the 2.10 wheel does not ship).
DEMO_CUSTOMER = ("hanako@example.com", "hanako")
# 八丈島 (Tokyo's Hachijō island): in the plugin's built-in remote-island list. Saleor
# keeps no city for Japan (its address format has none): the town leads the street.
ISLAND_ADDRESS = {
    "firstName": "花子", "lastName": "佐藤", "streetAddress1": "八丈町大賀郷1-1",
    "countryArea": "東京都", "postalCode": "100-1401", "country": "JP",
    "phone": "+81499221111",
}
MAINLAND_ADDRESS = {
    **ISLAND_ADDRESS, "streetAddress1": "千代田区丸の内1-1", "postalCode": "100-0005",
    "phone": "+81312345678",
}
DUMMY_GATEWAY = "mirumee.payments.dummy"


class InProcessAPI:
    """Saleor's /graphql/ through Django's whole request stack, in this process, before
    the server starts: what the demo does, it does as a storefront or staff would."""

    def __init__(self):
        from django.test import Client

        self.client = Client(HTTP_HOST=HOST)

    def __call__(self, query, variables=None, token=None, errors_field=None):
        extra = {"HTTP_AUTHORIZATION": f"JWT {token}"} if token else {}
        response = self.client.post(
            "/graphql/", json.dumps({"query": query, "variables": variables or {}}),
            content_type="application/json", **extra,
        )
        body = response.json()
        if response.status_code != 200 or body.get("errors"):
            raise RuntimeError(f"demo request failed ({response.status_code}): {body}")
        [payload] = body["data"].values()
        if errors_field and payload[errors_field]:
            raise RuntimeError(f"demo request refused: {payload[errors_field]}")
        return payload


# The remote-island rule on, and the order history in Japanese (Saleor 2.10's
# default language is English).
ENABLE_REMOTE_ISLANDS = """
mutation { pluginUpdate(id: "saleor_attention", input: {
  configuration: [{name: "remote_island_check", value: "true"},
                  {name: "history_language", value: "ja"}]
}) { pluginsErrors { field message } } }
"""
TOKEN_CREATE = """
mutation Login($email: String!, $password: String!) {
  tokenCreate(email: $email, password: $password) { token accountErrors { field message } }
}
"""
CHECKOUT_CREATE = """
mutation Create($input: CheckoutCreateInput!) { checkoutCreate(input: $input) {
  checkout { id availableShippingMethods { id } } checkoutErrors { field message }
} }
"""
CHECKOUT_SHIPPING = """
mutation Ship($id: ID!, $method: ID!) {
  checkoutShippingMethodUpdate(checkoutId: $id, shippingMethodId: $method) {
    checkout { totalPrice { gross { amount } } } checkoutErrors { field message }
  }
}
"""
CHECKOUT_PAYMENT = """
mutation Pay($id: ID!, $input: PaymentInput!) {
  checkoutPaymentCreate(checkoutId: $id, input: $input) {
    payment { id } paymentErrors { field message }
  }
}
"""
CHECKOUT_COMPLETE = """
mutation Complete($id: ID!) {
  checkoutComplete(checkoutId: $id) { order { id } checkoutErrors { field message } }
}
"""
ORDER_CAPTURE = """
mutation Capture($id: ID!, $amount: Decimal!) {
  orderCapture(id: $id, amount: $amount) { orderErrors { field message } }
}
"""


@contextmanager
def no_order_emails():
    """Saleor 2.10's wheel ships no e-mail templates: the order confirmation tasks of
    checkoutComplete (eager Celery, no broker) would log a traceback for each order."""
    from unittest import mock

    from saleor.checkout import utils as checkout_utils

    class NotSent:
        @staticmethod
        def delay(*args, **kwargs):
            return None

    with mock.patch.object(checkout_utils, "send_order_confirmation", NotSent), \
            mock.patch.object(checkout_utils, "send_staff_order_confirmation", NotSent):
        yield


def sellable_variant():
    """A published variant stocked in a warehouse that ships to Japan (populatedb's
    Asia zone)."""
    import graphene
    from saleor.product.models import ProductVariant

    variant = (
        ProductVariant.objects.filter(
            product__is_published=True,
            stocks__quantity__gte=10,
            stocks__warehouse__shipping_zones__countries__contains="JP",
        ).order_by("pk").first()
    )
    if variant is None:
        raise RuntimeError("The demo shop has no product that ships to Japan.")
    return graphene.Node.to_global_id("ProductVariant", variant.pk)


def place_order(api, token, variant_id, address, payment_token):
    """The customer's checkout, as a storefront places it: create, shipping method,
    card payment (Saleor's dummy gateway), complete. Returns (order id, total)."""
    checkout = api(CHECKOUT_CREATE, {"input": {
        "lines": [{"quantity": 1, "variantId": variant_id}],
        "shippingAddress": address, "billingAddress": address,
    }}, token, "checkoutErrors")["checkout"]
    shipped = api(CHECKOUT_SHIPPING, {
        "id": checkout["id"], "method": checkout["availableShippingMethods"][0]["id"],
    }, token, "checkoutErrors")
    total = shipped["checkout"]["totalPrice"]["gross"]["amount"]
    api(CHECKOUT_PAYMENT, {"id": checkout["id"], "input": {
        "gateway": DUMMY_GATEWAY, "token": payment_token, "amount": total,
    }}, token, "paymentErrors")
    order = api(CHECKOUT_COMPLETE, {"id": checkout["id"]}, token, "checkoutErrors")
    return order["order"]["id"], total


def demo_customer():
    from saleor.account.models import User

    return User.objects.filter(email=DEMO_CUSTOMER[0]).first()


def stage_demo_orders(admin) -> None:
    """Orders on attention the way a shop gets them, once per database (skipped once
    the demo customer exists, so staff changes stick):

    - the remote-island check switched on (Saleor's pluginUpdate, as on the plugin page);
    - the demo customer's order to 八丈島, through Saleor's checkout: the plugin's
      rule raises REMOTE_ISLAND when Saleor places it;
    - their order to Tokyo, the card only authorized; staff capture more than the
      authorization (say, an added fee), Saleor refuses the capture and records the
      failed payment, and the plugin's rule raises PAYMENT_FAILED;
    - one of the demo shop's orders held by staff (MANUAL), as staff do by hand;
    - two subscription contracts (定期) staff started: the customer's Tokyo order every
      month, its renewal due (shipping in three days, the lead time: the next renewal
      run places it) and charged automatically on Saleor's dummy gateway two days
      before shipping (subscriptionChargesRun); the held shop order every two weeks, its subscription flagged
      RENEWAL_PAYMENT_FAILED, its due cycle held by attention until staff release it.
    """
    from django.db import transaction
    from graphql_jwt.shortcuts import get_token
    from saleor.account.models import User

    from saleor_attention.actors import Actor
    from saleor_attention.services import set_flag

    if demo_customer() is not None:
        return
    api = InProcessAPI()
    staff_token = get_token(admin)
    # All or nothing: a failure leaves no half-staged demo for the next start to skip.
    # (The order e-mails are sent on commit, at the end of this block.)
    with no_order_emails(), transaction.atomic():
        api(ENABLE_REMOTE_ISLANDS, token=staff_token, errors_field="pluginsErrors")
        email, password = DEMO_CUSTOMER
        User.objects.create_user(email, password, first_name="花子", last_name="佐藤")
        token = api(TOKEN_CREATE, {"email": email, "password": password},
                    errors_field="accountErrors")["token"]
        variant_id = sellable_variant()
        place_order(api, token, variant_id, ISLAND_ADDRESS, payment_token="charged")
        order_id, total = place_order(
            api, token, variant_id, MAINLAND_ADDRESS, payment_token="not-charged"
        )
        refused = api(ORDER_CAPTURE, {"id": order_id, "amount": total + 10}, staff_token)
        if not refused["orderErrors"]:
            raise RuntimeError("The demo's over-authorization capture was not refused.")
        held = pick_order()
        if held is not None:
            set_flag(held, "MANUAL", note="出荷保留: お客様から連絡待ち", handle="demo-1",
                     actor=Actor(user=admin))
        stage_contracts(order_id, held, admin)
    # The new orders' rules were queued for the worker, which starts after this: run
    # them now, as it would (its tasks then find them done), so the banner shows them.
    from saleor_attention.tasks import run_pending_rules

    run_pending_rules(grace_seconds=0)


def stage_contracts(customer_order_id, held, admin) -> None:
    import datetime

    import graphene
    from saleor.order.models import Order

    from saleor_attention import plugin_state, shop_time
    from saleor_attention.actors import Actor
    from saleor_attention.contracts import actions, renewals
    from saleor_attention.services import set_flag

    today = shop_time.calendar().today()
    tokyo = Order.objects.get(pk=graphene.Node.from_global_id(customer_order_id)[1])
    lead = datetime.timedelta(days=plugin_state.settings().renewal_lead_days)
    actions.create_from_order(tokyo, interval_count=1, interval_unit="MONTH",
                              next_shipping_date=today + lead, payment_method=DEMO_CARD)
    if held is None:
        return
    fortnightly = actions.create_from_order(held, interval_count=2, interval_unit="WEEK",
                                            next_shipping_date=today + lead)
    set_flag(held, "RENEWAL_PAYMENT_FAILED", scope="SUBSCRIPTION", note="カード期限切れ",
             handle="demo-renewal", actor=Actor(user=admin))
    renewals.renew(fortnightly.pk, today + lead)  # recorded as held by attention


def pick_order():
    """One of populatedb's orders that can still be shipped."""
    from saleor.order import OrderStatus
    from saleor.order.models import Order

    return Order.objects.filter(
        status__in=(OrderStatus.UNFULFILLED, OrderStatus.PARTIALLY_FULFILLED)
    ).exclude(user_email=DEMO_CUSTOMER[0]).order_by("pk").first()


def flagged_orders():
    """[(order, ["REMOTE_ISLAND by the rules", ...])] for every active flag."""
    from saleor.order.models import Order

    from saleor_attention.models import Flag, Source

    flagged = {}
    for flag in Flag.objects.active().order_by("order_id", "pk"):
        by = "the rules" if flag.source == Source.RULE else flag.created_by_name or flag.source
        flagged.setdefault(flag.order_id, []).append(f"{flag.reason} by {by}")
    orders = Order.objects.select_related("shipping_address", "user").in_bulk(list(flagged))
    return [(orders[pk], reasons) for pk, reasons in flagged.items() if pk in orders]


def graphql_curl(query, token_var=None):
    headers = "-H 'Content-Type: application/json'"
    if token_var:
        headers += f' -H "Authorization: JWT ${token_var}"'
    return f"curl -s {URL} {headers} \\\n      -d {shlex.quote(json.dumps({'query': query}))}"


# Reads a GraphQL answer on stdin; prints it indented, Japanese as it is (no \u escapes).
PRETTY = "pp() { python3 -c 'import json,sys; print(json.dumps(json.load(sys.stdin), " \
    "ensure_ascii=False, indent=2))'; }"
TOKEN_OF = ("python3 -c 'import json,sys; "
            'print(json.load(sys.stdin)["data"]["tokenCreate"]["token"])\'')
STAFF_QUERY = (
    "{ attentionFlags(first: 10) { totalCount edges { node { reason source message "
    "order { id userEmail shippingAddress { postalCode countryArea streetAddress1 } } } } } }"
)
CUSTOMER_QUERY = (
    "{ me { email orders(first: 10) { edges { node { id "
    "customerRestrictions { restricted allowedActions message } } } } } }"
)


CONTRACTS_QUERY = (
    "{ subscriptionContracts(first: 10) { edges { node { id status email intervalCount "
    "intervalUnit nextShippingDate paymentMethod needsAttention cycles { number status "
    "plannedShippingDate detail charge { status chargeOn } } } } } }"
)
# The customer's contract is charged on Saleor 2.10's dummy gateway (it never declines).
DEMO_CARD = "gateway:mirumee.payments.dummy:tok-demo"


def contract_lines():
    """Each contract: its customer, interval, next shipping date and last cycle."""
    from saleor_attention.contracts.models import SubscriptionContract

    lines = []
    for contract in SubscriptionContract.objects.order_by("pk"):
        last = contract.cycles.order_by("-number").first()
        lines.append(
            f"   {contract.user_email or 'guest'}: every {contract.interval_count} "
            f"{contract.interval_unit.lower()}(s), next shipping {contract.next_shipping_date}, "
            f"cycle {last.number} {last.status}"
            + (" (its subscription needs attention)" if last.status == "HELD" else "")
            + (f", renewals charged with {contract.payment_method}" if contract.payment_method else "")
        )
    return lines or ["   (none)"]


def login_lines(variable, email, password):
    login = (f"mutation {{ tokenCreate(email: {json.dumps(email)}, "
             f"password: {json.dumps(password)}) {{ token }} }}")
    return [f"   {variable}=$(" + graphql_curl(login) + f" \\\n      | {TOKEN_OF})"]


def order_line(order, reasons):
    import graphene

    address = order.shipping_address
    parts = (address.postal_code, address.country_area, address.city,
             address.street_address_1) if address else ("no address",)
    return (f"   {graphene.Node.to_global_id('Order', order.pk)}  (Order:{order.pk}, "
            f"{order.get_customer_email() or 'guest'}, {' '.join(p for p in parts if p)})"
            f"\n      {'; '.join(reasons)}")


def print_banner(email, password, celery_line) -> None:
    from django.conf import settings

    customer_email, customer_password = DEMO_CUSTOMER
    lines = [
        "",
        "=" * 72,
        f" saleor-attention demo: {URL}  (open it in a browser for a query page)",
        f" Staff login:    {email} / {password}",
        f" Customer login: {customer_email} / {customer_password}  (the demo shopper)",
        f" Tokens last {settings.ATTENTION_JWT_LIFETIME_MINUTES} minutes; tokenRefresh "
        "renews them.",
        celery_line,
        " Orders on attention:",
    ]
    flagged = flagged_orders()
    lines += [order_line(order, reasons) for order, reasons in flagged]
    if not flagged:
        lines.append("   (none)")
    lines += [" Subscription contracts (定期):", *contract_lines()]
    lines += [
        "",
        " Try it (pp prints the JSON answers readably, Japanese included):",
        "   " + PRETTY,
        "   # Staff: the queue of orders on attention",
        *login_lines("TOKEN", email, password),
        "   " + graphql_curl(STAFF_QUERY, token_var="TOKEN") + " | pp",
        "   # Staff: the subscription contracts (subscriptionRenewalsRun places the due",
        "   # renewal; the held one stays held until its flag is released)",
        "   " + graphql_curl(CONTRACTS_QUERY, token_var="TOKEN") + " | pp",
        "   # The customer: their orders, and what they may still do with each",
        *login_lines("CTOKEN", customer_email, customer_password),
        "   " + graphql_curl(CUSTOMER_QUERY, token_var="CTOKEN") + " | pp",
        "=" * 72,
        "",
    ]
    print("\n".join(lines), flush=True)


@contextmanager
def celery_worker():
    """With a broker (CELERY_BROKER_URL; `make demo` gives one): a Celery worker and its
    beat in another process run the tasks (customer e-mails, flag webhooks, bulk jobs;
    renewals and charges on beat's schedule), its log in .demo/worker.log. Without one,
    Saleor runs each task eagerly, in the request."""
    broker = os.environ.get("CELERY_BROKER_URL")
    if not broker:
        yield " Celery: no broker, so tasks run in the request (Saleor's eager mode)."
        return
    os.makedirs(DEMO_DIR, exist_ok=True)
    log_path = os.path.join(DEMO_DIR, "worker.log")
    with open(log_path, "ab") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "saleor.celeryconf:app", "worker", "--beat",
             "--schedule", os.path.join(DEMO_DIR, "celerybeat-schedule"), "--concurrency", "2",
             "--without-gossip", "--without-mingle", "--without-heartbeat", "-l", "info"],
            cwd=REPO, stdout=log, stderr=subprocess.STDOUT,
        )
    try:
        yield (f" Celery: a worker with beat on {broker.split('@')[-1]} runs the tasks "
               "(log: .demo/worker.log).")
    finally:
        process.terminate()
        try:
            process.wait(30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def main() -> None:
    create_database()
    django.setup()
    migrate()
    populate_shop()
    admin, password = ensure_admin()
    stage_demo_orders(admin)
    with celery_worker() as celery_line:
        print_banner(admin.email, password, celery_line)
        serve()


def serve() -> None:
    """In the foreground until Ctrl+C (or a kill): one process, no reloader, a fixed
    pool of DEMO_THREADS request threads and as many database connections at most."""
    from devtools.demo_server import make_server

    server = make_server(HOST, int(PORT), threads=THREADS)
    try:
        # Inside the try: a Ctrl+C right after this line stops quietly too.
        print(f"Serving on http://{HOST}:{PORT}/ with {THREADS} request threads; "
              "Ctrl+C stops.", flush=True)
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


if __name__ == "__main__":
    main()

"""`make demo`: Saleor 2.10 + saleor-attention with demo data, served on 127.0.0.1.

Idempotent: the first run creates the database, migrates and loads Saleor's demo shop;
later runs reuse all of it and go straight to serving.
"""
import json
import os
import secrets
import shlex
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
    from saleor_attention.adapter import shop

    stored = shop.stored_plugin_configuration()
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


def pick_orders(count):
    """Orders that can still be shipped first, so the fulfillment guard has work to do."""
    from saleor.order import OrderStatus
    from saleor.order.models import Order

    picked = []
    for status in (
        OrderStatus.UNFULFILLED, OrderStatus.PARTIALLY_FULFILLED, OrderStatus.FULFILLED
    ):
        picked += Order.objects.filter(status=status).order_by("pk")[: count - len(picked)]
    return picked


def flag_demo_orders(admin) -> None:
    """A few flags to look at. Skipped once any flag exists, so staff changes stick;
    fixed handles keep even a forced rerun from raising duplicates."""
    from saleor_attention.actors import RULES, Actor
    from saleor_attention.models import Flag
    from saleor_attention.services import set_flag

    if Flag.objects.exists():
        return
    orders = pick_orders(3)
    if len(orders) < 3:
        print("Not enough orders for the demo flags; skipping them.")
        return
    staff = Actor(user=admin)
    first, second, third = orders
    set_flag(first, "MANUAL", note="出荷保留: お客様から連絡待ち", handle="demo-1", actor=staff)
    set_flag(second, "MANUAL", note="住所の番地が不明: 確認中", handle="demo-2", actor=staff)
    set_flag(second, "REMOTE_ISLAND", handle="demo-3", actor=RULES)
    set_flag(third, "PAYMENT_FAILED", handle="demo-4", actor=staff)


def flagged_orders():
    """{order pk: [reason, ...]} for every active flag."""
    from saleor_attention.models import Flag

    flagged = {}
    for order_id, reason in Flag.objects.active().order_by("order_id", "pk").values_list(
        "order_id", "reason"
    ):
        flagged.setdefault(order_id, []).append(reason)
    return flagged


def graphql_curl(query, token_var=False):
    headers = "-H 'Content-Type: application/json'"
    if token_var:
        headers += ' -H "Authorization: JWT $TOKEN"'
    return f"curl -s {URL} {headers} \\\n      -d {shlex.quote(json.dumps({'query': query}))}"


def print_banner(email, password) -> None:
    import graphene
    from django.conf import settings

    login = json.dumps(email), json.dumps(password)
    token_query = f"mutation {{ tokenCreate(email: {login[0]}, password: {login[1]}) {{ token }} }}"
    flags_query = (
        "{ attentionFlags(first: 10) { totalCount edges { node { reason message "
        "order { id } } } } }"
    )
    lines = [
        "",
        "=" * 72,
        f" saleor-attention demo: {URL}  (open it in a browser for a query page)",
        f" Staff login: {email} / {password}  (tokens last "
        f"{settings.ATTENTION_JWT_LIFETIME_MINUTES} minutes; tokenRefresh renews them)",
        " Orders on attention:",
    ]
    flagged = flagged_orders()
    for pk, reasons in flagged.items():
        global_id = graphene.Node.to_global_id("Order", pk)
        lines.append(f"   {global_id}  (Order:{pk})  {', '.join(reasons)}")
    if not flagged:
        lines.append("   (none)")
    lines += [
        "",
        " Try it:",
        "   TOKEN=$(" + graphql_curl(token_query)
        + " \\\n      | python3 -c 'import json,sys; "
        'print(json.load(sys.stdin)["data"]["tokenCreate"]["token"])\')',
        "   " + graphql_curl(flags_query, token_var=True),
        "=" * 72,
        "",
    ]
    print("\n".join(lines), flush=True)


def main() -> None:
    create_database()
    django.setup()
    migrate()
    populate_shop()
    admin, password = ensure_admin()
    flag_demo_orders(admin)
    print_banner(admin.email, password)
    serve()


def serve() -> None:
    """In the foreground until Ctrl+C (or a kill): one process, no reloader, a fixed
    pool of DEMO_THREADS request threads and as many database connections at most."""
    from devtools.demo_server import make_server

    server = make_server(HOST, int(PORT), threads=THREADS)
    print(f"Serving on http://{HOST}:{PORT}/ with {THREADS} request threads; Ctrl+C stops.",
          flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


if __name__ == "__main__":
    main()

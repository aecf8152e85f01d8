"""`make benchmark-demo`: the PostgreSQL connections `make demo`'s server holds under a
burst of concurrent requests.

Serves Saleor 2.10 + the plugin in this process on a free port with the demo's server
(devtools/demo_server.py), fires N concurrent POST /graphql/ requests at it, and samples
`SELECT count(*) FROM pg_stat_activity WHERE datname = <database>` throughout.
`--server runserver` measures what the demo used before (Django's runserver: a thread
per request, each keeping its connection); it is capped at 60 requests so that it
cannot exhaust a shared PostgreSQL (100 connections by default).
"""
import argparse
import json
import os
import sys
import threading
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, REPO)

import benchmarks.environment  # noqa: E402,F401 - before Django loads

from benchmarks import database  # noqa: E402

RUNSERVER_MAX_REQUESTS = 60
QUERY = json.dumps({"query": "{ products(first: 1) { totalCount } }"}).encode()


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--requests", type=int, default=200, help="concurrent requests")
    parser.add_argument("--threads", type=int, default=8, help="the demo server's threads")
    parser.add_argument("--server", choices=["demo", "runserver"], default="demo")
    return parser.parse_args()


def connection_count(cursor, name):
    cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE datname = %s", [name])
    return cursor.fetchone()[0]


def sample_connections(name, stop, samples):
    import dj_database_url
    import psycopg2

    db = dj_database_url.parse(os.environ["DATABASE_URL"])
    conn = psycopg2.connect(
        dbname="postgres", user=db["USER"], password=db["PASSWORD"] or None,
        host=db["HOST"], port=db["PORT"] or 5432,
    )
    conn.autocommit = True
    try:
        with conn.cursor() as cursor:
            while not stop.is_set():
                samples.append(connection_count(cursor, name))
                stop.wait(0.005)
            time.sleep(0.5)  # what is still open once the burst is over
            samples.append(connection_count(cursor, name))
    finally:
        conn.close()


def start_server(kind, threads):
    from django.core.servers.basehttp import (
        ThreadedWSGIServer,
        WSGIRequestHandler,
        get_internal_wsgi_application,
    )
    from django.db import connections

    from devtools.demo_server import make_server

    if kind == "demo":
        server = make_server("127.0.0.1", 0, threads=threads)
    else:  # what `manage.py runserver` builds
        app = get_internal_wsgi_application()
        connections.close_all()
        server = ThreadedWSGIServer(("127.0.0.1", 0), WSGIRequestHandler)
        server.set_app(app)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def post(port):
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/graphql/", data=QUERY,
        headers={"Content-Type": "application/json"},
    )
    try:
        with urllib.request.urlopen(request, timeout=120) as response:
            return response.status
    except Exception as exc:  # counted, not raised: the figure is what matters
        return type(exc).__name__


def main():
    args = parse_args()
    if args.server == "runserver" and args.requests > RUNSERVER_MAX_REQUESTS:
        print(f"runserver takes a connection per concurrent request; capping at "
              f"{RUNSERVER_MAX_REQUESTS} requests.")
        args.requests = RUNSERVER_MAX_REQUESTS
    database.prepare()
    name = database.database_name()
    server = start_server(args.server, args.threads)
    port = server.server_address[1]

    stop, samples = threading.Event(), []
    sampler = threading.Thread(target=sample_connections, args=(name, stop, samples))
    sampler.start()
    started = time.monotonic()
    with ThreadPoolExecutor(max_workers=args.requests) as clients:
        answers = list(clients.map(post, [port] * args.requests))
    elapsed = time.monotonic() - started
    stop.set()
    sampler.join()
    server.shutdown()
    server.server_close()

    ok = answers.count(200)
    during, after = samples[:-1], samples[-1]
    label = f"demo server ({args.threads} threads)" if args.server == "demo" else "runserver"
    print(f"{label}: {args.requests} concurrent POST /graphql/ in {elapsed:.1f} s, "
          f"{ok} answered 200" + ("" if ok == args.requests else f", others: "
          f"{sorted(set(a for a in answers if a != 200), key=str)}"))
    print(f"connections to {name}: max {max(during)} during the burst "
          f"({len(during)} samples), {after} still open 0.5 s after it")


if __name__ == "__main__":
    main()

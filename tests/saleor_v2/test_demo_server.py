"""`make demo`'s HTTP server holds a bounded number of PostgreSQL connections under a
burst of concurrent requests. (It used runserver: a thread per request, each keeping
its connection for Saleor's 600 s, until PostgreSQL refused more.)"""
import json
import threading
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor

import psycopg2
import pytest
from django.db import connection

from devtools.demo_server import make_server

REQUESTS = 200
THREADS = 4
# Every request reads the database.
QUERY = json.dumps({"query": "{ products(first: 1) { totalCount } }"}).encode()


class ConnectionMonitor:
    """Samples, from a connection to another database, how many connections the
    database under test has open; `peak` is the most seen."""

    def __init__(self, settings_dict):
        self.database = settings_dict["NAME"]
        self.connect = dict(
            dbname="postgres", user=settings_dict["USER"], host=settings_dict["HOST"],
            port=settings_dict["PORT"] or 5432, password=settings_dict["PASSWORD"] or None,
        )
        self.peak = 0
        self.samples = 0
        self._stop = threading.Event()

    def __enter__(self):
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join(timeout=10)

    def _run(self):
        conn = psycopg2.connect(**self.connect)
        conn.autocommit = True
        try:
            with conn.cursor() as cursor:
                while not self._stop.is_set():
                    cursor.execute(
                        "SELECT count(*) FROM pg_stat_activity WHERE datname = %s",
                        [self.database],
                    )
                    self.peak = max(self.peak, cursor.fetchone()[0])
                    self.samples += 1
                    self._stop.wait(0.005)
        finally:
            conn.close()


def open_connections(settings_dict, until, wait=5.0):
    """The database's open connections, waiting up to `wait` s for them to reach `until`."""
    monitor = ConnectionMonitor(settings_dict)
    conn = psycopg2.connect(**monitor.connect)
    conn.autocommit = True
    deadline = time.monotonic() + wait
    try:
        with conn.cursor() as cursor:
            while True:
                cursor.execute(
                    "SELECT count(*) FROM pg_stat_activity WHERE datname = %s", [monitor.database]
                )
                count = cursor.fetchone()[0]
                if count == until or time.monotonic() > deadline:
                    return count
                time.sleep(0.05)
    finally:
        conn.close()


def post(port):
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/graphql/", data=QUERY,
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=60) as response:
        return response.status, json.loads(response.read())


@pytest.mark.django_db(transaction=True)
def test_demo_server_holds_a_bounded_number_of_database_connections():
    server = make_server("127.0.0.1", 0, threads=THREADS)
    serving = threading.Thread(target=server.serve_forever, daemon=True)
    serving.start()
    try:
        with ConnectionMonitor(connection.settings_dict) as monitor:
            with ThreadPoolExecutor(max_workers=REQUESTS) as clients:
                answers = list(clients.map(post, [server.server_address[1]] * REQUESTS))
    finally:
        server.shutdown()
        server.server_close()

    assert answers == [(200, {"data": {"products": {"totalCount": 0}}})] * REQUESTS
    assert monitor.samples > 10
    assert 1 <= monitor.peak <= THREADS, monitor.peak
    # Stopped, it leaves no connection behind.
    assert open_connections(connection.settings_dict, until=0) == 0

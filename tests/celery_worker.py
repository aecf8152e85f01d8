"""A real Celery worker, started by the tests themselves: tasks sent to it run in
another process, on their own database connections, as in production. Its broker is
ATTENTION_TEST_BROKER (Redis's database 14 by default; `make test` chooses, and without
a Redis gives kombu's filesystem transport, its folders in
CELERY_BROKER_TRANSPORT_OPTIONS, which the worker's settings read too)."""
import json
import os
import subprocess
import sys
import tempfile
import time
import uuid
from contextlib import contextmanager

from kombu import Connection
from django.db import connection

BROKER = os.environ.get("ATTENTION_TEST_BROKER", "redis://127.0.0.1:6379/14")
TRANSPORT_OPTIONS = json.loads(os.environ.get("CELERY_BROKER_TRANSPORT_OPTIONS") or "{}")
STARTUP_SECONDS = 240  # Saleor 3 imports for a long while on a loaded machine


class Worker:
    def __init__(self, queue: str, log_path: str):
        self.queue = queue
        self.log_path = log_path

    def succeeded(self, task) -> int:
        """How many runs of the task the worker finished."""
        with open(self.log_path, errors="replace") as log:
            return sum(task.name in line and " succeeded " in line for line in log)

    def send(self, task, *args):
        """Send a task to this worker through the broker (the test process itself has
        no broker configured: it runs tasks eagerly)."""
        with Connection(BROKER, transport_options=TRANSPORT_OPTIONS) as broker, \
                broker.Producer() as producer:
            return task.app.send_task(task.name, args=args, queue=self.queue, producer=producer)


@contextmanager
def worker(concurrency: int = 2, broker: str = BROKER, queue: str = ""):
    """A worker process on a queue of its own (or `queue`), reading the test database
    (a test that uses it commits its data: django_db(transaction=True))."""
    queue = queue or f"attention-test-{uuid.uuid4().hex[:8]}"
    database = connection.settings_dict
    env = dict(
        os.environ,
        CELERY_BROKER_URL=broker,
        DATABASE_URL=f"postgres://{database['USER']}@{database['HOST'] or '127.0.0.1'}:"
                     f"{database['PORT'] or 5432}/{database['NAME']}",
        PYTHONPATH=os.pathsep.join(filter(None, [os.getcwd(), os.environ.get("PYTHONPATH")])),
    )
    log = tempfile.NamedTemporaryFile(prefix="attention-worker-", suffix=".log", delete=False)
    process = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "saleor.celeryconf:app", "worker",
         "-Q", queue, "--concurrency", str(concurrency), "--without-gossip",
         "--without-mingle", "--without-heartbeat", "-l", "info"],
        env=env, stdout=log, stderr=subprocess.STDOUT,
    )
    try:
        _wait_ready(process, log.name)
        yield Worker(queue, log.name)
    except AssertionError:
        with open(log.name, errors="replace") as output:
            print("The Celery worker's log:\n" + output.read()[-6000:])
        raise
    finally:
        process.terminate()
        process.wait(timeout=30)
        log.close()
        os.unlink(log.name)


def _wait_ready(process, log_path: str) -> None:
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline and process.poll() is None:
        with open(log_path, errors="replace") as log:
            if " ready." in log.read():
                return
        time.sleep(0.2)
    with open(log_path, errors="replace") as log:
        raise RuntimeError("The Celery worker did not start:\n" + log.read()[-4000:])


def eventually(check, seconds: float = 60):
    """Wait until check() is true (the worker's transaction committed)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.2)
    raise AssertionError("the worker did not get there in time")

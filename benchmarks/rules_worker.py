"""The Celery worker a shop runs beside Saleor, for the checkout benchmarks: the
plugin's order-created hook queues each new order's rules for it, after the order's
commit. Started on the broker the benchmark is given (CELERY_BROKER_URL; `make
benchmark-checkout` gives Redis's database 13); without one Celery runs tasks eagerly,
in the request, and there is no worker.

BESIDE (`--worker beside`, the default): the worker runs while the requests are
measured, on the same cores, as on a one-machine shop; each new order's rules then
compete with the requests that follow (and the tail of their own). AFTER (`--worker
after`): the requests only queue the tasks, and the worker starts once they are
measured, as where workers run on cores or machines of their own: the requests'
own cost."""
import argparse
import time
from contextlib import contextmanager
from typing import Optional

BESIDE, AFTER = "beside", "after"


def add_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--worker", choices=[BESIDE, AFTER], default=BESIDE,
        help="run the rules' worker beside the measured checkouts (default) or start it "
        "after them",
    )


class RulesWorker:
    def __init__(self, broker: str, start: str):
        self.broker, self.start = broker, start

    def rules_done(self, seconds: float = 300) -> float:
        """Wait until no placed order awaits its rules (starting the worker first when
        it starts after the requests); how long that took. A task that ran while the
        benchmark had the plugin switched off (its inactive mode) left its order
        waiting, as in a shop: the sweep, sent every second, runs those."""
        if self.start == BESIDE:
            return self._waited(seconds)
        from tests.celery_worker import worker

        started = time.monotonic()
        with worker(concurrency=1, broker=self.broker, queue="celery"):
            self._waited(seconds)
        return time.monotonic() - started

    @staticmethod
    def _waited(seconds: float) -> float:
        from saleor_attention import tasks
        from saleor_attention.models import OrderFacts

        started = swept = time.monotonic()
        while OrderFacts.objects.filter(rules_pending_since__isnull=False).exclude(
            order__status="draft"
        ).exists():
            now = time.monotonic()
            if now - started > seconds:
                raise RuntimeError("the worker left orders awaiting their rules")
            if now - swept > 1:
                tasks.run_pending_rules.delay(0)
                swept = now
            time.sleep(0.05)
        return time.monotonic() - started


@contextmanager
def rules_worker(start: str = BESIDE):
    """A worker process (one) on Celery's default queue, running now (BESIDE) or from
    its rules_done (AFTER); None without a broker."""
    from django.conf import settings

    from tests.celery_worker import worker

    broker = getattr(settings, "CELERY_BROKER_URL", "")
    if not broker:
        yield None
        return
    from saleor.celeryconf import app

    app.control.purge()  # messages an interrupted run left behind
    if start == AFTER:
        yield RulesWorker(broker, start)
        return
    with worker(concurrency=1, broker=broker, queue="celery"):
        yield RulesWorker(broker, start)


def worker_report(worker: Optional[RulesWorker], waited: Optional[float]) -> str:
    if worker is None:
        return "No Celery broker (CELERY_BROKER_URL): the rules ran eagerly, in the request."
    when = ("beside the measured requests" if worker.start == BESIDE
            else "started after the measured requests, which only queued the tasks")
    return (f"The rules ran in a Celery worker (one process, {worker.broker}, {when}):\n"
            f"every order's rules had run {waited * 1000:.0f} ms after the last "
            "checkoutComplete answered\n(those whose task met the plugin switched off, "
            "by the sweep).")

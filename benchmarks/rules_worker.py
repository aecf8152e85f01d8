"""The Celery worker a shop runs beside Saleor, for the checkout benchmarks: the
plugin's order-created hook queues each new order's rules for it, after the order's
commit. Started on the broker the benchmark is given (CELERY_BROKER_URL; `make
benchmark-checkout` gives Redis's database 13); without one Celery runs tasks eagerly,
in the request, and there is no worker."""
import time
from contextlib import contextmanager
from typing import Optional


class RulesWorker:
    def __init__(self, broker: str):
        self.broker = broker

    @staticmethod
    def rules_done(seconds: float = 300) -> float:
        """Wait until no placed order awaits its rules; how long that took. A task
        that ran while the benchmark had the plugin switched off (its inactive mode)
        left its order waiting, as in a shop: the sweep, sent every second, runs those."""
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
def rules_worker():
    """A worker process (one) on Celery's default queue, or None without a broker."""
    from django.conf import settings

    from tests.celery_worker import worker

    broker = getattr(settings, "CELERY_BROKER_URL", "")
    if not broker:
        yield None
        return
    from saleor.celeryconf import app

    app.control.purge()  # messages an interrupted run left behind
    with worker(concurrency=1, broker=broker, queue="celery"):
        yield RulesWorker(broker)


def worker_report(worker: Optional[RulesWorker], waited: Optional[float]) -> str:
    if worker is None:
        return "No Celery broker (CELERY_BROKER_URL): the rules ran eagerly, in the request."
    return (f"The rules ran in a Celery worker (one process, {worker.broker}): every order's\n"
            f"rules had run {waited * 1000:.0f} ms after the last checkoutComplete answered\n"
            "(those whose task met the plugin switched off, by the sweep).")

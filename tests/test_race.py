"""Set, release and fulfil racing on one order stay consistent (row locks).

Invariant: an order is never fulfilled while one of its flags is active. Each round
starts three real transactions at once on one flagged order — release its flag, set a
new one, ship it through orderFulfill — and checks that any fulfillment that got
through happened after the release and before the new flag.
"""
import random
import threading
import time

import pytest
from django.db import connection, transaction

from saleor_attention import services
from saleor_attention.actors import Actor
from saleor_attention.models import Flag

from .conftest import GraphQL
from .documents import shop_date

ROUNDS = 8


def run_together(*actions, jitter=0.0):
    """Start the actions at one instant (each after its own random delay up to jitter)."""
    barrier = threading.Barrier(len(actions))
    failures = []

    def run(action):
        try:
            barrier.wait()
            time.sleep(random.uniform(0, jitter))
            action()
        except Exception as exc:  # surfaced below; a thread cannot fail the test
            failures.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(action,)) for action in actions]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not failures, failures


@pytest.mark.django_db(transaction=True)
def test_never_fulfilled_while_a_flag_is_active(shop):
    manager = shop.staff()
    for round_ in range(ROUNDS):
        order = shop.order()
        first = services.set_flag(order, note="hold", actor=Actor(user=manager)).flag

        run_together(
            lambda: services.release_flags(
                order, flag_ids=[first.pk], handled_on=shop_date(),
                actor=Actor(user=manager),
            ),
            lambda: services.set_flag(
                order, note=f"new hold {round_}", handle=f"second-{round_}",
                actor=Actor(user=manager),
            ),
            lambda: GraphQL()(shop.ORDER_FULFILL, shop.fulfill_variables(order), as_=manager),
            jitter=0.05,
        )

        first.refresh_from_db()
        second = Flag.objects.get(order=order, handle=f"second-{round_}")
        fulfillments = list(order.fulfillments.all())
        if fulfillments:
            [shipped] = fulfillments
            shipped_at = getattr(shipped, "created_at", None) or shipped.created  # 3.x, 2.10
            assert first.released_at < shipped_at < second.created_at


@pytest.mark.django_db(transaction=True)
def test_fulfill_waits_for_a_flag_being_set(shop):
    """A flag committed while orderFulfill waits on the order lock still stops it."""
    manager = shop.staff()
    order = shop.order()

    def set_flag_slowly():
        with transaction.atomic():
            services.set_flag(order, note="hold", actor=Actor(user=manager))
            time.sleep(2)  # holds the order's row lock, not yet committed

    def fulfill_meanwhile():
        time.sleep(0.1)
        response = GraphQL()(shop.ORDER_FULFILL, shop.fulfill_variables(order), as_=manager)
        errors.extend(response["data"]["orderFulfill"]["orderErrors"])

    errors = []
    run_together(set_flag_slowly, fulfill_meanwhile)

    assert [error["code"] for error in errors] == ["INVALID"]
    assert shop.fulfillment_count(order) == 0


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("dated", [False, True], ids=["undated", "due-dates"])
def test_changes_of_one_subscription_through_two_orders_never_deadlock(shop, dated):
    """Each change writes its subscription flag's history line on every order of the
    subscription, the other change's locked order included: the changes' order locks
    (FOR NO KEY UPDATE) let the notes' key checks through, so both commit. A due date
    is kept on the subscription's row (migration 0013), not on each of its orders'
    rows, which the other change holds."""
    manager = shop.staff()
    for round_ in range(ROUNDS):
        metadata = {"saleor_attention.subscription": f"SUB-RACE-{round_}"}
        first, second = shop.order(metadata=metadata), shop.order(metadata=metadata)

        run_together(
            *[
                lambda order=order, n=n: services.set_flag(
                    order, note=f"hold {n}", scope="SUBSCRIPTION", handle=f"race-{round_}-{n}",
                    actor=Actor(user=manager), due_on=shop_date(n + 1) if dated else None,
                )
                for n, order in enumerate((first, second))
            ],
            jitter=0.02,
        )

        flags = Flag.objects.filter(subscription=f"SUB-RACE-{round_}", status="ACTIVE")
        assert flags.count() == 2
        for order in (first, second):
            notes = "\n".join(shop.history_notes(order))
            assert f"hold 0" in notes and f"hold 1" in notes

        run_together(
            *[
                lambda order=order, flag=flag: services.release_flags(
                    order, flag_ids=[flag.pk], handled_on=shop_date(),
                    actor=Actor(user=manager),
                )
                for order, flag in zip((first, second), flags.order_by("handle"))
            ],
            jitter=0.02,
        )
        assert not flags.exists()

"""Setting and releasing flags on many orders in one call, or in a background job:
each order is its own change, so one order's error leaves the others changed."""
import datetime

import graphene
import pytest
from django.utils import timezone

from saleor_attention import bulk, services, tasks
from saleor_attention.actors import RULES
from saleor_attention.models import BulkJob, Event, Flag

from .documents import BULK_JOB, BULK_RELEASE, BULK_SET, RELEASE_FLAGS, today


def flag_gid(flag):
    return graphene.Node.to_global_id("AttentionFlag", flag.pk)


def bulk_set(gql, manager, variables):
    return gql(BULK_SET, {"input": variables}, as_=manager)["data"]["attentionFlagsBulkSet"]


def bulk_release(gql, manager, variables):
    return gql(BULK_RELEASE, {"input": variables}, as_=manager)["data"][
        "attentionFlagsBulkRelease"]


def codes(errors):
    return [(error["field"], error["code"]) for error in errors]


def snapshot():
    return (
        list(Flag.objects.order_by("pk").values()),
        Event.objects.count(),
        BulkJob.objects.count(),
    )


def flagged(shop, reason="REMOTE_ISLAND", **order):
    placed = shop.order(**order)
    services.set_flag(placed, reason, handle=reason.lower(), actor=RULES)
    return placed


def test_the_cap_is_500_orders_a_call_and_50000_a_job():
    assert (bulk.MAX_BULK_ORDERS, bulk.MAX_JOB_ORDERS) == (500, 50_000)


def test_set_on_named_orders(gql, shop, manager, configure):
    configure(history_language="ja")
    orders = [shop.order() for _ in range(3)]

    payload = bulk_set(gql, manager, {
        "orders": [shop.order_id(order) for order in orders],
        "note": "棚卸し中のため出荷保留", "dueOn": today(2),
    })

    assert payload["errors"] == [] and (payload["count"], payload["flagCount"]) == (3, 3)
    assert payload["job"] is None
    assert [result["order"]["id"] for result in payload["results"]] == [
        shop.order_id(order) for order in orders]
    for order, result in zip(orders, payload["results"]):
        assert result["errors"] == [] and result["created"] is True
        assert result["orderNumber"] == shop.order_number(order)
        assert result["flag"]["note"] == "棚卸し中のため出荷保留"
        assert result["flag"]["dueOn"] == today(2)
        assert Flag.objects.get(order=order).status == "ACTIVE"
        assert any("要対応 設定" in note for note in shop.history_notes(order))
    assert Event.objects.filter(type="FLAG_SET", user=manager).count() == 3


def test_set_on_the_orders_a_filter_finds(gql, shop, manager):
    islands = [flagged(shop) for _ in range(2)]
    card = flagged(shop, "PAYMENT_FAILED")

    payload = bulk_set(gql, manager, {
        "filter": {"reasons": ["REMOTE_ISLAND"], "status": "ACTIVE"},
        "note": "送料確認中",
    })

    assert payload["errors"] == [] and payload["count"] == 2
    manual = Flag.objects.filter(reason="MANUAL")
    assert sorted(manual.values_list("order_id", flat=True)) == sorted(o.pk for o in islands)
    assert not manual.filter(order=card).exists()


def test_a_dry_run_counts_and_changes_nothing(gql, shop, manager):
    for _ in range(3):
        flagged(shop)
    before = snapshot()

    payload = bulk_set(gql, manager, {
        "filter": {"reasons": ["REMOTE_ISLAND"]}, "note": "x", "dryRun": True,
    })
    released = bulk_release(gql, manager, {
        "filter": {"reasons": ["REMOTE_ISLAND"]}, "handledOn": today(), "dryRun": True,
    })

    assert (payload["count"], payload["results"], payload["errors"]) == (3, None, [])
    assert (released["count"], released["flagCount"], released["results"]) == (3, 3, None)
    assert snapshot() == before


def test_more_orders_than_a_call_takes_is_a_typed_error(gql, shop, manager, monkeypatch):
    monkeypatch.setattr(bulk, "MAX_BULK_ORDERS", 2)
    orders = [flagged(shop) for _ in range(3)]
    before = snapshot()

    for variables in ({"filter": {"reasons": ["REMOTE_ISLAND"]}},
                      {"filter": {"reasons": ["REMOTE_ISLAND"]}, "dryRun": True}):
        payload = bulk_set(gql, manager, {**variables, "note": "x"})
        assert codes(payload["errors"]) == [("filter", "TOO_MANY")]
        assert payload["count"] == 3  # what the filter matches, to narrow it
        assert "background" in payload["errors"][0]["message"]
    named = bulk_set(gql, manager, {"orders": [shop.order_id(o) for o in orders], "note": "x"})
    assert codes(named["errors"]) == [("orders", "TOO_MANY")]
    released = bulk_release(gql, manager, {
        "flags": [flag_gid(flag) for flag in Flag.objects.all()], "handledOn": today()})
    assert codes(released["errors"]) == [("flags", "TOO_MANY")]
    assert snapshot() == before

    job = bulk_set(gql, manager, {
        "filter": {"reasons": ["REMOTE_ISLAND"]}, "note": "x", "background": True})
    assert job["errors"] == [] and job["job"]["total"] == 3


def test_one_orders_error_leaves_the_others_set(gql, shop, manager):
    subscribed = {"saleor_attention.subscription": "SUB-BULK"}
    first, lone, second = shop.order(metadata=subscribed), shop.order(), shop.order(
        metadata=subscribed)

    payload = bulk_set(gql, manager, {
        "orders": [shop.order_id(order) for order in (first, lone, second)],
        "scope": "SUBSCRIPTION", "reason": "RENEWAL_PAYMENT_FAILED",
    })

    assert payload["errors"] == [] and payload["flagCount"] == 1
    ok, refused, same = payload["results"]
    assert ok["created"] is True and ok["flag"]["scope"] == "SUBSCRIPTION"
    assert codes(refused["errors"]) == [("scope", "NOT_IN_SUBSCRIPTION")]
    assert refused["flag"] is None and not Flag.objects.filter(order=lone).exists()
    # One cause for the call: the subscription's flag is set once.
    assert same["created"] is False and same["flag"]["id"] == ok["flag"]["id"]
    assert Flag.objects.filter(subscription="SUB-BULK").count() == 1


def test_release_flags_of_several_orders(gql, shop, manager):
    subscribed = {"saleor_attention.subscription": "SUB-REL"}
    a, b = shop.order(metadata=subscribed), shop.order()
    own = services.set_flag(a, note="a").flag
    renewal = services.set_flag(b, note="b").flag
    subscription = services.set_flag(
        a, "RENEWAL_PAYMENT_FAILED", scope="SUBSCRIPTION", handle="r").flag

    payload = bulk_release(gql, manager, {
        "flags": [flag_gid(own), flag_gid(renewal)], "handledOn": today(), "comment": "一括確認",
    })

    assert payload["errors"] == [] and (payload["count"], payload["flagCount"]) == (2, 2)
    by_order = {result["order"]["id"]: result for result in payload["results"]}
    assert [f["id"] for f in by_order[shop.order_id(a)]["released"]] == [flag_gid(own)]
    assert [f["id"] for f in by_order[shop.order_id(a)]["remaining"]] == [flag_gid(subscription)]
    assert by_order[shop.order_id(a)]["warnings"][0]["code"] == "STILL_NEEDS_ATTENTION"
    assert by_order[shop.order_id(b)]["remaining"] == []
    assert Flag.objects.get(pk=renewal.pk).release_comment == "一括確認"


def test_the_single_release_takes_one_orders_flags(gql, shop, manager):
    """attentionFlagRelease without `order` releases the flags of one order; flags of
    several orders are refused as a whole (attentionFlagsBulkRelease takes them)."""
    a, b = shop.order(), shop.order()
    flags = [services.set_flag(order, note="x").flag for order in (a, b)]
    before = snapshot()

    payload = gql(RELEASE_FLAGS, {"input": {
        "flags": [flag_gid(flag) for flag in flags], "handledOn": today()}}, as_=manager,
    )["data"]["attentionFlagRelease"]

    assert codes(payload["errors"]) == [("flags", "INVALID")]
    assert "attentionFlagsBulkRelease" in payload["errors"][0]["message"]
    assert snapshot() == before


def test_one_orders_refused_release_leaves_the_others_released(gql, shop, manager):
    old, done, new = shop.order(), shop.order(), shop.order()
    old_flag = services.set_flag(old, note="old").flag
    done_flag = services.set_flag(done, note="done").flag
    new_flag = services.set_flag(new, note="new").flag
    Flag.objects.filter(pk__in=[old_flag.pk, done_flag.pk]).update(
        created_at=timezone.now() - datetime.timedelta(days=5))
    services.release_flags(done, flag_ids=[done_flag.pk], handled_on=datetime.date.fromisoformat(today()))

    payload = bulk_release(gql, manager, {
        "flags": [flag_gid(f) for f in (old_flag, done_flag, new_flag)], "handledOn": today(-2),
    })

    assert payload["errors"] == [] and (payload["count"], payload["flagCount"]) == (3, 1)
    results = {result["orderNumber"]: result for result in payload["results"]}
    assert results[shop.order_number(old)]["errors"] == []
    assert codes(results[shop.order_number(done)]["errors"]) == [("flags", "ALREADY_RELEASED")]
    assert codes(results[shop.order_number(new)]["errors"]) == [("handledOn", "INVALID")]
    assert Flag.objects.get(pk=old_flag.pk).handled_on.isoformat() == today(-2)
    assert Flag.objects.get(pk=new_flag.pk).status == "ACTIVE"


def test_a_flag_of_a_deleted_order_is_its_own_error(gql, shop, manager):
    draft, kept = shop.order(status="draft"), shop.order()
    gone = services.set_flag(draft, note="x").flag
    live = services.set_flag(kept, note="y").flag
    assert shop.delete_draft_order(gql, manager, draft) == []

    payload = bulk_release(gql, manager, {
        "flags": [flag_gid(gone), flag_gid(live)], "handledOn": today()})

    assert payload["errors"] == [] and payload["flagCount"] == 1
    deleted, released = sorted(payload["results"], key=lambda r: r["order"] is not None)
    assert deleted["order"] is None
    assert codes(deleted["errors"]) == [("flags", "NOT_FOUND")]
    assert released["errors"] == [] and released["released"][0]["id"] == flag_gid(live)


def test_release_a_filters_active_flags(gql, shop, manager):
    islands = [flagged(shop) for _ in range(2)]
    card = flagged(shop, "PAYMENT_FAILED")

    payload = bulk_release(gql, manager, {
        "filter": {"reasons": ["REMOTE_ISLAND"]}, "handledOn": today(),
    })

    assert payload["errors"] == [] and payload["count"] == 2
    assert not Flag.objects.filter(order__in=islands, status="ACTIVE").exists()
    assert Flag.objects.get(order=card).status == "ACTIVE"


@pytest.mark.parametrize(
    "variables, field, code",
    [
        ({}, "orders", "REQUIRED"),
        ({"orders": []}, "orders", "REQUIRED"),
        ({"orders": ["ORDER"], "filter": {}}, "filter", "INVALID"),
        ({"orders": ["garbage"]}, "orders", "GRAPHQL_ERROR"),
        ({"orders": ["UNKNOWN"]}, "orders", "NOT_FOUND"),
        ({"filter": {"order": "garbage"}}, "filter", "GRAPHQL_ERROR"),
        ({"orders": ["ORDER"], "note": ""}, "note", "REQUIRED"),
        ({"orders": ["ORDER"], "dueOn": "2020-01-01"}, "dueOn", "INVALID"),
        ({"orders": ["ORDER"], "handle": "h" * 256}, "handle", "TOO_LONG"),
    ],
)
def test_bad_bulk_set_input_changes_nothing(gql, shop, manager, order, variables, field, code):
    ids = {"ORDER": shop.order_id(order), "UNKNOWN": shop.unknown_order_id()}
    if "orders" in variables:
        variables["orders"] = [ids.get(value, value) for value in variables["orders"]]
    before = snapshot()

    payload = bulk_set(gql, manager, {"note": "x", **variables})

    assert codes(payload["errors"])[:1] == [(field, code)]
    assert payload["results"] is None and snapshot() == before


@pytest.mark.parametrize(
    "variables, field, code",
    [
        ({}, "flags", "REQUIRED"),
        ({"flags": ["FLAG"], "filter": {}}, "filter", "INVALID"),
        ({"flags": [graphene.Node.to_global_id("AttentionFlag", 999999)]}, "flags", "NOT_FOUND"),
        ({"flags": ["FLAG"], "handledOn": "2999-01-01"}, "handledOn", "INVALID"),
        ({"flags": ["FLAG"], "comment": "x" * 2001}, "comment", "TOO_LONG"),
    ],
)
def test_bad_bulk_release_input_changes_nothing(gql, manager, order, variables, field, code):
    flag = services.set_flag(order, note="x").flag
    if "flags" in variables:
        variables["flags"] = [flag_gid(flag) if v == "FLAG" else v for v in variables["flags"]]
    before = snapshot()

    payload = bulk_release(gql, manager, {"handledOn": today(), **variables})

    assert codes(payload["errors"])[:1] == [(field, code)]
    assert snapshot() == before


def test_bulk_release_needs_a_handled_on_date(gql, manager, order):
    flag = services.set_flag(order, note="x").flag

    response = gql(BULK_RELEASE, {"input": {"flags": [flag_gid(flag)]}}, as_=manager)

    assert response.get("data") is None and "handledOn" in response["errors"][0]["message"]


def test_a_background_job_records_its_progress(gql, shop, manager):
    subscribed = {"saleor_attention.subscription": "SUB-JOB"}
    orders = [shop.order(metadata=subscribed), shop.order(), shop.order(metadata=subscribed)]
    started = bulk_set(gql, manager, {
        "orders": [shop.order_id(order) for order in orders], "background": True,
        "scope": "SUBSCRIPTION", "reason": "RENEWAL_PAYMENT_FAILED",
    })

    job = started["job"]
    assert started["errors"] == [] and started["results"] is None
    assert (job["kind"], job["status"], job["total"], job["done"]) == ("SET", "PENDING", 3, 0)
    assert not Flag.objects.exists()  # the worker sets them, once this commits

    assert tasks.run_bulk_job.apply(args=[int(graphene.Node.from_global_id(job["id"])[1])]).get() == 3

    read = gql(BULK_JOB, {"id": job["id"]}, as_=manager)["data"]["attentionBulkJob"]
    assert (read["status"], read["total"], read["done"], read["failed"]) == ("DONE", 3, 3, 1)
    assert read["startedAt"] and read["finishedAt"]
    assert read["createdBy"]["id"] == graphene.Node.to_global_id("User", manager.pk)
    assert read["errors"] == [{
        "order": shop.order_id(orders[1]), "orderNumber": shop.order_number(orders[1]),
        "field": "scope", "code": "NOT_IN_SUBSCRIPTION",
        "message": "This order is not part of a subscription; use scope ORDER.",
    }]
    flag = Flag.objects.get()
    assert flag.subscription == "SUB-JOB" and flag.created_by == manager


def test_a_redelivered_job_goes_on_where_it_stopped(gql, shop, manager):
    flags = [services.set_flag(shop.order(), note="x").flag for _ in range(3)]
    started = bulk_release(gql, manager, {
        "flags": [flag_gid(flag) for flag in flags], "handledOn": today(), "background": True,
    })
    job = BulkJob.objects.get()
    services.run_bulk_job(job.pk)
    BulkJob.objects.filter(pk=job.pk).update(done=1, status="RUNNING")  # as if it stopped
    events = Event.objects.count()

    again = tasks.run_bulk_job.apply(args=[job.pk]).get()

    assert started["job"]["kind"] == "RELEASE" and again == 3
    # The two orders it went on with were released already: their errors, no writes.
    assert Event.objects.count() == events
    assert BulkJob.objects.get().failed == 2


def test_an_unknown_job_is_null_and_a_malformed_id_an_error(gql, manager):
    unknown = graphene.Node.to_global_id("AttentionBulkJob", 999999)
    assert gql(BULK_JOB, {"id": unknown}, as_=manager)["data"]["attentionBulkJob"] is None

    response = gql(BULK_JOB, {"id": "garbage"}, as_=manager)
    assert response["data"]["attentionBulkJob"] is None
    assert response["errors"][0]["message"] == "Couldn't resolve to a bulk job: garbage"


@pytest.mark.django_db(transaction=True)
def test_a_background_job_runs_once_the_call_commits(gql, shop):
    """Celery runs eagerly in the tests (no broker): the job runs when the request's
    work commits, and is done when staff look it up."""
    manager = shop.staff()
    orders = [shop.order() for _ in range(2)]

    started = bulk_set(gql, manager, {
        "orders": [shop.order_id(order) for order in orders], "note": "夜間一括", "background": True,
    })

    read = gql(BULK_JOB, {"id": started["job"]["id"]}, as_=manager)["data"]["attentionBulkJob"]
    assert (read["status"], read["done"], read["failed"]) == ("DONE", 2, 0)
    assert Flag.objects.filter(note="夜間一括", status="ACTIVE").count() == 2

"""Who may read and change flags: only staff and apps holding MANAGE_ORDERS."""
import graphene
import pytest

from saleor_attention import services
from saleor_attention.actors import Actor
from saleor_attention.models import BulkJob, Event, Flag, FlagComment

from .documents import (
    ATTENTION_FLAGS, ATTENTION_ORDERS, BULK_JOB, BULK_RELEASE, BULK_SET, COMMENT_ADD,
    NOTE_UPDATE, ORDER_ATTENTION, REASON_COUNTS, RELEASE_FLAGS, SET_FLAG, today,
)

CALLERS = ["anonymous", "customer", "other_customer", "staff_without", "app_without", "staff", "app"]
ALLOWED = {"staff", "app"}


@pytest.fixture
def flagged(shop):
    owner = shop.customer()
    order = shop.order(user=owner)
    flag = services.set_flag(order, note="hold", actor=Actor(user=shop.staff())).flag
    return owner, order, flag


def caller(name, shop, owner):
    return {
        "anonymous": lambda: None,
        "customer": lambda: owner,
        "other_customer": shop.customer,
        "staff_without": lambda: shop.staff(with_permission=False),
        "app_without": lambda: shop.app(with_permission=False),
        "staff": shop.staff,
        "app": shop.app,
    }[name]()


def is_permission_error(response):
    return any("permission" in error["message"].lower() for error in response.get("errors", []))


@pytest.mark.parametrize("who", CALLERS)
def test_attention_flags_query(gql, shop, flagged, who):
    owner, _order, _flag = flagged
    response = gql(ATTENTION_FLAGS, {"first": 10}, as_=caller(who, shop, owner))
    if who in ALLOWED:
        assert response["data"]["attentionFlags"]["totalCount"] == 1
    else:
        assert is_permission_error(response)
        assert response["data"]["attentionFlags"] is None


def _queued(data):
    return [edge["node"]["orderNumber"] for edge in data["attentionOrders"]["edges"]]


def _counted(data):
    return [row["flags"] for row in data["attentionReasonCounts"] if row["reason"] == "MANUAL"]


@pytest.mark.parametrize("who", CALLERS)
@pytest.mark.parametrize(
    "document, variables, read", [(ATTENTION_ORDERS, {"first": 10}, _queued),
                                  (REASON_COUNTS, None, _counted)],
)
def test_order_queue_and_its_counts(gql, shop, flagged, who, document, variables, read):
    owner, order, _flag = flagged
    response = gql(document, variables, as_=caller(who, shop, owner))
    if who in ALLOWED:
        assert read(response["data"]) in ([shop.order_number(order)], [1])
    else:
        assert is_permission_error(response)
        assert not any((response.get("data") or {}).values())


@pytest.mark.parametrize("who", CALLERS)
def test_order_attention_field(gql, shop, flagged, who):
    owner, order, _flag = flagged
    response = gql(ORDER_ATTENTION, {"id": shop.order_id(order)}, as_=caller(who, shop, owner))
    order_data = (response.get("data") or {}).get("order")
    if who in ALLOWED:
        assert order_data["attention"]["required"] is True
    else:
        # The customer may see their own order, never its attention flags.
        assert order_data is None or order_data["attention"] is None
        assert is_permission_error(response)


@pytest.mark.parametrize("who", CALLERS)
def test_set_flag(gql, shop, flagged, who):
    owner, order, _flag = flagged
    response = gql(
        SET_FLAG,
        {"input": {"order": shop.order_id(order), "note": "second"}},
        as_=caller(who, shop, owner),
    )
    if who in ALLOWED:
        assert response["data"]["attentionFlagSet"]["errors"] == []
        assert Flag.objects.filter(order=order).count() == 2
    else:
        assert is_permission_error(response)
        assert response["data"]["attentionFlagSet"] is None
        assert Flag.objects.filter(order=order).count() == 1


@pytest.mark.parametrize("who", CALLERS)
def test_release_flag(gql, shop, flagged, who):
    owner, _order, flag = flagged
    events_before = Event.objects.count()
    response = gql(
        RELEASE_FLAGS,
        {"input": {"flags": [graphene.Node.to_global_id("AttentionFlag", flag.pk)], "handledOn": today()}},
        as_=caller(who, shop, owner),
    )
    flag.refresh_from_db()
    if who in ALLOWED:
        assert response["data"]["attentionFlagRelease"]["errors"] == []
        assert flag.status == "RELEASED"
    else:
        assert is_permission_error(response)
        assert flag.status == "ACTIVE"
        assert Event.objects.count() == events_before


def test_app_is_recorded_as_the_source(gql, shop, order):
    token = shop.app()
    response = gql(
        SET_FLAG, {"input": {"order": shop.order_id(order), "note": "from the WMS"}}, as_=token
    )
    assert response["data"]["attentionFlagSet"]["flag"]["source"] == "APP"
    flag = Flag.objects.get(order=order)
    assert flag.created_by_app is not None and flag.created_by is None



def _flag_id(flag):
    return graphene.Node.to_global_id("AttentionFlag", flag.pk)


def _written():
    """What any of the staff operations below would write."""
    return (
        list(Flag.objects.order_by("pk").values()), Event.objects.count(),
        FlagComment.objects.count(), BulkJob.objects.count(),
    )


# Each staff operation added with notes, comments and bulk changes: its document, its
# variables for the flagged order, and what the answer holds when it is allowed.
OPERATIONS = {
    "attentionFlagNoteUpdate": (
        NOTE_UPDATE, lambda shop, order, flag: {"id": _flag_id(flag), "note": "changed"},
        lambda data: data["errors"] == [] and data["flag"]["note"] == "changed",
    ),
    "attentionFlagCommentAdd": (
        COMMENT_ADD, lambda shop, order, flag: {"id": _flag_id(flag), "comment": "c"},
        lambda data: data["errors"] == [] and data["comment"]["comment"] == "c",
    ),
    "attentionFlagsBulkSet": (
        BULK_SET,
        lambda shop, order, flag: {"input": {"orders": [shop.order_id(order)], "note": "b"}},
        lambda data: data["errors"] == [] and data["results"][0]["created"] is True,
    ),
    "attentionFlagsBulkRelease": (
        BULK_RELEASE,
        lambda shop, order, flag: {"input": {"flags": [_flag_id(flag)], "handledOn": today()}},
        lambda data: data["errors"] == [] and data["results"][0]["released"][0]["status"]
        == "RELEASED",
    ),
}


@pytest.mark.parametrize("who", CALLERS)
@pytest.mark.parametrize("operation", list(OPERATIONS))
def test_staff_operations(gql, shop, flagged, operation, who):
    owner, order, flag = flagged
    document, variables, allowed_answer = OPERATIONS[operation]
    before = _written()

    response = gql(document, variables(shop, order, flag), as_=caller(who, shop, owner))

    if who in ALLOWED:
        assert allowed_answer(response["data"][operation]), response
        assert _written() != before
    else:
        assert is_permission_error(response)
        assert response["data"][operation] is None
        assert _written() == before


@pytest.mark.parametrize("who", CALLERS)
def test_bulk_job_query(gql, shop, flagged, who):
    owner, order, _flag = flagged
    job = services.bulk_set_flags(
        order_ids=[order.pk], note="night", background=True, actor=Actor(user=shop.staff())
    ).job
    job_id = graphene.Node.to_global_id("AttentionBulkJob", job.pk)

    response = gql(BULK_JOB, {"id": job_id}, as_=caller(who, shop, owner))

    if who in ALLOWED:
        assert response["data"]["attentionBulkJob"]["total"] == 1
    else:
        assert is_permission_error(response)
        assert response["data"]["attentionBulkJob"] is None

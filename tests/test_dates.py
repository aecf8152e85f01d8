"""A flag's two dates: dueOn (handle by) given when it is set, handledOn given when it
is released, both days of the shop's calendar (the time_zone setting, else Django's
TIME_ZONE)."""
import datetime
import importlib

import graphene
import pytest
from django.db import connection
from django.utils import timezone

from saleor_attention import services
from saleor_attention.compat import zone_named
from saleor_attention.models import Event, Flag

from .documents import RELEASE_FLAGS, SET_FLAG, shop_date, today

# Always a day or two apart: UTC+14 and UTC-11.
AHEAD, BEHIND = "Pacific/Kiritimati", "Pacific/Pago_Pago"


def day_in(zone_name, days=0):
    return (timezone.localdate(timezone=zone_named(zone_name))
            + datetime.timedelta(days=days)).isoformat()


def flag_gid(flag):
    return graphene.Node.to_global_id("AttentionFlag", flag.pk)


def set_flag(gql, manager, variables):
    return gql(SET_FLAG, {"input": variables}, as_=manager)["data"]["attentionFlagSet"]


def release(gql, manager, flags, handled_on):
    variables = {"input": {"flags": [flag_gid(flag) for flag in flags], "handledOn": handled_on}}
    return gql(RELEASE_FLAGS, variables, as_=manager)["data"]["attentionFlagRelease"]


def codes(payload):
    return [(error["field"], error["code"]) for error in payload["errors"]]


def test_both_dates_are_kept(gql, shop, manager, order):
    flag = set_flag(gql, manager, {"order": shop.order_id(order), "note": "hold", "dueOn": today(3)})
    assert (flag["flag"]["dueOn"], flag["flag"]["handledOn"]) == (today(3), None)

    payload = gql(
        RELEASE_FLAGS, {"input": {"flags": [flag["flag"]["id"]], "handledOn": today()}}, as_=manager
    )["data"]["attentionFlagRelease"]

    [released] = payload["released"]
    assert (released["dueOn"], released["handledOn"]) == (today(3), today())
    stored = Flag.objects.get()
    assert (stored.due_on.isoformat(), stored.handled_on.isoformat()) == (today(3), today())
    [set_event] = Event.objects.filter(type="FLAG_SET")
    assert set_event.parameters["due_on"] == today(3)


def test_a_due_date_in_the_past_is_refused(gql, shop, manager, order):
    payload = set_flag(
        gql, manager, {"order": shop.order_id(order), "note": "hold", "dueOn": today(-1)}
    )

    assert codes(payload) == [("dueOn", "INVALID")] and payload["flag"] is None
    assert not Flag.objects.exists() and not Event.objects.exists()
    assert set_flag(
        gql, manager, {"order": shop.order_id(order), "note": "hold", "dueOn": today()}
    )["errors"] == []


@pytest.mark.parametrize("value", [None, "missing"])
def test_release_without_handled_on_is_refused_by_the_schema(gql, manager, order, value):
    flag = services.set_flag(order, note="hold").flag
    variables = {"flags": [flag_gid(flag)]}
    if value != "missing":
        variables["handledOn"] = value

    response = gql(RELEASE_FLAGS, {"input": variables}, as_=manager)

    assert response.get("data") is None
    assert "handledOn" in response["errors"][0]["message"]
    flag.refresh_from_db()
    assert flag.status == "ACTIVE" and flag.handled_on is None


def test_every_released_flag_must_have_been_set_by_the_day_given(gql, manager, order):
    older = services.set_flag(order, note="older").flag
    newer = services.set_flag(order, note="newer").flag
    Flag.objects.filter(pk=older.pk).update(created_at=timezone.now() - datetime.timedelta(days=3))

    payload = release(gql, manager, [older, newer], today(-2))

    assert codes(payload) == [("handledOn", "INVALID")]
    assert today() in payload["errors"][0]["message"]
    assert Flag.objects.filter(status="ACTIVE").count() == 2


def test_the_shop_time_zone_decides_what_is_in_the_future(gql, manager, order, configure):
    flag = services.set_flag(order, note="hold").flag

    assert configure(time_zone=BEHIND)["errors"] == []
    refused = release(gql, manager, [flag], day_in(AHEAD))
    assert codes(refused) == [("handledOn", "INVALID")]
    assert "future" in refused["errors"][0]["message"]

    assert configure(time_zone=AHEAD)["errors"] == []
    assert release(gql, manager, [flag], day_in(AHEAD))["errors"] == []


def test_the_shop_time_zone_decides_the_day_a_flag_was_set(gql, manager, order, configure):
    flag = services.set_flag(order, note="hold").flag

    configure(time_zone=AHEAD)
    refused = release(gql, manager, [flag], day_in(BEHIND))
    assert codes(refused) == [("handledOn", "INVALID")]
    assert "before the flag was set" in refused["errors"][0]["message"]

    configure(time_zone=BEHIND)
    assert release(gql, manager, [flag], day_in(BEHIND))["errors"] == []


def test_without_the_setting_django_time_zone_is_the_shops(gql, manager, order, settings):
    settings.TIME_ZONE = BEHIND
    flag = services.set_flag(order, note="hold").flag

    assert codes(release(gql, manager, [flag], day_in(AHEAD))) == [("handledOn", "INVALID")]
    assert release(gql, manager, [flag], day_in(BEHIND))["errors"] == []


@pytest.mark.parametrize("value", ["Mars/Olympus", "Asia", "../etc/passwd", "Asia/Tokyo\x00"])
def test_an_unknown_time_zone_is_a_field_error(configure, value):
    payload = configure(time_zone=value)

    [error] = payload["errors"]
    assert (error["field"], error["code"]) == ("timeZone", "INVALID")
    stored = {item["name"]: item["value"] for item in payload["plugin"]["configuration"]}
    assert stored["time_zone"] == ""


def test_an_active_flags_set_date_becomes_its_due_date(shop):
    """Migration 0009: before it, an active flag's handled_on was the date given when it
    was set (a release overwrote it)."""
    active = services.set_flag(shop.order(), note="active").flag
    released_order = shop.order()
    released = services.set_flag(released_order, note="released").flag
    services.release_flags(released_order, flag_ids=[released.pk], handled_on=shop_date())
    Flag.objects.filter(pk=active.pk).update(handled_on=datetime.date(2026, 12, 1), due_on=None)
    Flag.objects.filter(pk=released.pk).update(handled_on=datetime.date(2026, 11, 2), due_on=None)
    migration = importlib.import_module("saleor_attention.migrations.0009_flag_dates_comments")

    with connection.cursor() as cursor:
        cursor.execute(migration.MOVE_SET_DATES)

    active.refresh_from_db()
    released.refresh_from_db()
    assert (active.due_on, active.handled_on) == (datetime.date(2026, 12, 1), None)
    assert (released.due_on, released.handled_on) == (None, datetime.date(2026, 11, 2))

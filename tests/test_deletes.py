"""Saleor's deletes work; the audit trail keeps what it recorded about what was
deleted (orders, staff, apps, customers)."""
import graphene

from saleor_attention import services
from saleor_attention.actors import Actor
from saleor_attention.models import BlacklistEntry, Event, Flag

from .documents import ATTENTION_FLAGS


def test_a_flagged_draft_order_can_be_deleted_and_its_flags_are_kept(gql, shop, manager):
    draft = shop.order(status="draft")
    number = shop.order_number(draft)
    flag = services.set_flag(draft, note="確認中", actor=Actor(user=manager)).flag

    assert shop.delete_draft_order(gql, manager, draft) == []

    assert not shop.Order.objects.filter(pk=draft.pk).exists()
    flag.refresh_from_db()
    assert flag.order_id is None and flag.order_number == number
    assert flag.status == "RELEASED" and flag.release_comment == "The order was deleted: attention closed."
    assert Event.objects.filter(order_number=number, type="ORDER_DELETED").exists()
    listed = gql(ATTENTION_FLAGS, {"first": 10}, as_=manager)["data"]["attentionFlags"]
    assert listed["edges"][0]["node"]["order"] is None


def test_deleted_staff_and_apps_stay_named_in_the_audit_trail(gql, shop, order):
    staff = shop.staff(email="kato@example.com")
    app = shop.App.objects.create(name="倉庫システム", is_active=True)
    services.set_flag(order, note="a", actor=Actor(user=staff))
    services.set_flag(order, note="b", actor=Actor(app=app))

    staff.delete()
    app.delete()

    names = sorted(Flag.objects.filter(order=order).values_list("created_by_name", flat=True))
    assert names == ["kato@example.com", "倉庫システム"]
    assert sorted(Event.objects.filter(order=order).values_list("actor_source", flat=True)) == [
        "APP", "STAFF"]


def test_deleting_a_blacklisted_customer_keeps_the_entry_matching(gql, shop, manager):
    customer = shop.customer()
    entry = BlacklistEntry.objects.create(customer=customer, note="返品常習")

    customer.delete()

    entry.refresh_from_db()
    assert entry.customer_id is None
    assert entry.email == customer.email and entry.email_key == customer.email.lower()
    assert entry.note == "返品常習"


def test_only_customers_can_be_blacklist_subjects(gql, shop, manager):
    staff = shop.staff(email="owner@example.com")
    response = gql(
        """mutation Create($input: AttentionBlacklistEntryInput!) {
          attentionBlacklistEntryCreate(input: $input) {
            entry { customer { id email } } errors { field code message } } }""",
        {"input": {"customer": graphene.Node.to_global_id("User", staff.pk)}},
        as_=shop.app(),
    )["data"]["attentionBlacklistEntryCreate"]

    assert response["entry"] is None
    assert [(e["field"], e["code"]) for e in response["errors"]] == [("customer", "NOT_FOUND")]
    assert not BlacklistEntry.objects.exists()

"""Staff edit a flag's note and comment on it without releasing it; each change is an
audit event and a line in the order's history."""
import graphene
import pytest

from saleor_attention import services
from saleor_attention.actors import Actor
from saleor_attention.models import AppendOnly, Event, Flag, FlagComment

from .documents import COMMENT_ADD, FLAG_COMMENTS, NOTE_UPDATE


def gid(flag):
    return graphene.Node.to_global_id("AttentionFlag", flag.pk)


def update_note(gql, manager, flag, note):
    return gql(NOTE_UPDATE, {"id": gid(flag), "note": note}, as_=manager)["data"][
        "attentionFlagNoteUpdate"]


def add_comment(gql, manager, flag, comment):
    return gql(COMMENT_ADD, {"id": gid(flag), "comment": comment}, as_=manager)["data"][
        "attentionFlagCommentAdd"]


def snapshot():
    return (
        list(Flag.objects.order_by("pk").values()),
        list(Event.objects.order_by("pk").values_list("pk", flat=True)),
        FlagComment.objects.count(),
    )


@pytest.fixture
def flag(shop, order):
    return services.set_flag(order, note="住所確認中", actor=Actor(user=shop.staff())).flag


def test_editing_the_note_keeps_the_old_one_in_the_trail_and_history(
    gql, shop, manager, order, flag, configure
):
    configure(history_language="ja")
    payload = update_note(gql, manager, flag, "お客様に電話済み")

    assert payload["errors"] == []
    assert payload["flag"]["note"] == "お客様に電話済み"
    assert payload["flag"]["message"] == "お客様に電話済み"  # a manual flag's note is its message
    assert payload["flag"]["status"] == "ACTIVE"
    [event] = Event.objects.filter(type="NOTE_UPDATED")
    assert event.flag_id == flag.pk and event.user == manager and event.order_id == order.pk
    assert event.parameters == {"previous": "住所確認中", "note": "お客様に電話済み"}
    assert "要対応 メモ変更 [MANUAL, ORDER]: 「住所確認中」→「お客様に電話済み」" in shop.history_notes(order)


def test_the_same_note_again_writes_nothing(gql, manager, flag):
    before = snapshot()

    assert update_note(gql, manager, flag, "住所確認中")["errors"] == []
    assert snapshot() == before


def test_a_rule_flags_note_can_be_cleared(gql, shop, manager, order):
    island = services.set_flag(order, "REMOTE_ISLAND", note="送料確認", handle="island").flag

    payload = update_note(gql, manager, island, "")

    assert payload["errors"] == [] and payload["flag"]["note"] == ""
    assert payload["flag"]["message"] == "離島からのご注文"


def test_a_released_flags_note_cannot_change(gql, manager, order, flag):
    services.release_flags(order, flag_ids=[flag.pk], handled_on=_today())
    before = snapshot()

    payload = update_note(gql, manager, flag, "後から変更")

    assert [(e["field"], e["code"]) for e in payload["errors"]] == [("id", "ALREADY_RELEASED")]
    assert "comment" in payload["errors"][0]["message"]
    assert payload["flag"] is None and snapshot() == before


@pytest.mark.parametrize(
    "note, field, code",
    [
        ("", "note", "REQUIRED"),
        ("\u200b", "note", "REQUIRED"),
        ("x" * 2001, "note", "TOO_LONG"),
        ("a\x00b", "note", "INVALID"),
    ],
)
def test_bad_notes_are_typed_errors(gql, manager, flag, note, field, code):
    before = snapshot()

    payload = update_note(gql, manager, flag, note)

    assert [(e["field"], e["code"]) for e in payload["errors"]] == [(field, code)]
    assert snapshot() == before


@pytest.mark.parametrize(
    "flag_id, code",
    [
        ("garbage", "GRAPHQL_ERROR"),
        (graphene.Node.to_global_id("Order", 1), "GRAPHQL_ERROR"),
        (graphene.Node.to_global_id("AttentionFlag", 999999), "NOT_FOUND"),
    ],
)
def test_unknown_flags_are_typed_errors(gql, manager, flag, flag_id, code):
    before = snapshot()

    for document, variables in (
        (NOTE_UPDATE, {"id": flag_id, "note": "x"}),
        (COMMENT_ADD, {"id": flag_id, "comment": "x"}),
    ):
        data = gql(document, variables, as_=manager)["data"]
        [payload] = data.values()
        assert [(e["field"], e["code"]) for e in payload["errors"]] == [("id", code)]
    assert snapshot() == before


def test_a_comment_leaves_the_flag_as_it_is(gql, shop, manager, order, flag, configure):
    configure(history_language="ja")
    payload = add_comment(gql, manager, flag, "明日再度電話する")

    assert payload["errors"] == []
    assert payload["flag"]["status"] == "ACTIVE"
    assert payload["comment"]["comment"] == "明日再度電話する"
    assert payload["comment"]["createdBy"] == {
        "kind": "STAFF", "id": graphene.Node.to_global_id("User", manager.pk), "name": manager.email,
    }
    [event] = Event.objects.filter(type="COMMENT")
    assert event.flag_id == flag.pk and event.user == manager
    comment = FlagComment.objects.get()
    assert event.parameters == {"comment_id": comment.pk}
    assert "要対応 コメント: 住所確認中 [MANUAL, ORDER] — 明日再度電話する" in shop.history_notes(order)
    flag.refresh_from_db()
    assert flag.status == "ACTIVE" and flag.note == "住所確認中"


def test_a_released_flag_takes_comments(gql, manager, order, flag):
    services.release_flags(order, flag_ids=[flag.pk], handled_on=_today())

    payload = add_comment(gql, manager, flag, "返金済みを確認")

    assert payload["errors"] == [] and payload["flag"]["status"] == "RELEASED"


@pytest.mark.parametrize(
    "comment, code", [("", "REQUIRED"), ("\u3000 ", "REQUIRED"), ("長" * 2001, "TOO_LONG"),
                      ("a\x00", "INVALID")]
)
def test_bad_comments_are_typed_errors(gql, manager, flag, comment, code):
    before = snapshot()

    payload = add_comment(gql, manager, flag, comment)

    assert [(e["field"], e["code"]) for e in payload["errors"]] == [("comment", code)]
    assert snapshot() == before


def test_comments_are_read_oldest_first_in_pages(gql, manager, flag):
    for number in range(3):
        add_comment(gql, manager, flag, f"comment {number}")

    first = gql(FLAG_COMMENTS, {"first": 2}, as_=manager)["data"]["attentionFlags"]["edges"][0]
    comments = first["node"]["comments"]
    assert comments["totalCount"] == 3
    assert [e["node"]["comment"] for e in comments["edges"]] == ["comment 0", "comment 1"]
    assert comments["pageInfo"]["hasNextPage"] is True

    after = comments["pageInfo"]["endCursor"]
    rest = gql(FLAG_COMMENTS, {"first": 2, "after": after}, as_=manager)["data"]["attentionFlags"]
    rest = rest["edges"][0]["node"]["comments"]
    assert [e["node"]["comment"] for e in rest["edges"]] == ["comment 2"]
    assert rest["pageInfo"]["hasNextPage"] is False


def test_comments_are_capped_and_count_against_the_request_budget(gql, shop, manager):
    for _ in range(10):
        services.set_flag(shop.order(), note="hold")

    default = gql(FLAG_COMMENTS, {}, as_=manager)
    assert "errors" not in default  # 20 each by default: 200 rows
    assert "between 1 and 100" in gql(FLAG_COMMENTS, {"first": 101}, as_=manager)["errors"][0][
        "message"]
    # 10 flags x 100 comments = 1,000 rows: within; 11 flags would not be.
    assert "errors" not in gql(FLAG_COMMENTS, {"first": 100}, as_=manager)
    services.set_flag(shop.order(), note="hold")
    over = gql(FLAG_COMMENTS, {"first": 100, "flags": 11}, as_=manager)
    assert "more than 1000" in over["errors"][0]["message"]


def test_a_subscription_flag_raised_on_a_deleted_order_goes_through_another(gql, shop, manager):
    metadata = {"saleor_attention.subscription": "SUB-DEL"}
    draft = shop.order(status="draft", metadata=metadata)
    sibling = shop.order(metadata=metadata)
    flag = services.set_flag(draft, "RENEWAL_PAYMENT_FAILED", scope="SUBSCRIPTION", handle="r").flag
    assert shop.delete_draft_order(gql, manager, draft) == []

    payload = add_comment(gql, manager, flag, "次回分で確認")

    assert payload["errors"] == []
    assert Event.objects.get(type="COMMENT").order_id == sibling.pk


def test_an_order_flag_of_a_deleted_order_is_closed(gql, shop, manager):
    draft = shop.order(status="draft")
    flag = services.set_flag(draft, note="hold").flag
    assert shop.delete_draft_order(gql, manager, draft) == []
    before = snapshot()

    payload = add_comment(gql, manager, Flag.objects.get(pk=flag.pk), "x")

    assert [(e["field"], e["code"]) for e in payload["errors"]] == [("id", "INVALID")]
    assert snapshot() == before


def test_comments_are_never_changed(flag):
    comment = services.add_comment(flag.pk, "x")

    with pytest.raises(AppendOnly):
        comment.save()
    with pytest.raises(AppendOnly):
        comment.delete()


def _today():
    from saleor_attention import shop_time

    return shop_time.calendar().today()

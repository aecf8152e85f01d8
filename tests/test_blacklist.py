"""The blacklist: staff GraphQL, Japanese-aware search, and the rule on real order
creation (SPEC §5.3)."""
from pathlib import Path

import graphene
import pytest

from saleor_attention.models import BlacklistEntry, Flag

ENTRY_FIELDS = "id email phone name postalCode address note customer { id email } createdBy { kind id name }"

CREATE = """
mutation Create($input: AttentionBlacklistEntryInput!) {
  attentionBlacklistEntryCreate(input: $input) { entry { %s } errors { field code message } }
}
""" % ENTRY_FIELDS

UPDATE = """
mutation Update($id: ID!, $input: AttentionBlacklistEntryInput!) {
  attentionBlacklistEntryUpdate(id: $id, input: $input) { entry { %s } errors { field code message } }
}
""" % ENTRY_FIELDS

DELETE = """
mutation Delete($id: ID!) {
  attentionBlacklistEntryDelete(id: $id) { entry { id } errors { field code message } }
}
"""

LIST = """
query List($search: String) {
  attentionBlacklistEntries(first: 20, filter: {search: $search}) {
    totalCount edges { node { name phone } }
  }
}
"""


def create(gql, who, **values):
    return gql(CREATE, {"input": values}, as_=who)["data"]["attentionBlacklistEntryCreate"]


def active_reasons(order):
    return sorted(Flag.objects.filter(order=order, status="ACTIVE").values_list("reason", flat=True))


def test_staff_create_update_delete(gql, manager, shop):
    customer = shop.customer()
    created = create(gql, manager, name="山田 太郎", postalCode="100-0001", note="返品常習",
                     customer=graphene.Node.to_global_id("User", customer.pk))
    assert created["errors"] == []
    entry = created["entry"]
    # The account by Saleor's id; its email only for callers Saleor shows customers to.
    assert entry["customer"] == {
        "id": graphene.Node.to_global_id("User", customer.pk), "email": None,
    }
    assert entry["createdBy"] == {
        "kind": "STAFF", "id": graphene.Node.to_global_id("User", manager.pk),
        "name": manager.email,
    }

    updated = gql(UPDATE, {"id": entry["id"], "input": {"phone": "090-1234-5678"}}, as_=manager)
    assert updated["data"]["attentionBlacklistEntryUpdate"]["entry"]["phone"] == "090-1234-5678"
    assert BlacklistEntry.objects.get().phone_key == "09012345678"

    deleted = gql(DELETE, {"id": entry["id"]}, as_=manager)["data"]["attentionBlacklistEntryDelete"]
    assert deleted["entry"]["id"] == entry["id"] and deleted["errors"] == []
    assert not BlacklistEntry.objects.exists()


@pytest.mark.parametrize("who", ["anonymous", "customer", "staff_without"])
def test_only_staff_with_manage_orders(gql, shop, who):
    caller = {"anonymous": None, "customer": shop.customer(),
              "staff_without": shop.staff(with_permission=False)}[who]
    response = gql(CREATE, {"input": {"phone": "0312345678"}}, as_=caller)
    assert response["data"]["attentionBlacklistEntryCreate"] is None
    assert not BlacklistEntry.objects.exists()
    assert gql(LIST, as_=caller)["data"]["attentionBlacklistEntries"] is None


@pytest.mark.parametrize(
    "values, field, code",
    [
        ({}, None, "REQUIRED"),
        ({"name": "山田太郎"}, None, "REQUIRED"),  # a name alone matches too many people
        ({"phone": "0" * 65}, "phone", "TOO_LONG"),
        ({"email": "x@example.com", "customer": "garbage"}, "customer", "GRAPHQL_ERROR"),
        ({"customer": graphene.Node.to_global_id("User", 999999)}, "customer", "NOT_FOUND"),
        ({"nameReading": "ヤマダ"}, None, "REQUIRED"),  # a reading alone neither
        ({"nameReading": "ア" * 256, "postalCode": "1000001"}, "nameReading", "TOO_LONG"),
        ({"nameReading": "ヤマダ\u0000", "postalCode": "1000001"}, "nameReading", "INVALID"),
        # NFKC makes one character many: the key would not fit its column.
        ({"nameReading": "㌀" * 100, "postalCode": "1000001"}, "nameReading", "TOO_LONG"),
    ],
)
def test_bad_input_is_a_typed_error(gql, manager, values, field, code):
    payload = create(gql, manager, **values)
    assert (payload["errors"][0]["field"], payload["errors"][0]["code"]) == (field, code)
    assert not BlacklistEntry.objects.exists()


def test_update_of_an_unknown_entry_is_not_found(gql, manager):
    missing = graphene.Node.to_global_id("AttentionBlacklistEntry", 999999)
    payload = gql(UPDATE, {"id": missing, "input": {"note": "x"}}, as_=manager)
    assert payload["data"]["attentionBlacklistEntryUpdate"]["errors"][0]["code"] == "NOT_FOUND"


def search(gql, manager, text):
    create(gql, manager, name="ヤマダ タロウ", phone="090-1234-5678", postalCode="1000001")
    create(gql, manager, name="スズキ ハナコ", phone="080-0000-0000", postalCode="1000001")
    found = gql(LIST, {"search": text}, as_=manager)["data"]["attentionBlacklistEntries"]
    return [edge["node"]["name"] for edge in found["edges"]]


@pytest.mark.parametrize("text", ["ﾔﾏﾀﾞ", "やまだ", "ヤマダ　タロウ", "０９０－１２３４－５６７８", "090 1234 5678"])
def test_search_however_it_is_typed(gql, manager, text):
    assert search(gql, manager, text) == ["ヤマダ タロウ"]


def readme_blacklist_example():
    """The README's blacklist example, as written there: the mutation, then the search."""
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("### Blacklist\n"):]
    opening = section.index("```graphql\n") + len("```graphql\n")
    block = section[opening:section.index("\n```", opening)]
    mutation, search = block.split("\n# attentionBlacklistEntryUpdate")
    return mutation, search.split("\n", 1)[1]


def test_the_readmes_kana_search_finds_the_kanji_name_by_its_reading(gql, manager):
    create_entry, search_entries = readme_blacklist_example()
    created = gql(create_entry, as_=manager)["data"]["attentionBlacklistEntryCreate"]
    assert created["errors"] == []

    found = gql(search_entries, as_=manager)["data"]["attentionBlacklistEntries"]

    assert found["totalCount"] == 1
    assert found["edges"][0]["node"] == {
        "id": created["entry"]["id"], "name": "山田 太郎", "nameReading": "ヤマダ タロウ",
        "phone": "090-1234-5678", "postalCode": "100-0001", "note": "受取拒否2回",
    }


@pytest.mark.parametrize("text", ["ﾔﾏﾀﾞ", "やまだ", "ヤマダ", "ﾀﾛｳ", "やまだ　たろう", "山田"])
def test_a_kanji_name_is_found_by_its_reading_however_it_is_typed(gql, manager, text):
    create(gql, manager, name="山田 太郎", nameReading="ﾔﾏﾀﾞ ﾀﾛｳ", postalCode="1000001")
    create(gql, manager, name="鈴木 花子", nameReading="すずき はなこ", postalCode="1000001")

    found = gql(LIST, {"search": text}, as_=manager)["data"]["attentionBlacklistEntries"]

    assert [edge["node"]["name"] for edge in found["edges"]] == ["山田 太郎"]


def test_the_reading_is_kept_as_typed_and_matched_by_its_key(gql, manager):
    entry = create(gql, manager, nameReading="ﾔﾏﾀﾞ ﾀﾛｳ", postalCode="1000001")["entry"]

    stored = BlacklistEntry.objects.get()
    assert (stored.name_reading, stored.name_reading_key) == ("ﾔﾏﾀﾞ ﾀﾛｳ", "ヤマダタロウ")
    updated = gql(UPDATE, {"id": entry["id"], "input": {"nameReading": "やまだ はなこ"}},
                  as_=manager)["data"]["attentionBlacklistEntryUpdate"]
    assert updated["errors"] == []
    assert BlacklistEntry.objects.get().name_reading_key == "ヤマダハナコ"


def test_phone_numbers_are_searched_whole(gql, manager):
    assert search(gql, manager, "090-1234") == []


def test_blacklisted_account_orders_are_flagged(gql, manager, shop):
    customer = shop.customer()
    entry = create(gql, manager, customer=graphene.Node.to_global_id("User", customer.pk))["entry"]

    order = shop.place_order(gql, manager, user=customer)

    assert active_reasons(order) == ["BLACKLISTED_CUSTOMER"]
    flag = Flag.objects.get(order=order)
    assert flag.message() == f"ブラックリスト客（一致した項目: 会員アカウント、ブラックリスト登録: {entry['id']}）"
    assert flag.params == {"entry": entry["id"], "matched": "CUSTOMER"}
    assert "ブラックリスト" not in flag.customer_message()


@pytest.mark.parametrize(
    "entry, matched",
    [
        ({"phone": "０９０－１２３４－５６７８"}, "電話番号"),
        ({"name": "山田　太郎", "postalCode": "〒１００ー０００１"}, "氏名+郵便番号"),
        ({"address": "東京都 千代田区 千代田１ー１"}, "住所"),
    ],
)
def test_candidates_match_however_the_entry_was_typed(gql, manager, shop, entry, matched):
    created = create(gql, manager, **entry)["entry"]

    order = shop.place_order(gql, manager, phone="+81 90-1234-5678")

    assert active_reasons(order) == ["BLACKLIST_CANDIDATE"]
    assert Flag.objects.get(order=order).message() == (
        f"ブラックリスト客候補（一致した項目: {matched}、ブラックリスト登録: {created['id']}）"
    )


def test_only_the_configured_patterns_count(gql, manager, shop, configure):
    configure(blacklist_match_patterns="EMAIL,ADDRESS", active=True)
    create(gql, manager, phone="090-1234-5678")

    order = shop.place_order(gql, manager, phone="+81 90-1234-5678")

    assert active_reasons(order) == []


def test_no_match_no_flag(gql, manager, shop):
    create(gql, manager, phone="03-0000-0000", name="佐藤 花子", postalCode="060-0000")
    assert active_reasons(shop.place_order(gql, manager, phone="+81 90-1234-5678")) == []

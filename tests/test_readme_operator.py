"""The README's operator examples, walked as written: the queue, finding an order by
its number and by its customer's name, releasing flags in bulk.

Each example in README.md is marked, the block after the marker is what is run or
compared:

    <!-- operator-example: NAME -->        a GraphQL document, sent verbatim as staff
    <!-- operator-variables: NAME[/CASE] --> its variables (none: {})
    <!-- operator-answer: NAME[/CASE] -->   the answer the README shows

The README tells one morning, README_DAY, of a shop with two orders; the test builds
them and compares each answer with the README's. What a real run cannot reproduce is
translated, nothing else: ids and order numbers (the README's are mapped to the ones
the run answered, and must map one to one throughout the walk, so the release
example must name the flags the queue example shows), dates (moved by as many days
as today is after README_DAY), and moments and cursors (present or null as the
README shows them). A list ending in "…" holds at least the README's items. A field
or example the README changes, or an answer it no longer states truly, fails here.
"""
import datetime
import json
import pathlib
import re

import pytest
from django.utils import timezone

from saleor_attention import services
from saleor_attention.actors import Actor
from saleor_attention.models import Flag

from .documents import shop_date

README = pathlib.Path(__file__).resolve().parent.parent / "README.md"
README_DAY = datetime.date(2026, 11, 26)
PLANNED_KEY = "saleor_attention.planned_shipping_date"

# The walk, in the order an operator takes it: every case the README marks, no other.
WALK = ["queue", "search/number", "search/kana", "search/kanji", "bulk-release"]

IDENTITIES = {"id", "orderNumber", "number"}
DATES = {"dueOn", "plannedShippingDate", "handledOn"}
MOMENTS = {"attentionSince", "endCursor", "createdAt"}
MORE = "…"

_MARKED = re.compile(
    r"<!-- operator-(example|variables|answer): ([\w/-]+) -->\s*\n```(\w+)\n(.*?)\n```", re.S
)


def readme_examples():
    """{kind: {name: text}} of the README's marked blocks."""
    blocks = {"example": {}, "variables": {}, "answer": {}}
    for kind, name, _language, text in _MARKED.findall(README.read_text(encoding="utf-8")):
        assert name not in blocks[kind], f"README marks {kind} {name} twice"
        blocks[kind][name] = text
    return blocks


def shifted(day: str) -> str:
    """A README date as the same day relative to today."""
    offset = datetime.date.fromisoformat(day) - README_DAY
    return (shop_date() + offset).isoformat()


class Walk:
    """The README's ids and order numbers, as this run answered them."""

    def __init__(self):
        self.ours = {}

    def translate(self, value):
        """README variables as this run's: known ids and numbers, dates."""
        if isinstance(value, dict):
            return {key: self.translate(item) for key, item in value.items()}
        if isinstance(value, list):
            return [self.translate(item) for item in value]
        if isinstance(value, str) and value in self.ours:
            return self.ours[value]
        if isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
            return shifted(value)
        return value

    def compare(self, readme, actual, path="answer"):
        """Problems of the actual answer against the README's; ids it pairs are kept
        only when the whole answer matches."""
        pairs = dict(self.ours)
        problems = _compare(readme, actual, path, pairs)
        if not problems:
            self.ours = pairs
        return problems


def _compare(readme, actual, path, pairs, key=None):
    if key in IDENTITIES and isinstance(readme, str):
        if not isinstance(actual, str):
            return [f"{path}: {actual!r} where the README shows {readme!r}"]
        known = pairs.get(readme)
        if known is None and actual in pairs.values():
            return [f"{path}: {actual!r} is already another of the README's ids"]
        if known not in (None, actual):
            return [f"{path}: the README's {readme!r} was {known!r} before, now {actual!r}"]
        pairs[readme] = actual
        return []
    if key in DATES and readme is not None:
        expected = shifted(readme)
        return [] if actual == expected else [f"{path}: {actual!r}, the README {expected!r}"]
    if key in MOMENTS:
        if (readme is None) != (actual is None):
            return [f"{path}: {actual!r} where the README shows {readme!r}"]
        return []
    if isinstance(readme, dict):
        if not isinstance(actual, dict) or set(readme) != set(actual):
            return [f"{path}: fields {sorted(actual or {})}, the README {sorted(readme)}"]
        return [
            problem for name in readme
            for problem in _compare(readme[name], actual[name], f"{path}.{name}", pairs, name)
        ]
    if isinstance(readme, list):
        if not isinstance(actual, list):
            return [f"{path}: {actual!r} where the README shows a list"]
        if readme and readme[-1] == MORE:
            return _contains(readme[:-1], actual, path, pairs, key)
        if len(readme) != len(actual):
            return [f"{path}: {len(actual)} items, the README {len(readme)}: {actual!r}"]
        return [
            problem for n, (mine, theirs) in enumerate(zip(readme, actual))
            for problem in _compare(mine, theirs, f"{path}[{n}]", pairs, key)
        ]
    return [] if readme == actual else [f"{path}: {actual!r}, the README {readme!r}"]


def _contains(readme_items, actual, path, pairs, key):
    for n, wanted in enumerate(readme_items):
        for item in actual:
            trial = dict(pairs)
            if not _compare(wanted, item, path, trial, key):
                pairs.update(trial)
                break
        else:
            return [f"{path}: no item like the README's {n}th, {wanted!r}, in {actual!r}"]
    return []


@pytest.fixture
def morning(shop):
    """The README's shop: order 21 of やまだ はなこ, flagged REMOTE_ISLAND by a rule
    four days ago, to ship on README_DAY + 2; order 22 of 山田 太郎, held by staff
    this morning until tomorrow."""
    staff = Actor(user=shop.staff())
    hanako = _customer(shop, shop.order(
        phone="+819012345678", metadata={PLANNED_KEY: shifted("2026-11-28")},
    ), "hanako@example.jp", "やまだ", "はなこ")
    taro = _customer(shop, shop.order(phone="+819011112222"), "taro@example.jp", "山田", "太郎")
    island = services.set_flag(hanako, "REMOTE_ISLAND", handle="island").flag
    Flag.objects.filter(pk=island.pk).update(created_at=timezone.now() - datetime.timedelta(days=4))
    services.set_flag(
        taro, note="出荷保留: お客様から連絡待ち", due_on=datetime.date.fromisoformat(shifted("2026-11-27")),
        actor=staff,
    )


def _customer(shop, order, email, last, first):
    """Before its flag is set, as the search keys are taken then."""
    type(order).objects.filter(pk=order.pk).update(user_email=email)
    for address in (order.billing_address, order.shipping_address):
        address.last_name, address.first_name = last, first
        address.save()
    return order


def test_the_readme_marks_the_walk():
    blocks = readme_examples()
    cases = set(blocks["answer"])
    assert cases == set(WALK), "README operator examples and the walk differ"
    assert set(blocks["variables"]) <= cases
    assert {case.split("/")[0] for case in cases} == set(blocks["example"])


def test_the_operator_examples_as_written(gql, manager, morning):
    blocks, walk = readme_examples(), Walk()
    for case in WALK:
        document = blocks["example"][case.split("/")[0]]
        variables = walk.translate(json.loads(blocks["variables"].get(case, "{}")))
        response = gql(document, variables, as_=manager)
        assert "errors" not in response, (case, response)
        problems = walk.compare(json.loads(blocks["answer"][case]), response["data"])
        assert not problems, (case, problems)

    # "Both can ship again and leave the queue."
    response = gql(blocks["example"]["queue"], as_=manager)
    assert response["data"]["attentionOrders"]["totalCount"] == 0
    assert not Flag.objects.active().exists()


pytestmark = pytest.mark.django_db

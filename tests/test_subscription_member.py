"""Subscription-member discount candidate (SPEC §5.4): a new subscription's purchaser
matching an existing subscriber by two of phone, postal code and name."""
import pytest

from saleor_attention import config
from saleor_attention.contracts import actions
from saleor_attention.models import Flag, Subscriber
from saleor_attention.rules.subscription_member import Subscriber as Keys
from saleor_attention.rules.subscription_member import evaluate

from .documents import shop_date
from .saleor_common import ensure_site

ON = config.parse({"subscription_discount_check": "true"})
HANAKO = Keys(user_id=1, email="hanako@example.com", phone="0312345678",
              postal_code="1000001", name="山田花子")


@pytest.mark.parametrize("other, expected", [
    (Keys(user_id=2, phone="0312345678", postal_code="1000001"), "PHONE,POSTAL_CODE"),
    (Keys(user_id=2, phone="0312345678", name="山田花子"), "PHONE,NAME"),
    (Keys(user_id=2, postal_code="1000001", name="山田花子"), "POSTAL_CODE,NAME"),
    (Keys(user_id=2, phone="0312345678"), None),  # one key is not enough
    (Keys(user_id=2, name="山田花子", postal_code="9999999"), None),
    (Keys(user_id=1, phone="0312345678", postal_code="1000001"), None),  # the same account
    (Keys(email="hanako@example.com", phone="0312345678", postal_code="1000001"), None),
])
def test_two_keys_of_another_person_make_a_candidate(other, expected):
    flags = evaluate(HANAKO, [("SUB-OLD", other)], ON)
    assert [flag.params.get("matched") for flag in flags] == ([expected] if expected else [])
    if expected:
        assert flags[0].reason == "SUBSCRIPTION_DISCOUNT_CANDIDATE"
        assert flags[0].params["subscription"] == "SUB-OLD"


def test_the_option_is_off_by_default():
    other = Keys(user_id=2, phone="0312345678", postal_code="1000001")
    assert evaluate(HANAKO, [("SUB-OLD", other)], config.DEFAULTS) == []


@pytest.fixture(autouse=True)
def site(db):
    ensure_site()


def reasons(order):
    return sorted(Flag.objects.filter(order=order, status="ACTIVE").values_list("reason", flat=True))


def test_a_new_subscription_of_a_known_subscriber_is_flagged(gql, shop, manager, configure):
    configure(subscription_discount_check="true", active=True)
    existing = shop.place_order(gql, manager, phone="03-1234-5678",
                                metadata={"saleor_attention.subscription": "SUB-EXISTING"})
    assert reasons(existing) == []  # the first subscriber matches nobody
    # Another account, the same phone written full-width, the same name and postal code.
    again = shop.place_order(gql, manager, phone="０３－１２３４－５６７８", user=shop.customer(),
                             metadata={"saleor_attention.subscription": "SUB-NEW"})
    assert reasons(again) == ["SUBSCRIPTION_DISCOUNT_CANDIDATE"]
    flag = Flag.objects.get(order=again)
    assert (flag.params["matched"], flag.params["subscription"]) == (
        "PHONE,POSTAL_CODE,NAME", "SUB-EXISTING")
    assert "一致した項目: 電話番号・郵便番号・氏名" in flag.message()
    # A later order of the same subscription is not a new subscription.
    renewal = shop.place_order(gql, manager, phone="03-1234-5678", user=shop.customer(),
                               metadata={"saleor_attention.subscription": "SUB-NEW"})
    assert reasons(renewal) == []
    assert Subscriber.objects.count() == 2


def test_a_contract_started_by_staff_is_compared_too(gql, shop, manager, configure):
    configure(subscription_discount_check="true", active=True)
    shop.place_order(gql, manager, metadata={"saleor_attention.subscription": "SUB-EXISTING"},
                     phone="0312345678")
    order = shop.order(user=shop.customer(), phone="0312345678")
    actions.create_from_order(order, interval_count=1, interval_unit="MONTH",
                              next_shipping_date=shop_date(10))
    assert reasons(order) == ["SUBSCRIPTION_DISCOUNT_CANDIDATE"]

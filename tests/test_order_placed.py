"""Rules on real order creation: Saleor's draftOrderComplete runs the plugin's
order_created hook (SPEC §5.5, §5.6, §5.8)."""
import pytest

from saleor_attention.models import Event, Flag

HACHIJO = "100-1401"  # 八丈島八丈町
COD = "cash-on-delivery"


def active_reasons(order):
    return sorted(Flag.objects.filter(order=order, status="ACTIVE").values_list("reason", flat=True))


@pytest.fixture
def place(gql, shop, manager):
    def place_order(**kwargs):
        return shop.place_order(gql, manager, **kwargs)

    return place_order


def test_remote_island_order_is_flagged_when_the_option_is_on(place, configure):
    configure(remote_island_check="true", active=True)

    island = place(postal_code=HACHIJO)
    mainland = place(postal_code="100-0001")

    assert active_reasons(island) == ["REMOTE_ISLAND"]
    assert Flag.objects.get(order=island).message() == (
        "離島からのご注文（郵便番号: 100-1401、該当リスト: 標準の離島リスト）"
    )
    assert active_reasons(mainland) == []


def test_remote_island_option_is_off_by_default(place):
    assert active_reasons(place(postal_code=HACHIJO)) == []


def test_cod_regular_order_flagged_when_not_allowed(place, configure):
    configure(cod_payment_gateways=COD, cod_allowed_regular_orders="false", active=True)

    cod = place(payment_gateway=COD)
    card = place(payment_gateway="mirumee.payments.dummy")

    assert active_reasons(cod) == ["COD_NOT_ALLOWED"]
    assert active_reasons(card) == []


@pytest.mark.parametrize("refused", ["first", "later"])
def test_cod_subscription_orders_follow_their_own_settings(place, configure, refused):
    configure(cod_payment_gateways=COD, active=True,
              cod_allowed_first_subscription_orders=str(refused != "first").lower(),
              cod_allowed_later_subscription_orders=str(refused != "later").lower())
    link = {"saleor_attention.subscription": f"SUB-COD-{refused}"}

    first = place(payment_gateway=COD, metadata=link)
    later = place(payment_gateway=COD, metadata=link)
    regular = place(payment_gateway=COD)

    expected = {"first": (["COD_NOT_ALLOWED"], []), "later": ([], ["COD_NOT_ALLOWED"])}[refused]
    assert (active_reasons(first), active_reasons(later)) == expected
    assert active_reasons(regular) == []  # regular orders: allowed by default


def test_a_failing_rule_never_breaks_order_creation(place, configure, shop):
    # A broken built-in list stands in for any rule error.
    from saleor_attention.rules import order_placed

    configure(remote_island_check="true", active=True)
    order_placed.built_in_remote_islands.cache_clear()
    real_file = order_placed.ISLANDS_FILE
    order_placed.ISLANDS_FILE = real_file.with_name("missing.txt")
    try:
        order = place(postal_code=HACHIJO)
    finally:
        order_placed.ISLANDS_FILE = real_file
        order_placed.built_in_remote_islands.cache_clear()

    assert shop.status_of(order) == shop.NOT_SHIPPED
    assert active_reasons(order) == []
    failure = Event.objects.get(order=order, type="RULE_FAILED")
    assert "order_created" in failure.message

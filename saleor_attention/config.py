"""The shop's settings (重要項目設定): each declared once with its default and check.

The Saleor adapters build the plugin's CONFIG_STRUCTURE from `SETTINGS`, and parse the
stored values with `parse`, which names the field of any bad value.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Dict, FrozenSet, Mapping, Tuple

PLUGIN_ID = "saleor_attention"
# Saleor treats a plugin without a stored configuration as its DEFAULT_ACTIVE.
DEFAULT_ACTIVE = True

# Deferred-payment credit check rejected (SPEC §5.1).
ALL_ATTENTION = "ALL_ATTENTION"
ALL_COD = "ALL_COD"
FIRST_ORDER_COD = "FIRST_ORDER_COD"
REJECTION_POLICIES = (ALL_ATTENTION, ALL_COD, FIRST_ORDER_COD)


class SettingError(ValueError):
    def __init__(self, name: str, message: str):
        super().__init__(message)
        self.name = name


def _whole_number(minimum: int, unit: str):
    def parse(name: str, raw) -> int:
        try:
            value = int(str(raw).strip())
        except ValueError:
            raise SettingError(name, f"{name} must be a whole number of {unit}.") from None
        if value < minimum:
            raise SettingError(name, f"{name} must be at least {minimum}.")
        return value

    return parse


def _one_of(choices: Tuple[str, ...]):
    def parse(name: str, raw) -> str:
        value = str(raw).strip().upper()
        if value not in choices:
            raise SettingError(name, f"{name} must be one of {', '.join(choices)}.")
        return value

    return parse


def _items(raw) -> Tuple[str, ...]:
    return tuple(item.strip() for item in str(raw or "").split(",") if item.strip())


def _names(name: str, raw) -> FrozenSet[str]:
    return frozenset(item.strip() for item in str(raw or "").split(",") if item.strip())


def _text(name: str, raw) -> str:
    return str(raw or "")


@dataclass(frozen=True)
class Setting:
    name: str
    kind: str  # how Saleor's dashboard shows it: "string" or "password"
    default: object
    help_text: str
    label: str
    parse: Callable[[str, object], object]


SETTINGS: Tuple[Setting, ...] = (
    Setting(
        "overdue_after_days", "string", "3", "Overdue after (days)",
        "An active flag older than this many days counts as overdue in the "
        "attentionFlags(filter: {overdue: true}) queue.",
        _whole_number(1, "days"),
    ),
    Setting(
        "deferred_payment_rejection_policy", "string", ALL_ATTENTION,
        "When a deferred-payment credit check is rejected (後払い与信NG時の処理)",
        "ALL_ATTENTION: every rejected order needs attention. ALL_COD: switch the order "
        "to cash on delivery (attention only when its shipping method cannot take COD). "
        "FIRST_ORDER_COD: a customer's first order switches to COD, later ones need "
        "attention.",
        _one_of(REJECTION_POLICIES),
    ),
    Setting(
        "cod_unavailable_shipping_methods", "string", "",
        "Shipping methods that cannot take cash on delivery",
        "Comma-separated shipping method names; orders shipped by them cannot be "
        "switched to COD.",
        _names,
    ),
    Setting(
        "inbound_secret", "password", "", "Inbound events secret",
        "Shared secret that signs credit-check results and delivery reports posted to "
        "the plugin's inbound endpoint (HMAC-SHA256). Empty: the endpoint refuses all.",
        _text,
    ),
    Setting(
        "inbound_replay_window_seconds", "string", "300", "Inbound replay window (seconds)",
        "A signed event older or newer than this is refused, so a captured request "
        "cannot be replayed later.",
        _whole_number(1, "seconds"),
    ),
)


@dataclass(frozen=True)
class AttentionSettings:
    overdue_after_days: int = 3
    deferred_payment_rejection_policy: str = ALL_ATTENTION
    cod_unavailable_shipping_methods: FrozenSet[str] = frozenset()
    inbound_secret: str = ""
    inbound_replay_window_seconds: int = 300


def parse(values: Mapping[str, object]) -> AttentionSettings:
    """Settings from stored values; missing ones take their default."""
    parsed: Dict[str, object] = {}
    for setting in SETTINGS:
        raw = values.get(setting.name)
        if raw is None or raw == "":
            raw = setting.default
        parsed[setting.name] = setting.parse(setting.name, raw)
    return AttentionSettings(**parsed)


DEFAULTS = parse({})

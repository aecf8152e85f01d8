"""The shop's settings (重要項目設定): each declared once with its default and check.

The plugin's name, CONFIG_STRUCTURE and DEFAULT_CONFIGURATION are built from `SETTINGS`
here, below the Saleor adapters that store and show them; `parse` reads the stored
values and names the field of any bad value.
"""
from __future__ import annotations

import functools
import string
from dataclasses import dataclass
from typing import Callable, Dict, FrozenSet, Mapping, Optional, Tuple

from .compat import zone_named

PLUGIN_ID = "saleor_attention"
PLUGIN_NAME = "Attention (要対応)"
# Saleor treats a plugin without a stored configuration as its DEFAULT_ACTIVE.
DEFAULT_ACTIVE = True

# Deferred-payment credit check rejected (SPEC §5.1).
ALL_ATTENTION = "ALL_ATTENTION"
ALL_COD = "ALL_COD"
FIRST_ORDER_COD = "FIRST_ORDER_COD"
REJECTION_POLICIES = (ALL_ATTENTION, ALL_COD, FIRST_ORDER_COD)

# How a purchaser can match a blacklist entry without being its customer (SPEC §5.3).
MATCH_PATTERNS = ("PHONE", "NAME_POSTAL_CODE", "ADDRESS", "EMAIL")

# A day: clocks and delivery queues are never further apart, and a wider window only
# keeps a captured request usable for longer.
MAX_REPLAY_WINDOW_SECONDS = 86400

# The languages the plugin writes order history in; "" is Saleor's default language.
HISTORY_LANGUAGES = ("ja", "en")


class SettingError(ValueError):
    def __init__(self, name: str, message: str):
        super().__init__(message)
        self.name = name


def _whole_number(minimum: int, unit: str, maximum: Optional[int] = None):
    def parse(name: str, raw) -> int:
        try:
            value = int(str(raw).strip())
        except ValueError:
            raise SettingError(name, f"{name} must be a whole number of {unit}.") from None
        if value < minimum:
            raise SettingError(name, f"{name} must be at least {minimum}.")
        if maximum is not None and value > maximum:
            raise SettingError(name, f"{name} must be at most {maximum}.")
        return value

    return parse


def _boolean(name: str, raw) -> bool:
    if isinstance(raw, bool):
        return raw
    text = str(raw).strip().lower()
    if text not in ("true", "false"):
        raise SettingError(name, f"{name} must be true or false.")
    return text == "true"


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


def _subset_of(choices: Tuple[str, ...]):
    def parse(name: str, raw) -> FrozenSet[str]:
        values = frozenset(item.upper() for item in _names(name, raw))
        unknown = sorted(values - set(choices))
        if unknown:
            raise SettingError(
                name, f"{name}: unknown {', '.join(unknown)}; use {', '.join(choices)}."
            )
        return values

    return parse


def _postal_codes(name: str, raw) -> FrozenSet[str]:
    codes = frozenset(code.replace("-", "") for code in _names(name, raw))
    bad = sorted(code for code in codes if not (len(code) == 7 and code.isdigit()))
    if bad:
        raise SettingError(name, f"{name}: not 7-digit postal codes: {', '.join(bad)}.")
    return codes


def _text(name: str, raw) -> str:
    return str(raw or "")


def _time_zone(name: str, raw) -> str:
    """An IANA time zone name, or "" for Django's TIME_ZONE."""
    value = str(raw or "").strip()
    if value:
        try:
            zone_named(value)
        except LookupError:
            raise SettingError(
                name, f"{name}: {value!r} is not a time zone name (e.g. Asia/Tokyo)."
            ) from None
    return value


def _language(name: str, raw) -> str:
    value = str(raw or "").strip().lower()
    if value and value not in HISTORY_LANGUAGES:
        raise SettingError(
            name, f"{name} must be {' or '.join(HISTORY_LANGUAGES)}, or empty for Saleor's "
            "default language."
        )
    return value


# What the customer e-mail's texts may name (notifications.emails fills them in).
EMAIL_FIELDS = ("order_number", "customer_name", "message", "action", "link")
# What the storefront link may name.
LINK_FIELDS = ("order_number", "order_token")
MAX_TEMPLATE_LENGTH = 5000
DEFAULT_EMAIL_TEXTS = {
    "customer_email_subject_ja": "ご注文 #{order_number} についてのお願い",
    "customer_email_body_ja": (
        "{customer_name} 様\n\nご注文 #{order_number} について、ご連絡いたします。\n\n"
        "{message}\n\n{action}\n{link}\n"
    ),
    "customer_email_subject_en": "About your order #{order_number}",
    "customer_email_body_en": (
        "Dear {customer_name},\n\nAbout your order #{order_number}:\n\n{message}\n\n"
        "{action}\n{link}\n"
    ),
}


def _named_fields(name: str, value: str, allowed: Tuple[str, ...]) -> str:
    """`value` if every {field} it names is one of `allowed` (no format specs)."""
    try:
        fields = [(field, spec, conversion)
                  for _text, field, spec, conversion in string.Formatter().parse(value)
                  if field is not None]
    except ValueError:
        raise SettingError(name, f"{name}: unbalanced braces (write {{{{ for a brace).") from None
    for field, spec, conversion in fields:
        if field not in allowed or spec or conversion:
            raise SettingError(
                name, f"{name}: {{{field}}} is not one of {', '.join('{%s}' % f for f in allowed)}."
            )
    return value


def _email_text(name: str, raw) -> str:
    value = str(raw).strip()
    if len(value) > MAX_TEMPLATE_LENGTH or "\x00" in value:
        raise SettingError(name, f"{name} takes at most {MAX_TEMPLATE_LENGTH} characters.")
    return _named_fields(name, value, EMAIL_FIELDS)


def _link(name: str, raw) -> str:
    value = str(raw or "").strip()
    if not value:
        return ""
    if not value.startswith(("https://", "http://")) or len(value) > 2000 or any(
            char.isspace() for char in value):
        raise SettingError(name, f"{name} must be an http(s) URL of at most 2000 characters.")
    return _named_fields(name, value, LINK_FIELDS)


MAX_WEBHOOK_URLS = 5


def _urls(name: str, raw) -> Tuple[str, ...]:
    urls = _items(raw)
    if len(urls) > MAX_WEBHOOK_URLS:
        raise SettingError(name, f"{name}: at most {MAX_WEBHOOK_URLS} URLs.")
    for url in urls:
        if not url.startswith(("https://", "http://")) or len(url) > 2000:
            raise SettingError(name, f"{name}: {url[:100]!r} is not an http(s) URL.")
    return urls


@dataclass(frozen=True)
class Setting:
    name: str
    kind: str  # how Saleor's dashboard shows it: "string", "boolean" or "password"
    default: object
    # Saleor's shape: the label is the field's short name on the plugin page, the help
    # text the sentence under it.
    label: str
    help_text: str
    parse: Callable[[str, object], object]


SETTINGS: Tuple[Setting, ...] = (
    Setting(
        "overdue_after_days", "string", "3", "Overdue after (days)",
        "An active flag older than this many days counts as overdue in the "
        "attentionFlags(filter: {overdue: true}) queue, as does one whose due date "
        "has passed.",
        _whole_number(1, "days"),
    ),
    Setting(
        "deferred_payment_rejection_policy", "string", ALL_ATTENTION,
        "Credit check rejected (後払い与信NG時の処理)",
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
        "cod_payment_gateways", "string", "",
        "Payment gateways that are cash on delivery",
        "Comma-separated Saleor payment gateway ids whose payments are cash on delivery "
        "(代引き).",
        _names,
    ),
    Setting(
        "cod_allowed_regular_orders", "boolean", True,
        "Cash on delivery allowed for regular orders",
        "Off: a regular (non-subscription) order paid by cash on delivery needs "
        "attention (COD_NOT_ALLOWED), and the customer is emailed.",
        _boolean,
    ),
    Setting(
        "cod_allowed_first_subscription_orders", "boolean", True,
        "Cash on delivery allowed for first subscription orders",
        "Off: a subscription's first order paid by cash on delivery needs attention "
        "(COD_NOT_ALLOWED), and the customer is emailed.",
        _boolean,
    ),
    Setting(
        "cod_allowed_later_subscription_orders", "boolean", True,
        "Cash on delivery allowed for later subscription orders",
        "Off: a subscription's second and later orders (renewals) paid by cash on "
        "delivery need attention (COD_NOT_ALLOWED), and the customer is emailed.",
        _boolean,
    ),
    Setting(
        "subscription_discount_check", "boolean", False,
        "Flag subscription-member discount candidates (定期割引候補)",
        "On: a new subscription whose purchaser matches an existing subscriber by two of "
        "phone, postal code and name needs attention (SUBSCRIPTION_DISCOUNT_CANDIDATE), "
        "so staff can decide on the member's discount.",
        _boolean,
    ),
    Setting(
        "blacklist_match_patterns", "string", ",".join(MATCH_PATTERNS),
        "Blacklist candidate match patterns (顧客のチェック方法)",
        "Comma-separated: PHONE, NAME_POSTAL_CODE (name and postal code), ADDRESS, EMAIL. "
        "An order whose purchaser or addressee matches a blacklist entry this way is a "
        "candidate (BLACKLIST_CANDIDATE). Empty: all four.",
        _subset_of(MATCH_PATTERNS),
    ),
    Setting(
        "remote_island_check", "boolean", False, "Flag orders to remote islands (離島)",
        "On: an order shipped to a remote-island postal code needs attention "
        "(REMOTE_ISLAND), so staff can check the fee and delivery interval.",
        _boolean,
    ),
    Setting(
        "remote_island_postal_codes_added", "string", "",
        "Remote-island postal codes added",
        "Comma-separated 7-digit codes to treat as remote islands besides the built-in "
        "list (Japan Post data, 62 island municipalities).",
        _postal_codes,
    ),
    Setting(
        "remote_island_postal_codes_removed", "string", "",
        "Remote-island postal codes removed",
        "Comma-separated 7-digit codes of the built-in list the shop delivers to as usual.",
        _postal_codes,
    ),
    Setting(
        "history_language", "string", "", "Language of order history notes",
        "ja or en: the language of what the plugin writes into orders' history and its "
        "audit trail (flags set and released, findings, refused shipments). Empty: "
        "Saleor's default language (LANGUAGE_CODE; Japanese for ja, else English).",
        _language,
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
        f"cannot be replayed later. At most {MAX_REPLAY_WINDOW_SECONDS} (a day).",
        _whole_number(1, "seconds", maximum=MAX_REPLAY_WINDOW_SECONDS),
    ),
    Setting(
        "webhook_urls", "string", "", "Flag webhook URLs",
        f"Comma-separated http(s) URLs (at most {MAX_WEBHOOK_URLS}) the plugin POSTs its "
        "own events to: attention.flag_set, attention.flag_released, "
        "attention.order_cleared, each with the whole flag, signed with the webhook "
        "secret. Empty: none.",
        _urls,
    ),
    Setting(
        "webhook_secret", "password", "", "Flag webhook secret",
        "Signs the flag webhooks (X-Attention-Signature: t=<unix seconds>,v1=<hex "
        "HMAC-SHA256 of \"<t>.<body>\">), as the inbound endpoint checks its events. "
        "Required when there are webhook URLs.",
        _text,
    ),
    Setting(
        "renewal_lead_days", "string", "3", "Renewal lead time (days)",
        "How many days before a subscription contract's next shipping date its renewal "
        "order is placed (0 to 60). A subscription that needs attention then gets none "
        "until it is released.",
        _whole_number(0, "days", maximum=60),
    ),
    Setting(
        "charge_lead_days", "string", "2", "Automatic charge lead time (days)",
        "How many days before a renewal order's planned shipping date its card is "
        "charged (0 to 60). An order that needs attention and is not yet shipped is "
        "not charged until it is released.",
        _whole_number(0, "days", maximum=60),
    ),
    Setting(
        "charge_retries", "string", "2", "Automatic charge retries",
        "How many times a declined automatic charge is tried again (0 to 10) before the "
        "renewal order needs attention (RENEWAL_PAYMENT_FAILED). 0: at the first decline.",
        _whole_number(0, "retries", maximum=10),
    ),
    Setting(
        "charge_retry_interval_days", "string", "1", "Days between charge retries",
        "How many days after a declined automatic charge it is tried again (1 to 30).",
        _whole_number(1, "days", maximum=30),
    ),
    *(
        Setting(
            f"customer_email_{part}_{language}", "string", DEFAULT_EMAIL_TEXTS[
                f"customer_email_{part}_{language}"],
            f"Customer e-mail {part} ({language})",
            f"The {part} of the e-mail a customer whose order is in "
            f"{'Japanese' if language == 'ja' else 'another language'} gets when a "
            "reason that asks something of them is raised (DEFERRED_PAYMENT_REJECTED, "
            "COD_NOT_ALLOWED). It may name {order_number}, {customer_name}, {message} "
            "(the reason's customer text), {action} (what to do) and {link}. Empty: "
            "the default text.",
            _email_text,
        )
        for language in ("ja", "en") for part in ("subject", "body")
    ),
    Setting(
        "customer_email_link", "string", "", "Storefront link in customer e-mails",
        "The page where the customer acts on the e-mail (e.g. changes the payment "
        "method): an http(s) URL that may name {order_number} and {order_token}. "
        "Empty: the e-mail carries no link.",
        _link,
    ),
    Setting(
        "time_zone", "string", "", "Shop time zone",
        "The time zone whose calendar handledOn and dueOn follow (e.g. Asia/Tokyo): a "
        "release may be dated neither after today there nor before the day the flag "
        "was set there. Empty: the server's TIME_ZONE.",
        _time_zone,
    ),
)


@dataclass(frozen=True)
class AttentionSettings:
    overdue_after_days: int = 3
    deferred_payment_rejection_policy: str = ALL_ATTENTION
    cod_unavailable_shipping_methods: FrozenSet[str] = frozenset()
    cod_payment_gateways: FrozenSet[str] = frozenset()
    cod_allowed_regular_orders: bool = True
    cod_allowed_first_subscription_orders: bool = True
    cod_allowed_later_subscription_orders: bool = True
    subscription_discount_check: bool = False
    blacklist_match_patterns: FrozenSet[str] = frozenset(MATCH_PATTERNS)
    remote_island_check: bool = False
    remote_island_postal_codes_added: FrozenSet[str] = frozenset()
    remote_island_postal_codes_removed: FrozenSet[str] = frozenset()
    history_language: str = ""
    inbound_secret: str = ""
    inbound_replay_window_seconds: int = 300
    webhook_urls: Tuple[str, ...] = ()
    webhook_secret: str = ""
    renewal_lead_days: int = 3
    charge_lead_days: int = 2
    charge_retries: int = 2
    charge_retry_interval_days: int = 1
    customer_email_subject_ja: str = DEFAULT_EMAIL_TEXTS["customer_email_subject_ja"]
    customer_email_body_ja: str = DEFAULT_EMAIL_TEXTS["customer_email_body_ja"]
    customer_email_subject_en: str = DEFAULT_EMAIL_TEXTS["customer_email_subject_en"]
    customer_email_body_en: str = DEFAULT_EMAIL_TEXTS["customer_email_body_en"]
    customer_email_link: str = ""
    time_zone: str = ""


def parse(values: Mapping[str, object]) -> AttentionSettings:
    """Settings from stored values; missing ones take their default."""
    parsed: Dict[str, object] = {}
    for setting in SETTINGS:
        raw = values.get(setting.name)
        if raw is None or raw == "":
            raw = setting.default
        parsed[setting.name] = setting.parse(setting.name, raw)
    if parsed["webhook_urls"] and not parsed["webhook_secret"]:
        raise SettingError("webhook_secret", "Set a webhook secret to send flag webhooks.")
    return AttentionSettings(**parsed)


def of_configuration(configuration) -> AttentionSettings:
    """Settings from Saleor's configuration list ([{"name": …, "value": …}])."""
    values = tuple((item["name"], item.get("value")) for item in configuration or [])
    try:
        return _parsed(values)
    except TypeError:  # a value that is not hashable: not one of ours, parse it as is
        return parse(dict(values))


@functools.lru_cache(maxsize=16)
def _parsed(values: Tuple[Tuple[str, object], ...]) -> AttentionSettings:
    """parse() remembered by the values it read: every new order's rules and every
    change's history language parse the stored list, which rarely changes."""
    return parse(dict(values))


DEFAULTS = parse({})


def with_missing_defaults(configuration) -> list:
    """Saleor's stored configuration list, with the settings it lacks (declared after
    it was stored) added at their defaults."""
    stored = list(configuration or [])
    names = {item.get("name") for item in stored}
    return stored + [
        {"name": setting.name, "value": setting.default}
        for setting in SETTINGS if setting.name not in names
    ]

# Saleor's ConfigurationTypeField values (the same strings on 2.10 and 3.x).
_FIELD_TYPES = {"string": "String", "boolean": "Boolean", "password": "Password"}

# The settings as Saleor's plugin page shows them, and as Saleor stores them at first.
CONFIG_STRUCTURE = {
    setting.name: {
        "type": _FIELD_TYPES[setting.kind],
        "help_text": setting.help_text,
        "label": setting.label,
    }
    for setting in SETTINGS
}
DEFAULT_CONFIGURATION = [{"name": setting.name, "value": setting.default} for setting in SETTINGS]

"""The shop's settings (重要項目設定): each declared once with its default and check.

The Saleor adapters build the plugin's CONFIG_STRUCTURE from `SETTINGS`, and parse the
stored values with `parse`, which names the field of any bad value.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Dict, Mapping, Tuple


PLUGIN_ID = "saleor_attention"
# Saleor treats a plugin without a stored configuration as its DEFAULT_ACTIVE.
DEFAULT_ACTIVE = True


class SettingError(ValueError):
    def __init__(self, name: str, message: str):
        super().__init__(message)
        self.name = name


def _positive_int(name: str, raw) -> int:
    try:
        value = int(str(raw).strip())
    except ValueError:
        raise SettingError(name, f"{name} must be a whole number of days.") from None
    if value < 1:
        raise SettingError(name, f"{name} must be at least 1.")
    return value


@dataclass(frozen=True)
class Setting:
    name: str
    kind: str  # "string" or "boolean": how Saleor's dashboard shows it
    default: object
    help_text: str
    label: str
    parse: Callable[[str, object], object]


SETTINGS: Tuple[Setting, ...] = (
    Setting(
        name="overdue_after_days",
        kind="string",
        default="3",
        label="Overdue after (days)",
        help_text=(
            "An active flag older than this many days counts as overdue in the "
            "attentionFlags(filter: {overdue: true}) queue."
        ),
        parse=_positive_int,
    ),
)


@dataclass(frozen=True)
class AttentionSettings:
    overdue_after_days: int = 3


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

"""Whether the plugin is switched on, and its settings, as stored by Saleor's plugin
page. Read when needed (a veto, the overdue filter), not on every request."""
from __future__ import annotations

import functools
from typing import Tuple

from . import config
from .adapter import shop
from .composed import ComposedRead

# Read on most staff requests: composed once (0.5 ms a read as a queryset, 0.2 so).
_STORED = ComposedRead(lambda: shop.plugin_configurations().order_by("pk")[:1])


def stored_configuration():
    """The plugin's stored PluginConfiguration (active, configuration); None if Saleor
    has none yet."""
    found = _STORED()
    return found[0] if found else None


def is_active() -> bool:
    stored = stored_configuration()
    return config.DEFAULT_ACTIVE if stored is None else stored.active


def settings() -> config.AttentionSettings:
    stored = stored_configuration()
    if stored is None:
        return config.DEFAULTS
    return config.of_configuration(stored.configuration)


@functools.lru_cache(maxsize=1)
def is_active_sql() -> Tuple[str, tuple]:
    """is_active() as an SQL condition and its parameters, for reading the switch in
    the statement that acts on it (no statement of its own). Composed once per
    process: the query is always the same."""
    stored, parameters = shop.plugin_configurations().values("active")[:1].query.sql_with_params()
    return f"COALESCE(({stored}), %s)", (*parameters, config.DEFAULT_ACTIVE)

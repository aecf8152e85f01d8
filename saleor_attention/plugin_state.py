"""Whether the plugin is switched on, and its settings, as stored by Saleor's plugin
page. Read when needed (a veto, the overdue filter), not on every request."""
from __future__ import annotations

import functools
from typing import Tuple

from . import config
from .adapter import shop


def is_active() -> bool:
    stored = shop.stored_plugin_configuration()
    return config.DEFAULT_ACTIVE if stored is None else stored.active


def settings() -> config.AttentionSettings:
    stored = shop.stored_plugin_configuration()
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

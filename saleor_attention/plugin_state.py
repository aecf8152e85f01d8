"""Whether the plugin is switched on, and its settings, as stored by Saleor's plugin
page. Read when needed (a veto, the overdue filter), not on every request."""
from __future__ import annotations

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

"""The plugin as a shop can run it, for the interleaved on/off measurements:

- active: installed and switched on;
- inactive: installed, switched off with the dashboard's switch (stored
  PluginConfiguration.active = false);
- plain Saleor: not installed. Out of settings.PLUGINS (Saleor's plugin manager reads
  it on every call) and every model-signal and request-signal receiver of the plugin
  disconnected (the fulfillment guard, the order-save and order-event receivers, the
  ends of requests), as if the package had never been added to the shop.
"""
from dataclasses import dataclass
from typing import List, Optional

from django.conf import settings

from saleor_attention.adapter import connect_receivers

from .plain_saleor import PLUGIN_PACKAGE, is_plugin_receiver, plugin_signals, set_plugin_active

_plugin_paths: Optional[List[str]] = None


def set_installed(installed: bool) -> None:
    paths = plugin_paths()
    others = [path for path in settings.PLUGINS if path not in paths]
    settings.PLUGINS = [*others, *paths] if installed else others
    if installed:
        connect_receivers()  # idempotent: every receiver has a dispatch_uid
    elif not disconnect_receivers() and not is_disconnected():
        raise RuntimeError("found none of the plugin's signal receivers to disconnect")


def plugin_paths() -> List[str]:
    """The plugin's entries in settings.PLUGINS, as the shop's settings list them."""
    global _plugin_paths
    if _plugin_paths is None:
        _plugin_paths = [
            path for path in settings.PLUGINS if path.startswith(PLUGIN_PACKAGE + ".")
        ]
        if not _plugin_paths:
            raise RuntimeError(f"no {PLUGIN_PACKAGE} plugin in settings.PLUGINS")
    return _plugin_paths


def disconnect_receivers() -> int:
    """Every model-signal and request-signal receiver the plugin connected (whatever
    its dispatch_uid): how many were removed."""
    removed = 0
    for signal in plugin_signals():
        with signal.lock:
            kept = [entry for entry in signal.receivers if not is_plugin_receiver(entry)]
            removed += len(signal.receivers) - len(kept)
            signal.receivers = kept
            signal.sender_receivers_cache.clear()
    return removed


def is_disconnected() -> bool:
    return not any(
        is_plugin_receiver(entry) for signal in plugin_signals() for entry in signal.receivers
    )


@dataclass(frozen=True)
class Mode:
    label: str
    installed: bool
    active: bool

    def apply(self) -> None:
        set_installed(self.installed)
        set_plugin_active(self.active)


ACTIVE = Mode("plugin active", installed=True, active=True)
INACTIVE = Mode("plugin inactive (switched off)", installed=True, active=False)
PLAIN = Mode("plain Saleor (plugin not installed)", installed=False, active=True)
MODES = (ACTIVE, INACTIVE, PLAIN)


def restore() -> None:
    ACTIVE.apply()

"""The on/off switch, asked at every way into the plugin: Saleor's plugin hooks, the
model signals (new orders, payment events, fulfillments), the inbound endpoint,
scheduled work, and the vetoes staff and customers meet. Switched off, no rule runs,
no guard refuses and no inbound event raises a flag; bookkeeping goes on (a deleted
order's flags are closed, the metadata mirror is repaired), so nothing is lost when
it is switched on again."""
from __future__ import annotations

from typing import Tuple


def is_on(plugin=None) -> bool:
    """Saleor's plugin hooks pass the plugin instance, which knows (no query); other
    entries read the stored switch."""
    if plugin is not None:
        return plugin.active
    # Imported here: the plugin class imports this module while Saleor loads its apps,
    # before Saleor's models (which plugin_state reads through the adapter) exist.
    from . import plugin_state

    return plugin_state.is_active()


def is_on_sql() -> Tuple[str, tuple]:
    """The stored switch as an SQL condition and its parameters, for a statement that
    acts only when the plugin is on and reads the switch itself (no query of its own)."""
    from . import plugin_state

    return plugin_state.is_active_sql()

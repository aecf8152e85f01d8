from saleor.plugins.base_plugin import BasePlugin

from ..plugin_base import AttentionPluginBase


class AttentionPlugin(AttentionPluginBase, BasePlugin):
    """Registers the plugin and its settings with Saleor 2.10.

    Flags live in the plugin's own tables; vetoes are model guards wired in the app's
    `ready()`, and the GraphQL API is served by the extended schema (see urls.py).
    """

    def order_created(self, order, previous_value):
        from .. import hooks  # imported late: Saleor loads plugins while apps load

        hooks.order_created(order)
        return previous_value

    def order_updated(self, order, previous_value):
        from .. import hooks

        hooks.order_updated(order)
        return previous_value
